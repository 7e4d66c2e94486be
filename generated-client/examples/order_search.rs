//! List a company's voucher orders, every page of Order Search in turn.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_COMPANY_ID=CEK1PU9AOO \
//!     cargo run -p enkash-rewards --example order_search
//! ```
//!
//! Inputs: `ENKASH_COMPANY_ID`, `ENKASH_PAGE_SIZE` (default 50), `ENKASH_MAX_PAGES`
//! (default 20). The pages end at the first short or empty page, or at the page limit.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let company_id = common::var_or("ENKASH_COMPANY_ID", "CEK1PU9AOO");
    let (page_size, max_pages) = match (
        common::var_or("ENKASH_PAGE_SIZE", "50").parse::<u16>(),
        common::var_or("ENKASH_MAX_PAGES", "20").parse::<u32>(),
    ) {
        (Ok(size), Ok(pages)) => (size, pages),
        _ => {
            return common::fail_setup(
                "ENKASH_PAGE_SIZE and ENKASH_MAX_PAGES must be positive whole numbers",
            );
        }
    };
    let mut pages = client
        .order_pages(page_size)
        .max_pages(max_pages)
        .filter(move |search| search.company_id(company_id.clone()));
    let mut count = 0;
    while let Some(page) = pages.next_page().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => return common::fail("searching the orders", &e),
        };
        count += 1;
        match page.len {
            Some(n) => println!("page at offset {}: {n} orders", page.offset),
            None => println!(
                "page at offset {}: an answer of unknown shape: {}",
                page.offset, page.payload
            ),
        }
    }
    println!("done after {count} pages");
    ExitCode::SUCCESS
}
