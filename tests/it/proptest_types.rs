//! Property tests: arbitrary values of every generated type survive encode → decode.
//!
//! Values are generated from the spec itself, not by hand: for each schema, a strategy
//! produces JSON that the schema allows (every property type, optional fields present or
//! absent, unknown enum values outside the known set, exact decimals from a mantissa and
//! a scale, unknown extra properties, free-form payloads). For each value `v`:
//!
//! * `x = decode(v)` succeeds from JSON text, as the client decodes every answer;
//! * `encode(x) == v`: nothing lost, nothing invented, no number changed;
//! * `decode(encode(x)) == x`.
//!
//! Decoding from a `serde_json::Value` is not a property: a `Value` hands a number out as
//! an `f64` when that `f64` prints as the number's text, and where two equally short
//! texts print the same `f64` (`212110981360666.62` and `…666.63`) the text is gone. This
//! test once found exactly that; `wire_operations::enveloped_amounts_arrive_digit_for_digit`
//! now guards the client's path.
//!
//! The list of types is checked against the generator's model, so a type added to the
//! spec fails this test until it is listed here.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::str::FromStr;

use enkash_rewards::types;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const CASES: u32 = 128;

fn spec_text() -> String {
    std::fs::read_to_string(enkash_rewards_tests::workspace_root().join("spec/enkash-rewards.yaml"))
        .expect("the spec")
}

/// Exact JSON from text: with `arbitrary_precision` the number keeps its digits.
fn number(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Decimals from a mantissa and a scale: `-12340` and 3 give `-12.340`. Half of them
/// small, so that forms such as `1.0` or `2.50` (which decode differently from a `Value`)
/// come up often.
fn decimal() -> BoxedStrategy<Value> {
    prop_oneof![(any::<i64>(), 0u32..=18), (-10_000i64..10_000, 0u32..=3)]
        .prop_map(|(m, s)| number(&rust_decimal::Decimal::new(m, s).to_string()))
        .boxed()
}

/// Any JSON value, small: for free-form schemas and unknown extra properties.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| number(&n.to_string())),
        decimal(),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

struct Spec {
    doc: Value,
}

impl Spec {
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            schema = self
                .doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("{r} points at nothing"));
        }
        schema
    }

    /// Properties and required names of an object schema, merged through `allOf`.
    fn object_parts(
        &self,
        schema: &Value,
        props: &mut Vec<(String, Value)>,
        required: &mut BTreeSet<String>,
        closed: &mut bool,
    ) {
        let schema = self.resolve(schema);
        if let Some(Value::Object(p)) = schema.get("properties") {
            for (name, s) in p {
                match props.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = s.clone(),
                    None => props.push((name.clone(), s.clone())),
                }
            }
        }
        if let Some(Value::Array(r)) = schema.get("required") {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            *closed = true;
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            for m in members {
                self.object_parts(m, props, required, closed);
            }
        }
    }

    /// JSON values the schema allows.
    fn strategy(&self, schema: &Value) -> BoxedStrategy<Value> {
        let schema = self.resolve(schema);
        let inner = self.strategy_non_null(schema);
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            prop_oneof![1 => Just(Value::Null), 4 => inner].boxed()
        } else {
            inner
        }
    }

    fn strategy_non_null(&self, schema: &Value) -> BoxedStrategy<Value> {
        if let Some(Value::Array(values)) = schema.get("enum") {
            let known: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            let excluded = known.clone();
            let unknown = "[A-Za-z_]{1,16}"
                .prop_filter("an unknown value", move |v| !excluded.contains(v))
                .prop_map(Value::String);
            return prop_oneof![3 => proptest::sample::select(known).prop_map(Value::String), 1 => unknown].boxed();
        }
        let format = schema.get("format").and_then(Value::as_str);
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => "\\PC{0,24}".prop_map(Value::String).boxed(),
            Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
            Some("integer") if format == Some("int32") => {
                any::<i32>().prop_map(|n| number(&n.to_string())).boxed()
            }
            Some("integer") => any::<i64>().prop_map(|n| number(&n.to_string())).boxed(),
            Some("number") if format.is_none() => decimal(),
            Some("array") => proptest::collection::vec(self.strategy(&schema["items"]), 0..4)
                .prop_map(Value::Array)
                .boxed(),
            _ if schema.get("properties").is_some() || schema.get("allOf").is_some() => {
                self.object(schema)
            }
            // A map keyed by ids (`additionalProperties: {schema}`), or any object.
            Some("object") => {
                let values = match schema.get("additionalProperties") {
                    Some(Value::Object(ap)) if !ap.is_empty() => {
                        self.strategy(&schema["additionalProperties"])
                    }
                    _ => any_json(),
                };
                proptest::collection::btree_map("[A-Za-z0-9]{1,8}", values, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect()))
                    .boxed()
            }
            // A union: a value of one of its members.
            None if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => {
                let members = schema
                    .get("oneOf")
                    .or_else(|| schema.get("anyOf"))
                    .and_then(Value::as_array)
                    .expect("a list of members");
                let strategies: Vec<BoxedStrategy<Value>> =
                    members.iter().map(|m| self.strategy(m)).collect();
                proptest::strategy::Union::new(strategies).boxed()
            }
            None => any_json(),
            other => panic!("no strategy for type {other:?}: {schema}"),
        }
    }

    /// An object: required properties always, optional ones sometimes, and (unless
    /// `additionalProperties: false`) unknown extra properties.
    fn object(&self, schema: &Value) -> BoxedStrategy<Value> {
        let (mut props, mut required, mut closed) = (Vec::new(), BTreeSet::new(), false);
        self.object_parts(schema, &mut props, &mut required, &mut closed);
        let known: BTreeSet<String> = props.iter().map(|(n, _)| n.clone()).collect();
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
            .iter()
            .map(|(name, s)| {
                let name = name.clone();
                let value = self.strategy(s);
                if required.contains(&name) {
                    value.prop_map(move |v| Some((name.clone(), v))).boxed()
                } else {
                    proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
                }
            })
            .collect();
        let extras = if closed {
            Just(Vec::new()).boxed()
        } else {
            proptest::collection::vec(
                (
                    "x[a-zA-Z]{1,8}".prop_filter("not a property", move |k| !known.contains(k)),
                    any_json(),
                ),
                0..3,
            )
            .boxed()
        };
        (fields, extras)
            .prop_map(|(fields, extras)| {
                let mut object = Map::new();
                object.extend(fields.into_iter().flatten());
                for (k, v) in extras {
                    object.entry(k).or_insert(v);
                }
                Value::Object(object)
            })
            .boxed()
    }
}

/// Runs the three properties for `T` over values of the schema at `pointer`.
fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(spec: &Spec, pointer: &str) {
    let schema = spec
        .doc
        .pointer(pointer.trim_start_matches('#'))
        .unwrap_or_else(|| panic!("{pointer}"));
    let strategy = spec.strategy(schema);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |v| {
            let text = serde_json::to_string(&v).unwrap();
            let from_text: T = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("decode from text: {e}\n{text}")))?;
            // Decimals compare by value (1.0 == 1), so compare the encodings too.
            let encoded = serde_json::to_value(&from_text).unwrap();
            prop_assert_eq!(&encoded, &v, "encode(decode(text)) != v");
            let again: T =
                serde_json::from_str(&serde_json::to_string(&from_text).unwrap()).unwrap();
            prop_assert_eq!(&again, &from_text, "decode(encode(x)) != x");
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{pointer} ({}): {e}", std::any::type_name::<T>()));
}

macro_rules! all_types {
    ($($name:ident),* $(,)?) => {
        const LISTED: &[&str] = &[$(stringify!($name)),*];

        /// Every generated type has the derives users rely on. A compile-time check, so
        /// no test: this binary does not build when a type lacks one.
        const _: () = {
            const fn data<T: Debug + Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static>() {}
            const fn hashable<T: Eq + std::hash::Hash>() {}
            $( data::<types::$name>(); hashable::<types::$name>(); )*
        };

        #[test]
        fn every_generated_type_round_trips() {
            let spec = Spec { doc: serde_yaml::from_str(&spec_text()).unwrap() };
            let model = enkash_rewards_generator::model(&spec_text()).unwrap();
            let started = std::time::Instant::now();
            $(
                let source = &model.types.iter().find(|t| t.name == stringify!($name)).expect(stringify!($name)).source;
                check::<types::$name>(&spec, source);
            )*
            println!("{} types × {CASES} cases in {:.1?}", LISTED.len(), started.elapsed());
        }
    };
}

all_types!(
    CoinsEnvelope,
    CardEnvelope,
    CoinConfiguration,
    CoinEvent,
    CreateCoinEventRequest,
    UpdateCoinEventRequest,
    AllocateCoinsRequest,
    TransactionType,
    PointsOperation,
    CreateAndAllocatePointsRequest,
    CreateCardRequest,
    CodeLabel,
    RewardCard,
    AccessTokenRequest,
    AccessTokenRequestGrantType,
    AccessToken,
    EnKashEnvelope,
    SsoTokenRequest,
    BulkAllocationRow,
    BulkAllocationResult,
    BulkAllocatedRow,
    RewardAccountRequest,
    RewardAccount,
    CardHolder,
    CardSearchRequest,
    CardSearchResult,
    CardPage,
    TransactionSearchRequest,
    Cart,
    CartItem,
    ProductConfig,
    CartItemInput,
    AddToCartRequest,
    UpdateCartRequest,
    ProductCatalog,
    CreateOrderRequest,
    OrderSearchRequest,
    OrderDetailsRequest,
    OrderDetailsEnvelopeResponseCode,
    OrderDetailsEnvelope,
    OrderDetails,
    Voucher,
);

#[test]
fn every_generated_type_is_listed() {
    let model = enkash_rewards_generator::model(&spec_text()).unwrap();
    // An envelope the client unwraps is not emitted: callers only get its payload.
    let generated: BTreeSet<&str> = model
        .types
        .iter()
        .filter(|t| t.facts.unwrapped_to.is_none())
        .map(|t| t.name.as_str())
        .collect();
    let listed: BTreeSet<&str> = LISTED.iter().copied().collect();
    assert_eq!(
        generated, listed,
        "list every generated type in `all_types!` in tests/it/proptest_types.rs"
    );
}

/// Secrets (`format: password`) are held in `Secret`: they print as `<redacted>`, in the
/// type's `Debug` and on their own; personal data prints normally.
#[test]
fn secrets_are_redacted_in_debug() {
    let request: types::AccessTokenRequest = serde_json::from_str(
        r#"{"username":"user@example.com","password":"hunter2-secret","grant_type":"password","clientId":"CEK1GZBO6A"}"#,
    )
    .unwrap();
    let debug = format!("{request:?}");
    assert!(!debug.contains("hunter2-secret"), "{debug}");
    assert!(debug.contains("password: Secret(<redacted>)"), "{debug}");
    assert_eq!(request.password.to_string(), "Secret(<redacted>)");
    assert_eq!(request.password.expose(), "hunter2-secret");
    assert!(
        debug.contains("user@example.com"),
        "personal data is not a secret: {debug}"
    );
    assert!(format!("{request:#?}").contains("<redacted>"));

    // A request builder holding a secret input shows it redacted too.
    let client = enkash_rewards::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let builder = client
        .create_access_token()
        .username("user@example.com")
        .password("hunter2-secret");
    let debug = format!("{builder:?}");
    assert!(
        debug.starts_with(r#"Builder { operation: "createAccessToken", inputs: "#),
        "{debug}"
    );
    assert!(!debug.contains("hunter2-secret"), "{debug}");
    assert!(debug.contains("user@example.com"), "{debug}");

    let token: types::AccessToken =
        serde_json::from_str(r#"{"access_token":"at-secret","token_type":"bearer","refresh_token":"rt-secret","expires_in":60}"#).unwrap();
    let debug = format!("{token:?}");
    assert!(
        !debug.contains("at-secret") && !debug.contains("rt-secret"),
        "{debug}"
    );
    assert!(
        debug.contains("expires_in: 60") && debug.contains("bearer"),
        "{debug}"
    );

    // The card token is optional: `Some(Secret(<redacted>))` when present, `None` when absent.
    let mut card = serde_json::to_value(sample_card()).unwrap();
    let debug = format!(
        "{:?}",
        serde_json::from_value::<types::RewardCard>(card.clone()).unwrap()
    );
    assert!(
        debug.contains("token: Some(Secret(<redacted>))") && !debug.contains("card-token-secret"),
        "{debug}"
    );
    assert!(
        debug.contains("xyz2@gmail.com") && debug.contains("9600098867"),
        "email and mobile print normally: {debug}"
    );
    card.as_object_mut().unwrap().remove("token");
    let debug = format!(
        "{:?}",
        serde_json::from_value::<types::RewardCard>(card).unwrap()
    );
    assert!(debug.contains("token: None"), "{debug}");
}

fn sample_card() -> Value {
    let spec = Spec {
        doc: serde_yaml::from_str(&spec_text()).unwrap(),
    };
    let mut card = spec
        .doc
        .pointer("/paths/~1api~1v0~1partner~1enKashCard~1create-allocate-points/post/responses/200/content/application~1json/example/payload")
        .unwrap()
        .clone();
    card["token"] = Value::String("card-token-secret".to_owned());
    card
}

/// The decimal strategy itself produces exact, scale-keeping numbers.
#[test]
fn decimal_strategy_keeps_scale() {
    let v = number(&rust_decimal::Decimal::new(50050, 2).to_string());
    assert_eq!(v.to_string(), "500.50");
    assert_eq!(
        rust_decimal::Decimal::from_str("500.50").unwrap().scale(),
        2
    );
}
