#!/usr/bin/env bash
# Installs cargo-semver-checks, pinned, into tools/cargo (git-ignored), for the change
# report's second opinion (scripts/semver-check.sh and tests/it/change_report.rs).
# Idempotent: nothing happens when the pinned version is already there. It compiles from
# crates.io with the crate's own lock file (--locked); the first install takes minutes.
set -euo pipefail

version="0.51.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/tools/cargo/bin/cargo-semver-checks"

if [ -x "$bin" ] && "$bin" semver-checks --version 2>/dev/null | grep -q " $version\$"; then
    echo "cargo-semver-checks $version is installed ($bin)"
    exit 0
fi
# Its release profile asks for fat LTO and one codegen unit, which a 2-core machine pays for
# in build time (452 s in a CI run, 365 s without them), for a tool that mostly waits on
# rustdoc.
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --quiet --locked --version "$version" --root "$root/tools/cargo" cargo-semver-checks \
    || { echo "error: could not install cargo-semver-checks $version from crates.io" >&2; exit 1; }
"$bin" semver-checks --version
