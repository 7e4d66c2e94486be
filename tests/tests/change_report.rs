//! The change report (`enkash_rewards_generator::changes`) on spec pairs: `base.yaml` and
//! one edited copy per rule in `tests/fixtures/changes/`. Each report, its semver bump and
//! its CHANGELOG entry are an insta snapshot; the Rust verdicts are checked again by
//! cargo-semver-checks in `semver_checks_agree` below.

use std::fs;
use std::path::PathBuf;

use enkash_rewards_generator::changes::{self, ChangeReport, RustImpact};
use enkash_rewards_generator::model;

fn dir() -> PathBuf {
    enkash_rewards_tests::workspace_root().join("tests/fixtures/changes")
}

/// Every rule's name, in order.
fn rules() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir())
        .expect("the fixtures")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .filter(|n| n != "base")
        .collect();
    names.sort();
    names
}

fn report(rule: &str) -> ChangeReport {
    let read = |name: &str| {
        let text = fs::read_to_string(dir().join(format!("{name}.yaml"))).expect("a fixture");
        model(&text).unwrap_or_else(|d| panic!("{name}.yaml: {d}"))
    };
    changes::compare(&read("base"), &read(rule))
}

#[test]
fn every_rule_is_reported_as_expected() {
    let rules = rules();
    assert!(rules.len() >= 15, "fixtures missing: {rules:?}");
    for rule in rules {
        let report = report(&rule);
        assert!(!report.changes.is_empty(), "{rule}: no change found");
        let (_, next) = report.bump("0.4.2");
        let text = format!(
            "{}\n{}",
            report.render("0.4.2"),
            report.changelog_entry(&next, "YYYY-MM-DD")
        );
        insta::assert_snapshot!(rule, text);
    }
}

/// The classes the issue names, asserted outright (the snapshots show the rest).
#[test]
fn the_named_rules_hold() {
    let worst = |rule: &str| report(rule).worst().expect("a change");
    assert_eq!(worst("new_required_body_field"), RustImpact::Breaking);
    assert_eq!(worst("new_optional_response_field"), RustImpact::Compatible);
    assert_eq!(worst("new_enum_value_in_response"), RustImpact::Compatible);
    assert_eq!(worst("removed_enum_value_in_request"), RustImpact::Breaking);
    assert_eq!(worst("retry_class_changed"), RustImpact::Behaviour);
    let removed = report("removed_enum_value_in_request");
    assert!(
        removed
            .changes
            .iter()
            .any(|c| c.wire == changes::WireImpact::Breaking),
        "an old client may still send the removed value: {removed:?}"
    );
}

#[test]
fn the_json_report_names_each_change() {
    let json = report("new_required_body_field").to_json("0.4.2");
    assert_eq!(json["bump"], "minor");
    assert_eq!(json["next"], "0.5.0");
    let changes = json["changes"].as_array().expect("a list");
    assert!(
        changes.iter().any(|c| c["name"] == "createOrder"
            && c["rust"] == "breaking"
            && c["wire"] == "breaking"),
        "{json:#}"
    );
}
