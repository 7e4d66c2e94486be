//! `cargo xtask codegen [--check] [--spec PATH]`: regenerate the client from the spec.
//!
//! Without `--check` it rewrites `generated-client/src/generated/` (and the tests crate's
//! `tests/src/generated/`) from `spec/enkash-rewards.yaml`. With `--check` it writes nothing and fails, naming each
//! stale file, when the committed files differ from what the spec produces.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod codegen;

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec PATH]

  codegen          regenerate generated-client/src/generated/ from spec/enkash-rewards.yaml
  --check          write nothing; exit 1 naming each stale file if the output would change
  --spec PATH      generate from another spec (relative to the workspace root)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter().map(String::as_str);
    match args.next() {
        Some("codegen") => {}
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown task `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let root = workspace_root();
    let mut check = false;
    let mut spec = root.join(codegen::SPEC);
    while let Some(arg) = args.next() {
        match arg {
            "--check" => check = true,
            "--spec" => match args.next() {
                Some(p) => spec = root.join(p),
                None => {
                    eprintln!("--spec needs a path\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown option `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let started = Instant::now();
    let result = codegen::run(&spec, &root, check);
    let elapsed = started.elapsed();
    match result {
        Ok(report) => {
            if check && !report.stale.is_empty() {
                eprintln!(
                    "generated code is stale; run `cargo xtask codegen` and commit the result:"
                );
                for f in &report.stale {
                    eprintln!("  {}", f.display());
                }
                return ExitCode::FAILURE;
            }
            let verb = if check { "checked" } else { "wrote" };
            let changed = if check {
                String::new()
            } else {
                format!(", {} changed", report.stale.len())
            };
            println!(
                "{verb} {} files ({} lines){changed} in {:.0?} from {}",
                report.files,
                report.lines,
                elapsed,
                relative(&spec, &root).display()
            );
            ExitCode::SUCCESS
        }
        Err(codegen::Failure::Spec(diagnostics)) => {
            eprintln!("{}: {diagnostics}", relative(&spec, &root).display());
            ExitCode::FAILURE
        }
        Err(codegen::Failure::Io(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ sits in the workspace root")
        .to_path_buf()
}

fn relative<'a>(path: &'a Path, root: &Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}
