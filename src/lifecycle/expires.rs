//! `create --expires WHEN` and `policy --expires WHEN`: permanent keys that stop working.
//!
//! IAM access keys have no expiry. The standard way to give them one is a statement in
//! the user's policy that denies every action once a time has passed: an explicit Deny
//! wins over any Allow, so no policy attached later can outlive it (policy evaluation
//! logic, <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//! The condition is `DateGreaterThan` on the global key `aws:CurrentTime`, the date
//! condition operator and key of the IAM User Guide's "Allows access based on date and
//! time" example
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-dates.html>,
//! operators: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>).

use std::fmt;

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::time_text::{parse_condition_date, parse_date, seconds_z};

/// The statement's Sid: how `list-credentials` and a second `--expires` find it again.
/// (IAM Sids are `[A-Za-z0-9]*`.)
pub(crate) const SID: &str = "S3CredentialsExpiry";

/// The furthest an expiry may be: anything later is a typo (`9000d` for `90d`), and
/// keeps the date far from the year 9999 that ISO 8601 and IAM top out at.
pub(crate) const MAX_DAYS: i64 = 100 * 366;

/// Why WHEN was refused. `Display` is the part after click's
/// `Invalid value for '--expires': ` (the caller makes it a usage error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WhenError {
    /// Neither a duration nor a UTC date or time.
    Form(String),
    /// A date with no such day (`2027-02-30`).
    NoSuchDay(String),
    /// A date or time with an offset other than UTC, or none.
    NotUtc(String),
    /// At or before now (`0s`, yesterday's date).
    NotInFuture(String),
    /// More than [`MAX_DAYS`] away, or too large to compute.
    TooFar(String),
}

impl fmt::Display for WhenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhenError::Form(s) => write!(
                f,
                "'{s}' is not a duration (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z)."
            ),
            WhenError::NoSuchDay(s) => write!(f, "'{s}' is not a date that exists."),
            WhenError::NotUtc(s) => write!(
                f,
                "'{s}' must be in UTC, ending in Z (2027-03-01T12:00:00Z)."
            ),
            WhenError::NotInFuture(s) => write!(f, "'{s}' is not in the future."),
            WhenError::TooFar(s) => {
                write!(f, "'{s}' is more than {} years away.", MAX_DAYS / 366)
            }
        }
    }
}

impl std::error::Error for WhenError {}

/// WHEN as a UTC time, against `now`:
/// - a duration from now: digits and one unit, `d` days, `h` hours, `m` minutes, `s`
///   seconds (`90d`, `12h`, `30m`, `3600s`); counted from `now` in whole seconds;
/// - a date, `2027-03-01`: the start of that day, 00:00:00 UTC (the keys stop working
///   as that day begins; the policy shows the exact time);
/// - a date and time in UTC, `2027-03-01T12:00:00Z` (RFC 3339: `T` and `Z`, fractions of a
///   second allowed and dropped).
///
/// It must be after `now` and at most [`MAX_DAYS`] away. Surrounding spaces are ignored.
pub(crate) fn parse_when(when: &str, now: OffsetDateTime) -> Result<OffsetDateTime, WhenError> {
    let text = when.trim();
    let now = now
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(now);
    let at = if let Some(seconds) = duration_seconds(text) {
        let seconds = seconds.ok_or_else(|| WhenError::TooFar(text.to_string()))?;
        now.checked_add(Duration::seconds(seconds))
            .ok_or_else(|| WhenError::TooFar(text.to_string()))?
    } else if looks_like_date(text) {
        date_or_time(text)?
    } else {
        return Err(WhenError::Form(text.to_string()));
    };
    if at <= now {
        return Err(WhenError::NotInFuture(text.to_string()));
    }
    if at - now > Duration::days(MAX_DAYS) {
        return Err(WhenError::TooFar(text.to_string()));
    }
    Ok(at)
}

/// `Some(Some(seconds))` for a duration, `Some(None)` for one too large to count,
/// `None` when the text is not of the duration form at all.
fn duration_seconds(text: &str) -> Option<Option<i64>> {
    let unit = text.chars().last()?;
    let scale: i64 = match unit {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(scale)),
    )
}

/// `YYYY-MM-DD` with anything after it: meant as a date, so errors say what is wrong
/// with it rather than repeating the forms.
fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn date_or_time(text: &str) -> Result<OffsetDateTime, WhenError> {
    if text.len() == 10 {
        return parse_date(text)
            .map(|d| d.midnight().assume_utc())
            .ok_or_else(|| WhenError::NoSuchDay(text.to_string()));
    }
    // Only UTC: a local time would be read in whatever zone the machine is in.
    let utc = text.ends_with(['Z', 'z']) || text.ends_with("+00:00");
    match parse_condition_date(text) {
        Some(t) if utc => Ok(t.replace_nanosecond(0).unwrap_or(t)),
        Some(_) => Err(WhenError::NotUtc(text.to_string())),
        None if text.get(..10).and_then(parse_date).is_none() => {
            Err(WhenError::NoSuchDay(text.to_string()))
        }
        // `2027-03-01T12:00:00`: a time, but no zone at all.
        None if parse_condition_date(&format!("{text}Z")).is_some() => {
            Err(WhenError::NotUtc(text.to_string()))
        }
        None => Err(WhenError::Form(text.to_string())),
    }
}

/// The statement that denies everything after `at`:
/// `{"Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*",
/// "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2027-03-01T00:00:00Z"}}}`.
pub(crate) fn deny_after(at: OffsetDateTime) -> Value {
    json!({
        "Sid": SID,
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": seconds_z(at)}},
    })
}

/// `document` with the expiry statement last, replacing an earlier one with [`SID`]
/// (never two). Works on any policy document, `--policy` ones included: a `Statement`
/// that is a single object becomes a list, a missing one a list of just this statement.
pub(crate) fn with_expiry(document: &Value, at: OffsetDateTime) -> Value {
    let mut document = document.clone();
    let Some(object) = document.as_object_mut() else {
        return document;
    };
    let mut statements: Vec<Value> = match object.remove("Statement") {
        Some(Value::Array(list)) => list,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    };
    statements.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(SID));
    statements.push(deny_after(at));
    object.insert("Statement".to_string(), Value::Array(statements));
    document
}

/// When the keys governed by `document` stop working: the earliest time of any statement
/// that denies every action on every resource once `aws:CurrentTime` is past it (ours,
/// by its shape, not its Sid, so one written by hand counts too). `None` when there is
/// none, or its time cannot be read.
pub(crate) fn expiry_of(document: &Value) -> Option<OffsetDateTime> {
    statements(document)
        .filter(|s| denies_everything(s))
        .filter_map(|s| s.get("Condition")?.as_object())
        .flat_map(|condition| condition_values(condition, "DateGreaterThan", "aws:CurrentTime"))
        .filter_map(|v| parse_condition_date(&v))
        .min()
}

/// The statements of a policy document: `Statement` may be a list or a single object.
pub(super) fn statements(document: &Value) -> impl Iterator<Item = &Value> {
    let statement = document.get("Statement");
    let (list, one) = match statement {
        Some(Value::Array(list)) => (list.as_slice(), None),
        Some(one @ Value::Object(_)) => (&[][..], Some(one)),
        _ => (&[][..], None),
    };
    list.iter().chain(one)
}

/// `Effect: Deny` on `Action: *` (or `["*"]`) and `Resource: *` (or `["*"]`).
pub(super) fn denies_everything(statement: &Value) -> bool {
    let star = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(list)) => list.len() == 1 && list[0] == "*",
        _ => false,
    };
    statement.get("Effect").and_then(Value::as_str) == Some("Deny")
        && star(statement.get("Action"))
        && star(statement.get("Resource"))
}

/// The values of `operator: {key: value or [values]}` in a Condition block. Condition
/// keys are case-insensitive in IAM; operators are not.
pub(super) fn condition_values(
    condition: &serde_json::Map<String, Value>,
    operator: &str,
    key: &str,
) -> Vec<String> {
    let Some(Value::Object(keys)) = condition.get(operator) else {
        return Vec::new();
    };
    keys.iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .flat_map(|(_, v)| match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(list) => list
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Value::Number(n) => vec![n.to_string()],
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-05 12:19:48.750 UTC);

    fn ok(when: &str) -> OffsetDateTime {
        parse_when(when, NOW).unwrap_or_else(|e| panic!("{when}: {e}"))
    }

    #[test]
    fn durations_count_from_now_in_whole_seconds() {
        assert_eq!(ok("90d"), datetime!(2027-03-05 12:19:48 UTC));
        assert_eq!(ok("12h"), datetime!(2026-12-06 0:19:48 UTC));
        assert_eq!(ok("30m"), datetime!(2026-12-05 12:49:48 UTC));
        assert_eq!(ok("3600s"), datetime!(2026-12-05 13:19:48 UTC));
        assert_eq!(ok(" 1s\n"), datetime!(2026-12-05 12:19:49 UTC));
    }

    #[test]
    fn dates_and_times_are_utc() {
        assert_eq!(ok("2027-03-01"), datetime!(2027-03-01 0:00 UTC));
        assert_eq!(ok("2027-03-01T12:00:00Z"), datetime!(2027-03-01 12:00 UTC));
        assert_eq!(
            ok("2027-03-01T12:00:00.9Z"),
            datetime!(2027-03-01 12:00 UTC)
        );
        assert_eq!(
            ok("2027-03-01T12:00:00+00:00"),
            datetime!(2027-03-01 12:00 UTC)
        );
    }

    #[test]
    fn refusals_say_why_in_clicks_words() {
        let err = |when: &str| parse_when(when, NOW).unwrap_err();
        for form in ["", "soon", "90", "d", "-5d", "1.5h", "90 d", "1w", "12:00"] {
            assert_eq!(
                err(form),
                WhenError::Form(form.trim().to_string()),
                "{form:?}"
            );
        }
        assert_eq!(
            err("tomorrow").to_string(),
            "'tomorrow' is not a duration (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z)."
        );
        assert_eq!(err("2027-02-30"), WhenError::NoSuchDay("2027-02-30".into()));
        assert_eq!(
            err("2027-02-30T00:00:00Z").to_string(),
            "'2027-02-30T00:00:00Z' is not a date that exists."
        );
        assert_eq!(
            err("2027-03-01T12:00:00").to_string(),
            "'2027-03-01T12:00:00' must be in UTC, ending in Z (2027-03-01T12:00:00Z)."
        );
        assert_eq!(
            err("2027-03-01T12:00:00+01:00"),
            WhenError::NotUtc("2027-03-01T12:00:00+01:00".into())
        );
        assert_eq!(
            err("2027-03-01T25:00:00Z"),
            WhenError::Form("2027-03-01T25:00:00Z".into())
        );
    }

    #[test]
    fn past_now_and_absurd_times_are_refused() {
        let err = |when: &str| parse_when(when, NOW).unwrap_err();
        assert_eq!(err("0s").to_string(), "'0s' is not in the future.");
        assert_eq!(err("0d"), WhenError::NotInFuture("0d".into()));
        assert_eq!(
            err("2026-12-05"),
            WhenError::NotInFuture("2026-12-05".into())
        );
        assert_eq!(
            err("2026-12-05T12:19:48Z"),
            WhenError::NotInFuture("2026-12-05T12:19:48Z".into())
        );
        assert_eq!(
            err("2020-01-01"),
            WhenError::NotInFuture("2020-01-01".into())
        );
        assert_eq!(
            err("36601d").to_string(),
            "'36601d' is more than 100 years away."
        );
        assert_eq!(
            err("99999999999999999999d"),
            WhenError::TooFar("99999999999999999999d".into())
        );
        assert_eq!(
            err("9223372036854775807s"),
            WhenError::TooFar("9223372036854775807s".into())
        );
        assert_eq!(err("9999-12-31"), WhenError::TooFar("9999-12-31".into()));
        assert_eq!(
            ok("36600d"),
            NOW.replace_nanosecond(0).unwrap() + Duration::days(36600)
        );
    }

    /// Anything typed is an answer, never a panic: multi-byte characters where the date
    /// parser slices, signs, huge numbers, empty parts.
    #[test]
    fn no_input_panics() {
        for when in [
            "2027-é-01",
            "2027-03-0é",
            "2027-03-01Té",
            "2027-03-01T",
            "2027-03-01é",
            "é",
            "ék",
            "9d9",
            "+5d",
            "5D",
            "0000-00-00",
            "2027-03-01T12:00:00.999999999999Z",
            "2027-03-01T12:00:00-00:00",
            "-2027-03-01",
            "2027-03-01T24:00:00Z",
            "\u{0}d",
        ] {
            let _ = parse_when(when, NOW);
        }
        assert!(matches!(
            parse_when("2027-03-01T12:00:00-00:00", NOW),
            Err(WhenError::NotUtc(_))
        ));
    }

    #[test]
    fn the_statement_is_a_deny_of_everything_after_the_time() {
        let s = deny_after(datetime!(2027-03-01 0:00 UTC));
        assert_eq!(
            crate::output::dumps(&s, None),
            r#"{"Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2027-03-01T00:00:00Z"}}}"#
        );
    }

    #[test]
    fn the_statement_goes_last_once() {
        let at = datetime!(2027-03-01 0:00 UTC);
        let doc =
            crate::policies::bucket_policy(crate::policies::Permission::ReadOnly, "b", &[], &[]);
        let with = with_expiry(&doc, at);
        let list = with["Statement"].as_array().unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[..2], doc["Statement"].as_array().unwrap()[..]);
        assert_eq!(list[2], deny_after(at));
        // Again, later: replaced, not added.
        let later = datetime!(2028-01-01 0:00 UTC);
        let again = with_expiry(&with, later);
        assert_eq!(again["Statement"].as_array().unwrap().len(), 3);
        assert_eq!(expiry_of(&again), Some(later));
        // A --policy document with one statement object, or none.
        let one = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}});
        let with = with_expiry(&one, at);
        assert_eq!(with["Statement"][0], one["Statement"]);
        assert_eq!(with["Statement"][1], deny_after(at));
        let keys: Vec<&String> = with.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Version", "Statement"]);
        assert_eq!(
            with_expiry(&json!({}), at)["Statement"],
            json!([deny_after(at)])
        );
    }

    #[test]
    fn expiry_is_read_back_by_shape() {
        let at = datetime!(2027-03-01 0:00 UTC);
        assert_eq!(
            expiry_of(&with_expiry(&json!({"Statement": []}), at)),
            Some(at)
        );
        // Written by hand: no Sid, lists, a lower-case key, two values (the earliest wins).
        let hand = json!({"Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*",
             "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}},
            {"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
             "Condition": {"DateGreaterThan": {"aws:currenttime": ["2028-01-01T00:00:00Z", "2027-03-01"]}}},
        ]});
        assert_eq!(expiry_of(&hand), Some(at));
        // Not an expiry: a narrower Deny, another key, another operator, no time.
        for statement in [
            json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2027-03-01"}}}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2027-03-01"}}}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-03-01"}}}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "soon"}}}),
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"}),
        ] {
            assert_eq!(
                expiry_of(&json!({"Statement": [statement]})),
                None,
                "{statement}"
            );
        }
        assert_eq!(expiry_of(&json!("not a document")), None);
    }
}
