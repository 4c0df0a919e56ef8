#!/usr/bin/env bash
# Installs what the end-to-end tests run against, inside the repository:
#   .venv/                 moto server, the original s3-credentials (for side-by-side checks), boto3
#   .cache/s3s-fs/bin/     s3s-fs, an independent S3 server that verifies SigV4
# Idempotent: does nothing when the pinned versions are already there. Needs python3 and cargo;
# on Debian it installs python3-venv with apt-get if venv is missing (as root).
set -euo pipefail

MOTO_VERSION=5.2.5
ORIGINAL_VERSION=0.17
S3S_FS_VERSION=0.14.1

cd "$(dirname "$0")/.."

say() { printf 'setup-test-servers: %s\n' "$*"; }
die() { printf 'setup-test-servers: error: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is required"
command -v cargo >/dev/null || die "cargo is required"

# --- Python: moto and the original tool -------------------------------------------------

make_venv() {
    rm -rf .venv
    python3 -m venv .venv >/dev/null 2>&1
}
# A venv is usable if its python runs and has pip (a failed `python3 -m venv` leaves one
# without pip; an upgraded system python leaves one whose python no longer starts).
venv_ok() { .venv/bin/python -c 'import pip' >/dev/null 2>&1; }

if ! venv_ok; then
    say "creating .venv"
    if ! { make_venv && venv_ok; }; then
        # Debian ships venv/ensurepip separately, in python3-venv.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "python3 cannot create a venv; installing python3-venv with apt-get"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null || die "apt-get update failed"
            apt-get install -y -qq python3-venv >/dev/null || die "apt-get install python3-venv failed"
            make_venv && venv_ok || die "python3 -m venv still fails after installing python3-venv"
        else
            die "python3 -m venv failed; install python3-venv (Debian/Ubuntu) and re-run"
        fi
    fi
fi

have_python_packages() {
    .venv/bin/python - "$MOTO_VERSION" "$ORIGINAL_VERSION" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
moto, original = sys.argv[1:3]
assert version("moto") == moto and version("s3-credentials") == original
import boto3, flask, flask_cors  # moto[server] needs flask and flask-cors
EOF
}

if have_python_packages; then
    say "moto $MOTO_VERSION and s3-credentials $ORIGINAL_VERSION already in .venv"
else
    say "installing moto[server]==$MOTO_VERSION s3-credentials==$ORIGINAL_VERSION boto3 into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "s3-credentials==$ORIGINAL_VERSION" boto3 ||
        die "pip install failed"
    have_python_packages || die "packages installed but the version check still fails"
fi
[ -x .venv/bin/moto_server ] || die ".venv/bin/moto_server missing after install"

# --- s3s-fs -------------------------------------------------------------------------------

S3S_FS=.cache/s3s-fs/bin/s3s-fs
is_pinned_s3s_fs() { "$1" --version 2>/dev/null | grep -qx "s3s-fs $S3S_FS_VERSION"; }

if [ -x "$S3S_FS" ] && is_pinned_s3s_fs "$S3S_FS"; then
    say "s3s-fs $S3S_FS_VERSION already in .cache/s3s-fs"
elif on_path=$(command -v s3s-fs) && is_pinned_s3s_fs "$on_path"; then
    say "linking .cache/s3s-fs/bin/s3s-fs to $on_path"
    mkdir -p "$(dirname "$S3S_FS")"
    ln -sfn "$on_path" "$S3S_FS"
else
    say "building s3s-fs $S3S_FS_VERSION with cargo install (a few minutes)"
    # Unset CARGO_TARGET_DIR so the build goes to cargo's throwaway directory, not ours.
    env -u CARGO_TARGET_DIR cargo install --quiet s3s-fs --version "$S3S_FS_VERSION" \
        --locked --features binary --root .cache/s3s-fs ||
        die "cargo install s3s-fs failed"
    is_pinned_s3s_fs "$S3S_FS" || die "$S3S_FS does not report version $S3S_FS_VERSION"
fi

# --- openssl (the TLS tests run `openssl s_server` on loopback) --------------------------

if ! command -v openssl >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing openssl with apt-get"
        apt-get update -qq >/dev/null || die "apt-get update failed"
        apt-get install -y -qq openssl >/dev/null || die "apt-get install openssl failed"
    else
        die "openssl is missing; install it and re-run"
    fi
fi

# --- unshare (util-linux): the loopback-AWS tests run the tool in a mount namespace ------

if ! command -v unshare >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing util-linux with apt-get"
        apt-get update -qq >/dev/null || die "apt-get update failed"
        apt-get install -y -qq util-linux >/dev/null || die "apt-get install util-linux failed"
    else
        die "unshare is missing; install util-linux and re-run"
    fi
fi

say "ready"
