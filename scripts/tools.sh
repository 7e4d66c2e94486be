#!/usr/bin/env bash
# Installs the third-party checkers the contract CI step uses, pinned:
#   tools/node_modules  @redocly/cli and @stoplight/prism-cli, from tools/package-lock.json (npm ci)
#   tools/.venv         openapi-spec-validator, from tools/requirements.txt (every package pinned)
# Each is installed once per machine into the tool cache (scripts/tool-cache.sh), keyed by
# the sha256 of its lock file, and linked into tools/ (git-ignored); a clone on a machine
# that has them installs nothing.
# Fails, saying so, when an install is needed and the registry cannot be reached: it never
# silently skips a check.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/tools"
# shellcheck source=tool-cache.sh
source "$root/scripts/tool-cache.sh"

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

install_npm_tools() {
    local registry
    registry="$(npm config get registry 2>/dev/null)"
    # `npm ping` asks the registry itself; bounded so a black-holed network fails in ~30 s.
    if ! timeout 60 npm ping --fetch-timeout=30000 --fetch-retries=1 >/dev/null 2>&1; then
        die "cannot reach the npm registry ($registry) to install tools/ (npm ci).
The contract checks (Redocly lint, Prism) need it; they are NOT skipped. Check the network or
the npm 'registry' setting, then rerun scripts/tools.sh."
    fi
    echo "tools: npm ci into $1 (from $registry)"
    cp "$tools/package.json" "$tools/package-lock.json" "$1/"
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error \
        || die "npm ci --prefix $1 failed (see above)"
    [ -x "$1/node_modules/.bin/redocly" ] && [ -x "$1/node_modules/.bin/prism" ] \
        || die "npm ci did not install redocly and prism"
}
npm_dir="$(cache_entry "npm-$(sha "$tools/package-lock.json")" install_npm_tools)"
link_tool "$tools/node_modules" "$npm_dir/node_modules"

# --- PyPI: openapi-spec-validator ----------------------------------------------------------
command -v python3 >/dev/null || die "python3 is not installed; it is needed for tools/.venv"
install_venv() {
    echo "tools: a venv in $1 from tools/requirements.txt"
    python3 -m venv "$1" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    "$1/bin/pip" install --quiet --disable-pip-version-check --timeout 30 --retries 1 \
        --no-deps -r "$tools/requirements.txt" \
        || die "pip could not install tools/requirements.txt: is PyPI reachable
(pip config list / PIP_INDEX_URL)? openapi-spec-validator is NOT skipped; rerun scripts/tools.sh."
    "$1/bin/pip" check --disable-pip-version-check >/dev/null \
        || die "tools/requirements.txt is not self-consistent (pip check failed)"
}
venv_dir="$(cache_entry "venv-$(sha "$tools/requirements.txt")" install_venv)"
link_tool "$tools/.venv" "$venv_dir"
venv="$tools/.venv"

echo "tools: redocly $("$tools/node_modules/.bin/redocly" --version 2>/dev/null | tail -n1)," \
    "prism $("$tools/node_modules/.bin/prism" --version 2>/dev/null)," \
    "openapi-spec-validator $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("openapi-spec-validator"))')"
