# What the benchmark scripts share: sourced by bench/*.sh, never run on its own.
#
#   . "$(dirname "$0")/lib.sh"
#
# Messages, the Debian tools a script needs, free loopback ports, waiting for a server,
# servers stopped on exit, a clean AWS environment, and moto started the one way the
# benchmarks use it. Everything listens on 127.0.0.1.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# need_tools CMD=PACKAGE...: install the Debian packages of the commands that are missing
# (as root with apt-get), else stop saying what to install. A CMD starting with / is a path.
need_tools() {
    local pair cmd pkg missing=()
    for pair in "$@"; do
        cmd=${pair%%=*} pkg=${pair#*=}
        if [[ $cmd == /* ]]; then [ -x "$cmd" ] && continue; else command -v "$cmd" >/dev/null && continue; fi
        missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
            die "apt-get install ${missing[*]} failed"
    else
        die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
    fi
}

# Servers started with `pids+=($!)` are stopped when the script exits; a script with more
# to clean up sets BENCH_CLEANUP to a command run after them.
pids=()
BENCH_CLEANUP=${BENCH_CLEANUP:-}
bench_cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "$BENCH_CLEANUP" ]; then eval "$BENCH_CLEANUP"; fi
}
trap bench_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL NAME: until the server answers at all (any status), for up to 20 s.
wait_http() {
    local _
    for _ in $(seq 1 400); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.05
    done
    die "$2 did not start (logs in ${OUT:-the results directory})"
}

# clean_aws_env KEY SECRET: no user config, no IMDS probing, no AWS_* variable from the
# caller; the same key for every tool (s3s-fs checks it, moto takes any) in us-east-1.
clean_aws_env() {
    local v
    for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
    export AWS_ACCESS_KEY_ID=$1 AWS_SECRET_ACCESS_KEY=$2
    export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
    export PYTHONDONTWRITEBYTECODE=1
    unset S3_CREDENTIALS_TOKEN
}

# start_moto MOTO_SERVER LOG: moto on a free port with AWS managed policies loaded (the
# role the tools assume gets AmazonS3FullAccess); sets M to its URL.
start_moto() {
    local port
    port=$(free_port)
    M=http://127.0.0.1:$port
    MOTO_IAM_LOAD_MANAGED_POLICIES=true "$1" -H 127.0.0.1 -p "$port" >"$2" 2>&1 &
    pids+=($!)
    wait_http "$M/moto-api/" moto
}

# moto_buckets NAME...: create buckets on moto (requests without an Authorization header
# go to moto's S3, which needs no signature).
moto_buckets() {
    local b
    for b in "$@"; do
        curl -sf -o /dev/null -X PUT "$M/$b" || die "could not create bucket $b on moto"
    done
}
