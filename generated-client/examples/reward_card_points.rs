//! Reward a person with points on an EnKash reward card, then take some back.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_PARTNER_ID=CRXXXXXXX \
//! ENKASH_COMPANY_ID=CEK1PU9AOO ENKASH_CARD_ACCOUNT_ID=CAQL8YCV3 \
//!     cargo run -p enkash-rewards --example reward_card_points
//! ```
//!
//! One operation, Create And Allocate Points, does both jobs:
//!
//! 1. **Create the reward card and credit points**: `transactionType` CR with `type`
//!    ALLOCATE_POINT. For a person with no reward card yet, EnKash creates the card from
//!    the employee details in the body; for an existing one it re-allocates to that card.
//! 2. **Debit points**: `transactionType` DR with `type` UNALLOCATE_POINT.
//!
//! Each transaction carries its own `uniqueReferenceNum` (idempotency key): a new value
//! for every credit or debit, the same value when resending that one transaction after an
//! unknown outcome. The example generates `CR-…` and `DR-…` references per run.
//!
//! Inputs (defaults are the EnKash docs' example values): `ENKASH_COMPANY_ID`,
//! `ENKASH_CARD_ACCOUNT_ID`, `ENKASH_EMAIL`, `ENKASH_MOBILE`, `ENKASH_FIRST_NAME`,
//! `ENKASH_CREDIT_POINTS` (default 11), `ENKASH_DEBIT_POINTS` (default 5). Credentials and
//! `ENKASH_PARTNER_ID`: see `common/mod.rs`.

mod common;

use std::process::ExitCode;
use std::str::FromStr;

use enkash_rewards::types::{PointsOperation, RewardCard, TransactionType};
use enkash_rewards::{Client, Error};
use rust_decimal::Decimal;

/// The person being rewarded (the body's employee details).
struct Person {
    company_id: String,
    card_account_id: String,
    email: String,
    mobile: String,
    title: String,
    first_name: String,
    gender: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(true) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let person = Person {
        company_id: common::var_or("ENKASH_COMPANY_ID", "CEK1PU9AOO"),
        card_account_id: common::var_or("ENKASH_CARD_ACCOUNT_ID", "CAQL8YCV3"),
        email: common::var_or("ENKASH_EMAIL", "xyz2@gmail.com"),
        mobile: common::var_or("ENKASH_MOBILE", "9600098867"),
        title: common::var_or("ENKASH_TITLE", "Mr"),
        first_name: common::var_or("ENKASH_FIRST_NAME", "hedfdfg"),
        gender: common::var_or("ENKASH_GENDER", "M"),
    };
    let (credit, debit) = match (
        points("ENKASH_CREDIT_POINTS", "11"),
        points("ENKASH_DEBIT_POINTS", "5"),
    ) {
        (Ok(credit), Ok(debit)) => (credit, debit),
        (Err(message), _) | (_, Err(message)) => return common::fail_setup(&message),
    };

    // 1. Create the reward card (if needed) and credit points.
    let credit_ref = common::unique_reference("CR");
    println!(
        "crediting {credit} points to {} (reference {credit_ref})",
        person.email
    );
    let card = match move_points(
        &client,
        &person,
        TransactionType::Cr,
        PointsOperation::AllocatePoint,
        credit,
        &credit_ref,
    )
    .await
    {
        Ok(card) => card,
        Err(e) => return common::fail(&format!("credit {credit_ref}"), &e),
    };
    println!(
        "reward card {} ({}, {}) for user {}: credited {}, redeemable balance {}",
        card.en_kash_card_id,
        card.masked_number,
        card.card_status.label,
        card.user_id,
        card.load_amount,
        card.otb_balance
    );

    // 2. Debit points: a new transaction, so a new reference.
    let debit_ref = common::unique_reference("DR");
    println!(
        "debiting {debit} points from card {} (reference {debit_ref})",
        card.en_kash_card_id
    );
    let card = match move_points(
        &client,
        &person,
        TransactionType::Dr,
        PointsOperation::UnallocatePoint,
        debit,
        &debit_ref,
    )
    .await
    {
        Ok(card) => card,
        Err(e) => return common::fail(&format!("debit {debit_ref}"), &e),
    };
    println!(
        "reward card {}: debited {}, redeemable balance {}",
        card.en_kash_card_id, card.load_amount, card.otb_balance
    );
    ExitCode::SUCCESS
}

/// One credit (CR + ALLOCATE_POINT) or debit (DR + UNALLOCATE_POINT) of `amount` points.
async fn move_points(
    client: &Client,
    person: &Person,
    transaction_type: TransactionType,
    operation: PointsOperation,
    amount: Decimal,
    reference: &str,
) -> Result<RewardCard, Error> {
    client
        .create_and_allocate_points()
        .company_id(&person.company_id)
        .card_account_id(&person.card_account_id)
        .transaction_code("ALLOCATION")
        .transaction_type(transaction_type)
        .r#type(operation)
        .email(&person.email)
        .mobile(&person.mobile)
        .title(&person.title)
        .first_name(&person.first_name)
        .gender(&person.gender)
        .load_amount(amount)
        .unique_reference_number(reference)
        .send()
        .await
}

/// Points are exact decimals (never floats).
fn points(name: &str, default: &str) -> Result<Decimal, String> {
    let text = common::var_or(name, default);
    Decimal::from_str(text.trim())
        .map_err(|_| format!("{name} must be a number of points, not {text:?}"))
}
