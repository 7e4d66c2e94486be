//! Runs the generator over every spec in a directory and reports, per spec, whether it
//! generated or which diagnostics it raised. Never part of a normal run: point it at a
//! corpus with `ENKASH_SPEC_CORPUS=/path/to/specs cargo test -p enkash-rewards-generator
//! --test corpus -- --ignored --nocapture`. It fails only if the generator panics.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

#[test]
#[ignore = "needs ENKASH_SPEC_CORPUS pointing at a directory of specs"]
fn corpus_never_panics() {
    let Ok(dir) = std::env::var("ENKASH_SPEC_CORPUS") else {
        eprintln!("ENKASH_SPEC_CORPUS is not set; nothing to do");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable corpus directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        })
        .collect();
    paths.sort();
    let mut panicked = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("readable spec");
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            enkash_rewards_generator::generate(&text)
        }));
        let took = started.elapsed();
        match result {
            Err(_) => {
                println!("{name}: PANIC ({took:.1?})");
                panicked.push(name);
            }
            Ok(Ok(files)) => {
                let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
                println!("{name}: ok, {lines} lines ({took:.1?})");
            }
            Ok(Err(diags)) => {
                // Group messages by their text with pointers' specifics removed.
                let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
                for d in diags.iter() {
                    let kind: String = d
                        .message
                        .split('`')
                        .enumerate()
                        .map(|(i, s)| if i % 2 == 1 { "`…`" } else { s })
                        .collect();
                    *kinds.entry(kind).or_default() += 1;
                }
                println!("{name}: {} diagnostics ({took:.1?})", diags.len());
                for (kind, n) in kinds {
                    println!("    {n:>5} × {kind}");
                }
                if std::env::var_os("ENKASH_CORPUS_VERBOSE").is_some() {
                    for d in diags.iter() {
                        println!("        {d}");
                    }
                }
            }
        }
    }
    assert!(
        panicked.is_empty(),
        "the generator panicked on: {panicked:?}"
    );
}
