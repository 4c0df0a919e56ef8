#!/usr/bin/env bash
# Build the fully static musl release binary of s3-credentials and print its path on stdout
# (target/static/s3-credentials-<arch>-unknown-linux-musl); progress goes to stderr.
#
#   scripts/build-static.sh                  for this machine's architecture
#   scripts/build-static.sh --arch aarch64   cross-build for arm64 (x86_64 likewise)
#
# STATIC_TOOLCHAIN picks how (default auto):
#   rustup  rustup's toolchain, when `rustup target list --installed` has the musl target.
#   debian  Debian 12's rustc-web with its standard-library source (rust-web-src): std is
#           built for musl with -Zbuild-std, musl-gcc supplies crt and libc, LLVM's libunwind
#           (libunwind-14-dev) the unwinder. Everything comes from Debian's archive and is
#           installed here with apt-get when we are root. This is what CI and the release
#           workflow use, at the versions pinned below, so anyone can rebuild the same bytes.
#   auto    rustup if it has the target, else debian.
#   glibc   a glibc `+crt-static` binary: a last resort for a machine where neither musl path
#           exists (not root, no Debian toolchain, no rustup target). It is static too, but
#           larger, and not what we ship; it is announced loudly, and refused when CI=true.
# STATIC_STRICT=1 (the release workflow) fails when the Debian versions differ from the pins.
#
# Reproducible: the same source, toolchain and pins give the same bytes in any directory at
# any time. Paths that would end up in the binary (panic locations) are remapped: this tree to
# /build/s3-credentials, the cargo registry to /cargo/registry/src, the standard library's
# source to /rustc/src; C code gets the same maps. Nothing reads the clock: SOURCE_DATE_EPOCH
# (the commit's time) is exported only for tools that might. A .buildinfo file beside the
# binary records the toolchain, the package versions, the flags and the sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd -P)

say() { printf 'build-static: %s\n' "$*" >&2; }
die() { printf 'build-static: error: %s\n' "$*" >&2; exit 1; }
loud() { printf '\nbuild-static: !!!!!!!! %s\n\n' "$*" >&2; }

# The Debian 12 packages the release is built with. A newer security update replaces a version
# in the archive; then update these (and the README's figures) in one commit.
DEBIAN_PINS=(
    rustc-web=1.96.0+dfsg1-1~deb12u2
    cargo-web=1.96.0+dfsg1-1~deb12u2
    rust-web-src=1.96.0+dfsg1-1~deb12u2
    musl-tools=1.2.3-1
    musl-dev=1.2.3-1
    libunwind-14-dev=1:14.0.6-12
    gcc-12=12.2.0-14+deb12u1
    binutils=2.40-2
)
CROSS_GCC_VERSION=4:12.2.0-3

arch=$(uname -m)
[ "$arch" = arm64 ] && arch=aarch64
host_arch=$arch
while [ $# -gt 0 ]; do
    case "$1" in
    --arch) arch=${2:?--arch needs x86_64 or aarch64}; shift 2 ;;
    *) die "unknown argument $1 (usage: $0 [--arch x86_64|aarch64])" ;;
    esac
done
case "$arch" in
x86_64) debarch=amd64 ;;
aarch64) debarch=arm64 ;;
*) die "no static build recipe for architecture $arch" ;;
esac
triple="$arch-unknown-linux-musl"
cross=false
[ "$arch" != "$host_arch" ] && cross=true
# cargo's and cc's per-target variable names: CARGO_TARGET_X86_64_..., CC_x86_64_...
upper=$(printf '%s' "$triple" | tr 'a-z-' 'A-Z_')
lower=${triple//-/_}

target_dir=${CARGO_TARGET_DIR:-target}
mkdir -p "$target_dir/static"
target_dir=$(cd "$target_dir" && pwd -P)
cargo_home=${CARGO_HOME:-$HOME/.cargo}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
am_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

# --- which toolchain --------------------------------------------------------------------------
debian_rustc=/usr/bin/rustc
debian_cargo=/usr/bin/cargo
have_rustup_target() {
    command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$triple"
}
have_debian_rust() {
    [ -x "$debian_rustc" ] && [ -x "$debian_cargo" ] &&
        [ -f "$("$debian_rustc" --print sysroot)/lib/rustlib/src/rust/library/Cargo.lock" ]
}
toolchain=${STATIC_TOOLCHAIN:-auto}
if [ "$toolchain" = auto ]; then
    if have_rustup_target; then
        toolchain=rustup
    elif have_debian_rust || am_root; then
        toolchain=debian
    else
        toolchain=glibc
    fi
fi

# --- Debian packages ----------------------------------------------------------------------------
apt_updated=false
apt_update() {
    $apt_updated || apt-get update -qq >&2 || die "apt-get update failed"
    apt_updated=true
}
# apt_install PKG=VERSION...: the pinned versions; if the archive has moved on, the current
# ones, loudly (and not at all under STATIC_STRICT=1).
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    say "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" >&2 2>/dev/null && return
    apt_update
    apt-get install -y -qq --no-install-recommends "$@" >&2 && return
    [ "${STATIC_STRICT:-}" = 1 ] && die "the pinned versions are not in the archive: $*"
    loud "pinned versions not available, installing the archive's current ones: the binary will not match the release's bytes"
    apt-get install -y -qq --no-install-recommends "${@%%=*}" >&2 || die "apt-get install ${*%%=*} failed"
}
# pinned PKG...: PKG=VERSION from DEBIAN_PINS for each package that is missing.
missing_pinned() {
    local p want
    for p in "$@"; do
        want=$(printf '%s\n' "${DEBIAN_PINS[@]}" | grep "^$p=" || true)
        dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || printf '%s\n' "${want:-$p}"
    done
}
# Versions installed against the pins: a difference makes other bytes than the release's.
check_pins() {
    local pin p want have
    for pin in "${DEBIAN_PINS[@]}"; do
        p=${pin%%=*} want=${pin#*=}
        have=$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || true)
        [ "$have" = "$want" ] && continue
        [ "${STATIC_STRICT:-}" = 1 ] && die "$p is ${have:-not installed}, the pin is $want"
        loud "$p is ${have:-not installed}, the pin is $want: the binary may differ from the release's"
    done
}

# cross_sysroot: musl's libc, crt files and LLVM's libunwind for the target architecture,
# unpacked from Debian's packages for it (apt-get download; nothing is installed for that
# architecture), with a musl-gcc-style wrapper around Debian's cross gcc.
cross_gcc=""
cross_sysroot() {
    local gnu="$arch-linux-gnu" dir="$target_dir/static/sysroot-$arch"
    local debs=("musl-dev:$debarch=$(pin musl-dev)" "libunwind-14-dev:$debarch=$(pin libunwind-14-dev)")
    if ! command -v "$gnu-gcc" >/dev/null; then
        am_root || die "$gnu-gcc not found: apt-get install gcc-${gnu//_/-}"
        apt_install "gcc-${gnu//_/-}=$CROSS_GCC_VERSION"
    fi
    if [ "$(cat "$dir/.debs" 2>/dev/null)" != "${debs[*]}" ]; then
        am_root || die "no $debarch sysroot in $dir, and not root to fetch musl-dev:$debarch"
        if ! dpkg --print-architecture | grep -qx "$debarch" &&
            ! dpkg --print-foreign-architectures | grep -qx "$debarch"; then
            say "dpkg --add-architecture $debarch (to download its musl-dev; nothing is installed)"
            dpkg --add-architecture "$debarch"
            apt_updated=false
        fi
        rm -rf "$dir" && mkdir -p "$dir/debs"
        (cd "$dir/debs" && { apt-get download "${debs[@]}" 2>/dev/null ||
            { apt_update && apt-get download "${debs[@]}"; }; }) >&2 ||
            die "apt-get download ${debs[*]} failed"
        for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir"; done
        printf '%s' "${debs[*]}" >"$dir/.debs"
    fi
    local lib="$dir/usr/lib/$arch-linux-musl"
    sed -e "s#/usr/include/$arch-linux-musl#$dir/usr/include/$arch-linux-musl#g" \
        -e "s#/usr/lib/$arch-linux-musl#$lib#g" "$lib/musl-gcc.specs" >"$dir/musl-gcc.specs"
    printf '#!/bin/sh\nexec %s "$@" -specs %s\n' "$gnu-gcc" "$dir/musl-gcc.specs" >"$dir/musl-gcc"
    chmod +x "$dir/musl-gcc"
    cross_gcc=$dir/musl-gcc
    export "AR_$lower=$gnu-ar"
    unwind_dir=$dir/usr/lib/llvm-14/lib
}
pin() { printf '%s\n' "${DEBIAN_PINS[@]}" | sed -n "s/^$1=//p"; }

# --- the build ------------------------------------------------------------------------------
registry="$cargo_home/registry/src"
remap=(--remap-path-prefix="$registry=/cargo/registry/src" --remap-path-prefix="$src=/build/s3-credentials")
cmap=(-ffile-prefix-map="$registry=/cargo/registry/src" -ffile-prefix-map="$src=/build/s3-credentials")
if [ "${target_dir#"$src"/}" = "$target_dir" ]; then
    remap+=(--remap-path-prefix="$target_dir=/build/target")
    cmap+=(-ffile-prefix-map="$target_dir=/build/target")
fi
build=()
rustflags=()
unwind_dir=/usr/lib/llvm-14/lib
case "$toolchain" in
debian)
    if am_root; then
        mapfile -t need < <(missing_pinned rustc-web cargo-web rust-web-src musl-tools libunwind-14-dev gcc ca-certificates)
        [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
    fi
    have_debian_rust || die "Debian's rustc-web, cargo-web and rust-web-src are not installed (and we are not root to install them)"
    check_pins
    if $cross; then
        cross_sysroot
        linker=$cross_gcc
    else
        command -v musl-gcc >/dev/null || die "musl-gcc not found: apt-get install musl-tools"
        linker=musl-gcc
    fi
    [ -f "$unwind_dir/libunwind.a" ] || die "no LLVM libunwind.a in $unwind_dir (libunwind-14-dev)"
    std_src="$("$debian_rustc" --print sysroot)/lib/rustlib/src/rust"
    remap=(--remap-path-prefix="$std_src=/rustc/src" "${remap[@]}")
    cmap=(-ffile-prefix-map="$std_src=/rustc/src" "${cmap[@]}")
    # link-self-contained=no: crt files and libc from musl-gcc's specs, not rustc's own copies
    # (which exist only in rustup's prebuilt std). A static (non-PIE) executable: smaller, and
    # musl-gcc's specs link it as one.
    # -Zlocation-detail=none: a panic (which should never happen) says what, not at which
    # file and line; the file names and line numbers of every possible panic site are the
    # binary's largest block of strings.
    rustflags=(-C link-self-contained=no -C relocation-model=static -L "native=$unwind_dir"
        -Zlocation-detail=none)
    export RUSTC=$debian_rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
    # Build scripts run on this machine: rustup's proxies must not pick another rustc for them.
    unset RUSTUP_TOOLCHAIN RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
    # optimize_for_size: std's own smaller variants of its algorithms (sorting, formatting).
    build=("$debian_cargo" build "-Zbuild-std=std,panic_abort" "-Zbuild-std-features=optimize_for_size")
    export "CC_$lower=$linker" "CARGO_TARGET_${upper}_LINKER=$linker"
    ;;
rustup)
    have_rustup_target || die "rustup has no $triple target (rustup target add $triple)"
    if $cross; then
        cross_sysroot
        export "CC_$lower=$cross_gcc" "CARGO_TARGET_${upper}_LINKER=$arch-linux-gnu-gcc"
    else
        if ! command -v musl-gcc >/dev/null; then
            am_root || die "musl-gcc not found: install musl-tools"
            apt_install musl-tools
        fi
        export "CC_$lower=musl-gcc"
    fi
    build=(cargo build)
    ;;
glibc)
    [ "${CI:-}" = true ] && die "CI=true: refusing the glibc fallback; the musl binary must be built (run as root so Debian's toolchain can be installed, or rustup target add $triple)"
    $cross && die "the glibc fallback builds only for this machine's architecture"
    loud "NO MUSL TOOLCHAIN: building the glibc +crt-static FALLBACK. It is not the binary we ship (larger, and glibc's static NSS). Run as root, or install rustc-web cargo-web rust-web-src musl-tools libunwind-14-dev, or rustup target add $triple."
    triple="$arch-unknown-linux-gnu"
    upper=$(printf '%s' "$triple" | tr 'a-z-' 'A-Z_')
    lower=${triple//-/_}
    rustflags=(-C target-feature=+crt-static)
    build=(cargo build)
    ;;
*) die "STATIC_TOOLCHAIN must be auto, debian, rustup or glibc, not $toolchain" ;;
esac

# The flags go in CARGO_TARGET_<TRIPLE>_RUSTFLAGS with an explicit --target: they reach the
# binary, its dependencies and (with -Zbuild-std) std, but not build scripts, which must stay
# dynamic host programs; a user's RUSTFLAGS are left alone.
export "CARGO_TARGET_${upper}_RUSTFLAGS=${rustflags[*]} ${remap[*]}"
export "CFLAGS_$lower=${cmap[*]}"
export CARGO_TARGET_DIR=$target_dir
say "building $triple with the $toolchain toolchain into $target_dir/$triple/release"
start=$SECONDS
"${build[@]}" --release --locked --target "$triple" >&2
say "built in $((SECONDS - start)) s"

out="$target_dir/static/s3-credentials-$triple"
cp "$target_dir/$triple/release/s3-credentials" "$out.tmp"
mv "$out.tmp" "$out"
sum=$(sha256sum "$out" | cut -d' ' -f1)
{
    printf 'file: %s\nsha256: %s\nsize: %s\ntoolchain: %s\n' "${out##*/}" "$sum" "$(stat -c %s "$out")" "$toolchain"
    printf 'commit: %s\nSOURCE_DATE_EPOCH: %s\n' "$commit" "$SOURCE_DATE_EPOCH"
    printf 'rustc: %s\n' "$("${RUSTC:-rustc}" -vV | tr '\n' ';')"
    printf 'rustflags: %s\n' "${rustflags[*]}"
    if [ "$toolchain" = debian ]; then
        printf 'debian: %s\n' "$(dpkg-query -W -f '${Package}=${Version} ' "${DEBIAN_PINS[@]%%=*}" 2>/dev/null)"
        $cross && printf 'cross: %s %s\n' "$(cat "$target_dir/static/sysroot-$arch/.debs")" \
            "$(dpkg-query -W -f '${Package}=${Version}' "gcc-12-${arch//_/-}-linux-gnu" 2>/dev/null)"
    fi
} >"$out.buildinfo"
say "$(stat -c %s "$out") bytes, sha256 $sum: $out"
printf '%s\n' "$out"
