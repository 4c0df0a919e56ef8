//! Tests of the test harness itself: the mock server driven by raw std TcpStream clients, the
//! process helpers, and the moto / s3s-fs launchers (these need scripts/setup-test-servers.sh).

use crate::support;

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::http::{self, Response};
use support::moto::Moto;
use support::s3s::S3s;
use support::{Matcher, MockServer, Reply};

/// A client connection kept open across requests.
struct Client {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Client {
    fn new(server: &MockServer) -> Client {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            stream,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    fn response(&mut self) -> std::io::Result<Response> {
        http::read_response(&mut self.reader, false)
    }

    fn get(&mut self, target: &str) -> Response {
        self.write(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        self.response().unwrap()
    }
}

fn get(server: &MockServer, target: &str) -> Response {
    http::send(&server.url(), "GET", target, &[], b"").unwrap()
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let server = MockServer::start();
    server.on(Matcher::get("/a"), Reply::ok("first"));
    server.on(Matcher::get("/b"), Reply::ok("second"));
    let mut client = Client::new(&server);
    assert_eq!(client.get("/a").text(), "first");
    assert_eq!(client.get("/b").text(), "second");
    get(&server, "/a");
    let conns: Vec<usize> = server.requests().iter().map(|r| r.conn).collect();
    assert_eq!(conns[0], conns[1], "same connection reused");
    assert_ne!(conns[1], conns[2], "a new connection gets a new id");
}

#[test]
fn chunked_request_body_is_decoded() {
    let server = MockServer::start();
    server.on(Matcher::put("/up"), Reply::status(200));
    let mut client = Client::new(&server);
    client.write(
        b"PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
          5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
    );
    assert_eq!(client.response().unwrap().status, 200);
    // The connection stays usable after a chunked body with trailers.
    assert_eq!(client.get("/none").status, 404);
    assert_eq!(server.requests()[0].body, b"hello, world");
}

#[test]
fn expect_100_continue_gets_an_interim_response_before_the_body() {
    let server = MockServer::start();
    server.on(
        Matcher::put("/up"),
        Reply::compute(|r| Reply::ok(format!("got {}", r.body.len()))),
    );
    let mut client = Client::new(&server);
    client
        .write(b"PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    // The server must answer 100 before we send a single body byte.
    assert_eq!(client.response().unwrap().status, 100);
    client.write(b"data");
    let done = client.response().unwrap();
    assert_eq!((done.status, done.text().as_str()), (200, "got 4"));
}

#[test]
fn large_bodies_in_both_directions() {
    let big: Vec<u8> = (0..40 * 1024 * 1024)
        .map(|i: u32| (i % 251) as u8)
        .collect();
    let server = MockServer::start();
    server.on(
        Matcher::put("/big"),
        Reply::compute(|r| Reply::ok(r.body.len().to_string())),
    );
    server.on(Matcher::get("/big"), Reply::ok(big.clone()));
    let up = http::send(&server.url(), "PUT", "/big", &[], &big).unwrap();
    assert_eq!(up.text(), big.len().to_string());
    assert!(
        server.requests()[0].body == big,
        "uploaded bytes recorded intact"
    );
    let down = get(&server, "/big");
    assert!(down.body == big, "downloaded bytes intact");
}

#[test]
fn chunked_reply_is_framed_correctly() {
    let server = MockServer::start();
    let body: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
    server.on(Matcher::get("/c"), Reply::ok(body.clone()).chunked());
    let r = get(&server, "/c");
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert!(r.body == body);
}

#[test]
fn head_reply_has_length_but_no_body() {
    let server = MockServer::start();
    server.on(Matcher::head("/k"), Reply::ok("12345"));
    server.on(Matcher::get("/after"), Reply::ok("next"));
    let mut client = Client::new(&server);
    client.write(b"HEAD /k HTTP/1.1\r\nHost: x\r\n\r\n");
    let head = http::read_response(&mut client.reader, true).unwrap();
    assert_eq!(head.header("content-length"), Some("5"));
    // Had the body been sent, it would be read here as the next status line.
    assert_eq!(client.get("/after").text(), "next");
}

#[test]
fn close_fault_ends_the_connection_without_a_response() {
    let server = MockServer::start();
    server.on(Matcher::any(), Reply::close());
    let mut client = Client::new(&server);
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = Vec::new();
    let n = client.reader.read_to_end(&mut buf).unwrap();
    assert_eq!(
        n,
        0,
        "clean EOF, no bytes: {:?}",
        String::from_utf8_lossy(&buf)
    );
    assert_eq!(
        server.requests().len(),
        1,
        "the request was still read and recorded"
    );
}

#[test]
fn reset_fault_resets_the_connection() {
    let server = MockServer::start();
    server.on(Matcher::any(), Reply::reset());
    let mut client = Client::new(&server);
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = [0u8; 16];
    let err = client
        .reader
        .read(&mut buf)
        .expect_err("a reset, not EOF or data");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
}

#[test]
fn truncate_fault_sends_less_than_content_length_then_closes() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::ok(vec![b'x'; 1000]).truncate_after(100),
    );
    let mut client = Client::new(&server);
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let (_, headers) = http::read_head(&mut client.reader).unwrap().unwrap();
    assert_eq!(http::header(&headers, "content-length"), Some("1000"));
    let mut body = Vec::new();
    client.reader.read_to_end(&mut body).unwrap();
    assert_eq!(body.len(), 100);
    // And a reader that trusts Content-Length sees an unexpected EOF.
    let err = get_err(&server);
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
}

fn get_err(server: &MockServer) -> std::io::Error {
    http::send(&server.url(), "GET", "/", &[], b"").expect_err("should fail")
}

#[test]
fn delay_stalls_the_answer() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::ok("late").delay(Duration::from_millis(400)),
    );
    let mut client = Client::new(&server);
    client
        .stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let start = Instant::now();
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let err = client.response().expect_err("nothing within 100 ms");
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    client
        .stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(client.response().unwrap().text(), "late");
    assert!(start.elapsed() >= Duration::from_millis(400));
}

#[test]
fn dropping_the_server_ends_a_stall_and_stops_listening() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::ok("never").delay(Duration::from_secs(3600)),
    );
    let addr = server.addr();
    let mut client = Client::new(&server);
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    // Make sure the request is in the stall before dropping.
    while server.requests().is_empty() {
        std::thread::yield_now();
    }
    drop(server);
    let mut buf = Vec::new();
    assert_eq!(
        client.reader.read_to_end(&mut buf).unwrap_or(0),
        0,
        "connection closed, no answer"
    );
    assert_eq!(
        TcpStream::connect(addr).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
}

#[test]
fn error_inside_a_200() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::s3_error(200, "InternalError", "We encountered an internal error."),
    );
    let r = get(&server, "/b/k?uploadId=1");
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("<Error><Code>InternalError</Code>"),
        "{}",
        r.text()
    );
}

#[test]
fn times_limits_a_route_so_earlier_routes_take_over() {
    let server = MockServer::start();
    let ok = server.on(Matcher::action("GetUser"), Reply::xml(200, "<ok/>"));
    let failing = server.on(
        Matcher::action("GetUser").times(2),
        Reply::query_error(503, "Throttling", "slow down"),
    );
    let statuses: Vec<u16> = (0..4)
        .map(|_| {
            let r = http::send(
                &server.url(),
                "POST",
                "/",
                &[("content-type", FORM)],
                b"Action=GetUser",
            )
            .unwrap();
            r.status
        })
        .collect();
    assert_eq!(statuses, [503, 503, 200, 200]);
    assert_eq!((failing.hits(), ok.hits()), (2, 2));
}

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

#[test]
fn newest_route_wins() {
    let server = MockServer::start();
    server.on(Matcher::any(), Reply::ok("old"));
    server.on(Matcher::any(), Reply::ok("new"));
    assert_eq!(get(&server, "/").text(), "new");
}

#[test]
fn unmatched_request_gets_an_obvious_404() {
    let server = MockServer::start();
    server.on(Matcher::get("/other"), Reply::ok(""));
    let r = http::send(&server.url(), "DELETE", "/nope?x=1", &[], b"").unwrap();
    assert_eq!(r.status, 404);
    assert_eq!(r.text(), "mock: no route for DELETE /nope?x=1");
}

#[test]
fn recording_decodes_path_query_and_keeps_headers_in_order() {
    let server = MockServer::start();
    server.on(Matcher::any(), Reply::ok(""));
    let headers = [
        ("X-Amz-Date", "20260101T000000Z"),
        ("Content-Type", "text/plain"),
    ];
    http::send(
        &server.url(),
        "PUT",
        "/bkt/a%20b%2Bc+d?list-type=2&prefix=x%2Fy+z&uploads",
        &headers,
        b"body",
    )
    .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.method, "PUT");
    assert_eq!(
        r.target,
        "/bkt/a%20b%2Bc+d?list-type=2&prefix=x%2Fy+z&uploads"
    );
    assert_eq!(r.raw_path, "/bkt/a%20b%2Bc+d");
    assert_eq!(r.path, "/bkt/a b+c+d", "+ is literal in a path");
    let query: Vec<(&str, &str)> = r
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        query,
        [("list-type", "2"), ("prefix", "x/y z"), ("uploads", "")]
    );
    let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "connection",
            "x-amz-date",
            "content-type",
            "content-length"
        ]
    );
    assert_eq!(r.header("X-AMZ-DATE"), Some("20260101T000000Z"));
    assert_eq!(r.body, b"body");
    assert!(r.form().is_empty(), "not a form body");
}

#[test]
fn form_decoding_and_param_lookup() {
    let server = MockServer::start();
    let create = server.on(
        Matcher::action("CreateUser").form("UserName", "a b"),
        Reply::ok("created"),
    );
    let body = b"Action=CreateUser&UserName=a+b&Tags.member.1.Value=x%26y%3Dz&Version=2010-05-08";
    let r = http::send(
        &server.url(),
        "POST",
        "/?Extra=q",
        &[("Content-Type", FORM)],
        body,
    )
    .unwrap();
    assert_eq!(r.text(), "created");
    assert_eq!(create.hits(), 1);
    let rec = &server.requests()[0];
    let form = rec.form();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        form,
        [
            ("Action", "CreateUser"),
            ("UserName", "a b"),
            ("Tags.member.1.Value", "x&y=z"),
            ("Version", "2010-05-08")
        ]
    );
    assert_eq!(rec.param("Extra").as_deref(), Some("q"), "from the query");
    assert_eq!(
        rec.param("UserName").as_deref(),
        Some("a b"),
        "from the form"
    );
    assert_eq!(rec.param("Missing"), None);
}

#[test]
fn matchers_on_method_path_prefix_query_and_headers() {
    let server = MockServer::start();
    server.on(Matcher::any().path_prefix("/bkt/"), Reply::ok("prefix"));
    server.on(
        Matcher::get("/bkt/k").query("versionId", "7"),
        Reply::ok("query"),
    );
    server.on(
        Matcher::any().method("PUT").header("x-amz-security-token"),
        Reply::ok("token"),
    );
    server.on(
        Matcher::any().header_eq("range", "bytes=0-1"),
        Reply::ok("range"),
    );
    let send = |m: &str, t: &str, h: &[(&str, &str)]| {
        http::send(&server.url(), m, t, h, b"").unwrap().text()
    };
    assert_eq!(send("GET", "/bkt/k?versionId=7", &[]), "query");
    assert_eq!(send("GET", "/bkt/k?versionId=8", &[]), "prefix");
    assert_eq!(send("PUT", "/x", &[("X-Amz-Security-Token", "t")]), "token");
    assert_eq!(send("GET", "/x", &[("Range", "bytes=0-1")]), "range");
    assert_eq!(
        send("GET", "/x", &[("Range", "bytes=0-2")]),
        "mock: no route for GET /x"
    );
}

#[test]
fn fixture_and_header_replies() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::fixture("harness/selftest.xml").header("x-amz-request-id", "r1"),
    );
    let r = get(&server, "/");
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert_eq!(r.header("x-amz-request-id"), Some("r1"));
    assert!(r.text().contains("<Value>from a fixture file</Value>"));
}

#[test]
fn compute_reply_sees_the_request() {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::compute(|r| Reply::status(201).body(format!("{} {}", r.method, r.path))),
    );
    let r = http::send(&server.url(), "POST", "/echo%21", &[], b"").unwrap();
    assert_eq!((r.status, r.text().as_str()), (201, "POST /echo!"));
}

#[test]
fn routes_can_be_added_while_serving() {
    let server = MockServer::start();
    let mut client = Client::new(&server);
    assert_eq!(client.get("/late").status, 404);
    server.on(Matcher::get("/late"), Reply::ok("now"));
    assert_eq!(client.get("/late").text(), "now");
}

#[test]
fn run_captures_exit_code_stdout_and_stderr_and_feeds_stdin() {
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "cat; echo oops >&2; exit 3"]);
    let out = support::run(&mut cmd, Some(b"from stdin"));
    assert_eq!(
        (out.code, out.stdout_str(), out.stderr.as_str()),
        (3, "from stdin", "oops\n")
    );
    let killed = support::run(
        std::process::Command::new("sh").args(["-c", "kill -9 $$"]),
        None,
    );
    assert_eq!(killed.code, 128 + 9);
}

#[test]
fn bin_has_a_clean_environment_with_an_empty_home() {
    let cmd = support::bin();
    let env: std::collections::HashMap<String, String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
        .collect();
    let mut names: Vec<&str> = env.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "AWS_CONFIG_FILE",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_SHARED_CREDENTIALS_FILE",
            "HOME",
            "PATH"
        ]
    );
    let home = std::path::Path::new(&env["HOME"]);
    assert_eq!(
        std::fs::read_dir(home).unwrap().count(),
        0,
        "fresh, empty HOME"
    );
    assert!(!std::path::Path::new(&env["AWS_CONFIG_FILE"]).exists());
    assert!(!std::path::Path::new(&env["AWS_SHARED_CREDENTIALS_FILE"]).exists());
    assert_ne!(
        support::bin()
            .get_envs()
            .find(|(k, _)| *k == "HOME")
            .unwrap()
            .1
            .unwrap(),
        home,
        "a new HOME each time"
    );
    // env_clear() is what keeps the developer's AWS_* variables out.
    let out = support::run(
        std::process::Command::new("env")
            .env_clear()
            .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?)))),
        None,
    );
    assert!(!out.stdout_str().contains("AWS_ACCESS_KEY_ID"));
}

#[test]
fn temp_dir_is_removed_on_drop() {
    let dir = support::TempDir::new();
    std::fs::write(dir.path().join("f"), "x").unwrap();
    let path = dir.path().to_path_buf();
    drop(dir);
    assert!(!path.exists());
}

// ---- Real servers (need scripts/setup-test-servers.sh) ----

const LIST_USERS: &[(&str, &str)] = &[("Action", "ListUsers"), ("Version", "2010-05-08")];

/// An IAM ListUsers whose Authorization header names `key` and the IAM scope but carries no
/// real signature: moto routes it to IAM by that scope, so only auth can refuse it.
fn unsigned_list_users(url: &str, key: &str) -> Response {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/iam/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000"
    );
    let headers = [
        ("authorization", auth.as_str()),
        ("x-amz-date", "20260101T000000Z"),
        ("content-type", FORM),
    ];
    http::send(
        url,
        "POST",
        "/",
        &headers,
        b"Action=ListUsers&Version=2010-05-08",
    )
    .unwrap()
}

#[test]
fn moto_with_auth_refuses_unsigned_requests_and_accepts_admin() {
    let moto = Moto::start();
    let (key, secret) = moto.admin_key();
    assert!(
        key.starts_with("AKIA") && secret.len() == 40,
        "{key} {secret}"
    );

    // No Authorization at all: moto cannot tell the service and routes to S3, which refuses
    // (with a 500: it reads the missing header). Nothing is listed either way.
    let bare = http::send(&moto.url(), "GET", "/", &[], b"").unwrap();
    assert!(
        bare.status >= 400 && !bare.text().contains("Result"),
        "{}",
        bare.text()
    );

    let unknown = unsigned_list_users(&moto.url(), "AKIAUNKNOWN");
    assert_eq!(unknown.status, 403, "{}", unknown.text());
    assert!(
        unknown.text().contains("InvalidClientTokenId"),
        "{}",
        unknown.text()
    );
    let unsigned = unsigned_list_users(&moto.url(), &key);
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert!(
        unsigned.text().contains("SignatureDoesNotMatch"),
        "{}",
        unsigned.text()
    );

    let ok = support::sigv4::query_call(&moto.url(), "iam", LIST_USERS, (&key, &secret)).unwrap();
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.text().contains("<UserName>admin</UserName>"));
    // Admin can use S3 too: AdministratorAccess is really attached and evaluated.
    assert_eq!(moto.s3("PUT", "/selftest-bucket", b"").status, 200);
    assert_eq!(moto.s3("PUT", "/selftest-bucket/k", b"v").status, 200);
    assert_eq!(moto.s3("GET", "/selftest-bucket/k", b"").text(), "v");
}

#[test]
fn moto_open_accepts_unsigned_requests() {
    let moto = Moto::start_open();
    // The requests refused above, answered here: what refused them there was auth.
    let r = unsigned_list_users(&moto.url(), "AKIAUNKNOWN");
    assert!(r.text().contains("<ListUsersResult>"), "{}", r.text());
    let bare = http::send(&moto.url(), "GET", "/", &[], b"").unwrap();
    assert!(
        bare.text().contains("<ListAllMyBucketsResult"),
        "{}",
        bare.text()
    );
}

#[test]
fn moto_reset_wipes_state_and_re_creates_admin() {
    let mut moto = Moto::start();
    let created = moto.iam(&[("Action", "CreateUser"), ("UserName", "temp")]);
    assert_eq!(created.status, 200, "{}", created.text());
    let old_key = moto.admin_key();
    moto.reset();
    let users = moto.iam(&[("Action", "ListUsers")]);
    assert_eq!(users.status, 200, "{}", users.text());
    assert!(
        !users.text().contains("temp") && users.text().contains("admin"),
        "{}",
        users.text()
    );
    assert_ne!(moto.admin_key(), old_key);
    // Auth is on again after the reset.
    let unknown = unsigned_list_users(&moto.url(), "AKIAUNKNOWN");
    assert_eq!(unknown.status, 403, "{}", unknown.text());
}

#[test]
fn s3s_fs_checks_signatures_and_stores_in_its_data_dir() {
    let s3s = S3s::start();
    let unsigned = http::send(&s3s.url(), "GET", "/", &[], b"").unwrap();
    assert_eq!(unsigned.status, 403);
    assert!(
        unsigned.text().contains("<Code>AccessDenied</Code>"),
        "{}",
        unsigned.text()
    );

    let creds = (support::s3s::ACCESS_KEY, "wrong");
    let wrong = support::sigv4::s3_call(&s3s.url(), "GET", "/", b"", creds).unwrap();
    assert_eq!(wrong.status, 403);
    assert!(
        wrong.text().contains("SignatureDoesNotMatch"),
        "{}",
        wrong.text()
    );

    assert_eq!(s3s.s3("PUT", "/bkt", b"").status, 200);
    assert_eq!(s3s.s3("PUT", "/bkt/dir/my key.txt", b"hello").status, 200);
    let stored = s3s.data_dir().join("bkt/dir/my key.txt");
    assert_eq!(std::fs::read(stored).unwrap(), b"hello");
    let list = s3s.s3("GET", "/bkt?list-type=2&prefix=dir/", b"");
    assert!(
        list.text().contains("<Key>dir/my key.txt</Key>"),
        "{}",
        list.text()
    );
}
