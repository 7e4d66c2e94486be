//! Every setter of every operation, in an order other than the spec's: optional fields
//! and required ones can be set in any order, and `send()` compiles once all required
//! ones are set.

use std::time::Duration;

use enkash_rewards::types::{CoinConfiguration, PointsOperation, TransactionType};
use enkash_rewards::{Client, Error};
use rust_decimal::Decimal;

async fn every_operation(client: Client) -> Result<(), Error> {
    let _token = client
        .create_access_token()
        .client_id("CEK1GZBO6A")
        .grant_type(enkash_rewards::types::AccessTokenRequestGrantType::Password)
        .password(String::from("secret"))
        .username("ops@example.com")
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .send()
        .await?;
    let event = client
        .create_coin_event()
        .amount(6)
        .event("MEAL_CARD_PAYMENT")
        .company_id(String::from("CEKEKCARDS"))
        .configuration(CoinConfiguration::Default)
        .send()
        .await?;
    let _message: String = client
        .allocate_coins()
        .user_id("EKQZVMQK")
        .request_id("COIN_REQ1234567")
        .event("REFERRAL_EVENT")
        .company_id("CEK0TCW2W8")
        .resend_keyed_write(false)
        .send()
        .await?;
    let _same = client.get_coin_event(&event.coin_config_id).send().await?;
    let _updated = client
        .update_coin_event("WCC12345")
        .event("INVOICE_PAYMENT")
        .company_id("CEKEKCARDS")
        .configuration(CoinConfiguration::Custom)
        .amount(10)
        .send_with_response()
        .await?
        .into_payload();
    let _balance: i64 = client.get_coin_balance().user_id("EK6CYE6K").send().await?;
    let _card = client
        .create_and_allocate_points()
        .unique_reference_number("TEST234236")
        .load_amount(Decimal::new(1150, 2))
        .gender("M")
        .first_name("hedfdfg")
        .title("Mr")
        .mobile("9600098867")
        .email("xyz2@gmail.com")
        .r#type(PointsOperation::UnallocatePoint)
        .transaction_type(TransactionType::Dr)
        .transaction_code("ALLOCATION")
        .card_account_id("CAQL8YCV3")
        .company_id("CEK1PU9AOO")
        .send()
        .await?;
    let _new_card = client
        .create_card()
        .delivery_pincode("323307")
        .delivery_country("India")
        .delivery_state("Maharashtra")
        .delivery_city("Mumbai")
        .delivery_address2("Suite 101")
        .delivery_address("789 Delivery St")
        .physical_delivery_address_flag(true)
        .physical_card(false)
        .pincode("323908")
        .country("India")
        .state("Maharashtra")
        .city("Pune")
        .address2("Apt 456")
        .address("123 Street Name")
        .special_date("2000-02-14")
        .gender("M")
        .last_name("Dew")
        .middle_name("K")
        .first_name("Johnny")
        .title("Mr")
        .mobile("6876543211")
        .email("johnnydew@enkash.com")
        .user_id("EK94JCMP")
        .card_account_id("CAA8W45")
        .load_amount(500)
        .company_id("CEKEP5GSGP")
        .send()
        .await?;
    Ok(())
}

/// Compiling the calls above is the check; the test also holds their future to `Send`.
/// Nothing is sent: the future is never polled.
#[test]
fn every_setter_in_any_order_compiles() {
    super::assert_send_static(&every_operation(super::unused_client()));
}
