#!/usr/bin/env bash
# Bulk benchmark: wall time and peak memory of delete-objects --prefix, get-objects and
# put-objects over many small objects, against the synthetic S3 of
# tests/support/synthetic_s3.rs (a fast loopback server that checks no signatures and
# stores nothing: N keys k0000001... of 4 KiB, listed 1,000 a page), so that the client is
# what is measured.
#
#   bench/bulk.sh             # 10,000 / 100,000 / 1,000,000 keys (1M writes 4 GiB twice)
#   bench/bulk.sh --quick     # 10,000 / 100,000 only: a few minutes
#   BASE=/path/to/other/s3-credentials bench/bulk.sh --quick   # also measure that binary
#
# Needs cargo and /usr/bin/time (Debian: apt-get install time; installed if missing and
# apt-get is there). s5cmd is measured when it is on PATH. Peak memory is /usr/bin/time's
# maximum resident set size; one run per case (the figures that matter here are memory).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES="10000 100000 1000000"
[ "${1:-}" = "--quick" ] && SIZES="10000 100000"
WORK=${WORK:-${TMPDIR:-/tmp}/s3c-bench-bulk}
. bench/lib.sh
need_tools /usr/bin/time=time
say "building this tool and the synthetic server (release)"
cargo build --release --quiet --bin s3-credentials --example synthetic_s3
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}/release
SERVER_BIN=$TARGET/examples/synthetic_s3
TOOLS="ours=$TARGET/s3-credentials"
[ -n "${BASE:-}" ] && TOOLS="base=$BASE $TOOLS"
S5CMD=$(command -v s5cmd || true)

export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
mkdir -p "$WORK"
SERVER=""
BENCH_CLEANUP='[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; true'

# measure LABEL CMD...: one run, prints "wall peak" (seconds, MiB) or "failed".
measure() {
    local out
    if out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>"$WORK/err"; } 2>&1 ) ; then
        tail -1 "$WORK/err" | awk '{printf "%s s | %.1f MiB", $1, $2/1024}'
    else
        printf 'failed (%s)' "$(grep -v '^[0-9.]* [0-9]*$' "$WORK/err" | tail -1)"
    fi
}

# A tree of N files of 4 KiB, 1,000 a directory.
make_tree() {
    local n=$1 dir=$WORK/tree-$1
    [ -f "$dir/.done" ] && return
    rm -rf "$dir"
    python3 - "$dir" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
body = b"x" * 4096
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:04d}")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:07d}"), "wb") as f:
        f.write(body)
PY
    touch "$dir/.done"
}

printf '| command | keys | tool | wall | peak RSS |\n|---|---|---|---|---|\n'
for n in $SIZES; do
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
    "$SERVER_BIN" "$n" 4096 >"$WORK/port" &
    SERVER=$!
    for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
    URL=http://127.0.0.1:$(cat "$WORK/port")
    say "$n keys: making the local tree"
    make_tree "$n"
    for tool in $TOOLS; do
        name=${tool%%=*} bin=${tool#*=}
        say "$n keys: $name"
        printf '| delete-objects --prefix | %s | %s | %s |\n' "$n" "$name" \
            "$(measure "$bin" delete-objects bucket --prefix k -s --endpoint-url "$URL")"
        rm -rf "$WORK/get" && mkdir -p "$WORK/get"
        printf '| get-objects | %s | %s | %s |\n' "$n" "$name" \
            "$(measure "$bin" get-objects bucket -o "$WORK/get" -s --endpoint-url "$URL")"
        printf '| put-objects | %s | %s | %s |\n' "$n" "$name" \
            "$(measure "$bin" put-objects bucket "$WORK/tree-$n" -s --endpoint-url "$URL")"
    done
    if [ -n "$S5CMD" ]; then
        printf '| delete-objects --prefix | %s | s5cmd | %s |\n' "$n" \
            "$(measure "$S5CMD" --endpoint-url "$URL" rm 's3://bucket/k*')"
        rm -rf "$WORK/get" && mkdir -p "$WORK/get"
        printf '| get-objects | %s | s5cmd | %s |\n' "$n" \
            "$(measure "$S5CMD" --endpoint-url "$URL" cp 's3://bucket/*' "$WORK/get/")"
        printf '| put-objects | %s | s5cmd | %s |\n' "$n" \
            "$(measure "$S5CMD" --endpoint-url "$URL" cp "$WORK/tree-$n/" s3://bucket/)"
    else
        printf '| (all) | %s | s5cmd | not installed | |\n' "$n"
    fi
    rm -rf "$WORK/get"
done
