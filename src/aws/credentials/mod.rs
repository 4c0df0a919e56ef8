//! Where the keys come from, in botocore's order (`create_credential_resolver`), so
//! that every way a boto3 user supplies credentials keeps working:
//!
//! 1. `--access-key`/`--secret-key`/`--session-token`, or the `--auth` file;
//! 2. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ token), unless `--profile`
//!    names a profile (botocore skips the environment for a profile set on the
//!    session);
//! 3. assume-role: the profile's `role_arn` with `source_profile` (a chain of any
//!    length) or `credential_source`, exchanged at STS with `AssumeRole`;
//! 4. the profile's own providers, in `ProfileProviderBuilder`'s order: web identity,
//!    IAM Identity Center (SSO), keys in the credentials file, `aws login`,
//!    `credential_process`, keys in the config file;
//! 5. the EC2 tools' `AWS_CREDENTIAL_FILE` and boto2's config (`BOTO_CONFIG`,
//!    `/etc/boto.cfg`, `~/.boto`);
//! 6. container credentials (ECS, EKS Pod Identity);
//! 7. EC2 instance metadata (IMDSv2, falling back to v1 as botocore does).
//!
//! Results live for the process only: nothing is cached on disk except the SSO and
//! `aws login` token caches, which botocore itself writes back after a refresh.
//!
//! No secret ever goes into an error message: not the keys, not a process's output,
//! not a JSON document that failed to parse.

use super::Credentials;
use super::config::{self, Env, SharedFiles};
use super::http::Http;
use crate::error::Error;

mod assume_role;
mod auth;
mod container;
mod error;
mod expiry;
mod imds;
mod json_api;
mod legacy;
mod login;
mod process;
mod py_int;
mod shapes;
mod sso;
mod static_keys;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_assume;
#[cfg(test)]
mod tests_botocore;
#[cfg(test)]
mod tests_tokens;
mod token_cache;
mod web_identity;

pub(crate) use auth::CliAuth;
pub(crate) use error::CredentialsError;
// The tests' way to parse_auth_content, and crate::fuzzing's.
pub(crate) use auth::parse_auth_content;
#[cfg(test)]
use token_cache::parse_cache_time;

use auth::json_error;
use static_keys::{from_env, from_profile_section, partial};

/// Which profile, and how it was chosen.
#[derive(Debug, Clone)]
pub(crate) struct ProfileChoice {
    pub name: String,
    /// `--profile` named it. As with a profile set on a boto3 session, environment
    /// keys are then skipped, and so are the web identity environment variables.
    pub from_option: bool,
}

impl ProfileChoice {
    /// The profile `AWS_DEFAULT_PROFILE`/`AWS_PROFILE` name (else `default`), unless
    /// `option` (`--profile`) names one.
    pub(crate) fn new(option: Option<&str>, env: &dyn Env) -> Self {
        match option {
            Some(name) => ProfileChoice {
                name: name.to_string(),
                from_option: true,
            },
            None => ProfileChoice {
                name: config::profile_name(env),
                from_option: false,
            },
        }
    }
}

/// What the network providers use: the transport (its roots, proxies and retry
/// policy), and where STS is for AssumeRole and AssumeRoleWithWebIdentity.
pub(crate) struct Network<'a> {
    pub http: &'a Http,
    /// `scheme://host[:port]`, no trailing slash.
    pub sts_endpoint: &'a str,
    pub region: &'a str,
}

/// How an MFA code is asked for (`mfa_serial`): the terminal in the product, a fixed
/// answer in tests.
pub(crate) type MfaPrompt<'a> = &'a dyn Fn(&str) -> Result<String, Error>;

/// Everything the providers read, passed down the chain (and along `source_profile`).
struct Chain<'a> {
    env: &'a dyn Env,
    files: &'a SharedFiles,
    net: &'a Network<'a>,
    mfa: MfaPrompt<'a>,
}

/// Find credentials, trying each source in turn (see the module docs).
pub(crate) fn resolve(
    cli: &CliAuth,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &ProfileChoice,
    net: &Network<'_>,
) -> Result<Credentials, Error> {
    resolve_with_prompt(cli, env, files, profile, net, &assume_role::ask_on_terminal)
}

/// [`resolve`] with the MFA prompt given.
pub(crate) fn resolve_with_prompt(
    cli: &CliAuth,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &ProfileChoice,
    net: &Network<'_>,
    mfa: MfaPrompt<'_>,
) -> Result<Credentials, Error> {
    let credentials = find(cli, env, files, profile, net, mfa)?;
    // botocore sets up its SSO token provider after the credentials, with every
    // client: a broken `sso_session` reference fails even when keys were found.
    sso::check_session_reference(files, &profile.name)?;
    Ok(credentials)
}

fn find(
    cli: &CliAuth,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &ProfileChoice,
    net: &Network<'_>,
    mfa: MfaPrompt<'_>,
) -> Result<Credentials, Error> {
    let (access_key, secret_key, session_token) = auth::explicit_keys(cli)?;
    let name = profile.name.as_str();

    // boto3 checks the profile when the client is created, before looking at the
    // keys it was given, so a misspelt AWS_PROFILE fails even with explicit keys.
    let explicit = profile.from_option || config::profile_is_explicit(env, name);
    if explicit && !files.has_profile(name) {
        return Err(CredentialsError::ProfileNotFound {
            profile: name.to_string(),
        }
        .into());
    }

    match (access_key, secret_key) {
        (Some(access_key_id), Some(secret_access_key)) => {
            return Ok(Credentials {
                access_key_id,
                secret_access_key,
                session_token,
            });
        }
        (Some(_), None) => return Err(partial("explicit", "aws_secret_access_key")),
        (None, Some(_)) => return Err(partial("explicit", "aws_access_key_id")),
        // A session token alone is ignored, as botocore does.
        (None, None) => {}
    }

    if !profile.from_option
        && let Some(creds) = from_env(env)?
    {
        return Ok(creds);
    }
    let chain = Chain {
        env,
        files,
        net,
        mfa,
    };
    if assume_role::configured(files, name) {
        return assume_role::load(&chain, name);
    }
    if let Some(creds) = chain.profile_providers(name, !profile.from_option)? {
        return Ok(creds);
    }
    if let Some(creds) = legacy::ec2_credential_file(env)? {
        return Ok(creds);
    }
    if let Some(creds) = legacy::boto_config(env)? {
        return Ok(creds);
    }
    if let Some(creds) = chain.container()? {
        return Ok(creds);
    }
    let imds = imds::ImdsSettings::new(env, files, name);
    if let Some(settings) = &imds
        && let Some(creds) = settings.fetch()
    {
        return Ok(creds);
    }

    Err(CredentialsError::NotFound {
        credentials_file: files.credentials_path().to_path_buf(),
        config_file: files.config_path().to_path_buf(),
        imds_disabled: imds.is_none(),
    }
    .into())
}

impl Chain<'_> {
    /// botocore's `ProfileProviderBuilder.providers` for one profile: the providers
    /// that read the profile itself. `use_env` is false for a `source_profile` (and
    /// with `--profile`): the web identity variables then do not apply.
    fn profile_providers(
        &self,
        profile: &str,
        use_env: bool,
    ) -> Result<Option<Credentials>, Error> {
        let files = self.files;
        let creds = web_identity::fetch(self.env, files, profile, use_env, self.net.sts_endpoint)?;
        if creds.is_some() {
            return Ok(creds);
        }
        if let Some(creds) = sso::load(self, profile)? {
            return Ok(Some(creds));
        }
        if files.credentials_has(profile, "aws_access_key_id") {
            return from_profile_section(
                "shared-credentials-file",
                |key| files.credentials_value(profile, key),
                |key| files.credentials_has(profile, key),
            )
            .map(Some);
        }
        if let Some(creds) = login::load(self, profile)? {
            return Ok(Some(creds));
        }
        if let Some(command) = files.config_value(profile, "credential_process") {
            return process::run(&command).map(Some);
        }
        if files.config_file_has(profile, "aws_access_key_id") {
            return from_profile_section(
                "config-file",
                |key| files.config_file_value(profile, key),
                |key| files.config_file_has(profile, key),
            )
            .map(Some);
        }
        Ok(None)
    }

    fn container(&self) -> Result<Option<Credentials>, Error> {
        container::fetch(self.env)
    }
}
