//! The codegen task as a plain function, so a test can run it too.

use std::fs;
use std::path::{Path, PathBuf};

use enkash_rewards_generator::{Destination, Diagnostics, generate, generate_partial};

/// The embedded spec, relative to the workspace root.
pub const SPEC: &str = "spec/enkash-rewards.yaml";
/// Where the client's generated files live, relative to the workspace root.
pub const OUT_DIR: &str = "generated-client/src/generated";
/// Where generated test support lives, relative to the workspace root (never published).
pub const TESTS_OUT_DIR: &str = "tests/src/generated";

pub struct Report {
    pub files: usize,
    pub lines: usize,
    /// What partial generation left out (always empty with `strict`).
    pub warnings: Diagnostics,
    pub skipped_operations: usize,
    /// Files that differ from (with `check`) or were rewritten to match the spec.
    pub stale: Vec<PathBuf>,
}

pub enum Failure {
    Spec(Diagnostics),
    Io(String),
}

/// Generates from `spec` into the workspace at `root`: client files under [`OUT_DIR`],
/// test support under [`TESTS_OUT_DIR`]. With `check`, writes nothing and lists what
/// differs. `.rs` files in those folders that the generator no longer produces count as
/// stale and are removed.
///
/// With `strict`, any problem in the spec is an error; otherwise operations and types with
/// problems are left out (listed in the report's warnings) and the rest is generated.
pub fn run(spec: &Path, root: &Path, check: bool, strict: bool) -> Result<Report, Failure> {
    let text = fs::read_to_string(spec)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", spec.display())))?;
    let (files, warnings, skipped_operations) = if strict {
        (
            generate(&text).map_err(Failure::Spec)?,
            Diagnostics::default(),
            0,
        )
    } else {
        let partial = generate_partial(&text).map_err(Failure::Spec)?;
        let skipped = partial.skipped.operations.len();
        (partial.files, partial.skipped.warnings, skipped)
    };
    let dir_of = |d: Destination| match d {
        Destination::Client => root.join(OUT_DIR),
        Destination::Tests => root.join(TESTS_OUT_DIR),
    };
    let mut stale = Vec::new();
    for f in &files {
        let dir = dir_of(f.destination);
        let path = dir.join(f.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            stale.push(path.clone());
            if !check {
                fs::create_dir_all(&dir)
                    .map_err(|e| Failure::Io(format!("cannot create {}: {e}", dir.display())))?;
                fs::write(&path, &f.contents)
                    .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
            }
        }
    }
    for destination in [Destination::Client, Destination::Tests] {
        let dir = dir_of(destination);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut leftovers: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| {
                !files
                    .iter()
                    .any(|f| dir_of(f.destination).join(f.path) == *p)
            })
            .collect();
        leftovers.sort();
        for p in leftovers {
            if !check {
                fs::remove_file(&p)
                    .map_err(|e| Failure::Io(format!("cannot remove {}: {e}", p.display())))?;
            }
            stale.push(p);
        }
    }
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    Ok(Report {
        files: files.len(),
        lines,
        warnings,
        skipped_operations,
        stale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Like rust-analyzer's tidy tests: fails, naming each file, when the committed
    /// generated code is not what the committed spec produces.
    #[test]
    fn committed_generated_code_is_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace root");
        let report = match run(&root.join(SPEC), root, true, true) {
            Ok(r) => r,
            Err(Failure::Spec(d)) => panic!("{SPEC}: {d}"),
            Err(Failure::Io(e)) => panic!("{e}"),
        };
        assert!(
            report.stale.is_empty(),
            "stale generated files (run `cargo xtask codegen`): {:?}",
            report.stale
        );
    }
}
