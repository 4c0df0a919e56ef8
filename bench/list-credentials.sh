#!/usr/bin/env bash
# list-credentials on moto: wall time and requests for N tool users with one key and one
# inline policy each (plus one user that is not the tool's), this tool only.
#
#   bench/list-credentials.sh          N=200, 5 runs
#   BENCH_USERS=500 BENCH_RUNS=10 bench/list-credentials.sh
#
# Needs moto and boto3 in .venv (scripts/setup-test-servers.sh) and /usr/bin/time
# (Debian: time). BENCH_BIN is the binary to measure (default: target/release, built).
# moto runs without auth checks here (signing is measured elsewhere): this measures the
# requests list-credentials makes and how the worker pool overlaps them.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_USERS:-200}
RUNS=${BENCH_RUNS:-5}
. bench/lib.sh
need_tools /usr/bin/time=time curl=curl
[ -x .venv/bin/moto_server ] || die "no moto in .venv: run scripts/setup-test-servers.sh"
if [ -z "${BENCH_BIN:-}" ]; then
    cargo build --release --quiet
    BENCH_BIN=$PWD/target/release/s3-credentials
fi
OUT=$(mktemp -d)
BENCH_CLEANUP="rm -rf '$OUT'"
clean_aws_env AKIDBENCH benchsecret
start_moto .venv/bin/moto_server "$OUT/moto.log"

say "seeding $N users on moto"
.venv/bin/python - "$M" "$N" <<'PY'
import json, sys, boto3
url, n = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
doc = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::b"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging"], "Resource": ["arn:aws:s3:::b/*"]}]})
for name in ["someone-else"] + [f"s3.read-only.b{i:04d}" for i in range(n)]:
    iam.create_user(UserName=name)
    iam.create_access_key(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=doc)
PY

requests() { grep -c '"POST / HTTP' "$OUT/moto.log" || true; }
before=$(requests)
"$BENCH_BIN" list-credentials --endpoint-url "$M" --nl >"$OUT/items"
after=$(requests)
items=$(wc -l <"$OUT/items")
[ "$items" -eq "$N" ] || die "expected $N items, got $items"
say "one run: $items items, $((after - before)) requests"

for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.$i" \
        "$BENCH_BIN" list-credentials --endpoint-url "$M" --nl >/dev/null
done
sort -n "$OUT"/time.* | awk -v n="$N" -v r="$RUNS" '
    { wall[NR] = $1; cpu[NR] = $2 + $3; rss[NR] = $4 }
    END {
        m = int((NR + 1) / 2)
        printf "list-credentials, %d users: wall median %.2f s (min %.2f, max %.2f) over %d runs; client CPU %.2f s; peak RSS %.1f MiB\n",
            n, wall[m], wall[1], wall[NR], r, cpu[m], rss[m] / 1024
    }'
