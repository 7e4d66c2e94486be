//! Create users and allocate points in bulk, and print what happened to each row.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_PARTNER_ID=CRXXXXXXX \
//! ENKASH_COMPANY_ID=CEKBVCGMR1 ENKASH_CARD_ACCOUNT_ID=CA1ZS96 \
//!     cargo run -p enkash-rewards --example bulk_allocation -- rows.json
//! ```
//!
//! `rows.json` is a JSON array of rows as EnKash documents them (`title`, `name`, `email`,
//! `mobile`, `loadAmount`, optional `remarks`, `uniqueReferenceNumber`); without it the
//! docs' example row is sent. `ENKASH_FUND_EXISTING` (`true`/`false`, default `false`) is
//! `isPointsAllocation`: whether existing users are funded too.
//!
//! A refusal of the whole batch (e.g. "Card Account does not exist for this partner") is
//! reported per row; a batch whose answer was lost is an error and is never resent: look
//! its rows up by their references first.

mod common;

use std::process::ExitCode;

use enkash_rewards::allocation::{BulkAllocation, RowStatus};
use enkash_rewards::types::BulkAllocationRow;

const DOCUMENTED_ROWS: &str = r#"[{"title": "Mr", "name": "John hrllo", "email": "ojas.bisariya@kratikal.com", "mobile": "6836111111", "loadAmount": 100, "remarks": "good", "uniqueReferenceNumber": "test123457"}]"#;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(true) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let text = match std::env::args().nth(1) {
        Some(file) => match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => return common::fail_setup(&format!("cannot read {file}: {e}")),
        },
        None => DOCUMENTED_ROWS.to_owned(),
    };
    let rows: Vec<BulkAllocationRow> = match serde_json::from_str(&text) {
        Ok(rows) => rows,
        Err(e) => return common::fail_setup(&format!("the rows are not valid: {e}")),
    };
    let fund_existing = match common::var_or("ENKASH_FUND_EXISTING", "false").as_str() {
        "true" => true,
        "false" => false,
        other => {
            return common::fail_setup(&format!(
                "ENKASH_FUND_EXISTING must be true or false, not {other:?}"
            ));
        }
    };
    let batch = BulkAllocation {
        company_id: common::var_or("ENKASH_COMPANY_ID", "CEKBVCGMR1"),
        card_account_id: common::var_or("ENKASH_CARD_ACCOUNT_ID", "CA1ZS96"),
        fund_existing_users: fund_existing,
        rows,
    };
    println!("allocating {} rows", batch.rows.len());
    let report = match client.allocate_in_bulk(batch).await {
        Ok(report) => report,
        Err(e) => return common::fail("the bulk allocation", &e),
    };
    for outcome in &report.rows {
        let row = &outcome.row;
        match &outcome.status {
            RowStatus::Allocated(entry) => println!(
                "row {}: allocated {} to {}",
                row.unique_reference_number,
                entry.load_amount.unwrap_or(row.load_amount),
                row.email
            ),
            RowStatus::Refused(message) => {
                println!("row {}: refused: {message}", row.unique_reference_number)
            }
            RowStatus::NotListed => println!(
                "row {}: not in EnKash's success list; look it up before resending",
                row.unique_reference_number
            ),
            other => println!("row {}: {other:?}", row.unique_reference_number),
        }
    }
    println!(
        "{} allocated, {} refused, {} not listed, of {} rows",
        report.allocated,
        report.refused,
        report.not_listed,
        report.total()
    );
    ExitCode::SUCCESS
}
