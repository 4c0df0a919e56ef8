#!/usr/bin/env bash
# Build a statically linked release binary of s3-credentials for this machine's architecture
# and print its path (target/static/s3-credentials) on stdout; progress goes to stderr.
#
#   scripts/build-static.sh            pick the best static build this toolchain can make
#   STATIC_FLAVOUR=musl scripts/...    insist on musl (fails if the target is not installed)
#   STATIC_FLAVOUR=glibc scripts/...   insist on glibc +crt-static
#
# musl is preferred (what the release workflow ships): a musl binary needs nothing at all from
# the host, name resolution included. It is used when `rustup target list --installed` has
# <arch>-unknown-linux-musl; ring's C and assembly parts then build with musl-gcc from
# Debian's musl-tools (installed here with apt-get when missing and we are root).
# Otherwise: a glibc build with `-C target-feature=+crt-static`. glibc >= 2.34 carries its
# "files" and "dns" NSS modules inside libc, so even this one resolves names from /etc/hosts
# and DNS without any shared library (scripts/check-static.sh proves it in an empty root).
#
# The rustflags go in CARGO_TARGET_<TRIPLE>_RUSTFLAGS together with an explicit --target, so
# they reach only the binary's own artifacts, not build scripts (which must stay dynamic), and
# a user's RUSTFLAGS are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'build-static: %s\n' "$*" >&2; }
die() { printf 'build-static: error: %s\n' "$*" >&2; exit 1; }

arch=$(uname -m)
case "$arch" in
x86_64 | aarch64) ;;
arm64) arch=aarch64 ;;
*) die "no static build recipe for architecture $arch" ;;
esac
musl_triple="$arch-unknown-linux-musl"
gnu_triple="$arch-unknown-linux-gnu"

have_musl_target() {
    command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$musl_triple"
}

flavour=${STATIC_FLAVOUR:-}
if [ -z "$flavour" ]; then
    if have_musl_target; then flavour=musl; else flavour=glibc; fi
fi

# CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_... : cargo's per-target environment variable names.
env_name() { printf '%s' "$1" | tr 'a-z-' 'A-Z_'; }

case "$flavour" in
musl)
    have_musl_target || die "rustup has no $musl_triple target (rustup target add $musl_triple)"
    if ! command -v musl-gcc >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing musl-tools (musl-gcc, for ring's C code)"
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -y -qq musl-tools >/dev/null 2>&1 ||
                { apt-get update -qq >/dev/null && apt-get install -y -qq musl-tools >/dev/null; } ||
                die "apt-get install musl-tools failed"
        else
            die "musl-gcc not found: install musl-tools"
        fi
    fi
    triple=$musl_triple
    export "CC_${triple//-/_}=musl-gcc"
    ;;
glibc)
    triple=$gnu_triple
    export "CARGO_TARGET_$(env_name "$triple")_RUSTFLAGS=-C target-feature=+crt-static"
    ;;
*) die "STATIC_FLAVOUR must be musl or glibc, not $flavour" ;;
esac

target_dir=${CARGO_TARGET_DIR:-target}
say "building $triple ($flavour, static) into $target_dir/$triple/release"
cargo build --release --locked --target "$triple" >&2

out="$target_dir/static/s3-credentials"
mkdir -p "$(dirname "$out")"
cp "$target_dir/$triple/release/s3-credentials" "$out.tmp"
mv "$out.tmp" "$out"
say "$(stat -c %s "$out") bytes: $out"
printf '%s\n' "$out"
