//! Why no credentials could be had, one variant per failure, each printed in the
//! words botocore (or the original tool) uses, with the I/O or parse error behind it
//! kept as its source. None ever holds a secret.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::expiry::ExpiryError;
use crate::aws::ini::IniError;

const PROCESS: &str = "Error when retrieving credentials from custom-process";
const CONTAINER: &str = "Error when retrieving credentials from container-role";
const LOGIN: &str = "Error loading login session token";

fn login_hint(f: &mut fmt::Formatter<'_>, profile: &str) -> fmt::Result {
    write!(f, "Run `aws sso login --profile {profile}` to sign in.")
}

#[derive(Debug)]
pub enum CredentialsError {
    // --- The chain.
    /// AWS_PROFILE / --profile names no profile.
    ProfileNotFound {
        profile: String,
    },
    /// Every source was tried.
    NotFound {
        credentials_file: PathBuf,
        config_file: PathBuf,
        imds_disabled: bool,
    },
    /// botocore's `PartialCredentialsError`.
    Partial {
        provider: String,
        missing: &'static str,
    },
    /// A key given as an indented block of settings instead of a value.
    IndentedBlock {
        key: &'static str,
        provider: String,
    },
    /// Keys past their expiry, still past it when read again.
    StillExpired,
    /// An expiry time that cannot be read.
    Expiry(ExpiryError),

    // --- --auth and the command line.
    AuthConflict,
    /// `--auth` JSON that is not what it should be: why.
    AuthJson(String),
    /// `--auth` INI that is not what it should be: why.
    AuthIni(String),

    // --- Assume-role profiles.
    BothSources {
        profile: String,
    },
    InvalidCredentialSource {
        name: String,
        profile: String,
    },
    NoSourceProfile {
        source: String,
        parent: String,
    },
    /// The `source_profile` chain comes back to a profile; `visited` as Python's list.
    InfiniteLoop {
        source: String,
        visited: String,
    },
    SourceWithoutCredentials {
        source: String,
    },
    NamedSourceEmpty {
        name: String,
        profile: String,
    },
    /// An `mfa_serial` to ask a code for, and no terminal.
    NoTerminal {
        serial: Option<String>,
        source: io::Error,
    },

    // --- Web identity.
    WebIdentityNoRole,
    WebIdentityToken {
        path: String,
        source: io::Error,
    },

    // --- IAM Identity Center.
    SsoSessionMissing {
        profile: String,
        name: String,
    },
    SsoSessionIncomplete {
        profile: String,
        missing: Vec<String>,
    },
    SsoSessionNotFound {
        name: String,
    },
    SsoInconsistent {
        key: String,
        profile_value: String,
        session_value: String,
    },
    SsoIncomplete {
        profile: String,
        missing: Vec<&'static str>,
    },
    SsoTokenMissing {
        name: String,
        profile: String,
    },
    SsoTokenInvalid {
        start_url: String,
        profile: String,
    },
    SsoExpired {
        profile: String,
    },

    // --- `aws login`.
    /// botocore's "Error loading login session token: <why>".
    LoginToken(String),
    LoginExpired,
    LoginPermissions,
    /// The token cache could not be written back.
    TokenCacheWrite {
        dir: PathBuf,
        source: io::Error,
    },

    // --- credential_process.
    /// What went wrong with the process or its answer.
    Process(String),
    ProcessSpawn(io::Error),

    // --- Container credentials.
    /// What went wrong fetching them.
    Container(String),
    ContainerTokenFile {
        path: String,
        source: io::Error,
    },
    ContainerHost {
        host: String,
        allowed: &'static [&'static str],
    },

    // --- Legacy files.
    LegacyFileMissing {
        path: PathBuf,
    },
    BotoConfig {
        path: PathBuf,
        source: IniError,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CredentialsError as E;
        match self {
            E::ProfileNotFound { profile } => {
                write!(f, "The config profile ({profile}) could not be found")
            }
            E::NotFound {
                credentials_file,
                config_file,
                imds_disabled,
            } => write!(
                f,
                "Unable to locate credentials. Looked in: --access-key/--secret-key, --auth, \
                 environment variables, assume-role profile, web identity token, SSO, \
                 shared credentials file ({}), aws login, credential_process, config file ({}), \
                 AWS_CREDENTIAL_FILE, boto config, container credentials, EC2 instance metadata{}. \
                 You can configure credentials by running \"aws configure\".",
                credentials_file.display(),
                config_file.display(),
                if *imds_disabled { " (disabled)" } else { "" },
            ),
            E::Partial { provider, missing } => write!(
                f,
                "Partial credentials found in {provider}, missing: {missing}"
            ),
            E::IndentedBlock { key, provider } => write!(
                f,
                "The {key} in the {provider} is an indented block of settings, not a value"
            ),
            E::StillExpired => f.write_str(
                "Credentials were refreshed, but the refreshed credentials are still expired.",
            ),
            E::Expiry(e) => write!(f, "{e}"),
            E::AuthConflict => f.write_str(
                "--auth cannot be used with --access-key, --secret-key or --session-token",
            ),
            E::AuthJson(why) => write!(f, "Invalid JSON in --auth file: {why}"),
            E::AuthIni(why) => write!(f, "Invalid INI in --auth file: {why}"),
            E::BothSources { profile } => write!(
                f,
                "The profile \"{profile}\" contains both source_profile and credential_source."
            ),
            E::InvalidCredentialSource { name, profile } => write!(
                f,
                "The credential source \"{name}\" referenced in profile \"{profile}\" is not valid."
            ),
            E::NoSourceProfile { source, parent } => write!(
                f,
                "The source_profile \"{source}\" referenced in the profile \"{parent}\" does not exist."
            ),
            E::InfiniteLoop { source, visited } => write!(
                f,
                "Infinite loop in credential configuration detected. Attempting to load from \
                 profile {source} which has already been visited. Visited profiles: [{visited}]"
            ),
            E::SourceWithoutCredentials { source } => {
                write!(f, "The source profile \"{source}\" must have credentials.")
            }
            E::NamedSourceEmpty { name, profile } => write!(
                f,
                "Error when retrieving credentials from {name}: No credentials found in \
                 credential_source referenced in profile {profile}"
            ),
            E::NoTerminal { serial, source } => {
                if let Some(serial) = serial {
                    write!(f, "The role's mfa_serial {serial} ")?;
                }
                write!(
                    f,
                    "needs an MFA code, but there is no terminal to ask for it on ({source})"
                )
            }
            E::WebIdentityNoRole => f.write_str(
                // botocore's words, its missing space included.
                "The provided profile or the current environment is configured to assume role \
                 with web identity but has no role ARN configured. Ensure that the profile has \
                 the role_arnconfiguration set or the AWS_ROLE_ARN env var is set.",
            ),
            E::WebIdentityToken { path, source } => write!(
                f,
                "Could not read the web identity token file {path}: {source}"
            ),
            E::SsoSessionMissing { profile, name } => write!(
                f,
                "The profile \"{profile}\" is configured to use the SSO token provider but the \
                 \"{name}\" sso_session configuration does not exist."
            ),
            E::SsoSessionIncomplete { profile, missing } => write!(
                f,
                "The profile \"{profile}\" is configured to use the SSO token provider but is \
                 missing the following configuration: [{}].",
                missing.join(", ")
            ),
            E::SsoSessionNotFound { name } => {
                write!(f, "The specified sso-session does not exist: \"{name}\"")
            }
            E::SsoInconsistent {
                key,
                profile_value,
                session_value,
            } => write!(
                f,
                "The value for {key} is inconsistent between profile ({profile_value}) and \
                 sso-session ({session_value})."
            ),
            E::SsoIncomplete { profile, missing } => write!(
                f,
                "The profile \"{profile}\" is configured to use SSO but is missing required \
                 configuration: {}",
                missing.join(", ")
            ),
            E::SsoTokenMissing { name, profile } => {
                write!(
                    f,
                    "Error loading SSO Token: Token for {name} does not exist. "
                )?;
                login_hint(f, profile)
            }
            E::SsoTokenInvalid { start_url, profile } => {
                write!(
                    f,
                    "Error loading SSO Token: Token for {start_url} is invalid. "
                )?;
                login_hint(f, profile)
            }
            E::SsoExpired { profile } => {
                f.write_str(
                    "The SSO session associated with this profile has expired or is otherwise \
                     invalid. ",
                )?;
                login_hint(f, profile)
            }
            E::LoginToken(why) => write!(f, "{LOGIN}: {why}"),
            E::LoginExpired => f.write_str(
                "Your session has expired or credentials have changed. Please reauthenticate \
                 using 'aws login'.",
            ),
            E::LoginPermissions => f.write_str(
                "Unable to create or refresh login credentials due to insufficient permissions. \
                 You may be missing permission for the 'signin:CreateOAuth2Token' action.",
            ),
            E::TokenCacheWrite { dir, source } => write!(
                f,
                "Could not write the token cache in {}: {source}",
                dir.display()
            ),
            E::Process(why) => write!(f, "{PROCESS}: {why}"),
            E::ProcessSpawn(source) => {
                write!(f, "{PROCESS}: could not run credential_process: {source}")
            }
            E::Container(why) => write!(f, "{CONTAINER}: {why}"),
            E::ContainerTokenFile { path, source } => write!(
                f,
                "{CONTAINER}: could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {source}"
            ),
            E::ContainerHost { host, allowed } => write!(
                f,
                "Unsupported host '{host}' in AWS_CONTAINER_CREDENTIALS_FULL_URI. Can only \
                 retrieve metadata from a loopback address or one of these hosts: {}",
                allowed.join(", ")
            ),
            E::LegacyFileMissing { path } => write!(
                f,
                "The specified config file ({}) could not be found.",
                path.display()
            ),
            E::BotoConfig { path, source } => write!(
                f,
                "Unable to parse config file: {} ({source})",
                path.display()
            ),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        use CredentialsError as E;
        match self {
            E::NoTerminal { source, .. }
            | E::WebIdentityToken { source, .. }
            | E::TokenCacheWrite { source, .. }
            | E::ContainerTokenFile { source, .. }
            | E::ProcessSpawn(source) => Some(source),
            E::BotoConfig { source, .. } => Some(source),
            E::Expiry(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CredentialsError> for crate::error::Error {
    fn from(e: CredentialsError) -> Self {
        crate::error::Error::Layer(Box::new(e))
    }
}
