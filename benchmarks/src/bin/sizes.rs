//! Generated lines per operation, ours against progenitor's, on each spec both handle in
//! full: a Markdown table for BENCHMARKS.md.

use enkash_rewards_benchmarks::{ours, progenitor, specs};

fn main() {
    println!(
        "| spec | operations | ours: lines | progenitor: lines | ours / progenitor | ours per op | progenitor per op |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, text) in specs() {
        let mine = ours(&text);
        let theirs = progenitor(&text, name.ends_with(".json"));
        match (mine, theirs) {
            (Some((lines, ops)), Some(their_lines)) if ops > 0 => println!(
                "| {name} | {ops} | {lines} | {their_lines} | {:.2}× | {} | {} |",
                lines as f64 / their_lines as f64,
                lines / ops,
                their_lines / ops
            ),
            (Some((lines, ops)), None) => println!(
                "| {name} | {ops} | {lines} | (progenitor cannot generate it) | | {} | |",
                lines / ops.max(1)
            ),
            _ => println!("| {name} | | (ours leaves operations out) | | | | |"),
        }
    }
}
