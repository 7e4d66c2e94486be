#!/usr/bin/env bash
# Lints spec/enkash-rewards.yaml with two independent checkers we did not write:
#   1. Redocly CLI (redocly.yaml: `recommended` + examples must match their schemas, as errors).
#      Warnings fail too: a warning nobody has to fix is soon ignored; fix the spec, or turn
#      the rule off in redocly.yaml with its reason.
#   2. openapi-spec-validator (PyPI): the OpenAPI 3.0 schema itself, a second implementation.
# Needs scripts/tools.sh first (tools/node_modules, tools/.venv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
redocly="tools/node_modules/.bin/redocly"
validator="tools/.venv/bin/openapi-spec-validator"
for tool in "$redocly" "$validator"; do
    [ -x "$tool" ] || { echo "error: $tool is missing; run scripts/tools.sh first" >&2; exit 1; }
done

# No telemetry or update checks: CI reaches only the package registries.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

echo "redocly lint (config redocly.yaml)"
"$redocly" lint --config redocly.yaml --format=stylish

# Errors already failed above; now refuse warnings as well (counted from the JSON report).
report="$("$redocly" lint --config redocly.yaml --format=json 2>/dev/null)"
warnings="$(printf '%s' "$report" | python3 -c 'import json, sys; print(json.load(sys.stdin)["totals"]["warnings"])')"
if [ "$warnings" != "0" ]; then
    echo "error: redocly lint reported $warnings warning(s) (listed above): fix them in the spec, or turn" \
        "the rule off in redocly.yaml with a one-line reason" >&2
    exit 1
fi

"$validator" --version
"$validator" spec/enkash-rewards.yaml
