#!/usr/bin/env bash
# Installs cargo-semver-checks, pinned, for the change report's second opinion
# (scripts/semver-check.sh and tests/it/change_report.rs): built once per machine into the
# tool cache (scripts/tool-cache.sh) and linked as tools/cargo (git-ignored). Idempotent:
# nothing is built when the pinned version is in the cache. It compiles from crates.io with
# the crate's own lock file (--locked); the first install takes minutes.
set -euo pipefail

version="0.51.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tool-cache.sh
source "$root/scripts/tool-cache.sh"

install_semver_checks() {
    echo "building cargo-semver-checks $version into $1 (once per machine)"
    # Its release profile asks for fat LTO and one codegen unit, which a 2-core machine pays
    # for in build time (452 s in a CI run, 365 s without them), for a tool that mostly waits
    # on rustdoc. Its own target folder, inside the entry, goes when the install is done.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_TARGET_DIR="$1/build" \
        cargo install --quiet --locked --version "$version" --root "$1" cargo-semver-checks \
        || { echo "error: could not install cargo-semver-checks $version from crates.io" >&2; return 1; }
    rm -rf "$1/build"
}

dir="$(cache_entry "cargo-semver-checks-$version" install_semver_checks)"
link_tool "$root/tools/cargo" "$dir"
bin="$root/tools/cargo/bin/cargo-semver-checks"
"$bin" semver-checks --version | grep -q " $version\$" \
    || { echo "error: $bin is not cargo-semver-checks $version" >&2; exit 1; }
echo "cargo-semver-checks $version: $bin -> $dir"
