#!/usr/bin/env bash
# localserver under load: this tool against the original s3-credentials 0.17, both serving
# credentials from one local moto, measured with wrk: one connection at a time, then
# 200 connections at once. Prints a table (requests/s, share of 200 answers, p50/p99).
#
#   bench/localserver.sh
#
# Tunables (environment): BENCH_BIN (the binary to measure; default: scripts/build-static.sh),
# BENCH_SECONDS (per case, 10), BENCH_CONNECTIONS (the concurrent case, 200), BENCH_OUT
# (results directory).
#
# Needs the test servers' venv (.venv: moto 5.2.5 and the original 0.17, from
# scripts/setup-test-servers.sh), and wrk and curl from Debian (installed with apt-get
# when missing and we are root). Everything listens on 127.0.0.1 and is stopped on exit.
#
# "200s" is the answers with status 200 among all attempts: the answers, plus connections
# wrk could not make, could not write to, or that timed out (10 s) with no answer. The
# socket errors column is wrk's connect/read/write/timeout counts; the original answers in
# HTTP/1.0 with its body ended by closing the connection, which wrk also counts as a read
# error after each such answer, so its read errors are not failed requests. Latency is
# from sending a request to its answer: the time to get a connection accepted is not in it
# (both servers close the connection after each answer, so wrk connects for every request).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
VENV=$REPO/.venv
SECONDS_PER_CASE=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-200}
OUT=${BENCH_OUT:-$REPO/.cache/bench/localserver/$(date -u +%Y%m%dT%H%M%SZ)}

. bench/lib.sh
need_tools wrk=wrk curl=curl
[ -x "$VENV/bin/moto_server" ] && [ -x "$VENV/bin/s3-credentials" ] ||
    die "no moto or original in .venv: run scripts/setup-test-servers.sh first"
command -v python3 >/dev/null || die "python3 is required"
mkdir -p "$OUT"

if [ -n "${BENCH_BIN:-}" ]; then
    OURS=$(realpath "$BENCH_BIN")
else
    say "building the static release binary"
    OURS=$(realpath "$(scripts/build-static.sh)")
fi
ORIGINAL=$VENV/bin/s3-credentials

clean_aws_env testing testing
export HOME=$OUT/home
mkdir -p "$HOME"

# moto, with the bucket; both tools create (or find) their role there themselves.
start_moto "$VENV/bin/moto_server" "$OUT/moto.log"
moto_buckets bench-bucket
export AWS_ENDPOINT_URL=$M

# serve NAME BINARY: start `localserver` on a free port, left in $port. Not run in a
# command substitution: that subshell's `pids` would not reach the clean-up on exit.
serve() {
    port=$(free_port)
    "$2" localserver bench-bucket --duration 1h --host 127.0.0.1 --port "$port" \
        >"$OUT/$1.stdout" 2>"$OUT/$1.stderr" &
    pids+=($!)
    wait_http "http://127.0.0.1:$port/" "$1 localserver"
    curl -sf "http://127.0.0.1:$port/" | grep -q '"AccessKeyId"' ||
        die "$1 localserver does not serve credentials (see $OUT/$1.stderr)"
}
serve ours "$OURS"
OURS_PORT=$port
serve original "$ORIGINAL"
ORIGINAL_PORT=$port

# wrk reports through this script: each thread counts the answers by status, and one line
# sums them up, read back below.
cat >"$OUT/report.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; answered = 0 end
function response(status, headers, body)
  answered = answered + 1
  if status == 200 then ok = ok + 1 end
end
function done(summary, latency, requests)
  local ok_total, answered_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    answered_total = answered_total + t:get("answered")
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.1f %.3f %.3f %d/%d/%d/%d\n",
    answered_total + e.connect + e.write + e.timeout, ok_total,
    answered_total / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.timeout))
end
LUA

printf 'case\ttool\tanswers/s\t200s\tp50 ms\tp99 ms\tsocket errors c/r/w/t\n' >"$OUT/results.tsv"
# measure CASE THREADS CONNECTIONS: both tools, one after the other.
measure() {
    local case=$1 threads=$2 conns=$3 tool port line attempts ok rps p50 p99 errors
    for tool in ours original; do
        port=$OURS_PORT
        [ "$tool" = original ] && port=$ORIGINAL_PORT
        say "$case: $tool ($SECONDS_PER_CASE s)"
        wrk -t"$threads" -c"$conns" -d"${SECONDS_PER_CASE}s" --timeout 10s -s "$OUT/report.lua" \
            "http://127.0.0.1:$port/" >"$OUT/wrk-$tool-$conns.txt" 2>&1 || true
        line=$(grep '^RESULT ' "$OUT/wrk-$tool-$conns.txt" || die "wrk failed: $OUT/wrk-$tool-$conns.txt")
        read -r _ attempts ok rps p50 p99 errors <<<"$line"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$rps" \
            "$(python3 -c "print(f'{$ok / max($attempts, 1) * 100:.2f}% ($ok of $attempts)')")" \
            "$p50" "$p99" "$errors" >>"$OUT/results.tsv"
    done
}
measure "1 connection, sequential" 1 1
measure "$CONNECTIONS connections at once" 2 "$CONNECTIONS"

python3 - "$OUT/results.tsv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))
print("| " + " | ".join(rows[0]) + " |")
print("|" + "---|" * len(rows[0]))
for r in rows[1:]:
    print("| " + " | ".join(r) + " |")
PY
say "results in $OUT"
