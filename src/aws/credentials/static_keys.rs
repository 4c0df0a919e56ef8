//! Keys written down: the environment and a profile's section in the shared files,
//! with botocore's partial-credentials errors.

use time::OffsetDateTime;

use super::error::CredentialsError;
use super::expiry::{parse_expiry, seconds_left};
use crate::aws::Credentials;
use crate::aws::config::Env;
use crate::error::Error;

/// botocore's `PartialCredentialsError` wording.
pub(super) fn partial(provider: &str, missing: &'static str) -> Error {
    CredentialsError::Partial {
        provider: provider.to_string(),
        missing,
    }
    .into()
}

/// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, with `AWS_SECURITY_TOKEN` or
/// `AWS_SESSION_TOKEN` (botocore checks them in that order). Empty values count as
/// unset here, as botocore's `EnvProvider` tests them for truth. With
/// `AWS_CREDENTIAL_EXPIRATION`, keys past it are refused, as botocore refuses them.
pub(super) fn from_env(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let Some(access_key_id) = env.var("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let Some(secret_access_key) = env.var("AWS_SECRET_ACCESS_KEY") else {
        return Err(partial("env", "AWS_SECRET_ACCESS_KEY"));
    };
    let session_token = env
        .var("AWS_SECURITY_TOKEN")
        .or_else(|| env.var("AWS_SESSION_TOKEN"));
    if let Some(expiry) = env.var("AWS_CREDENTIAL_EXPIRATION") {
        let expiry =
            parse_expiry("AWS_CREDENTIAL_EXPIRATION", &expiry).map_err(CredentialsError::Expiry)?;
        // botocore "refreshes" by reading the same variables again, so keys past
        // their expiry stay past it.
        if seconds_left(expiry, OffsetDateTime::now_utc()) <= 0 {
            return Err(CredentialsError::StillExpired.into());
        }
    }
    Ok(Some(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
    }))
}

/// Keys from one profile section (credentials or config file).
pub(super) fn from_profile_section(
    provider: &str,
    value: impl Fn(&str) -> Option<String>,
    has: impl Fn(&str) -> bool,
) -> Result<Credentials, Error> {
    // `key =` with indented `a = b` lines under it is a nested block to botocore,
    // which would sign with the text of a Python dict; say so instead.
    for key in [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
    ] {
        if has(key) && value(key).is_none() {
            return Err(CredentialsError::IndentedBlock {
                key,
                provider: provider.to_string(),
            }
            .into());
        }
    }
    let access_key_id = value("aws_access_key_id").unwrap_or_default();
    if !has("aws_secret_access_key") {
        return Err(partial(provider, "aws_secret_access_key"));
    }
    let secret_access_key = value("aws_secret_access_key").unwrap_or_default();
    let session_token = ["aws_security_token", "aws_session_token"]
        .iter()
        .find(|key| has(key))
        .and_then(|key| value(key))
        .filter(|t| !t.is_empty());
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
    })
}
