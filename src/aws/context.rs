//! The `Context`: a [`Session`] (credentials, region, endpoints and transport)
//! resolved once per command from the common options and the environment, and the
//! service clients made from it. The top of the `aws` layers: nothing below imports it.

use std::time::Duration;

use super::config::{self, Env, ProcessEnv, Service};
use super::credentials::{self, CliAuth, Network, ProfileChoice};
use super::http::{Http, Timeouts};
use super::session::Session;
use super::{iam::Iam, s3::S3, sts::Sts};
use crate::error::Error;

/// What the common AWS options gave.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub auth: CliAuth,
    pub endpoint_url: Option<String>,
    /// `--profile` (not in the original, which reads only `AWS_PROFILE`).
    pub profile: Option<String>,
}

/// A [`Session`] resolved for one command: what the common options and the
/// environment give, and the clients made from it ([`Context::session`] for the rest).
pub struct Context(Session);

impl Context {
    /// Resolve from the process environment.
    pub fn new(opts: &AwsOptions) -> Result<Context, Error> {
        Self::with_env(opts, &ProcessEnv)
    }

    pub fn with_env(opts: &AwsOptions, env: &dyn Env) -> Result<Context, Error> {
        let files = config::load_shared_files(env)?;
        let choice = ProfileChoice::new(opts.profile.as_deref(), env);
        let profile = choice.name.as_str();
        let region = config::region(env, &files, profile);
        let cli = opts.endpoint_url.as_deref();
        let endpoint = |service| config::endpoint(service, cli, env, &files, profile, &region);
        let s3_endpoint = endpoint(Service::S3)?;
        let iam_endpoint = endpoint(Service::Iam)?;
        let sts_endpoint = endpoint(Service::Sts)?;
        // botocore checks these when it makes a client, before any credentials are needed.
        let checksums = config::checksum_config(env, &files, profile)?;
        let retry = config::retry_config(env, &files, profile)?;
        let mut timeouts = Timeouts::default();
        if let Some(secs) = env
            .var("S3_CREDENTIALS_READ_TIMEOUT")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            // from_secs_f64 panics on inf, NaN and values past u64 seconds.
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
        {
            timeouts.read = secs;
        }
        // The transport comes first: assume-role profiles call STS through it.
        let http = Http::new(
            retry,
            config::ca_bundle(env, &files, profile),
            timeouts,
            env,
        );
        // The providers' own STS calls (AssumeRole for a profile, web identity) go where
        // botocore's credential client goes: the configured STS endpoint, not the
        // command's --endpoint-url, which only the command's own clients use.
        let provider_sts = config::provider_sts_endpoint(env, &files, profile, &region)?;
        let network = Network {
            http: &http,
            sts_endpoint: &provider_sts.url,
            region: &region,
        };
        let credentials = credentials::resolve(&opts.auth, env, &files, &choice, &network)?;
        crate::error::register_secret(&credentials.secret_access_key);
        if let Some(token) = &credentials.session_token {
            crate::error::register_secret(token);
        }
        Ok(Context(Session {
            credentials,
            region,
            s3_endpoint,
            iam_endpoint,
            sts_endpoint,
            http,
            checksums,
            regions: Default::default(),
        }))
    }

    /// The session the clients work from (region, transport, credentials...).
    pub fn session(&self) -> &Session {
        &self.0
    }

    pub fn iam(&self) -> Iam<'_> {
        Iam { ctx: &self.0 }
    }

    pub fn sts(&self) -> Sts<'_> {
        Sts { ctx: &self.0 }
    }

    pub fn s3(&self) -> S3<'_> {
        S3::new(&self.0)
    }
}
