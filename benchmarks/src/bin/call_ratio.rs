//! One loopback call (Get Balance), the client against the same request hand-written, in
//! interleaved rounds: each round times a batch of calls each way, taking turns at going
//! first, and the ratio is the median of the rounds' ratios. A drift in the machine's speed
//! then falls on both sides of each ratio, where back-to-back criterion runs can put it on
//! one: those moved this ratio by ±7% between runs.
//!
//!   call_ratio          measure; prints a Markdown table row for BENCHMARKS.md
//!   call_ratio --test   one short round, as CI runs it

use std::time::Instant;

use enkash_rewards_benchmarks::{BalanceCalls, interleaved_rows};

const ROUNDS: usize = 31;
const CALLS: u32 = 1000;

fn main() {
    let test = std::env::args().nth(1).as_deref() == Some("--test");
    let (rounds, calls) = if test { (1, 5) } else { (ROUNDS, CALLS) };
    let bench = BalanceCalls::default();
    let batch = |side: usize| {
        let started = Instant::now();
        for _ in 0..calls {
            match side {
                0 => bench.client(),
                _ => bench.hand_written(true),
            }
        }
        started.elapsed() / calls
    };
    // Its warm-up opens both connections and puts both code paths in cache.
    let what = format!(
        "one Get Balance call on loopback, one thread, {rounds} interleaved rounds of {calls} calls"
    );
    println!(
        "{}",
        interleaved_rows(&what, &["hand-written reqwest"], rounds, batch)
    );
}
