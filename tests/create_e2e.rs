//! `create` and `delete-user` end to end against moto with signature checks and IAM
//! policy enforcement on: the keys `create` prints work, and only for what they were
//! made for. S3 is probed with an independent signer (tests/support/sigv4.rs).
//!
//! moto ignores AssumeRole session policies (see reference/moto-auth-demo.md), so the
//! session policy `--duration` sends is asserted in the replay tests; here the
//! temporary credentials must simply work.

use crate::support;

use serde_json::Value;
use support::moto::Moto;
use support::{Outcome, bin, run, sigv4};

/// Keys as `create` printed them.
struct Key {
    id: String,
    secret: String,
    token: Option<String>,
}

impl Key {
    fn from_json(stdout: &str) -> Key {
        let v: Value = serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("create printed no JSON ({e}): {stdout}"));
        let field = |k: &str| v[k].as_str().map(str::to_string);
        Key {
            id: field("AccessKeyId").expect("AccessKeyId"),
            secret: field("SecretAccessKey").expect("SecretAccessKey"),
            token: field("SessionToken"),
        }
    }

    fn from_ini(stdout: &str) -> Key {
        let value = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .map(str::to_string)
        };
        assert!(stdout.starts_with("[default]\n"), "{stdout}");
        Key {
            id: value("aws_access_key_id").expect("key id"),
            secret: value("aws_secret_access_key").expect("secret"),
            token: value("aws_session_token"),
        }
    }

    /// An S3 request signed with this key; returns the status and body.
    fn s3(&self, moto: &Moto, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        let mut headers = Vec::new();
        if let Some(token) = &self.token {
            headers.push(("x-amz-security-token", token.as_str()));
        }
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query: Vec<(&str, &str)> = query
            .split('&')
            .filter(|q| !q.is_empty())
            .map(|q| q.split_once('=').unwrap_or((q, "")))
            .collect();
        let response = sigv4::send_signed(
            &moto.url(),
            method,
            path,
            &query,
            &headers,
            body,
            "s3",
            (&self.id, &self.secret),
        )
        .expect("S3 request");
        (response.status, response.text())
    }
}

/// Our binary, as moto's admin.
fn ours(moto: &Moto, args: &[&str]) -> Outcome {
    let (id, secret) = moto.admin_key();
    let mut cmd = bin();
    cmd.args(args)
        .args(["--endpoint-url", &moto.url()])
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1");
    let out = run(&mut cmd, None);
    assert_eq!(
        out.code,
        0,
        "{args:?} failed: {}\n{}",
        out.stderr,
        moto.log()
    );
    out
}

fn put_object(moto: &Moto, path: &str, body: &[u8]) {
    let r = moto.s3("PUT", path, body);
    assert_eq!(r.status, 200, "admin PUT {path}: {}", r.text());
}

#[test]
fn permanent_keys_reach_their_bucket_only_then_delete_user_removes_everything() {
    let moto = Moto::start();
    let out = ours(&moto, &["create", "my-bucket", "-c"]);
    // stderr as the original prints it (reference/moto-auth-demo.md).
    assert_eq!(
        out.stderr,
        "Created bucket: my-bucket\n\
         Created  user: 's3.read-write.my-bucket' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess'\n\
         Attached policy s3.read-write.my-bucket to user s3.read-write.my-bucket\n\
         Created access key for user: s3.read-write.my-bucket\n"
    );
    let read_write = Key::from_json(out.stdout_str());
    ours(&moto, &["create", "other-bucket", "-c", "--silent"]);
    put_object(&moto, "/my-bucket/hello.txt", b"Hello world\n");
    put_object(&moto, "/other-bucket/secret.txt", b"not yours\n");
    let read_only = Key::from_ini(
        ours(&moto, &["create", "my-bucket", "--read-only", "-f", "ini"]).stdout_str(),
    );
    let write_only =
        Key::from_json(ours(&moto, &["create", "my-bucket", "--write-only"]).stdout_str());

    // Read-only: get and list its bucket; no writes, nothing elsewhere.
    assert_eq!(
        read_only.s3(&moto, "GET", "/my-bucket/hello.txt", b""),
        (200, "Hello world\n".to_string())
    );
    assert_eq!(
        read_only.s3(&moto, "GET", "/my-bucket?list-type=2", b"").0,
        200
    );
    assert_eq!(
        read_only.s3(&moto, "PUT", "/my-bucket/evil.txt", b"x").0,
        403
    );
    assert_eq!(
        read_only.s3(&moto, "DELETE", "/my-bucket/hello.txt", b"").0,
        403
    );
    assert_eq!(
        read_only
            .s3(&moto, "GET", "/other-bucket/secret.txt", b"")
            .0,
        403
    );

    // Write-only: put, but not get.
    assert_eq!(
        write_only.s3(&moto, "PUT", "/my-bucket/drop.txt", b"in").0,
        200
    );
    assert_eq!(
        write_only.s3(&moto, "GET", "/my-bucket/hello.txt", b"").0,
        403
    );
    assert_eq!(
        write_only
            .s3(&moto, "PUT", "/other-bucket/drop.txt", b"in")
            .0,
        403
    );

    // Read-write: both, on its own bucket only.
    assert_eq!(
        read_write.s3(&moto, "PUT", "/my-bucket/rw.txt", b"rw").0,
        200
    );
    assert_eq!(
        read_write.s3(&moto, "GET", "/my-bucket/rw.txt", b""),
        (200, "rw".to_string())
    );
    assert_eq!(
        read_write.s3(&moto, "PUT", "/other-bucket/rw.txt", b"rw").0,
        403
    );
    assert_eq!(
        read_write
            .s3(&moto, "GET", "/other-bucket/secret.txt", b"")
            .0,
        403
    );

    let out = ours(
        &moto,
        &[
            "delete-user",
            "s3.read-only.my-bucket",
            "s3.write-only.my-bucket",
            "s3.read-write.my-bucket",
            "s3.read-write.other-bucket",
        ],
    );
    let expected: String = [
        ("s3.read-only.my-bucket", &read_only.id),
        ("s3.write-only.my-bucket", &write_only.id),
        ("s3.read-write.my-bucket", &read_write.id),
    ]
    .iter()
    .map(|(user, key)| {
        format!(
            "User: {user}\n  Deleted policy: {user}\n  Deleted access key: {key}\n  Deleted user\n"
        )
    })
    .collect();
    assert!(
        out.stdout_str().starts_with(&expected),
        "{}",
        out.stdout_str()
    );

    // No user, policy or key left: only the admin remains, and the keys are dead.
    let users = moto.iam(&[("Action", "ListUsers")]).text();
    assert_eq!(users.matches("<UserName>").count(), 1, "{users}");
    assert!(users.contains("<UserName>admin</UserName>"), "{users}");
    for user in ["s3.read-only.my-bucket", "s3.read-write.my-bucket"] {
        let r = moto.iam(&[("Action", "ListUserPolicies"), ("UserName", user)]);
        assert!(r.text().contains("NoSuchEntity"), "{user}: {}", r.text());
    }
    for key in [&read_only, &write_only, &read_write] {
        let (status, body) = key.s3(&moto, "GET", "/my-bucket/hello.txt", b"");
        assert_eq!(status, 403, "a deleted key still works: {body}");
        assert!(body.contains("InvalidAccessKeyId"), "{body}");
    }
}

/// moto refuses AssumeRole on a role trusting only the account root, so the role is
/// made beforehand trusting the admin too (reference/moto-auth-demo.md); `create`
/// then finds it and assumes it without waiting.
#[test]
fn duration_returns_working_temporary_credentials() {
    let moto = Moto::start();
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/admin"]}, "Action": "sts:AssumeRole"}]}"#;
    for params in [
        vec![
            ("Action", "CreateRole"),
            ("RoleName", "s3-credentials.AmazonS3FullAccess"),
            ("AssumeRolePolicyDocument", trust),
            ("MaxSessionDuration", "43200"),
        ],
        vec![
            ("Action", "AttachRolePolicy"),
            ("RoleName", "s3-credentials.AmazonS3FullAccess"),
            ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        ],
    ] {
        let r = moto.iam(&params);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = moto.s3("PUT", "/my-bucket", b"");
    assert_eq!(r.status, 200, "{}", r.text());
    put_object(&moto, "/my-bucket/hello.txt", b"Hello world\n");

    let out = ours(
        &moto,
        &["create", "my-bucket", "--read-only", "--duration", "15m"],
    );
    assert_eq!(
        out.stderr,
        "Assume role against arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess for 900s\n"
    );
    let temporary = Key::from_json(out.stdout_str());
    assert!(temporary.id.starts_with("ASIA"), "{}", temporary.id);
    assert!(temporary.token.is_some());
    assert_eq!(
        temporary.s3(&moto, "GET", "/my-bucket/hello.txt", b""),
        (200, "Hello world\n".to_string())
    );
    // A wrong token is refused, so the token really is part of the credentials.
    let forged = Key {
        token: Some("forged".into()),
        ..temporary
    };
    let (status, body) = forged.s3(&moto, "GET", "/my-bucket/hello.txt", b"");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>InvalidToken</Code>"), "{body}");

    // The same through our own whoami: an assumed-role session named as the original names it.
    let dir = support::TempDir::new();
    let auth = dir.path().join("tmp.json");
    std::fs::write(&auth, out.stdout_str()).unwrap();
    let mut cmd = bin();
    cmd.args(["whoami", "--endpoint-url", &moto.url(), "--auth"])
        .arg(&auth);
    let who = run(&mut cmd, None);
    assert_eq!(who.code, 0, "{}", who.stderr);
    assert!(
        who.stdout_str().contains(
            "arn:aws:sts::123456789012:assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-only.my-bucket"
        ),
        "{}",
        who.stdout_str()
    );

    let ini = ours(
        &moto,
        &["create", "my-bucket", "-d", "1h", "-f", "ini", "--silent"],
    );
    assert_eq!(ini.stderr, "");
    let temporary = Key::from_ini(ini.stdout_str());
    assert!(temporary.token.is_some(), "{}", ini.stdout_str());
    assert_eq!(temporary.s3(&moto, "PUT", "/my-bucket/t.txt", b"t").0, 200);
}

/// The bucket set-up calls are signed and accepted (S3 checks Content-MD5), and
/// leave the bucket configured as the original configures it.
#[test]
fn website_bucket_is_created_public_in_its_region() {
    let moto = Moto::start();
    let out = ours(
        &moto,
        &[
            "create",
            "site",
            "-c",
            "--website",
            "--bucket-region",
            "eu-west-1",
        ],
    );
    assert_eq!(
        out.stderr.lines().take(4).collect::<Vec<_>>(),
        [
            "Created bucket: site in region: eu-west-1",
            "Set public access block configuration",
            "Attached bucket policy allowing public access",
            "Configured website: IndexDocument=index.html, ErrorDocument=error.html",
        ]
    );
    let get = |query: &str| {
        let r = moto.s3("GET", &format!("/site?{query}"), b"");
        assert_eq!(r.status, 200, "GET ?{query}: {}", r.text());
        r.text()
    };
    assert!(get("location").contains("eu-west-1"));
    let pab = get("publicAccessBlock");
    assert!(
        pab.contains("<BlockPublicPolicy>false</BlockPublicPolicy>"),
        "{pab}"
    );
    let policy: Value = serde_json::from_str(&get("policy")).expect("a JSON bucket policy");
    assert_eq!(policy["Statement"][0]["Sid"], "AllowAllGetObject");
    assert_eq!(policy["Statement"][0]["Resource"][0], "arn:aws:s3:::site/*");
    let website = get("website");
    assert!(website.contains("<Suffix>index.html</Suffix>"), "{website}");
    assert!(website.contains("<Key>error.html</Key>"), "{website}");
}
