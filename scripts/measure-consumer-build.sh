#!/usr/bin/env bash
# Cold build of a fresh consumer crate that depends on enkash-rewards, as a consumer's CI
# would see it: a new target directory (crate sources already downloaded), `cargo build`.
# Prints the number of crates compiled and the wall time.
#
#   scripts/measure-consumer-build.sh            # the working tree
#   scripts/measure-consumer-build.sh REV        # the crate as of a git revision
#   ENKASH_DEP='default-features = false, features = ["rustls-ring"]' scripts/measure-consumer-build.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
    git -C "$root" worktree add --detach "$work/tree" "$1" >/dev/null 2>&1
    source_tree="$work/tree"
else
    source_tree="$root"
fi

mkdir -p "$work/app/src"
cat >"$work/app/Cargo.toml" <<TOML
[package]
name = "fresh-consumer"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
enkash-rewards = { path = "$source_tree/generated-client"${ENKASH_DEP:+, $ENKASH_DEP} }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
TOML
cat >"$work/app/src/main.rs" <<'RS'
#[tokio::main]
async fn main() {
    let client = enkash_rewards::Client::builder().base_url("https://pay-uat.enkash.in").bearer_token("t").build();
    println!("{}", client.is_ok());
}
RS
# The same versions as the crate's own lock file, so both sides build the same releases.
cp "$source_tree/Cargo.lock" "$work/app/Cargo.lock"
cd "$work/app"
cargo fetch --quiet
start=$(date +%s.%N)
cargo build --offline --message-format=short 2>"$work/build.log"
end=$(date +%s.%N)
compiled=$(grep -c '^ *Compiling ' "$work/build.log" || true)
printf 'crates compiled: %s\nwall time: %.1f s\n' "$compiled" "$(echo "$end - $start" | bc)"
