//! Allocate the coins a company configured for an event to one user, safely.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... \
//! ENKASH_COMPANY_ID=CEK0TCW2W8 ENKASH_EVENT=REFERRAL_EVENT ENKASH_USER_ID=EKQZVMQK \
//!     cargo run -p enkash-rewards --example allocate_coins
//! ```
//!
//! **The request id.** `requestId` is this allocation's unique reference. The example makes
//! a new one per run (`COIN-<unix ms>-<pid>`); a real integration derives it from its own
//! record of the reward (e.g. the referral's row id) and stores it *before* sending. The
//! client never resends the allocation once it may have reached EnKash: the docs do not
//! say that EnKash de-duplicates by `requestId`. If the call fails with an unknown outcome
//! (`Error::OutcomeUnknown`: a timeout, a dropped connection, a 5xx), the error names the
//! id; find out whether the allocation happened (the user's balance, EnKash support)
//! before sending it again, and then send it with the **same** id, never a new one: set
//! `ENKASH_REQUEST_ID` to the id the failed run printed.
//!
//! Inputs (defaults are the EnKash docs' example values): `ENKASH_COMPANY_ID`,
//! `ENKASH_EVENT`, `ENKASH_USER_ID`, optional `ENKASH_REQUEST_ID`. Credentials: see
//! `common/mod.rs`.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let company_id = common::var_or("ENKASH_COMPANY_ID", "CEK0TCW2W8");
    let event = common::var_or("ENKASH_EVENT", "REFERRAL_EVENT");
    let user_id = common::var_or("ENKASH_USER_ID", "EKQZVMQK");
    let (request_id, resent) = match common::var("ENKASH_REQUEST_ID") {
        Some(id) => (id, true),
        None => (common::unique_reference("COIN"), false),
    };
    if resent {
        println!(
            "resending allocation {request_id} (same id: only after checking that the first attempt did not happen)"
        );
    } else {
        println!(
            "new allocation {request_id}: keep this id; if the outcome is unknown, rerun with ENKASH_REQUEST_ID={request_id}"
        );
    }

    match client
        .allocate_coins()
        .company_id(&company_id)
        .event(&event)
        .request_id(&request_id)
        .user_id(&user_id)
        .send()
        .await
    {
        Ok(message) => {
            println!(
                "allocated the {event} coins of company {company_id} to user {user_id} (request {request_id}): {message}"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("allocation {request_id} did not succeed");
            common::fail("allocating coins", &e)
        }
    }
}
