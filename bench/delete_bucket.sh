#!/usr/bin/env bash
# delete-bucket --force: the requests it sends and its wall time and peak memory, for a
# bucket of N small objects, on moto (which logs every request, so they are counted; a
# versioned bucket too) and on s3s-fs (which checks signatures; unversioned).
#
#   bench/delete_bucket.sh              # N = 2,500 and 12,000 (past the 10,000 kept)
#   SIZES="1000 5000" bench/delete_bucket.sh
#   BIN=target/debug/s3-credentials bench/delete_bucket.sh   # skip the release build
#
# Needs moto and s3s-fs (scripts/setup-test-servers.sh), curl and /usr/bin/time (Debian:
# apt-get install curl time; installed if missing and apt-get is there). One run per
# case: the request counts are exact, the times move with the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${SIZES:-"2500 12000"}
WORK=${WORK:-${TMPDIR:-/tmp}/s3c-bench-delete-bucket}
. bench/lib.sh
need_tools /usr/bin/time=time curl=curl
if [ -z "${BIN:-}" ]; then
    say "building this tool (release)"
    cargo build --release --quiet --bin s3-credentials
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/s3-credentials
fi
MOTO=$ROOT/.venv/bin/moto_server
S3S_FS=$ROOT/.cache/s3s-fs/bin/s3s-fs
[ -x "$MOTO" ] && [ -x "$S3S_FS" ] || die "moto or s3s-fs missing: run scripts/setup-test-servers.sh"
rm -rf "$WORK" && mkdir -p "$WORK"
clean_aws_env AKIDBENCH bench-secret-key

# N files of 16 bytes under $WORK/tree-N (put-objects uploads the directory).
make_tree() {
    local dir=$WORK/tree-$1
    [ -d "$dir" ] && return
    python3 - "$dir" "$1" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
for i in range(n):
    with open(os.path.join(root, f"f{i:06d}"), "wb") as f:
        f.write(b"0123456789abcdef")
PY
}

# timed URL ARGS...: delete-bucket under /usr/bin/time; prints "wall | peak RSS".
timed() {
    local url=$1; shift
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" delete-bucket "$@" --endpoint-url "$url" \
        >/dev/null 2>"$WORK/err" || die "delete-bucket failed: $(tail -1 "$WORK/err")"
    awk '{printf "%s s | %.1f MiB", $1, $2/1024}' "$WORK/time"
}

# The requests moto logged since line $1 of its log, by kind.
moto_requests() {
    tail -n +"$(($1 + 1))" "$WORK/moto.log" | sed 's/\x1b\[[0-9;]*m//g' |
        grep -o '"[A-Z]* /[^ ]*' | sed -E '
        s/^"GET [^?]*\?versioning.*/GetBucketVersioning/
        s/^"GET [^?]*\?.*versions.*/ListObjectVersions/
        s/^"GET [^?]*\?.*uploads.*/ListMultipartUploads/
        s/^"GET [^?]*\?.*list-type=2.*/ListObjectsV2/
        s/^"POST [^?]*\?delete.*/DeleteObjects/
        s/^"DELETE [^?]*\?uploadId.*/AbortMultipartUpload/
        s/^"DELETE .*/DeleteBucket/' | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}'
}

start_moto "$MOTO" "$WORK/moto.log"
PORT=$(free_port)
"$S3S_FS" --host 127.0.0.1 --port "$PORT" --access-key "$AWS_ACCESS_KEY_ID" \
    --secret-key "$AWS_SECRET_ACCESS_KEY" "$WORK/s3s-data" >"$WORK/s3s-fs.log" 2>&1 &
pids+=($!)
mkdir -p "$WORK/s3s-data"
S=http://127.0.0.1:$PORT
wait_http "$S" s3s-fs

printf '| server | bucket | objects | requests | wall | peak RSS |\n|---|---|---|---|---|---|\n'
for n in $SIZES; do
    make_tree "$n"
    for kind in plain versioned; do
        b=$kind-$n
        moto_buckets "$b"
        if [ "$kind" = versioned ]; then
            curl -sf -o /dev/null -X PUT "$M/$b?versioning" -H 'Content-Type: application/xml' \
                --data-binary '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>'
        fi
        say "moto: $n objects into $b"
        "$BIN" put-objects "$b" "$WORK/tree-$n" -s --endpoint-url "$M" >/dev/null
        # A versioned bucket gets a second version of every object, then a delete
        # marker on each: three entries an object.
        if [ "$kind" = versioned ]; then
            "$BIN" put-objects "$b" "$WORK/tree-$n" -s --endpoint-url "$M" >/dev/null
            "$BIN" delete-objects "$b" --prefix "tree-$n/" -s --endpoint-url "$M" >/dev/null
        fi
        before=$(wc -l <"$WORK/moto.log")
        t=$(timed "$M" "$b" --force -s)
        printf '| moto | %s | %s | %s | %s |\n' "$kind" "$n" "$(moto_requests "$before")" "$t"
    done
done
for n in $SIZES; do
    b=fs-$n
    say "s3s-fs: $n objects into $b"
    mkdir -p "$WORK/s3s-data/$b"
    "$BIN" put-objects "$b" "$WORK/tree-$n" -s --endpoint-url "$S" >/dev/null
    printf '| s3s-fs | plain | %s | %s | %s |\n' "$n" \
        "$((2 * ((n + 999) / 1000) + 3 + (n > 10000 ? (n + 999) / 1000 : 0))) (computed)" \
        "$(timed "$S" "$b" --force -s)"
done
