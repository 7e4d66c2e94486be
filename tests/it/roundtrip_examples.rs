//! Every example in `spec/enkash-rewards.yaml` decodes as the generated type at its
//! schema position and encodes back to the same JSON: no field lost, none invented, no
//! number changed.
//!
//! The examples are found by walking the spec itself (`tests/fixtures/support/examples.rs`):
//! media-type `example` and `examples.*.value` (following `$ref`s into
//! `#/components/examples`), schema `example` at any depth, parameter `example`. Each is
//! checked through `enkash_rewards::schema_index::round_trip_at`, which the generator
//! emits for every schema, media-type and parameter position.

#[path = "../fixtures/support/examples.rs"]
pub(crate) mod walker;

use enkash_rewards::types;
use enkash_rewards_tests::schema_index::round_trip_at;
use serde_json::Value;
use walker::{Example, check_one, find_examples, spec_value};

fn spec() -> String {
    std::fs::read_to_string(enkash_rewards_tests::workspace_root().join("spec/enkash-rewards.yaml"))
        .expect("the spec")
}

fn examples() -> Vec<Example> {
    find_examples(&spec_value(&spec()))
}

fn example_at(location: &str) -> Value {
    examples()
        .into_iter()
        .find(|e| e.location == location)
        .unwrap_or_else(|| panic!("no example at {location}"))
        .value
}

#[test]
fn every_example_round_trips() {
    let checked = walker::check_examples(&spec(), round_trip_at);
    println!("{checked} examples checked");
    assert!(checked > 0, "no examples found: is the walker broken?");
}

/// The examples the spec documents today (the five captured pages, the platform
/// reference and the reference of the rest of the Reward APIs section). The walker must find each one, so a broken walker cannot pass by finding
/// nothing; new examples are fine, losing one is not.
const EXPECTED: &[&str] = &[
    "#/paths/~1oauth~1token/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1create-coins-config/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1create-coins-config/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1allocate-coin/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1allocate-coin/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1{coinConfigId}/get/parameters/0/example",
    "#/paths/~1api~1v0~1enkash-coins~1{coinConfigId}/patch/parameters/0/example",
    "#/paths/~1api~1v0~1enkash-coins~1{coinConfigId}/patch/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1enkash-coins~1{coinConfigId}/patch/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1coins~1balance/get/parameters/0/example",
    "#/paths/~1api~1v0~1coins~1balance/get/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard/post/responses/200/content/application~1json/example",
    "#/components/responses/CoinsFailure/content/application~1json/example",
    "#/components/schemas/AccessTokenRequest/properties/clientId/example",
    // The rest of the Reward APIs section.
    "#/paths/~1api~1v0~1partner~1enKashCard~1sso-token/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1bulk-create-allocate-points-json/post/parameters/0/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1bulk-create-allocate-points-json/post/parameters/1/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1bulk-create-allocate-points-json/post/parameters/2/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1bulk-create-allocate-points-json/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1bulk-create-allocate-points-json/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1cardAccount~1get/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1cardAccount~1get/post/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1enKashCard~1search/post/requestBody/content/application~1json/examples/usersOfAccount",
    "#/paths/~1api~1v0~1partner~1enKashCard~1search/post/requestBody/content/application~1json/examples/oneCard",
    "#/paths/~1api~1v0~1partner~1enKashCard~1search/post/responses/200/content/application~1json/examples/page",
    "#/paths/~1api~1v0~1partner~1enKashCard~1search/post/responses/200/content/application~1json/examples/oneCard",
    "#/paths/~1api~1v0~1partner~1enKashCard~1transaction~1all/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1cart/get/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1cart/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1cart/patch/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1cart/patch/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1search-config~1{productCatalogId}/get/parameters/0/example",
    "#/paths/~1api~1v0~1partner~1search-config~1{productCatalogId}/get/responses/200/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1create-order/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1partner~1search-order/post/parameters/0/example",
    "#/paths/~1api~1v0~1partner~1search-order/post/parameters/1/example",
    "#/paths/~1api~1v0~1partner~1fetch-order-details~1{orderReferenceId}/get/parameters/0/example",
    "#/paths/~1api~1v0~1partner~1fetch-order-details~1{orderReferenceId}/get/responses/200/content/application~1json/examples/documented",
    "#/paths/~1api~1v0~1order~1orderDetails/post/requestBody/content/application~1json/example",
    "#/paths/~1api~1v0~1order~1orderDetails/post/responses/200/content/application~1json/examples/documented",
];

const CREATE_ALLOCATE_REQUEST: &str = "#/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/requestBody/content/application~1json/example";
const CREATE_ALLOCATE_RESPONSE: &str = "#/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/responses/200/content/application~1json/example";
const CREATE_CARD_RESPONSE: &str =
    "#/paths/~1api~1v0~1partner~1enKashCard/post/responses/200/content/application~1json/example";

#[test]
fn the_documented_examples_are_all_found_and_checked() {
    let found = examples();
    let locations: Vec<&str> = found.iter().map(|e| e.location.as_str()).collect();
    let missing: Vec<&&str> = EXPECTED.iter().filter(|l| !locations.contains(l)).collect();
    assert!(
        missing.is_empty(),
        "examples not found: {missing:#?}\nfound: {locations:#?}"
    );
    for e in found
        .iter()
        .filter(|e| EXPECTED.contains(&e.location.as_str()))
    {
        check_one(e, round_trip_at).unwrap_or_else(|why| panic!("{why}"));
    }
}

/// An answer's envelope the client unwraps has no type of its own: its examples are
/// checked as the client reads them, the result code and message by shape and the payload
/// as the type `send()` returns, so a wrong payload or code is still caught.
#[test]
fn unwrapped_envelopes_check_code_message_and_payload() {
    let at = "#/components/schemas/CreateCoinEventResponse";
    let good = serde_json::json!({
        "response_code": 0,
        "response_message": "Success",
        "payload": {"coinConfigId": "WCC1", "configuration": "DEFAULT", "event": "E", "amount": 6},
        "traceId": "kept"
    });
    let back = round_trip_at(at, &good).expect("indexed").expect("decodes");
    assert_eq!(back, good);
    let check = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut bad = good.clone();
        change(&mut bad);
        round_trip_at(at, &bad)
            .expect("indexed")
            .expect_err("refused")
    };
    let why = check(&|v| v["payload"]["amount"] = "six".into());
    assert!(why.contains("payload `payload`"), "{why}");
    let why = check(&|v| v["response_code"] = "zero".into());
    assert!(why.contains("result code"), "{why}");
    let why = check(&|v| v["response_message"] = 1.into());
    assert!(why.contains("message"), "{why}");
    let why = check(&|v| {
        v.as_object_mut().unwrap().remove("payload");
    });
    assert!(why.contains("no payload"), "{why}");
}

/// The create-allocate-points request as documented: `uniqueReferenceNum` (the example's
/// spelling, not the field list's `uniqueReferenceNumber`) and `loadAmount` as the integer 11.
#[test]
fn create_allocate_request_keeps_its_quirks() {
    let example = example_at(CREATE_ALLOCATE_REQUEST);
    let back = round_trip_at("#/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/requestBody/content/application~1json", &example)
        .expect("indexed")
        .expect("decodes");
    assert_eq!(back["uniqueReferenceNum"], "TEST234236");
    assert!(
        back.get("uniqueReferenceNumber").is_none(),
        "the field-list spelling must not be invented"
    );
    assert_eq!(
        back["loadAmount"].to_string(),
        "11",
        "loadAmount stays the JSON integer 11"
    );
    assert_eq!(back["type"], "ALLOCATE_POINT");
    assert_eq!(back["transactionType"], "CR");

    let typed: types::CreateAndAllocatePointsRequest = serde_json::from_value(example).unwrap();
    assert_eq!(typed.unique_reference_number, "TEST234236");
    assert_eq!(typed.load_amount, rust_decimal::Decimal::from(11));
    assert_eq!(typed.transaction_type, types::TransactionType::Cr);
    assert_eq!(typed.r#type, types::PointsOperation::AllocatePoint);
    assert!(
        typed.extra.is_empty(),
        "every documented field is a typed field: {:?}",
        typed.extra
    );
    // Encoding the typed value writes the number as written: `11`, not `"11"` or `11.0`.
    let text = serde_json::to_string(&typed).unwrap();
    assert!(text.contains("\"loadAmount\":11,"), "{text}");
    assert!(
        text.contains("\"uniqueReferenceNum\":\"TEST234236\""),
        "{text}"
    );
}

/// The field list's spelling is accepted when decoding (`x-aliases`) and written back in
/// the wire spelling.
#[test]
fn create_allocate_request_accepts_the_documented_alias() {
    let mut example = example_at(CREATE_ALLOCATE_REQUEST);
    let object = example.as_object_mut().unwrap();
    let reference = object.remove("uniqueReferenceNum").unwrap();
    object.insert("uniqueReferenceNumber".to_owned(), reference);
    let typed: types::CreateAndAllocatePointsRequest = serde_json::from_value(example).unwrap();
    assert_eq!(typed.unique_reference_number, "TEST234236");
    assert_eq!(
        serde_json::to_value(&typed).unwrap()["uniqueReferenceNum"],
        "TEST234236"
    );
}

/// Both card payloads: `expiryMonth` stays the string "06"/"01" (never a number), objects
/// such as `cardStatus` keep their shape, and the card token is redacted in `Debug`.
#[test]
fn card_payloads_keep_their_quirks() {
    for (location, month, status) in [
        (CREATE_ALLOCATE_RESPONSE, "06", "UL"),
        (CREATE_CARD_RESPONSE, "01", "UL"),
    ] {
        let example = example_at(location);
        let schema_at = location.trim_end_matches("/example");
        let back = round_trip_at(schema_at, &example)
            .expect("indexed")
            .expect("decodes");
        assert_eq!(
            back["payload"]["expiryMonth"],
            Value::String(month.to_owned()),
            "{location}"
        );
        assert_eq!(back["payload"]["cardStatus"]["name"], status);
        let card: types::RewardCard = serde_json::from_value(example["payload"].clone()).unwrap();
        assert_eq!(card.expiry_month, month);
        assert!(
            card.extra.is_empty(),
            "{location}: undocumented keys {:?}",
            card.extra.keys().collect::<Vec<_>>()
        );
        let debug = format!("{card:?}");
        assert!(debug.contains("token: Some(Secret(<redacted>))"), "{debug}");
        assert!(
            !debug.contains(card.token.as_ref().unwrap().expose()),
            "the card token leaks into Debug"
        );
        assert!(debug.contains(&card.email), "personal data prints normally");
    }
}

/// The failure envelope: the payload is a message string where success carries an object.
#[test]
fn coins_failure_payload_is_a_string() {
    let example =
        example_at("#/components/responses/CoinsFailure/content/application~1json/example");
    let envelope: types::CoinsEnvelope = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(envelope.response_code, 1);
    assert_eq!(
        envelope.payload.get(),
        r#""Insufficient balance in card account""#
    );
    assert_eq!(serde_json::to_value(&envelope).unwrap(), example);
}

/// A pointer the generator never saw is reported, not silently accepted.
#[test]
fn unknown_pointers_are_not_in_the_index() {
    assert!(round_trip_at("#/components/schemas/NoSuchSchema", &Value::Null).is_none());
    assert!(round_trip_at("#/components/schemas/RewardCard", &Value::Null).is_some());
}
