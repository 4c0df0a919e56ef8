#!/usr/bin/env bash
# Build the FROM-scratch image of a static binary (Dockerfile.release: the binary and nothing
# else) and run it: --version and policy print what the binary prints outside, and whoami
# reaches a loopback server. Called by scripts/check-static.sh --image, which starts the server:
#
#   scripts/check-image.sh BINARY PORT EXPECTED_WHOAMI_OUTPUT AWS_ACCESS_KEY_ID=.. AWS_SECRET_ACCESS_KEY=..
#
# The engine: docker when its daemon answers, else podman (Debian's; installed here with
# apt-get when root). No registry is reachable, so nothing is pulled: `FROM scratch` needs no
# base image. The container shares the host's network (--network host) to reach 127.0.0.1.
set -euo pipefail
bin=$1 port=$2 expected=$3
shift 3
creds=("$@")
cd "$(dirname "$0")/.."

say() { printf 'check-image: %s\n' "$*"; }
fail() { printf 'check-image: FAIL: %s\n' "$*" >&2; exit 1; }

run_opts=()
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=(docker)
else
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
        if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
            fail "no container engine: docker has no daemon here and podman is not installed"
        fi
        say "installing podman and runc (docker has no daemon here)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends podman runc >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends podman runc >/dev/null; } ||
            fail "apt-get install podman runc failed"
    fi
    # runc, not crun: crun refuses this machine's hybrid cgroup v1/v2 layout. The rlimits:
    # podman asks for nofile 1048576 by default, and raising a hard limit needs
    # CAP_SYS_RESOURCE, which a sandboxed root may lack (ours does); runc here also refused
    # nproc at the shell's own limit, so both are set well below (4096 processes: a CI
    # machine runs about a hundred).
    engine=(podman --runtime runc)
    run_opts=(--ulimit "nofile=1024:1024" --ulimit "nproc=4096:4096")
fi
say "engine: ${engine[*]} ($("${engine[0]}" --version))"

ctx=$(mktemp -d)
tag=localhost/s3-credentials:check-$$
cleanup() {
    "${engine[@]}" rmi -f "$tag" >/dev/null 2>&1 || true
    rm -rf "$ctx"
}
trap cleanup EXIT
cp Dockerfile.release "$ctx/Dockerfile"
cp "$bin" "$ctx/s3-credentials"
"${engine[@]}" build -q -t "$tag" "$ctx" >"$ctx/build.log" 2>&1 ||
    fail "image build failed: $(cat "$ctx/build.log")"
size=$("${engine[@]}" image inspect --format '{{.Size}}' "$tag")
say "built $tag from scratch: $size bytes"

in_image() { "${engine[@]}" run --rm --network host "${run_opts[@]}" "$@"; }
for args in "--version" "policy my-bucket"; do
    # shellcheck disable=SC2086 # word splitting of $args is intended
    outside=$(env -i "$bin" $args)
    # shellcheck disable=SC2086
    inside=$(in_image "$tag" $args 2>"$ctx/err") || fail "'$args' failed in the image: $(cat "$ctx/err")"
    [ "$inside" = "$outside" ] || fail "'$args' printed different output in the image: $inside"
done
say "--version and policy run in the image and print the same bytes as outside"

env_args=()
for c in "${creds[@]}"; do env_args+=(-e "$c"); done
for host in 127.0.0.1 localhost; do
    got=$(in_image "${env_args[@]}" "$tag" whoami --endpoint-url "http://$host:$port" 2>"$ctx/err") ||
        fail "whoami via $host failed in the image: $(cat "$ctx/err")"
    [ "$got" = "$expected" ] || fail "whoami via $host in the image printed: $got"
done
say "whoami from the image reaches the loopback server by 127.0.0.1 and by localhost"
