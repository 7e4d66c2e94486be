//! The generator on the world's specs: every public OpenAPI 3.0 description in
//! `tests/corpus/` (copies, with their sources and licences in its README) is generated
//! (partially, should a spec not listed in `FULL` need it) and the output is checked by
//! clippy, each as a crate with the runtime and a test target holding the usage examples
//! of its docs, in one scratch workspace that shares its target folder, then documented.
//! Prints a table (spec, operations generated and left out, warnings, generation time,
//! lines, compiles) and fails on a panic, on output that does not compile, on a compiler,
//! clippy or rustdoc warning about it, or when a spec listed in `FULL` leaves an operation
//! out.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use enkash_rewards_generator::generate_partial;
use enkash_rewards_tests::corpus_dir;
use enkash_rewards_tests::crates::{
    scratch_cargo, usage_examples, write_crate, write_if_changed, write_workspace,
};

/// Specs that generate in full today: leaving out an operation of one is a regression.
const FULL: &[&str] = &[
    "box.json",
    "oai-api-with-examples.yaml",
    "oai-callback-example.yaml",
    "oai-link-example.yaml",
    "oai-petstore-expanded.yaml",
    "oai-petstore.yaml",
    "oai-uspto.yaml",
    "progenitor-buildomat.json",
    "progenitor-keeper.json",
    "progenitor-nexus.json",
    "spotify.yaml",
    "stripe.yaml",
    "swagger-petstore3.yaml",
    "twilio-api-v2010.json",
];

struct Row {
    spec: String,
    package: String,
    generated: usize,
    skipped: usize,
    warnings: usize,
    millis: u128,
    lines: usize,
}

#[test]
fn world_specs_generate_and_compile() {
    let dir = corpus_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut specs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 14, "the corpus has {} specs", specs.len());

    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(spec).unwrap();
        let package = format!(
            "corpus_{}",
            name.rsplit_once('.').unwrap().0.replace(['-', '.'], "_")
        );
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| generate_partial(&text));
        let millis = started.elapsed().as_millis();
        let partial = match outcome {
            Err(_) => {
                failures.push(format!("{name}: the generator panicked"));
                continue;
            }
            Ok(Err(d)) => {
                failures.push(format!("{name}: nothing generated: {d}"));
                continue;
            }
            Ok(Ok(partial)) => partial,
        };
        if FULL.contains(&name.as_str()) && !partial.skipped.operations.is_empty() {
            failures.push(format!(
                "{name} generated in full before; now it leaves out {:?}:\n{}",
                partial.skipped.operations, partial.skipped.warnings
            ));
        }
        if let Some(w) = partial
            .skipped
            .warnings
            .iter()
            .find(|w| !w.pointer.starts_with('#'))
        {
            failures.push(format!("{name}: a warning without a pointer: {w}"));
        }
        let dir = scratch.join("crates").join(&package);
        write_crate(&dir, &package, None, &partial.files);
        // The usage examples of the crate's docs, as a test target that is only checked.
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        write_if_changed(
            &dir.join("Cargo.toml"),
            &format!("{manifest}\n\n[[test]]\nname = \"usage\"\npath = \"usage_test.rs\"\n"),
        );
        write_if_changed(
            &dir.join("usage_test.rs"),
            &usage_examples(&package, &partial.files),
        );
        rows.push(Row {
            spec: name,
            package,
            generated: partial.operations,
            skipped: partial.skipped.operations.len(),
            warnings: partial.skipped.warnings.len(),
            millis,
            lines: partial
                .files
                .iter()
                .map(|f| f.contents.lines().count())
                .sum(),
        });
    }
    // Crates of specs no longer in the corpus would be built too.
    if let Ok(old) = fs::read_dir(scratch.join("crates")) {
        for entry in old.filter_map(Result::ok) {
            if !rows
                .iter()
                .any(|r| *r.package == *entry.file_name().to_string_lossy())
            {
                fs::remove_dir_all(entry.path()).unwrap();
            }
        }
    }
    write_workspace(&scratch, "[\"crates/*\"]");
    write_if_changed(&scratch.join(".gitignore"), "*\n");

    let started = Instant::now();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let (success, stderr) = check(tmp, &scratch);
    let check_time = started.elapsed();
    let mut table = format!(
        "{:<28} {:>6} {:>6} {:>8} {:>8} {:>8}  compiles\n",
        "spec", "ops", "left", "warnings", "gen ms", "lines"
    );
    for r in &rows {
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("crates/{}/", r.package)) && l.contains("error"))
            .collect();
        let compiles =
            errors.is_empty() && !stderr.contains(&format!("could not compile `{}`", r.package));
        if !compiles {
            failures.push(format!(
                "{}: the generated code does not compile:\n{}",
                r.spec,
                errors
                    .iter()
                    .take(20)
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        table.push_str(&format!(
            "{:<28} {:>6} {:>6} {:>8} {:>8} {:>8}  {}\n",
            r.spec,
            r.generated,
            r.skipped,
            r.warnings,
            r.millis,
            r.lines,
            if compiles { "yes" } else { "NO" }
        ));
    }
    println!("{table}clippy (cargo check for {UNLINTED}) of all: {check_time:.1?}");
    // Warnings the generated code gives in a consumer's workspace: rustc's (a use of a
    // deprecated item, say) and clippy's (a list item's unindented next line).
    failures.extend(
        stderr
            .lines()
            .filter(|l| l.starts_with("crates/") && l.contains("/src/generated/"))
            .filter(|l| l.contains(" warning: "))
            .map(|l| format!("warning in generated code: {l}")),
    );
    if !success && failures.is_empty() {
        failures.push(format!("cargo check or clippy failed:\n{stderr}"));
    }
    if failures.is_empty() {
        failures.extend(document(tmp, &scratch));
    }
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n\n"));
}

/// The crate clippy leaves out: Stripe's lints take over a minute beyond its check (its
/// code comes from the same emitters as the rest), so it is only checked.
const UNLINTED: &str = "corpus_stripe";

/// Clippy on every crate but [`UNLINTED`], then `cargo check` on that one, both on the
/// library and the usage examples' test, with the `testing` feature (its generated
/// stand-in server is code a consumer's tests build): whether both passed, and their
/// messages.
fn check(tmp: &Path, scratch: &Path) -> (bool, String) {
    let mut success = true;
    let mut stderr = String::new();
    for args in [
        &["clippy", "--workspace", "--exclude", UNLINTED][..],
        &["check", "--package", UNLINTED],
    ] {
        let args = [args, &["--lib", "--test", "usage"]].concat();
        let output = scratch_cargo(tmp, scratch, &args)
            .args(["--features", "testing", "--message-format=short"])
            .output()
            .expect("cargo runs");
        success &= output.status.success();
        stderr.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    (success, stderr)
}

/// rustdoc on every crate: a warning about a generated file (a spec's prose read as a broken
/// link or unclosed HTML, say) is a generator bug, as it is in our own client's docs. (The
/// crates' `lib.rs` is the test's copy of our client's and speaks of its flows.) With the
/// `testing` feature, as docs.rs builds them. Only the messages are read, so the pages go
/// once written ([`remove_pages`]).
fn document(tmp: &Path, scratch: &Path) -> Vec<String> {
    let started = Instant::now();
    let output = scratch_cargo(tmp, scratch, &["doc", "--workspace", "--lib", "--no-deps"])
        .args(["--features", "testing", "--message-format=short"])
        .output()
        .expect("cargo runs");
    println!("cargo doc of all: {:.1?}", started.elapsed());
    remove_pages(&tmp.join("scratch-target/doc"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failures: Vec<String> = stderr
        .lines()
        .filter(|line| line.starts_with("crates/") && line.contains("/src/generated/"))
        .map(|line| format!("rustdoc: {line}"))
        .collect();
    if !output.status.success() {
        failures.push(format!("cargo doc failed:\n{stderr}"));
    }
    failures
}

/// Removes the HTML pages rustdoc wrote into `doc` (the scratch target's `doc/`), keeping
/// the rustdoc JSON files other tests write there. The corpus's pages come to 0.8 GB
/// (Stripe's alone 430 MB), and CI's disk use peaks while the tests run.
fn remove_pages(doc: &Path) {
    let Ok(entries) = fs::read_dir(doc) else {
        return;
    };
    for entry in entries.map(|e| e.expect("a doc folder entry")) {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json") {
            continue;
        }
        let removed = if entry.file_type().expect("its type").is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        match removed {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                panic!("removing {}: {e}", path.display())
            }
            _ => {}
        }
    }
}
