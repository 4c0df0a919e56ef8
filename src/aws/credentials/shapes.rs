//! The JSON documents the providers read and write, each declared once: the keys
//! document (credential_process, container and instance metadata), the SSO portal's
//! and OIDC's answers, the sign-in service's answer, and the SSO token cache.
//!
//! Members are read leniently, as botocore reads them: a member of the wrong type is
//! reported as that member's problem in the provider's own words, not as a document
//! that failed to parse. So each member is a [`Member`] (absent, or any JSON value,
//! null included) and the provider says what it needs of it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A member as sent: absent, or present with any value (null included).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Member {
    #[default]
    Absent,
    Present(Value),
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Member::Present)
    }
}

impl Member {
    pub(super) fn is_present(&self) -> bool {
        matches!(self, Member::Present(_))
    }

    pub(super) fn value(&self) -> Option<&Value> {
        match self {
            Member::Present(v) => Some(v),
            Member::Absent => None,
        }
    }

    /// The member when it is a string.
    pub(super) fn str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    /// The member when it is a non-empty string.
    pub(super) fn non_empty(&self) -> Option<String> {
        self.str().filter(|s| !s.is_empty()).map(str::to_string)
    }

    /// The member when it is a whole number that fits an i64.
    pub(super) fn i64(&self) -> Option<i64> {
        self.value().and_then(Value::as_i64)
    }

    /// The member read as the shape `T` when it is a JSON object.
    pub(super) fn object<T: DeserializeOwned>(&self) -> Option<T> {
        match self.value() {
            Some(v @ Value::Object(_)) => serde_json::from_value(v.clone()).ok(),
            _ => None,
        }
    }
}

/// A JSON object read as the shape `T` (whose members are all [`Member`]s or
/// optional, so that any object reads).
pub(super) fn read<T: DeserializeOwned>(doc: serde_json::Map<String, Value>) -> Option<T> {
    serde_json::from_value(Value::Object(doc)).ok()
}

/// Keys as `credential_process` prints them and the container and instance metadata
/// services serve them (`Token` there, `SessionToken` from a process).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct KeysDocument {
    #[serde(default)]
    pub version: Member,
    #[serde(default)]
    pub access_key_id: Member,
    #[serde(default)]
    pub secret_access_key: Member,
    #[serde(default)]
    pub session_token: Member,
    #[serde(default)]
    pub token: Member,
    #[serde(default)]
    pub expiration: Member,
}

/// The portal's GetRoleCredentials answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RoleCredentialsAnswer {
    #[serde(default)]
    pub role_credentials: Member,
}

/// `roleCredentials`, and the keys in an `aws login` answer's `accessToken`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CamelKeys {
    #[serde(default)]
    pub access_key_id: Member,
    #[serde(default)]
    pub secret_access_key: Member,
    #[serde(default)]
    pub session_token: Member,
}

/// An OAuth token answer: SSO-OIDC's CreateToken (`accessToken` a string) and the
/// sign-in service's CreateOAuth2Token (`accessToken` the keys).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TokenAnswer {
    #[serde(default)]
    pub access_token: Member,
    #[serde(default)]
    pub expires_in: Member,
    #[serde(default)]
    pub refresh_token: Member,
}

/// An SSO token cache entry as `aws sso login` writes it and botocore writes it back
/// after a refresh, in that order.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct SsoToken {
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub start_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "text")]
    pub refresh_token: Option<String>,
}

/// A string member, or None for any other value (botocore reads only strings here).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// The keys an `aws login` cache entry holds in `accessToken`, in the order the AWS
/// CLI and botocore write them.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LoginKeys {
    #[serde(default, deserialize_with = "text")]
    pub access_key_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub secret_access_key: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub session_token: Option<String>,
    #[serde(default)]
    pub account_id: Value,
    #[serde(default, deserialize_with = "text")]
    pub expires_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_tell_absent_from_null_and_wrong_types() {
        let doc: KeysDocument = serde_json::from_str(
            r#"{"Version": 1, "AccessKeyId": null, "SecretAccessKey": 7, "Token": ""}"#,
        )
        .unwrap();
        assert_eq!(doc.version.i64(), Some(1));
        assert!(doc.access_key_id.is_present() && doc.access_key_id.str().is_none());
        assert_eq!(doc.secret_access_key.str(), None);
        assert_eq!(doc.token.str(), Some(""));
        assert_eq!(doc.token.non_empty(), None);
        assert!(!doc.expiration.is_present());
    }

    #[test]
    fn an_sso_cache_entry_is_written_in_botocores_order() {
        let token = SsoToken {
            start_url: Some("https://d.awsapps.com/start".into()),
            region: Some("eu-west-1".into()),
            access_token: Some("AT".into()),
            expires_at: Some("2030-01-01T00:00:00Z".into()),
            client_id: Some("C".into()),
            client_secret: Some("S".into()),
            registration_expires_at: Some("2031-01-01T00:00:00Z".into()),
            refresh_token: None,
        };
        assert_eq!(
            serde_json::to_string(&token).unwrap(),
            r#"{"startUrl":"https://d.awsapps.com/start","region":"eu-west-1","accessToken":"AT","expiresAt":"2030-01-01T00:00:00Z","clientId":"C","clientSecret":"S","registrationExpiresAt":"2031-01-01T00:00:00Z"}"#
        );
        // Reading keeps only strings: a number where a string belongs is no value.
        let read: SsoToken =
            serde_json::from_str(r#"{"accessToken": 5, "expiresAt": "x", "extra": 1}"#).unwrap();
        assert_eq!(
            (read.access_token, read.expires_at.as_deref()),
            (None, Some("x"))
        );
    }
}
