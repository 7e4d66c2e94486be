//! `cargo xtask docs check|import` as a maintainer runs it: EnKash's real pages (spec/pages/)
//! agree with the spec, an edit to a page is found at its place and nothing else is, and bad
//! input gets one clear message per page while the other pages are still checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("xtask runs");
    (
        out.status
            .code()
            .expect("xtask exits normally, never by a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn page(name: &str) -> PathBuf {
    root().join("spec/pages").join(name)
}

fn scratch(name: &str, text: &[u8]) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-pages");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch page");
    path.display().to_string()
}

/// (field, kind, class) of every finding, from `--json`.
fn findings(path: &str) -> (i32, BTreeSet<(String, String, String)>) {
    let (code, stdout, stderr) = xtask(&["docs", "check", "--json", path]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let set = stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (s("field"), s("kind"), s("class"))
        })
        .collect();
    (code, set)
}

#[test]
fn the_stored_pages_agree_with_the_spec_and_every_curated_difference_names_its_reason() {
    let (code, stdout, stderr) = xtask(&["docs", "check", "--json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 50, "every page is read: {}", lines.len());
    for f in &lines {
        assert_ne!(f["class"], "drift", "{f}");
        if f["class"] == "curated" {
            assert!(f["reason"].as_str().is_some_and(|r| !r.is_empty()), "{f}");
        }
        for member in [
            "page",
            "operation",
            "field",
            "pointer",
            "kind",
            "class",
            "docs",
            "spec",
        ] {
            assert!(f.get(member).is_some(), "{member} in {f}");
        }
    }
    let (code, text, _) = xtask(&["docs", "check"]);
    assert_eq!(code, 0);
    assert!(text.contains("9 page(s): 0 drift"), "{text}");
}

#[test]
fn an_edited_page_is_found_at_its_place_and_nothing_else() {
    let cases = [
        // A field added.
        (
            "002_a8f4087afdfa0abe.txt",
            "userId\nstring\u{c2}\nrequired\n",
            "userId\nstring\u{c2}\nrequired\ncampaignId\nstring\u{c2}\noptional\n",
            "request.body.campaignId",
            "field_only_in_docs",
        ),
        // Made required.
        (
            "004_8a5ff3cb43a5b78c.txt",
            "middleName\nstring\u{c2}\noptional\n",
            "middleName\nstring\u{c2}\nrequired\n",
            "request.body.middleName",
            "required_mismatch",
        ),
        // Retyped.
        (
            "001_83446a90d1c83ce7.txt",
            "amount\ninteger\nrequired\nExample",
            "amount\nnumber\nrequired\nExample",
            "request.body.amount",
            "type_mismatch",
        ),
        // A request example's value changed.
        (
            "002_a8f4087afdfa0abe.txt",
            "\"event\": \"REFERRAL_EVENT\",\n",
            "\"event\": \"SIGNUP_EVENT\",\n",
            "request.example.event",
            "example_mismatch",
        ),
        // An answer's example value changed.
        (
            "9820863__docs.enkash.com-apidoc__1.txt",
            "\"expires_in\": 86399",
            "\"expires_in\": 3599",
            "response.200.example.expires_in",
            "example_mismatch",
        ),
        // A header added.
        (
            "002_a8f4087afdfa0abe.txt",
            "Body Params application/json\n",
            "X-Request-Id\nstring\nrequired\nBody Params application/json\n",
            "request.header.X-Request-Id",
            "header_mismatch",
        ),
        // Deprecated.
        (
            "001_83446a90d1c83ce7.txt",
            "Create Event\nDeveloping\n",
            "Create Event\nDeveloping\nDeprecated\n",
            "deprecated",
            "deprecation_mismatch",
        ),
        // A member of an answer the spec does not have, on the newest layout.
        (
            "9796909__docs.enkash.com-project-616243__1.txt",
            "companyName\nstring\nrequired\n",
            "companyName\nstring\nrequired\nregion\nstring\nrequired\n",
            "response.200.body.payload.region",
            "field_only_in_docs",
        ),
    ];
    for (name, from, to, field, kind) in cases {
        let original = std::fs::read_to_string(page(name)).expect("page");
        assert_eq!(
            original.matches(from).count(),
            1,
            "{name}: {from:?} must be there once"
        );
        let (code, before) = findings(&page(name).display().to_string());
        assert_eq!(code, 0, "{name} as stored");
        let edited = scratch(
            &format!("edited-{field}-{name}"),
            original.replacen(from, to, 1).as_bytes(),
        );
        let (code, after) = findings(&edited);
        assert_eq!(code, 1, "{field}: drift fails the check");
        let new: Vec<_> = after.difference(&before).collect();
        let gone: Vec<_> = before.difference(&after).collect();
        assert_eq!(
            new,
            [&(field.to_owned(), kind.to_owned(), "drift".to_owned())],
            "{name}: {to:?}"
        );
        assert!(gone.is_empty(), "{name}: {gone:?}");
    }
}

#[test]
fn bad_input_gets_one_message_per_page_and_the_others_are_still_checked() {
    let empty = scratch("empty.txt", b"");
    let binary = scratch("binary.txt", &[0x89, b'P', b'N', b'G', 0, 1, 2, 0xff, 0xfe]);
    let letter = scratch(
        "letter.txt",
        b"Dear team,\nplease find the invoice attached.\n",
    );
    let mut two = std::fs::read(page("001_83446a90d1c83ce7.txt")).unwrap();
    two.extend(std::fs::read(page("002_a8f4087afdfa0abe.txt")).unwrap());
    let two = scratch("two-pages.txt", &two);
    let good = page("002_a8f4087afdfa0abe.txt").display().to_string();
    let missing = "no-such-page.txt";
    let (code, stdout, stderr) = xtask(&[
        "docs", "check", &empty, &binary, &good, &letter, &two, missing,
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for (path, message) in [
        (&empty, "the file is empty"),
        (&binary, "not text"),
        (&letter, "no EnKash operation found"),
        (
            &two,
            "two operations in one file (POST /api/v0/enkash-coins/create-coins-config and POST /api/v0/enkash-coins/allocate-coin)",
        ),
        (&missing.to_owned(), "cannot read it"),
    ] {
        // Shown relative to the workspace when inside it.
        let name = Path::new(path.as_str())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let line = stderr
            .lines()
            .find(|l| l.split(": ").next().is_some_and(|p| p.ends_with(&name)))
            .unwrap_or_else(|| panic!("{path}: {stderr}"));
        assert!(line.contains(message), "{line}");
    }
    assert!(
        stdout.contains("\"Allocate Coins\""),
        "the good page is still checked: {stdout}"
    );
    assert!(
        stdout.contains("6 page(s): 0 drift, 0 curated, 0 cosmetic, 0 cannot tell, 5 unreadable"),
        "{stdout}"
    );
}

#[test]
fn a_page_of_another_section_is_drift_and_import_drafts_its_spec() {
    let text = "- Bill Payments\n- Get BillersGET\nGet Billers\nDeveloping\nGET\n/api/v1/bbps/billers\nRequest\nQuery Params\ncategory\nstring\nrequired\nExample:\nELECTRICITY\n\
        Header Params\nauthorization\nstring\nrequired\nResponses\n🟢200Success\napplication/json\nBody\nresponse_code\ninteger\nrequired\npayload\narray[object]\nrequired\n\
        Example\n{\"response_code\": 0, \"payload\": [{\"billerId\": \"B1\", \"fee\": 1.5}]}\n";
    let path = scratch("billers.txt", text.as_bytes());
    let (code, stdout, _) = xtask(&["docs", "check", "--json", &path]);
    assert_eq!(code, 1);
    let f: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (f["field"].as_str(), f["kind"].as_str(), f["class"].as_str()),
        (Some("path"), Some("path_mismatch"), Some("drift"))
    );
    assert_eq!(f["operation"], serde_json::Value::Null);
    assert_eq!(f["docs"], "GET /api/v1/bbps/billers");

    let (code, yaml, stderr) = xtask(&["docs", "import", &path]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "  /api/v1/bbps/billers:\n    get:\n      operationId: getBillers  # guessed: from the title",
        "      x-docs-title: \"Get Billers\"",
        "        - name: category\n          in: query\n          required: true\n          schema:\n            type: string\n          example: \"ELECTRICITY\"",
        "      security:\n        - bearerAuth: []  # guessed",
        "              example: {\"payload\":[{\"billerId\":\"B1\",\"fee\":1.5}],\"response_code\":0}",
        "    GetBillersResponse:\n      type: object\n      required: [response_code, payload]",
    ] {
        assert!(yaml.contains(expected), "{expected}\n---\n{yaml}");
    }
    // What import drafts is a spec fragment a YAML reader takes.
    let parsed: serde_json::Value = serde_yaml::from_str(&yaml).expect("YAML");
    assert!(parsed["paths"]["/api/v1/bbps/billers"]["get"].is_object());

    let (code, _, stderr) = xtask(&[
        "docs",
        "import",
        &page("002_a8f4087afdfa0abe.txt").display().to_string(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("already in the spec (allocateCoins)"),
        "{stderr}"
    );
}
