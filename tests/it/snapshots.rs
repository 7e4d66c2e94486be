//! Snapshot tests of the generator's output, with `insta`.
//!
//! * `real_spec_*`: every generated file for `spec/enkash-rewards.yaml`, so a generator or
//!   spec change shows up as a readable diff in review.
//! * `fixture_*`: one small spec per construct under `tests/fixtures/`, each snapshotted as
//!   its `types.rs` followed by its `operations.rs` (or, for a spec the generator rejects,
//!   the diagnostics a user sees; for `tolerated`, read partially, its warnings first).
//! * `fixtures_compile`: every fixture's output (and that of the small real specs in
//!   `REAL`) built as a crate of its own with the hand-written runtime and linted by
//!   clippy, then each one's examples round-tripped through its generated types, and the
//!   usage examples of its docs compiled.
//!
//! Update snapshots with `INSTA_UPDATE=always cargo test -p enkash-rewards-tests
//! snapshots::` (or `cargo insta review`) and commit `tests/it/snapshots/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use enkash_rewards_generator::{Diagnostics, GeneratedFile, Kind, generate, generate_partial};
use enkash_rewards_tests::crates::{
    scratch_cargo, usage_examples, write_crate, write_if_changed, write_workspace,
};
use enkash_rewards_tests::{corpus_dir, workspace_root};

fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// Small real-world specs (the OpenAPI Initiative's samples, Apache-2.0, copied in
/// `tests/corpus/`) that generate without a diagnostic and whose examples are checked.
const REAL: &[&str] = &[
    "oai-petstore.yaml",
    "oai-petstore-expanded.yaml",
    "oai-uspto.yaml",
];

fn real_specs() -> Vec<PathBuf> {
    REAL.iter().map(|name| corpus_dir().join(name)).collect()
}

/// The fixture specs in `dir`, sorted by name.
fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    specs.sort();
    specs
}

/// The fixture that strict generation refuses and partial generation reads in full, with
/// warnings: what OpenAPI tooling at large reads although OpenAPI does not allow it.
const TOLERATED: &str = "tolerated";

/// A fixture's files: strictly generated, or for [`TOLERATED`] partially, with every
/// warning it gave.
fn fixture_files(spec: &Path, text: &str) -> Result<(Vec<GeneratedFile>, String), Diagnostics> {
    if spec.file_stem().is_some_and(|s| s == TOLERATED) {
        let partial = generate_partial(text)?;
        return Ok((partial.files, partial.skipped.warnings.to_string()));
    }
    generate(text).map(|files| (files, String::new()))
}

/// What a fixture's snapshot shows: its types and operations (after the warnings, if it
/// gave any), or its diagnostics.
fn rendered(spec: &Path) -> String {
    let text = fs::read_to_string(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    match fixture_files(spec, &text) {
        Ok((files, warnings)) => {
            let warnings = if warnings.is_empty() {
                String::new()
            } else {
                format!("// ===== read with warnings =====\n{warnings}")
            };
            let file = |name: &str| {
                &files
                    .iter()
                    .find(|f| f.path == name)
                    .expect("generated file")
                    .contents
            };
            format!(
                "{warnings}// ===== types.rs =====\n{}\n// ===== operations.rs =====\n{}",
                file("types.rs"),
                file("operations.rs")
            )
        }
        Err(diagnostics) => format!("// ===== rejected =====\n{diagnostics}"),
    }
}

fn snapshot_fixture(name: &str) {
    let output = rendered(&fixtures_dir().join(format!("{name}.yaml")));
    insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("fixture", output);
    });
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        /// Every fixture has a snapshot test below, and every test has a fixture.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                snapshot_fixture(stringify!($name));
            }
        )*
    };
}

fixtures!(
    answers,
    object_fields,
    string_enum,
    integer_enum,
    nested_inline,
    arrays,
    maps,
    multipart,
    ref_chains,
    all_of,
    one_of_any_of,
    nullable,
    parameters,
    many_required,
    form_body,
    json_body,
    odd_names,
    hostile_names,
    self_referential_body,
    recursive_union,
    name_collisions,
    recursive,
    raw_bodies_and_lists,
    query_styles,
    deprecated,
    rejected,
    tolerated,
);

#[test]
fn every_fixture_has_a_snapshot_test() {
    let on_disk: Vec<String> = specs_in(&fixtures_dir())
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "add the fixture to `fixtures!(..)` in tests/it/snapshots.rs"
    );
}

/// Every fixture but `rejected` describes supported constructs, so it must generate;
/// [`TOLERATED`] only partially, in full, each warning at its exact place.
#[test]
fn fixtures_other_than_rejected_generate() {
    for spec in specs_in(&fixtures_dir()) {
        let text = fs::read_to_string(&spec).unwrap();
        if spec.file_stem().unwrap() == TOLERATED {
            let refused = generate(&text).expect_err("strict generation refuses it");
            assert!(refused.iter().all(|d| d.kind == Kind::Invalid), "{refused}");
            let partial = generate_partial(&text).expect("partial generation reads it");
            assert!(
                partial.skipped.operations.is_empty(),
                "{:?}",
                partial.skipped
            );
            assert!(partial.skipped.types.is_empty(), "{:?}", partial.skipped);
            assert_eq!(partial.skipped.warnings, refused);
            let at: Vec<&str> = refused.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(
                at,
                [
                    "#/components/schemas/Counter/required",
                    "#/components/schemas/Counter/properties/id/maximum",
                    "#/components/schemas/Counter/properties/id/minimum",
                    "#/components/schemas/Counter/properties/name/maxLength",
                    "#/paths/~1counters/get/parameters",
                    "#/paths/~1counters/get/security/0/api_key",
                ]
            );
            continue;
        }
        match (spec.file_stem().unwrap() == "rejected", generate(&text)) {
            (false, Err(d)) => panic!("{}: {d}", spec.display()),
            (true, Ok(_)) => {
                panic!("rejected.yaml generated: every construct in it should be reported")
            }
            _ => {}
        }
    }
}

#[test]
fn real_spec() {
    let text =
        fs::read_to_string(workspace_root().join("spec/enkash-rewards.yaml")).expect("the spec");
    let files = generate(&text).unwrap_or_else(|d| panic!("{d}"));
    for f in &files {
        let name = f.path.trim_end_matches(".rs");
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("real_spec", f.contents);
        });
    }
}

/// Curation notes are for the spec's maintainers: the spec has dozens, the client's
/// generated files (its public docs) none.
#[test]
fn curation_notes_stay_out_of_the_public_docs() {
    let text =
        fs::read_to_string(workspace_root().join("spec/enkash-rewards.yaml")).expect("the spec");
    assert!(
        text.matches("Curation:").count() > 20,
        "the spec lost its notes?"
    );
    for f in generate(&text).unwrap_or_else(|d| panic!("{d}")) {
        if f.destination == enkash_rewards_generator::Destination::Client {
            assert!(
                !f.contents.contains("Curation"),
                "{} carries a curation note",
                f.path
            );
        }
    }
}

/// Same text in, same bytes out: no hash-map order, clock or environment leaks in.
#[test]
fn output_is_deterministic() {
    let mut specs = specs_in(&fixtures_dir());
    specs.extend(real_specs());
    specs.push(workspace_root().join("spec/enkash-rewards.yaml"));
    for spec in specs {
        let text = fs::read_to_string(&spec).unwrap();
        let first = generate(&text);
        for _ in 0..3 {
            assert_eq!(
                generate(&text),
                first,
                "{} generated differently on a second run",
                spec.display()
            );
        }
    }
}

/// The small real-world specs in `REAL` each generate without a diagnostic.
#[test]
fn real_world_specs_generate() {
    for spec in real_specs() {
        let text = fs::read_to_string(&spec).unwrap();
        if let Err(d) = generate(&text) {
            panic!("{}: {d}", spec.display());
        }
    }
}

/// Builds every fixture's generated code (and each `REAL` spec's) as its
/// own crate, next to a copy of the hand-written runtime in `generated-client/src`, then
/// runs a test in each that round-trips the fixture's examples through its generated
/// types; the test also holds the usage examples of the crate's docs, so they compile.
/// The scratch workspace lives under the target directory and reuses its own build cache,
/// so only the first run compiles the dependencies.
#[test]
fn fixtures_compile() {
    let started = Instant::now();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    let mut specs: Vec<PathBuf> = specs_in(&fixtures_dir());
    specs.extend(real_specs());
    // For a one-off check of other specs: `ENKASH_EXTRA_SPECS=/dir/of/specs`.
    if let Some(dir) = std::env::var_os("ENKASH_EXTRA_SPECS") {
        specs.extend(specs_in(Path::new(&dir)));
    }

    let mut members = Vec::new();
    for spec in &specs {
        let text = fs::read_to_string(spec).unwrap();
        let Ok((files, _)) = fixture_files(spec, &text) else {
            continue;
        };
        let stem = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace(['.', '-'], "_");
        let package = format!("fixture_{stem}");
        let dir = scratch.join("crates").join(&package);
        write_crate(&dir, &package, None, &files);
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let manifest = format!(
            "{manifest}\n\n[dev-dependencies.serde_yaml]\nworkspace = true\n\n[[test]]\nname = \"examples\"\npath = \"examples_test.rs\"\n"
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        let test = format!(
            "#[path = {walker:?}]\nmod walker;\n\n#[test]\nfn examples_round_trip() {{\n    let spec = std::fs::read_to_string({spec:?}).unwrap();\n    let checked = walker::check_examples(&spec, {package}::schema_index::round_trip_at);\n    println!(\"{{checked}} examples checked\");\n}}\n{usage}",
            walker = fixtures_dir().join("support/examples.rs"),
            spec = spec,
            usage = usage_examples(&package, &files),
        );
        write_if_changed(&dir.join("examples_test.rs"), &test);
        members.push(package);
    }
    assert!(
        members.len() >= 10,
        "too few fixtures generated: {members:?}"
    );

    // The workspace manifest: the real one's dependency table, these crates as members.
    write_workspace(&scratch, "[\"crates/*\"]");
    // Crates of fixtures that no longer exist would be built too.
    for entry in fs::read_dir(scratch.join("crates"))
        .unwrap()
        .filter_map(Result::ok)
    {
        if !members
            .iter()
            .any(|m| *m == entry.file_name().to_string_lossy())
        {
            fs::remove_dir_all(entry.path()).unwrap();
        }
    }

    // Clippy on every crate, then build and run each crate's examples test; compiler and
    // clippy warnings in generated code fail the test (the runtime's own are not ours).
    let cargo = |args: &[&str], test_args: &[&str]| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let output = scratch_cargo(tmp, &scratch, args)
            .args([
                "--workspace",
                "--features",
                "testing",
                "--message-format=short",
            ])
            .args(test_args)
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            // Compiler errors and failing round-trips, without the passing crates' noise.
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
            let failures: Vec<&str> = stdout
                .lines()
                .skip_while(|l| !l.starts_with("---- "))
                .take_while(|l| !l.starts_with("stack backtrace") && !l.starts_with("test result"))
                .collect();
            panic!(
                "`cargo {}` failed on the fixture crates:\n{}\n{}",
                args.join(" "),
                errors.join("\n"),
                failures.join("\n")
            );
        }
        (stdout, stderr)
    };
    let in_generated = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| {
                l.contains("src/generated/") && (l.contains("warning") || l.contains("error"))
            })
            .map(str::to_owned)
            .collect()
    };
    let (_, stderr) = cargo(&["clippy", "--lib"], &[]);
    let warnings = in_generated(&stderr);
    assert!(
        warnings.is_empty(),
        "compiler or clippy warnings in generated code:\n{}",
        warnings.join("\n")
    );
    let (stdout, stderr) = cargo(
        &["test", "--no-fail-fast", "--test", "examples"],
        &["--", "--nocapture"],
    );
    let warnings = in_generated(&stderr);
    assert!(
        warnings.is_empty(),
        "warnings in generated code:\n{}",
        warnings.join("\n")
    );
    let checked: usize = stdout
        .lines()
        .filter_map(|l| l.strip_suffix(" examples checked"))
        .map(|n| n.trim().parse::<usize>().unwrap())
        .sum();
    println!(
        "{} fixture crates built, {checked} examples round-tripped, in {:.1?}",
        members.len(),
        started.elapsed()
    );
}
