//! `cargo xtask codegen [--check] [--spec PATH] [--base REV] [--json]`: regenerate the
//! client from the spec. `cargo xtask docs check|import`: EnKash's doc pages held against the
//! spec (see `docs/`).
//!
//! Without `--check` it rewrites `generated-client/src/generated/` (and the tests crate's
//! `tests/src/generated/`) from `spec/enkash-rewards.yaml`, then prints the change report:
//! what the spec change since `HEAD` (or `--base REV`) does to the crate's users and on the
//! wire, and the semver bump; the CHANGELOG entry and the JSON report go to
//! `target/change-report/`. With `--check` it writes nothing and fails, naming each stale
//! file, when the committed files differ from what the spec produces.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod changes;
mod codegen;
mod docs;

const USAGE: &str =
    "usage: cargo xtask codegen [--check] [--strict] [--spec PATH] [--base REV] [--json]

  codegen          regenerate generated-client/src/generated/ from spec/enkash-rewards.yaml,
                   then report what the spec change since --base does to the crate's users
  --check          write nothing; exit 1 naming each stale file if the output would change
  --strict         any problem in the spec is an error (by default an operation or type
                   with a problem is left out, with a warning, and the rest generated)
  --spec PATH      generate from another spec (relative to the workspace root)
  --base REV       the git revision to compare the spec with (default HEAD)
  --json           print the change report as JSON instead of text

       cargo xtask docs check [--json] [PAGE...]   EnKash's doc pages held against the spec
       cargo xtask docs import PAGE               a spec fragment drafted from a page";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args = args.iter().map(String::as_str);
    match args.next() {
        Some("codegen") => {}
        Some("docs") => {
            let rest: Vec<&str> = args.collect();
            return docs::main(&workspace_root(), &rest);
        }
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
    let mut strict = false;
    let mut json = false;
    let mut base = "HEAD".to_owned();
    let mut spec = root.join(codegen::SPEC);
    while let Some(arg) = args.next() {
        match arg {
            "--check" => check = true,
            "--strict" => strict = true,
            "--json" => json = true,
            "--base" => match args.next() {
                Some(rev) => base = rev.to_owned(),
                None => {
                    eprintln!("--base needs a git revision\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
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
    let result = codegen::run(&spec, &root, check, strict);
    let elapsed = started.elapsed();
    match result {
        Ok(report) => {
            if !report.warnings.is_empty() {
                eprintln!(
                    "warning: {} operation(s) left out; what the spec cannot express, at its pointer:",
                    report.skipped_operations
                );
                for w in report.warnings.iter() {
                    eprintln!("  {w}");
                }
                eprintln!("(--strict makes these errors)");
            }
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
            let summary = format!(
                "{verb} {} files ({} lines){changed} in {:.0?} from {}",
                report.files,
                report.lines,
                elapsed,
                relative(&spec, &root).display()
            );
            if check {
                println!("{summary}");
                return ExitCode::SUCCESS;
            }
            // The summary goes to stderr with `--json`, so stdout is the JSON alone.
            if json {
                eprintln!("{summary}");
            } else {
                println!("{summary}");
            }
            print_changes(&root, &spec, &base, json)
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

fn print_changes(root: &Path, spec: &Path, base: &str, json: bool) -> ExitCode {
    match changes::report(root, spec, base) {
        Ok(Some(written)) => {
            if json {
                match std::fs::read_to_string(&written.json) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("cannot read {}: {e}", written.json.display()),
                }
            } else {
                println!("\nchanges since {base}:\n{}", written.text);
                if !written.report.changes.is_empty() {
                    println!(
                        "CHANGELOG entry: {} (edit it, then paste it under [Unreleased])",
                        relative(&written.entry, root).display()
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("no change report: the spec is not in git at {base}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("no change report: {message}");
            ExitCode::SUCCESS
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
