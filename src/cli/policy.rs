//! `policy`: print the policy `create` would attach, without touching AWS.

use serde_json::Value;

use super::args::{Command, Matches};
use super::echo;
use super::{CommandError, Failure};
use crate::output::dumps;
use crate::policies::{self, Permission};

pub struct Policy {
    buckets: Vec<String>,
    public_bucket: bool,
    permission: Permission,
    prefixes: Vec<String>,
    statements: Vec<Value>,
}

impl Command for Policy {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(Policy {
            buckets: m.arg_list("BUCKETS")?,
            public_bucket: m.flag("public-bucket"),
            // Unlike `create`, the original lets --write-only win when both flags are given.
            permission: Permission::from_flags(m.flag("read-only"), m.flag("write-only")),
            prefixes: m.texts("prefix")?,
            statements: m.statements("statement"),
        })
    }

    fn run(self) -> Result<(), Failure> {
        let buckets = self.buckets;
        if self.public_bucket {
            if buckets.len() != 1 {
                return Err(CommandError::PublicBucketNotSingle.into());
            }
            return Ok(echo(dumps(
                &policies::bucket_policy_allow_all_get(&buckets[0]),
                Some(4),
            ))?);
        }
        let policy =
            policies::buckets_policy(self.permission, &buckets, &self.prefixes, &self.statements);
        Ok(echo(dumps(&policy, Some(4)))?)
    }
}
