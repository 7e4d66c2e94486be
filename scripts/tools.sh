#!/usr/bin/env bash
# Installs the third-party checkers the contract CI step uses, pinned, inside the repo:
#   tools/node_modules  @redocly/cli and @stoplight/prism-cli, from tools/package-lock.json (npm ci)
#   tools/.venv         openapi-spec-validator, from tools/requirements.txt (every package pinned)
# Idempotent: each half is skipped when what is installed was made from the current lock file
# (a sha256 of the lock file is stored next to the install). Both directories are git-ignored.
# Fails, saying so, when an install is needed and the registry cannot be reached: it never
# silently skips a check.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/tools"

die() {
    echo "error: $*" >&2
    exit 1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- npm: Redocly CLI + Prism -------------------------------------------------------------
command -v node >/dev/null || die "node is not installed; Node.js >= 20.19 is needed for tools/ (apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is not installed; it is needed to install tools/ (apt-get install npm)"
node -e '
const [maj, min] = process.versions.node.split(".").map(Number);
if (maj < 20 || (maj === 20 && min < 19)) {
  console.error(`error: Node.js ${process.versions.node} is too old: @redocly/cli needs >= 20.19`);
  process.exit(1);
}' || exit 1

npm_stamp="$tools/node_modules/.enkash-lock-sha256"
npm_want="$(sha "$tools/package-lock.json")"
if [ -f "$npm_stamp" ] && [ "$(cat "$npm_stamp")" = "$npm_want" ] \
    && [ -x "$tools/node_modules/.bin/redocly" ] && [ -x "$tools/node_modules/.bin/prism" ]; then
    echo "tools: node_modules is up to date with tools/package-lock.json"
else
    registry="$(npm config get registry 2>/dev/null)"
    # `npm ping` asks the registry itself; bounded so a black-holed network fails in ~30 s.
    if ! timeout 60 npm ping --fetch-timeout=30000 --fetch-retries=1 >/dev/null 2>&1; then
        die "cannot reach the npm registry ($registry) to install tools/ (npm ci --prefix tools).
The contract checks (Redocly lint, Prism) need it; they are NOT skipped. Check the network or
the npm 'registry' setting, then rerun scripts/tools.sh."
    fi
    echo "tools: npm ci --prefix tools (from $registry)"
    rm -f "$npm_stamp"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error \
        || die "npm ci --prefix tools failed (see above)"
    echo "$npm_want" >"$npm_stamp"
fi

# --- PyPI: openapi-spec-validator ----------------------------------------------------------
command -v python3 >/dev/null || die "python3 is not installed; it is needed for tools/.venv"
venv="$tools/.venv"
py_stamp="$venv/.enkash-requirements-sha256"
py_want="$(sha "$tools/requirements.txt")"
if [ -f "$py_stamp" ] && [ "$(cat "$py_stamp")" = "$py_want" ] && [ -x "$venv/bin/openapi-spec-validator" ]; then
    echo "tools: .venv is up to date with tools/requirements.txt"
else
    echo "tools: creating tools/.venv from tools/requirements.txt"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --timeout 30 --retries 1 \
        --no-deps -r "$tools/requirements.txt"; then
        rm -rf "$venv"
        die "pip could not install tools/requirements.txt into tools/.venv: is PyPI reachable
(pip config list / PIP_INDEX_URL)? openapi-spec-validator is NOT skipped; rerun scripts/tools.sh."
    fi
    "$venv/bin/pip" check --disable-pip-version-check >/dev/null \
        || die "tools/requirements.txt is not self-consistent (pip check failed in tools/.venv)"
    echo "$py_want" >"$py_stamp"
fi

echo "tools: redocly $("$tools/node_modules/.bin/redocly" --version 2>/dev/null | tail -n1)," \
    "prism $("$tools/node_modules/.bin/prism" --version 2>/dev/null)," \
    "openapi-spec-validator $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("openapi-spec-validator"))')"
