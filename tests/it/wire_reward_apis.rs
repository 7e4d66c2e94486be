//! The operations of the Reward APIs section beyond Point Management and the first card
//! calls, through the generated builders against a real HTTP server on 127.0.0.1: method,
//! path, query, headers (`partnerId` where documented) and body on the wire, and the
//! documented answer decoding into what `send()` returns.

use std::collections::BTreeMap;

use enkash_rewards::types::{BulkAllocationRow, CardSearchResult, CartItemInput};
use enkash_rewards::{Client, Error, Secret};
use enkash_rewards_tests::{example, named_example};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "2f68dbbf-519d-4f01-9636-e2421b68f379";
const PARTNER: &str = "CRMXWB3ZM";

fn client(server: &MockServer) -> Client {
    enkash_rewards_tests::loopback_client(&server.uri(), TOKEN, PARTNER)
}

fn answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// An answer sent as this exact text.
fn raw(text: &'static str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text.as_bytes().to_vec(), "application/json")
}

/// The documented answers verbatim (the reference's text, closed where it is truncated, as
/// in the spec), for the tests about digits: the spec's YAML holds them as numbers.
const PRODUCT_CONFIGS: &str = r#"{"payload":{"productCatalogId":"PC7324536190LULHL","brand":"Amazon Test","aggregator":"REWARD_STORE","category":"E-Commerce","images":{"BRAND_IMAGE":"https://imagedelivery.net/7zckf4ay8vHyPu-s4kSwMA/3c5bcae2-b09c-473a-0484-ba67cde46a00/public","LOGO_IMAGE":"https://imagedelivery.net/7zckf4ay8vHyPu-s4kSwMA/3c5bcae2-b09c-473a-0484-ba67cde46a00/public","LOGO_IMAGE_SMALL":"https://imagedelivery.net/7zckf4ay8vHyPu-s4kSwMA/3c5bcae2-b09c-473a-0484-ba67cde46a00/public"},"description":"This is Sample Test Product","configResponses":[{"productConfigId":"PCN6028965437UHasd","mrp":100.00,"sellRate":100.00,"enkashDiscount":0.00,"maxQuantity":5,"customAmountEnabled":false}]},"response_code":0,"response_message":"Success"}"#;

const FETCH_ORDER: &str = r#"{
"paylod" : {
"orderId": "12345",
"paymentStatus": "SUCCESS",
"orderStatus": "SUCCESS",
"totalQuantity": 10,
"totalAmount": 5000.00,
"orderAmount": 4500.00,
"paidAmount": 4500.00,
"partnerOrderReferenceId": "REF123456789",
"voucherDetailsList": [
{
"cardNumber": "1234567890123456",
"pin": "1234",
"expiryDate": "2025-12-31T23:59:59"
},
{
"cardNumber": "6543210987654321",
"pin": "5678",
"expiryDate": "2026-06-30T23:59:59"
}
]
},
"response_message": "Success",
"response_code": "0"
}"#;

fn documented(op: &str) -> ResponseTemplate {
    answer(example(op, Some("200")).expect("a documented 200 example"))
}

/// A bearer-authenticated JSON call; `partner` says whether the page lists `partnerId`.
fn call(http_method: &str, at: &str, partner: bool) -> wiremock::MockBuilder {
    let builder = Mock::given(method(http_method))
        .and(path(at))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"));
    if partner {
        builder.and(header("partnerId", PARTNER))
    } else {
        builder
    }
}

/// The one request the server received, for headers the matchers cannot rule out.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut all = server.received_requests().await.expect("recorded");
    assert_eq!(all.len(), 1, "exactly one request");
    all.remove(0)
}

#[tokio::test]
async fn create_sso_token_sends_the_lowercase_k_spelling_and_keeps_the_raw_payload() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/partner/enKashCard/sso-token", true)
        .and(body_json(example("createSsoToken", None).expect("request example")))
        .respond_with(answer(
            json!({"code": 0, "message": "Success", "payload": {"token": "aF5V6hPScEd9mCowJmbZFKk5Xg"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let payload = client(&server)
        .create_sso_token()
        .card_account_id("CAQL8YCV3")
        .company_id("CEK1PU9AOO")
        .enkash_card_id("EKCDM5AVZY")
        .send()
        .await
        .expect("success");
    assert_eq!(
        enkash_rewards::sso::token_from_payload(&payload)
            .as_ref()
            .map(enkash_rewards::Secret::expose),
        Some("aF5V6hPScEd9mCowJmbZFKk5Xg")
    );
    assert!(
        !format!("{payload:?}").contains("aF5V6hPScEd9mCowJmbZFKk5Xg"),
        "Debug masks the token: {payload:?}"
    );
}

#[tokio::test]
async fn bulk_allocation_sends_an_array_body_and_three_query_parameters() {
    let server = MockServer::start().await;
    call(
        "POST",
        "/api/v0/partner/enKashCard/bulk-create-allocate-points-json",
        true,
    )
    .and(query_param("companyId", "CEKBVCGMR1"))
    .and(query_param("cardAccountId", "CA1ZS96"))
    .and(query_param("isPointsAllocation", "true"))
    .and(body_json(
        example("bulkCreateAndAllocatePoints", None).expect("request example"),
    ))
    .respond_with(documented("bulkCreateAndAllocatePoints"))
    .expect(1)
    .mount(&server)
    .await;
    let row: BulkAllocationRow =
        serde_json::from_value(example("bulkCreateAndAllocatePoints", None).unwrap()[0].clone())
            .unwrap();
    let result = client(&server)
        .bulk_create_and_allocate_points()
        .company_id("CEKBVCGMR1")
        .card_account_id("CA1ZS96")
        .is_points_allocation(true)
        .body(vec![row])
        .send()
        .await
        .expect("success");
    let rows = result.succeeded.expect("the success list");
    assert_eq!(rows[0].load_amount, Some(Decimal::from(10)));
    assert_eq!(rows[0].card_account_id.as_deref(), Some("CAF0RX8N3"));
}

#[tokio::test]
async fn reward_account_details_decode_negative_and_fractional_amounts_exactly() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/partner/enKashCard/cardAccount/get", true)
        .and(body_json(
            example("getRewardAccountDetails", None).expect("request example"),
        ))
        .respond_with(documented("getRewardAccountDetails"))
        .expect(1)
        .mount(&server)
        .await;
    let account = client(&server)
        .get_reward_account_details()
        .card_account_id("account_id")
        .company_id("company_id")
        .send()
        .await
        .expect("success");
    assert_eq!(account.available_balance, Decimal::from(898_138));
    assert_eq!(
        account.used_credit_limit,
        Some(Decimal::new(-99_055_344, 2))
    );
    assert_eq!(
        account.available_card_balance,
        Some(Decimal::new(9_241_544, 2))
    );
    let primary = account.primary_en_kash_card.expect("the primary card");
    assert_eq!(primary.en_kash_card_id.as_deref(), Some("EKCQMY9BQ0"));
    assert!(
        !format!("{primary:?}").contains("30acb157bcea5ae6d3b9"),
        "the card token is a secret"
    );
}

#[tokio::test]
async fn card_search_reads_both_documented_envelopes_and_payload_shapes() {
    for (name, with_card) in [("usersOfAccount", false), ("oneCard", true)] {
        let server = MockServer::start().await;
        let answer_name = if with_card { "oneCard" } else { "page" };
        call("POST", "/api/v0/partner/enKashCard/search", true)
            .and(body_json(
                named_example("searchRewardCards", None, name).expect("request example"),
            ))
            .respond_with(answer(
                named_example("searchRewardCards", Some("200"), answer_name)
                    .expect("response example"),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let search = client(&server)
            .search_reward_cards()
            .card_account_id("CAQL8YCV3")
            .company_id("CEK1PU9AOO");
        let search = if with_card {
            search.en_kash_card_id("EKC9MKS5RM")
        } else {
            search
        };
        match search.send().await.expect("success") {
            CardSearchResult::CardPage(page) if !with_card => {
                assert_eq!(page.records_count, 1);
                assert_eq!(page.data[0].first_name.as_deref(), Some("Test"));
            }
            CardSearchResult::CardHolder(card) if with_card => {
                assert_eq!(card.en_kash_card_id.as_deref(), Some("EKCE54IDPE"));
            }
            other => panic!("{name}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_nonzero_code_in_either_spelling_is_an_api_error() {
    for body in [
        json!({"code": 1, "message": "Card account not found", "payload": null}),
        json!({"response_code": 1, "response_message": "Card account not found", "payload": null}),
    ] {
        let server = MockServer::start().await;
        call("POST", "/api/v0/partner/enKashCard/search", true)
            .respond_with(answer(body.clone()))
            .mount(&server)
            .await;
        let error = client(&server)
            .search_reward_cards()
            .card_account_id("CAQL8YCV3")
            .company_id("CEK1PU9AOO")
            .send()
            .await
            .expect_err("a failure");
        match error {
            Error::Api { code, message, .. } => {
                assert_eq!(code, 1, "{body}");
                assert_eq!(message, "Card account not found");
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn transaction_lookup_sends_the_reference_it_looks_up() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/partner/enKashCard/transaction/all", true)
        .and(body_json(json!({
            "companyId": "CEK1PU9AOO",
            "cardAccountId": "CAQL8YCV3",
            "enKashCardId": "EKC04AZHXP",
            "pgReferenceNumber": "TEST234236"
        })))
        .respond_with(raw(
            r#"{"response_code": 0, "response_message": "Success", "payload": [{"pgReferenceNumber": "TEST234236", "amount": 11.50}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .get_transaction_details()
        .company_id("CEK1PU9AOO")
        .card_account_id("CAQL8YCV3")
        .en_kash_card_id("EKC04AZHXP")
        .pg_reference_number("TEST234236")
        .send()
        .await
        .expect("success");
    // Undocumented payloads keep their exact text, digits included.
    assert_eq!(
        found.get(),
        r#"[{"pgReferenceNumber": "TEST234236", "amount": 11.50}]"#
    );
}

#[tokio::test]
async fn get_cart_sends_the_product_and_decodes_items_keyed_by_config_id() {
    let server = MockServer::start().await;
    call("GET", "/api/v0/cart", false)
        .and(query_param("product", "VOUCHER"))
        .respond_with(documented("getCart"))
        .expect(1)
        .mount(&server)
        .await;
    let carts = client(&server)
        .get_cart()
        .product("VOUCHER")
        .send()
        .await
        .expect("success");
    let cart = &carts[0];
    assert_eq!(cart.id, Some(2133));
    let items = cart.items.as_ref().expect("items");
    assert_eq!(items["PCN724771408NCGasd"].quantity, Some(2));
    assert_eq!(cart.product_configs.as_ref().map(Vec::len), Some(4));
    let sent = only_request(&server).await;
    assert!(
        sent.headers.get("partnerId").is_none(),
        "not documented for the cart"
    );
    assert!(sent.body.is_empty(), "a GET carries no body");
}

#[tokio::test]
async fn add_to_cart_and_update_cart_send_maps_keyed_by_config_id() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/cart", false)
        .and(query_param("product", "VOUCHER"))
        .and(body_json(
            example("addToCart", None).expect("request example"),
        ))
        .respond_with(answer(
            json!({"response_code": 0, "response_message": "Success", "payload": []}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    call("PATCH", "/api/v0/cart", false)
        .and(query_param("product", "VOUCHER"))
        .and(body_json(
            example("updateCart", None).expect("request example"),
        ))
        .respond_with(documented("updateCart"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    // Nested request values are built with their required members; the examples also
    // send an empty description.
    let items = |id: &str| -> BTreeMap<String, CartItemInput> {
        let mut item = CartItemInput::new(1);
        item.description = Some(String::new());
        BTreeMap::from([(id.to_owned(), item)])
    };
    client
        .add_to_cart()
        .product("VOUCHER")
        .product_catalog_id("PC7513531244A681")
        .items(items("PCN751457389RC1ST"))
        .send()
        .await
        .expect("added");
    let carts = client
        .update_cart()
        .product("VOUCHER")
        .cart_id(2191)
        .items(items("PCN233451126S5CZC"))
        .send()
        .await
        .expect("updated");
    assert_eq!(carts[0].total_amount, Some(Decimal::from(686)));
    assert_eq!(
        carts[0].items.as_ref().unwrap()["PCN751457389RC1ST"].sell_rate,
        Some(Decimal::from(98))
    );
}

#[tokio::test]
async fn product_configs_put_the_catalog_id_in_the_path_and_keep_trailing_zeros() {
    let server = MockServer::start().await;
    // The documented answer as text: a JSON value would print `100.00` as `100.0`.
    call(
        "GET",
        "/api/v0/partner/search-config/PC7324536190LULHL",
        false,
    )
    .respond_with(raw(PRODUCT_CONFIGS))
    .expect(1)
    .mount(&server)
    .await;
    let catalog = client(&server)
        .get_product_configs("PC7324536190LULHL")
        .send()
        .await
        .expect("success");
    assert_eq!(catalog.brand, "Amazon Test");
    let mrp = catalog.config_responses[0].mrp.expect("mrp");
    assert_eq!(mrp.to_string(), "100.00", "the documented scale is kept");
    assert!(catalog.images["LOGO_IMAGE"].starts_with("https://imagedelivery.net/"));
}

#[tokio::test]
async fn create_order_is_a_keyed_write_named_by_its_reference() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/partner/create-order", false)
        .and(body_json(
            example("createOrder", None).expect("request example"),
        ))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .create_order()
        .denomination(0)
        .order_reference_id("string")
        .product_catalog_id("string")
        .quantity(0)
        .max_retries(3)
        .send()
        .await
        .expect_err("a 502");
    match error {
        Error::OutcomeUnknown {
            idempotency_key,
            lookup,
            ..
        } => {
            let key = idempotency_key.expect("the key");
            assert_eq!(
                (key.field, key.value.as_str()),
                ("orderReferenceId", "string")
            );
            assert_eq!(lookup, Some("fetchOrderDetails"));
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

#[tokio::test]
async fn order_search_sends_limit_offset_and_only_the_filters_set() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/partner/search-order", false)
        .and(query_param("limit", "10"))
        .and(query_param("offset", "0"))
        .and(body_json(
            json!({"companyId": "CEK1PU9AOO", "brand": ["Amazon"]}),
        ))
        .respond_with(answer(
            json!({"code": 0, "message": "Success", "payload": {"data": []}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .search_orders()
        .limit(10)
        .offset(0)
        .company_id("CEK1PU9AOO")
        .brand(vec!["Amazon".to_owned()])
        .send()
        .await
        .expect("success");
    assert_eq!(page.get(), r#"{"data":[]}"#);
}

#[tokio::test]
async fn fetch_order_details_reads_the_misspelt_payload_and_the_string_code() {
    let server = MockServer::start().await;
    call(
        "GET",
        "/api/v0/partner/fetch-order-details/REF123456789",
        false,
    )
    .respond_with(raw(FETCH_ORDER))
    .expect(1)
    .mount(&server)
    .await;
    let order = client(&server)
        .fetch_order_details("REF123456789")
        .send()
        .await
        .expect("the documented answer decodes");
    assert_eq!(order.order_status.as_deref(), Some("SUCCESS"));
    assert_eq!(
        order.paid_amount.map(|a| a.to_string()).as_deref(),
        Some("4500.00")
    );
    let vouchers = order.voucher_details_list.as_ref().expect("vouchers");
    assert_eq!(vouchers.len(), 2);
    assert_eq!(
        vouchers[0].pin.as_ref().map(Secret::expose),
        Some("1234"),
        "readable by the caller"
    );
    let shown = format!("{order:?}");
    for secret in [
        "1234567890123456",
        "6543210987654321",
        "\"1234\"",
        "\"5678\"",
    ] {
        assert!(!shown.contains(secret), "Debug leaks {secret}: {shown}");
    }
}

#[tokio::test]
async fn fetch_order_details_treats_a_nonzero_string_code_as_an_error_and_reads_payload_too() {
    let server = MockServer::start().await;
    call("GET", "/api/v0/partner/fetch-order-details/R1", false)
        .respond_with(answer(
            json!({"paylod": null, "response_message": "Order not found", "response_code": "1"}),
        ))
        .mount(&server)
        .await;
    call("GET", "/api/v0/partner/fetch-order-details/R2", false)
        .respond_with(answer(
            json!({"payload": {"orderId": "9"}, "response_message": "Success", "response_code": 0}),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    match client.fetch_order_details("R1").send().await {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!((code, message.as_str()), (1, "Order not found"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let order = client
        .fetch_order_details("R2")
        .send()
        .await
        .expect("the usual spelling decodes too");
    assert_eq!(order.order_id.as_deref(), Some("9"));
}

#[tokio::test]
async fn the_older_fetch_order_endpoint_posts_the_reference() {
    let server = MockServer::start().await;
    call("POST", "/api/v0/order/orderDetails", false)
        .and(body_json(
            example("fetchOrderDetailsLegacy", None).expect("request example"),
        ))
        .respond_with(documented("fetchOrderDetails"))
        .expect(1)
        .mount(&server)
        .await;
    #[allow(deprecated)] // the older endpoint, kept for as long as EnKash serves it
    let order = client(&server)
        .fetch_order_details_legacy()
        .order_id("OR631764TS4UC")
        .send()
        .await
        .expect("success");
    assert_eq!(order.total_quantity, Some(10));
}
