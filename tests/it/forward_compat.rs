//! Forward compatibility: an answer from a newer server (an enum value this client does
//! not know, a field the spec does not list) decodes, and encoding it again gives back
//! exactly what was received.

use enkash_rewards::types::{
    AccessToken, CoinConfiguration, CoinEvent, CreateAndAllocatePointsRequest, PointsOperation,
    RewardCard, TransactionType,
};
use serde_json::{Value, json};

/// Decodes `text` as `T`, encodes it again and checks the JSON is unchanged.
fn survives<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> T {
    let typed: T =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("does not decode: {e}\n{text}"));
    let original: Value = serde_json::from_str(text).unwrap();
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, original, "changed by decode → encode");
    typed
}

#[test]
fn unknown_enum_values_survive() {
    let event: CoinEvent = survives(
        r#"{"coinConfigId":"WCC1","configuration":"PREMIUM","event":"MEAL_CARD_PAYMENT","amount":6}"#,
    );
    assert_eq!(
        event.configuration,
        CoinConfiguration::undocumented("PREMIUM")
    );
    assert!(matches!(&event.configuration, CoinConfiguration::Unknown(v) if v.get() == "PREMIUM"));
    assert_eq!(event.configuration.as_str(), "PREMIUM");
    assert_eq!(event.configuration.to_string(), "PREMIUM");

    // Case matters: "default" is not "DEFAULT", and is kept as sent.
    let event: CoinEvent =
        survives(r#"{"coinConfigId":"WCC1","configuration":"default","event":"E","amount":6}"#);
    assert!(matches!(&event.configuration, CoinConfiguration::Unknown(v) if v.get() == "default"));

    let request: CreateAndAllocatePointsRequest = survives(&request_json(
        json!({"transactionType": "REVERSAL", "type": "EXPIRE_POINT"}),
    ));
    assert_eq!(
        request.transaction_type,
        TransactionType::undocumented("REVERSAL")
    );
    assert_eq!(
        request.r#type,
        PointsOperation::undocumented("EXPIRE_POINT")
    );
}

#[test]
fn enum_values_decode_alike_from_text_from_escapes_and_from_a_value() {
    // Text hands the decoder a borrowed string, an escape a copied one, and a `Value` an
    // owned `String`: each path gives the same variants.
    let from_text: TransactionType = serde_json::from_str(r#""CR""#).unwrap();
    let from_escape: TransactionType = serde_json::from_str(r#""\u0043R""#).unwrap();
    let from_value: TransactionType = serde_json::from_value(json!("CR")).unwrap();
    for decoded in [from_text, from_escape, from_value] {
        assert_eq!(decoded, TransactionType::Cr);
    }
    let from_text: TransactionType = serde_json::from_str(r#""XX""#).unwrap();
    let from_value: TransactionType = serde_json::from_value(json!("XX")).unwrap();
    assert!(matches!(&from_text, TransactionType::Unknown(v) if v.get() == "XX"));
    assert_eq!(from_value, from_text);
    // Only strings are enum values.
    let error = serde_json::from_str::<TransactionType>("1").unwrap_err();
    assert!(error.to_string().contains("expected a string"), "{error}");
}

#[test]
fn known_enum_values_are_typed_and_unknown_ones_compare_by_text() {
    assert_eq!("CR".parse(), Ok(TransactionType::Cr));
    assert_eq!(TransactionType::undocumented("CR"), TransactionType::Cr);
    assert_eq!(
        "UNALLOCATE_POINT".parse(),
        Ok(PointsOperation::UnallocatePoint)
    );
    assert_eq!(
        serde_json::to_string(&TransactionType::undocumented("XX")).unwrap(),
        r#""XX""#
    );
    assert_eq!(
        serde_json::to_string(&CoinConfiguration::Custom).unwrap(),
        r#""CUSTOM""#
    );
}

#[test]
fn a_typo_in_a_request_enum_is_an_error_not_an_unknown_value() {
    let error = "DEFUALT".parse::<CoinConfiguration>().unwrap_err();
    assert_eq!(error.type_name, "CoinConfiguration");
    assert_eq!(error.value, "DEFUALT");
    assert_eq!(
        error.to_string(),
        r#""DEFUALT" is not a documented CoinConfiguration value (expected one of: DEFAULT, CUSTOM)"#
    );
    // Case matters on the wire, so it matters here.
    assert!("cr".parse::<TransactionType>().is_err());
    assert_eq!(TransactionType::VALUES, &["CR", "DR"]);
}

#[test]
fn unknown_fields_survive_at_every_level() {
    // Top level and inside a nested object (cardStatus), with awkward values: exact numbers
    // (parsed from text, so `1.50` stays `1.50`), null, nested arrays and objects. The base
    // is the payload of the spec's create-allocate-points answer, what `send()` returns.
    let raw = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
    let mut card = documented_card_response()["payload"].take();
    card["loyaltyTier"] = raw(r#"{"name": "GOLD", "since": "2025-01-01", "multiplier": 1.50}"#);
    card["newAmount"] = Value::Null;
    card["cardStatus"]["reason"] = raw(r#"["KYC", 3, 0.10]"#);
    let text = serde_json::to_string(&card).unwrap();
    assert!(text.contains("1.50") && text.contains("0.10"), "{text}");
    let typed: RewardCard = survives(&text);
    // Unknown members are kept as their exact text.
    assert_eq!(
        typed.extra["loyaltyTier"].get(),
        r#"{"multiplier":1.50,"name":"GOLD","since":"2025-01-01"}"#
    );
    assert_eq!(typed.extra["newAmount"].get(), "null");
    assert_eq!(typed.card_status.extra["reason"].get(), r#"["KYC",3,0.10]"#);
    let reason: (String, u8, f64) = typed.card_status.extra["reason"].decode().expect("decodes");
    assert_eq!((reason.0.as_str(), reason.1), ("KYC", 3));
    assert_eq!(typed.expiry_month, "06");
}

#[test]
fn unknown_fields_in_requests_are_sent_as_given() {
    let request: CreateAndAllocatePointsRequest =
        survives(&request_json(json!({"campaign": {"id": 7, "tags": ["a"]}})));
    assert_eq!(request.extra["campaign"].to_value()["id"], 7);
}

/// The token answer's other documented spelling (camelCase) is accepted; it is written
/// back in the spec's spelling, and nothing else changes.
#[test]
fn access_token_in_camel_case_decodes() {
    let camel = r#"{"accessToken":"a","tokenType":"bearer","refreshToken":"r","expiresIn":86399,"issuedAt":"now"}"#;
    let token: AccessToken = serde_json::from_str(camel).unwrap();
    assert_eq!(token.access_token.expose(), "a");
    assert_eq!(token.expires_in, 86399);
    assert_eq!(token.extra["issuedAt"].get(), r#""now""#);
    let back = serde_json::to_value(&token).unwrap();
    assert_eq!(
        back,
        json!({"access_token":"a","token_type":"bearer","refresh_token":"r","expires_in":86399,"issuedAt":"now"})
    );
}

/// A field that is *missing* from a newer answer decodes when optional, and is not
/// invented on re-encoding.
#[test]
fn absent_optional_fields_stay_absent() {
    let event: CoinEvent =
        survives(r#"{"coinConfigId":"WCC1","configuration":"DEFAULT","event":"E","amount":6}"#);
    assert_eq!(event.company_id, None);
}

/// The spec's documented create-allocate-points answer.
fn documented_card_response() -> Value {
    let spec = std::fs::read_to_string(
        enkash_rewards_tests::workspace_root().join("spec/enkash-rewards.yaml"),
    )
    .unwrap();
    let spec: Value = serde_yaml::from_str(&spec).unwrap();
    spec.pointer("/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/responses/200/content/application~1json/example")
        .expect("the documented answer")
        .clone()
}

fn request_json(overrides: Value) -> String {
    let mut request = json!({
        "companyId": "CEK1PU9AOO",
        "cardAccountId": "CAQL8YCV3",
        "transactionCode": "ALLOCATION",
        "transactionType": "CR",
        "type": "ALLOCATE_POINT",
        "email": "xyz2@gmail.com",
        "mobile": "9600098867",
        "title": "Mr",
        "firstName": "hedfdfg",
        "gender": "M",
        "loadAmount": 11,
        "uniqueReferenceNum": "TEST234236"
    });
    for (k, v) in overrides.as_object().unwrap() {
        request[k] = v.clone();
    }
    serde_json::to_string(&request).unwrap()
}

/// A member sent twice (under its name, or under its name and an alias) is an error naming
/// it, never a silent pick of one of the two values.
#[test]
fn a_member_sent_twice_is_an_error() {
    let twice = r#"{"coinConfigId":"WCC1","coinConfigId":"WCC2","configuration":"DEFAULT","event":"E","amount":6}"#;
    let error = serde_json::from_str::<CoinEvent>(twice).expect_err("duplicate");
    assert!(
        error.to_string().contains("duplicate field `coinConfigId`"),
        "{error}"
    );
    let aliased = request_json(json!({"uniqueReferenceNumber": "TEST234236"}));
    let error = serde_json::from_str::<CreateAndAllocatePointsRequest>(&aliased)
        .expect_err("the name and its alias");
    assert!(
        error
            .to_string()
            .contains("duplicate field `uniqueReferenceNum`"),
        "{error}"
    );
}
