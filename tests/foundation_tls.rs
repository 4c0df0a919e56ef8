//! TLS: the embedded roots refuse a self-signed server; AWS_CA_BUNDLE adds its
//! certificate and the handshake then succeeds. The server is `openssl s_server`
//! on loopback (it answers any request with an HTML page, so a successful handshake
//! shows up as a response we cannot parse, not as a TLS failure).

use crate::support;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{TempDir, bin, free_port, run};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn openssl(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed for the TLS tests (apt-get install openssl)")
}

fn start_tls_server(dir: &std::path::Path) -> (Server, u16) {
    let made = openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            // A server certificate, not a CA: webpki refuses a CA as the end entity.
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "keyUsage=digitalSignature,keyEncipherment",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ],
        dir,
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = free_port();
    let child = Command::new("openssl")
        .args([
            "s_server", "-quiet", "-www", "-cert", "cert.pem", "-key", "key.pem", "-accept",
        ])
        .arg(port.to_string())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start openssl s_server");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "openssl s_server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    (server, port)
}

#[test]
fn ca_bundle_adds_a_root_the_embedded_ones_lack() {
    let dir = TempDir::new();
    let (_server, port) = start_tls_server(dir.path());
    let url = format!("https://127.0.0.1:{port}");
    let list_buckets = |bundle: Option<&std::path::Path>| {
        let mut cmd = bin();
        cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("S3_CREDENTIALS_READ_TIMEOUT", "5")
            // s_server -www answers GET only: ListBuckets is a GET of /.
            .args(["list-buckets", "--endpoint-url", &url]);
        if let Some(b) = bundle {
            cmd.env("AWS_CA_BUNDLE", b);
        }
        run(&mut cmd, None)
    };

    let refused = list_buckets(None);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.starts_with("Error: SSL validation failed"),
        "{}",
        refused.stderr
    );

    let trusted = list_buckets(Some(&dir.path().join("cert.pem")));
    assert_eq!(trusted.code, 1);
    assert!(
        trusted
            .stderr
            .starts_with("Error: Unable to parse the ListBuckets response"),
        "the handshake should succeed with the bundle: {}",
        trusted.stderr
    );

    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").unwrap();
    let bad = list_buckets(Some(&empty));
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("holds no PEM certificates"),
        "{}",
        bad.stderr
    );
}
