//! Generated lines per operation, ours against progenitor's (both its interfaces), on each
//! spec both handle in full: a Markdown table for BENCHMARKS.md.

use enkash_rewards_benchmarks::{Interface, ours, progenitor, specs};

fn main() {
    println!(
        "| spec | operations | ours: lines | progenitor: lines | ours / progenitor | progenitor, builder interface: lines | ours / builder interface | ours per op | progenitor per op |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, text) in specs() {
        let json = name.ends_with(".json");
        let mine = ours(&text);
        let theirs = progenitor(&text, json, Interface::Positional);
        let builder = progenitor(&text, json, Interface::Builder);
        match (mine, theirs, builder) {
            (Some((lines, ops)), Some(their_lines), Some(builder_lines)) if ops > 0 => println!(
                "| {name} | {ops} | {lines} | {their_lines} | {:.2}× | {builder_lines} | {:.2}× | {} | {} |",
                lines as f64 / their_lines as f64,
                lines as f64 / builder_lines as f64,
                lines / ops,
                their_lines / ops
            ),
            (Some((lines, ops)), _, _) => println!(
                "| {name} | {ops} | {lines} | (progenitor cannot generate it) | | | | {} | |",
                lines / ops.max(1)
            ),
            _ => println!("| {name} | | (ours leaves operations out) | | | | | | |"),
        }
    }
}
