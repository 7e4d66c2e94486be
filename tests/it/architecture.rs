//! The runtime's shape, checked on its source: modules that depend one way (no import
//! circle), no module that reads generated code, and no function over 80 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use enkash_rewards_tests::workspace_root;

/// Each runtime module's source, without comments and without its `#[cfg(test)]` module.
fn modules() -> BTreeMap<String, String> {
    let dir: PathBuf = workspace_root().join("runtime/src");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("runtime/src") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("source");
        let code = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        out.insert(name, code);
    }
    out
}

/// The modules `code` names: `crate::m::…`, `use crate::m`, and `use crate::{m, …}`.
fn uses(code: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let listed: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|item| item.trim().split("::").next().unwrap_or(""))
                .collect(),
            None => vec![
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or(""),
            ],
        };
        found.extend(
            listed
                .into_iter()
                .filter(|m| names.contains(*m))
                .map(str::to_owned),
        );
    }
    found
}

#[test]
fn runtime_modules_depend_one_way() {
    let modules = modules();
    let names: BTreeSet<String> = modules.keys().filter(|m| *m != "lib").cloned().collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = modules
        .iter()
        .filter(|(m, _)| *m != "lib")
        .map(|(m, code)| {
            let mut deps = uses(code, &names);
            deps.remove(m);
            (m.as_str(), deps)
        })
        .collect();
    assert!(
        graph["request"].is_empty() || graph["request"].iter().all(|d| d == "form"),
        "the request description is data: {:?}",
        graph["request"]
    );
    // Peel off modules that depend on nothing left; what remains is a circle.
    let mut left = graph.clone();
    let mut order = Vec::new();
    while let Some(leaf) = left
        .iter()
        .find(|(_, deps)| deps.iter().all(|d| !left.contains_key(d.as_str())))
        .map(|(m, _)| *m)
    {
        order.push(leaf);
        left.remove(leaf);
    }
    assert!(left.is_empty(), "import circle among {left:#?}");
    println!("layers, bottom up: {}", order.join(" → "));
}

#[test]
fn the_runtime_never_reads_generated_code() {
    for (module, code) in modules() {
        for generated in [
            "crate::generated",
            "crate::operations",
            "crate::types",
            "enkash_rewards::",
        ] {
            assert!(
                !code.contains(generated),
                "runtime/src/{module}.rs names `{generated}`"
            );
        }
    }
}

#[test]
fn no_runtime_function_is_over_80_lines() {
    let mut long = Vec::new();
    for (module, code) in modules() {
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub async fn ",
                "pub(crate) async fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || line.trim_end().ends_with(';') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            let closing = format!("{}}}", " ".repeat(indent));
            let end = lines[i + 1..]
                .iter()
                .position(|l| l.trim_end() == closing)
                .map_or(lines.len(), |p| i + 1 + p);
            if end - i + 1 > 80 {
                long.push(format!(
                    "runtime/src/{module}.rs: `{}` is {} lines",
                    trimmed.split('(').next().unwrap_or(trimmed),
                    end - i + 1
                ));
            }
        }
    }
    assert!(long.is_empty(), "{long:#?}");
}
