//! Region, endpoints, retry settings and the shared AWS files, resolved the way
//! botocore resolves them, so a boto3 user's environment keeps working.
//!
//! Everything reads the environment through [`Env`], so tests inject a [`MapEnv`]
//! and never depend on (or change) the process environment. One file per concern:
//! env.rs (the environment), files.rs (the shared files), endpoints.rs, retry.rs,
//! checksums.rs; here the profile, the region and the CA bundle.

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
/// `"default"`. A variable set to the empty string names the profile `""` (which
/// then does not exist: botocore's `ProfileNotFound`), as in botocore.
pub fn profile_name(env: &dyn Env) -> String {
    PROFILE_VARS
        .iter()
        .find_map(|name| env.var_set(name))
        .unwrap_or_else(|| "default".to_string())
}

/// Whether the user chose a profile, so that a missing one is an error (botocore
/// raises `ProfileNotFound` for any explicitly named profile, even `default`).
pub fn profile_is_explicit(env: &dyn Env, profile: &str) -> bool {
    profile != "default" || PROFILE_VARS.iter().any(|name| env.var_set(name).is_some())
}

mod checksums;
/// The most requests one process runs at once (`--workers`' upper bound): the size of
/// the transport's connection pool, so that every transfer worker keeps its connection.
pub const MAX_PARALLEL_REQUESTS: usize = 256;

mod endpoints;
mod env;
mod error;
mod files;
mod retry;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_botocore;

pub use checksums::*;
pub use endpoints::*;
pub use env::*;
pub use error::ConfigError;
pub use files::*;
pub use retry::*;

/// `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
/// (botocore itself reads only `AWS_DEFAULT_REGION`; `AWS_REGION` is what every
/// other SDK reads, and setting it means the user wants that region.) An empty
/// `AWS_DEFAULT_REGION` is the region `""`, as in botocore: AWS endpoints then fail
/// (`Invalid endpoint: https://sts..amazonaws.com`); an empty `AWS_REGION` is unset.
pub fn region(env: &dyn Env, files: &SharedFiles, profile: &str) -> String {
    env.var("AWS_REGION")
        .or_else(|| env.var_set("AWS_DEFAULT_REGION"))
        .or_else(|| files.config_value(profile, "region"))
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// Whether any region is configured (else [`region`] falls back to us-east-1).
pub fn region_configured(env: &dyn Env, files: &SharedFiles, profile: &str) -> bool {
    env.var("AWS_REGION").is_some()
        || env.var_set("AWS_DEFAULT_REGION").is_some()
        || files.config_value(profile, "region").is_some()
}

/// Where the credential providers call STS (AssumeRole, web identity): the
/// configured STS endpoint, else AWS's. With no region configured anywhere that is
/// the global `sts.amazonaws.com` (signed for us-east-1), as botocore's credential
/// client uses.
pub fn provider_sts_endpoint(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    region: &str,
) -> Result<Endpoint, crate::error::Error> {
    let found = endpoint(Service::Sts, None, env, files, profile, region)?;
    if !found.custom && !region_configured(env, files, profile) {
        return Ok(Endpoint {
            url: "https://sts.amazonaws.com".into(),
            custom: false,
        });
    }
    Ok(found)
}

/// `AWS_CA_BUNDLE` or the profile's `ca_bundle`: a PEM file of trusted roots.
pub fn ca_bundle(env: &dyn Env, files: &SharedFiles, profile: &str) -> Option<String> {
    env.var("AWS_CA_BUNDLE")
        .or_else(|| files.config_value(profile, "ca_bundle"))
}
