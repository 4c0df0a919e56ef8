# A scratch image holding only the static s3-credentials binary: no shell, no libc, no CA
# files (the CA roots are compiled into the binary), a few MiB in all.
#
#   docker build -t s3-credentials .
#   docker run --rm s3-credentials policy my-bucket
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY s3-credentials whoami
#   docker run --rm -v ~/.aws:/root/.aws:ro s3-credentials list-buckets
#
# Multi-platform: `docker buildx build --platform linux/amd64,linux/arm64 .` builds each
# platform's musl binary in that platform's build stage.

FROM rust:1-slim-bookworm AS build
# musl-gcc compiles ring's C and assembly parts for the musl target.
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add "$(uname -m)-unknown-linux-musl"
WORKDIR /src
COPY . .
RUN STATIC_FLAVOUR=musl scripts/build-static.sh

FROM scratch
COPY --from=build /src/target/static/s3-credentials /s3-credentials
# Where a mounted ~/.aws is found (scratch has no /etc/passwd to say where root's home is).
ENV HOME=/root
ENTRYPOINT ["/s3-credentials"]
CMD ["--help"]
