//! Decoding the documented reward-card answer, the client against a hand-written serde
//! struct, in interleaved rounds: each round times a batch of decodes each way, taking
//! turns at going first, and the ratio is the median of the rounds' ratios. The criterion
//! rows run each side for seconds, one after the other; between two runs their ratio moved
//! from 1.25× to 0.97× with the hand-written side alone (4.8 µs, then 6.2 µs).
//!
//! The hand-written struct reads amounts as `f64`, as such code usually does; the second
//! row holds it with its amounts read exactly (`RawValue` text to `Decimal`), as the
//! client reads them: the like-for-like cost of the rest of decoding. Both declare the 72
//! members the answer sends; the third row's struct declares all 94 the spec documents,
//! as the client's type does, amounts exact.
//!
//!   decode_ratio          measure; prints Markdown table rows for BENCHMARKS.md
//!   decode_ratio --test   one short round, as CI runs it

use std::time::Instant;

use enkash_rewards::decode::decode_answer;
use enkash_rewards::request::Envelope;
use enkash_rewards::types::RewardCard;
use enkash_rewards_benchmarks::hand_written::{
    DocumentedRewardCard, Envelope as HandEnvelope, ExactAmount, RewardCard as HandCard,
};
use enkash_rewards_benchmarks::{interleaved_rows, reward_card_answer};

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
                1 => drop(std::hint::black_box(
                    serde_json::from_slice::<HandEnvelope<HandCard>>(body).expect("decodes"),
                )),
                2 => drop(std::hint::black_box(
                    serde_json::from_slice::<HandEnvelope<HandCard<ExactAmount>>>(body)
                        .expect("decodes"),
                )),
                _ => drop(std::hint::black_box(
                    serde_json::from_slice::<HandEnvelope<DocumentedRewardCard>>(body)
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
        interleaved_rows(
            &what,
            &[
                "hand-written struct",
                "hand-written struct, exact amounts",
                "hand-written struct, exact amounts, every documented member",
            ],
            rounds,
            batch
        )
    );
}
