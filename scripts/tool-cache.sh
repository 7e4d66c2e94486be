# Sourced by the install scripts (scripts/tools.sh, scripts/semver-tools.sh): one folder per
# machine, outside any clone, that keeps each pinned tool once, keyed by its version or
# lock file, so a fresh clone on a machine that installed it before links it instead of
# building it again (cargo-semver-checks alone is about five minutes of compiling here).
# A machine without it builds it, as before.
#
#   ENKASH_TOOL_CACHE   the folder (default: $XDG_CACHE_HOME/enkash-rewards-tools, else
#                       ~/.cache/enkash-rewards-tools)

tool_cache="${ENKASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/enkash-rewards-tools}"

# link_tool LINK TARGET: makes LINK (inside tools/, git-ignored) point at TARGET (in the
# cache), replacing a folder an older script installed there.
link_tool() {
    local link=$1 target=$2
    if [ -e "$link" ] && [ ! -L "$link" ]; then
        rm -rf "$link"
    fi
    ln -sfn "$target" "$link"
}

# cache_entry KEY INSTALL_FUNCTION: prints the cache folder for KEY, made by
# INSTALL_FUNCTION DIR unless a finished one is there. It installs in place (a venv cannot
# be moved) and marks the folder finished only when the install succeeded, so a failed or
# interrupted install is never taken for a finished one: it is removed and made again.
cache_entry() {
    local key=$1 install=$2
    local dir="$tool_cache/$key"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        if ! "$install" "$dir" >&2; then
            rm -rf "$dir"
            return 1
        fi
        touch "$dir/.complete"
    fi
    echo "$dir"
}
