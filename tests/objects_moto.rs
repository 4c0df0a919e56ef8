//! The object commands end to end against moto with signature checks and IAM policy
//! enforcement on: each command and option once, the original's transcript outputs, a
//! multipart round trip and keys with spaces, unicode and '+' through a listing.

use crate::support;

use std::path::Path;
use std::process::Command;

use sha2::Digest;
use support::moto::Moto;
use support::{TempDir, bin, run};

fn cmd(moto: &Moto, dir: &Path, args: &[&str]) -> Command {
    let (key, secret) = moto.admin_key();
    let mut c = bin();
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .args(args)
        .args(["--endpoint-url", &moto.url()]);
    c
}

#[test]
fn every_command_against_moto_with_auth_on() {
    let moto = Moto::start();
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    let dir = TempDir::new();
    let d = dir.path();
    std::fs::write(d.join("hello.txt"), "Hello world\n").unwrap();
    std::fs::create_dir_all(d.join("files/sub")).unwrap();
    std::fs::write(d.join("files/f1.txt"), "file 1\n").unwrap();
    std::fs::write(d.join("files/sub/page.html"), "<p>x</p>").unwrap();
    let step = |args: &[&str], stdin: Option<&[u8]>| run(&mut cmd(&moto, d, args), stdin);

    let out = step(&["put-object", "my-bucket", "hello.txt", "hello.txt"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Uploading\n"),
        "{}",
        moto.log()
    );
    let out = step(
        &["put-object", "my-bucket", "a+b ü.txt", "-", "-s"],
        Some(b"from stdin"),
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = step(&["get-object", "my-bucket", "hello.txt"], None);
    assert_eq!(
        (out.code, out.stdout.as_slice()),
        (0, &b"Hello world\n"[..])
    );
    let out = step(
        &["get-object", "my-bucket", "a+b ü.txt", "-o", "got.txt"],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(d.join("got.txt")).unwrap(), b"from stdin");

    // A wrong secret is refused by the signature check.
    let out = run(
        cmd(&moto, d, &["get-object", "my-bucket", "hello.txt"])
            .env("AWS_SECRET_ACCESS_KEY", "wrong"),
        None,
    );
    assert_eq!(out.code, 1);

    let out = step(
        &["put-objects", "my-bucket", "files", "--prefix", "pre"],
        None,
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Uploading 15.0 bytes (2 files)\n")
    );
    // The listing decodes '+' and unicode keys: everything comes back.
    let out = step(&["get-objects", "my-bucket", "-o", "out"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Downloading 37.0 bytes (4 files)\n")
    );
    assert_eq!(
        std::fs::read(d.join("out/a+b ü.txt")).unwrap(),
        b"from stdin"
    );
    assert_eq!(
        std::fs::read(d.join("out/pre/files/sub/page.html")).unwrap(),
        b"<p>x</p>"
    );
    let out = step(
        &[
            "get-objects",
            "my-bucket",
            "-p",
            "pre/*",
            "-o",
            "out2",
            "-s",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(d.join("out2/pre/files/f1.txt").is_file());
    assert!(!d.join("out2/hello.txt").exists());

    let out = step(
        &["delete-objects", "my-bucket", "--prefix", "pre/", "-d"],
        None,
    );
    assert_eq!(
        out.stdout_str(),
        "The following keys would be deleted:\npre/files/f1.txt\npre/files/sub/page.html\n"
    );
    let out = step(&["delete-objects", "my-bucket", "--prefix", "pre/"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Deleting 2 objects from my-bucket\n")
    );
    let out = step(
        &[
            "delete-objects",
            "my-bucket",
            "hello.txt",
            "a+b ü.txt",
            "-s",
        ],
        None,
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = step(&["get-objects", "my-bucket", "-o", "empty"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Downloading 0.0 bytes (0 files)\n")
    );
}

#[test]
fn multipart_round_trip_against_moto() {
    let moto = Moto::start();
    assert_eq!(moto.s3("PUT", "/bkt", b"").status, 200);
    let dir = TempDir::new();
    let d = dir.path();
    // 17 MiB: three parts of 8, 8 and 1 MiB, each with its CRC32, which moto checks.
    let bytes: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(d.join("big.bin"), &bytes).unwrap();
    let out = run(
        &mut cmd(&moto, d, &["put-object", "bkt", "big.bin", "big.bin", "-s"]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(
        &mut cmd(
            &moto,
            d,
            &["get-object", "bkt", "big.bin", "-o", "back.bin"],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let digest = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    assert_eq!(
        digest(&std::fs::read(d.join("back.bin")).unwrap()),
        digest(&bytes)
    );
}
