//! Fuzzing the loader and lowering: real specs, mutated at random (a member removed, a
//! value replaced by one of another type, by `null`, by a number no 64-bit integer holds
//! or by an integer literal beyond 64 bits, by a query style, binary data, a multipart
//! body or an answer that is not JSON, a `$ref` pointed elsewhere or nowhere, a key
//! renamed), fed to the generator strict and partial, as JSON text (and as YAML text
//! where an integer literal beyond 64 bits was put in). Every answer must be files or
//! located diagnostics: 0 panics. A mutated spec that still lowers is compared with its
//! seed by the change report, which must not panic either. A crash found here becomes a fixture in
//! `tests/fixtures/` (a regression test) before it is fixed.
//!
//! `CASES` mutated specs per run (override with `PROPTEST_CASES`); each run starts from
//! proptest's random seed, and a failure prints the seed and the shrunk spec.

use std::panic::{AssertUnwindSafe, catch_unwind};

use enkash_rewards_generator::{changes, generate, generate_partial, model};
use enkash_rewards_tests::{corpus_dir, workspace_root};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

const CASES: u32 = 400;

/// Put in as a string, written out as an integer literal beyond 64 bits.
const BEYOND_64_BITS: &str = "__beyond_64_bits__";

/// The specs mutated: small real ones (the fuzzer's speed is per case) and ours.
fn seeds() -> Vec<Value> {
    let mut paths = vec![workspace_root().join("spec/enkash-rewards.yaml")];
    paths.extend(
        [
            "oai-petstore-expanded.yaml",
            "oai-uspto.yaml",
            "swagger-petstore3.yaml",
            "progenitor-keeper.json",
            "progenitor-buildomat.json",
        ]
        .map(|name| corpus_dir().join(name)),
    );
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("a seed spec");
            serde_yaml::from_str(&text).expect("a seed spec parses")
        })
        .collect()
}

/// Every node's JSON pointer, in document order.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    RenameKey(String),
    PointRefAt(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!(1.8446744073709552e19)),
        Just(json!(-0.5)),
        Just(json!(BEYOND_64_BITS)),
        "[a-z#/_{}~0-9]{0,12}".prop_map(Value::String),
        Just(json!({})),
        Just(json!([])),
        Just(json!({"type": "array"})),
        Just(json!({"$ref": "#/components/schemas/Nope"})),
        Just(
            json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
        ),
        Just(json!({"allOf": [{"type": "string"}, {"type": "object"}]})),
        Just(json!({"type": "object", "required": ["ghost"], "additionalProperties": false})),
        // The constructs of real specs: query styles, binary data, multipart bodies, answers
        // that are not JSON or come in several media types.
        Just(json!("deepObject")),
        Just(json!("pipeDelimited")),
        Just(json!({"type": "string", "format": "binary"})),
        Just(
            json!({"multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"},
                "meta": {"type": "object", "properties": {"a": {"type": "string"}}}
            }}}})
        ),
        Just(json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}})),
        Just(json!({"text/html": {"schema": {"type": "string"}}})),
        Just(json!({
            "application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}}
        })),
        Just(
            json!({"name": "q", "in": "query", "style": "deepObject", "schema": {
                "type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}
            }})
        ),
    ];
    prop_oneof![
        2 => Just(Mutation::Remove),
        3 => value.prop_map(Mutation::Replace),
        1 => "[a-zA-Z_$-]{1,10}".prop_map(Mutation::RenameKey),
        2 => any::<usize>().prop_map(Mutation::PointRefAt),
    ]
}

/// Applies `m` at `pointer` (the root is never removed or renamed).
fn apply(doc: &mut Value, pointer: &str, m: &Mutation, all: &[String]) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    let target = match m {
        Mutation::PointRefAt(i) => {
            let to = &all[i % all.len()];
            if let Some(node) = doc.pointer_mut(pointer) {
                *node = json!({ "$ref": format!("#{to}") });
            }
            return;
        }
        Mutation::Replace(v) => {
            if let Some(node) = doc.pointer_mut(pointer) {
                *node = v.clone();
            }
            return;
        }
        _ => doc.pointer_mut(parent),
    };
    match (target, m) {
        (Some(Value::Object(map)), Mutation::Remove) => {
            map.remove(&key);
        }
        (Some(Value::Array(items)), Mutation::Remove) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        (Some(Value::Object(map)), Mutation::RenameKey(new)) => {
            if let Some(v) = map.remove(&key) {
                map.insert(new.clone(), v);
            }
        }
        _ => {}
    }
}

#[test]
fn mutated_specs_never_panic() {
    let seeds = seeds();
    let all: Vec<Vec<String>> = seeds
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            pointers(s, String::new(), &mut out);
            out
        })
        .collect();
    // Each seed's model, the base a mutated spec's change report is against.
    let bases: Vec<_> = seeds
        .iter()
        .map(|s| model(&serde_json::to_string(s).expect("JSON")).expect("a seed lowers"))
        .collect();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..seeds.len(),
        proptest::collection::vec((any::<usize>(), mutation()), 1..4),
    );
    let started = std::time::Instant::now();
    let compared = std::cell::Cell::new(0);
    runner
        .run(&strategy, |(seed, mutations)| {
            let mut doc = seeds[seed].clone();
            for (at, m) in &mutations {
                let pointers = &all[seed];
                let pointer = &pointers[at % pointers.len()];
                apply(&mut doc, pointer, m, pointers);
            }
            // JSON text, as a `.json` spec would be read; YAML text too where an integer
            // literal beyond 64 bits goes in (JSON readers take it as a float).
            let big = "18446744073709551616000";
            let json = serde_json::to_string(&doc).expect("JSON");
            let mut texts = vec![json.replace(&format!("{BEYOND_64_BITS:?}"), big)];
            if json.contains(BEYOND_64_BITS) {
                let yaml = serde_yaml::to_string(&doc).expect("YAML");
                texts.push(yaml.replace(BEYOND_64_BITS, big));
            }
            for text in &texts {
                let strict = catch_unwind(AssertUnwindSafe(|| generate(text).map(|_| ())));
                prop_assert!(
                    strict.is_ok(),
                    "generate panicked on seed {seed} after {mutations:?}"
                );
                let partial = catch_unwind(AssertUnwindSafe(|| generate_partial(text).map(|_| ())));
                prop_assert!(
                    partial.is_ok(),
                    "generate_partial panicked on seed {seed} after {mutations:?}"
                );
                // A spec that still lowers gets a change report against its seed, as a
                // maintainer's edit would.
                let report = catch_unwind(AssertUnwindSafe(|| {
                    if let Ok(head) = model(text) {
                        compared.set(compared.get() + 1);
                        let report = changes::compare(&bases[seed], &head);
                        let (_, next) = report.bump("0.4.2");
                        let _ = (report.render("0.4.2"), report.to_json("0.4.2"));
                        let _ = report.changelog_entry(&next, "YYYY-MM-DD");
                    }
                }));
                prop_assert!(
                    report.is_ok(),
                    "the change report panicked on seed {seed} after {mutations:?}"
                );
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{cases} mutated specs, 0 panics, in {:.1?}; {} texts lowered and got a change report",
        started.elapsed(),
        compared.get()
    );
}

/// Found by the fuzzer: a part replaced by an integer literal beyond 64 bits made the
/// OpenAPI reader (openapiv3) panic while the loader placed the problem, in a build where
/// serde_json's `arbitrary_precision` is on (as in this crate's). A problem at its place now.
#[test]
fn an_integer_beyond_64_bits_where_an_object_belongs_is_a_problem_not_a_panic() {
    let text = std::fs::read_to_string(workspace_root().join("spec/enkash-rewards.yaml"))
        .expect("the spec");
    let mut doc: Value = serde_yaml::from_str(&text).expect("the spec parses");
    doc["components"] = json!(BEYOND_64_BITS);
    let yaml = serde_yaml::to_string(&doc)
        .expect("YAML")
        .replace(BEYOND_64_BITS, "18446744073709551616000");
    let strict = catch_unwind(AssertUnwindSafe(|| generate(&yaml).map(|_| ())));
    let problems = strict
        .expect("no panic")
        .expect_err("components must be an object");
    assert!(
        problems
            .iter()
            .any(|d| d.pointer.starts_with("#/components")),
        "{problems}"
    );
    let partial = catch_unwind(AssertUnwindSafe(|| generate_partial(&yaml).map(|_| ())));
    assert!(partial.expect("no panic").is_err());
}
