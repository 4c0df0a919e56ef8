//! Profiles that assume a role (botocore's `AssumeRoleProvider`): `role_arn` with a
//! `source_profile` (itself keys, `credential_process`, web identity, SSO, or another
//! role: chains of any length) or a `credential_source` (`Environment`,
//! `Ec2InstanceMetadata`, `EcsContainer`), exchanged at STS with `AssumeRole`,
//! signed with the source's credentials. Error texts are botocore's.

use std::io::{BufRead, BufReader, Write};

use super::error::CredentialsError;
use super::{Chain, from_env, imds, partial, py_int::py_int};
use crate::aws::Credentials;
use crate::aws::config::SharedFiles;
use crate::aws::query::sts::AssumeRole;
use crate::aws::query::{self, QueryTarget, Secret};
use crate::error::Error;

/// Whether the profile assumes a role: `role_arn` without `web_identity_token_file`
/// (that pair is the web identity provider's).
pub(super) fn configured(files: &SharedFiles, profile: &str) -> bool {
    files.profile_has(profile, "role_arn") && !files.profile_has(profile, "web_identity_token_file")
}

/// The credentials of the role `profile` names.
pub(super) fn load(chain: &Chain<'_>, profile: &str) -> Result<Credentials, Error> {
    let mut visited = vec![profile.to_string()];
    assume(chain, profile, &mut visited)
}

/// What the profile says about the role.
struct RoleConfig {
    role_arn: String,
    source: Source,
    external_id: Option<String>,
    mfa_serial: Option<String>,
    role_session_name: Option<String>,
    /// As Python's `int()` reads it, in decimal; STS judges the range.
    duration_seconds: Option<String>,
}

enum Source {
    Profile(String),
    Named(String),
}

fn assume(
    chain: &Chain<'_>,
    profile: &str,
    visited: &mut Vec<String>,
) -> Result<Credentials, Error> {
    let role = role_config(chain.files, profile, visited)?;
    let source = match &role.source {
        Source::Named(name) => from_named_source(chain, name, profile)?,
        Source::Profile(source) => {
            visited.push(source.clone());
            from_source_profile(chain, source, visited)?
        }
    };
    // The source's secret must not surface in a message either.
    crate::error::register_secret(&source.secret_access_key);
    if let Some(token) = &source.session_token {
        crate::error::register_secret(token);
    }
    call_assume_role(chain, &role, &source)
}

fn role_config(
    files: &SharedFiles,
    profile: &str,
    visited: &[String],
) -> Result<RoleConfig, Error> {
    let value = |key: &str| files.config_value(profile, key);
    let source_profile = value("source_profile");
    let credential_source = value("credential_source");
    let source = match (source_profile, credential_source) {
        (Some(_), Some(_)) => {
            return Err(CredentialsError::BothSources {
                profile: profile.to_string(),
            }
            .into());
        }
        (None, None) => {
            return Err(partial(
                "assume-role",
                "source_profile or credential_source",
            ));
        }
        (None, Some(name)) => {
            if !NAMED_SOURCES.contains(&name.as_str()) {
                return Err(CredentialsError::InvalidCredentialSource {
                    name,
                    profile: profile.to_string(),
                }
                .into());
            }
            Source::Named(name)
        }
        (Some(source), None) => {
            check_source_profile(files, profile, &source, visited)?;
            Source::Profile(source)
        }
    };
    Ok(RoleConfig {
        role_arn: value("role_arn").unwrap_or_default(),
        source,
        external_id: value("external_id"),
        mfa_serial: value("mfa_serial"),
        role_session_name: value("role_session_name"),
        // botocore ignores a duration that `int()` refuses.
        duration_seconds: value("duration_seconds").and_then(|d| py_int(&d)),
    })
}

/// The `credential_source` values botocore's sourcer knows (its canonical names,
/// compared as written).
const NAMED_SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// A missing source profile, or a loop. A profile may name itself once, to take
/// its own static keys as the source.
fn check_source_profile(
    files: &SharedFiles,
    parent: &str,
    source: &str,
    visited: &[String],
) -> Result<(), Error> {
    if !files.has_profile(source) {
        return Err(CredentialsError::NoSourceProfile {
            source: source.to_string(),
            parent: parent.to_string(),
        }
        .into());
    }
    if !visited.iter().any(|p| p == source) {
        return Ok(());
    }
    if source == parent && has_static_keys(files, source) {
        return Ok(());
    }
    let list = visited
        .iter()
        .map(|p| crate::output::py_repr_str(p))
        .collect::<Vec<_>>()
        .join(", ");
    Err(CredentialsError::InfiniteLoop {
        source: source.to_string(),
        visited: list,
    }
    .into())
}

fn has_static_keys(files: &SharedFiles, profile: &str) -> bool {
    files.profile_has(profile, "aws_access_key_id")
        || files.profile_has(profile, "aws_secret_access_key")
}

fn from_source_profile(
    chain: &Chain<'_>,
    source: &str,
    visited: &mut Vec<String>,
) -> Result<Credentials, Error> {
    let files = chain.files;
    if has_static_keys(files, source) || !configured(files, source) {
        return chain.profile_providers(source, false)?.ok_or_else(|| {
            CredentialsError::SourceWithoutCredentials {
                source: source.to_string(),
            }
            .into()
        });
    }
    assume(chain, source, visited)
}

fn from_named_source(chain: &Chain<'_>, name: &str, profile: &str) -> Result<Credentials, Error> {
    let found = match name {
        "Environment" => from_env(chain.env)?,
        "EcsContainer" => chain.container()?,
        _ => imds::ImdsSettings::new(chain.env, chain.files, profile).and_then(|s| s.fetch()),
    };
    found.ok_or_else(|| {
        CredentialsError::NamedSourceEmpty {
            name: name.to_string(),
            profile: profile.to_string(),
        }
        .into()
    })
}

fn call_assume_role(
    chain: &Chain<'_>,
    role: &RoleConfig,
    source: &Credentials,
) -> Result<Credentials, Error> {
    // An empty name is no name: botocore makes one up (an empty one STS refuses).
    let session_name = role
        .role_session_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(super::web_identity::default_session_name);
    let mut request = AssumeRole {
        role_arn: role.role_arn.clone(),
        role_session_name: session_name,
        external_id: role.external_id.clone(),
        duration_seconds: role.duration_seconds.clone(),
        ..AssumeRole::default()
    };
    if let Some(serial) = &role.mfa_serial {
        request.serial_number = Some(serial.clone());
        let code = (chain.mfa)(&format!("Enter MFA code for {serial}: "))?;
        request.token_code = Some(code);
    }
    let target = QueryTarget {
        http: chain.net.http,
        endpoint: chain.net.sts_endpoint,
        region: chain.net.region,
        credentials: source,
    };
    let creds = query::send(&target, &request)?;
    let text = |member: Option<&str>| {
        member
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let creds = creds.unwrap_or_default();
    let (Some(access_key_id), Some(secret_access_key)) = (
        text(creds.access_key_id.as_deref()),
        text(creds.secret_access_key.as_ref().map(Secret::as_str)),
    ) else {
        return Err(Error::transport(
            "Unexpected response from STS AssumeRole: no credentials in it",
        ));
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: text(creds.session_token.as_ref().map(Secret::as_str)),
    })
}

/// Ask for the MFA code on the terminal itself (`/dev/tty`), never on stdin: stdin
/// may be `--auth -` or a pipe of data. Without a terminal, one clear error.
pub(super) fn ask_on_terminal(prompt: &str) -> Result<String, Error> {
    let no_terminal = |source: std::io::Error| CredentialsError::NoTerminal {
        serial: prompt
            .strip_prefix("Enter MFA code for ")
            .and_then(|s| s.strip_suffix(": "))
            .map(str::to_string),
        source,
    };
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(no_terminal)?;
    tty.write_all(prompt.as_bytes()).map_err(no_terminal)?;
    tty.flush().map_err(no_terminal)?;
    let mut line = String::new();
    BufReader::new(tty)
        .read_line(&mut line)
        .map_err(no_terminal)?;
    Ok(line.trim().to_string())
}
