#!/usr/bin/env bash
# Seed libFuzzer's working corpora from the repository's own files:
#   fuzz/corpus/scenario/  <- scenarios/*.toml, scenarios/examples/*.toml,
#                             tests/fixtures/scenarios/*
#   fuzz/corpus/rtt_csv/   <- tests/fixtures/rtt/*.csv
# The corpora are libFuzzer's to grow (and git-ignored); the seeds are the
# repository files themselves. Files over 256 kB (the England scenarios,
# 1.2 MB each) are left out unless --large is given: libFuzzer's inputs
# grow to the largest seed, and mutating megabyte inputs is slow.
# Run from anywhere; it only adds files.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
max=$((256 * 1024))
[[ "${1:-}" == "--large" ]] && max=$((1 << 30))

copy() { # target, files...
    local dir="$here/corpus/$1"
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        [[ -f "$f" ]] || continue
        if (($(stat -c %s "$f") > max)); then
            echo "skip (large): ${f#"$root"/}"
            continue
        fi
        cp "$f" "$dir/seed-$(basename "$f")"
    done
    echo "$dir: $(find "$dir" -type f | wc -l) files"
}

copy scenario "$root"/scenarios/*.toml "$root"/scenarios/examples/*.toml \
    "$root"/tests/fixtures/scenarios/*
copy rtt_csv "$root"/tests/fixtures/rtt/*.csv
