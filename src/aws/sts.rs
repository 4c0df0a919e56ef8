//! STS over the query protocol (Version 2011-06-15).

use serde_json::Value;

use super::config::Service;
use super::session::Session;
use super::xml::{Field, Kind, to_json};
use crate::error::Error;

const VERSION: &str = "2011-06-15";

/// GetCallerIdentityResponse members, in botocore's order.
const CALLER_IDENTITY: &[Field] = &[
    Field("UserId", Kind::Str),
    Field("Account", Kind::Str),
    Field("Arn", Kind::Str),
];

/// The Credentials structure of AssumeRole.
pub const CREDENTIALS: &[Field] = &[
    Field("AccessKeyId", Kind::Str),
    Field("SecretAccessKey", Kind::Str),
    Field("SessionToken", Kind::Str),
    Field("Expiration", Kind::Time),
];

pub struct Sts<'a> {
    pub(crate) ctx: &'a Session,
}

/// Temporary credentials from AssumeRole.
#[derive(Debug, Clone)]
pub struct AssumedRole {
    /// The `Credentials` structure as botocore returns it (for printing).
    pub json: Value,
    /// Expiration as sent, ISO 8601.
    pub expiration: String,
}

impl Sts<'_> {
    fn call(&self, action: &str, params: &[(&str, &str)]) -> Result<super::xml::Element, Error> {
        self.ctx.query(Service::Sts, VERSION, action, params)
    }

    /// `{"UserId", "Account", "Arn"}`.
    pub fn get_caller_identity(&self) -> Result<Value, Error> {
        Ok(to_json(
            &self.call("GetCallerIdentity", &[])?,
            CALLER_IDENTITY,
        ))
    }

    /// GetCallerIdentity signed with other credentials (a key `create` just made).
    pub fn get_caller_identity_with(
        &self,
        credentials: &super::Credentials,
    ) -> Result<Value, Error> {
        let result =
            self.ctx
                .query_with(credentials, Service::Sts, VERSION, "GetCallerIdentity", &[])?;
        Ok(to_json(&result, CALLER_IDENTITY))
    }

    pub fn account_id(&self) -> Result<String, Error> {
        let identity = self.get_caller_identity()?;
        Ok(identity["Account"].as_str().unwrap_or_default().to_string())
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
        Ok(AssumedRole {
            json: to_json(creds, CREDENTIALS),
            expiration: creds.text_of("Expiration").unwrap_or_default().to_string(),
        })
    }
}
