//! The redemption flow: pick a denomination of a product, put it in the cart, order it and
//! fetch the vouchers.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... \
//! ENKASH_PRODUCT_CATALOG_ID=PC7324536190LULHL \
//!     cargo run -p enkash-rewards --example redeem_vouchers
//! ```
//!
//! 1. Get Product Configs: the product's denominations (`configResponses`).
//! 2. Add to Cart, then Get Cart: the chosen denomination, keyed by its product config id.
//! 3. Create Order under your own order reference (a new one per order, stored before the
//!    call: it is how a lost answer is looked up).
//! 4. Fetch Order Info by that reference: the vouchers. Their numbers and PINs are secrets:
//!    this example prints only how many there are and when they expire.
//!
//! Inputs: `ENKASH_PRODUCT_CATALOG_ID`, `ENKASH_QUANTITY` (default 1), `ENKASH_ORDER_REFERENCE`
//! (to look up an order placed before instead of placing one).

mod common;

use std::collections::BTreeMap;
use std::process::ExitCode;

use enkash_rewards::types::CartItemInput;
use rust_decimal::prelude::ToPrimitive;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let catalog_id = common::var_or("ENKASH_PRODUCT_CATALOG_ID", "PC7324536190LULHL");
    let quantity: i64 = match common::var_or("ENKASH_QUANTITY", "1").parse() {
        Ok(q) if q > 0 => q,
        _ => return common::fail_setup("ENKASH_QUANTITY must be a positive whole number"),
    };

    let reference = match common::var("ENKASH_ORDER_REFERENCE") {
        Some(reference) => {
            println!("looking up order {reference}");
            reference
        }
        None => {
            // 1. The product's denominations.
            let catalog = match client.get_product_configs(&catalog_id).send().await {
                Ok(catalog) => catalog,
                Err(e) => return common::fail("reading the product", &e),
            };
            let Some(config) = catalog.config_responses.first() else {
                return common::fail_setup(&format!("{} has no denominations", catalog.brand));
            };
            let (Some(config_id), Some(mrp)) = (config.product_config_id.clone(), config.mrp)
            else {
                return common::fail_setup("the first denomination has no id or value");
            };
            println!("{}: denomination {mrp} ({config_id})", catalog.brand);

            // 2. Into the cart.
            let mut item = CartItemInput::new(quantity);
            item.description = Some(String::new());
            if let Err(e) = client
                .add_to_cart()
                .product("VOUCHER")
                .product_catalog_id(&catalog_id)
                .items(BTreeMap::from([(config_id, item)]))
                .send()
                .await
            {
                return common::fail("adding to the cart", &e);
            }
            match client.get_cart().product("VOUCHER").send().await {
                Ok(carts) => {
                    for cart in &carts {
                        println!(
                            "cart {}: {} vouchers, {} to pay",
                            cart.id.unwrap_or_default(),
                            cart.total_quantity.unwrap_or_default(),
                            cart.total_amount.unwrap_or_default()
                        );
                    }
                }
                Err(e) => return common::fail("reading the cart", &e),
            }

            // 3. The order, under a reference stored before the call.
            let reference = common::unique_reference("ORDER");
            println!("ordering (reference {reference})");
            // Create Order documents `denomination` as an integer.
            let Some(denomination) = mrp.is_integer().then(|| mrp.to_i64()).flatten() else {
                return common::fail_setup(&format!(
                    "the denomination {mrp} is not a whole amount"
                ));
            };
            if let Err(e) = client
                .create_order()
                .denomination(denomination)
                .order_reference_id(&reference)
                .product_catalog_id(&catalog_id)
                .quantity(quantity)
                .send()
                .await
            {
                return common::fail(&format!("order {reference}"), &e);
            }
            reference
        }
    };

    // 4. The vouchers.
    let order = match client.fetch_order_details(&reference).send().await {
        Ok(order) => order,
        Err(e) => return common::fail(&format!("fetching order {reference}"), &e),
    };
    let vouchers = order.voucher_details_list.unwrap_or_default();
    println!(
        "order {} ({}): {} vouchers, paid {}",
        order.order_id.as_deref().unwrap_or("?"),
        order.order_status.as_deref().unwrap_or("status unknown"),
        vouchers.len(),
        order.paid_amount.unwrap_or_default()
    );
    for voucher in &vouchers {
        println!(
            "voucher expiring {} (number and PIN not shown)",
            voucher.expiry_date.as_deref().unwrap_or("?")
        );
    }
    ExitCode::SUCCESS
}
