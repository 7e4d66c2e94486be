//! Reward a person with points on an EnKash reward card, then take some back, the way
//! EnKash's integration guide orders it: read the reward account's balance, credit, debit.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_PARTNER_ID=CRXXXXXXX \
//! ENKASH_COMPANY_ID=CEK1PU9AOO ENKASH_CARD_ACCOUNT_ID=CAQL8YCV3 \
//!     cargo run -p enkash-rewards --example reward_card_points
//! ```
//!
//! 1. **Check the account**: Get Reward Account Details gives the balance available for
//!    allocation.
//! 2. **Credit** ([`Client::credit`]: CR + ALLOCATE_POINT) the person's card, named by the
//!    card account and the person's details: EnKash creates the card if the person has none.
//! 3. **Debit** ([`Client::debit`]: DR + UNALLOCATE_POINT) the same card, now named by the
//!    card id the credit returned.
//!
//! Each transfer carries its own `uniqueReferenceNum`: a new value for every credit or
//! debit, the same value only when resending that one transfer after checking that it did
//! not happen. The example generates `CR-…` and `DR-…` references per run.
//!
//! Inputs (defaults are the EnKash docs' example values): `ENKASH_COMPANY_ID`,
//! `ENKASH_CARD_ACCOUNT_ID`, `ENKASH_EMAIL`, `ENKASH_MOBILE`, `ENKASH_FIRST_NAME`,
//! `ENKASH_CREDIT_POINTS` (default 11), `ENKASH_DEBIT_POINTS` (default 5). Credentials and
//! `ENKASH_PARTNER_ID`: see `common/mod.rs`.

mod common;

use std::process::ExitCode;
use std::str::FromStr;

use enkash_rewards::Client;
use enkash_rewards::allocation::{CardHolderDetails, PointsTransfer, RewardCardRef};
use rust_decimal::Decimal;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(true) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let company_id = common::var_or("ENKASH_COMPANY_ID", "CEK1PU9AOO");
    let card_account_id = common::var_or("ENKASH_CARD_ACCOUNT_ID", "CAQL8YCV3");
    let holder = CardHolderDetails {
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

    // 1. The account's balance available for allocation.
    match client
        .get_reward_account_details()
        .card_account_id(&card_account_id)
        .company_id(&company_id)
        .send()
        .await
    {
        Ok(account) => println!(
            "account {} of {}: {} available for allocation",
            account.card_account_id, account.company_name, account.available_balance
        ),
        Err(e) => return common::fail("reading the reward account", &e),
    }

    // 2. Credit the person's card (created if they have none).
    let credit_ref = common::unique_reference("CR");
    println!(
        "crediting {credit} points to {} (reference {credit_ref})",
        holder.email
    );
    let card = match transfer(
        &client,
        true,
        credit_transfer(&company_id, &card_account_id, holder, credit, &credit_ref),
    )
    .await
    {
        Ok(card) => card,
        Err(failure) => return failure,
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

    // 3. Debit the same card, by its id: a new transfer, so a new reference.
    let debit_ref = common::unique_reference("DR");
    println!(
        "debiting {debit} points from card {} (reference {debit_ref})",
        card.en_kash_card_id
    );
    let by_card = PointsTransfer {
        company_id,
        card: RewardCardRef::card(&card.en_kash_card_id),
        points: debit,
        unique_reference_number: debit_ref,
    };
    let card = match transfer(&client, false, by_card).await {
        Ok(card) => card,
        Err(failure) => return failure,
    };
    println!(
        "reward card {}: debited {}, redeemable balance {}",
        card.en_kash_card_id, card.load_amount, card.otb_balance
    );
    ExitCode::SUCCESS
}

fn credit_transfer(
    company_id: &str,
    card_account_id: &str,
    holder: CardHolderDetails,
    points: Decimal,
    reference: &str,
) -> PointsTransfer {
    PointsTransfer {
        company_id: company_id.to_owned(),
        card: RewardCardRef::holder(card_account_id, holder),
        points,
        unique_reference_number: reference.to_owned(),
    }
}

/// Sends a credit (`credit` true) or a debit; a failure is reported with its reference.
async fn transfer(
    client: &Client,
    credit: bool,
    transfer: PointsTransfer,
) -> Result<enkash_rewards::types::RewardCard, ExitCode> {
    let reference = transfer.unique_reference_number.clone();
    let builder = if credit {
        client.credit(transfer)
    } else {
        client.debit(transfer)
    };
    builder.send().await.map_err(|e| {
        let what = if credit { "credit" } else { "debit" };
        common::fail(&format!("{what} {reference}"), &e)
    })
}

/// Points are exact decimals (never floats).
fn points(name: &str, default: &str) -> Result<Decimal, String> {
    let text = common::var_or(name, default);
    Decimal::from_str(text.trim())
        .map_err(|_| format!("{name} must be a number of points, not {text:?}"))
}
