use enkash_rewards::Client;

async fn call(client: Client) {
    // `uniqueReferenceNum` is the idempotency key of a points credit: it cannot be forgotten.
    let _ = client
        .create_and_allocate_points()
        .company_id("CEK1PU9AOO")
        .card_account_id("CAQL8YCV3")
        .transaction_code("ALLOCATION")
        .transaction_type(enkash_rewards::types::TransactionType::Cr)
        .r#type(enkash_rewards::types::PointsOperation::AllocatePoint)
        .email("xyz2@gmail.com")
        .mobile("9600098867")
        .title("Mr")
        .first_name("hedfdfg")
        .gender("M")
        .load_amount(11)
        .send()
        .await;
}

fn main() {}
