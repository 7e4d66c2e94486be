//! A consumer's own code: a referral-reward service that calls `enkash-rewards`, and its
//! own serde types. The tests beside it check, as the consumer would:
//!
//! * its internally tagged enum with an `f64` field still decodes (no
//!   `arbitrary_precision` reaches its build);
//! * amounts arrive exact, digit for digit, through the client;
//! * a keyed write that timed out or hit a 502 is sent once, and resent only on opt-in;
//! * calls can be spawned;
//! * it tests all this offline with `enkash_rewards::testing`.
//!
//! A misspelt enum value does not compile:
//!
//! ```compile_fail
//! let _ = enkash_rewards::types::TransactionType::from("DEFUALT");
//! ```
//!
//! ```compile_fail
//! # async fn f(client: enkash_rewards::Client) {
//! let _ = client.create_and_allocate_points().transaction_type("DEFUALT");
//! # }
//! ```
//!
//! and parsing one at run time is an error, never a silent `Unknown`:
//!
//! ```
//! use enkash_rewards::types::TransactionType;
//! assert!("DEFUALT".parse::<TransactionType>().is_err());
//! assert_eq!("CR".parse::<TransactionType>(), Ok(TransactionType::Cr));
//! ```

use enkash_rewards::types::{PointsOperation, RewardCard, TransactionType};
use enkash_rewards::{Client, Decimal, Error};

/// The consumer's own event type: internally tagged, with an `f64`. serde_json's
/// `arbitrary_precision` feature, if any dependency turned it on, would make this fail to
/// decode.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measurement {
    Temperature { celsius: f64 },
    Distance { metres: f64 },
}

/// Rewards a referral with the company's configured coins; the referral id is the key.
pub async fn reward_referral(
    client: &Client,
    referral_id: &str,
    user_id: &str,
) -> Result<String, Error> {
    client
        .allocate_coins()
        .company_id("CEK0TCW2W8")
        .event("REFERRAL_EVENT")
        .request_id(format!("REF-{referral_id}"))
        .user_id(user_id)
        .send()
        .await
}

/// Credits points to a reward card; `reference` identifies the credit.
pub async fn credit_points(
    client: &Client,
    card_account_id: &str,
    points: Decimal,
    reference: &str,
) -> Result<RewardCard, Error> {
    client
        .create_and_allocate_points()
        .company_id("CEK1PU9AOO")
        .card_account_id(card_account_id)
        .transaction_code("ALLOCATION")
        .transaction_type(TransactionType::Cr)
        .r#type(PointsOperation::AllocatePoint)
        .email("xyz2@gmail.com")
        .mobile("9600098867")
        .title("Mr")
        .first_name("Asha")
        .gender("F")
        .load_amount(points)
        .unique_reference_number(reference)
        .send()
        .await
}
