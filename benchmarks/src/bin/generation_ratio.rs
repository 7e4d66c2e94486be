//! Generation, ours against progenitor 0.15.1's two interfaces, and the floor formatting
//! alone sets, in interleaved rounds: each round times a batch of generations of each (a
//! batch lasts about 25 ms), rotating which goes first; each ratio is the median of the
//! rounds' ratios. The criterion benchmarks time each for seconds, one after the other, and
//! a drift in this machine's speed between them moved their ratios by up to 40%.
//!
//!   generation_ratio          measure every spec both handle; prints a Markdown table
//!   generation_ratio --test   one round on the smallest spec, as CI runs it

use std::time::{Duration, Instant};

use enkash_rewards_benchmarks::{
    FormattingAlone, Interface, interleaved, median, ours, progenitor, round_ratios, specs,
};

const ROUNDS: usize = 21;
/// About how long one batch runs.
const BATCH: Duration = Duration::from_millis(25);

fn main() {
    let test = std::env::args().nth(1).as_deref() == Some("--test");
    let rounds = if test { 1 } else { ROUNDS };
    println!(
        "| spec | ours | progenitor | ours / progenitor | progenitor, builder interface | ours / builder interface | ours, formatting alone / progenitor |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, text) in specs() {
        if test && name != "oai-uspto.yaml" {
            continue;
        }
        let json = name.ends_with(".json");
        if ours(&text).is_none() || progenitor(&text, json, Interface::Positional).is_none() {
            continue;
        }
        let formatting = FormattingAlone::new(&text).expect("ours generates it");
        let started = Instant::now();
        ours(&text);
        let once = started.elapsed();
        let iterations = if test {
            1
        } else {
            u32::try_from(BATCH.as_nanos() / once.as_nanos().max(1))
                .unwrap_or(u32::MAX)
                .clamp(1, 1000)
        };
        let times = interleaved(rounds, 4, |side| {
            let started = Instant::now();
            for _ in 0..iterations {
                match side {
                    0 => drop(std::hint::black_box(ours(&text))),
                    1 => drop(std::hint::black_box(progenitor(
                        &text,
                        json,
                        Interface::Positional,
                    ))),
                    2 => drop(std::hint::black_box(progenitor(
                        &text,
                        json,
                        Interface::Builder,
                    ))),
                    _ => drop(std::hint::black_box(formatting.run())),
                }
            }
            started.elapsed() / iterations
        });
        let ms = |times: &[Duration]| format!("{:.2} ms", median(times).as_secs_f64() * 1e3);
        let ratio = |ours: &[Duration], theirs: &[Duration]| {
            let (ratio, low, high) = round_ratios(ours, theirs);
            format!("{ratio:.2}× ({low:.2}–{high:.2})")
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            ms(&times[0]),
            ms(&times[1]),
            ratio(&times[0], &times[1]),
            ms(&times[2]),
            ratio(&times[0], &times[2]),
            ratio(&times[3], &times[1]),
        );
    }
}
