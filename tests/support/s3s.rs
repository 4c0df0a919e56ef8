//! An s3s-fs server: an independent S3 implementation that verifies SigV4 (only when both
//! keys are given, which we always do). Buckets are directories under [`S3s::data_dir`] and
//! objects are files, so tests can seed data by writing files directly.

use super::http::Response;
use super::{TempDir, launch, repo_root, require, sigv4};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

pub const ACCESS_KEY: &str = "AKIDS3S";

pub struct S3s {
    child: Child,
    port: u16,
    secret: String,
    dir: TempDir,
}

impl S3s {
    pub fn start() -> S3s {
        let exe = s3s_fs_path();
        let dir = TempDir::new();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let secret = random_secret();
        let (child, port) = launch("s3s-fs", &dir.path().join("s3s-fs.log"), |port| {
            let mut cmd = Command::new(&exe);
            cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--access-key", ACCESS_KEY, "--secret-key", &secret])
                .arg(&data);
            cmd
        });
        S3s {
            child,
            port,
            secret,
            dir,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// (access key id, secret) the server accepts.
    pub fn keys(&self) -> (String, String) {
        (ACCESS_KEY.to_string(), self.secret.clone())
    }

    /// The directory s3s-fs serves: one subdirectory per bucket.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A signed S3 call, e.g. `s3("PUT", "/bucket", b"")` to create a bucket.
    pub fn s3(&self, method: &str, path_and_query: &str, body: &[u8]) -> Response {
        sigv4::s3_call(
            &self.url(),
            method,
            path_and_query,
            body,
            (ACCESS_KEY, &self.secret),
        )
        .unwrap_or_else(|e| panic!("s3s-fs call: {e}"))
    }
}

impl Drop for S3s {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The copy scripts/setup-test-servers.sh installs, else one on PATH.
fn s3s_fs_path() -> PathBuf {
    let local = repo_root().join(".cache/s3s-fs/bin/s3s-fs");
    if local.exists() {
        return local;
    }
    let on_path = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("s3s-fs"))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| {
        require(Path::new(&local), "s3s-fs");
        unreachable!()
    })
}

/// Random enough for a per-test secret, from std alone (RandomState is seeded by the OS).
fn random_secret() -> String {
    let a = RandomState::new().hash_one(1u8);
    let b = RandomState::new().hash_one(2u8);
    format!("{a:016x}{b:016x}")
}
