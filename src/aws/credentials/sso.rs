//! IAM Identity Center (SSO), botocore's `SSOProvider`: the profile names an account
//! and a role (`sso_account_id`, `sso_role_name`) and where to sign in, either through
//! an `[sso-session NAME]` section (`sso_session`) or the legacy `sso_start_url` /
//! `sso_region` in the profile itself. `aws sso login` leaves an access token in
//! `~/.aws/sso/cache/`; the portal's GetRoleCredentials trades it for keys.
//!
//! With an `sso-session`, a token within 15 minutes of expiry is refreshed through
//! SSO-OIDC `CreateToken` and written back (botocore's `SSOTokenProvider`); the
//! legacy form cannot refresh. Error texts are botocore's, plus the command to run.

use time::OffsetDateTime;

use super::Chain;
use super::error::CredentialsError;
use super::json_api::{self, JsonCall, missing, query_value, required};
use super::shapes::{self, CamelKeys, RoleCredentialsAnswer, SsoToken, TokenAnswer};
use super::token_cache::{self, format_cache_time, parse_cache_time};
use crate::aws::Credentials;
use crate::aws::config::{self, Service, SharedFiles};
use crate::error::Error;

/// botocore refreshes a token this close to its expiry.
const REFRESH_WINDOW_SECS: i64 = 15 * 60;

/// The resolved settings.
struct SsoConfig {
    start_url: String,
    region: String,
    account_id: String,
    role_name: String,
    /// The `sso-session` name; `None` for the legacy form.
    session: Option<String>,
}

/// The credentials of an SSO profile, or `None` when the profile is not one.
pub(super) fn load(chain: &Chain<'_>, profile: &str) -> Result<Option<Credentials>, Error> {
    let Some(sso) = sso_config(chain, profile)? else {
        return Ok(None);
    };
    let token = access_token(chain, profile, &sso)?;
    role_credentials(chain, profile, &sso, &token).map(Some)
}

/// botocore's SSO token provider, set up with every client: a profile naming an
/// `sso_session` that is missing, empty or without `sso_start_url`/`sso_region`
/// fails then, whatever else supplies the keys (botocore's words).
pub(super) fn check_session_reference(files: &SharedFiles, profile: &str) -> Result<(), Error> {
    let Some(name) = files.config_value(profile, "sso_session") else {
        return Ok(());
    };
    let settings = files.sso_session_settings(&name);
    if settings.is_empty() {
        return Err(CredentialsError::SsoSessionMissing {
            profile: profile.to_string(),
            name,
        }
        .into());
    }
    let missing: Vec<String> = ["sso_start_url", "sso_region"]
        .iter()
        .filter(|key| !settings.iter().any(|(k, _)| k == *key))
        .map(|key| format!("'{key}'"))
        .collect();
    if !missing.is_empty() {
        return Err(CredentialsError::SsoSessionIncomplete {
            profile: profile.to_string(),
            missing,
        }
        .into());
    }
    Ok(())
}

fn sso_config(chain: &Chain<'_>, profile: &str) -> Result<Option<SsoConfig>, Error> {
    let files = chain.files;
    if !files.profile_has(profile, "sso_role_name") && !files.profile_has(profile, "sso_account_id")
    {
        return Ok(None);
    }
    // The profile's settings, then the sso-session's; a key set in both must agree.
    let mut settings: Vec<(String, String)> = [
        "sso_role_name",
        "sso_account_id",
        "sso_start_url",
        "sso_region",
        "sso_session",
    ]
    .iter()
    .filter_map(|k| Some((k.to_string(), files.config_value(profile, k)?)))
    .collect();
    let session = files.config_value(profile, "sso_session");
    if let Some(name) = &session {
        if !files.has_sso_session(name) {
            return Err(CredentialsError::SsoSessionNotFound { name: name.clone() }.into());
        }
        for (key, value) in files.sso_session_settings(name) {
            match settings.iter().find(|(k, _)| *k == key) {
                Some((_, mine)) if *mine != value => {
                    return Err(CredentialsError::SsoInconsistent {
                        key,
                        profile_value: mine.clone(),
                        session_value: value,
                    }
                    .into());
                }
                Some(_) => {}
                None => settings.push((key, value)),
            }
        }
    }
    let get = |key: &str| {
        settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut required = vec![
        "sso_role_name",
        "sso_account_id",
        "sso_start_url",
        "sso_region",
    ];
    if session.is_some() {
        required.push("sso_session");
    }
    let missing: Vec<&str> = required.into_iter().filter(|k| get(k).is_none()).collect();
    if !missing.is_empty() {
        return Err(CredentialsError::SsoIncomplete {
            profile: profile.to_string(),
            missing,
        }
        .into());
    }
    Ok(Some(SsoConfig {
        start_url: get("sso_start_url").unwrap_or_default(),
        region: get("sso_region").unwrap_or_default(),
        account_id: get("sso_account_id").unwrap_or_default(),
        role_name: get("sso_role_name").unwrap_or_default(),
        session,
    }))
}

/// The cached access token, refreshed first when it is about to expire (and the
/// cache holds what a refresh needs).
fn access_token(chain: &Chain<'_>, profile: &str, sso: &SsoConfig) -> Result<String, Error> {
    let dir = token_cache::sso_dir(chain.env);
    let name = sso.session.as_deref().unwrap_or(&sso.start_url);
    let key = token_cache::sso_key(name);
    let Some(doc) = token_cache::read(&dir, &key) else {
        return Err(CredentialsError::SsoTokenMissing {
            name: name.to_string(),
            profile: profile.to_string(),
        }
        .into());
    };
    let invalid = || {
        Error::from(CredentialsError::SsoTokenInvalid {
            start_url: sso.start_url.clone(),
            profile: profile.to_string(),
        })
    };
    let token: SsoToken = shapes::read(doc).unwrap_or_default();
    let (Some(access), Some(expires)) = (&token.access_token, &token.expires_at) else {
        return Err(invalid());
    };
    let expires = parse_cache_time(expires).ok_or_else(invalid)?;
    let mut access = access.clone();
    let now = OffsetDateTime::now_utc();
    let mut remaining = (expires - now).whole_seconds();
    if sso.session.is_some()
        && remaining < REFRESH_WINDOW_SECS
        && let Some(fresh) = refresh(chain, profile, sso, &token, now)
    {
        access = fresh.access_token.clone().unwrap_or_default();
        remaining = REFRESH_WINDOW_SECS;
        token_cache::write(&dir, &key, &fresh)?;
    }
    crate::error::register_secret(&access);
    if remaining <= 0 {
        // botocore skips the GetRoleCredentials call it knows will fail.
        return Err(expired(profile));
    }
    Ok(access)
}

fn expired(profile: &str) -> Error {
    CredentialsError::SsoExpired {
        profile: profile.to_string(),
    }
    .into()
}

/// A new token from SSO-OIDC `CreateToken` with the cached refresh token, as the
/// cache document botocore writes; `None` when the cache cannot refresh (no refresh
/// token, an expired client registration) or the service refused: the old token is
/// then used while it lasts, as botocore does.
fn refresh(
    chain: &Chain<'_>,
    profile: &str,
    sso: &SsoConfig,
    token: &SsoToken,
    now: OffsetDateTime,
) -> Option<SsoToken> {
    let (refresh_token, client_id, client_secret, registration) = (
        token.refresh_token.as_deref()?,
        token.client_id.as_deref()?,
        token.client_secret.as_deref()?,
        token.registration_expires_at.as_deref()?,
    );
    if parse_cache_time(registration).is_none_or(|t| t <= now) {
        return None;
    }
    for secret in [refresh_token, client_secret] {
        crate::error::register_secret(secret);
    }
    let endpoint = config::endpoint(
        Service::SsoOidc,
        None,
        chain.env,
        chain.files,
        profile,
        &sso.region,
    )
    .ok()?;
    let body = serde_json::json!({
        "clientId": client_id,
        "clientSecret": client_secret,
        "grantType": "refresh_token",
        "refreshToken": refresh_token,
    });
    let call = JsonCall {
        method: "POST",
        url: format!("{}/token", endpoint.url),
        headers: Vec::new(),
        body: Some(body.to_string()),
        operation: "CreateToken",
    };
    let answer = json_api::call(chain.env, chain.files, profile, &call).ok()?;
    let answer: TokenAnswer = shapes::read(answer)?;
    let access = answer.access_token.non_empty()?;
    let expires_in = answer.expires_in.i64()?;
    let new_refresh = answer.refresh_token.str().map(str::to_string);
    if let Some(new_refresh) = &new_refresh {
        crate::error::register_secret(new_refresh);
    }
    Some(SsoToken {
        start_url: Some(sso.start_url.clone()),
        region: Some(sso.region.clone()),
        access_token: Some(access),
        expires_at: Some(format_cache_time(now + time::Duration::seconds(expires_in))),
        client_id: Some(client_id.to_string()),
        client_secret: Some(client_secret.to_string()),
        registration_expires_at: Some(registration.to_string()),
        refresh_token: new_refresh,
    })
}

/// The portal's GetRoleCredentials.
fn role_credentials(
    chain: &Chain<'_>,
    profile: &str,
    sso: &SsoConfig,
    token: &str,
) -> Result<Credentials, Error> {
    const OP: &str = "GetRoleCredentials";
    let endpoint = config::endpoint(
        Service::Sso,
        None,
        chain.env,
        chain.files,
        profile,
        &sso.region,
    )?;
    let call = JsonCall {
        method: "GET",
        url: format!(
            "{}/federation/credentials?account_id={}&role_name={}",
            endpoint.url,
            query_value(&sso.account_id),
            query_value(&sso.role_name)
        ),
        headers: vec![("x-amz-sso_bearer_token", token.to_string())],
        body: None,
        operation: OP,
    };
    let answer = match json_api::call(chain.env, chain.files, profile, &call) {
        Err(Error::Aws(e)) if e.code == "UnauthorizedException" || e.status == 401 => {
            return Err(expired(profile));
        }
        other => other?,
    };
    let creds = shapes::read::<RoleCredentialsAnswer>(answer)
        .and_then(|a| a.role_credentials.object::<CamelKeys>())
        .ok_or_else(|| missing(OP, "roleCredentials"))?;
    Ok(Credentials {
        access_key_id: required(&creds.access_key_id, OP, "accessKeyId")?,
        secret_access_key: required(&creds.secret_access_key, OP, "secretAccessKey")?,
        // An empty token means none (botocore sends no token header for one).
        session_token: creds.session_token.non_empty(),
    })
}
