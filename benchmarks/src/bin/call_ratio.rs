//! One loopback call (Get Balance), the client against the same request hand-written, in
//! interleaved rounds: each round times a batch of calls each way, taking turns at going
//! first, and the ratio is the median of the rounds' ratios. A drift in the machine's speed
//! (other tenants, frequency) then falls on both sides of each ratio, where back-to-back
//! criterion runs can put it on one: those moved this ratio by ±7% between runs.
//!
//!   call_ratio          measure; prints a Markdown table row for BENCHMARKS.md
//!   call_ratio --test   one short round, as CI runs it

use std::time::{Duration, Instant};

use enkash_rewards::{Client, RetryPolicy};
use enkash_rewards_benchmarks::{BALANCE_ANSWER, hand_written_call, loopback};

const ROUNDS: usize = 31;
const CALLS: usize = 1000;

fn main() {
    let test = std::env::args().nth(1).as_deref() == Some("--test");
    let (rounds, calls) = if test { (1, 5) } else { (ROUNDS, CALLS) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let url = runtime.block_on(loopback(BALANCE_ANSWER.to_vec()));
    let client = Client::builder()
        .base_url(&url)
        .bearer_token("bench-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    let http = reqwest::Client::new();
    let target = format!("{url}/api/v0/coins/balance?userId=EK6CYE6K");
    let batch = |ours: bool| -> Duration {
        let started = Instant::now();
        for _ in 0..calls {
            if ours {
                let answer = runtime
                    .block_on(client.get_coin_balance().user_id("EK6CYE6K").send())
                    .expect("answers");
                std::hint::black_box(answer);
            } else {
                std::hint::black_box(runtime.block_on(hand_written_call(&http, &target, true)));
            }
        }
        started.elapsed() / u32::try_from(calls).expect("a small count")
    };
    // Warm-up: both connections open, both code paths in cache.
    batch(true);
    batch(false);
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (client_time, hand_time) = if round % 2 == 0 {
            let client_time = batch(true);
            (client_time, batch(false))
        } else {
            let hand_time = batch(false);
            (batch(true), hand_time)
        };
        ours.push(client_time);
        theirs.push(hand_time);
        ratios.push(client_time.as_secs_f64() / hand_time.as_secs_f64());
    }
    ours.sort();
    theirs.sort();
    ratios.sort_by(f64::total_cmp);
    let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    println!(
        "| one Get Balance call on loopback, one thread, {rounds} interleaved rounds of {calls} \
         calls (vs hand-written reqwest; the rounds' middle half: {:.2}–{:.2}×) | {:.1} µs | {:.1} µs | {:.2}× |",
        quartile(1),
        quartile(3),
        ours[ours.len() / 2].as_secs_f64() * 1e6,
        theirs[theirs.len() / 2].as_secs_f64() * 1e6,
        quartile(2),
    );
}
