//! "Loopback AWS": the tool runs exactly as it runs against AWS (default hostnames, TLS,
//! virtual-hosted buckets, region discovery), with the AWS names resolved to a loopback
//! address inside a mount namespace of its own.
//!
//! - A test CA is made at start; the front's one certificate names `s3.amazonaws.com`,
//!   `*.s3.amazonaws.com`, `iam.amazonaws.com`, `sts.amazonaws.com` and, per region,
//!   `s3.R.amazonaws.com`, `*.s3.R.amazonaws.com`, `sts.R.amazonaws.com`. The tool trusts it
//!   through `AWS_CA_BUNDLE`, as a user behind a private CA would. A wildcard covers one label,
//!   so `my.dotted.bucket.s3.amazonaws.com` fails the name check, as AWS's own does.
//! - The front listens on :443 of an address of its own in 127/8 (parallel tests never
//!   collide), terminates TLS, records each request and forwards it to moto over plain HTTP
//!   with the Host header unchanged (moto reads virtual-hosted buckets from it and checks
//!   signatures against it).
//! - It answers as S3 does where moto does not: a bucket addressed at another region's
//!   endpoint gets 301 `PermanentRedirect` with `x-amz-bucket-region` (no `Location`); a
//!   virtual-hosted request on the global endpoint (which DNS routes to the bucket's region)
//!   signed for the wrong region gets 400 `AuthorizationHeaderMalformed` naming the region;
//!   HEAD gets the bare status with the header. IAM and STS refuse a credential scope for
//!   the wrong region, as AWS does. Bucket regions come from [`AwsFront::bucket`] or from a
//!   CreateBucket that passed through.
//! - [`AwsFront::tool`] runs the binary as
//!   `unshare --mount -- sh -c 'mount --bind HOSTS /etc/hosts && exec "$@"'`: the private
//!   hosts file is seen only inside that namespace (private propagation, util-linux's default),
//!   never on the machine. Where namespaces are not allowed, [`AwsFront::start`] returns None
//!   and the test prints why and passes, unless `S3C_LOOPBACK_AWS=require` (scripts/test sets
//!   it) makes that a failure.
//!
//! Not MockServer: it terminates TLS for AWS's host names and forwards to moto, answering
//! only what moto does not; the mock speaks plain HTTP and answers everything itself.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::TempDir;
use super::http::{self, Headers, header};

/// One request the front answered.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The TLS server name the client asked for.
    pub sni: Option<String>,
    /// The Host header, without a port.
    pub host: String,
    pub method: String,
    pub path: String,
    pub query: String,
    /// Region and service of the SigV4 credential scope.
    pub scope: Option<(String, String)>,
    pub status: u16,
    /// Answered by the front itself (a redirect or a wrong-scope refusal), not moto.
    pub by_front: bool,
}

impl Seen {
    pub fn scope_region(&self) -> &str {
        self.scope.as_ref().map_or("", |s| s.0.as_str())
    }
}

struct State {
    moto: String,
    log: Mutex<Vec<Seen>>,
    /// TLS handshakes that failed, with the name the client asked for.
    tls_failures: Mutex<Vec<Option<String>>>,
    regions: Mutex<HashMap<String, String>>,
}

pub struct AwsFront {
    pub addr: Ipv4Addr,
    regions: Vec<String>,
    names: Mutex<BTreeSet<String>>,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    dir: TempDir,
    ca_pem: String,
}

/// Why the namespace runner cannot work here, if it cannot (checked once per process).
pub fn namespaces_unavailable() -> Option<String> {
    static WHY: OnceLock<Option<String>> = OnceLock::new();
    WHY.get_or_init(|| {
        let dir = TempDir::new();
        let hosts = dir.path().join("hosts");
        std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
        let out = Command::new("unshare")
            .args([
                "--mount",
                "--",
                "sh",
                "-c",
                "mount --bind \"$0\" /etc/hosts",
            ])
            .arg(&hosts)
            .output();
        match out {
            Ok(o) if o.status.success() => None,
            Ok(o) => Some(format!(
                "unshare --mount / mount --bind failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => Some(format!("cannot run unshare: {e}")),
        }
    })
    .clone()
}

/// Can the loopback AWS run here? If not, says so on stderr (the test then passes
/// without running), or panics when `S3C_LOOPBACK_AWS=require`. Tests call it before
/// starting servers, so that a skip costs nothing.
pub fn available() -> bool {
    let Some(why) = namespaces_unavailable() else {
        return true;
    };
    if std::env::var("S3C_LOOPBACK_AWS").as_deref() == Ok("require") {
        panic!("loopback AWS required (S3C_LOOPBACK_AWS=require) but: {why}");
    }
    // Straight to the process's stderr, past the test harness's capture, once.
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: loopback AWS tests need a mount namespace (root with CAP_SYS_ADMIN): {why}"
        );
    });
    false
}

impl AwsFront {
    /// A front for moto at `moto_url` (`http://127.0.0.1:PORT`), with regional names for
    /// `regions` (us-east-1 is always there). None, after saying why on stderr, where mount
    /// namespaces are not allowed.
    pub fn start(moto_url: &str, regions: &[&str]) -> Option<AwsFront> {
        if !available() {
            return None;
        }
        let mut regions: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
        if !regions.iter().any(|r| r == "us-east-1") {
            regions.push("us-east-1".into());
        }
        let (listener, addr) = bind_443();
        let (config, ca_pem) = tls_config(&regions);
        let dir = TempDir::new();
        std::fs::write(dir.path().join("ca.pem"), &ca_pem).unwrap();
        let state = Arc::new(State {
            moto: http::authority(moto_url).to_string(),
            log: Mutex::new(Vec::new()),
            tls_failures: Mutex::new(Vec::new()),
            regions: Mutex::new(HashMap::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    let (state, config) = (state.clone(), config.clone());
                    std::thread::spawn(move || serve(&state, config, conn));
                }
            });
        }
        let front = AwsFront {
            addr,
            regions,
            names: Mutex::new(BTreeSet::new()),
            state,
            stop,
            dir,
            ca_pem,
        };
        front.write_hosts();
        Some(front)
    }

    /// The test CA, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn hosts_path(&self) -> PathBuf {
        self.dir.path().join("hosts")
    }

    /// File `bucket` as living in `region` (for the redirect rules) and make its
    /// virtual-hosted names resolve.
    pub fn bucket(&self, bucket: &str, region: &str) {
        self.state
            .regions
            .lock()
            .unwrap()
            .insert(bucket.into(), region.into());
        self.resolve_bucket(bucket);
    }

    /// Create `bucket` in `region` on moto directly (not through either tool), and
    /// file it with the front as [`AwsFront::bucket`] does.
    pub fn create_bucket(&self, moto: &super::moto::Moto, bucket: &str, region: &str) {
        let body = match region {
            "us-east-1" => String::new(),
            r => format!(
                "<CreateBucketConfiguration><LocationConstraint>{r}</LocationConstraint></CreateBucketConfiguration>"
            ),
        };
        let made = moto.s3("PUT", &format!("/{bucket}"), body.as_bytes());
        assert_eq!(made.status, 200, "{}", made.text());
        self.bucket(bucket, region);
    }

    /// Make `bucket`'s virtual-hosted names resolve (for a bucket the tool will create).
    pub fn resolve_bucket(&self, bucket: &str) {
        self.names.lock().unwrap().insert(bucket.into());
        self.write_hosts();
    }

    pub fn region_of(&self, bucket: &str) -> Option<String> {
        self.state.regions.lock().unwrap().get(bucket).cloned()
    }

    fn write_hosts(&self) {
        let mut names = vec![
            "s3.amazonaws.com".to_string(),
            "iam.amazonaws.com".into(),
            "sts.amazonaws.com".into(),
        ];
        for r in &self.regions {
            names.push(format!("s3.{r}.amazonaws.com"));
            names.push(format!("sts.{r}.amazonaws.com"));
        }
        for b in self.names.lock().unwrap().iter() {
            names.push(format!("{b}.s3.amazonaws.com"));
            for r in &self.regions {
                names.push(format!("{b}.s3.{r}.amazonaws.com"));
            }
        }
        let mut text = String::from("127.0.0.1 localhost\n::1 localhost\n");
        for n in names {
            text.push_str(&format!("{} {n}\n", self.addr));
        }
        // Written in place: a namespace made later binds the file as it is then.
        std::fs::write(self.hosts_path(), text).unwrap();
    }

    /// A command running `program` inside a new mount namespace where /etc/hosts is the
    /// front's. The environment is `env` (e.g. taken from `support::bin()`) plus
    /// `AWS_CA_BUNDLE`.
    pub fn wrap(&self, program: &Path, env: &[(String, String)]) -> Command {
        let mut cmd = Command::new("unshare");
        cmd.env_clear()
            .args(["--mount", "--", "sh", "-c"])
            .arg("mount --bind \"$0\" /etc/hosts && exec \"$@\"")
            .arg(self.hosts_path())
            .arg(program);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("AWS_CA_BUNDLE", self.ca_path());
        cmd
    }

    /// The built binary with `args`, in the namespace, with `support::bin()`'s clean
    /// environment, the CA bundle and the given key. Nothing points at an endpoint.
    pub fn tool(&self, key: &(String, String), args: &[&str]) -> Command {
        let base = super::bin();
        let env: Vec<(String, String)> = base
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
            .collect();
        let mut cmd = self.wrap(Path::new(base.get_program()), &env);
        cmd.args(args)
            .env("AWS_ACCESS_KEY_ID", &key.0)
            .env("AWS_SECRET_ACCESS_KEY", &key.1);
        cmd
    }

    /// Every request answered since the last call, in order.
    pub fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.state.log.lock().unwrap())
    }

    /// Wait (up to 5 s) until at least `n` failed handshakes are recorded: the client
    /// sees its failure before the front's thread has filed it.
    pub fn wait_tls_failures(&self, n: usize) -> Vec<Option<String>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while self.state.tls_failures.lock().unwrap().len() < n
            && std::time::Instant::now() < deadline
        {
            // Polling interval only; the condition above decides.
            std::thread::sleep(Duration::from_millis(5));
        }
        self.take_tls_failures()
    }

    /// TLS handshakes that failed since the last call (the name each asked for).
    pub fn take_tls_failures(&self) -> Vec<Option<String>> {
        std::mem::take(&mut *self.state.tls_failures.lock().unwrap())
    }
}

impl Drop for AwsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect((self.addr, 443));
    }
}

/// A listener on :443 of an address in 127.0.0.0/8 that nothing else uses.
fn bind_443() -> (TcpListener, Ipv4Addr) {
    let seed = std::process::id() as u64 * 7919
        + std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64;
    for i in 0..200u64 {
        let n = seed.wrapping_add(i * 104_729) % (200 * 250);
        let addr = Ipv4Addr::new(127, 55, (n / 250) as u8 + 1, (n % 250) as u8 + 2);
        if let Ok(l) = TcpListener::bind((addr, 443)) {
            return (l, addr);
        }
    }
    panic!("no free 127.55.x.y:443 (binding port 443 needs root or CAP_NET_BIND_SERVICE)");
}

/// A test CA and a server certificate for the AWS names of `regions`, signed by it.
fn tls_config(regions: &[String]) -> (Arc<rustls::ServerConfig>, String) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "s3-credentials loopback AWS test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let mut names = vec![
        "s3.amazonaws.com".to_string(),
        "*.s3.amazonaws.com".into(),
        "iam.amazonaws.com".into(),
        "sts.amazonaws.com".into(),
    ];
    for r in regions {
        names.push(format!("s3.{r}.amazonaws.com"));
        names.push(format!("*.s3.{r}.amazonaws.com"));
        names.push(format!("sts.{r}.amazonaws.com"));
    }
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(names).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "s3.amazonaws.com");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();

    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone()], key)
        .unwrap();
    (Arc::new(config), ca_cert.pem())
}

/// One client connection: TLS, then HTTP/1.1 requests until the client closes.
fn serve(state: &State, config: Arc<rustls::ServerConfig>, tcp: TcpStream) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = tcp.set_nodelay(true);
    let Ok(conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        if tls.conn.complete_io(&mut tls.sock).is_err() {
            let sni = tls.conn.server_name().map(str::to_string);
            // A bare connect (the Drop wake-up) sends nothing; not a failure.
            if sni.is_some() {
                state.tls_failures.lock().unwrap().push(sni);
            }
            return;
        }
    }
    let sni = tls.conn.server_name().map(str::to_string);
    let mut reader = BufReader::new(tls);
    loop {
        let Ok(Some((start, headers))) = http::read_head(&mut reader) else {
            return;
        };
        if header(&headers, "expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
            let _ = reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let Ok(body) = http::read_body(&mut reader, &headers, false) else {
            return;
        };
        let mut parts = start.splitn(3, ' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let close = header(&headers, "connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let req = Incoming {
            method,
            target,
            headers,
            body,
        };
        let resp = answer(state, &req, sni.clone());
        let out = reader.get_mut();
        if out.write_all(&resp).and_then(|_| out.flush()).is_err() || close {
            return;
        }
    }
}

pub(crate) struct Incoming {
    pub method: String,
    pub target: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// The answer to one request, as bytes to write; records it.
fn answer(state: &State, req: &Incoming, sni: Option<String>) -> Vec<u8> {
    let host = header(&req.headers, "host")
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let scope = super::aws_rules::credential_scope(&req.headers, query);
    let regions = state.regions.lock().unwrap().clone();
    let refusal = super::aws_rules::refuse(&host, req, path, scope.as_ref(), &regions);
    let by_front = refusal.is_some();
    let (status, bytes) = match refusal {
        Some(r) => r,
        None => forward(&state.moto, req),
    };
    if status == 200 {
        if let Some((bucket, region)) = super::aws_rules::created_bucket(&host, req, path) {
            state.regions.lock().unwrap().insert(bucket, region);
        }
    }
    state.log.lock().unwrap().push(Seen {
        sni,
        host,
        method: req.method.clone(),
        path: path.to_string(),
        query: query.to_string(),
        scope,
        status,
        by_front,
    });
    bytes
}

/// Send the request to moto (Host unchanged) and re-frame its answer with Content-Length.
fn forward(moto: &str, req: &Incoming) -> (u16, Vec<u8>) {
    let fail = |why: String| -> (u16, Vec<u8>) {
        let body = format!("front could not reach moto: {why}");
        (
            502,
            format!(
                "HTTP/1.1 502 Bad Gateway\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    };
    let stream = match TcpStream::connect(moto) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (name, value) in &req.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        req.body.len()
    ));
    let mut w = &stream;
    if let Err(e) = w
        .write_all(head.as_bytes())
        .and_then(|_| w.write_all(&req.body))
    {
        return fail(e.to_string());
    }
    let resp = match http::read_response(&mut BufReader::new(&stream), req.method == "HEAD") {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (name, value) in &resp.headers {
        let keep_length = req.method == "HEAD" && name == "content-length";
        if keep_length || !(HOP_BY_HOP.contains(&name.as_str()) || name == "content-length") {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if req.method != "HEAD" {
        out.push_str(&format!("content-length: {}\r\n", resp.body.len()));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&resp.body);
    (resp.status, bytes)
}

/// Headers that describe one connection, not the message (and `expect`, answered here).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "expect",
    "content-length",
];

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        _ => "Status",
    }
}
