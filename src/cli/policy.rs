//! `policy`: print the policy `create` would attach, without touching AWS.

use super::args::Args;
use super::echo;
use super::{CommandError, Failure};
use crate::lifecycle::expires;
use crate::output::dumps;
use crate::policies::{self, Permission};

pub(super) fn run(args: Args) -> Result<(), Failure> {
    // Unlike `create`, the original lets --write-only win when both flags are given.
    let permission = Permission::from_flags(args.read_only, args.write_only);
    let buckets = args.buckets;
    if args.public_bucket && args.expires.is_some() {
        return Err(CommandError::ExpiresWithPublicBucket.into());
    }
    if args.public_bucket {
        if buckets.len() != 1 {
            return Err(CommandError::PublicBucketNotSingle.into());
        }
        return Ok(echo(dumps(
            &policies::bucket_policy_allow_all_get(&buckets[0]),
            Some(4),
        ))?);
    }
    let mut policy =
        policies::buckets_policy(permission, &buckets, &args.prefixes, &args.statements);
    if let Some(at) = args.expires {
        policy = expires::with_expiry(&policy, at);
    }
    Ok(echo(dumps(&policy, Some(4)))?)
}
