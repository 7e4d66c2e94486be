//! One loopback call (Get Balance), the client against the same request hand-written, in
//! interleaved rounds: each round times a batch of calls each way, taking turns at going
//! first, and the ratio is the median of the rounds' ratios. A drift in the machine's speed
//! then falls on both sides of each ratio, where back-to-back criterion runs can put it on
//! one: those moved this ratio by ±7% between runs.
//!
//!   call_ratio          measure; prints a Markdown table row for BENCHMARKS.md
//!   call_ratio --test   one short round, as CI runs it

use std::time::Instant;

use enkash_rewards_benchmarks::{BalanceCalls, interleaved, median, round_ratios};

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
    // Warm-up: both connections open, both code paths in cache.
    batch(0);
    batch(1);
    let times = interleaved(rounds, 2, batch);
    let (ratio, low, high) = round_ratios(&times[0], &times[1]);
    println!(
        "| one Get Balance call on loopback, one thread, {rounds} interleaved rounds of {calls} \
         calls (vs hand-written reqwest; the rounds' middle half: {low:.2}–{high:.2}×) | {:.1} µs | {:.1} µs | {ratio:.2}× |",
        median(&times[0]).as_secs_f64() * 1e6,
        median(&times[1]).as_secs_f64() * 1e6,
    );
}
