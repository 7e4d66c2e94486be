//! Send a reward-card holder (or a company admin) to EnKash's redemption pages without a
//! login: request an SSO token and build the redirect URL.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_PARTNER_ID=CRXXXXXXX \
//! ENKASH_ENKASH_CARD_ID=EKCDM5AVZY ENKASH_SSO_PARTNER=hrms \
//!     cargo run -p enkash-rewards --example sso_redirect
//! ```
//!
//! Inputs: `ENKASH_COMPANY_ID`, `ENKASH_CARD_ACCOUNT_ID`, `ENKASH_ENKASH_CARD_ID` (the
//! holder's card, or the admin's onboarding card), `ENKASH_SSO_PARTNER` (your partner name
//! at EnKash, default `hrms`), `ENKASH_SSO_HOST` (`sandbox` or `production`, default
//! `sandbox`). With `ENKASH_SSO_TOKEN` set, no call is made: the URLs are built for that
//! token.
//!
//! EnKash has not documented the SSO answer; the token is read from the shapes such answers
//! take ([`enkash_rewards::sso::token_from_payload`]). If it is not found, the example
//! prints the answer and fails: read the token from it yourself.

mod common;

use std::process::ExitCode;

use enkash_rewards::Secret;
use enkash_rewards::sso::{SsoHost, SsoRedirect, token_from_payload};

#[tokio::main]
async fn main() -> ExitCode {
    let host = match common::var_or("ENKASH_SSO_HOST", "sandbox").as_str() {
        "sandbox" => SsoHost::Sandbox,
        "production" => SsoHost::Production,
        other => {
            return common::fail_setup(&format!(
                "ENKASH_SSO_HOST must be sandbox or production, not {other:?}"
            ));
        }
    };
    let partner = common::var_or("ENKASH_SSO_PARTNER", "hrms");
    let token = match common::var("ENKASH_SSO_TOKEN") {
        Some(token) => Secret::new(token),
        None => {
            let client = match common::client_from_env(true) {
                Ok(client) => client,
                Err(message) => return common::fail_setup(&message),
            };
            let payload = match client
                .create_sso_token()
                .company_id(common::var_or("ENKASH_COMPANY_ID", "CEK1PU9AOO"))
                .card_account_id(common::var_or("ENKASH_CARD_ACCOUNT_ID", "CAQL8YCV3"))
                .enkash_card_id(common::var_or("ENKASH_ENKASH_CARD_ID", "EKCDM5AVZY"))
                .send()
                .await
            {
                Ok(payload) => payload,
                Err(e) => return common::fail("requesting the SSO token", &e),
            };
            match token_from_payload(&payload) {
                Some(token) => token,
                None => {
                    // `{payload:?}` masks members named like secrets.
                    eprintln!(
                        "error: the SSO answer holds no token in a shape this example knows; its payload: {payload:?}"
                    );
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    // The URLs carry a credential: give them to the user's browser; never log them.
    println!(
        "employee redirect: {}",
        SsoRedirect::employee(token.clone(), &partner).url(host)
    );
    println!(
        "admin redirect: {}",
        SsoRedirect::admin(token, &partner).url(host)
    );
    ExitCode::SUCCESS
}
