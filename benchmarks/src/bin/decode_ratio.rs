//! Decoding the documented reward-card answer, the client against a hand-written serde
//! struct, in interleaved rounds: each round times a batch of decodes each way, taking
//! turns at going first, and the ratio is the median of the rounds' ratios. The criterion
//! rows run each side for seconds, one after the other; between two runs their ratio moved
//! from 1.25× to 0.97× with the hand-written side alone (4.8 µs, then 6.2 µs).
//!
//!   decode_ratio          measure; prints a Markdown table row for BENCHMARKS.md
//!   decode_ratio --test   one short round, as CI runs it

use std::time::Instant;

use enkash_rewards::decode::decode_answer;
use enkash_rewards::request::Envelope;
use enkash_rewards::types::RewardCard;
use enkash_rewards_benchmarks::{hand_written, interleaved_row, reward_card_answer};

const ROUNDS: usize = 31;
const DECODES: u32 = 2000;

const CARD: Envelope = Envelope {
    code: &["code"],
    message: &["message"],
    payload: &["payload"],
};

fn main() {
    let test = std::env::args().nth(1).as_deref() == Some("--test");
    let (rounds, decodes) = if test { (1, 5) } else { (ROUNDS, DECODES) };
    let body = reward_card_answer();
    let batch = |side: usize| {
        let started = Instant::now();
        for _ in 0..decodes {
            let body = std::hint::black_box(&body);
            match side {
                0 => drop(std::hint::black_box(
                    decode_answer::<RewardCard>(
                        "createAndAllocatePoints",
                        Some(CARD),
                        reqwest::StatusCode::OK,
                        body,
                    )
                    .expect("decodes"),
                )),
                _ => drop(std::hint::black_box(
                    serde_json::from_slice::<hand_written::Envelope<hand_written::RewardCard>>(
                        body,
                    )
                    .expect("decodes"),
                )),
            }
        }
        started.elapsed() / decodes
    };
    let what =
        format!("decode the reward-card answer, {rounds} interleaved rounds of {decodes} decodes");
    println!(
        "{}",
        interleaved_row(&what, "hand-written struct", rounds, batch)
    );
}
