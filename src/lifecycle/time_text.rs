//! Times as IAM policy conditions write them, both ways.
//!
//! IAM's date condition operators take "one of the W3C implementations of the ISO 8601
//! date formats, or epoch (UNIX) time"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>).
//! We write `2027-03-01T12:00:00Z` (the form of the IAM User Guide's date example,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-dates.html>)
//! and, for revocations, milliseconds as the IAM console does (`...T09:43:48.085Z`); we read
//! any of the forms IAM accepts, since a policy may have been edited by hand.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// `2027-03-01T12:00:00Z`: whole seconds, UTC (sub-seconds are dropped).
pub(super) fn seconds_z(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2026-12-05T12:24:58.085Z`: milliseconds, UTC (below the millisecond is dropped).
pub(super) fn millis_z(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut s = seconds_z(t);
    s.pop();
    s.push_str(&format!(".{:03}Z", t.millisecond()));
    s
}

/// A date condition value as IAM reads it: `2027-03-01`, an RFC 3339 date-time
/// (`2027-03-01T12:00:00Z`, `...T12:00:00.5+02:00`), or epoch seconds (`1803859200`).
/// `None` for anything else.
pub(super) fn parse_condition_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return OffsetDateTime::from_unix_timestamp(s.parse().ok()?).ok();
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.to_offset(UtcOffset::UTC));
    }
    parse_date(s).map(|d| d.midnight().assume_utc())
}

/// `YYYY-MM-DD`, a real calendar day.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_seconds_and_millis_in_utc() {
        let t = datetime!(2027-03-01 14:05:09.123456 +02:00);
        assert_eq!(seconds_z(t), "2027-03-01T12:05:09Z");
        assert_eq!(millis_z(t), "2027-03-01T12:05:09.123Z");
        assert_eq!(
            millis_z(datetime!(2027-03-01 0:00 UTC)),
            "2027-03-01T00:00:00.000Z"
        );
    }

    #[test]
    fn reads_every_form_iam_takes() {
        let noon = datetime!(2027-03-01 12:00 UTC);
        assert_eq!(parse_condition_date("2027-03-01T12:00:00Z"), Some(noon));
        assert_eq!(
            parse_condition_date("2027-03-01T14:00:00+02:00"),
            Some(noon)
        );
        assert_eq!(parse_condition_date("2027-03-01T12:00:00.000Z"), Some(noon));
        assert_eq!(
            parse_condition_date("2027-03-01"),
            Some(datetime!(2027-03-01 0:00 UTC))
        );
        assert_eq!(
            parse_condition_date(&noon.unix_timestamp().to_string()),
            Some(noon)
        );
        for bad in ["", "soon", "2027-02-30", "2027-3-1", "12:00:00Z", "-5"] {
            assert_eq!(parse_condition_date(bad), None, "{bad:?}");
        }
    }
}
