//! The JSON token caches the AWS CLI writes and botocore reads and writes back:
//! `~/.aws/sso/cache/<sha1>.json` (`aws sso login`) and
//! `~/.aws/login/cache/<sha256>.json` (`aws login`). Same file names, same JSON, and
//! the same atomic replacement as botocore's `JSONFileCache`, so the AWS CLI and this
//! tool can share them.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::error::CredentialsError;
use crate::aws::config::{self, Env};
use crate::error::Error;
use crate::output::parse_aws_timestamp;

/// A cache directory: `~/.aws/sso/cache` or, for `aws login`,
/// `AWS_LOGIN_CACHE_DIRECTORY` else `~/.aws/login/cache`.
pub(super) fn sso_dir(env: &dyn Env) -> PathBuf {
    config::expand_path(env, "~/.aws/sso/cache")
}

pub(super) fn login_dir(env: &dyn Env) -> PathBuf {
    let dir = env
        .var("AWS_LOGIN_CACHE_DIRECTORY")
        .unwrap_or_else(|| "~/.aws/login/cache".to_string());
    config::expand_path(env, &dir)
}

/// botocore's SSO cache key: the SHA-1 of the session name (or, for the legacy
/// form, of the start URL), in hex.
pub(super) fn sso_key(name: &str) -> String {
    hex::encode(ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        name.as_bytes(),
    ))
}

/// botocore's `generate_login_cache_key`: the SHA-256 of the login session, in hex.
pub(super) fn login_key(session: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(session.as_bytes()))
}

/// The cached document, or `None` when the file is missing or is not a JSON object
/// (botocore's cache treats an unreadable entry as absent).
pub(super) fn read(dir: &Path, key: &str) -> Option<Map<String, Value>> {
    let text = std::fs::read_to_string(dir.join(format!("{key}.json"))).ok()?;
    match serde_json::from_str(&text).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Replace the cached document atomically: a private temporary file in the same
/// directory, flushed to disk, then renamed over the old one, so a reader (the AWS
/// CLI at the same moment) sees the old token or the new one, never half of one.
pub(super) fn write(dir: &Path, key: &str, doc: &impl serde::Serialize) -> Result<(), Error> {
    let failed = |source: std::io::Error| CredentialsError::TokenCacheWrite {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    let text = crate::output::dumps(&doc, None);
    let temp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = open_private(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, dir.join(format!("{key}.json")))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|e| failed(e).into())
}

/// A new file only its owner can read: the cache holds bearer tokens.
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// A cache timestamp as the AWS CLI versions have written them (`...Z`, `...+00:00`,
/// and the old `%Y-%m-%dT%H:%M:%SUTC`), as dateutil reads them.
pub(crate) fn parse_cache_time(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    parse_aws_timestamp(s.strip_suffix("UTC").unwrap_or(s))
}

/// A UTC time as the caches store it: `%Y-%m-%dT%H:%M:%SZ`.
pub(super) fn format_cache_time(t: OffsetDateTime) -> String {
    format!("{}Z", crate::output::utc_seconds(t, 'T'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keys_are_botocores() {
        // hashlib.sha1(b"my-sso").hexdigest() and hashlib.sha256(b"arn:...").hexdigest()
        assert_eq!(
            sso_key("my-sso"),
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        );
        assert_eq!(
            sso_key("https://my-sso-portal.awsapps.com/start"),
            "c7aaaf71fcc8777ae2475525ed049d39fe16c484"
        );
        assert_eq!(
            login_key("arn:aws:iam::0123456789012:user/Admin"),
            "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726"
        );
    }

    #[test]
    fn cache_times() {
        let t = parse_cache_time("2026-12-02T17:00:00Z").unwrap();
        assert_eq!(format_cache_time(t), "2026-12-02T17:00:00Z");
        for s in [
            "2026-12-02T17:00:00UTC",
            "2026-12-02T17:00:00+00:00",
            "2026-12-02T18:00:00+01:00",
        ] {
            assert_eq!(parse_cache_time(s), Some(t), "{s}");
        }
        assert_eq!(parse_cache_time("tomorrow"), None);
    }

    #[test]
    fn write_replaces_atomically_and_privately() {
        let dir = std::env::temp_dir().join(format!("s3creds-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut doc = Map::new();
        doc.insert("accessToken".into(), Value::String("one".into()));
        write(&dir, "k", &doc).unwrap();
        doc.insert("accessToken".into(), Value::String("two".into()));
        write(&dir, "k", &doc).unwrap();
        assert_eq!(
            read(&dir, "k").unwrap()["accessToken"],
            Value::String("two".into())
        );
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["k.json"], "no temporary file is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("k.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.join("bad.json"), "not json").unwrap();
        assert!(read(&dir, "bad").is_none());
        assert!(read(&dir, "missing").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
