#!/usr/bin/env bash
# The benchmarks (benchmarks/, a workspace of its own that consumers never build):
# generation against progenitor 0.15.1, decoding and one loopback call against hand-written
# reqwest + serde_json, all in one run on this machine.
#
#   scripts/bench.sh          measure (about ten minutes) and rewrite BENCHMARKS.md
#   scripts/bench.sh --test   run every benchmark once without timing (unoptimised), as
#                             .ci/run does, so they cannot rot
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="$root/target/benchmarks"
manifest="benchmarks/Cargo.toml"

if [ "${1:-}" = "--test" ]; then
    # The workspace's own target folder: the dependencies the two share at the same
    # versions and features (aws-lc's C build the largest) are then built once. That needs
    # benchmarks/Cargo.lock to pin them as Cargo.lock does: after `cargo update` in one,
    # align the other (`cargo update --manifest-path benchmarks/Cargo.toml -p NAME --precise V`).
    export CARGO_TARGET_DIR="$root/target"
    # Unoptimised: the point is that every benchmark still builds and runs, not its speed,
    # and a cold release build of progenitor, criterion and the client takes CI minutes
    # (437 s for this step in a CI run; 166 s unoptimised, cold, on the same machine).
    # (`cargo bench` also runs the library's unit tests.)
    cargo bench --quiet --profile dev --manifest-path "$manifest" -- --test
    cargo run --quiet --manifest-path "$manifest" --bin sizes > /dev/null
    cargo run --quiet --manifest-path "$manifest" --bin compile_crates -- \
        "$CARGO_TARGET_DIR/compile" --test
    cargo run --quiet --manifest-path "$manifest" --bin call_ratio -- --test
    cargo run --quiet --manifest-path "$manifest" --bin decode_ratio -- --test
    cargo run --quiet --manifest-path "$manifest" --bin generation_ratio -- --test
    cargo run --quiet --manifest-path "$manifest" --bin token_load -- --test
    exit 0
fi
cargo bench --quiet --manifest-path "$manifest"
cargo run --quiet --release --manifest-path "$manifest" --bin sizes > "$CARGO_TARGET_DIR/sizes.md"
# Generation, one call and one decode against the same hand-written code, in interleaved
# rounds (about a minute and a half).
cargo run --quiet --release --manifest-path "$manifest" --bin generation_ratio > "$CARGO_TARGET_DIR/generation_ratio.md"
cargo run --quiet --release --manifest-path "$manifest" --bin call_ratio > "$CARGO_TARGET_DIR/call_ratio.md"
cargo run --quiet --release --manifest-path "$manifest" --bin decode_ratio > "$CARGO_TARGET_DIR/decode_ratio.md"
# The client under load with a managed token: refresh, failing token endpoint, stalled
# server, throughput at 1–256 callers (about a minute and a half: the stalled call waits
# the default 60 s operation timeout).
cargo run --quiet --release --manifest-path "$manifest" --bin token_load > "$CARGO_TARGET_DIR/token_load.md"
# Compile times of the generated crates, ours and progenitor's, and the scale rows (nexus,
# Stripe, GitHub: its spec fetched, pinned, by scripts/github-spec.sh) (several minutes).
github_spec="$(bash scripts/github-spec.sh)"
cargo run --quiet --release --manifest-path "$manifest" --bin compile_crates -- \
    "$CARGO_TARGET_DIR/compile" "$github_spec" > "$CARGO_TARGET_DIR/compile.md"
python3 scripts/bench-report.py "$CARGO_TARGET_DIR" > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
