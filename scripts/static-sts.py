#!/usr/bin/env python3
# The loopback STS endpoint of scripts/check-static.sh (and its container check): it answers a
# signed GetCallerIdentity with the response moto gave for the transcript
# (shared/reference/original-0.17-transcript.md, `whoami`), and anything else with a 400 so a
# wrong request cannot pass. With CERT KEY arguments it speaks TLS. It prints its port, then
# serves on 127.0.0.1 until killed.
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
