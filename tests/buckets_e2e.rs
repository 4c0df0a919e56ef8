//! The bucket commands end to end, side by side with the original s3-credentials 0.17 on
//! the same server state: moto with signature checks and IAM enforcement on, and s3s-fs
//! (an independent S3 implementation that verifies SigV4). For each command line, our
//! stdout, stderr and exit code must be the original's.

use crate::support;

use std::path::Path;

use support::moto::Moto;
use support::original::Session;
use support::s3s::S3s;
use support::{Outcome, TempDir, bin, run};

/// Run command lines through the original in one Python process, with these AWS keys,
/// in `dir`.
fn original(keys: &(String, String), dir: &Path, cases: &[Vec<String>]) -> Vec<Outcome> {
    let home = dir.display().to_string();
    let env: Vec<(String, String)> = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.clone()),
        ("AWS_ACCESS_KEY_ID", keys.0.clone()),
        ("AWS_SECRET_ACCESS_KEY", keys.1.clone()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_CONFIG_FILE", format!("{home}/no-config")),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            format!("{home}/no-credentials"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut session = Session::start(&env, dir);
    cases
        .iter()
        .map(|args| session.run(&args.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect()
}

fn ours(keys: &(String, String), dir: &Path, args: &[String]) -> Outcome {
    run(
        bin()
            .current_dir(dir)
            .env("AWS_ACCESS_KEY_ID", &keys.0)
            .env("AWS_SECRET_ACCESS_KEY", &keys.1)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .args(args),
        None,
    )
}

/// Command lines with `--endpoint-url URL` appended.
fn cases(url: &str, lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            let mut args: Vec<String> = l.split(' ').map(str::to_string).collect();
            args.extend(["--endpoint-url".to_string(), url.to_string()]);
            args
        })
        .collect()
}

/// Runs each case through the original (all first), then through ours; returns the
/// differences. Write commands are idempotent, so both leave the same state.
fn side_by_side(keys: &(String, String), dir: &Path, cases: &[Vec<String>]) -> Vec<String> {
    let theirs = original(keys, dir, cases);
    let mut problems = Vec::new();
    for (args, want) in cases.iter().zip(theirs) {
        let got = ours(keys, dir, args);
        let (want_out, got_out) = (
            String::from_utf8_lossy(&want.stdout),
            String::from_utf8_lossy(&got.stdout),
        );
        if want_out != got_out || want.stderr != got.stderr || want.code != got.code {
            problems.push(format!(
                "{}\n--- original (exit {})\n{want_out}{}\n--- ours (exit {})\n{got_out}{}",
                args[..args.len() - 2].join(" "),
                want.code,
                want.stderr,
                got.code,
                got.stderr
            ));
        }
    }
    problems
}

/// Keys with XML-special, non-ASCII, astral, `+`, `%` and space characters.
const ODD_KEYS: &[&str] = &[
    "a&b<c>.txt",
    "caf\u{e9} \u{65e5}\u{672c}.txt",
    "dir/sp ace.txt",
    "emoji-\u{1F600}.txt",
    "plus+sign%25.txt",
];

#[test]
fn all_eight_commands_match_the_original_on_moto() {
    let moto = Moto::start();
    let keys = moto.admin_key();
    let url = moto.url();
    let expect_ok = |method: &str, path: &str, body: &[u8]| {
        let r = moto.s3(method, path, body);
        assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
    };
    expect_ok("PUT", "/my-bucket", b"");
    expect_ok("PUT", "/static.niche-museums.com", b"");
    expect_ok(
        "PUT",
        "/eu-bucket",
        b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>\
          </CreateBucketConfiguration>",
    );
    for key in ODD_KEYS {
        expect_ok("PUT", &format!("/my-bucket/{key}"), key.as_bytes());
    }
    expect_ok("PUT", "/static.niche-museums.com/index.html", b"<html>");
    expect_ok(
        "PUT",
        "/eu-bucket?website",
        b"<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument>\
          <ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>",
    );
    let dir = TempDir::new();
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Caf\u{e9}\", \"Effect\": \
         \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \
         \"arn:aws:s3:::my-bucket/*\"}]}",
    )
    .unwrap();

    let mut problems = Vec::new();
    // Before any configuration: listings, and the errors of unset configuration.
    problems.extend(side_by_side(
        &keys,
        dir.path(),
        &cases(
            &url,
            &[
                "list-buckets",
                "list-buckets --nl",
                "list-buckets --csv",
                "list-buckets --tsv",
                "list-buckets my-bucket eu-bucket",
                "list-buckets --details",
                "list-bucket my-bucket",
                "list-bucket my-bucket --nl --urls",
                "list-bucket my-bucket --prefix dir/",
                "list-bucket static.niche-museums.com --csv --urls",
                "list-bucket nope",
                "get-cors-policy my-bucket",
                "get-bucket-policy my-bucket",
                "get-public-access-block my-bucket",
                "set-public-access-block my-bucket",
                "set-cors-policy nope",
                "debug-bucket my-bucket",
                "debug-bucket nope",
            ],
        ),
    ));
    // Writes (each run twice, by the original then by us: the same end state).
    problems.extend(side_by_side(
        &keys,
        dir.path(),
        &cases(
            &url,
            &[
                "set-cors-policy my-bucket -m GET -m PUT -o https://www.example.com/ -e ETag --max-age-seconds 60",
                "set-bucket-policy my-bucket --policy-file policy.json",
                "set-bucket-policy eu-bucket --allow-all-get",
                "set-bucket-policy my-bucket --policy-file policy.json --allow-all-get",
                "set-public-access-block my-bucket --block-public-acls true --restrict-public-buckets false",
                "set-public-access-block eu-bucket --allow-public-access",
            ],
        ),
    ));
    // What the writes left.
    problems.extend(side_by_side(
        &keys,
        dir.path(),
        &cases(
            &url,
            &[
                "get-cors-policy my-bucket",
                "get-bucket-policy my-bucket",
                "get-bucket-policy eu-bucket",
                "get-public-access-block my-bucket",
                "get-public-access-block eu-bucket",
                "debug-bucket my-bucket",
                "debug-bucket eu-bucket",
                "list-buckets --details",
                "list-buckets --details --nl",
            ],
        ),
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));

    // The original crashes on these (ChecksumAlgorithm / region are not CSV columns); we
    // print the columns it asked for.
    let out = ours(
        &keys,
        dir.path(),
        &cases(&url, &["list-bucket my-bucket --csv"])[0],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout_str().split("\r\n").collect();
    assert_eq!(lines[0], "Key,LastModified,ETag,Size,StorageClass,Owner");
    assert_eq!(lines.len(), ODD_KEYS.len() + 2, "{}", out.stdout_str());
    let out = ours(
        &keys,
        dir.path(),
        &cases(&url, &["list-buckets --details --tsv"])[0],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout_str()
            .starts_with("Name\tCreationDate\tbucket_acl\tpublic_access_block\tbucket_website\r\n")
    );

    // A wrong secret is refused by moto's signature check, for our requests too.
    let wrong = (keys.0.clone(), "not-the-secret".to_string());
    let out = ours(
        &wrong,
        dir.path(),
        &cases(&url, &["list-bucket my-bucket"])[0],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("(SignatureDoesNotMatch)"),
        "{}",
        out.stderr
    );
}

#[test]
fn listing_commands_match_the_original_on_s3s_fs() {
    let server = S3s::start();
    let keys = server.keys();
    let url = server.url();
    let data = server.data_dir();
    // Buckets are directories and objects files: seeded directly.
    for key in ODD_KEYS {
        let path = data.join("my-bucket").join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, key.as_bytes()).unwrap();
    }
    std::fs::create_dir_all(data.join("static.niche-museums.com")).unwrap();
    std::fs::write(data.join("static.niche-museums.com/index.html"), "<html>").unwrap();
    // More keys than one ListObjectsV2 page holds (1000).
    let big = data.join("big-bucket");
    std::fs::create_dir_all(&big).unwrap();
    for i in 0..2345 {
        std::fs::write(big.join(format!("key-{i:05}")), b"").unwrap();
    }
    let dir = TempDir::new();
    let problems = side_by_side(
        &keys,
        dir.path(),
        &cases(
            &url,
            &[
                "list-buckets",
                "list-buckets --nl",
                "list-buckets --csv",
                "list-buckets big-bucket",
                "list-bucket my-bucket",
                "list-bucket my-bucket --tsv --urls",
                "list-bucket my-bucket --prefix dir/",
                "list-bucket static.niche-museums.com",
                "list-bucket big-bucket --nl",
                "list-bucket nope",
                // s3s-fs has HeadBucket but none of the configuration calls: both tools
                // must say NotImplemented in the same words.
                "set-cors-policy my-bucket",
                "set-cors-policy nope",
                "get-cors-policy my-bucket",
                "get-bucket-policy my-bucket",
                "set-bucket-policy my-bucket --allow-all-get",
                "get-public-access-block my-bucket",
                "debug-bucket my-bucket",
            ],
        ),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let out = ours(
        &keys,
        dir.path(),
        &cases(&url, &["list-bucket big-bucket --nl"])[0],
    );
    assert_eq!(out.stdout_str().lines().count(), 2345);

    // The original dies with a traceback on these; ours is one Error line.
    for line in [
        "list-buckets --details",
        "set-public-access-block my-bucket --allow-public-access",
    ] {
        let out = ours(&keys, dir.path(), &cases(&url, &[line])[0]);
        assert_eq!(out.code, 1, "{line}");
        assert!(
            out.stderr
                .starts_with("Error: An error occurred (NotImplemented)")
                && out.stderr.lines().count() == 1,
            "{line}: {}",
            out.stderr
        );
    }
}
