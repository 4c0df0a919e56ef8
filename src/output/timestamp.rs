//! Timestamps: Python's `str(datetime)` and AWS timestamp parsing.

use std::fmt::Write as _;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `2026-11-28 22:57:41` (with `separator` between date and time), in UTC, whole
/// seconds: the common part of Python's `str(datetime)`, the original's log lines and
/// ISO 8601 timestamps.
pub fn utc_seconds(t: OffsetDateTime, separator: char) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut s = String::with_capacity(32);
    let _ = write!(
        s,
        "{:04}-{:02}-{:02}{separator}{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    s
}

/// Python's `str()` of a UTC datetime: `2021-11-03 01:38:24+00:00`, with `.ffffff`
/// only when the microseconds are non-zero. The time is converted to UTC first;
/// nanoseconds below the microsecond are dropped.
pub fn py_datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut s = utc_seconds(t, ' ');
    let micros = t.microsecond();
    if micros != 0 {
        let _ = write!(s, ".{micros:06}");
    }
    s.push_str("+00:00");
    s
}

/// Parse a timestamp as AWS sends them: ISO 8601 (`2026-11-28T22:57:20.370918Z`,
/// `2026-11-28T22:57:20Z`, `2026-11-28T22:57:20.370+00:00`, no offset meaning UTC),
/// RFC 1123 as in HTTP headers (`Sat, 28 Nov 2026 22:57:41 GMT`), or epoch seconds
/// (`1700000000`, `1700000000.5`). `None` when it is none of these.
pub fn parse_aws_timestamp(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[..4].iter().all(u8::is_ascii_digit) {
        parse_iso8601(s)
    } else if !b.is_empty() && b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        parse_epoch(s)
    } else {
        parse_rfc1123(s)
    }
}

/// A little cursor over ASCII for the timestamp parsers.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let d = self.b.get(self.i..self.i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(d.iter().fold(0, |acc, c| acc * 10 + u32::from(c - b'0')))
    }

    /// Between `min` and `max` digits; returns the value and how many were read.
    fn digits_between(&mut self, min: usize, max: usize) -> Option<(u64, usize)> {
        let start = self.i;
        let mut v: u64 = 0;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + u64::from(c - b'0');
                    self.i += 1;
                }
                _ => break,
            }
        }
        let n = self.i - start;
        (n >= min).then_some((v, n))
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
}

fn make_datetime(
    year: i32,
    month: u32,
    day: u32,
    hms: (u32, u32, u32),
    nanos: u32,
    offset_secs: i32,
) -> Option<OffsetDateTime> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    let (h, m, sec) = hms;
    // A leap second (":60") is clamped, as it cannot be represented.
    let time = Time::from_hms_nano(
        u8::try_from(h).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(sec.min(59)).ok()?,
        nanos,
    )
    .ok()?;
    let offset = UtcOffset::from_whole_seconds(offset_secs).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

/// Fractional seconds after the `.`: up to nine digits kept, the rest ignored.
fn fraction_nanos(c: &mut Cursor<'_>) -> Option<u32> {
    let start = c.i;
    while c.peek().is_some_and(|d| d.is_ascii_digit()) {
        c.i += 1;
    }
    let digits = &c.b[start..c.i];
    if digits.is_empty() {
        return None;
    }
    let mut nanos: u32 = 0;
    for k in 0..9 {
        nanos = nanos * 10 + digits.get(k).map_or(0, |d| u32::from(d - b'0'));
    }
    Some(nanos)
}

/// `±HH:MM`, `±HHMM`, `±HH`; returns seconds east of UTC.
fn numeric_offset(c: &mut Cursor<'_>) -> Option<i32> {
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let h = c.digits(2)?;
    let m = if c.done() {
        0
    } else {
        c.eat(b':');
        c.digits(2)?
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60) as i32)
}

fn parse_iso8601(s: &str) -> Option<OffsetDateTime> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)? as i32;
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if c.done() {
        return make_datetime(year, month, day, (0, 0, 0), 0, 0);
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let mut second = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') || c.eat(b',') {
            nanos = fraction_nanos(&mut c)?;
        }
    }
    let offset = if c.done() || c.eat(b'Z') || c.eat(b'z') {
        0
    } else {
        c.skip_spaces();
        if c.b[c.i..].eq_ignore_ascii_case(b"GMT") || c.b[c.i..].eq_ignore_ascii_case(b"UTC") {
            c.i = c.b.len();
            0
        } else {
            numeric_offset(&mut c)?
        }
    };
    if !c.done() {
        return None;
    }
    make_datetime(year, month, day, (hour, minute, second), nanos, offset)
}

fn parse_epoch(s: &str) -> Option<OffsetDateTime> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let (secs, _) = c.digits_between(1, 12)?;
    let nanos = if c.eat(b'.') {
        if c.done() { 0 } else { fraction_nanos(&mut c)? }
    } else {
        0
    };
    if !c.done() {
        return None;
    }
    let t = OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?).ok()?;
    t.replace_nanosecond(nanos).ok()
}

fn parse_rfc1123(s: &str) -> Option<OffsetDateTime> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    // Optional day name: "Sat, " (its spelling is not checked).
    if let Some(comma) = s.find(',') {
        if !s[..comma].bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        c.i = comma + 1;
        c.skip_spaces();
    }
    let (day, _) = c.digits_between(1, 2)?;
    if !c.eat(b' ') {
        return None;
    }
    let name = c.b.get(c.i..c.i + 3)?;
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(name))? as u32 + 1;
    c.i += 3;
    if !c.eat(b' ') {
        return None;
    }
    let year = c.digits(4)? as i32;
    if !c.eat(b' ') {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let second = c.digits(2)?;
    c.skip_spaces();
    let rest = &c.b[c.i..];
    let offset = if rest.is_empty()
        || rest.eq_ignore_ascii_case(b"GMT")
        || rest.eq_ignore_ascii_case(b"UTC")
        || rest.eq_ignore_ascii_case(b"UT")
        || rest == b"Z"
    {
        0
    } else {
        let off = numeric_offset(&mut c)?;
        if !c.done() {
            return None;
        }
        off
    };
    make_datetime(year, month, day as u32, (hour, minute, second), 0, offset)
}
