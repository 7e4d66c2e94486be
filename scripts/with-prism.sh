#!/usr/bin/env bash
# Runs a command with a Prism mock server of spec/enkash-rewards.yaml listening on 127.0.0.1,
# and exits with the command's exit code. Prism is always stopped (by its PID) on exit.
#
#   scripts/with-prism.sh cargo test -p enkash-rewards-tests -- --include-ignored contract::
#
# The command sees ENKASH_PRISM_URL=http://127.0.0.1:PORT. Prism runs with:
#   --errors        a request that violates the spec is answered 4xx (401 for a missing
#                   credential, 415/422/400 for a bad body), never a happy 200;
#   --dynamic false answers with the spec's own examples (deterministic), generating a
#                   body from the schema only where the spec has no example.
# Prism's log goes to target/prism.log (printed if Prism fails to start).
# Needs tools/node_modules: run scripts/tools.sh first.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command> [args...]" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prism="$root/tools/node_modules/.bin/prism"
spec="$root/spec/enkash-rewards.yaml"
log="${PRISM_LOG:-$root/target/prism.log}"

if [ ! -x "$prism" ]; then
    echo "error: $prism is missing; install the tools first: scripts/tools.sh" >&2
    exit 1
fi
mkdir -p "$(dirname "$log")"

# A free port: bind port 0 on loopback and read what the kernel picked. (Another process
# could grab it before Prism does; the readiness check below would then fail loudly.)
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"

prism_pid=""
stop_prism() {
    if [ -n "$prism_pid" ] && kill -0 "$prism_pid" 2>/dev/null; then
        kill "$prism_pid" 2>/dev/null || true
        # Give it 5 s to exit, then force it.
        for _ in $(seq 1 50); do
            kill -0 "$prism_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$prism_pid" 2>/dev/null || true
        wait "$prism_pid" 2>/dev/null || true
    fi
}
trap stop_prism EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# exec: the PID we hold is Prism's node process itself, not a wrapper shell.
(exec "$prism" mock --host 127.0.0.1 --port "$port" --errors --dynamic false "$spec") >"$log" 2>&1 &
prism_pid=$!

# Ready when it answers HTTP at all (any status: / itself is not an operation): 60 x 0.5 s.
ready=""
for _ in $(seq 1 60); do
    if ! kill -0 "$prism_pid" 2>/dev/null; then
        break
    fi
    if python3 - "$url" <<'PY' 2>/dev/null; then
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/", timeout=2)
except urllib.error.HTTPError:
    pass  # any HTTP answer means Prism is up
PY
        ready=1
        break
    fi
    sleep 0.5
done
if [ -z "$ready" ]; then
    echo "error: Prism did not answer on $url within 30 s; its log ($log):" >&2
    cat "$log" >&2 || true
    exit 1
fi
echo "Prism $("$prism" --version 2>/dev/null) mocking spec/enkash-rewards.yaml at $url (pid $prism_pid, log $log)" >&2

export ENKASH_PRISM_URL="$url"
status=0
"$@" || status=$?
exit "$status"
