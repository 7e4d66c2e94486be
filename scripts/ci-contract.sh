#!/usr/bin/env bash
# The "checked by tools we did not write" part of CI, each step timed:
#   1. install the pinned tools (scripts/tools.sh; fails loudly without the registries)
#   2. lint the spec: Redocly CLI + openapi-spec-validator (scripts/lint-spec.sh)
#   3. build the example programs
#   4. contract tests: the generated client and the examples against a Prism mock of the
#      spec (scripts/with-prism.sh cargo test -p enkash-rewards-tests --test contract)
# Extra arguments are passed to that `cargo test` (e.g. `-- --nocapture`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Microseconds since the epoch, from bash's $EPOCHREALTIME (no external tools).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
seconds_since() { local d=$(($(now_us) - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }

step() {
    local name=$1
    shift
    echo "==> $name"
    local start
    start=$(now_us)
    "$@"
    echo "<== $name: $(seconds_since "$start") s"
}

started=$(now_us)
step "tools (pinned npm + PyPI)" bash scripts/tools.sh
step "spec lint (redocly, openapi-spec-validator)" bash scripts/lint-spec.sh
step "examples build" cargo build -p enkash-rewards --examples
step "contract tests against Prism" \
    bash scripts/with-prism.sh cargo test -p enkash-rewards-tests --test contract "$@"
echo "contract checks passed in $(seconds_since "$started") s"
