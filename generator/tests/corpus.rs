//! Runs the generator over every real-world spec in a directory (by default the public
//! corpus in `../shared/specs` beside the repository, or `ENKASH_SPEC_CORPUS`) and reports,
//! per spec, the lines it generated or the diagnostics it raised, grouped by kind:
//! `cargo test -p enkash-rewards-generator --test corpus -- --nocapture`.
//!
//! It fails if the generator panics on any spec, or if a spec it generates in full today
//! (`GENERATES_IN_FULL`) stops generating: a regression a fixture of our own could miss.
//! Where no corpus is present (a clone without `shared/`) it says so and checks nothing.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Instant;

/// Corpus specs the generator supports end to end; the others use constructs it rejects
/// with located diagnostics (multipart and binary bodies, deepObject query parameters,
/// nested form fields, `required` names that are not properties).
const GENERATES_IN_FULL: &[&str] = &[
    "oai-api-with-examples.yaml",
    "oai-callback-example.yaml",
    "oai-link-example.yaml",
    "oai-petstore-expanded.yaml",
    "oai-petstore.yaml",
    "oai-uspto.yaml",
    "progenitor-keeper.json",
];

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("ENKASH_SPEC_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs"),
    };
    dir.is_dir().then_some(dir)
}

#[test]
fn corpus_never_panics_and_keeps_generating() {
    let Some(dir) = corpus_dir() else {
        eprintln!("no spec corpus (../shared/specs or ENKASH_SPEC_CORPUS); nothing checked");
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
    let mut regressed = Vec::new();
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
                if GENERATES_IN_FULL.contains(&name.as_str()) {
                    regressed.push(format!("{name}: {diags}"));
                }
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
    assert!(
        regressed.is_empty(),
        "specs that generated in full now fail:\n{}",
        regressed.join("\n")
    );
}
