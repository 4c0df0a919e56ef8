//! Region, endpoints, retry settings and the shared AWS files, resolved the way
//! botocore resolves them, so a boto3 user's environment keeps working.
//!
//! Everything reads the environment through [`Env`], so tests inject a [`MapEnv`]
//! and never depend on (or change) the process environment.

use std::collections::HashMap;

use crate::error::Error;

/// Read environment variables through this so tests can inject them.
/// An empty value counts as unset.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// A fixed set of variables, for tests.
pub struct MapEnv(pub HashMap<String, String>);

impl MapEnv {
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        MapEnv(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    S3,
    Iam,
    Sts,
    /// The IAM Identity Center portal (GetRoleCredentials).
    Sso,
    /// IAM Identity Center's OIDC service (CreateToken, to refresh a token).
    SsoOidc,
    /// The sign-in service behind `aws login` (CreateOAuth2Token).
    Signin,
}

impl Service {
    /// botocore's snake-case service id, used in `AWS_ENDPOINT_URL_<ID>` and in
    /// `[services]` sections.
    pub fn id(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Sso => "sso",
            Service::SsoOidc => "sso_oidc",
            Service::Signin => "signin",
        }
    }
}

/// The environment variables that name a profile. botocore checks
/// `AWS_DEFAULT_PROFILE` before `AWS_PROFILE` (`BOTOCORE_DEFAUT_SESSION_VARIABLES`),
/// so a boto3 user with both set gets the former; we keep that.
const PROFILE_VARS: [&str; 2] = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"];

/// Profile name: `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE` (botocore's order), else
/// `"default"`.
pub fn profile_name(env: &dyn Env) -> String {
    PROFILE_VARS
        .iter()
        .find_map(|name| env.var(name))
        .unwrap_or_else(|| "default".to_string())
}

/// Whether the user chose a profile, so that a missing one is an error (botocore
/// raises `ProfileNotFound` for any explicitly named profile, even `default`).
pub fn profile_is_explicit(env: &dyn Env, profile: &str) -> bool {
    profile != "default" || PROFILE_VARS.iter().any(|name| env.var(name).is_some())
}

mod checksums;
/// The most requests one process runs at once (`--workers`' upper bound): the size of
/// the transport's connection pool, so that every transfer worker keeps its connection.
pub const MAX_PARALLEL_REQUESTS: usize = 256;

mod endpoints;
mod files;
#[cfg(test)]
mod tests;

pub use checksums::*;
pub use endpoints::*;
pub use files::*;

/// `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
/// (botocore itself reads only `AWS_DEFAULT_REGION`; `AWS_REGION` is what every
/// other SDK reads, and setting it means the user wants that region.)
pub fn region(env: &dyn Env, files: &SharedFiles, profile: &str) -> String {
    env.var("AWS_REGION")
        .or_else(|| env.var("AWS_DEFAULT_REGION"))
        .or_else(|| files.config_value(profile, "region"))
        .unwrap_or_else(|| "us-east-1".to_string())
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryMode {
    Standard,
    Legacy,
    Adaptive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts, the first one included (at least 1).
    pub max_attempts: u32,
    pub mode: RetryMode,
}

/// `AWS_MAX_ATTEMPTS` / profile `max_attempts` (default 3; 5 in legacy mode, as
/// botocore's `_retry.json` has it), `AWS_RETRY_MODE` / profile `retry_mode`
/// (default standard). Invalid values are an error, as in botocore.
pub fn retry_config(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
) -> Result<RetryConfig, Error> {
    let mode = match env.var("AWS_RETRY_MODE") {
        Some(v) => Some((v, "AWS_RETRY_MODE")),
        None => files
            .config_value(profile, "retry_mode")
            .map(|v| (v, "retry_mode in the config file")),
    };
    let mode = match mode {
        None => RetryMode::Standard,
        Some((v, source)) => match v.as_str() {
            "standard" => RetryMode::Standard,
            "legacy" => RetryMode::Legacy,
            "adaptive" => RetryMode::Adaptive,
            _ => {
                return Err(Error::Msg(format!(
                    "Invalid retry mode \"{}\" (from {source}): must be one of: legacy, standard, adaptive",
                    one_line(&v)
                )));
            }
        },
    };
    let attempts = match env.var("AWS_MAX_ATTEMPTS") {
        Some(v) => Some((v, "AWS_MAX_ATTEMPTS")),
        None => files
            .config_value(profile, "max_attempts")
            .map(|v| (v, "max_attempts in the config file")),
    };
    let max_attempts = match attempts {
        None if mode == RetryMode::Legacy => 5,
        None => 3,
        Some((v, source)) => match v.trim().parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(Error::Msg(format!(
                    "Invalid max attempts \"{}\" (from {source}): must be an integer greater than or equal to 1",
                    one_line(&v)
                )));
            }
        },
    };
    Ok(RetryConfig { max_attempts, mode })
}

/// `AWS_CA_BUNDLE` or the profile's `ca_bundle`: a PEM file of trusted roots.
pub fn ca_bundle(env: &dyn Env, files: &SharedFiles, profile: &str) -> Option<String> {
    env.var("AWS_CA_BUNDLE")
        .or_else(|| files.config_value(profile, "ca_bundle"))
}
