//! Money is exact: `type: number` fields are `rust_decimal::Decimal`, decoded from the
//! JSON text without passing through `f64` and written back as the same JSON number
//! (`500.50` stays `500.50`, never `500.5`, `"500.50"` or `500.4999…`).
//!
//! Compared as JSON *text*, the strictest comparison there is.

use std::str::FromStr;

use enkash_rewards::types::{CreateAndAllocatePointsRequest, RewardCard};
use rust_decimal::Decimal;

/// Amounts that break floats or lose their scale in naive code.
const AMOUNTS: &[&str] = &[
    "0.1",
    "11",
    "500.50",
    "99999999999.99",
    "0",
    "0.00",
    "-12.340",
    "0.0000000001",
    "79228162514264337593543950335", // Decimal::MAX: 28 significant digits
    "1.2345678901234567890123456789",
];

fn request_with(amount: &str) -> String {
    format!(
        r#"{{"companyId":"CEK1PU9AOO","cardAccountId":"CAQL8YCV3","transactionCode":"ALLOCATION","transactionType":"CR","type":"ALLOCATE_POINT","email":"xyz2@gmail.com","mobile":"9600098867","title":"Mr","firstName":"hedfdfg","gender":"M","loadAmount":{amount},"uniqueReferenceNum":"TEST234236"}}"#
    )
}

#[test]
fn load_amount_round_trips_exactly_as_text() {
    for amount in AMOUNTS {
        let text = request_with(amount);
        let typed: CreateAndAllocatePointsRequest =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{amount}: {e}"));
        assert_eq!(
            typed.load_amount,
            Decimal::from_str(amount).unwrap(),
            "{amount} decoded"
        );
        assert_eq!(
            typed.load_amount.to_string(),
            *amount,
            "{amount} keeps its scale"
        );
        let back = serde_json::to_string(&typed).unwrap();
        assert_eq!(back, text, "{amount}: the re-encoded body differs");
    }
}

/// Through `serde_json::Value` too (what the schema-index round-trips use).
#[test]
fn load_amount_round_trips_through_value() {
    for amount in AMOUNTS {
        let value: serde_json::Value = serde_json::from_str(&request_with(amount)).unwrap();
        let typed: CreateAndAllocatePointsRequest = serde_json::from_value(value.clone()).unwrap();
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(back["loadAmount"].to_string(), *amount);
        assert_eq!(back, value);
    }
}

/// A value built in Rust is written as a JSON number with its scale.
#[test]
fn typed_amounts_are_written_as_numbers() {
    let text = request_with("1");
    let mut typed: CreateAndAllocatePointsRequest = serde_json::from_str(&text).unwrap();
    typed.load_amount = Decimal::new(50050, 2);
    let back = serde_json::to_string(&typed).unwrap();
    assert!(back.contains(r#""loadAmount":500.50,"#), "{back}");
}

/// Required (`loadAmount`, `otbBalance`) and optional (`holdBalance`, `usedMtd`) decimals
/// of the card, including absent optional ones, through the flattened catch-all struct.
#[test]
fn card_amounts_round_trip_exactly() {
    let card = r#"{"enKashCardId":"E","userId":"U","cardAccountId":"C","maskedNumber":"XXXX","expiryMonth":"06","expiryYear":"2026","email":"e","mobile":"m","title":"Mr","firstName":"F","gender":"M","usedMtd":0.10,"otbBalance":99999999999.99,"primaryCard":false,"prepaidCard":true,"physicalCard":false,"cardStatus":{"name":"UL","label":"UnLocked"},"kycStatus":{"name":"V","label":"Verified"},"physicalDeliveryAddressFlag":false,"cardActivated":true,"loadAmount":500.50,"companyId":"C","accountBalance":38628,"physicalCardAllowed":false,"panValidated":false,"posAllowed":false,"posAllowedAdmin":false,"atmAllowed":false,"atmAllowedAdmin":false,"onlineAllowed":false,"onlineAllowedAdmin":false,"unallocateFundAllowed":true,"companyName":"T","accountType":{"name":"G","label":"Gift"},"lastAllocatedAmount":0.1,"holdBalance":0,"enkashCardTxnId":"T","newAmount":12.500}"#;
    let typed: RewardCard = serde_json::from_str(card).unwrap();
    assert_eq!(typed.load_amount.to_string(), "500.50");
    assert_eq!(typed.otb_balance.to_string(), "99999999999.99");
    assert_eq!(
        typed.used_mtd.map(|d| d.to_string()).as_deref(),
        Some("0.10")
    );
    assert_eq!(typed.used_dtd, None);
    // An unknown amount is kept as written in `extra` too.
    assert_eq!(typed.extra["newAmount"].to_string(), "12.500");
    let back: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&typed).unwrap()).unwrap();
    let original: serde_json::Value = serde_json::from_str(card).unwrap();
    assert_eq!(back, original);
    for (field, text) in [
        ("loadAmount", "500.50"),
        ("otbBalance", "99999999999.99"),
        ("usedMtd", "0.10"),
        ("lastAllocatedAmount", "0.1"),
        ("holdBalance", "0"),
        ("newAmount", "12.500"),
    ] {
        assert_eq!(back[field].to_string(), text, "{field}");
    }
    assert!(
        back.get("usedDtd").is_none(),
        "an absent optional amount stays absent"
    );
}

/// Too many digits for a `Decimal` (more than 28 significant) is a decode error, never a
/// silently rounded amount.
#[test]
fn amounts_beyond_decimal_precision_are_errors_not_rounding() {
    let text = request_with("792281625142643375935439503350");
    let result: Result<CreateAndAllocatePointsRequest, _> = serde_json::from_str(&text);
    assert!(result.is_err(), "{result:?}");
}

/// Known leniency, documented here so a change is noticed: a number written with an
/// exponent decodes to the same amount but is re-encoded in plain notation, and an amount
/// sent as a JSON string is accepted and re-encoded as a number.
#[test]
fn exponent_and_string_amounts_are_accepted_but_normalised() {
    let typed: CreateAndAllocatePointsRequest =
        serde_json::from_str(&request_with("1.5e2")).unwrap();
    assert_eq!(typed.load_amount, Decimal::from(150));
    assert!(
        serde_json::to_string(&typed)
            .unwrap()
            .contains(r#""loadAmount":150,"#)
    );

    let typed: CreateAndAllocatePointsRequest =
        serde_json::from_str(&request_with("\"500.50\"")).unwrap();
    assert_eq!(typed.load_amount.to_string(), "500.50");
    assert!(
        serde_json::to_string(&typed)
            .unwrap()
            .contains(r#""loadAmount":500.50,"#)
    );
}

/// A caller may decode the types from a `serde_json::Value` of their own, where a number
/// whose text is its shortest float form (`1.0`, `2.5`) reaches the decimal as an `f64`.
/// The text still comes back, except where two equally short texts print the same `f64`
/// (`212110981360666.62`/`.63`): only the JSON text can tell those apart, which is why
/// the client itself never decodes from a `Value`. (Also below the decimal's reach:
/// `serde_json` hands `-0` out as the integer 0.)
#[test]
fn amounts_decoded_from_a_value_keep_their_text() {
    for amount in [
        "1.0",
        "11.0",
        "0.0",
        "2.5",
        "0.1",
        "500.50",
        "123456789012345.0",
        "-3.0",
        "0.10",
        "99999999999.99",
        "7",
    ] {
        let value: serde_json::Value = serde_json::from_str(&request_with(amount)).unwrap();
        let typed: CreateAndAllocatePointsRequest =
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{amount}: {e}"));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            back["loadAmount"].to_string(),
            amount,
            "{amount} through a Value"
        );
    }
}
