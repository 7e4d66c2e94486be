//! Wire tests for the hand-written runtime: request encoding and response decoding.
//!
//! Each test drives `Client::execute` with a hand-built `OperationRequest` against a
//! local `wiremock` server on 127.0.0.1.

use std::str::FromStr;

use enkash_rewards::multipart::Multipart;
use enkash_rewards::request::{
    AnswerFormat, Envelope, OperationRequest, QueryObject, RequestBody, RetryClass, Security,
    encode_path_segment, push_object,
};
use enkash_rewards::{
    Binary, Client, Credentials, Error, Negotiated, RetryPolicy, Secret, UploadFile,
};
use enkash_rewards_tests::one_connection_server;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde::Deserialize;
use wiremock::matchers::{any, header, headers, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ENVELOPE: Envelope = Envelope {
    code: &["response_code"],
    message: &["response_message"],
    payload: &["payload"],
};
const CARD_ENVELOPE: Envelope = Envelope {
    code: &["code"],
    message: &["message"],
    payload: &["payload"],
};

fn request(method: Method, concrete_path: &str) -> OperationRequest {
    let mut request = OperationRequest::new(
        "testOperation",
        method,
        "/api/v0/things/{thingId}",
        concrete_path,
    );
    request.retry = RetryClass::Idempotent;
    request.envelope = Some(ENVELOPE);
    request
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("test client builds")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Card {
    card_status: CardStatus,
    #[serde(with = "enkash_rewards::decimal")]
    otb_balance: Decimal,
}

#[derive(Debug, Deserialize)]
struct CardStatus {
    name: String,
}

#[tokio::test]
async fn success_returns_status_headers_and_the_exact_payload() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v0/things/T1"))
        .respond_with(
            ResponseTemplate::new(200).insert_header("x-request-id", "abc").set_body_raw(
                r#"{"response_code":0,"response_message":"Success","payload":{"cardStatus":{"name":"ACTIVE"},"otbBalance":98765432109876543.21}}"#,
                "application/json",
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
        .expect("success");

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("abc")
    );
    assert_eq!(response.payload.card_status.name, "ACTIVE");
    // Exact to the last digit: never through f64.
    assert_eq!(
        response.payload.otb_balance,
        Decimal::from_str("98765432109876543.21").expect("decimal literal")
    );
}

#[tokio::test]
async fn non_zero_code_on_http_200_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"response_code":1,"response_message":"Insufficient balance in card account","payload":"Insufficient balance in card account"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
        .expect_err("code 1 is a failure");

    assert!(!error.outcome_unknown(), "EnKash said no: {error}");
    match error {
        Error::Api {
            code,
            message,
            status,
            payload,
            ..
        } => {
            assert_eq!(code, 1);
            assert_eq!(message, "Insufficient balance in card account");
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                payload,
                serde_json::json!("Insufficient balance in card account")
            );
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn an_envelope_on_a_4xx_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"code":422,"message":"mobile is mandatory","payload":{"field":"mobile"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(Method::POST, "/api/v0/cards");
    req.envelope = Some(CARD_ENVELOPE);
    req.retry = RetryClass::NonIdempotent;

    let error = client(&server)
        .execute::<Card>(req)
        .await
        .expect_err("400 fails");

    match error {
        Error::Api {
            code,
            message,
            status,
            payload,
            ..
        } => {
            assert_eq!(code, 422);
            assert_eq!(message, "mobile is mandatory");
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_eq!(payload, serde_json::json!({"field": "mobile"}));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_502_is_an_http_error() {
    let server = MockServer::start().await;
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
        .expect_err("502 fails");

    match &error {
        Error::Http {
            status,
            body_snippet,
            ..
        } => {
            assert_eq!(*status, StatusCode::BAD_GATEWAY);
            assert_eq!(body_snippet, page);
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    assert!(
        error.outcome_unknown(),
        "a 502 may follow a processed request"
    );
    assert!(
        error.to_string().starts_with(
            "testOperation: HTTP 502 Bad Gateway, and the body carries no EnKash error code"
        ),
        "{error}"
    );
    assert_eq!(error.operation(), Some("testOperation"));
}

#[tokio::test]
async fn a_long_error_body_is_quoted_only_in_part() {
    let server = MockServer::start().await;
    let page = format!("<html>{}</html>", "ü".repeat(5_000));
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
    {
        Err(Error::Http { body_snippet, .. }) => {
            assert_eq!(body_snippet.chars().count(), 512);
            assert!(body_snippet.starts_with("<html>ü"));
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

/// An error answer with no EnKash code keeps its body: the error document an API describes
/// reads as the caller's own type, a write's through `OutcomeUnknown` too, while `Debug`
/// and `Display` show only the masked snippet. A body over the limit is not kept.
#[tokio::test]
async fn an_error_document_reads_as_the_api_s_own_type() {
    #[derive(Debug, Deserialize)]
    struct ApiError {
        error_code: String,
        message: String,
        request_id: String,
    }
    let server = MockServer::start().await;
    let document = r#"{"error_code":"ObjectNotFound","message":"no thing T1","request_id":"req-7","token":"s3cr3t"}"#;
    for (verb, status) in [("GET", 404), ("POST", 503)] {
        Mock::given(method(verb))
            .and(path("/api/v0/things/T1"))
            .respond_with(ResponseTemplate::new(status).set_body_raw(document, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(path("/api/v0/things/long"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            format!(r#"{{"message":"{}"}}"#, "x".repeat(70_000)),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let read = client
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
        .expect_err("a 404");
    let mut write = request(Method::POST, "/api/v0/things/T1");
    write.retry = RetryClass::NonIdempotent;
    let write = client.execute::<Card>(write).await.expect_err("a 503");
    assert!(matches!(write, Error::OutcomeUnknown { .. }), "{write:?}");
    for error in [&read, &write] {
        let api_error = error
            .http_body()
            .expect("an HTTP error")
            .decode::<ApiError>()
            .expect("the error document");
        assert_eq!(api_error.error_code, "ObjectNotFound");
        assert_eq!(api_error.message, "no thing T1");
        assert_eq!(api_error.request_id, "req-7");
        for shown in [format!("{error:?}"), error.to_string()] {
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
    }

    let long = client
        .execute::<Card>(request(Method::GET, "/api/v0/things/long"))
        .await
        .expect_err("a 400");
    let body = long.http_body().expect("an HTTP error");
    assert_eq!(body.as_bytes(), None, "70 kB is over the limit");
    match body.decode::<ApiError>() {
        Err(Error::Decode { message, .. }) => assert!(message.contains("65536"), "{message}"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let body = r#"{"response_code":0,"response_message":"Success","payload":{"cardStatus":{"na"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await;
    if let Err(error) = &result {
        assert!(error.outcome_unknown(), "a 2xx was answered: {error}");
    }
    match result {
        Err(Error::Decode {
            operation,
            status,
            path,
            message,
            body_snippet,
            ..
        }) => {
            assert_eq!(operation, "testOperation");
            assert_eq!(status, StatusCode::OK);
            assert!(path.starts_with("payload"), "path {path}");
            assert!(message.contains("EOF"), "message {message}");
            assert_eq!(body_snippet, body);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_type_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"response_code":0,"response_message":"Success","payload":{"cardStatus":{"name":17},"otbBalance":"1.00"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    match client(&server)
        .execute::<Card>(request(Method::GET, "/api/v0/things/T1"))
        .await
    {
        Err(Error::Decode { path, message, .. }) => {
            assert_eq!(path, "payload.cardStatus.name");
            assert!(message.contains("invalid type"), "message {message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bare_body_decodes_whole_when_there_is_no_envelope() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"name":"ACTIVE"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(Method::GET, "/api/v0/things/T1");
    req.envelope = None;

    let response = client(&server)
        .execute::<CardStatus>(req)
        .await
        .expect("bare body decodes");
    assert_eq!(response.into_payload().name, "ACTIVE");
}

#[tokio::test]
async fn standard_headers_and_the_body_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v0/things"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(header("partnerId", "P-42"))
        .and(header("x-trace", "t 1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":null}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .partner_id("P-42")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let mut req = request(Method::POST, "/api/v0/things");
    req.security = &[Security::ApiKeyHeader("partnerId")];
    req.headers = vec![("x-trace", "t 1".to_owned())];
    req.body = Some(RequestBody::json(&serde_json::json!({"amount": "10.50"})).expect("json body"));

    let response = client.execute::<Option<Card>>(req).await.expect("success");
    assert!(response.payload.is_none());

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, br#"{"amount":"10.50"}"#);
    let user_agent = received[0]
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let version = user_agent
        .strip_prefix("enkash-rewards/")
        .unwrap_or_default();
    assert_eq!(version.split('.').count(), 3, "user agent {user_agent:?}");
}

#[tokio::test]
async fn query_values_are_encoded_and_arrive_intact() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v0/coins/balance"))
        .and(query_param("userId", "EK6 C&Y=E+6K/#"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":42}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(Method::GET, "/api/v0/coins/balance");
    req.query = vec![("userId", "EK6 C&Y=E+6K/#".to_owned())];

    let response = client(&server).execute::<u64>(req).await.expect("success");
    assert_eq!(response.payload, 42);
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        received[0].url.query_pairs().count(),
        1,
        "one parameter, not split by `&`"
    );
}

/// Object-valued query parameters on the wire, one row of OpenAPI 3.0's serialization
/// table each, after the plain ones, members in the value's order (`json!` sorts them);
/// what the server decodes is what was meant.
#[tokio::test]
async fn object_query_parameters_arrive_in_their_style() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":null}"#, "application/json"),
        )
        .expect(4)
        .mount(&server)
        .await;
    let client = client(&server);
    let filter = serde_json::json!({
        "status": "open & paid",
        "customer": {"email": "a+b@example.com"},
        "currencies": ["inr", "usd"],
        "gone": null
    });
    let color = serde_json::json!({"R": 100, "G": 200});
    let grid = serde_json::json!([[1, 2], [3]]);
    let cases = [
        (
            QueryObject::Deep,
            &filter,
            vec![
                ("limit", "3"),
                ("filter[currencies][0]", "inr"),
                ("filter[currencies][1]", "usd"),
                ("filter[customer][email]", "a+b@example.com"),
                ("filter[status]", "open & paid"),
            ],
        ),
        (
            QueryObject::Exploded,
            &color,
            vec![("limit", "3"), ("G", "200"), ("R", "100")],
        ),
        (
            QueryObject::Joined,
            &color,
            vec![("limit", "3"), ("color", "G,200,R,100")],
        ),
        // A list of lists (no row covers it): JSON text.
        (
            QueryObject::Json,
            &grid,
            vec![("limit", "3"), ("color", "[[1,2],[3]]")],
        ),
    ];
    for (style, value, expected) in cases {
        let mut req = request(Method::GET, "/api/v0/charges");
        req.query = vec![("limit", "3".to_owned())];
        let name = if style == QueryObject::Deep {
            "filter"
        } else {
            "color"
        };
        push_object(&mut req.query_objects, name, value, style).expect("encodes");
        client.execute::<()>(req).await.expect("success");
        let received = server.received_requests().await.expect("recording is on");
        let url = &received.last().expect("one request per case").url;
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(pairs, expected, "{style:?}: {url}");
    }
}

/// Answers that are not JSON: bytes exactly as sent (not valid UTF-8, not JSON), text as
/// sent, asked for with `Accept: */*`; an error status still decodes as an error, and
/// text that is not UTF-8 is a decode error, not a panic.
#[tokio::test]
async fn binary_and_text_answers_arrive_as_sent() {
    let server = MockServer::start().await;
    let png = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe,
    ];
    Mock::given(path("/files/f1/content"))
        .and(header("accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png"))
        .mount(&server)
        .await;
    Mock::given(path("/reports/daily"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .mount(&server)
        .await;
    Mock::given(path("/reports/broken"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe], "text/plain"))
        .mount(&server)
        .await;
    Mock::given(path("/files/gone/content"))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(r#"{"message":"no"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let call = |concrete: &str, answer: AnswerFormat| {
        let mut req = request(Method::GET, concrete);
        req.answer = answer;
        req
    };

    let file = client
        .execute::<Binary>(call("/files/f1/content", AnswerFormat::Binary))
        .await
        .expect("the file");
    assert_eq!(file.payload.as_ref(), png.as_slice());
    assert_eq!(format!("{:?}", file.payload), "Binary(11 bytes)");
    assert_eq!(file.headers["content-type"], "image/png");
    let csv = client
        .execute::<String>(call("/reports/daily", AnswerFormat::Text))
        .await
        .expect("the report");
    assert_eq!(csv.payload, "a,b\n1,2\n");
    match client
        .execute::<String>(call("/reports/broken", AnswerFormat::Text))
        .await
    {
        Err(Error::Decode { message, .. }) => assert!(message.contains("UTF-8"), "{message}"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    match client
        .execute::<Binary>(call("/files/gone/content", AnswerFormat::Binary))
        .await
    {
        Err(error) => assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{error:?}"),
        Ok(answer) => panic!("a 404 decoded as {answer:?}"),
    }
}

/// An answer offered in several media types: the request accepts all of them (or the one
/// the call asks for), and the answer is the variant its `Content-Type` names: JSON
/// decoded (a failing field named by its path), text and bytes as sent. An `Accept` that
/// could split the header is refused before anything is sent.
#[tokio::test]
async fn an_answer_in_several_media_types_arrives_as_the_server_sent_it() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Quote {
        id: String,
    }
    const ANY: &str = "application/json, application/pdf, text/plain";
    // wiremock reads a comma-separated header as its list of values.
    let any: &[&str] = &["application/json", "application/pdf", "text/plain"];
    let server = MockServer::start().await;
    let pdf = b"%PDF-1.7\n\xff\xfe".to_vec();
    let answers = [
        (
            "/quotes/q1",
            any,
            r#"{"id":"q1"}"#.as_bytes().to_vec(),
            "application/json; charset=utf-8",
        ),
        (
            "/quotes/q1",
            &["application/pdf"],
            pdf.clone(),
            "application/pdf",
        ),
        ("/quotes/note", any, b"see the PDF".to_vec(), "text/plain"),
        (
            "/quotes/bad",
            any,
            br#"{"id":5}"#.to_vec(),
            "application/problem+json",
        ),
    ];
    for (at, accept, body, media) in answers {
        Mock::given(path(at))
            .and(headers("accept", accept.to_vec()))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, media))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let call = |concrete: &str, chosen: Option<&'static str>| {
        let mut req = request(Method::GET, concrete);
        req.answer = AnswerFormat::Negotiated { accept: ANY };
        req.options.accept = chosen;
        req
    };
    type Answer = Negotiated<Quote>;

    let json = client.execute::<Answer>(call("/quotes/q1", None)).await;
    let expected = Negotiated::Json(Quote {
        id: "q1".to_owned(),
    });
    assert_eq!(json.expect("the quote").payload, expected);
    let file = client
        .execute::<Answer>(call("/quotes/q1", Some("application/pdf")))
        .await
        .expect("the PDF");
    assert_eq!(file.payload, Negotiated::Binary(Binary(pdf)));
    assert_eq!(file.headers["content-type"], "application/pdf");
    let note = client.execute::<Answer>(call("/quotes/note", None)).await;
    let expected = Negotiated::Text("see the PDF".to_owned());
    assert_eq!(note.expect("the note").payload, expected);
    match client.execute::<Answer>(call("/quotes/bad", None)).await {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "id"),
        other => panic!("expected Error::Decode at `id`, got {other:?}"),
    }
    let split = call("/quotes/q1", Some("application/pdf\r\nX-Injected: 1"));
    match client.execute::<Answer>(split).await {
        Err(Error::InvalidRequest { field, .. }) => assert_eq!(field, "Accept"),
        other => panic!("expected Error::InvalidRequest for Accept, got {other:?}"),
    }
}

/// A `multipart/form-data` body on the wire: the media type names the boundary, the parts
/// arrive in order with their headers, and a resend would send the same bytes.
#[tokio::test]
async fn a_multipart_body_arrives_part_by_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files/content"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":"F1"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut parts = Multipart::new();
    parts.text("purpose", "evidence").expect("a text part");
    parts
        .json("attributes", &serde_json::json!({"name": "a.png"}))
        .expect("a JSON part");
    let png = vec![0x89, b'P', b'N', b'G', 0x00, 0xff];
    let file = UploadFile::new(png.clone())
        .file_name("a.png")
        .content_type("image/png");
    parts.file("file", file).expect("a file part");
    let mut req = request(Method::POST, "/files/content");
    req.body = Some(parts.finish().expect("encodes"));
    let id = client(&server)
        .execute::<String>(req)
        .await
        .expect("success");
    assert_eq!(id.payload, "F1");

    let received = server.received_requests().await.expect("recording is on");
    let content_type = received[0].headers["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("the boundary is named");
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nevidence\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"attributes\"\r\nContent-Type: application/json\r\n\r\n{{\"name\":\"a.png\"}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&png);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(received[0].body, expected);
}

#[tokio::test]
async fn a_crlf_in_a_header_is_rejected_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    // Credentials are configured: not even a token request may go out.
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::new("id", "secret", "user", "pass"))
        .build()
        .expect("client builds");
    for bad in ["v\r\nX-Injected: 1", "line\nbreak", "tab\there", "naïve"] {
        let mut req = request(Method::GET, "/api/v0/things/T1");
        req.security = &[Security::Bearer];
        req.headers = vec![("Cookie", bad.to_owned())];
        match client.execute::<serde_json::Value>(req).await {
            Err(Error::InvalidRequest { field, reason, .. }) => {
                assert_eq!(field, "Cookie");
                assert!(!reason.is_empty());
            }
            other => panic!("expected Error::InvalidRequest for {bad:?}, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn encoded_path_segments_never_change_the_path() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":null}"#, "application/json"),
        )
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    let cases = [
        ("a/../b", "/api/v0/things/a%2F..%2Fb"),
        ("x?y#z", "/api/v0/things/x%3Fy%23z"),
        ("50%", "/api/v0/things/50%25"),
    ];
    for (value, expected) in cases {
        let concrete = format!("/api/v0/things/{}", encode_path_segment(value));
        client
            .execute::<()>(request(Method::GET, &concrete))
            .await
            .expect("success");
        let received = server.received_requests().await.expect("recording is on");
        let last = received.last().expect("one request per case");
        assert_eq!(last.url.path(), expected, "value {value:?}");
        assert_eq!(last.url.query(), None, "value {value:?}");
    }
}

#[tokio::test]
async fn a_dot_segment_is_refused_rather_than_normalised_away() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    for value in [".", ".."] {
        let concrete = format!("/api/v0/things/{}/cards", encode_path_segment(value));
        match client.execute::<()>(request(Method::GET, &concrete)).await {
            Err(Error::InvalidRequest { field, .. }) => assert_eq!(field, "path"),
            other => panic!("expected Error::InvalidRequest for {value:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_missing_partner_id_is_a_config_error_naming_the_setter() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let mut req = request(Method::POST, "/api/v0/cards");
    req.operation_id = "createCard";
    req.security = &[Security::ApiKeyHeader("partnerId")];

    match client(&server).execute::<()>(req).await {
        Err(error @ Error::Config { .. }) => {
            assert_eq!(error.operation(), Some("createCard"));
            assert_eq!(
                error.to_string(),
                "createCard: client configuration: needs a partnerId header: call ClientBuilder::partner_id"
            );
        }
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bearer_operation_without_auth_configured_is_a_config_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let mut req = request(Method::GET, "/api/v0/things/T1");
    req.security = &[Security::Bearer];

    match client(&server).execute::<()>(req).await {
        Err(Error::Config { reason, .. }) => assert!(reason.contains("bearer_token"), "{reason}"),
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/gateway/api/v0/things/T1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"response_code":0,"payload":null}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/gateway/", server.uri()))
        .build()
        .expect("client builds");

    client
        .execute::<()>(request(Method::GET, "/api/v0/things/T1"))
        .await
        .expect("success");
}

#[test]
fn the_base_url_must_be_http_or_https() {
    for bad in [
        "ftp://127.0.0.1/",
        "127.0.0.1:8080",
        "",
        "file:///etc/passwd",
    ] {
        let result = Client::builder().base_url(bad).build();
        assert!(
            matches!(result, Err(Error::Config { .. })),
            "{bad:?}: {result:?}"
        );
    }
}

#[test]
fn secrets_and_clients_never_print_secrets() {
    let secret = Secret::new("tok-123");
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(format!("{secret}"), "Secret(<redacted>)");

    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::new(
            "CLIENT",
            "client-secret-xyz",
            "9999999999",
            "p4ssw0rd",
        ))
        .partner_id("partner-key-abc");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("client builds");
    let client_debug = format!("{client:?}");
    let static_client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token("bearer-tok-123")
        .build()
        .expect("client builds");
    let static_debug = format!("{static_client:?}");

    for debug in [&builder_debug, &client_debug, &static_debug] {
        for leaked in [
            "client-secret-xyz",
            "9999999999",
            "p4ssw0rd",
            "partner-key-abc",
            "bearer-tok-123",
        ] {
            assert!(!debug.contains(leaked), "{leaked} leaked in {debug}");
        }
    }
    assert!(client_debug.contains("127.0.0.1"), "{client_debug}");
}

/// A body sent as given (`application/octet-stream`, `text/plain`…) goes out byte for byte
/// under its own media type, and is never wrapped by payload encryption (only JSON is).
#[tokio::test]
async fn a_raw_body_is_sent_as_given_with_its_media_type() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = vec![0, 159, 146, 150, b'{', b'"'];
    Mock::given(method("PUT"))
        .and(path("/api/v0/things/T1"))
        .and(header("content-type", "application/octet-stream"))
        .and(wiremock::matchers::body_bytes(bytes.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "response_code": 0, "response_message": "Success", "payload": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let encrypted = Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .payload_encryption(enkash_rewards::PayloadEncryption::new(
            enkash_rewards::PayloadKey::from_bytes([7; 16]),
        ))
        .build()
        .expect("test client builds");
    let mut request = request(Method::PUT, "/api/v0/things/T1");
    request.body = Some(RequestBody::raw("application/octet-stream", bytes));
    let answer: enkash_rewards::Response<()> = encrypted.execute(request).await.expect("stored");
    assert_eq!(answer.status, StatusCode::OK);
}

/// An envelope described with no payload member (a hand-built request) is no panic: a
/// success reads its payload as `null`.
#[tokio::test]
async fn an_envelope_without_payload_names_is_no_panic() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"code":0}"#, "application/json"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let mut request = request(Method::GET, "/x");
    request.envelope = Some(Envelope {
        code: &["code"],
        message: &["message"],
        payload: &[],
    });
    let answer = client
        .execute::<Option<u64>>(request)
        .await
        .expect("a success with no payload");
    assert_eq!(answer.payload, None);
}

/// A client that reads answers of at most `limit` bytes.
fn client_reading(base_url: impl Into<String>, limit: usize) -> Client {
    Client::builder()
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .max_response_size(limit)
        .build()
        .expect("test client builds")
}

/// EnKash's success, its payload `"ok"`.
fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        r#"{"response_code":0,"response_message":"Success","payload":"ok"}"#,
        "application/json",
    )
}

/// A `{"response_code":0,…,"payload":"xxx…"}` answer `len` bytes long.
fn answer_of_len(len: usize) -> String {
    let head = r#"{"response_code":0,"response_message":"Success","payload":""#;
    format!("{head}{}\"}}", "x".repeat(len - head.len() - 2))
}

/// An answer longer than `max_response_size` is not read whole: a 2xx is a decode error
/// saying so (for a write, inside `OutcomeUnknown`), another status its usual error,
/// each quoting the body's start. One exactly as long is read.
#[tokio::test]
async fn an_answer_longer_than_the_client_reads_is_an_error_quoting_its_start() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v0/things/long"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(answer_of_len(4097), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v0/things/fits"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(answer_of_len(4096), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v0/things/html"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            format!("<html>{}</html>", "bad gateway ".repeat(1_000)),
            "text/html",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(answer_of_len(5000), "application/json"),
        )
        .mount(&server)
        .await;
    let client = client_reading(server.uri(), 4096);

    let fits = client
        .execute::<String>(request(Method::GET, "/api/v0/things/fits"))
        .await
        .expect("exactly the limit is read");
    assert_eq!(answer_of_len(4096).len(), 4096);
    assert!(fits.payload.bytes().all(|b| b == b'x'), "the whole payload");
    let error = client
        .execute::<String>(request(Method::GET, "/api/v0/things/long"))
        .await
        .expect_err("one byte too long");
    match &error {
        Error::Decode {
            path,
            message,
            body_snippet,
            status,
            ..
        } => {
            assert_eq!(path, ".");
            assert_eq!(*status, StatusCode::OK);
            assert!(message.contains("max_response_size"), "{message}");
            assert!(
                body_snippet.starts_with(r#"{"response_code":0"#),
                "{body_snippet}"
            );
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let error = client
        .execute::<String>(request(Method::GET, "/api/v0/things/html"))
        .await
        .expect_err("a 502");
    match &error {
        Error::Http {
            status,
            body_snippet,
            ..
        } => {
            assert_eq!(*status, StatusCode::BAD_GATEWAY);
            assert!(
                body_snippet.starts_with("<html>bad gateway"),
                "{body_snippet}"
            );
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    let mut write = request(Method::POST, "/api/v0/things/w");
    write.retry = RetryClass::NonIdempotent;
    let error = client.execute::<String>(write).await.expect_err("too long");
    assert!(
        error.outcome_unknown(),
        "the write may have happened: {error:?}"
    );
    assert!(error.to_string().contains("max_response_size"), "{error}");
}

/// Without a `content-length` (chunked), reading stops at the limit all the same: the
/// server offers far more than the client takes.
#[tokio::test]
async fn a_chunked_answer_is_read_no_further_than_the_limit() {
    use tokio::io::AsyncWriteExt;
    let (url, server) = one_connection_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.expect("head sent");
        let chunk = format!("400\r\n{}\r\n", "[".repeat(0x400));
        let mut sent = 0_usize;
        // 64 MiB offered, bounded; the client closes the connection long before.
        while sent < 64 * 1024 * 1024 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 0x400;
        }
        sent
    })
    .await;
    let error = client_reading(url, 64 * 1024)
        .execute::<String>(request(Method::GET, "/api/v0/things/stream"))
        .await
        .expect_err("too long");
    assert!(error.to_string().contains("max_response_size"), "{error}");
    let sent = tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the server stops once the client is gone")
        .expect("the server task");
    assert!(
        sent < 16 * 1024 * 1024,
        "{sent} bytes written before the client closed"
    );
}

#[test]
fn a_zero_max_response_size_is_a_config_error() {
    let built = Client::builder()
        .base_url("http://127.0.0.1:1")
        .max_response_size(0)
        .build();
    assert!(matches!(built, Err(Error::Config { .. })), "{built:?}");
}

/// One call can read more (a download) or less than the client's `max_response_size`.
#[tokio::test]
async fn a_call_sets_its_own_max_response_size() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(answer_of_len(8192), "application/json"),
        )
        .mount(&server)
        .await;
    let small = client_reading(server.uri(), 1024);
    let mut raised = request(Method::GET, "/api/v0/things/big");
    raised.options.max_response_size = Some(8192);
    small.execute::<String>(raised).await.expect("read whole");
    let large = client_reading(server.uri(), 1 << 20);
    let mut lowered = request(Method::GET, "/api/v0/things/big");
    lowered.options.max_response_size = Some(8191);
    let error = large.execute::<String>(lowered).await.expect_err("cut");
    assert!(error.to_string().contains("max_response_size"), "{error}");
}

/// A file answer to read as it arrives: a GET answered with `AnswerFormat::Binary`.
fn download(concrete_path: &str) -> OperationRequest {
    let mut request = OperationRequest::new(
        "downloadFile",
        Method::GET,
        "/files/{fileId}/content",
        concrete_path,
    );
    request.retry = RetryClass::Idempotent;
    request.answer = AnswerFormat::Binary;
    request
}

/// The byte at `at` of the files the streaming tests serve.
fn file_byte(at: usize) -> u8 {
    u8::try_from(at % 251).expect("below 251")
}

/// A streamed answer is handed over chunk by chunk as it arrives, whole, however much
/// longer than `max_response_size` it is: 8 MiB through a client that reads 64 KiB.
#[tokio::test]
async fn a_streamed_answer_arrives_whole_chunk_by_chunk_past_the_size_limit() {
    use tokio::io::AsyncWriteExt;
    const LEN: usize = 8 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let (url, server) = one_connection_server(|mut socket| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: {LEN}\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).await.expect("head sent");
        let file: Vec<u8> = (0..LEN).map(file_byte).collect();
        for chunk in file.chunks(CHUNK) {
            socket.write_all(chunk).await.expect("chunk sent");
        }
    })
    .await;
    let client = client_reading(url, CHUNK);
    let answer = client
        .execute_streaming(download("/files/f1/content"))
        .await
        .expect("the answer's head");
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/pdf");
    let mut file = answer.payload;
    let (mut read, mut chunks) = (0_usize, 0_usize);
    // Bounded: the file is 8 MiB, and no chunk is empty.
    while let Some(chunk) = file.chunk().await.expect("the file arrives") {
        assert!(
            chunk
                .iter()
                .enumerate()
                .all(|(i, b)| *b == file_byte(read + i)),
            "bytes {read}.. as sent"
        );
        read += chunk.len();
        chunks += 1;
        assert!(
            read <= LEN && chunks <= LEN,
            "{read} bytes in {chunks} chunks"
        );
    }
    assert_eq!(read, LEN, "the whole file");
    assert!(chunks > 1, "handed over as it arrived, not held whole");
    assert!(
        file.chunk().await.expect("ended").is_none(),
        "the end stays"
    );
    server.await.expect("the server task");
}

/// Up to the answer's status a streamed call is any call: a 503 is retried (the stream
/// is the retry's body), a 404 is `Error::Http` quoting the body, as `execute` says.
#[tokio::test]
async fn a_streamed_call_retries_and_fails_as_any_call_before_its_body() {
    let server = MockServer::start().await;
    Mock::given(path("/files/f1/content"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/files/f1/content"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"%PDF-1.7".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/files/gone/content"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(r#"{"message":"no such file"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(std::time::Duration::from_millis(1))
                .with_max_delay(std::time::Duration::from_millis(5)),
        )
        .build()
        .expect("test client builds");

    let mut file = client
        .execute_streaming(download("/files/f1/content"))
        .await
        .expect("the retry's answer")
        .payload;
    assert_eq!(
        file.chunk().await.expect("a chunk").as_deref(),
        Some(&b"%PDF-1.7"[..])
    );
    assert_eq!(file.chunk().await.expect("the end"), None);
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), 2);

    match client
        .execute_streaming(download("/files/gone/content"))
        .await
    {
        Err(Error::Http {
            status,
            body_snippet,
            ..
        }) => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert!(body_snippet.contains("no such file"), "{body_snippet}");
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
}

/// A streamed body is read under the call's timeout: a server that stalls mid-file ends
/// the stream with `Error::Timeout`, one that breaks the connection off with
/// `Error::Transport`, each carrying the answer's status; after the error the stream ends.
#[tokio::test]
async fn a_streamed_body_that_stalls_or_breaks_off_ends_with_an_error() {
    use std::time::{Duration, Instant};
    use tokio::io::AsyncWriteExt;
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\n";
    for stalls in [true, false] {
        let (url, server) = one_connection_server(move |mut socket| async move {
            socket.write_all(head.as_bytes()).await.expect("head sent");
            socket.write_all(&[7_u8; 100]).await.expect("a tenth sent");
            if stalls {
                // Longer than the call's timeout; bounded.
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
            drop(socket);
        })
        .await;
        let client = Client::builder()
            .base_url(url)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_millis(500))
            .build()
            .expect("test client builds");
        let started = Instant::now();
        let mut file = client
            .execute_streaming(download("/files/f1/content"))
            .await
            .expect("the answer's head")
            .payload;
        let mut read = 0_usize;
        let error = loop {
            match file.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) => panic!("a 1000-byte file ended after {read} bytes without an error"),
                Err(error) => break error,
            }
            assert!(read <= 100, "{read} bytes of the 100 sent");
        };
        assert_eq!(read, 100, "what arrived was handed over");
        match (stalls, &error) {
            (true, Error::Timeout { connecting, .. }) => assert!(!connecting),
            (false, Error::Transport { .. }) => {}
            _ => panic!("stalls: {stalls}, got {error:?}"),
        }
        // The server answered: the error says with what, not that it may have acted.
        assert_eq!(error.status(), Some(StatusCode::OK), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("the answer (HTTP 200 OK)"), "{text}");
        assert!(!text.contains("may have"), "{text}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "ended by the timeout, not the server"
        );
        assert!(
            file.chunk().await.expect("ended").is_none(),
            "ends after the error"
        );
        server.abort();
    }
}

/// A call's own headers are sent, in order, a name given twice twice; a header the client
/// or the operation sets itself, a bad name or a value that could split the header is
/// refused naming it, before anything is sent; `Debug` shows names, never values.
#[tokio::test]
async fn a_call_s_own_headers_are_sent_and_checked_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v0/things/t1"))
        .and(header("x-correlation-id", "corr-SECRET-7"))
        .and(headers("x-tag", vec!["a", "b"]))
        .respond_with(ok_answer())
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .api_key("partnerId", "P-1")
        .build()
        .expect("test client builds");
    let call = |extra: &[(&str, &str)]| {
        let mut request = request(Method::GET, "/api/v0/things/t1");
        request.security = &[Security::ApiKeyHeader("partnerId")];
        request.headers = vec![("requestId", "R-1".to_owned())];
        request.options.headers = extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        request
    };

    let sent = call(&[
        ("X-Correlation-Id", "corr-SECRET-7"),
        ("x-tag", "a"),
        ("x-tag", "b"),
    ]);
    let shown = format!("{:?}", sent.options);
    assert!(
        shown.contains("X-Correlation-Id") && !shown.contains("corr-SECRET-7"),
        "{shown}"
    );
    let answer = client
        .execute::<String>(sent)
        .await
        .expect("sent with its headers");
    assert_eq!(answer.payload, "ok");

    for (name, value, reason) in [
        ("Authorization", "Bearer stolen", "sets itself"),
        ("content-type", "text/plain", "sets itself"),
        ("Accept", "*/*", "sets itself"),
        ("PARTNERID", "P-2", "sets itself"),
        ("RequestId", "R-2", "input of testOperation"),
        ("X-Note", "a\r\nX-Evil: 1", "line break"),
        ("bad name", "v", "not a valid header name"),
    ] {
        match client.execute::<String>(call(&[(name, value)])).await {
            Err(Error::InvalidRequest {
                field, reason: why, ..
            }) => {
                assert_eq!(field, name);
                assert!(why.contains(reason), "{name}: {why}");
            }
            other => panic!("{name}: expected Error::InvalidRequest, got {other:?}"),
        }
    }
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        received.len(),
        1,
        "only the call with good headers went out"
    );
}

/// An answer in a result-code envelope is a success or a failure by its body: it is not
/// streamed unread (where a failure would pass for a file), and nothing is sent.
#[tokio::test]
async fn an_enveloped_json_answer_is_not_streamed() {
    let server = MockServer::start().await;
    let client = client(&server);
    match client
        .execute_streaming(request(Method::GET, "/api/v0/things/t1"))
        .await
    {
        Err(error @ Error::InvalidRequest { .. }) => {
            assert_eq!(error.operation(), Some("testOperation"));
            assert!(
                error
                    .to_string()
                    .starts_with("testOperation: invalid request, nothing was sent: `envelope`"),
                "{error}"
            );
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    let received = server.received_requests().await.expect("recording is on");
    assert!(received.is_empty(), "nothing was sent");
}

/// Headers for every request go out with each call, the token request included; a call's
/// own header of the same name replaces the client's for that call. One the client sets
/// itself, an unsendable value, or headers beside a caller's `reqwest::Client` are a
/// configuration error naming them; `Debug` shows names, never values.
#[tokio::test]
async fn the_client_s_own_headers_go_with_every_request_unless_a_call_replaces_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("x-client-name", "payouts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "tok-1", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    for (tag, times) in [("client-tag", 1), ("call-tag", 1)] {
        Mock::given(path("/api/v0/things/t1"))
            .and(header("x-client-name", "payouts"))
            .and(headers("x-tag", vec![tag]))
            .respond_with(ok_answer())
            .expect(times)
            .mount(&server)
            .await;
    }
    let builder = || {
        Client::builder()
            .base_url(server.uri())
            .retry_policy(RetryPolicy::none())
            .credentials(Credentials::new("id", "secret", "user", "password"))
            .header("X-Client-Name", "payouts")
            .header("X-Tag", "client-tag")
    };
    let shown = format!("{:?}", builder());
    assert!(
        shown.contains("X-Client-Name") && !shown.contains("payouts"),
        "{shown}"
    );
    let client = builder().build().expect("valid headers");
    let call = |tag: Option<&str>| {
        let mut request = request(Method::GET, "/api/v0/things/t1");
        request.security = &[Security::Bearer];
        request.options.headers = tag
            .map(|tag| vec![("x-tag".to_owned(), tag.to_owned())])
            .unwrap_or_default();
        request
    };
    client
        .execute::<String>(call(None))
        .await
        .expect("the client's tag");
    client
        .execute::<String>(call(Some("call-tag")))
        .await
        .expect("the call's tag, not the client's as well");

    for (name, value, reason) in [
        ("Authorization", "Bearer x", "sets itself"),
        ("partnerId", "P-2", "sets itself"),
        ("X-Note", "a\r\nX-Evil: 1", "line break"),
        ("bad name", "v", "not a valid header name"),
    ] {
        let built = Client::builder()
            .base_url(server.uri())
            .partner_id("P-1")
            .header(name, value)
            .build();
        match built {
            Err(Error::Config { reason: why, .. }) => {
                assert!(why.contains(name) && why.contains(reason), "{name}: {why}");
            }
            other => panic!("{name}: expected Error::Config, got {other:?}"),
        }
    }
    let beside_own_client = Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .header("X-Client-Name", "payouts")
        .build();
    assert!(
        matches!(&beside_own_client, Err(Error::Config { reason, .. }) if reason.contains("default_headers")),
        "{beside_own_client:?}"
    );
}

/// A server on 127.0.0.1 that keeps its connections open, answering each request on them
/// with `{"response_code":0,…}`: its URL, and how many connections it has accepted.
async fn keep_alive_server() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::task::JoinHandle<()>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let server = tokio::spawn(async move {
        // Bounded: the test makes three calls.
        for _ in 0..8 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let body = r#"{"response_code":0,"response_message":"Success","payload":"ok"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let mut request = Vec::new();
                let mut buffer = [0_u8; 4096];
                // A GET has no body: each request ends at its blank line.
                for _ in 0..8 {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                    while let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        request.drain(..end + 4);
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, accepted, server)
}

/// A connection idle for longer than `pool_idle_timeout` is not used again: the client,
/// not the server, ends it. (A server closing an idle connection just as a request is
/// written on it makes that request fail with its outcome unknown.) Until then calls share
/// one connection.
#[tokio::test]
async fn a_connection_idle_past_the_pool_idle_timeout_is_not_reused() {
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    let (url, accepted, server) = keep_alive_server().await;
    let client = Client::builder()
        .base_url(url)
        .retry_policy(RetryPolicy::none())
        .pool_idle_timeout(Duration::from_millis(300))
        .build()
        .expect("test client builds");
    let call = || async {
        client
            .execute::<String>(request(Method::GET, "/api/v0/things/T1"))
            .await
            .expect("answered")
            .payload
    };
    assert_eq!(call().await, "ok");
    assert_eq!(call().await, "ok");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "reused while fresh");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(call().await, "ok");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "a new connection after the idle timeout"
    );
    server.abort();
}

/// The default keeps an idle connection 4 s, so two calls a moment apart share one, and
/// a zero idle timeout is refused like a zero timeout.
#[tokio::test]
async fn the_default_pool_idle_timeout_reuses_a_connection_a_moment_idle() {
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    let (url, accepted, server) = keep_alive_server().await;
    let client = Client::builder()
        .base_url(url.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("test client builds");
    for _ in 0..2 {
        client
            .execute::<String>(request(Method::GET, "/api/v0/things/T1"))
            .await
            .expect("answered");
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    server.abort();
    let zero = Client::builder()
        .base_url(url)
        .pool_idle_timeout(Duration::ZERO)
        .build();
    assert!(matches!(zero, Err(Error::Config { .. })), "{zero:?}");
}
