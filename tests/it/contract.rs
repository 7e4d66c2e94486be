//! Contract tests: the generated client, and the example programs, against Prism.
//!
//! [Prism](https://github.com/stoplightio/prism) mocks `spec/enkash-rewards.yaml`: it
//! validates every request against the spec (body schema, required fields, media type,
//! security schemes) and answers with the spec's own examples. A checker we did not write
//! thus tells whether what the SDK sends is what the spec describes and whether the SDK
//! decodes what the spec documents.
//!
//! These tests need Prism (Node.js 20 and npm), so they are `#[ignore]`d: a plain
//! `cargo test --workspace` lists them as ignored, with the command that runs them, and
//! never counts them as passed. Run them with Prism up (`scripts/tools.sh` installs it,
//! pinned):
//!
//! ```sh
//! scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::
//! ```
//!
//! Run without `ENKASH_PRISM_URL` (Prism not up), each fails and says how to start it.
//! Every call is bounded by a timeout.

use std::collections::BTreeMap;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use enkash_rewards::types::{
    AccessTokenRequestGrantType, CoinConfiguration, PointsOperation, RewardCard, TransactionType,
};
use enkash_rewards::{Client, Credentials, Error, RawJson, RetryPolicy};
use enkash_rewards_tests::example;
use enkash_rewards_tests::examples::{assert_example_ok, run_example};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// One call against Prism, including connecting; Prism answers in milliseconds.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
const PARTNER_ID: &str = "CRMXWB3ZM";
const RUN_HINT: &str =
    "scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::";

/// Prism's base URL. A contract test runs only when asked for (they are ignored by
/// default), so without Prism it fails, saying how to start it, instead of passing.
fn prism() -> String {
    match std::env::var("ENKASH_PRISM_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
        _ => panic!(
            "ENKASH_PRISM_URL is not set: the contract tests need a Prism mock of the spec. \
             Run them with `scripts/tools.sh && {RUN_HINT}`"
        ),
    }
}

/// The client under test: a static bearer token and the partner id, no retries (a retry
/// must never hide a rejected request), bounded timeouts.
fn bearer_client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .bearer_token("contract-test-token")
        .partner_id(PARTNER_ID)
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the contract client builds")
}

/// A client that obtains its bearer token itself from `POST /oauth/token` (HTTP Basic).
fn credentials_client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::new(
            "CEK1GZBO6A",
            "client-secret",
            "user@example.com",
            "password",
        ))
        .partner_id(PARTNER_ID)
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the credentials client builds")
}

/// Awaits one SDK call with a timeout and unwraps it, naming the operation on failure.
async fn call<T>(what: &str, future: impl Future<Output = Result<T, Error>>) -> T {
    match tokio::time::timeout(CALL_TIMEOUT, future).await {
        Err(_) => panic!("{what}: Prism did not answer within {CALL_TIMEOUT:?}"),
        Ok(Err(error)) => panic!(
            "{what} failed against Prism: {error}\n(Prism's reasons are in its log, target/prism.log)"
        ),
        Ok(Ok(value)) => value,
    }
}

/// The decoded payload, re-encoded, is exactly the spec's documented response example:
/// every field was decoded under its wire name (nothing fell into `extra`, nothing
/// required was defaulted) and every value survived.
fn assert_is_documented_example(
    operation_id: &str,
    payload: &impl serde::Serialize,
    enveloped: bool,
) {
    let documented = example(operation_id, Some("200"))
        .unwrap_or_else(|| panic!("{operation_id} has no documented 200 example"));
    let documented = if enveloped {
        documented["payload"].clone()
    } else {
        documented
    };
    let decoded = serde_json::to_value(payload).expect("a decoded payload re-encodes");
    // Numbers compare by value: the spec's YAML holds `100.00` as the float 100.0, which
    // Prism (JavaScript) sends as `100`.
    let (decoded, documented) = (same_numbers(decoded), same_numbers(documented));
    assert_eq!(
        decoded, documented,
        "{operation_id}: the payload decoded from Prism's answer (the spec's example) does not \
         re-encode to that example"
    );
}

/// `value` with every number written in its shortest decimal form (`100.0` → `100`).
fn same_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) => {
            let exact = Decimal::from_str(&n.to_string())
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .map(|d| d.normalize().to_string());
            match exact.map(|text| serde_json::from_str::<Value>(&text)) {
                Ok(Ok(normal)) => normal,
                _ => Value::Number(n),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(same_numbers).collect()),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, same_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Nothing in the answer fell into an `extra` map (each generated struct's catch-all for
/// keys it does not declare), so every key was decoded under its declared wire name. The
/// round trip above cannot see this: `extra` re-encodes the key it caught.
fn assert_all_keys_known(operation_id: &str, extras: &[(&str, &BTreeMap<String, RawJson>)]) {
    for (at, extra) in extras {
        assert!(
            extra.is_empty(),
            "{operation_id}: keys at `{at}` the client did not recognise (a wrong wire name?): {extra:?}"
        );
    }
}

fn reward_card_extras(card: &RewardCard) -> Vec<(&'static str, &BTreeMap<String, RawJson>)> {
    let mut extras = vec![
        ("payload", &card.extra),
        ("payload.cardStatus", &card.card_status.extra),
        ("payload.kycStatus", &card.kyc_status.extra),
        ("payload.accountType", &card.account_type.extra),
    ];
    if let Some(bin_type) = &card.bin_type {
        extras.push(("payload.binType", &bin_type.extra));
    }
    if let Some(kit_type) = &card.kit_type {
        extras.push(("payload.kitType", &kit_type.extra));
    }
    extras
}

// ---------------------------------------------------------------------------------------
// Every operation, through the generated client: the request passes Prism's validation and
// the answer decodes.
// ---------------------------------------------------------------------------------------

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn create_access_token() {
    let url = prism();
    let client = credentials_client(&url);
    let token = call(
        "createAccessToken",
        client
            .create_access_token()
            .username("user@example.com")
            .password("password")
            .grant_type(AccessTokenRequestGrantType::Password)
            .client_id("CEK1GZBO6A")
            .send(),
    )
    .await;
    assert_is_documented_example("createAccessToken", &token, false);
    assert_all_keys_known("createAccessToken", &[("", &token.extra)]);
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn create_coin_event() {
    let url = prism();
    let client = bearer_client(&url);
    let event = call(
        "createCoinEvent",
        client
            .create_coin_event()
            .configuration(CoinConfiguration::Default)
            .company_id("CEKEKCARDS")
            .event("MEAL_CARD_PAYMENT")
            .amount(6)
            .send(),
    )
    .await;
    assert_eq!(event.coin_config_id, "WCC817428");
    assert_is_documented_example("createCoinEvent", &event, true);
    assert_all_keys_known("createCoinEvent", &[("payload", &event.extra)]);
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn update_coin_event() {
    let url = prism();
    let client = bearer_client(&url);
    let event = call(
        "updateCoinEvent",
        client
            .update_coin_event("WCC024845")
            .amount(10)
            .configuration(CoinConfiguration::Default)
            .send(),
    )
    .await;
    assert_eq!(event.amount, 10);
    assert_is_documented_example("updateCoinEvent", &event, true);
    assert_all_keys_known("updateCoinEvent", &[("payload", &event.extra)]);
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn allocate_coins() {
    let url = prism();
    let client = bearer_client(&url);
    let message = call(
        "allocateCoins",
        client
            .allocate_coins()
            .company_id("CEK0TCW2W8")
            .event("REFERRAL_EVENT")
            .request_id("COIN_REQ1234567")
            .user_id("EKQZVMQK")
            .send(),
    )
    .await;
    assert_is_documented_example("allocateCoins", &message, true);
}

/// Get Event has no documented response example: Prism generates the answer from the
/// schema (the envelope's `response_code` example, 0, makes it a success).
#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn get_coin_event() {
    let url = prism();
    let client = bearer_client(&url);
    // A path parameter that needs encoding must still reach the operation.
    let event = call("getCoinEvent", client.get_coin_event("WCC 12/345").send()).await;
    assert!(!event.coin_config_id.is_empty());
    assert_all_keys_known("getCoinEvent", &[("payload", &event.extra)]);
    // Every field the schema declares was decoded under its wire name.
    let keys: Vec<String> = serde_json::to_value(&event)
        .expect("re-encodes")
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    for key in ["coinConfigId", "configuration", "event", "amount"] {
        assert!(
            keys.iter().any(|k| k == key),
            "getCoinEvent payload lost `{key}`: {keys:?}"
        );
    }
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn get_coin_balance() {
    let url = prism();
    let client = bearer_client(&url);
    let balance = call(
        "getCoinBalance",
        client.get_coin_balance().user_id("EK6CYE6K").send(),
    )
    .await;
    assert_is_documented_example("getCoinBalance", &balance, true);
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn create_and_allocate_points_credit_and_debit() {
    let url = prism();
    let client = bearer_client(&url);
    for (transaction_type, operation, reference) in [
        (
            TransactionType::Cr,
            PointsOperation::AllocatePoint,
            "TEST234236",
        ),
        (
            TransactionType::Dr,
            PointsOperation::UnallocatePoint,
            "TEST234237",
        ),
    ] {
        let card = call(
            "createAndAllocatePoints",
            client
                .create_and_allocate_points()
                .company_id("CEK1PU9AOO")
                .card_account_id("CAQL8YCV3")
                .transaction_code("ALLOCATION")
                .transaction_type(transaction_type)
                .r#type(operation)
                .email("xyz2@gmail.com")
                .mobile("9600098867")
                .title("Mr")
                .first_name("hedfdfg")
                .gender("M")
                .load_amount(Decimal::from_str("11").expect("decimal"))
                .unique_reference_number(reference)
                .send(),
        )
        .await;
        assert_eq!(card.en_kash_card_id, "EKC04AZHXP");
        assert_is_documented_example("createAndAllocatePoints", &card, true);
        assert_all_keys_known("createAndAllocatePoints", &reward_card_extras(&card));
    }
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn create_card() {
    let url = prism();
    let client = bearer_client(&url);
    // Every optional field too, so each is checked against the schema's type and pattern.
    let card = call(
        "createCard",
        client
            .create_card()
            .user_id("EK94JCMP")
            .company_id("CEKEP5GSGP")
            .card_account_id("CAA8W45")
            .load_amount(500)
            .email("johnnydew@enkash.com")
            .mobile("6876543211")
            .title("Mr")
            .first_name("Johnny")
            .middle_name("Q")
            .last_name("Dew")
            .gender("M")
            .special_date("2000-02-14")
            .address("123 Street Name")
            .address2("Apt 456")
            .city("Pune")
            .state("Maharashtra")
            .country("India")
            .pincode("323908")
            .physical_card(false)
            .physical_delivery_address_flag(true)
            .delivery_address("789 Delivery St")
            .delivery_address2("Suite 101")
            .delivery_city("Mumbai")
            .delivery_state("Maharashtra")
            .delivery_country("India")
            .delivery_pincode("323307")
            .send(),
    )
    .await;
    assert_eq!(card.en_kash_card_id, "EKC94AEX89");
    assert_is_documented_example("createCard", &card, true);
    assert_all_keys_known("createCard", &reward_card_extras(&card));
}

/// The managed-token path: the client's own `POST /oauth/token` (form body + HTTP Basic)
/// passes Prism's validation, and the token it decodes is then sent as the bearer.
#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn managed_token_then_bearer_calls() {
    let url = prism();
    let client = credentials_client(&url);
    let balance = call(
        "getCoinBalance (managed token)",
        client.get_coin_balance().user_id("EK6CYE6K").send(),
    )
    .await;
    assert_eq!(balance, 0);
    let card = call(
        "createCard (managed token)",
        client
            .create_card()
            .company_id("CEKEP5GSGP")
            .card_account_id("CAA8W45")
            .load_amount(500)
            .send(),
    )
    .await;
    assert_eq!(card.en_kash_card_id, "EKC94AEX89");
}

// ---------------------------------------------------------------------------------------
// The rest of the Reward APIs: each request, with its optional inputs set, passes Prism's
// validation, and the documented answer (or, where none was captured, Prism's answer made
// from the schema) decodes.
// ---------------------------------------------------------------------------------------

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn sso_bulk_account_search_and_transactions() {
    let url = prism();
    let client = bearer_client(&url);
    let sso = call(
        "createSsoToken",
        client
            .create_sso_token()
            .card_account_id("CAQL8YCV3")
            .company_id("CEK1PU9AOO")
            .enkash_card_id("EKCDM5AVZY")
            .send(),
    )
    .await;
    assert!(!sso.get().is_empty());

    let rows: Vec<enkash_rewards::types::BulkAllocationRow> =
        serde_json::from_value(example("bulkCreateAndAllocatePoints", None).expect("rows"))
            .expect("the documented rows decode");
    let bulk = call(
        "bulkCreateAndAllocatePoints",
        client
            .bulk_create_and_allocate_points()
            .company_id("CEKBVCGMR1")
            .card_account_id("CA1ZS96")
            .is_points_allocation(true)
            .body(rows)
            .send(),
    )
    .await;
    assert_is_documented_example("bulkCreateAndAllocatePoints", &bulk, true);

    let account = call(
        "getRewardAccountDetails",
        client
            .get_reward_account_details()
            .card_account_id("account_id")
            .company_id("company_id")
            .send(),
    )
    .await;
    assert_is_documented_example("getRewardAccountDetails", &account, true);
    assert_all_keys_known("getRewardAccountDetails", &[("payload", &account.extra)]);

    let found = call(
        "searchRewardCards",
        client
            .search_reward_cards()
            .card_account_id("CAQL8YCV3")
            .company_id("CEK1PU9AOO")
            .en_kash_card_id("EKC9MKS5RM")
            .send(),
    )
    .await;
    assert!(
        matches!(found, enkash_rewards::types::CardSearchResult::CardPage(_)),
        "Prism answers the first documented example, the page: {found:?}"
    );

    let transactions = call(
        "getTransactionDetails",
        client
            .get_transaction_details()
            .company_id("CEK1PU9AOO")
            .card_account_id("CAQL8YCV3")
            .en_kash_card_id("EKC04AZHXP")
            .pg_reference_number("TEST234236")
            .status("CREATED")
            .en_kash_transaction_ids(vec!["ECTRSZJ8CRJ2E".to_owned()])
            .card_transaction_type("CR")
            .amount_from(0)
            .amount_to(Decimal::new(105, 1))
            .pg_reference_numbers(vec!["TEST234236".to_owned()])
            .txn_date_from("2025-01-24T08:47:01.505Z")
            .txn_date_to("2025-01-25T08:47:01.505Z")
            .send(),
    )
    .await;
    assert!(!transactions.get().is_empty());
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn redemption_catalog_cart_order_and_vouchers() {
    let url = prism();
    let client = bearer_client(&url);
    let catalog = call(
        "getProductConfigs",
        client.get_product_configs("PC7324536190LULHL").send(),
    )
    .await;
    assert_is_documented_example("getProductConfigs", &catalog, true);

    let carts = call("getCart", client.get_cart().product("VOUCHER").send()).await;
    assert_is_documented_example("getCart", &carts, true);

    let items = |id: &str| {
        BTreeMap::from([(
            id.to_owned(),
            serde_json::from_value::<enkash_rewards::types::CartItemInput>(
                json!({"quantity": 1, "description": ""}),
            )
            .expect("an item"),
        )])
    };
    call(
        "addToCart",
        client
            .add_to_cart()
            .product("VOUCHER")
            .product_catalog_id("PC7513531244A681")
            .items(items("PCN751457389RC1ST"))
            .send(),
    )
    .await;
    let updated = call(
        "updateCart",
        client
            .update_cart()
            .product("VOUCHER")
            .cart_id(2191)
            .items(items("PCN233451126S5CZC"))
            .send(),
    )
    .await;
    assert_is_documented_example("updateCart", &updated, true);

    call(
        "createOrder",
        client
            .create_order()
            .denomination(100)
            .order_reference_id("ORDER-CONTRACT-1")
            .product_catalog_id("PC7324536190LULHL")
            .quantity(1)
            .send(),
    )
    .await;
    call(
        "searchOrders",
        client
            .search_orders()
            .limit(10)
            .offset(0)
            .company_id("CEK1PU9AOO")
            .brand(vec!["Amazon Test".to_owned()])
            .category(vec!["E-Commerce".to_owned()])
            .direction("DESC")
            .amount_from(0)
            .amount_to(5000)
            .send(),
    )
    .await;

    let order = call(
        "fetchOrderDetails",
        client.fetch_order_details("REF123456789").send(),
    )
    .await;
    let documented = example("fetchOrderDetails", Some("200")).expect("documented");
    assert_eq!(
        same_numbers(serde_json::to_value(&order).expect("re-encodes")),
        same_numbers(documented["paylod"].clone()),
        "the misspelt payload decodes verbatim"
    );
    #[allow(deprecated)] // the older endpoint, kept for as long as EnKash serves it
    let legacy = call(
        "fetchOrderDetailsLegacy",
        client
            .fetch_order_details_legacy()
            .order_id("OR631764TS4UC")
            .send(),
    )
    .await;
    let _ = legacy.order_id;
}

// ---------------------------------------------------------------------------------------
// Prism's checks are live: the same request, sent raw, passes when complete and is
// refused (4xx) with one thing wrong. If these pass, the positive tests above prove
// something.
// ---------------------------------------------------------------------------------------

struct Raw {
    http: reqwest::Client,
    url: String,
}

struct Answer {
    status: StatusCode,
    /// Why Prism refused the request: its `sl-violations` header or, when the spec has no
    /// response for the refusal, its `WWW-Authenticate` header and problem+json body.
    violations: String,
}

impl Raw {
    fn new(url: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(CALL_TIMEOUT)
            .build()
            .expect("raw client");
        Self {
            http,
            url: url.to_owned(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body.to_owned());
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("raw request to {path}: {e}"));
        let status = response.status();
        let header = |name: &str| {
            let value = response.headers().get(name).and_then(|v| v.to_str().ok());
            value.unwrap_or_default().to_owned()
        };
        let mut violations = header("sl-violations");
        if violations.is_empty() {
            let authenticate = header("www-authenticate");
            let body = response.text().await.unwrap_or_default();
            violations = format!("{authenticate} {body}");
        }
        Answer { status, violations }
    }

    async fn post_json(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Answer {
        let body = body.to_string();
        self.send(reqwest::Method::POST, path, headers, Some(&body))
            .await
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");
const BEARER: (&str, &str) = ("authorization", "Bearer contract-test-token");
const PARTNER: (&str, &str) = ("partnerId", PARTNER_ID);

fn assert_accepted(what: &str, answer: &Answer) {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{what}: the complete request must pass: {}",
        answer.violations
    );
}

/// Prism names a query parameter in lower case (`userid`), so the match ignores case.
fn assert_refused(what: &str, answer: &Answer, statuses: &[u16], mentions: &str) {
    assert!(
        statuses.contains(&answer.status.as_u16()),
        "{what}: Prism answered {} (violations: {:?}); expected one of {statuses:?}",
        answer.status,
        answer.violations
    );
    assert!(
        answer
            .violations
            .to_lowercase()
            .contains(&mentions.to_lowercase()),
        "{what}: Prism's violations should mention {mentions:?}: {:?}",
        answer.violations
    );
}

/// The documented request example of an operation, with `key` removed.
fn without(operation_id: &str, key: &str) -> (Value, Value) {
    let full = example(operation_id, None)
        .unwrap_or_else(|| panic!("{operation_id} has a request example"));
    let mut cut = full.clone();
    assert!(
        cut.as_object_mut()
            .expect("object body")
            .remove(key)
            .is_some(),
        "{operation_id} example has {key}"
    );
    (full, cut)
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn prism_refuses_a_body_missing_a_required_field() {
    let url = prism();
    let raw = Raw::new(&url);
    for (operation_id, path, key, headers) in [
        (
            "createCoinEvent",
            "/api/v0/enkash-coins/create-coins-config",
            "companyId",
            &[JSON, BEARER][..],
        ),
        (
            "allocateCoins",
            "/api/v0/enkash-coins/allocate-coin",
            "requestId",
            &[JSON, BEARER][..],
        ),
        (
            "createAndAllocatePoints",
            "/api/v0/partner/enKashCard/create-allocate-points",
            "uniqueReferenceNum",
            &[JSON, BEARER, PARTNER][..],
        ),
    ] {
        let (full, cut) = without(operation_id, key);
        assert_accepted(operation_id, &raw.post_json(path, headers, &full).await);
        let answer = raw.post_json(path, headers, &cut).await;
        assert_refused(
            &format!("{operation_id} without {key}"),
            &answer,
            &[400, 422],
            key,
        );
    }
    // Create Card has no request example: its three required fields.
    let card = json!({"companyId": "CEKEP5GSGP", "cardAccountId": "CAA8W45", "loadAmount": 500});
    let headers = &[JSON, BEARER, PARTNER];
    assert_accepted(
        "createCard",
        &raw.post_json("/api/v0/partner/enKashCard", headers, &card)
            .await,
    );
    let answer = raw
        .post_json(
            "/api/v0/partner/enKashCard",
            headers,
            &json!({"companyId": "CEKEP5GSGP", "loadAmount": 500}),
        )
        .await;
    assert_refused(
        "createCard without cardAccountId",
        &answer,
        &[400, 422],
        "cardAccountId",
    );
    // EnKash's newer page: "A load amount is mandatory to create a gift card".
    let answer = raw
        .post_json(
            "/api/v0/partner/enKashCard",
            headers,
            &json!({"companyId": "CEKEP5GSGP", "cardAccountId": "CAA8W45"}),
        )
        .await;
    assert_refused(
        "createCard without loadAmount",
        &answer,
        &[400, 422],
        "loadAmount",
    );
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn prism_refuses_wrong_wire_names_and_values() {
    let url = prism();
    let raw = Raw::new(&url);
    // The field list's spelling is not the wire name (spec/CURATION.md): sending it instead
    // of `uniqueReferenceNum` leaves the required field missing.
    let (_, mut body) = without("createAndAllocatePoints", "uniqueReferenceNum");
    body["uniqueReferenceNumber"] = json!("TEST234236");
    let path = "/api/v0/partner/enKashCard/create-allocate-points";
    let answer = raw.post_json(path, &[JSON, BEARER, PARTNER], &body).await;
    assert_refused(
        "uniqueReferenceNumber instead of uniqueReferenceNum",
        &answer,
        &[400, 422],
        "uniqueReferenceNum",
    );
    // An enum value the spec does not list.
    let mut body = example("createCoinEvent", None).expect("example");
    body["configuration"] = json!("SOMETIMES");
    let answer = raw
        .post_json(
            "/api/v0/enkash-coins/create-coins-config",
            &[JSON, BEARER],
            &body,
        )
        .await;
    assert_refused(
        "configuration SOMETIMES",
        &answer,
        &[400, 422],
        "configuration",
    );
    // A number sent as a string.
    let mut body = example("createCoinEvent", None).expect("example");
    body["amount"] = json!("6");
    let answer = raw
        .post_json(
            "/api/v0/enkash-coins/create-coins-config",
            &[JSON, BEARER],
            &body,
        )
        .await;
    assert_refused("amount as a string", &answer, &[400, 422], "amount");
    // The Create Card mobile pattern (10 digits).
    let body = json!({"companyId": "CEKEP5GSGP", "cardAccountId": "CAA8W45", "mobile": "98765"});
    let answer = raw
        .post_json(
            "/api/v0/partner/enKashCard",
            &[JSON, BEARER, PARTNER],
            &body,
        )
        .await;
    assert_refused("a 5-digit mobile", &answer, &[400, 422], "mobile");
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn prism_refuses_missing_credentials() {
    let url = prism();
    let raw = Raw::new(&url);
    let card = json!({"companyId": "CEKEP5GSGP", "cardAccountId": "CAA8W45", "loadAmount": 500});
    let path = "/api/v0/partner/enKashCard";
    // Card APIs need both the bearer token and the partnerId header.
    assert_accepted(
        "createCard",
        &raw.post_json(path, &[JSON, BEARER, PARTNER], &card).await,
    );
    let answer = raw.post_json(path, &[JSON, BEARER], &card).await;
    assert_refused("createCard without partnerId", &answer, &[401], "security");
    let answer = raw.post_json(path, &[JSON, PARTNER], &card).await;
    assert_refused(
        "createCard without a bearer token",
        &answer,
        &[401],
        "security",
    );
    // Coins APIs need the bearer token.
    let body = example("createCoinEvent", None).expect("example");
    let answer = raw
        .post_json("/api/v0/enkash-coins/create-coins-config", &[JSON], &body)
        .await;
    assert_refused(
        "createCoinEvent without a bearer token",
        &answer,
        &[401],
        "security",
    );
    let answer = raw
        .send(
            reqwest::Method::GET,
            "/api/v0/coins/balance?userId=EK6CYE6K",
            &[],
            None,
        )
        .await;
    assert_refused(
        "getCoinBalance without a bearer token",
        &answer,
        &[401],
        "security",
    );
    // A Basic credential is not a bearer token.
    let answer = raw
        .send(
            reqwest::Method::GET,
            "/api/v0/coins/balance?userId=EK6CYE6K",
            &[("authorization", "Basic dTpw")],
            None,
        )
        .await;
    assert_refused(
        "getCoinBalance with Basic instead of Bearer",
        &answer,
        &[401],
        "security",
    );
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn prism_refuses_a_wrong_content_type() {
    let url = prism();
    let raw = Raw::new(&url);
    let body = example("createCoinEvent", None)
        .expect("example")
        .to_string();
    let path = "/api/v0/enkash-coins/create-coins-config";
    let answer = raw
        .send(
            reqwest::Method::POST,
            path,
            &[BEARER, ("content-type", "text/plain")],
            Some(&body),
        )
        .await;
    // Prism's 415, answered with the spec's 400 response, which the spec declares.
    assert_refused(
        "createCoinEvent as text/plain",
        &answer,
        &[400, 415],
        "application/json",
    );
    // The token call takes a form, not JSON.
    let basic = ("authorization", "Basic Q0VLMUdaQk82QTpjbGllbnQtc2VjcmV0");
    let form =
        "username=user%40example.com&password=password&grant_type=password&clientId=CEK1GZBO6A";
    let form_type = ("content-type", "application/x-www-form-urlencoded");
    assert_accepted(
        "createAccessToken",
        &raw.send(
            reqwest::Method::POST,
            "/oauth/token",
            &[basic, form_type],
            Some(form),
        )
        .await,
    );
    let as_json = json!({"username": "user@example.com", "password": "password", "grant_type": "password", "clientId": "CEK1GZBO6A"});
    let answer = raw
        .post_json("/oauth/token", &[basic, JSON], &as_json)
        .await;
    assert_refused(
        "createAccessToken as JSON",
        &answer,
        &[400, 415],
        "x-www-form-urlencoded",
    );
}

#[tokio::test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
async fn prism_refuses_incomplete_token_and_query_requests() {
    let url = prism();
    let raw = Raw::new(&url);
    let basic = ("authorization", "Basic Q0VLMUdaQk82QTpjbGllbnQtc2VjcmV0");
    let form_type = ("content-type", "application/x-www-form-urlencoded");
    let post = reqwest::Method::POST;
    let answer = raw
        .send(
            post.clone(),
            "/oauth/token",
            &[basic, form_type],
            Some("username=u&password=p&clientId=C"),
        )
        .await;
    assert_refused(
        "createAccessToken without grant_type",
        &answer,
        &[400, 422],
        "grant_type",
    );
    let form = "username=u&password=p&grant_type=password&clientId=C";
    let answer = raw
        .send(post, "/oauth/token", &[form_type], Some(form))
        .await;
    assert_refused(
        "createAccessToken without HTTP Basic",
        &answer,
        &[401],
        "security",
    );
    let answer = raw
        .send(
            reqwest::Method::GET,
            "/api/v0/coins/balance",
            &[BEARER],
            None,
        )
        .await;
    assert_refused(
        "getCoinBalance without userId",
        &answer,
        &[400, 422],
        "userId",
    );
}

// ---------------------------------------------------------------------------------------
// The example programs, run against Prism as a user would run them.
// ---------------------------------------------------------------------------------------

#[test]
#[ignore = "needs Prism (Node.js 20): scripts/tools.sh && scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::"]
fn examples_run_against_prism() {
    let url = prism();
    let bearer = [
        ("ENKASH_BASE_URL", url.as_str()),
        ("ENKASH_TOKEN", "example-token"),
        ("ENKASH_PARTNER_ID", PARTNER_ID),
    ];

    let run = run_example("configure_coin_event", &bearer);
    assert_example_ok(
        "configure_coin_event",
        &run,
        &[
            "created coin event WCC817428",
            "fetched coin event",
            "updated coin event WCC024845",
        ],
    );

    let run = run_example("allocate_coins", &bearer);
    assert_example_ok(
        "allocate_coins",
        &run,
        &[
            "new allocation COIN-",
            "Successfully allocated enkash Coins",
        ],
    );
    // Resending with the id a previous run printed reuses it, never a new one.
    let resend = [&bearer[..], &[("ENKASH_REQUEST_ID", "COIN-REPLAY-1")]].concat();
    let run = run_example("allocate_coins", &resend);
    assert_example_ok(
        "allocate_coins",
        &run,
        &[
            "resending allocation COIN-REPLAY-1",
            "(request COIN-REPLAY-1)",
        ],
    );

    let run = run_example("reward_card_points", &bearer);
    assert_example_ok(
        "reward_card_points",
        &run,
        &[
            "account CAVBMRFE8 of Vikram Singh: 898138 available",
            "(reference CR-",
            "(reference DR-",
            "reward card EKC04AZHXP",
        ],
    );

    // The documented success row is not the documented request row: reported, not hidden.
    let run = run_example("bulk_allocation", &bearer);
    assert_example_ok(
        "bulk_allocation",
        &run,
        &[
            "row test123457: not in EnKash's success list",
            "0 allocated, 0 refused, 1 not listed, of 1 rows",
        ],
    );

    // No SSO answer is documented, so Prism's (made from the schema) holds no token: the
    // example says so and fails rather than build a URL without one ...
    let run = run_example("sso_redirect", &bearer);
    assert!(
        !run.success,
        "sso_redirect without a token must fail:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("the SSO answer holds no token"),
        "stderr: {}",
        run.stderr
    );
    // ... and with a token it builds both redirects, the token percent-encoded.
    let run = run_example("sso_redirect", &[("ENKASH_SSO_TOKEN", "aF5V6h/PScEd9")]);
    assert_example_ok(
        "sso_redirect",
        &run,
        &[
            "employee redirect: https://invoice-uat.enkash.in/sso/aF5V6h%2FPScEd9/employee_rewards/hrms",
            "admin redirect: https://invoice-uat.enkash.in/sso/aF5V6h%2FPScEd9/reward_account/hrms",
        ],
    );

    let run = run_example("order_search", &bearer);
    assert_example_ok(
        "order_search",
        &run,
        &["page at offset 0: 0 orders", "done after 1 pages"],
    );

    let run = run_example("redeem_vouchers", &bearer);
    assert_example_ok(
        "redeem_vouchers",
        &run,
        &[
            "Amazon Test: denomination 100 (PCN6028965437UHasd)",
            "cart 2133: 2 vouchers, 200 to pay",
            "ordering (reference ORDER-",
            "order 12345 (SUCCESS): 2 vouchers, paid 4500",
            "voucher expiring 2026-06-30T23:59:59 (number and PIN not shown)",
        ],
    );
    assert!(
        !run.stdout.contains("1234567890123456") && !run.stdout.contains("6543210987654321"),
        "redeem_vouchers printed a voucher secret:\n{}",
        run.stdout
    );

    let run = run_example("coin_balance", &bearer);
    assert_example_ok("coin_balance", &run, &["user EK6CYE6K has 0 coins"]);

    // With credentials instead of a token: the example's client logs in by itself.
    let credentials = [
        ("ENKASH_BASE_URL", url.as_str()),
        ("ENKASH_CLIENT_ID", "CEK1GZBO6A"),
        ("ENKASH_CLIENT_SECRET", "client-secret"),
        ("ENKASH_USERNAME", "user@example.com"),
        ("ENKASH_PASSWORD", "password"),
    ];
    let run = run_example("coin_balance", &credentials);
    assert_example_ok("coin_balance", &run, &["with credentials", "has 0 coins"]);

    // Failures exit non-zero and say why: a missing partner id (nothing is sent) ...
    let run = run_example("reward_card_points", &bearer[..2]);
    assert!(
        !run.success,
        "reward_card_points without ENKASH_PARTNER_ID must fail:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("ENKASH_PARTNER_ID"),
        "stderr: {}",
        run.stderr
    );
    // ... and a refusal from the server (Prism knows no such path: 404).
    let wrong = format!("{url}/no-such-prefix");
    let run = run_example(
        "coin_balance",
        &[
            ("ENKASH_BASE_URL", wrong.as_str()),
            ("ENKASH_TOKEN", "example-token"),
        ],
    );
    assert!(
        !run.success,
        "coin_balance against a wrong base URL must fail:\n{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("error: reading the coins balance failed"),
        "stderr: {}",
        run.stderr
    );
}
