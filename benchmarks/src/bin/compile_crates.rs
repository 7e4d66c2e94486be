//! Compile times of generated code, ours against progenitor's, on specs both generate in
//! full. Each spec's crates (ours, progenitor's with its default positional interface, and
//! with its builder interface) sit in one scratch workspace; each crate is built once, then
//! rebuilt after a touch of its `lib.rs` (`cargo check`, then `cargo build`), the median of
//! five runs taken in turn with the other crates'. Prints Markdown tables for BENCHMARKS.md.
//!
//!   compile_crates SCRATCH_DIR [GITHUB_SPEC]   measure (keeper, buildomat, nexus; the
//!                                              scale rows: nexus, Stripe and, when given,
//!                                              GitHub's spec)
//!   compile_crates SCRATCH_DIR --scale [GITHUB_SPEC]   the scale rows alone
//!   compile_crates SCRATCH_DIR --test           the smallest spec, once, as CI runs it
//!
//! Our crate is what a consumer compiles: the generated client and its thin `lib.rs`, over
//! the runtime crate (`runtime/`, a dependency built once like any other), default features
//! (the test-only schema index and the `testing` stand-in left out). progenitor's is its one
//! file with the dependencies its README names, for each of its two interfaces.
//!
//! For the specs in [`CALLERS`], a calling crate per client (hand-written, in
//! `benchmarks/callers/`, each calling every operation once) is rebuilt the same way, its
//! client prebuilt: what a consumer's own crate pays for each interface. A second table.
//! A third: our crate for [`ONE_OPERATION`] against an empty crate with its dependencies
//! (the runtime crate among them), the fixed part of every rebuild of a generated crate.
//! A fourth, the scale rows: our crate alone for the largest specs ([`SCALE`], and GitHub's
//! when its path is given: `scripts/github-spec.sh` fetches it), which progenitor does not
//! generate: generated lines, generation time, and one `cargo check` after a touch
//! (dependencies built) with its wall time and the peak memory of the largest process it
//! ran (rustc), read by GNU time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use enkash_rewards_benchmarks::{Interface, progenitor_file, root, specs};

// The tests' crate-writing helpers; this binary builds with its own settings, so it does not
// use their `scratch_cargo`.
#[allow(dead_code)]
#[path = "../../../tests/src/crates.rs"]
mod crates;

/// What `crates` calls the repository root.
fn workspace_root() -> PathBuf {
    root()
}

const MEASURED: &[&str] = &[
    "progenitor-keeper.json",
    "progenitor-buildomat.json",
    "progenitor-nexus.json",
];
const SMOKE: &[&str] = &["progenitor-keeper.json"];

/// Hand-written crates calling every operation of a spec: (spec, through ours, through
/// progenitor's).
const CALLERS: &[(&str, &str, &str)] = &[(
    "progenitor-keeper.json",
    include_str!("../../callers/keeper_ours.rs"),
    include_str!("../../callers/keeper_progenitor.rs"),
)];
const RUNS: usize = 5;

/// The largest specs in `tests/corpus/`, for the scale rows (GitHub's is fetched, not kept).
const SCALE: &[&str] = &["progenitor-nexus.json", "stripe.yaml"];

/// The smallest client: one operation answering one object. Its crate, against an empty
/// crate with the same dependencies, is the fixed cost every generated crate carries.
const ONE_OPERATION: &str = r#"{"openapi": "3.0.3", "info": {"title": "One", "version": "1"},
"paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok",
"content": {"application/json": {"schema": {"type": "object",
"properties": {"ok": {"type": "string"}}}}}}}}}}}"#;

/// A dependency set for progenitor's output, as its README lists it, on the reqwest our
/// client uses, TLS included: the README's reqwest has its default features, TLS among
/// them, and ours has the same TLS (`rustls`) by default. Up to 10a9862 progenitor's
/// crates were built without TLS, a smaller dependency graph for cargo to check on every
/// rebuild (about 20 ms of keeper's 0.25 s).
const PROGENITOR_DEPENDENCIES: &str = r#"
[dependencies]
progenitor-client = "=0.15.1"
reqwest = { workspace = true, features = ["json", "query", "stream", "rustls"] }
serde = { workspace = true }
serde_json = { workspace = true }
futures = "0.3"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
uuid = { version = "1", features = ["serde", "v4"] }
regress = "0.10"
base64 = "0.22"
rand = "0.9"
"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let scratch = PathBuf::from(
        args.next()
            .expect("usage: compile_crates SCRATCH_DIR [--test | --scale] [GITHUB_SPEC]"),
    );
    // Absolute: cargo runs in it, and GNU time writes its report there.
    let scratch = std::path::absolute(&scratch).expect("the scratch folder's path");
    let mut next = args.next();
    let test = next.as_deref() == Some("--test");
    let scale_only = next.as_deref() == Some("--scale");
    if scale_only {
        next = args.next();
    }
    let github = next.filter(|_| !test).map(PathBuf::from);
    if scale_only {
        let scale = write_scale(&scratch, github.as_deref());
        let list: Vec<String> = scale
            .iter()
            .map(|row| format!("\"scale/{}\"", row.slug))
            .collect();
        crates::write_workspace(&scratch, &format!("[{}]", list.join(", ")));
        scale_table(&scratch, &scale);
        return;
    }
    // The smoke run only checks: building too would compile every dependency twice.
    let (wanted, runs, commands): (_, _, &[&str]) = if test {
        (SMOKE, 1, &["check"])
    } else {
        (MEASURED, RUNS, &["check", "build"])
    };

    let mut members = Vec::new();
    for (name, text) in specs()
        .into_iter()
        .filter(|(n, _)| wanted.contains(&n.as_str()))
    {
        // Also the crates' library names: no hyphens.
        let slug = name.replace(['.', '-'], "_");
        write_ours(
            &scratch.join(&slug).join("ours"),
            &format!("ours_{slug}"),
            &text,
            test,
        );
        for (which, interface) in [
            ("progenitor", Interface::Positional),
            ("progenitor_builder", Interface::Builder),
        ] {
            let theirs = progenitor_file(&text, name.ends_with(".json"), interface)
                .expect("progenitor generates every measured spec");
            write_progenitor(
                &scratch.join(&slug).join(which),
                &format!("{which}_{slug}"),
                &theirs,
                test,
            );
        }
        let callers = CALLERS.iter().find(|(spec, _, _)| *spec == name);
        if let Some((_, ours, theirs)) = callers {
            write_caller(&scratch.join(&slug), "ours", &slug, ours, "");
            write_caller(
                &scratch.join(&slug),
                "progenitor",
                &slug,
                theirs,
                "chrono = { version = \"0.4\", default-features = false, features = [\"std\"] }\n",
            );
        }
        members.push((name, slug, callers.is_some()));
    }
    write_ours(
        &scratch.join("runtime/ours"),
        "ours_runtime",
        ONE_OPERATION,
        test,
    );
    write_ours(
        &scratch.join("runtime/empty"),
        "empty_runtime",
        ONE_OPERATION,
        test,
    );
    crates::write_if_changed(
        &scratch.join("runtime/empty/src/lib.rs"),
        "//! No code: what cargo and rustc cost for a crate with these dependencies.\n",
    );
    let mut list: Vec<String> = members
        .iter()
        .flat_map(|(_, slug, callers)| {
            let mut crates: Vec<String> = ["ours", "progenitor", "progenitor_builder"]
                .iter()
                .map(|which| format!("\"{slug}/{which}\""))
                .collect();
            if *callers {
                crates.push(format!("\"{slug}/caller_ours\""));
                crates.push(format!("\"{slug}/caller_progenitor\""));
            }
            crates
        })
        .collect();
    list.extend([
        "\"runtime/ours\"".to_owned(),
        "\"runtime/empty\"".to_owned(),
    ]);
    let scale = if test {
        Vec::new()
    } else {
        write_scale(&scratch, github.as_deref())
    };
    list.extend(scale.iter().map(|row| format!("\"scale/{}\"", row.slug)));
    crates::write_workspace(&scratch, &format!("[{}]", list.join(", ")));
    let mut header = "| spec |".to_owned();
    for command in commands {
        header += &format!(
            " `cargo {command}` ours | progenitor | ours / progenitor | progenitor, builder interface | ours / builder interface |"
        );
    }
    println!(
        "{header}\n|---|{}",
        "---:|---:|---:|---:|---:|".repeat(commands.len())
    );
    for (name, slug, _) in &members {
        let crates = ["ours", "progenitor", "progenitor_builder"];
        println!("{}", row(&scratch, name, slug, &crates, commands, runs));
    }
    let mut header = "| spec |".to_owned();
    for command in commands {
        header += &format!(" `cargo {command}` ours | progenitor | ours / progenitor |");
    }
    println!(
        "\nA crate calling every operation once, rebuilt after a touch, its client prebuilt:\n\n{header}\n|---|{}",
        "---:|---:|---:|".repeat(commands.len())
    );
    for (name, slug, _) in members.iter().filter(|(_, _, callers)| *callers) {
        let callers = ["caller_ours", "caller_progenitor"];
        println!("{}", row(&scratch, name, slug, &callers, commands, runs));
    }
    let mut header = "| crate |".to_owned();
    for command in commands {
        header += &format!(" `cargo {command}` | empty crate | the generated crate's share |");
    }
    println!(
        "\nThe fixed cost of a generated crate: ours for a one-operation spec, against a crate \
         with the same dependencies (the runtime crate among them) and no code (cargo's and \
         rustc's own cost):\n\n{header}\n|---|{}",
        "---:|---:|---:|".repeat(commands.len())
    );
    let mut fixed = "| one operation |".to_owned();
    for command in commands {
        let [ours, empty] = rebuilds(&scratch, "runtime", &["ours", "empty"], command, runs)[..]
        else {
            unreachable!("two crates, two times")
        };
        fixed += &format!(
            " {:.2} s | {:.2} s | {:.2} s |",
            ours.as_secs_f64(),
            empty.as_secs_f64(),
            ours.saturating_sub(empty).as_secs_f64()
        );
    }
    println!("{fixed}");
    if !scale.is_empty() {
        scale_table(&scratch, &scale);
    }
}

/// A scale row's spec, as generated and written into `scale/SLUG`.
struct Scale {
    name: String,
    slug: String,
    operations: usize,
    left_out: usize,
    lines: usize,
    generation: Duration,
}

/// Generates each scale spec (timed, once) and writes its crate under `scale/`.
fn write_scale(scratch: &Path, github: Option<&Path>) -> Vec<Scale> {
    let mut specs: Vec<(String, String)> = SCALE
        .iter()
        .map(|name| {
            let path = root().join("tests/corpus").join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            ((*name).to_owned(), text)
        })
        .collect();
    if let Some(path) = github {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        specs.push(("api.github.com.json (@octokit/openapi)".to_owned(), text));
    }
    specs
        .into_iter()
        .map(|(name, text)| {
            let started = Instant::now();
            let partial = enkash_rewards_generator::generate_partial_client(&text)
                .expect("ours generates every scale spec");
            let generation = started.elapsed();
            let slug = name
                .split(['.', ' '])
                .next()
                .unwrap_or("spec")
                .replace('-', "_");
            write_ours(
                &scratch.join("scale").join(&slug),
                &format!("scale_{slug}"),
                &text,
                false,
            );
            Scale {
                lines: partial
                    .files
                    .iter()
                    .map(|f| f.contents.lines().count())
                    .sum(),
                operations: partial.operations,
                left_out: partial.skipped.operations.len(),
                name,
                slug,
                generation,
            }
        })
        .collect()
}

/// The scale rows: each crate checked once to build its dependencies, then once more after
/// a touch, timed, under GNU time for the peak memory.
fn scale_table(scratch: &Path, rows: &[Scale]) {
    println!(
        "\nThe scale rows: our crate for the largest specs (progenitor generates none of them in \
         full), one `cargo check` after a touch of its `lib.rs`, dependencies built:\n\n\
         | spec | operations | generated lines | generation | `cargo check` | peak memory (rustc) |\n\
         |---|---:|---:|---:|---:|---:|"
    );
    for row in rows {
        let package = format!("scale_{}", row.slug);
        cargo(scratch, &["check", "-p", &package, "--quiet"]);
        let lib = scratch.join("scale").join(&row.slug).join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).expect("lib.rs");
        std::fs::write(&lib, text).expect("touch lib.rs");
        let (took, peak) = checked_with_peak(scratch, &package);
        let operations = if row.left_out == 0 {
            row.operations.to_string()
        } else {
            format!("{} ({} left out)", row.operations, row.left_out)
        };
        println!(
            "| {} | {operations} | {} | {:.2} s | {:.1} s | {peak} |",
            row.name,
            row.lines,
            row.generation.as_secs_f64(),
            took.as_secs_f64(),
        );
    }
}

/// `cargo check -p PACKAGE` under GNU time: its wall time, and the largest resident set of
/// the processes it ran, in GB (`n/a` without GNU time).
fn checked_with_peak(scratch: &Path, package: &str) -> (Duration, String) {
    let report = scratch.join("scale/peak.txt");
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO"))
        .args(["check", "-p", package, "--quiet"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("RUSTFLAGS", "-Awarnings")
        .status();
    let took = started.elapsed();
    match status {
        Ok(status) => {
            assert!(status.success(), "cargo check -p {package} failed");
            let kilobytes: f64 = std::fs::read_to_string(&report)
                .ok()
                .and_then(|text| text.trim().lines().last()?.trim().parse().ok())
                .unwrap_or(f64::NAN);
            (took, format!("{:.2} GB", kilobytes / 1e6))
        }
        // No GNU time here: the check alone, timed.
        Err(_) => {
            let started = Instant::now();
            cargo(scratch, &["check", "-p", package, "--quiet"]);
            (started.elapsed(), "n/a".to_owned())
        }
    }
}

/// One table row: each command's median rebuild time of our crate (the first of `crates`)
/// and of each of theirs, with ours / theirs.
fn row(
    scratch: &Path,
    name: &str,
    slug: &str,
    crates: &[&str],
    commands: &[&str],
    runs: usize,
) -> String {
    let mut row = format!("| {name} |");
    for command in commands {
        let times = rebuilds(scratch, slug, crates, command, runs);
        let ours = times[0].as_secs_f64();
        row += &format!(" {ours:.2} s |");
        for theirs in &times[1..] {
            let theirs = theirs.as_secs_f64();
            row += &format!(" {theirs:.2} s | {:.2}× |", ours / theirs);
        }
    }
    row
}

/// A calling crate `caller_WHICH` beside the client crate `WHICH`, depending on it (and on
/// `extra` dependencies).
fn write_caller(dir: &Path, which: &str, slug: &str, code: &str, extra: &str) {
    let dir = dir.join(format!("caller_{which}"));
    crates::write_if_changed(&dir.join("src/lib.rs"), code);
    crates::write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"caller_{which}_{slug}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{which}_{slug} = {{ path = \"../{which}\" }}\n{extra}"
        ),
    );
}

/// Our crate: the client's generated files and thin `lib.rs`, under the client's manifest
/// (the runtime crate a path dependency).
///
/// `smoke` (the CI run, unmeasured): without the default TLS backend, whose C library
/// (aws-lc) is the largest build there is and adds nothing to a check that the crates build.
fn write_ours(dir: &Path, package: &str, text: &str, smoke: bool) {
    let partial =
        enkash_rewards_generator::generate_partial_client(text).expect("ours generates it");
    crates::write_crate(dir, package, None, &partial.files);
    if smoke {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        let manifest = manifest.replace("default = [\"rustls-aws-lc\"]", "default = []");
        crates::write_if_changed(&dir.join("Cargo.toml"), &manifest);
    }
    // `write_crate` adds the test-only schema index to lib.rs; a consumer compiles without it.
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
    let index = lib
        .rfind("\n#[doc(hidden)]\n#[rustfmt::skip]\n#[path = \"generated/schema_index.rs\"]")
        .expect("write_crate adds the schema index last");
    crates::write_if_changed(&dir.join("src/lib.rs"), &lib[..index]);
}

/// progenitor's crate; `smoke` as for [`write_ours`]: without TLS.
fn write_progenitor(dir: &Path, package: &str, code: &str, smoke: bool) {
    crates::write_if_changed(&dir.join("src/lib.rs"), code);
    let dependencies = if smoke {
        let without_tls = PROGENITOR_DEPENDENCIES.replace(", \"rustls\"]", "]");
        assert_ne!(
            without_tls, PROGENITOR_DEPENDENCIES,
            "the TLS feature to leave out"
        );
        without_tls
    } else {
        PROGENITOR_DEPENDENCIES.to_owned()
    };
    crates::write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n{dependencies}"
        ),
    );
}

/// The median times of `cargo COMMAND -p PACKAGE` right after touching its lib.rs, for
/// each crate, their runs taken in turn so that a change in the machine's load falls on
/// all. Each crate's dependencies are built first by the same command (so with its own
/// features: a `--workspace` build would unify them with the other crates').
fn rebuilds(
    scratch: &Path,
    slug: &str,
    crates: &[&str],
    command: &str,
    runs: usize,
) -> Vec<Duration> {
    let package = |which: &str| format!("{which}_{slug}");
    for which in crates {
        cargo(scratch, &[command, "-p", &package(which), "--quiet"]);
    }
    let mut times = vec![Vec::new(); crates.len()];
    for _ in 0..runs {
        for (which, times) in crates.iter().zip(&mut times) {
            let lib = scratch.join(slug).join(which).join("src/lib.rs");
            let text = std::fs::read_to_string(&lib).expect("lib.rs");
            std::fs::write(&lib, text).expect("touch lib.rs");
            let started = Instant::now();
            cargo(scratch, &[command, "-p", &package(which), "--quiet"]);
            times.push(started.elapsed());
        }
    }
    times
        .into_iter()
        .map(|mut times| {
            times.sort();
            times[times.len() / 2]
        })
        .collect()
}

fn cargo(dir: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        // The runtime's helpers that a small spec leaves unused would each warn.
        .env("RUSTFLAGS", "-Awarnings")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "cargo {args:?} failed in {}",
        dir.display()
    );
}
