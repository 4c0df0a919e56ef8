//! STS over the query protocol (Version 2011-06-15).

use serde_json::Value;

use super::Credentials;
use super::config::Service;
use super::session::Session;
use super::xml::{Element, Members};
use crate::error::Error;

const VERSION: &str = "2011-06-15";

/// GetCallerIdentity's output (`whoami` prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallerIdentity {
    pub user_id: Option<String>,
    pub account: Option<String>,
    pub arn: Option<String>,
}

impl CallerIdentity {
    fn from_xml(result: &Element) -> Self {
        CallerIdentity {
            user_id: result.string("UserId"),
            account: result.string("Account"),
            arn: result.string("Arn"),
        }
    }

    /// In botocore's GetCallerIdentityResponse order.
    pub fn to_json(&self) -> Value {
        Members::new()
            .str("UserId", &self.user_id)
            .str("Account", &self.account)
            .str("Arn", &self.arn)
            .done()
    }
}

/// The Credentials structure of AssumeRole (`create --duration` prints it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AssumedRole {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    /// As sent, ISO 8601.
    pub expiration: Option<String>,
}

/// Never shows the secret or the token, like [`Credentials`]'s.
impl std::fmt::Debug for AssumedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumedRole")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

impl AssumedRole {
    fn from_xml(credentials: &Element) -> Self {
        AssumedRole {
            access_key_id: credentials.string("AccessKeyId"),
            secret_access_key: credentials.string("SecretAccessKey"),
            session_token: credentials.string("SessionToken"),
            expiration: credentials.string("Expiration"),
        }
    }

    /// In botocore's Credentials order, Expiration as `str(datetime)`.
    pub fn to_json(&self) -> Value {
        Members::new()
            .str("AccessKeyId", &self.access_key_id)
            .str("SecretAccessKey", &self.secret_access_key)
            .str("SessionToken", &self.session_token)
            .time("Expiration", &self.expiration)
            .done()
    }
}

pub struct Sts<'a> {
    pub(crate) ctx: &'a Session,
}

impl Sts<'_> {
    fn call(&self, action: &str, params: &[(&str, &str)]) -> Result<Element, Error> {
        self.ctx.query(Service::Sts, VERSION, action, params)
    }

    pub fn get_caller_identity(&self) -> Result<CallerIdentity, Error> {
        Ok(CallerIdentity::from_xml(
            &self.call("GetCallerIdentity", &[])?,
        ))
    }

    /// GetCallerIdentity signed with other credentials (a key `create` just made).
    pub fn get_caller_identity_with(
        &self,
        credentials: &Credentials,
    ) -> Result<CallerIdentity, Error> {
        let result =
            self.ctx
                .query_with(credentials, Service::Sts, VERSION, "GetCallerIdentity", &[])?;
        Ok(CallerIdentity::from_xml(&result))
    }

    /// The caller's account ID (empty when STS leaves it out).
    pub fn account_id(&self) -> Result<String, Error> {
        Ok(self.get_caller_identity()?.account.unwrap_or_default())
    }

    pub fn assume_role(
        &self,
        role_arn: &str,
        session_name: &str,
        policy: &str,
        duration_seconds: u64,
    ) -> Result<AssumedRole, Error> {
        let duration = duration_seconds.to_string();
        let result = self.call(
            "AssumeRole",
            &[
                ("RoleArn", role_arn),
                ("RoleSessionName", session_name),
                ("Policy", policy),
                ("DurationSeconds", &duration),
            ],
        )?;
        let creds = result
            .child("Credentials")
            .ok_or_else(|| Error::transport("The AssumeRole response holds no Credentials"))?;
        Ok(AssumedRole::from_xml(creds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::xml::parse;
    use crate::output::dumps;

    /// The result element, as the query protocol hands it to the parsers.
    fn result(doc: &[u8], name: &str) -> Element {
        parse(doc).unwrap().child(name).unwrap().clone()
    }

    #[test]
    fn caller_identity_from_the_recorded_response() {
        let doc = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sts/GetCallerIdentity.xml"
        ))
        .unwrap();
        let identity = CallerIdentity::from_xml(&result(&doc, "GetCallerIdentityResult"));
        assert_eq!(identity.account.as_deref(), Some("123456789012"));
        assert_eq!(
            dumps(&identity.to_json(), None),
            r#"{"UserId": "AKIAIOSFODNN7EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:sts::123456789012:user/moto"}"#
        );
    }

    #[test]
    fn caller_identity_leaves_out_what_is_missing() {
        let identity = CallerIdentity::from_xml(&parse(b"<R><Arn>a</Arn></R>").unwrap());
        assert_eq!(identity.account, None);
        assert_eq!(dumps(&identity.to_json(), None), r#"{"Arn": "a"}"#);
    }

    #[test]
    fn assumed_role_credentials_in_shape_order() {
        let creds = parse(
            b"<Credentials><Expiration>2026-11-28T23:57:20.5Z</Expiration>\
              <SessionToken>tok</SessionToken><SecretAccessKey>sec</SecretAccessKey>\
              <AccessKeyId>ASIA1</AccessKeyId></Credentials>",
        )
        .unwrap();
        let role = AssumedRole::from_xml(&creds);
        assert_eq!(role.expiration.as_deref(), Some("2026-11-28T23:57:20.5Z"));
        assert_eq!(
            dumps(&role.to_json(), None),
            r#"{"AccessKeyId": "ASIA1", "SecretAccessKey": "sec", "SessionToken": "tok", "Expiration": "2026-11-28 23:57:20.500000+00:00"}"#
        );
        let shown = format!("{role:?}");
        assert!(!shown.contains("sec") && !shown.contains("tok"), "{shown}");
    }
}
