//! `policy`: print the policy `create` would attach, without touching AWS.

use super::args::Matches;
use super::echo;
use crate::error::Error;
use crate::output::dumps;
use crate::policies::{self, Permission};

pub fn policy(m: &Matches) -> Result<(), Error> {
    let buckets = m.arg_list("BUCKETS")?;
    if m.flag("public-bucket") {
        if buckets.len() != 1 {
            return Err(Error::msg(
                "--public-bucket policy can only be generated for a single bucket",
            ));
        }
        return echo(dumps(
            &policies::bucket_policy_allow_all_get(&buckets[0]),
            Some(4),
        ));
    }
    // Unlike `create`, the original lets --write-only win when both flags are given.
    let permission = Permission::from_flags(m.flag("read-only"), m.flag("write-only"));
    let prefixes = m.texts("prefix")?;
    let policy =
        policies::buckets_policy(permission, &buckets, &prefixes, &m.statements("statement"));
    echo(dumps(&policy, Some(4)))
}
