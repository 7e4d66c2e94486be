//! Generated code built as a crate of its own: the files the generator wrote for a spec,
//! with the client's thin `lib.rs` (and its `testing` module), depending on the runtime crate
//! (`runtime/`) by path, with a manifest made from the client's. Used by the fixture build (`tests/it/snapshots.rs`) and the
//! cargo-semver-checks comparison (`tests/it/change_report.rs`).

use std::fs;
use std::path::Path;
use std::process::Command;

use enkash_rewards_generator::GeneratedFile;

use crate::workspace_root;

/// Writes the crate `package` into `dir`: the client's `lib.rs` and `testing` module, the
/// generated `files`, and a manifest that is the client's under another name (and `version`,
/// when given), with the runtime crate at its place in this workspace.
pub fn write_crate(dir: &Path, package: &str, version: Option<&str>, files: &[GeneratedFile]) {
    let root = workspace_root();
    copy_client_shell(&root.join("generated-client/src"), &dir.join("src"));
    let runtime = root.join("runtime");
    for f in files {
        write_if_changed(&dir.join("src/generated").join(f.path), &f.contents);
    }
    let manifest: String = fs::read_to_string(root.join("generated-client/Cargo.toml"))
        .expect("the client's manifest")
        .lines()
        .filter(|l| !l.starts_with("readme"))
        .map(|l| match l {
            "name = \"enkash-rewards\"" | "name = \"enkash_rewards\"" => {
                format!("name = \"{package}\"")
            }
            l if l.starts_with("version = ") && version.is_some() => {
                format!("version = \"{}\"", version.unwrap_or_default())
            }
            // The schema index these crates also hold reads with serde_path_to_error.
            l if l.starts_with("enkash-rewards-runtime = ") => format!(
                "{}\nserde_path_to_error.workspace = true",
                l.replace(
                    "\"../runtime\"",
                    &format!("{:?}", runtime.display().to_string())
                )
            ),
            l => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
}

/// A workspace manifest at `dir` with the real workspace's dependency table and `members`,
/// and the real lock file, so nothing new is resolved or downloaded.
pub fn write_workspace(dir: &Path, members: &str) {
    let root = workspace_root();
    let workspace: String = fs::read_to_string(root.join("Cargo.toml"))
        .expect("the workspace manifest")
        .lines()
        .map(|l| {
            if l.starts_with("members") {
                format!("members = {members}")
            } else if l.starts_with("default-members") || l.starts_with("exclude") {
                String::new()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write_if_changed(&dir.join("Cargo.toml"), &workspace);
    if let Ok(lock) = fs::read_to_string(root.join("Cargo.lock")) {
        write_if_changed(&dir.join("Cargo.lock"), &lock);
    }
}

/// Copies the client's hand-written shell: `lib.rs` (the runtime's re-exports) and the
/// `testing` module; not `generated/`, `flows/` (EnKash's own code over EnKash's operations)
/// or EnKash's own tests, and `lib.rs` without the lines about them.
pub fn copy_client_shell(from: &Path, to: &Path) {
    for entry in fs::read_dir(from)
        .expect("the runtime")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "generated" && name != "flows" {
                copy_client_shell(&path, &to.join(&name));
            }
        } else if name == "tests.rs" {
            // EnKash's own facts.
        } else if name == "lib.rs" {
            // The schema index belongs to the tests crate; a generated crate holds it itself.
            let text = fs::read_to_string(&path).expect("lib.rs");
            let lines: Vec<&str> = text.lines().collect();
            let lib: String = lines
                .iter()
                .enumerate()
                .filter(|&(i, line)| {
                    let tests_attribute = *line == "#[cfg(test)]"
                        && lines.get(i + 1).is_some_and(|next| *next == "mod tests;");
                    !line.contains("flows") && *line != "mod tests;" && !tests_attribute
                })
                .map(|(_, line)| format!("{line}\n"))
                .collect();
            // rustdoc follows every type's fields to list the traits it has; on Stripe's
            // client the chain of nested types is longer than the default limit of 128,
            // as the README tells whoever generates a client from such a spec.
            let lib = format!(
                "#![recursion_limit = \"256\"]\n{lib}\n#[doc(hidden)]\n#[rustfmt::skip]\n#[path = \"generated/schema_index.rs\"]\npub mod schema_index;\n"
            );
            write_if_changed(&to.join(&name), &lib);
        } else {
            write_if_changed(
                &to.join(&name),
                &fs::read_to_string(&path).expect("a runtime file"),
            );
        }
    }
}

/// `cargo SUBCOMMAND` in the scratch workspace `workspace` (made by [`write_workspace`]),
/// offline. Every scratch workspace builds into one target folder under `tmp` (the test's
/// `CARGO_TARGET_TMPDIR`), so the dependencies build once for all of them; without debug
/// info, the caller's `RUSTFLAGS` or the crate's default TLS backend (these crates are
/// checked, never connected over TLS, and aws-lc's C build is the largest one there is).
/// Concurrent calls wait for each other on cargo's lock of that folder.
pub fn scratch_cargo(tmp: &Path, workspace: &Path, subcommand: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .args(subcommand)
        .args(["--offline", "--no-default-features", "--color=never"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", tmp.join("scratch-target"))
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    command
}

/// Writes only when the contents differ, so cargo's fingerprints stay fresh.
pub fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("a folder");
        }
        fs::write(path, contents).expect("a file");
    }
}

/// The usage examples (` ```no_run ` blocks) of the generated `files`, as Rust source to
/// compile in a test of the crate `package`: each in a module of its own, where the crate
/// the example names (the spec's crate name) is `package`. rustdoc would compile them as
/// doctests, but a scratch crate's hand-written shell has doctests of its own that name
/// EnKash's flows.
pub fn usage_examples(package: &str, files: &[GeneratedFile]) -> String {
    let mut out = String::new();
    let mut example: Option<Vec<&str>> = None;
    let blocks = files
        .iter()
        .flat_map(|f| f.contents.lines())
        .filter_map(|line| {
            let doc = line.trim_start().strip_prefix("///")?;
            let doc = doc.strip_prefix(' ').unwrap_or(doc);
            match (&mut example, doc) {
                (None, "```no_run") => example = Some(Vec::new()),
                (Some(_), "```") => return example.take(),
                (Some(lines), _) => lines.push(doc),
                (None, _) => {}
            }
            None
        });
    for (n, lines) in blocks.enumerate() {
        // A line rustdoc hides (`# …`) is compiled all the same.
        let code: Vec<&str> = lines
            .iter()
            .map(|l| match *l {
                "#" => "",
                l => l.strip_prefix("# ").unwrap_or(l),
            })
            .collect();
        let named = code
            .iter()
            .find_map(|l| l.split_once("client: ")?.1.split_once("::Client"))
            .map(|(name, _)| name);
        let alias = match named {
            Some(name) if name != package => format!("    use {package} as {name};\n"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "\n#[allow(dead_code)]\nmod usage_{n} {{\n{alias}{}\n}}\n",
            code.iter()
                .map(|l| format!("    {l}").trim_end().to_owned())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    out
}
