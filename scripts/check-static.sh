#!/usr/bin/env bash
# Check that a release binary is what users download: statically linked, within the size
# budget, and working in an empty root that holds nothing but the binary and an /etc/hosts,
# talking to a server on loopback (both by number and by the name `localhost`).
#
#   scripts/check-static.sh                 build with scripts/build-static.sh, then check
#   scripts/check-static.sh PATH/TO/BINARY  check that binary (the release workflow does this)
#
# Budgets (bytes / KiB), overridable for experiments: SIZE_BUDGET (3 MiB for the release
# binary, which is musl; see below for glibc) and RSS_BUDGET_KIB (4 MiB, peak resident memory
# of `--version` and `policy`, measured when GNU time is at /usr/bin/time). Startup time is measured by bench/commands.sh, not here: a timing
# threshold on a shared CI machine would fail for reasons that are not ours.
#
# Needs root for chroot; without root it tries an unprivileged user namespace (unshare -r).
# Needs python3 for the loopback server. Exits non-zero with a reason on the first failure.
set -euo pipefail
# A binary given as a relative path is relative to where we were called from.
given=${1:+$(realpath "$1")}
cd "$(dirname "$0")/.."

RSS_BUDGET_KIB=${RSS_BUDGET_KIB:-4096}

say() { printf 'check-static: %s\n' "$*"; }
fail() { printf 'check-static: FAIL: %s\n' "$*" >&2; exit 1; }

if [ -n "$given" ]; then
    bin=$given
else
    bin=$(scripts/build-static.sh)
fi
[ -x "$bin" ] || fail "$bin is not an executable file"
command -v readelf >/dev/null || fail "readelf (binutils) is required"
command -v python3 >/dev/null || fail "python3 is required for the loopback server"

# --- 1. Linked statically: no program interpreter, no shared libraries -------------------
if readelf -lW "$bin" | grep -q 'INTERP'; then
    fail "$bin asks for a program interpreter (dynamically linked): $(readelf -lW "$bin" | grep -A1 INTERP | tail -1)"
fi
if readelf -dW "$bin" 2>/dev/null | grep -q '(NEEDED)'; then
    fail "$bin needs shared libraries: $(readelf -dW "$bin" | grep '(NEEDED)' | tr -s ' ' | tr '\n' ';')"
fi
say "statically linked: no INTERP, no NEEDED ($(readelf -hW "$bin" | sed -n 's/^ *Type: *//p'))"

# --- 2. Size budget -------------------------------------------------------------------------
# 3 MiB is the budget of what we ship (musl). A glibc +crt-static build (the fallback where
# the musl target is not installed) carries glibc's static getaddrinfo with NSS, iconv,
# dlopen and stdio: a C program using getaddrinfo, threads and malloc links to 46 KB with
# musl and 892 KB with glibc (Debian 12, -Os, stripped). So a glibc build gets 850 KiB more,
# and the same headroom for our own code as the release build has.
if grep -qa 'GNU C Library' "$bin"; then
    libc=glibc
    SIZE_BUDGET=${SIZE_BUDGET:-$((3145728 + 850 * 1024))}
else
    libc=musl
    SIZE_BUDGET=${SIZE_BUDGET:-3145728}
fi
size=$(stat -c %s "$bin")
if [ "$size" -ge "$SIZE_BUDGET" ]; then
    fail "$bin is $size bytes, over the budget of $SIZE_BUDGET bytes"
fi
say "size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB), $libc build, budget $SIZE_BUDGET"

# The CA roots are compiled in (webpki-roots), so the binary needs no CA file: the subject
# of Amazon's root, which every AWS endpoint chains to, is in the binary's bytes.
grep -qa 'Amazon Root CA 1' "$bin" || fail "the Amazon root CA is not embedded in $bin"
say "CA roots embedded (Amazon Root CA 1 found)"

# --- 3. An empty root: the binary and /etc/hosts, nothing else --------------------------
work=$(mktemp -d)
server_pids=()
cleanup() {
    for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
mkdir -p "$root/etc"
cp "$bin" "$root/s3-credentials"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"

if [ "$(id -u)" = 0 ]; then
    enter=("$(command -v chroot)" "$root")
elif unshare -r true 2>/dev/null; then
    enter=("$(command -v unshare)" -r "$(command -v chroot)" "$root")
else
    fail "need root (or unprivileged user namespaces) to chroot into the empty root"
fi
# env -i: nothing from this machine's environment leaks in (no HOME, no AWS_* settings).
in_root() { env -i "${root_env[@]}" "${enter[@]}" /s3-credentials "$@"; }
root_env=()

# Same bytes inside the empty root as outside it: nothing the binary prints depends on files.
for args in "--version" "policy my-bucket" "policy my-bucket --read-only --prefix a/"; do
    # shellcheck disable=SC2086 # word splitting of $args is intended
    outside=$(env -i "$bin" $args) || fail "'$args' failed outside the root"
    # shellcheck disable=SC2086
    inside=$(in_root $args) || fail "'$args' failed in the empty root"
    [ "$inside" = "$outside" ] || fail "'$args' printed different output in the empty root"
    [ -n "$inside" ] || fail "'$args' printed nothing"
done
say "--version and policy run in the empty root and print the same bytes"

# --- 4. A request from the empty root to a loopback server ---------------------------------
# A minimal STS endpoint: it answers a signed GetCallerIdentity with the response moto gave
# for the transcript (shared/reference/original-0.17-transcript.md, `whoami`), and anything
# else with a 400 so a wrong request cannot pass. With CERT KEY arguments it speaks TLS.
cat >"$work/sts.py" <<'PY'
import http.server, ssl, sys, urllib.parse

XML = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:user/moto</Arn>
    <UserId>AKIAIOSFODNN7EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = urllib.parse.parse_qs(body.decode())
        auth = self.headers.get("Authorization", "")
        ok = form.get("Action") == ["GetCallerIdentity"] and auth.startswith(
            "AWS4-HMAC-SHA256 Credential=AKIDSTATICCHECK/")
        reply = XML if ok else b"<ErrorResponse><Error><Code>Bad</Code><Message>unexpected request</Message></Error></ErrorResponse>"
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) == 3:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
# start_server NAME [CERT KEY]: start one, print its port.
start_server() {
    python3 "$work/sts.py" "${@:2}" >"$work/$1.port" 2>"$work/$1.log" &
    server_pids+=($!)
    for _ in $(seq 1 100); do
        [ -s "$work/$1.port" ] && break
        sleep 0.05
    done
    [ -s "$work/$1.port" ] || fail "the loopback server did not start: $(cat "$work/$1.log")"
    cat "$work/$1.port"
}
port=$(start_server plain)

expected='{
    "UserId": "AKIAIOSFODNN7EXAMPLE",
    "Account": "123456789012",
    "Arn": "arn:aws:sts::123456789012:user/moto"
}'
root_env=(AWS_ACCESS_KEY_ID=AKIDSTATICCHECK AWS_SECRET_ACCESS_KEY=static-check-secret)
for host in 127.0.0.1 localhost; do
    got=$(in_root whoami --endpoint-url "http://$host:$port" 2>"$work/err") ||
        fail "whoami via $host failed in the empty root: $(cat "$work/err")"
    [ "$got" = "$expected" ] || fail "whoami via $host printed: $got"
done
say "whoami from the empty root reaches a loopback server by 127.0.0.1 and by localhost (/etc/hosts)"

# --- 5. TLS from the empty root: verification needs no CA files ---------------------------
# A private CA signs a certificate for localhost. Without AWS_CA_BUNDLE the binary must refuse
# it (it trusts only its compiled-in roots); with the CA's PEM in the root as AWS_CA_BUNDLE it
# must verify it and complete the request: TLS, randomness and time all work with no files.
if command -v openssl >/dev/null; then
    tls=$work/tls
    mkdir -p "$tls"
    {
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj /CN=check-static-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
                -keyout "$tls/leaf.key" -out "$tls/leaf.csr" -subj /CN=localhost &&
            printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
                'keyUsage=digitalSignature' 'extendedKeyUsage=serverAuth' >"$tls/leaf.ext" &&
            openssl x509 -req -in "$tls/leaf.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
                -CAcreateserial -days 2 -extfile "$tls/leaf.ext" -out "$tls/leaf.pem"
    } >"$tls/openssl.log" 2>&1 || fail "openssl could not make the test certificates: $(cat "$tls/openssl.log")"
    tls_port=$(start_server tls "$tls/leaf.pem" "$tls/leaf.key")
    cp "$tls/ca.pem" "$root/ca.pem"
    if in_root whoami --endpoint-url "https://localhost:$tls_port" >/dev/null 2>"$work/err"; then
        fail "whoami accepted a certificate that none of the embedded roots signed"
    fi
    grep -q 'SSL validation failed' "$work/err" ||
        fail "whoami against an unknown CA failed for another reason: $(cat "$work/err")"
    root_env+=(AWS_CA_BUNDLE=/ca.pem)
    got=$(in_root whoami --endpoint-url "https://localhost:$tls_port" 2>"$work/err") ||
        fail "whoami over TLS with AWS_CA_BUNDLE failed in the empty root: $(cat "$work/err")"
    [ "$got" = "$expected" ] || fail "whoami over TLS printed: $got"
    say "TLS from the empty root: an unknown CA is refused; with AWS_CA_BUNDLE the request verifies and completes"
else
    say "skipped the TLS check: openssl is not installed"
fi

# --- 6. Peak memory of the startup commands ------------------------------------------------
if [ -x /usr/bin/time ]; then
    for args in "--version" "policy my-bucket"; do
        # shellcheck disable=SC2086
        kib=$(/usr/bin/time -f '%M' "$bin" $args 2>&1 >/dev/null | tail -1)
        [ "$kib" -lt "$RSS_BUDGET_KIB" ] || fail "'$args' peaked at $kib KiB, budget $RSS_BUDGET_KIB KiB"
        say "peak memory of '$args': $kib KiB (budget $RSS_BUDGET_KIB KiB)"
    done
else
    say "skipped the peak-memory check: /usr/bin/time (Debian package time) is not installed"
fi

say "all checks passed for $bin"
