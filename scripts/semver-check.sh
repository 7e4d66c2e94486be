#!/usr/bin/env bash
# The change report's second opinion on the latest commit: cargo-semver-checks of the
# enkash-rewards crate at HEAD against BASE (default HEAD~1), next to the change report of
# the spec between the same two revisions (`cargo xtask codegen --base BASE --json`).
#
#   scripts/semver-check.sh [BASE]
#
# The two must agree on whether Rust users meet a breaking change. Where they disagree the
# script says which says what. A disagreement fails, except when hand-written code (the
# runtime crate, runtime/, or generated-client/src outside generated/) changed too: a break
# there is real, but a spec report cannot see it, so it is printed for review instead.
# The runtime crate (enkash-rewards-runtime) is judged by cargo-semver-checks too, and its
# verdict printed: its public API reaches consumers through enkash-rewards' re-exports (and
# is judged there); its hidden items are the contract with generated code, released in
# lockstep. Needs scripts/semver-tools.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
base="${1:-HEAD~1}"
tool="$root/tools/cargo/bin/cargo-semver-checks"
[ -x "$tool" ] || { echo "error: $tool is missing: run scripts/semver-tools.sh" >&2; exit 1; }
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    echo "no $base in this clone (shallow?): nothing to compare"
    exit 0
fi

# The report's verdict: any change classed breaking for Rust users.
report="$(cargo run --quiet -p xtask -- codegen --base "$base" --json 2>/dev/null)"
ours="$(python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print("breaking" if any(c["rust"]=="breaking" for c in r["changes"]) else "not breaking")' <<<"$report")"

# cargo-semver-checks' verdict: a patch release must not break (0.x and later alike).
set +e
# Features: `testing` (it adds public API) and no TLS backend. The backends add no public
# item, and by default the tool turns on every feature, which builds aws-lc, ring and
# OpenSSL's bindings twice (baseline and current) for nothing.
theirs_out="$("$tool" semver-checks check-release -p enkash-rewards --baseline-rev "$base" \
    --only-explicit-features --features testing \
    --release-type patch --color never 2>&1)"
status=$?
set -e
theirs="not breaking"
[ "$status" -ne 0 ] && theirs="breaking"
if [ "$status" -ne 0 ] && ! grep -q -- "--- failure" <<<"$theirs_out"; then
    echo "$theirs_out"
    echo "error: cargo-semver-checks failed without a verdict" >&2
    exit 1
fi

echo "change report ($base..HEAD, spec): $ours"
echo "cargo-semver-checks ($base..HEAD, crate): $theirs"
if git cat-file -e "$base:runtime/Cargo.toml" 2>/dev/null && git diff --quiet "$base" HEAD -- runtime; then
    echo "cargo-semver-checks ($base..HEAD, runtime crate): runtime/ unchanged, nothing to judge"
elif git cat-file -e "$base:runtime/Cargo.toml" 2>/dev/null; then
    set +e
    runtime_out="$("$tool" semver-checks check-release -p enkash-rewards-runtime --baseline-rev "$base" \
        --only-explicit-features --release-type patch --color never 2>&1)"
    runtime_status=$?
    set -e
    if [ "$runtime_status" -ne 0 ] && ! grep -q -- "--- failure" <<<"$runtime_out"; then
        echo "$runtime_out"
        echo "error: cargo-semver-checks failed on enkash-rewards-runtime without a verdict" >&2
        exit 1
    fi
    if [ "$runtime_status" -ne 0 ]; then
        echo "cargo-semver-checks ($base..HEAD, runtime crate): breaking"
        grep -- "--- failure" <<<"$runtime_out" || true
    else
        echo "cargo-semver-checks ($base..HEAD, runtime crate): not breaking"
    fi
else
    echo "cargo-semver-checks ($base..HEAD, runtime crate): new at HEAD, no baseline"
fi
if [ "$ours" = "$theirs" ]; then
    echo "they agree"
    exit 0
fi
echo "$theirs_out" | grep -- "--- failure" || true
if ! git diff --quiet "$base" HEAD -- runtime generated-client/src ':(exclude)generated-client/src/generated'; then
    echo "they disagree: the change report says $ours, cargo-semver-checks says $theirs."
    echo "The hand-written runtime changed in $base..HEAD, which the spec's report cannot see:"
    git diff --stat "$base" HEAD -- runtime generated-client/src ':(exclude)generated-client/src/generated'
    echo "review it; not a failure."
    exit 0
fi
echo "error: they disagree and only generated code changed: the change report says $ours, cargo-semver-checks says $theirs" >&2
exit 1
