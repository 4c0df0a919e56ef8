//! Expiry times that come with credentials (`AWS_CREDENTIAL_EXPIRATION`, a
//! `credential_process` answer's `Expiration`), judged as botocore's
//! `RefreshableCredentials` judges them: refreshed within 15 minutes of the end
//! (mandatory within 10), refused once past it.

use time::OffsetDateTime;

use crate::aws::ini::py_strip;
use crate::output::parse_aws_timestamp;

/// botocore refreshes (and so, for a process, runs it again) when this little is left.
pub(super) const ADVISORY_REFRESH_SECS: i64 = 15 * 60;
/// Within this, a failed refresh is an error instead of a warning.
pub(super) const MANDATORY_REFRESH_SECS: i64 = 10 * 60;

/// Parse an expiry as dateutil does for the forms AWS tools write: ISO 8601 or
/// RFC 1123, with a time zone (`Z`, `UTC`, `GMT`, `+HH:MM`, `-HHMM`). A time
/// without a zone makes botocore crash comparing it with its aware clock, so it is
/// an error here too, in words. The text is an expiry time, not a secret.
pub(super) fn parse_expiry(what: &'static str, value: &str) -> Result<OffsetDateTime, ExpiryError> {
    let text = py_strip(value);
    let zoned = text.strip_suffix("UTC").unwrap_or(text);
    let Some(time) = parse_aws_timestamp(zoned) else {
        return Err(ExpiryError::UnknownFormat {
            what,
            text: text.to_string(),
        });
    };
    if !has_zone(text) {
        return Err(ExpiryError::NoZone {
            what,
            text: text.to_string(),
        });
    }
    Ok(time)
}

/// An expiry that cannot be judged: `what` names where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryError {
    /// dateutil's "Unknown string format".
    UnknownFormat { what: &'static str, text: String },
    /// A time without a zone (botocore crashes comparing it with its aware clock).
    NoZone { what: &'static str, text: String },
}

impl std::fmt::Display for ExpiryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpiryError::UnknownFormat { what, text } => {
                write!(f, "{what}: Unknown string format: {text}")
            }
            ExpiryError::NoZone { what, text } => write!(
                f,
                "{what}: the time {text} has no time zone (botocore cannot compare it)"
            ),
        }
    }
}

impl std::error::Error for ExpiryError {}

/// Whether a timestamp names its zone: a `Z`, a `UTC`/`GMT` suffix, or a numeric
/// offset after the time of day.
fn has_zone(text: &str) -> bool {
    if text.ends_with(['Z', 'z']) || text.ends_with("UTC") || text.ends_with("GMT") {
        return true;
    }
    // `+HH`, `+HHMM`, `+HH:MM` after a time of day (a date's own `-` is no offset).
    let Some(i) = text.rfind(['+', '-']) else {
        return false;
    };
    let offset = &text[i + 1..];
    let digits: String = offset.chars().filter(|c| *c != ':').collect();
    text[..i].contains(':')
        && matches!(digits.len(), 2 | 4)
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Seconds left until `expiry` (negative once past).
pub(super) fn seconds_left(expiry: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (expiry - now).whole_seconds()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_forms() {
        let ok = |s: &str| parse_expiry("X", s).unwrap().unix_timestamp();
        assert_eq!(ok("2030-01-01T00:00:00Z"), 1_893_456_000);
        assert_eq!(ok(" 2030-01-01T00:00:00.5Z "), 1_893_456_000);
        assert_eq!(ok("2030-01-01 01:00:00+01:00"), 1_893_456_000);
        assert_eq!(ok("2030-01-01T00:00:00UTC"), 1_893_456_000);
        assert_eq!(ok("2029-12-31T23:00:00-0100"), 1_893_456_000);
        // Without a zone: botocore's TypeError, in words.
        for naive in ["2030-01-01T00:00:00", "2030-01-01", "1700000000"] {
            let err = parse_expiry("AWS_CREDENTIAL_EXPIRATION", naive).unwrap_err();
            assert!(err.to_string().contains("no time zone"), "{naive}: {err}");
        }
        assert_eq!(
            parse_expiry("AWS_CREDENTIAL_EXPIRATION", "garbage")
                .unwrap_err()
                .to_string(),
            "AWS_CREDENTIAL_EXPIRATION: Unknown string format: garbage"
        );
    }
}
