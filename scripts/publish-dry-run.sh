#!/usr/bin/env bash
# Package both crates and build the client against the runtime exactly as packaged, as
# `cargo publish` would (runtime first, then the client against it).
#
#   bash scripts/publish-dry-run.sh
#
# Why not only `cargo publish --dry-run`: it lays the packaged runtime out as a temporary
# registry under target/package/ and builds the client against it as a registry crate. Cargo
# takes a registry crate of a given version to be immutable, twice over: it unpacks it once
# into $CARGO_HOME/registry/src/<registry-id>/ (the id comes from the registry's path), and
# it does not look at a registry crate's source to decide whether its build in target/ is
# fresh. On a machine that ran this before from the same folder, the client was verified
# against the old runtime (a CI run failed so: "no `Binary` in the root"). Our crates are
# never fetched from a real registry here, so before the dry run this script removes
#   - the unpacked copies of our crates from temporary registries (ids without a host name
#     start with "-"), and
#   - the fingerprints of builds of the runtime whose sources lie in such a copy, so cargo
#     builds it again.
# Nothing else in CARGO_HOME or target/ is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_home=${CARGO_HOME:-$HOME/.cargo}
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

for package in enkash-rewards-runtime enkash-rewards; do
    version=$(cargo pkgid -p "$package" | sed 's/.*[#@]//')
    for unpacked in "$cargo_home"/registry/src/-*/"$package-$version" \
                    "$cargo_home"/registry/cache/-*/"$package-$version.crate"; do
        if [ -e "$unpacked" ]; then
            echo "removing a stale copy from an earlier dry run: $unpacked"
            rm -rf -- "$unpacked"
        fi
    done
done
# A build's dep-info (deps/<crate>-<hash>.d) names its sources; the hash names its fingerprint.
for dep_info in "$target_dir"/*/deps/enkash_rewards_runtime-*.d; do
    [ -e "$dep_info" ] || continue
    if grep -q '/registry/src/-' "$dep_info"; then
        hash=${dep_info##*-}
        hash=${hash%.d}
        profile_dir=${dep_info%/deps/*}
        echo "forgetting a build of a stale copy: $profile_dir/.fingerprint/enkash-rewards-runtime-$hash"
        rm -rf -- "$profile_dir/.fingerprint/enkash-rewards-runtime-$hash" "$dep_info"
    fi
done

cargo publish --dry-run -p enkash-rewards-runtime -p enkash-rewards
