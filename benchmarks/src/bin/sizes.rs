//! Generated lines per operation, ours against progenitor's (both its interfaces), on each
//! spec both handle in full, then the same lines by kind (code, documentation, blank)
//! against progenitor's default output: two Markdown tables for BENCHMARKS.md.

use enkash_rewards_benchmarks::{
    Interface, LineKinds, ours, ours_files, progenitor, progenitor_file, specs,
};
use enkash_rewards_generator::GeneratedFile;

fn main() {
    println!(
        "| spec | operations | ours: lines | progenitor: lines | ours / progenitor | progenitor, builder interface: lines | ours / builder interface | ours per op | progenitor per op |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let specs = specs();
    for (name, text) in &specs {
        let json = name.ends_with(".json");
        let mine = ours(text);
        let theirs = progenitor(text, json, Interface::Positional);
        let builder = progenitor(text, json, Interface::Builder);
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
    println!();
    by_kind(&specs);
}

/// The lines of ours and of progenitor's default output by kind, on the specs both generate.
/// Ours also without `testing.rs`, the test doubles a consumer's tests turn on with a feature
/// (progenitor's output has none).
fn by_kind(specs: &[(String, String)]) {
    println!(
        "| spec | ours: code | docs (examples) | blank | progenitor: code | docs | blank | code: ours / progenitor | code without `testing.rs` | code and docs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, text) in specs {
        let json = name.ends_with(".json");
        let (Some((files, _)), Some(theirs)) = (
            ours_files(text),
            progenitor_file(text, json, Interface::Positional),
        ) else {
            continue;
        };
        let sum = |files: &mut dyn Iterator<Item = &GeneratedFile>| {
            files
                .map(|file| LineKinds::of(&file.contents))
                .fold(LineKinds::default(), |sum, kinds| sum + kinds)
        };
        let mine = sum(&mut files.iter());
        let without_testing = sum(&mut files.iter().filter(|file| file.path != "testing.rs"));
        let theirs = LineKinds::of(&theirs);
        let code = |kinds: LineKinds| kinds.code as f64 / theirs.code as f64;
        let code_and_docs = |kinds: LineKinds| {
            (kinds.code + kinds.docs) as f64 / (theirs.code + theirs.docs) as f64
        };
        println!(
            "| {name} | {} | {} ({}) | {} | {} | {} | {} | {:.2}× | {:.2}× | {:.2}× |",
            mine.code,
            mine.docs,
            mine.examples,
            mine.blank,
            theirs.code,
            theirs.docs,
            theirs.blank,
            code(mine),
            code(without_testing),
            code_and_docs(mine),
        );
    }
}
