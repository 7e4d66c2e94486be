//! `cargo xtask codegen` as a user runs it, on specs that must fail cleanly.

use std::path::Path;
use std::process::Command;

fn xtask(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
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

#[test]
fn a_broken_spec_lists_every_problem_at_its_pointer_and_writes_nothing() {
    let generated =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/generated/types.rs");
    let before = std::fs::read(&generated).ok();
    let (code, _, stderr) = xtask(&[
        "codegen",
        "--strict",
        "--spec",
        "xtask/tests/data/broken.yaml",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for expected in [
        "#/components/schemas/Card/properties/cardStatus: `#/components/schemas/CardStatus` points at nothing",
        "#/components/schemas/Card/properties/owner: external reference `other.yaml#/components/schemas/Owner` is not supported",
        "#/components/schemas/Card/properties/notAnything: `not` schemas are not supported",
        "#/paths/~1cards~1{cardId}/get/parameters/0: cookie parameters are not supported",
        "#/paths/~1cards~1{cardId}/get/parameters: the path has `{cardId}` but no path parameter `cardId`",
        "#/paths/~1uploads/post/requestBody/content: no supported media type",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert!(stderr.contains("the spec has 6 problems"), "{stderr}");
    assert_eq!(
        std::fs::read(&generated).ok(),
        before,
        "a failed run must not touch generated files"
    );
}

/// Without `--strict`, what the spec cannot express is left out with a warning at its
/// pointer. (`--check`: this test must not write the workspace's generated files.)
#[test]
fn without_strict_the_broken_parts_are_left_out_with_warnings() {
    let generated =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/generated/types.rs");
    let before = std::fs::read(&generated).ok();
    let (_, _, stderr) = xtask(&[
        "codegen",
        "--check",
        "--spec",
        "xtask/tests/data/broken.yaml",
    ]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    for expected in [
        "warning: 2 operation(s) left out",
        "#/paths/~1cards~1{cardId}/get: operation `getCard` left out",
        "#/paths/~1uploads/post: operation `upload` left out",
        "#/components/schemas/Card: type `Card` left out",
        "(--strict makes these errors)",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert_eq!(
        std::fs::read(&generated).ok(),
        before,
        "--check writes nothing"
    );
}

#[test]
fn malformed_yaml_is_located_by_line() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("xtask-yaml");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: x, version: '1'\npaths: {}\n",
    )
    .unwrap();
    let (code, _, stderr) = xtask(&["codegen", "--spec", spec.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not valid YAML or JSON (line"), "{stderr}");
}

#[test]
fn structural_errors_are_all_placed_at_their_field() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("xtask-shape");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("shape.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 12\n  /b:\n    post:\n      parameters: [{name: q, in: query, required: maybe}]\n      responses: {}\n",
    )
    .unwrap();
    let (code, _, stderr) = xtask(&["codegen", "--spec", spec.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("#/paths/~1a/get/responses: must be an object"),
        "{stderr}"
    );
    assert!(stderr.contains("#/paths/~1b/post/parameters/0"), "{stderr}");
    assert!(stderr.contains("the spec has 2 problems"), "{stderr}");
}

#[test]
fn other_openapi_versions_are_refused_with_a_reason() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("xtask-version");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("v31.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let (code, _, stderr) = xtask(&["codegen", "--spec", spec.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("#/openapi: version 3.1.0 is not supported"),
        "{stderr}"
    );
}

#[test]
fn check_mode_passes_on_the_committed_output() {
    let (code, stdout, stderr) = xtask(&["codegen", "--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}
