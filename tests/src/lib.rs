//! Shared helpers for the workspace tests.

pub mod crates;
pub mod examples;

// The generated schema index names `crate::types` and `crate::serde_helpers`: here they
// are the client's, so the same generated file serves this crate and the fixture crates.
pub use enkash_rewards::{RawJson, serde_helpers, types};

/// Generated test support: the Rust type behind every schema position of the spec.
// Formatted by prettyplease when generated; rustfmt would reformat it and break
// `cargo xtask codegen --check`.
#[rustfmt::skip]
#[path = "generated/schema_index.rs"]
pub mod schema_index;

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// The workspace root, found from this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The public OpenAPI descriptions the generator is proven on (`tests/corpus/`, with the
/// source and licence of each in its README).
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("tests/corpus")
}

/// The embedded spec as JSON, read once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(workspace_root().join("spec/enkash-rewards.yaml"))
            .expect("the spec is readable");
        serde_yaml::from_str(&text).expect("the spec is valid YAML")
    })
}

/// The operation object with `operation_id`, and its path and method.
pub fn operation(operation_id: &str) -> (&'static str, &'static str, &'static Value) {
    let paths = spec()["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                return (path, method, op);
            }
        }
    }
    panic!("no operation `{operation_id}` in the spec")
}

/// The documented example of an operation's request body or of one of its responses
/// (`status` such as "200" or "default"), following `$ref`s into components.
pub fn example(operation_id: &str, status: Option<&str>) -> Option<Value> {
    let (_, _, op) = operation(operation_id);
    let holder = match status {
        None => resolve(&op["requestBody"]),
        Some(code) => resolve(&op["responses"][code]),
    };
    let media = holder.get("content")?.as_object()?.values().next()?;
    if let Some(e) = media.get("example") {
        return Some(e.clone());
    }
    let first = media.get("examples")?.as_object()?.values().next()?;
    resolve(first).get("value").cloned()
}

/// Follows a local `$ref`, if the value is one.
pub fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(
                spec()
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {reference}")),
            )
        }
        None => value,
    }
}

/// The named example `name` of an operation's request body (`status` `None`) or response.
pub fn named_example(operation_id: &str, status: Option<&str>, name: &str) -> Option<Value> {
    let (_, _, op) = operation(operation_id);
    let holder = match status {
        None => resolve(&op["requestBody"]),
        Some(code) => resolve(&op["responses"][code]),
    };
    let media = holder.get("content")?.as_object()?.values().next()?;
    resolve(media.get("examples")?.get(name)?)
        .get("value")
        .cloned()
}

/// The client the wire tests use against a server on loopback: a static bearer `token`
/// and `partner` id, no retries (a retry must never hide a wrong request), and a timeout.
pub fn loopback_client(base_url: &str, token: &str, partner: &str) -> enkash_rewards::Client {
    enkash_rewards::Client::builder()
        .base_url(base_url)
        .bearer_token(token)
        .partner_id(partner)
        .timeout(std::time::Duration::from_secs(5))
        .retry_policy(enkash_rewards::RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

/// A server on 127.0.0.1 for one connection, written by hand for answers a mock server
/// cannot give (a body that stalls midway, a stream that does not end): its URL, and the
/// task that accepts the connection, reads the request's first bytes and hands the socket
/// to `answer`.
pub async fn one_connection_server<T, Fut>(
    answer: impl FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
) -> (String, tokio::task::JoinHandle<T>)
where
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("one connection");
        let mut request = [0_u8; 4096];
        let _ = socket.read(&mut request).await;
        answer(socket).await
    });
    (url, server)
}

/// Reads one HTTP/1.1 request from `socket`: its head, then as many body bytes as its
/// `content-length` says. Returns the head (request line and headers, as sent), or `None`
/// when the connection closed or stayed quiet for 2 s before the request was whole.
/// Bounded: 64 reads at most. For the hand-written servers of tests that need answers a
/// mock server cannot give.
pub async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    for _ in 0..64 {
        let read = tokio::time::timeout(std::time::Duration::from_secs(2), socket.read(&mut chunk));
        let Ok(Ok(n)) = read.await else { return None };
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let length = header_in(&head, "content-length")
            .and_then(|value| value.parse::<usize>().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return Some(head);
        }
    }
    None
}

/// The value of header `name` (any case) in a request `head` read by [`read_request`],
/// trimmed; the first when it is there twice.
pub fn header_in<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (found, value) = line.split_once(':')?;
        found.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}
