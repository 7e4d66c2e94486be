#!/usr/bin/env python3
"""MSRV check for the published crate: every package in enkash-rewards' dependency graph
(default features, plus `testing`) declares a `rust-version` no newer than the crate's own.

A build with that exact toolchain is the stronger check, but CI machines reach crates.io
only, not the Rust release servers. What this covers: dependencies resolved to versions
that need a newer compiler. What clippy's `incompatible_msrv` lint (on by default, run with
`-D warnings` in CI) covers: standard-library APIs newer than `rust-version`. Language
features are the gap; the CHANGELOG states the MSRV.
"""

import json
import subprocess
import sys


def version_tuple(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    run = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked",
         "--manifest-path", "generated-client/Cargo.toml", "--features", "testing"],
        capture_output=True, text=True, timeout=600,
    )
    if run.returncode != 0:
        print(f"error: cargo metadata failed:\n{run.stderr}", file=sys.stderr)
        sys.exit(1)
    out = run.stdout
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    root = next(p for p in meta["packages"] if p["name"] == "enkash-rewards")
    msrv = version_tuple(root["rust_version"])
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    # Normal (and build) dependencies reachable from the crate: what a consumer compiles.
    seen, todo = set(), [root["id"]]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if kinds & {None, "build"}:
                todo.append(dep["pkg"])
    too_new = []
    for pid in sorted(seen):
        p = packages[pid]
        if p.get("rust_version") and version_tuple(p["rust_version"]) > msrv:
            too_new.append(f"{p['name']} {p['version']} needs Rust {p['rust_version']}")
    if too_new:
        print(f"error: enkash-rewards declares rust-version {root['rust_version']}, but:", file=sys.stderr)
        for line in too_new:
            print(f"  {line}", file=sys.stderr)
        sys.exit(1)
    print(f"msrv: {len(seen)} packages, none needs more than Rust {root['rust_version']}")


if __name__ == "__main__":
    main()
