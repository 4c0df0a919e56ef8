//! The STS client: its actions ([`crate::aws::query::sts`]) sent with a session's
//! credentials, or with other ones.

use super::Credentials;
use super::query::sts::{AssumeRole, GetCallerIdentity};
use super::session::Session;
use crate::error::Error;

pub(crate) use super::query::sts::{AssumedRole, CallerIdentity};

pub struct Sts<'a> {
    pub(crate) ctx: &'a Session,
}

impl Sts<'_> {
    pub fn get_caller_identity(&self) -> Result<CallerIdentity, Error> {
        self.ctx.send(&self.ctx.credentials, &GetCallerIdentity)
    }

    /// GetCallerIdentity signed with other credentials (a key `create` just made).
    pub fn get_caller_identity_with(
        &self,
        credentials: &Credentials,
    ) -> Result<CallerIdentity, Error> {
        self.ctx.send(credentials, &GetCallerIdentity)
    }

    /// The caller's account ID (empty when STS leaves it out).
    pub fn account_id(&self) -> Result<String, Error> {
        Ok(self.get_caller_identity()?.account.unwrap_or_default())
    }

    /// AssumeRole with a session policy (`create --duration`, `localserver`).
    pub fn assume_role(
        &self,
        role_arn: &str,
        session_name: &str,
        policy: &str,
        duration_seconds: u64,
    ) -> Result<AssumedRole, Error> {
        let request = AssumeRole {
            role_arn: role_arn.to_string(),
            role_session_name: session_name.to_string(),
            policy: Some(policy.to_string()),
            duration_seconds: Some(duration_seconds.to_string()),
            ..AssumeRole::default()
        };
        self.ctx
            .send(&self.ctx.credentials, &request)?
            .ok_or_else(|| Error::transport("The AssumeRole response holds no Credentials"))
    }
}
