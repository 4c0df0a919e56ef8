//! localserver: both tools really serve (the original as its own CLI process, since it runs
//! until Ctrl+C), each against its own moto; the same requests go to both, then SIGINT.
//! Compared: exit code, stdout, stderr (startup lines, access log, shutdown line), and for
//! each request the status code, Content-Type and body. Other response headers (`Server:`,
//! `Date:`, the HTTP version) are the HTTP library's, not the tool's, and are not compared.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::compat::model::{Scenario, Seen, Server, Setup, run, scenario};
use crate::compat::normalise::Normaliser;
use crate::compat::runner::{Verdict, report, same};
use crate::support::moto::Moto;
use crate::support::{self, TempDir, free_port, http};

/// The cases that end before serving: they run like any other networked step.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        scenario("localserver refusals", Server::Open)
            .setup(Setup::Bucket("served"))
            .step(run(&["localserver", "no-such-bucket", "-d", "15m"]))
            .step(run(&[
                "localserver",
                "no-such-bucket",
                "--duration",
                "1h",
                "--write-only",
            ])),
    ]
}

/// The requests sent to each server, in order.
const REQUESTS: &[&str] = &["/", "/", "/x", "/?a=1"];

struct Served {
    seen: Seen,
    responses: Vec<String>,
}

fn env(moto: &Moto, home: &std::path::Path) -> Vec<(String, String)> {
    let home = home.display().to_string();
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), home.clone()),
        ("TZ".into(), "UTC".into()),
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
        ("AWS_ENDPOINT_URL".into(), moto.url()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_CONFIG_FILE".into(), format!("{home}/no-such-config")),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            format!("{home}/no-such-credentials"),
        ),
    ]
}

/// Starts `program localserver ARGS` on a free port, sends [`REQUESTS`], stops it with
/// SIGINT and collects everything, normalised.
fn serve(program: &std::path::Path, moto: &Moto, args: &[&str]) -> Served {
    let dir = TempDir::new();
    let port = free_port();
    let mut cmd = Command::new(program);
    support::default_signals(&mut cmd);
    cmd.env_clear()
        .envs(env(moto, dir.path()))
        .current_dir(dir.path())
        .arg("localserver")
        .args(args)
        .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
        .args(["--endpoint-url", &moto.url()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start localserver");
    let listening = wait_for_port(&mut child, port);
    let responses = if listening {
        REQUESTS
            .iter()
            .map(|path| {
                match http::send(&format!("http://127.0.0.1:{port}"), "GET", path, &[], b"") {
                    Ok(r) => (
                        r.status,
                        r.header("content-type").unwrap_or("-").to_string(),
                        r.text(),
                    ),
                    Err(e) => (0, String::new(), format!("request failed: {e}")),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    // Ctrl+C, to this process only (through the venv's Python: `kill` may not be installed).
    let _ = Command::new(support::repo_root().join(".venv/bin/python"))
        .args([
            "-c",
            "import os, signal, sys; os.kill(int(sys.argv[1]), signal.SIGINT)",
        ])
        .arg(child.id().to_string())
        .status();
    let out = wait_with_timeout(child);
    let mut n = Normaliser::new(&moto.url(), &dir.path().display().to_string());
    let local = format!("127.0.0.1:{port}");
    let mut norm = |text: &str| n.apply(&text.replace(&local, "<LOCALSERVER>"));
    let seen = Seen {
        code: out.0,
        stdout: norm(&String::from_utf8_lossy(&out.1)),
        stderr: norm(&String::from_utf8_lossy(&out.2)),
        tree: None,
    };
    let responses = responses
        .into_iter()
        .map(|(status, ctype, body)| norm(&format!("{status} content-type: {ctype}\n{body}")))
        .collect();
    Served { seen, responses }
}

fn wait_for_port(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        // Polling interval only: readiness is decided by the connect above.
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// (exit code, stdout, stderr); kills the process if SIGINT did not stop it in 20 s.
fn wait_with_timeout(mut child: Child) -> (i32, Vec<u8>, Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("localserver output");
    use std::os::unix::process::ExitStatusExt;
    let code = out
        .status
        .code()
        .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    (code, out.stdout, out.stderr)
}

#[test]
fn localserver_serves_what_the_original_serves() {
    let started = Instant::now();
    let original_bin = support::repo_root().join(".venv/bin/s3-credentials");
    assert!(
        original_bin.exists(),
        "run scripts/setup-test-servers.sh first"
    );
    let ours_bin = std::path::PathBuf::from(env!("CARGO_BIN_EXE_s3-credentials"));
    let (a, b) = (Moto::start_open(), Moto::start_open());
    for m in [&a, &b] {
        assert_eq!(m.s3("PUT", "/served", b"").status, 200);
    }
    let cases: &[&[&str]] = &[
        &["served", "--read-only", "--duration", "15m"],
        &[
            "served",
            "-d",
            "1h",
            "--prefix",
            "in/",
            "--statement",
            crate::compat::cases_offline::STATEMENT,
        ],
    ];
    let mut verdicts = Vec::new();
    for args in cases {
        let (theirs, ours) = std::thread::scope(|s| {
            let ours = s.spawn(|| serve(&ours_bin, &b, args));
            (
                serve(&original_bin, &a, args),
                ours.join().expect("our localserver run"),
            )
        });
        if std::env::var_os("COMPAT_VERBOSE").is_some() {
            let _ = writeln!(
                std::io::stderr(),
                "localserver {args:?}, original:\n{}\n{}",
                crate::compat::runner::show(&theirs.seen),
                theirs.responses.join("\n---\n")
            );
        }
        let mut result = same(&theirs.seen, &ours.seen);
        if result.is_ok() && theirs.responses != ours.responses {
            result = Err(format!(
                "responses differ\n--- original\n{}\n--- ours\n{}",
                theirs.responses.join("\n---\n"),
                ours.responses.join("\n---\n")
            ));
        }
        if theirs.responses.len() != REQUESTS.len() {
            result = Err(format!(
                "the original did not serve:\n{}",
                crate::compat::runner::show(&theirs.seen)
            ));
        }
        let mut display = String::from("s3-credentials localserver");
        for a in *args {
            display.push(' ');
            display.push_str(&crate::compat::runner::shell_quote(a));
        }
        verdicts.push(Verdict {
            scenario: "localserver serving",
            step: display + " (then GET / / /x /?a=1, then Ctrl+C)",
            pending: crate::compat::pending("localserver"),
            deliberate: None,
            result,
        });
    }
    let _ = std::io::stderr().flush();
    report("localserver", &verdicts, started);
}
