#!/usr/bin/env bash
# A consumer's view of enkash-rewards (consumer/, its own workspace): the package's files, no serde_json
# `arbitrary_precision` in its dependency graph, and its tests (own serde types, exact
# amounts, keyed writes, spawned calls, offline testing support, enum typos) pass.
# Shares target/ with the workspace, so dependencies already built are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

check_features() {
    local what=$1
    shift
    local tree
    tree=$(cargo tree --locked -e features "$@") # fails the script if cargo does
    if grep -q 'arbitrary_precision' <<<"$tree"; then
        echo "error: $what pulls serde_json's arbitrary_precision feature:" >&2
        cargo tree --locked -e features -i serde_json "$@" >&2
        exit 1
    fi
    echo "consumer-check: $what: no arbitrary_precision"
}

# What a consumer downloads carries both licences, the consumer README and the changelog.
packaged=$(cargo package --list --allow-dirty -p enkash-rewards)
for file in LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md; do
    grep -qx "$file" <<<"$packaged" || { echo "error: the package lacks $file" >&2; exit 1; }
done
echo "consumer-check: the package carries LICENSE-MIT, LICENSE-APACHE, README.md, CHANGELOG.md"
packaged=$(cargo package --list --allow-dirty -p enkash-rewards-runtime)
for file in LICENSE-MIT LICENSE-APACHE README.md; do
    grep -qx "$file" <<<"$packaged" || { echo "error: the runtime package lacks $file" >&2; exit 1; }
done
echo "consumer-check: the runtime package carries LICENSE-MIT, LICENSE-APACHE, README.md"

check_features "enkash-rewards" -p enkash-rewards
check_features "consumer/" --manifest-path consumer/Cargo.toml
cargo test --locked --manifest-path consumer/Cargo.toml --target-dir target
cargo fmt --manifest-path consumer/Cargo.toml --check
cargo clippy --locked --manifest-path consumer/Cargo.toml --target-dir target --all-targets -- -D warnings
