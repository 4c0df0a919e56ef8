//! The IAM commands against moto with signature checks and IAM enforcement on, side
//! by side with the original 0.17 on the same server state: stdout byte for byte.

use crate::support;

use support::moto::Moto;
use support::original::Session;
use support::{Outcome, bin, run};

fn with_admin<'c>(
    cmd: &'c mut std::process::Command,
    moto: &Moto,
) -> &'c mut std::process::Command {
    let (id, secret) = moto.admin_key();
    cmd.env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
}

fn ours(moto: &Moto, args: &[&str]) -> Outcome {
    let mut cmd = bin();
    with_admin(&mut cmd, moto)
        .args(args)
        .args(["--endpoint-url", &moto.url()]);
    run(&mut cmd, None)
}

/// The original's stdout for each argument list, all run in one Python process.
fn original(moto: &Moto, cases: &[&[&str]]) -> Vec<String> {
    let (id, secret) = moto.admin_key();
    let home = std::env::temp_dir().display().to_string();
    let env: Vec<(String, String)> = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_ACCESS_KEY_ID", id),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_CONFIG_FILE", "/dev/null".into()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut session = Session::start(&env, &std::env::temp_dir());
    let url = moto.url();
    cases
        .iter()
        .map(|args| {
            let args = [args, &["--endpoint-url", url.as_str()][..]].concat();
            let out = session.run(&args);
            assert_eq!(out.code, 0, "the original failed, {args:?}: {}", out.stderr);
            out.stdout_str().to_string()
        })
        .collect()
}

#[test]
fn list_commands_match_the_original_then_delete_user_cleans_up() {
    let moto = Moto::start();
    for args in [
        &["create", "alpha", "-c", "--silent"][..],
        &["create", "alpha", "beta", "-c", "--read-only", "--silent"],
        &[
            "create",
            "beta",
            "--username",
            "uploader",
            "--write-only",
            "--prefix",
            "in/",
            "--silent",
        ],
    ] {
        let out = ours(&moto, args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    for params in [
        vec![
            ("Action", "CreateRole"),
            ("RoleName", "worker"),
            ("AssumeRolePolicyDocument", trust),
            ("Description", "Runs jobs"),
        ],
        vec![
            ("Action", "PutRolePolicy"),
            ("RoleName", "worker"),
            ("PolicyName", "no-delete"),
            ("PolicyDocument", policy),
        ],
        vec![
            ("Action", "AttachRolePolicy"),
            ("RoleName", "worker"),
            (
                "PolicyArn",
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            ),
        ],
    ] {
        let r = moto.iam(&params);
        assert_eq!(r.status, 200, "{}", r.text());
    }

    let cases: [&[&str]; 10] = [
        &["list-users"],
        &["list-users", "--nl"],
        &["list-users", "--csv"],
        &["list-users", "--tsv"],
        &["list-roles"],
        &["list-roles", "--details"],
        &["list-roles", "--csv", "--details"],
        &["list-roles", "worker", "--nl"],
        &["list-user-policies"],
        &["list-user-policies", "uploader", "s3.read-only.alpha,beta"],
    ];
    let theirs = original(&moto, &cases);
    for (args, expected) in cases.iter().zip(&theirs) {
        let mine = ours(&moto, args);
        assert_eq!(mine.code, 0, "{args:?}: {}", mine.stderr);
        assert_eq!(mine.stdout_str(), expected, "{args:?}");
        assert_eq!(mine.stderr, "", "{args:?}");
    }
    // Both sides printed something real (a CSV header with \r\n, the role's policy).
    assert!(theirs[2].starts_with("UserName,UserId,Arn,Path,CreateDate,"));
    assert!(theirs[2].contains("\r\n"));
    assert!(theirs[5].contains("\"PolicyName\": \"no-delete\""));

    let out = ours(
        &moto,
        &[
            "delete-user",
            "s3.read-write.alpha",
            "s3.read-only.alpha,beta",
            "uploader",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout_str().lines().collect();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("  Deleted policy: "))
            .count(),
        4,
        "{lines:?}"
    );
    assert!(lines.contains(&"  Deleted policy: s3.read-only.beta"));
    assert!(lines.contains(&"  Deleted policy: s3.write-only.beta"));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("  Deleted access key: AKIA"))
            .count(),
        3
    );
    assert_eq!(lines.iter().filter(|l| **l == "  Deleted user").count(), 3);
    // Only the admin is left, as both tools list it.
    let after = ours(&moto, &["list-users", "--nl"]);
    assert_eq!(
        after.stdout_str(),
        original(&moto, &[&["list-users", "--nl"]])[0]
    );
    assert_eq!(after.stdout_str().lines().count(), 1);
    assert!(after.stdout_str().contains("\"UserName\": \"admin\""));

    // A missing user: the original's first line, then one Error line.
    let missing = ours(&moto, &["delete-user", "uploader"]);
    assert_eq!(missing.code, 1);
    assert_eq!(missing.stdout_str(), "User: uploader\n");
    assert!(
        missing.stderr.starts_with(
            "Error: An error occurred (NoSuchEntity) when calling the ListUserPolicies operation: "
        ),
        "{}",
        missing.stderr
    );
    assert_eq!(missing.stderr.lines().count(), 1);
}
