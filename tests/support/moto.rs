//! A moto server (IAM, STS and S3 on one port) for end-to-end tests.
//!
//! How moto 5.2.5 counts `INITIAL_NO_AUTH_ACTION_COUNT` (read in moto/core/authorization.py
//! and checked by experiment): one process-wide counter goes up by one for each request that
//! reaches a service action's auth check (IAM, STS, S3, ...) while counter < N, whether or not
//! the action then succeeds; from then on every such request must be signed by a known key
//! and allowed by IAM policy. Requests that never reach that check are not counted: TCP
//! connects (our readiness probe), and `/moto-api/...` calls. `/moto-api/reset` does not touch
//! the counter; `/moto-api/reset-auth` (body: the new N) sets N and zeroes the counter.
//!
//! Moto picks the service from the credential scope in the Authorization header (a Host of
//! iam.amazonaws.com does not route), so even the unauthenticated setup requests are signed,
//! with a placeholder key, to reach IAM. A request without that header goes to S3 and, with
//! auth on, gets a 500 (moto reads the missing header); one whose SignedHeaders leave out
//! x-amz-date gets a 500 too, for the same reason.

use super::http::Response;
use super::{TempDir, launch, repo_root, require, sigv4};
use std::process::{Child, Command};

/// Setup requests made before auth starts: CreateUser, AttachUserPolicy, CreateAccessKey.
const SETUP_ACTIONS: u32 = 3;
const IAM_VERSION: &str = "2010-05-08";
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

pub struct Moto {
    child: Child,
    port: u16,
    /// None: auth is off (start_open), any key works.
    admin: Option<(String, String)>,
    dir: TempDir,
}

impl Moto {
    /// Moto with signature checks and IAM policy enforcement on, and an `admin` user with
    /// AdministratorAccess whose key is [`Moto::admin_key`].
    pub fn start() -> Moto {
        let mut moto = Moto::spawn(Some(SETUP_ACTIONS), true);
        moto.admin = Some(moto.create_admin());
        moto
    }

    /// Moto with no authentication at all: any key (or none) is accepted.
    pub fn start_open() -> Moto {
        Moto::spawn(None, true)
    }

    /// Like [`Moto::start_open`], without AWS managed policies: `reset` takes milliseconds
    /// instead of seconds (moto reloads ~1,000 managed policies after each reset). Enough for
    /// everything but attaching an AWS managed policy (`create --duration` makes a role with
    /// AmazonS3FullAccess attached); permissions boundaries naming them still work.
    pub fn start_open_light() -> Moto {
        Moto::spawn(None, false)
    }

    fn spawn(no_auth_actions: Option<u32>, managed_policies: bool) -> Moto {
        let exe = repo_root().join(".venv/bin/moto_server");
        require(&exe, "moto_server");
        let dir = TempDir::new();
        let (child, port) = launch("moto_server", &dir.path().join("moto.log"), |port| {
            let mut cmd = Command::new(&exe);
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("PYTHONUNBUFFERED", "1");
            if managed_policies {
                // Managed policies (AdministratorAccess, AmazonS3FullAccess, ...) exist only
                // with this; `create --duration` needs them.
                cmd.env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
            }
            if let Some(n) = no_auth_actions {
                cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", n.to_string());
            }
            cmd
        });
        Moto {
            child,
            port,
            admin: None,
            dir,
        }
    }

    /// Uses exactly SETUP_ACTIONS unauthenticated actions; returns the admin's key.
    fn create_admin(&self) -> (String, String) {
        let placeholder = ("AKIDSETUP", "setup");
        for params in [
            vec![("Action", "CreateUser"), ("UserName", "admin")],
            vec![
                ("Action", "AttachUserPolicy"),
                ("UserName", "admin"),
                ("PolicyArn", ADMIN_POLICY),
            ],
        ] {
            self.expect_ok(self.iam_as(placeholder, &params));
        }
        let created = self.expect_ok(self.iam_as(
            placeholder,
            &[("Action", "CreateAccessKey"), ("UserName", "admin")],
        ));
        let text = created.text();
        (
            xml_text(&text, "AccessKeyId"),
            xml_text(&text, "SecretAccessKey"),
        )
    }

    fn expect_ok(&self, response: Response) -> Response {
        assert_eq!(
            response.status,
            200,
            "moto setup failed: {}\nlog:\n{}",
            response.text(),
            self.log()
        );
        response
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The admin's (access key id, secret). On an open server, a dummy key (any key works).
    pub fn admin_key(&self) -> (String, String) {
        self.admin
            .clone()
            .unwrap_or_else(|| ("testing".into(), "testing".into()))
    }

    /// Wipes all state. With auth on, re-arms the no-auth window and re-creates `admin`,
    /// which gets a new key.
    pub fn reset(&mut self) {
        let post = |path: &str, body: &[u8]| {
            let r = super::http::send(
                &self.url(),
                "POST",
                path,
                &[("content-type", "text/plain")],
                body,
            )
            .unwrap_or_else(|e| panic!("moto {path}: {e}"));
            assert_eq!(r.status, 200, "moto {path}: {}", r.text());
        };
        post("/moto-api/reset", b"");
        if self.admin.is_some() {
            post("/moto-api/reset-auth", SETUP_ACTIONS.to_string().as_bytes());
            self.admin = Some(self.create_admin());
        }
    }

    /// A signed IAM call as admin (Version is added), e.g. to seed users for a test.
    pub fn iam(&self, params: &[(&str, &str)]) -> Response {
        let (key, secret) = self.admin_key();
        self.iam_as((&key, &secret), params)
    }

    fn iam_as(&self, creds: (&str, &str), params: &[(&str, &str)]) -> Response {
        let mut all = params.to_vec();
        all.push(("Version", IAM_VERSION));
        sigv4::query_call(&self.url(), "iam", &all, creds)
            .unwrap_or_else(|e| panic!("moto IAM call: {e}"))
    }

    /// A signed S3 call as admin, e.g. `s3("PUT", "/bucket/key", b"data")`.
    pub fn s3(&self, method: &str, path_and_query: &str, body: &[u8]) -> Response {
        let (key, secret) = self.admin_key();
        sigv4::s3_call(&self.url(), method, path_and_query, body, (&key, &secret))
            .unwrap_or_else(|e| panic!("moto S3 call: {e}"))
    }

    /// The server's output so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the first `<tag>` element; enough for moto's fixed-shape responses.
fn xml_text(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).map(|i| i + open.len());
    let end = start.and_then(|s| xml[s..].find(&format!("</{tag}>")).map(|e| s + e));
    match (start, end) {
        (Some(s), Some(e)) => xml[s..e].to_string(),
        _ => panic!("no <{tag}> in moto response: {xml}"),
    }
}

/// The policy document of an IAM Get*Policy answer (URL-encoded, as IAM sends it), as JSON.
pub fn policy_document(answer: &str) -> serde_json::Value {
    let encoded = answer
        .split("<PolicyDocument>")
        .nth(1)
        .and_then(|rest| rest.split("</PolicyDocument>").next())
        .expect("PolicyDocument");
    serde_json::from_str(&crate::support::http::percent_decode(encoded, false))
        .expect("a JSON document")
}
