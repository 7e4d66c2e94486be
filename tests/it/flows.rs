//! The hand-written flows over the generated operations, against a real HTTP server on
//! 127.0.0.1: credit and debit, bulk allocation with an outcome per row, and the order
//! search's pages.

use std::time::Duration;

use enkash_rewards::allocation::{
    BulkAllocation, CardHolderDetails, PointsTransfer, RewardCardRef, RowStatus,
};
use enkash_rewards::orders::Stream;
use enkash_rewards::types::BulkAllocationRow;
use enkash_rewards::{Client, Error, RetryPolicy};
use enkash_rewards_tests::example;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    enkash_rewards_tests::loopback_client(&server.uri(), "token", "CRMXWB3ZM")
}

fn card_answer() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(example("createAndAllocatePoints", Some("200")).expect("documented answer"))
}

const ALLOCATE: &str = "/api/v0/partner/enKashCard/create-allocate-points";

#[tokio::test]
async fn credit_by_card_id_sends_cr_allocate_point_and_nothing_else() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ALLOCATE))
        .and(body_json(json!({
            "companyId": "CEK1PU9AOO",
            "enkashCardId": "EKC04AZHXP",
            "transactionCode": "ALLOCATION",
            "transactionType": "CR",
            "type": "ALLOCATE_POINT",
            "loadAmount": 11,
            "uniqueReferenceNum": "CR-1"
        })))
        .respond_with(card_answer())
        .expect(1)
        .mount(&server)
        .await;
    let card = client(&server)
        .credit(PointsTransfer {
            company_id: "CEK1PU9AOO".into(),
            card: RewardCardRef::card("EKC04AZHXP"),
            points: Decimal::from(11),
            unique_reference_number: "CR-1".into(),
        })
        .send()
        .await
        .expect("credited");
    assert_eq!(card.en_kash_card_id, "EKC04AZHXP");
}

#[tokio::test]
async fn debit_of_a_holder_sends_dr_unallocate_point_with_the_holder() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ALLOCATE))
        .and(body_json(json!({
            "companyId": "CEK1PU9AOO",
            "cardAccountId": "CAQL8YCV3",
            "transactionCode": "ALLOCATION",
            "transactionType": "DR",
            "type": "UNALLOCATE_POINT",
            "email": "xyz2@gmail.com",
            "mobile": "9600098867",
            "title": "Mr",
            "firstName": "hedfdfg",
            "gender": "M",
            "loadAmount": 2.5,
            "uniqueReferenceNum": "DR-1"
        })))
        .respond_with(card_answer())
        .expect(1)
        .mount(&server)
        .await;
    let holder = CardHolderDetails {
        email: "xyz2@gmail.com".into(),
        mobile: "9600098867".into(),
        title: "Mr".into(),
        first_name: "hedfdfg".into(),
        gender: "M".into(),
    };
    client(&server)
        .debit(PointsTransfer {
            company_id: "CEK1PU9AOO".into(),
            card: RewardCardRef::holder("CAQL8YCV3", holder),
            points: Decimal::new(25, 1),
            unique_reference_number: "DR-1".into(),
        })
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .expect("debited");
}

fn row(name: &str, email: &str, mobile: &str, reference: &str) -> BulkAllocationRow {
    serde_json::from_value(json!({
        "title": "Mr", "name": name, "email": email, "mobile": mobile,
        "loadAmount": 10, "uniqueReferenceNumber": reference
    }))
    .expect("a row")
}

fn batch(rows: Vec<BulkAllocationRow>) -> BulkAllocation {
    BulkAllocation {
        company_id: "CEKCDVT1UV".into(),
        card_account_id: "CAF0RX8N3".into(),
        fund_existing_users: false,
        rows,
    }
}

const BULK: &str = "/api/v0/partner/enKashCard/bulk-create-allocate-points-json";

#[tokio::test]
async fn bulk_allocation_reports_each_row_and_the_totals() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(BULK))
        .and(query_param("isPointsAllocation", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0,
            "message": "Success",
            "payload": {
                "successBulkEnKashCardCreateDTOs": [
                    // Echoes the reference: matched by it, whatever the email says.
                    {"email": "other@example.com", "mobile": "1", "uniqueReferenceNumber": "R3", "loadAmount": 10},
                    // No reference: matched by email and mobile.
                    {"email": "johndee@email.com", "mobile": "6776543210", "name": "John Dee", "loadAmount": 10}
                ],
                "failedCount": 1
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let report = client(&server)
        .allocate_in_bulk(batch(vec![
            row("John Dee", "johndee@email.com", "6776543210", "R1"),
            row("Jane Roe", "jane@example.com", "6000000000", "R2"),
            row("Third", "third@example.com", "6000000001", "R3"),
        ]))
        .await
        .expect("an answer");
    assert_eq!(
        (
            report.allocated,
            report.refused,
            report.not_listed,
            report.total()
        ),
        (2, 0, 1, 3)
    );
    assert!(
        matches!(&report.rows[0].status, RowStatus::Allocated(r) if r.name.as_deref() == Some("John Dee"))
    );
    assert_eq!(report.rows[1].status, RowStatus::NotListed);
    assert!(matches!(report.rows[2].status, RowStatus::Allocated(_)));
    assert_eq!(report.other_members["failedCount"].get(), "1");
}

#[tokio::test]
async fn a_documented_refusal_of_the_batch_refuses_every_row() {
    for (status, body) in [
        (
            422,
            json!({"code": 1, "message": "Bin Type is not mapped on PlanMaster", "payload": null}),
        ),
        (
            200,
            json!({"code": 1, "message": "Card Account does not exist for this partner", "payload": null}),
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(BULK))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let report = client(&server)
            .allocate_in_bulk(batch(vec![
                row("A", "a@example.com", "6000000002", "R4"),
                row("B", "b@example.com", "6000000003", "R5"),
            ]))
            .await
            .expect("a definite answer");
        assert_eq!((report.allocated, report.refused), (0, 2), "{body}");
        let message = body["message"].as_str().unwrap().to_owned();
        assert!(
            report
                .rows
                .iter()
                .all(|r| r.status == RowStatus::Refused(message.clone()))
        );
    }
}

#[tokio::test]
async fn a_lost_bulk_answer_is_an_error_and_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(BULK))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let error = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .partner_id("CRMXWB3ZM")
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap()
        .allocate_in_bulk(batch(vec![row("A", "a@example.com", "6000000002", "R6")]))
        .await
        .expect_err("no definite answer");
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
}

/// A server answering the order search with pages of `sizes[offset / limit]` orders.
async fn order_server(limit: usize, sizes: &[usize]) -> MockServer {
    let server = MockServer::start().await;
    for (page, size) in sizes.iter().enumerate() {
        let orders: Vec<Value> = (0..*size)
            .map(|i| json!({"orderId": format!("O{page}-{i}")}))
            .collect();
        Mock::given(method("POST"))
            .and(path("/api/v0/partner/search-order"))
            .and(query_param("limit", limit.to_string().as_str()))
            .and(query_param("offset", (page * limit).to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "code": 0, "message": "Success", "payload": {"recordsCount": 7, "data": orders}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn order_pages_stop_at_the_first_short_page() {
    let server = order_server(3, &[3, 3, 1]).await;
    let mut pages = client(&server)
        .order_pages(3)
        .filter(|search| search.company_id("CEK1PU9AOO"));
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("a page");
        seen.push((page.offset, page.len));
    }
    assert_eq!(seen, [(0, Some(3)), (3, Some(3)), (6, Some(1))]);
    // A finished stream stays finished.
    assert!(pages.next_page().await.is_none());
    let (lower, _) = pages.size_hint();
    assert_eq!(lower, 0);
}

#[tokio::test]
async fn order_pages_stop_after_an_empty_page_or_the_page_limit() {
    let server = order_server(2, &[2, 0]).await;
    let mut pages = client(&server).order_pages(2);
    let mut count = 0;
    while let Some(page) = pages.next_page().await {
        page.expect("a page");
        count += 1;
    }
    assert_eq!(count, 2, "a full page, then the empty one");

    let server = order_server(2, &[2]).await;
    let mut pages = client(&server).order_pages(2).max_pages(1);
    assert!(pages.next_page().await.is_some());
    assert!(pages.next_page().await.is_none(), "bounded by max_pages");
}

#[tokio::test]
async fn an_error_ends_the_order_pages() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v0/partner/search-order"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"response_code": 1, "response_message": "limit too large", "payload": null}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut pages = client(&server).order_pages(500);
    match pages.next_page().await {
        Some(Err(Error::Api { message, .. })) => assert_eq!(message, "limit too large"),
        other => panic!("expected the API error, got {other:?}"),
    }
    assert!(pages.next_page().await.is_none());
}
