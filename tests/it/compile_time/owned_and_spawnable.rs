//! A builder owns a clone of the client: it can outlive the client's binding, be stored,
//! and its `send()` future moved into `tokio::spawn` (it is `Send + 'static`).

use enkash_rewards::types::{PointsOperation, TransactionType};
use enkash_rewards::{Client, Error};

use super::assert_send_static;

fn build(
    client: &Client,
) -> impl std::future::Future<Output = Result<String, Error>> + Send + 'static {
    let call = client
        .allocate_coins()
        .company_id("C")
        .event("E")
        .request_id("R")
        .user_id("U");
    call.send()
}

async fn run() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client");
    let stored = client.get_coin_balance().user_id("U");
    let future = build(&client);
    drop(client);
    assert_send_static(&future);
    let handle = tokio::spawn(future);
    let _ = handle.await;
    let _ = tokio::spawn(stored.send()).await;
    let _ = (TransactionType::Cr, PointsOperation::AllocatePoint);
}

/// Compiling `run` is the check (its futures go into `tokio::spawn`); nothing is sent.
#[test]
fn builders_outlive_the_client_and_spawn() {
    assert_send_static(&run());
}
