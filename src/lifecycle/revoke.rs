//! `revoke-sessions`: what the IAM console's "Revoke active sessions" button does, for
//! the role that `create --duration` and `localserver` assume.
//!
//! The console attaches an inline role policy named `AWSRevokeOlderSessions` that denies
//! every action to sessions whose `aws:TokenIssueTime` is before the moment of revocation;
//! sessions issued afterwards are unaffected
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html>,
//! "Disabling permissions for temporary security credentials",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html>).
//! We write the same policy under the same name, so the console shows our revocation and
//! its button updates the same document; the time has milliseconds, as the console writes
//! it (`2024-10-10T09:43:48.085Z`).

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::expires::{condition_values, denies_everything, statements};
use super::time_text::{millis_z, parse_condition_date};

/// The role whose sessions are revoked (the one `create --duration` makes,
/// `assume::ROLE_NAME`; written again here so this pure module stays in the foundations
/// layer, and a test holds the two equal).
pub(crate) const ROLE_NAME: &str = "s3-credentials.AmazonS3FullAccess";

/// The console's name for the inline role policy.
pub(crate) const POLICY_NAME: &str = "AWSRevokeOlderSessions";

/// The revocation time for a run at `now`: rounded *up* to the millisecond written in
/// the policy, so that a session issued earlier in that same millisecond is revoked
/// too (rounding down would let it through).
pub(crate) fn cutoff(now: OffsetDateTime) -> OffsetDateTime {
    let now = now.to_offset(UtcOffset::UTC);
    let below_ms = now.nanosecond() % 1_000_000;
    if below_ms == 0 {
        now
    } else {
        now + Duration::nanoseconds(i64::from(1_000_000 - below_ms))
    }
}

/// `{"Effect": "Deny", "Action": ["*"], "Resource": ["*"], "Condition": {"DateLessThan":
/// {"aws:TokenIssueTime": "..."}}}`: the console's statement, for sessions issued before
/// `before`.
pub(crate) fn statement(before: OffsetDateTime) -> Value {
    json!({
        "Effect": "Deny",
        "Action": ["*"],
        "Resource": ["*"],
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": millis_z(before)}},
    })
}

/// The whole policy document for a role with no revocation yet.
pub(crate) fn document(before: OffsetDateTime) -> Value {
    json!({"Version": "2012-10-17", "Statement": [statement(before)]})
}

/// The document to put for a run at `now`, given the role's current `AWSRevokeOlderSessions`
/// document (`None` when GetRolePolicy says NoSuchEntity).
///
/// The revocation statement is replaced, never duplicated: every statement that denies
/// everything on a `DateLessThan aws:TokenIssueTime` condition goes, one new one is
/// appended; any other statement someone added to this policy stays, in its place. The
/// time never moves back: if the current document revokes later than [`cutoff`]`(now)`
/// (a clock behind the one that wrote it), that later time is kept, so sessions revoked
/// once stay revoked.
pub(crate) fn update(existing: Option<&Value>, now: OffsetDateTime) -> Value {
    let mut before = cutoff(now);
    if let Some(earlier) = existing.and_then(revoked_before) {
        before = before.max(earlier);
    }
    let Some(existing) = existing.filter(|d| d.is_object()) else {
        return document(before);
    };
    let mut kept: Vec<Value> = statements(existing)
        .filter(|s| !is_revocation(s))
        .cloned()
        .collect();
    kept.push(statement(before));
    let mut updated = existing.clone();
    if let Some(object) = updated.as_object_mut() {
        object
            .entry("Version")
            .or_insert_with(|| Value::String("2012-10-17".to_string()));
        object.insert("Statement".to_string(), Value::Array(kept));
    }
    updated
}

/// The latest time a document revokes sessions issued before (what `update` keeps and
/// what localserver compares its cached set's issue time with). `None` without one.
pub(crate) fn revoked_before(document: &Value) -> Option<OffsetDateTime> {
    statements(document)
        .filter(|s| is_revocation(s))
        .flat_map(token_issue_times)
        .max()
}

/// A revocation time as the policy writes it (`2026-12-05T12:24:58.085Z`), for the lines
/// that name it (revoke-sessions' result, localserver's log).
pub(crate) fn written(before: OffsetDateTime) -> String {
    millis_z(before)
}

/// Whether a set of temporary credentials requested at `requested_at` (the local time
/// just *before* the AssumeRole call, so never later than its real issue time) may be
/// revoked by a policy cutting off at `before`: then localserver fetches a new set.
pub(crate) fn is_revoked(requested_at: OffsetDateTime, before: OffsetDateTime) -> bool {
    requested_at < before
}

fn is_revocation(statement: &Value) -> bool {
    denies_everything(statement) && !token_issue_times(statement).is_empty()
}

fn token_issue_times(statement: &Value) -> Vec<OffsetDateTime> {
    statement
        .get("Condition")
        .and_then(Value::as_object)
        .map(|c| condition_values(c, "DateLessThan", "aws:TokenIssueTime"))
        .unwrap_or_default()
        .iter()
        .filter_map(|v| parse_condition_date(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_document_is_the_consoles() {
        let doc = document(datetime!(2026-12-05 12:24:58.085 UTC));
        assert_eq!(
            crate::output::dumps(&doc, None),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"], "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-12-05T12:24:58.085Z"}}}]}"#
        );
        assert_eq!(POLICY_NAME, "AWSRevokeOlderSessions");
        assert_eq!(ROLE_NAME, crate::assume::ROLE_NAME);
    }

    #[test]
    fn the_cutoff_rounds_up_to_the_millisecond() {
        assert_eq!(
            cutoff(datetime!(2026-12-05 12:24:58.084_000_001 UTC)),
            datetime!(2026-12-05 12:24:58.085 UTC)
        );
        assert_eq!(
            cutoff(datetime!(2026-12-05 12:24:58.085 UTC)),
            datetime!(2026-12-05 12:24:58.085 UTC)
        );
        assert_eq!(
            cutoff(datetime!(2026-12-05 23:59:59.999_5 UTC)),
            datetime!(2026-12-06 0:00 UTC)
        );
        assert_eq!(
            cutoff(datetime!(2026-12-05 13:00 +01:00)),
            datetime!(2026-12-05 12:00 UTC)
        );
    }

    #[test]
    fn a_first_run_makes_the_document() {
        let now = datetime!(2026-12-05 12:00 UTC);
        assert_eq!(update(None, now), document(now));
        assert_eq!(revoked_before(&update(None, now)), Some(now));
    }

    #[test]
    fn a_second_run_replaces_the_statement_and_keeps_others() {
        let first = datetime!(2026-12-05 12:00 UTC);
        let second = datetime!(2026-12-05 13:00 UTC);
        let other =
            json!({"Sid": "Mine", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"});
        let mut existing = document(first);
        existing["Statement"]
            .as_array_mut()
            .unwrap()
            .insert(0, other.clone());
        // The console's own older form: one statement object, strings, seconds only.
        let console = json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-12-05T12:00:00Z"}}}});
        for (existing, expect_other) in [(existing, true), (console, false)] {
            let updated = update(Some(&existing), second);
            let list = updated["Statement"].as_array().unwrap();
            let revocations: Vec<&Value> = list.iter().filter(|s| is_revocation(s)).collect();
            assert_eq!(revocations, [&statement(second)], "{updated}");
            assert_eq!(list.contains(&other), expect_other);
            assert_eq!(list.len(), 1 + usize::from(expect_other));
            assert_eq!(list.last(), Some(&statement(second)));
            assert_eq!(revoked_before(&updated), Some(second));
        }
    }

    #[test]
    fn the_time_never_moves_back() {
        let later = datetime!(2026-12-05 13:00 UTC);
        let behind = datetime!(2026-12-05 12:59:30 UTC);
        let updated = update(Some(&document(later)), behind);
        assert_eq!(updated, document(later));
    }

    #[test]
    fn a_set_requested_before_the_cutoff_is_revoked() {
        let before = datetime!(2026-12-05 12:00 UTC);
        assert!(is_revoked(datetime!(2026-12-05 11:59:59.999 UTC), before));
        assert!(!is_revoked(before, before));
        assert!(!is_revoked(datetime!(2026-12-05 12:00:01 UTC), before));
        // Expiry statements and other date conditions are not revocations.
        let expiry = super::super::expires::deny_after(before);
        assert_eq!(revoked_before(&json!({"Statement": [expiry]})), None);
    }
}
