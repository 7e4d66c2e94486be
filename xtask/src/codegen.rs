//! The codegen task as a plain function, so a test can run it too.

use std::fs;
use std::path::{Path, PathBuf};

use enkash_rewards_generator::{Diagnostics, generate};

/// The embedded spec, relative to the workspace root.
pub const SPEC: &str = "spec/enkash-rewards.yaml";
/// Where generated files live, relative to the workspace root.
pub const OUT_DIR: &str = "generated-client/src/generated";

pub struct Report {
    pub files: usize,
    pub lines: usize,
    /// Files that differ from (with `check`) or were rewritten to match the spec.
    pub stale: Vec<PathBuf>,
}

pub enum Failure {
    Spec(Diagnostics),
    Io(String),
}

/// Generates from `spec` into `out`. With `check`, writes nothing and lists what differs.
/// Files in `out` that the generator no longer produces count as stale and are removed.
pub fn run(spec: &Path, out: &Path, check: bool) -> Result<Report, Failure> {
    let text = fs::read_to_string(spec)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", spec.display())))?;
    let files = generate(&text).map_err(Failure::Spec)?;
    let mut stale = Vec::new();
    for f in &files {
        let path = out.join(f.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            stale.push(path.clone());
            if !check {
                fs::create_dir_all(out)
                    .map_err(|e| Failure::Io(format!("cannot create {}: {e}", out.display())))?;
                fs::write(&path, &f.contents)
                    .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
            }
        }
    }
    if let Ok(entries) = fs::read_dir(out) {
        let mut leftovers: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| !files.iter().any(|f| out.join(f.path) == *p))
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
        let report = match run(&root.join(SPEC), &root.join(OUT_DIR), true) {
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
