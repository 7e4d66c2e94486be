//! Fuzzing what a server can send. Every example of `spec/enkash-rewards.yaml`, mutated (a
//! value replaced by one of another type, by `null`, by a number no `f64`, `i64` or
//! `Decimal` holds, by nesting deeper than the JSON reader allows, a member removed or
//! renamed), is decoded as the generated type at its position and encoded again
//! (`schema_index::round_trip_at`); every answer example, as text cut short or with a byte
//! changed too, goes through the client's own reader of answers
//! (`enkash_rewards::decode::decode_answer`) in each of EnKash's envelope shapes. Each must
//! give a value or an error, never a panic, and what encodes must decode to itself again.
//!
//! Deterministic: a fixed seed and `ROUNDS` mutations per example, so a failure names the
//! example and the mutation that make it again.

use std::panic::{AssertUnwindSafe, catch_unwind};

use enkash_rewards::decode::decode_answer;
use enkash_rewards::request::Envelope;
use enkash_rewards::{RawJson, types};
use enkash_rewards_tests::schema_index::round_trip_at;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::roundtrip_examples::walker;

const ROUNDS: usize = 300;

/// EnKash's two envelope shapes (the coins APIs' and the card APIs').
const ENVELOPES: [Envelope; 2] = [
    Envelope {
        code: &["response_code"],
        message: &["response_message"],
        payload: &["payload"],
    },
    Envelope {
        code: &["code"],
        message: &["message"],
        payload: &["payload"],
    },
];

#[test]
fn mutated_examples_decode_or_fail_never_panic() {
    let spec = std::fs::read_to_string(
        enkash_rewards_tests::workspace_root().join("spec/enkash-rewards.yaml"),
    )
    .expect("the spec");
    let examples = walker::find_examples(&walker::spec_value(&spec));
    assert!(examples.len() >= 30, "the walker found {}", examples.len());
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let (mut decoded, mut refused) = (0, 0);
    for example in &examples {
        let answer = example.location.contains("/responses/");
        for round in 0..ROUNDS {
            let mut value = example.value.clone();
            mutate(&mut value, &mut rng);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let first = round_trip_at(&example.schema_at, &value)?;
                // What was encoded decodes to itself: nothing kept that cannot be sent back.
                let again = first
                    .as_ref()
                    .ok()
                    .map(|encoded| round_trip_at(&example.schema_at, encoded));
                Some((first, again))
            }));
            let place = format!("{} round {round}: {value}", example.location);
            match outcome {
                Err(_) => panic!("round_trip_at panicked at {place}"),
                Ok(None) => panic!("no type at {}", example.schema_at),
                Ok(Some((Ok(encoded), Some(Some(Ok(back)))))) => {
                    assert_eq!(back, encoded, "not a fixed point at {place}");
                    decoded += 1;
                }
                Ok(Some((Ok(_), again))) => {
                    panic!("encoded, then {again:?} at {place}")
                }
                Ok(Some((Err(_), _))) => refused += 1,
            }
            if answer {
                let text = damage(value.to_string().into_bytes(), &mut rng);
                let read = catch_unwind(|| {
                    for envelope in ENVELOPES {
                        let _ =
                            decode_answer::<RawJson>("op", Some(envelope), StatusCode::OK, &text);
                        let _ = decode_answer::<types::RewardCard>(
                            "op",
                            Some(envelope),
                            StatusCode::OK,
                            &text,
                        );
                        let _ = decode_answer::<RawJson>(
                            "op",
                            Some(envelope),
                            StatusCode::BAD_GATEWAY,
                            &text,
                        );
                    }
                    let _ = decode_answer::<types::AccessToken>("op", None, StatusCode::OK, &text);
                });
                assert!(
                    read.is_ok(),
                    "decode_answer panicked at {} round {round}: {}",
                    example.location,
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
    println!(
        "{} examples x {ROUNDS} mutations: {decoded} decoded and re-encoded to a fixed point, {refused} refused, 0 panics",
        examples.len()
    );
    // The mutations are small: many leave a value the type still takes.
    assert!(decoded > examples.len() * ROUNDS / 10, "{decoded}");
    assert!(refused > examples.len() * ROUNDS / 10, "{refused}");
}

/// A small deterministic generator (xorshift64), enough to pick mutations.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Values a server could put anywhere.
fn odd_value(rng: &mut XorShift) -> Value {
    const NUMBERS: [&str; 6] = [
        "1e400",
        "-1e-400",
        "18446744073709551616",
        "-9223372036854775809",
        "79228162514264337593543950336",
        "0.0000000000000000000000000000001",
    ];
    match rng.below(14) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => serde_json::from_str(NUMBERS[rng.below(NUMBERS.len())]).expect("a JSON number"),
        5 => json!(""),
        6 => json!("12.50"),
        7 => json!("DEFAULT"),
        8 => json!("\u{0}\u{feff}₹\u{1F600}\"\\"),
        9 => json!("x".repeat(5_000)),
        10 => json!([]),
        11 => json!({}),
        12 => json!({"payload": null, "code": "1"}),
        // Deeper than the JSON reader's limit of 128.
        _ => (0..200).fold(json!(1), |inner, _| Value::Array(vec![inner])),
    }
}

/// One of `map`'s keys, chosen by `rng`.
fn any_key(map: &serde_json::Map<String, Value>, rng: &mut XorShift) -> String {
    map.keys()
        .nth(rng.below(map.len()))
        .cloned()
        .unwrap_or_default()
}

/// One to three changes at places chosen in `value`.
fn mutate(value: &mut Value, rng: &mut XorShift) {
    for _ in 0..=rng.below(3) {
        let mut places = Vec::new();
        paths(value, &mut Vec::new(), &mut places);
        let path = places.swap_remove(rng.below(places.len()));
        let Some(node) = at(value, &path) else {
            continue;
        };
        match (rng.below(4), node) {
            (0, Value::Object(map)) if !map.is_empty() => {
                let key = any_key(map, rng);
                map.remove(&key);
            }
            (1, Value::Object(map)) if !map.is_empty() => {
                let key = any_key(map, rng);
                if let Some(moved) = map.remove(&key) {
                    map.insert(format!("{key}_"), moved);
                }
            }
            (2, Value::Array(items)) => items.push(odd_value(rng)),
            (_, node) => *node = odd_value(rng),
        }
    }
}

/// Every node's path of keys and indices, the root's empty.
fn paths(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(Step::Key(k.clone()));
                paths(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(Step::Index(i));
                paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter()
        .try_fold(value, |node, step| match (step, node) {
            (Step::Key(k), Value::Object(map)) => map.get_mut(k),
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        })
}

/// The text of an answer as a network can spoil it: cut short, a byte changed, or whole.
fn damage(mut text: Vec<u8>, rng: &mut XorShift) -> Vec<u8> {
    match rng.below(3) {
        0 => text.truncate(rng.below(text.len() + 1)),
        1 if !text.is_empty() => {
            let i = rng.below(text.len());
            text[i] = rng.below(256) as u8;
        }
        _ => {}
    }
    text
}
