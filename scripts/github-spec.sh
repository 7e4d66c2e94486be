#!/usr/bin/env bash
# GitHub's REST API description, for the benchmarks' scale rows: the npm package
# @octokit/openapi, pinned by version and checksum, unpacked into tools/.cache (git-ignored;
# 13 MB of JSON, too large to keep in tests/corpus). Prints the path of
# api.github.com.json. Fails, saying so, when it must download and cannot.
#
#   scripts/github-spec.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="23.0.2"
sha256="71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c"
dir="$root/tools/.cache/octokit-openapi-$version"
spec="$dir/package/generated/api.github.com.json"

if [ ! -f "$spec" ]; then
    command -v npm >/dev/null || { echo "error: npm is needed to fetch GitHub's spec" >&2; exit 1; }
    mkdir -p "$dir"
    tarball="$dir/octokit-openapi-$version.tgz"
    if ! (cd "$dir" && timeout 300 npm pack --silent "@octokit/openapi@$version" >/dev/null); then
        echo "error: cannot download @octokit/openapi@$version from the npm registry" >&2
        exit 1
    fi
    got="$(sha256sum "$tarball" | cut -d' ' -f1)"
    if [ "$got" != "$sha256" ]; then
        echo "error: @octokit/openapi@$version has sha256 $got, expected $sha256" >&2
        rm -f "$tarball"
        exit 1
    fi
    tar xzf "$tarball" -C "$dir" package/generated/api.github.com.json
    rm -f "$tarball"
fi
echo "$spec"
