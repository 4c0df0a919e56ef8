//! `presign` end to end: URLs printed by the binary, fetched with plain curl from s3s-fs
//! (which checks the query-string signature), and the checks on `--expires-in`.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::s3s::S3s;
use support::{Outcome, TempDir, bin, run};

fn presign(server: &S3s, dir: &Path, args: &[&str]) -> Outcome {
    let (key, secret) = server.keys();
    let mut c = bin();
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("presign")
        .args(args)
        .args(["--endpoint-url", &server.url()]);
    run(&mut c, None)
}

fn url_of(out: &Outcome) -> String {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    let text = out.stdout_str();
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "{text:?}"
    );
    text.trim_end().to_string()
}

fn upload(server: &S3s, dir: &Path, key: &str, file: &str) -> Outcome {
    let (access, secret) = server.keys();
    let mut c = bin();
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", access)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .args([
            "put-object",
            "bkt",
            key,
            file,
            "-s",
            "--endpoint-url",
            &server.url(),
        ]);
    run(&mut c, None)
}

/// curl with no AWS knowledge: `-f` turns an HTTP error into exit 22.
fn curl(args: &[&str]) -> Outcome {
    run(
        Command::new("curl")
            .args(["-sS", "-f", "--noproxy", "*"])
            .args(args),
        None,
    )
}

#[test]
fn get_urls_download_the_object_with_plain_curl() {
    let server = S3s::start();
    assert_eq!(server.s3("PUT", "/bkt", b"").status, 200);
    let dir = TempDir::new();
    // A plain key, and one that needs encoding (space, plus, non-ASCII, slash kept).
    for (key, path) in [
        ("hello.txt", "/bkt/hello.txt"),
        ("dir/a b+c é.txt", "/bkt/dir/a%20b%2Bc%20%C3%A9.txt"),
    ] {
        let body = format!("contents of {key}");
        std::fs::write(dir.path().join("body"), &body).unwrap();
        let put = upload(&server, dir.path(), key, "body");
        assert_eq!(put.code, 0, "put-object: {}", put.stderr);
        let url = url_of(&presign(&server, dir.path(), &["bkt", key]));
        assert!(
            url.starts_with(&format!("{}{path}?", server.url())),
            "{url}"
        );
        assert!(url.contains("&X-Amz-Expires=3600&"), "{url}");
        let got = curl(&[&url]);
        assert_eq!(got.code, 0, "curl {url}: {}", got.stderr);
        assert_eq!(got.stdout, body.as_bytes(), "{key}");
    }
}

#[test]
fn put_urls_upload_with_curl_t_and_tampered_urls_are_refused() {
    let server = S3s::start();
    assert_eq!(server.s3("PUT", "/bkt", b"").status, 200);
    let dir = TempDir::new();
    let file = dir.path().join("upload.bin");
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &bytes).unwrap();
    let url = url_of(&presign(
        &server,
        dir.path(),
        &["bkt", "up.bin", "--method", "PUT", "--expires-in", "600"],
    ));
    assert!(url.contains("&X-Amz-Expires=600&"), "{url}");
    let put = curl(&["-T", file.to_str().unwrap(), &url]);
    assert_eq!(put.code, 0, "curl -T: {}", put.stderr);
    let stored = std::fs::read(server.data_dir().join("bkt").join("up.bin")).unwrap();
    assert_eq!(stored, bytes);

    // A GET URL does not allow a PUT, and a URL for one key does not open another.
    let get_url = url_of(&presign(&server, dir.path(), &["bkt", "up.bin"]));
    assert_eq!(curl(&[&get_url]).stdout, bytes);
    assert_eq!(curl(&["-T", file.to_str().unwrap(), &get_url]).code, 22);
    let other_key = get_url.replacen("/up.bin?", "/other.bin?", 1);
    assert_eq!(curl(&[&other_key]).code, 22);
    let longer = get_url.replacen("X-Amz-Expires=3600", "X-Amz-Expires=3601", 1);
    assert_eq!(curl(&[&longer]).code, 22);
}

#[test]
fn temporary_credentials_cut_the_url_short_with_a_warning() {
    let server = S3s::start();
    let dir = TempDir::new();
    let (key, secret) = server.keys();
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(600);
    let write_auth = |name: &str, at: time::OffsetDateTime| {
        // As `create --duration` prints it: str(datetime), a space between date and time.
        let expiration = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
        let json = serde_json::json!({
            "AccessKeyId": key, "SecretAccessKey": secret, "Expiration": expiration,
        });
        std::fs::write(dir.path().join(name), json.to_string()).unwrap();
    };
    write_auth("soon.json", soon);
    let out = presign(&server, dir.path(), &["bkt", "k", "-a", "soon.json"]);
    let url = url_of(&out);
    let expires: u64 = url
        .split("X-Amz-Expires=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!((590..=600).contains(&expires), "{url}");
    assert!(
        out.stderr
            .starts_with("Warning: the credentials expire at ")
            && out.stderr.contains("before the 3600 seconds asked for"),
        "{}",
        out.stderr
    );

    // Shorter than the credentials: no warning, the requested time.
    let out = presign(
        &server,
        dir.path(),
        &["bkt", "k", "-a", "soon.json", "--expires-in", "60"],
    );
    assert!(url_of(&out).contains("&X-Amz-Expires=60&"));
    assert_eq!(out.stderr, "");

    write_auth("gone.json", soon - time::Duration::seconds(3600));
    let out = presign(&server, dir.path(), &["bkt", "k", "-a", "gone.json"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("Error: the credentials expired at "),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn expiry_outside_one_second_to_a_week_is_a_usage_error() {
    let dir = TempDir::new();
    for (value, message) in [
        ("0", "0 is not in the range 1<=x<=604800."),
        ("-5", "-5 is not in the range 1<=x<=604800."),
        ("604801", "604801 is not in the range 1<=x<=604800."),
        ("1h", "'1h' is not a valid integer."),
    ] {
        let mut c = bin();
        c.current_dir(dir.path())
            .env_clear()
            .args(["presign", "b", "k", "--expires-in", value]);
        let out = run(&mut c, None);
        assert_eq!(out.code, 2, "{value}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "Usage: s3-credentials presign [OPTIONS] BUCKET KEY\n\
                 Try 's3-credentials presign --help' for help.\n\n\
                 Error: Invalid value for '--expires-in': {message}\n"
            )
        );
        assert!(out.stdout.is_empty());
    }
    let mut c = bin();
    c.env_clear()
        .args(["presign", "b", "k", "--method", "DELETE"]);
    let out = run(&mut c, None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.ends_with(
            "Error: Invalid value for '--method': 'DELETE' is not one of 'GET', 'PUT'.\n"
        ),
        "{}",
        out.stderr
    );
}
