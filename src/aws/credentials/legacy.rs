//! The two oldest places botocore still looks, after the profile: the EC2 API tools'
//! key file (`AWS_CREDENTIAL_FILE`, `AWSAccessKeyId=` / `AWSSecretKey=` lines,
//! `OriginalEC2Provider`) and boto2's config (`BOTO_CONFIG`, else `/etc/boto.cfg` then
//! `~/.boto`, section `[Credentials]`, `BotoProvider`). Neither holds a session token.

use super::error::CredentialsError;
use super::partial;
use crate::aws::Credentials;
use crate::aws::config::{self, Env};
use crate::aws::ini;
use crate::error::Error;

/// `AWS_CREDENTIAL_FILE`: a file named there must exist, as botocore requires.
pub(super) fn ec2_credential_file(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let Some(path) = env.var("AWS_CREDENTIAL_FILE") else {
        return Ok(None);
    };
    let path = config::expand_path(env, &path);
    let text = std::fs::read_to_string(&path)
        .map_err(|_| CredentialsError::LegacyFileMissing { path: path.clone() })?;
    let value = |name: &str| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .filter(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_string())
            .next_back()
    };
    let Some(access_key_id) = value("AWSAccessKeyId") else {
        return Ok(None);
    };
    let secret_access_key =
        value("AWSSecretKey").ok_or_else(|| partial("ec2-credentials-file", "AWSSecretKey"))?;
    Ok(Some(Credentials {
        access_key_id,
        secret_access_key,
        session_token: None,
    }))
}

/// boto2's config: the first file that exists and has `[Credentials]` with a key.
pub(super) fn boto_config(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let locations = match env.var("BOTO_CONFIG") {
        Some(path) => vec![path],
        None => vec!["/etc/boto.cfg".to_string(), "~/.boto".to_string()],
    };
    for location in locations {
        let path = config::expand_path(env, &location);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let parsed = ini::parse(&text).map_err(|source| CredentialsError::BotoConfig {
            path: path.clone(),
            source,
        })?;
        if let Some(access_key_id) = parsed.get("Credentials", "aws_access_key_id") {
            let secret = parsed
                .get("Credentials", "aws_secret_access_key")
                .ok_or_else(|| partial("boto-config", "aws_secret_access_key"))?;
            return Ok(Some(Credentials {
                access_key_id: access_key_id.to_string(),
                secret_access_key: secret.to_string(),
                session_token: None,
            }));
        }
    }
    Ok(None)
}
