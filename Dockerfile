# A scratch image holding only the static s3-credentials binary: no shell, no libc, no CA
# files (the CA roots are compiled into the binary), about 2.4 MB in all.
#
#   docker build -t s3-credentials .
#   docker run --rm s3-credentials policy my-bucket
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY s3-credentials whoami
#   docker run --rm -v ~/.aws:/root/.aws:ro s3-credentials list-buckets
#
# The build stage is Debian 12, where scripts/build-static.sh installs the pinned toolchain
# (rustc-web, rust-web-src, musl, LLVM's libunwind) and builds exactly as CI and the release
# workflow do, so the binary in the image is the released one, byte for byte. It runs on the
# build machine's platform and cross-compiles for the image's:
#   docker buildx build --platform linux/amd64,linux/arm64 .
# To wrap an already built or downloaded binary instead (no base image pulled), see
# Dockerfile.release.

FROM --platform=$BUILDPLATFORM debian:bookworm AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
RUN case "$TARGETARCH" in amd64) arch=x86_64 ;; arm64) arch=aarch64 ;; \
        *) echo "no static build for $TARGETARCH" >&2; exit 1 ;; esac \
    && STATIC_TOOLCHAIN=debian scripts/build-static.sh --arch "$arch" \
    && cp "target/static/s3-credentials-$arch-unknown-linux-musl" /s3-credentials

FROM scratch
COPY --from=build /s3-credentials /s3-credentials
# Where a mounted ~/.aws is found (scratch has no /etc/passwd to say where root's home is).
ENV HOME=/root
ENTRYPOINT ["/s3-credentials"]
CMD ["--help"]
