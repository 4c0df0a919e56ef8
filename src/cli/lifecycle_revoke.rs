//! `revoke-sessions`: the IAM console's "Revoke active sessions" for the role that
//! `create --duration` and `localserver` assume. The policy and its update rule are
//! `crate::lifecycle::revoke`; this file makes the calls and prints.

use time::{Duration, OffsetDateTime};

use super::args::Args;
use super::{CommandError, Failure, context, echo};
use crate::lifecycle::revoke::{self, POLICY_NAME, ROLE_NAME};
use crate::output::dumps;

/// `revoke-sessions [--dry-run]`: GetRole, GetRolePolicy, PutRolePolicy, one line.
pub(super) fn run(args: Args) -> Result<(), Failure> {
    if args.dry_run {
        // Sends nothing (as create --dry-run): the time is the local clock's.
        let document = revoke::document(revoke::cutoff(OffsetDateTime::now_utc()));
        return Ok(echo(dry_run(&document))?);
    }
    let ctx = context(&args.aws.options())?;
    let iam = ctx.iam();
    let (exists, role_date) = iam.role_exists_at(ROLE_NAME)?;
    if !exists {
        return Err(CommandError::NoRoleToRevoke(ROLE_NAME).into());
    }
    let (existing, policy_date) = iam.role_policy_at(ROLE_NAME, POLICY_NAME)?;
    let now = revocation_time(
        OffsetDateTime::now_utc(),
        role_date.into_iter().chain(policy_date),
    );
    let document = revoke::update(existing.as_ref(), now);
    iam.put_role_policy(ROLE_NAME, POLICY_NAME, &dumps(&document, None))?;
    // `update` always leaves one revocation statement: its time is what was put.
    let before = revoke::revoked_before(&document).unwrap_or(now);
    Ok(echo(format!(
        "Revoked sessions of role {ROLE_NAME} issued before {}",
        revoke::written(before)
    ))?)
}

/// The moment to revoke before: the later of the local clock and each server `Date`
/// plus one second. AWS compares a session's issue time with its own clock, and a
/// `Date` is cut to the second: a local clock behind AWS's would leave the sets issued
/// in the last moments valid. Revoking a second too much is the safe side (a set
/// fetched in that second is refused; fetch another).
fn revocation_time(
    local: OffsetDateTime,
    server_dates: impl IntoIterator<Item = OffsetDateTime>,
) -> OffsetDateTime {
    server_dates
        .into_iter()
        .filter_map(|date| date.checked_add(Duration::SECOND))
        .fold(local, OffsetDateTime::max)
}

/// What `--dry-run` prints: the policy for a role that has none yet, and what a run
/// does when it has one.
fn dry_run(document: &serde_json::Value) -> String {
    format!(
        "Would put inline policy '{POLICY_NAME}' on role '{ROLE_NAME}', details:\n{}\n\
         ... replacing the revocation statement of an existing policy, keeping its other statements",
        dumps(document, Some(4))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_time_is_the_later_clock_plus_a_second_of_the_servers() {
        let local = datetime!(2026-12-05 12:00:00.250 UTC);
        // No Date: the local clock.
        assert_eq!(revocation_time(local, None), local);
        // A server behind: the local clock still.
        assert_eq!(
            revocation_time(local, Some(datetime!(2026-12-05 11:59:00 UTC))),
            local
        );
        // A server ahead, or the same second (Date is cut to the second): its Date + 1 s.
        assert_eq!(
            revocation_time(local, Some(datetime!(2026-12-05 12:00:00 UTC))),
            datetime!(2026-12-05 12:00:01 UTC)
        );
        assert_eq!(
            revocation_time(
                local,
                [
                    datetime!(2026-12-05 12:00:03 UTC),
                    datetime!(2026-12-05 12:00:02 UTC)
                ]
            ),
            datetime!(2026-12-05 12:00:04 UTC)
        );
    }

    #[test]
    fn the_dry_run_shows_the_document_and_the_update_rule() {
        let document = revoke::document(datetime!(2026-12-05 12:24:58.085 UTC));
        assert_eq!(
            dry_run(&document),
            "Would put inline policy 'AWSRevokeOlderSessions' on role 's3-credentials.AmazonS3FullAccess', details:\n\
             {\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Deny\",\n\
             \x20           \"Action\": [\n                \"*\"\n            ],\n            \"Resource\": [\n                \"*\"\n            ],\n\
             \x20           \"Condition\": {\n                \"DateLessThan\": {\n                    \"aws:TokenIssueTime\": \"2026-12-05T12:24:58.085Z\"\n\
             \x20               }\n            }\n        }\n    ]\n}\n\
             ... replacing the revocation statement of an existing policy, keeping its other statements"
        );
    }
}
