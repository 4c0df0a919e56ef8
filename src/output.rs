//! Printing values exactly as the original prints them.
//!
//! The original writes stdout with Python's `json.dumps` (indent 4 for single documents,
//! a streamed indent-2 array for `list-*`, one compact object per line for `--nl`),
//! `csv.DictWriter` for `--csv` / `--tsv`, and a few `repr()`s and `str(datetime)`s in
//! its messages. Everything here reproduces those byte for byte; the expected bytes in
//! the tests were produced by Python 3.11.
//!
//! Serialisers append to a `String` (no per-character allocation); the list writers
//! write one item at a time into the caller's writer.

use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Map, Number, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

// ---------------------------------------------------------------------------------------
// json.dumps
// ---------------------------------------------------------------------------------------

/// Python `json.dumps(value, indent=indent)` (with the default `ensure_ascii=True`).
///
/// - `None`: one line, separators `", "` and `": "`.
/// - `Some(n)`: each member on its own line indented `n` spaces per level, item
///   separator `","`, key separator `": "`; empty containers stay `[]` / `{}`.
/// - Strings: `\"` `\\` `\n` `\r` `\t` `\b` `\f`, other control characters and all
///   non-ASCII as lowercase `\uXXXX` (surrogate pairs above U+FFFF); `/` is not escaped.
/// - Floats as Python's `repr` (`1.0`, `1e+16`, `1e-07`).
/// - Object keys in the `Value`'s order.
pub fn dumps(value: &Value, indent: Option<usize>) -> String {
    let mut buf = String::new();
    dumps_into(&mut buf, value, indent);
    buf
}

/// [`dumps`], appending to `buf`.
pub fn dumps_into(buf: &mut String, value: &Value, indent: Option<usize>) {
    write_json(buf, value, indent, 0);
}

/// Serialise `value` whose first line is already at column `level` (in spaces): nested
/// lines are indented `level + indent * depth`.
fn write_json(buf: &mut String, value: &Value, indent: Option<usize>, level: usize) {
    match value {
        Value::Null => buf.push_str("null"),
        Value::Bool(true) => buf.push_str("true"),
        Value::Bool(false) => buf.push_str("false"),
        Value::Number(n) => write_number(buf, n, true),
        Value::String(s) => write_json_str(buf, s),
        Value::Array(items) => {
            if items.is_empty() {
                buf.push_str("[]");
                return;
            }
            buf.push('[');
            match indent {
                None => {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            buf.push_str(", ");
                        }
                        write_json(buf, item, None, 0);
                    }
                }
                Some(n) => {
                    let inner = level + n;
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            buf.push(',');
                        }
                        newline_indent(buf, inner);
                        write_json(buf, item, indent, inner);
                    }
                    newline_indent(buf, level);
                }
            }
            buf.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                buf.push_str("{}");
                return;
            }
            buf.push('{');
            match indent {
                None => {
                    for (i, (k, v)) in map.iter().enumerate() {
                        if i > 0 {
                            buf.push_str(", ");
                        }
                        write_json_str(buf, k);
                        buf.push_str(": ");
                        write_json(buf, v, None, 0);
                    }
                }
                Some(n) => {
                    let inner = level + n;
                    for (i, (k, v)) in map.iter().enumerate() {
                        if i > 0 {
                            buf.push(',');
                        }
                        newline_indent(buf, inner);
                        write_json_str(buf, k);
                        buf.push_str(": ");
                        write_json(buf, v, indent, inner);
                    }
                    newline_indent(buf, level);
                }
            }
            buf.push('}');
        }
    }
}

fn newline_indent(buf: &mut String, spaces: usize) {
    buf.push('\n');
    push_spaces(buf, spaces);
}

fn push_spaces(buf: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        buf.push_str(&SPACES[..k]);
        n -= k;
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_u4(buf: &mut String, unit: u16) {
    buf.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        buf.push(HEX[((unit >> shift) & 0xf) as usize] as char);
    }
}

/// A JSON string literal as `json.dumps` writes it with `ensure_ascii=True`.
fn write_json_str(buf: &mut String, s: &str) {
    buf.push('"');
    let bytes = s.as_bytes();
    let mut start = 0; // start of the pending run of bytes copied verbatim
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        buf.push_str(&s[start..i]);
        if b < 0x80 {
            match b {
                b'"' => buf.push_str("\\\""),
                b'\\' => buf.push_str("\\\\"),
                b'\n' => buf.push_str("\\n"),
                b'\r' => buf.push_str("\\r"),
                b'\t' => buf.push_str("\\t"),
                0x08 => buf.push_str("\\b"),
                0x0c => buf.push_str("\\f"),
                _ => push_u4(buf, u16::from(b)),
            }
            i += 1;
        } else {
            let c = s[i..].chars().next().expect("char boundary");
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                push_u4(buf, *unit);
            }
            i += c.len_utf8();
        }
        start = i;
    }
    buf.push_str(&s[start..]);
    buf.push('"');
}

/// An integer as `str(int)`, a float as `repr(float)`; `json` selects JSON's spelling
/// of the non-finite floats (`Infinity`, `NaN`) over Python's (`inf`, `nan`).
fn write_number(buf: &mut String, n: &Number, json: bool) {
    if let Some(u) = n.as_u64() {
        let _ = write!(buf, "{u}");
    } else if let Some(i) = n.as_i64() {
        let _ = write!(buf, "{i}");
    } else if let Some(f) = n.as_f64() {
        write_py_float(buf, f, json);
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation
/// when the decimal exponent is in -4..16 (always with a fractional part, `1.0`),
/// otherwise as `d.ddde+XX` / `de-XX` with at least two exponent digits.
fn write_py_float(buf: &mut String, f: f64, json: bool) {
    if f.is_nan() {
        buf.push_str(if json { "NaN" } else { "nan" });
        return;
    }
    if f.is_infinite() {
        if f < 0.0 {
            buf.push('-');
        }
        buf.push_str(if json { "Infinity" } else { "inf" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-7", "1e16", "0e0".
    let a = f.abs();
    let mut sci = String::with_capacity(32);
    let _ = write!(sci, "{a:e}");
    // When two strings of that length round-trip and are equally close (1267860061485775.25
    // has .2 and .3), Rust and Python may pick differently: Python takes the correctly
    // rounded one, ties to even, which is what the exact formatting with that many
    // digits gives.
    let ndigits = sci.find('e').unwrap_or(sci.len()) - usize::from(sci.contains('.'));
    if ndigits > 1 {
        let mut exact = String::with_capacity(32);
        let _ = write!(exact, "{:.*e}", ndigits - 1, a);
        if exact.parse::<f64>() == Ok(a) && exact != sci {
            let (m, e) = exact.split_once('e').expect("LowerExp has an exponent");
            let m = m.trim_end_matches('0').trim_end_matches('.');
            sci = format!("{m}e{e}");
        }
    }
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let (first, rest) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    if f.is_sign_negative() {
        buf.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            // digits = first + rest; the point goes after exp + 1 digits.
            let int_len = exp as usize + 1;
            buf.push_str(first);
            if rest.len() >= int_len {
                buf.push_str(&rest[..int_len - 1]);
                buf.push('.');
                let frac = &rest[int_len - 1..];
                buf.push_str(if frac.is_empty() { "0" } else { frac });
            } else {
                buf.push_str(rest);
                for _ in 0..int_len - 1 - rest.len() {
                    buf.push('0');
                }
                buf.push_str(".0");
            }
        } else {
            buf.push_str("0.");
            for _ in 0..(-exp - 1) {
                buf.push('0');
            }
            buf.push_str(first);
            buf.push_str(rest);
        }
    } else {
        buf.push_str(first);
        if !rest.is_empty() {
            buf.push('.');
            buf.push_str(rest);
        }
        let _ = write!(
            buf,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    }
}

/// Python's `str(float)` (same as `repr`): `1.0`, `0.1`, `1e+16`, `inf`.
pub fn py_float(f: f64) -> String {
    let mut buf = String::new();
    write_py_float(&mut buf, f, false);
    buf
}

// ---------------------------------------------------------------------------------------
// output(): JSON stream, --nl, --csv, --tsv
// ---------------------------------------------------------------------------------------

/// The list output formats of the `list-*` commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The default: a JSON array, indent 2, streamed item by item.
    Json,
    /// `--nl`: one compact JSON object per line.
    Nl,
    /// `--csv`: the excel dialect.
    Csv,
    /// `--tsv`: the excel-tab dialect.
    Tsv,
}

/// Why [`write_list_fallible`] stopped.
#[derive(Debug)]
pub enum ListError<E> {
    /// Writing failed (for example a closed pipe).
    Io(std::io::Error),
    /// The item source failed (for example a page request).
    Item(E),
}

impl<E> From<std::io::Error> for ListError<E> {
    fn from(e: std::io::Error) -> Self {
        ListError::Io(e)
    }
}

impl<E: std::fmt::Display> std::fmt::Display for ListError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListError::Io(e) => e.fmt(f),
            ListError::Item(e) => e.fmt(f),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for ListError<E> {}

/// The original's `output(iterator, headers, nl, csv, tsv)`.
///
/// - [`Format::Json`]: `[\n`, each item as indent-2 JSON indented by two more spaces,
///   `,\n` between items, `\n]\n` after the last; `[]\n` when there are none.
/// - [`Format::Nl`]: one `dumps(item, None)` per line.
/// - [`Format::Csv`] / [`Format::Tsv`]: a header row of `headers`, then one row per item
///   with each header's value (empty when missing or null; lists and objects as indent-2
///   JSON; bools `True`/`False`), quoted when needed, rows ending `\r\n`. Members not in
///   `headers` are ignored (the original crashes on them).
///
/// Each item is written (one `write_all`) as soon as it can be: for JSON that is when the
/// next item (or the end) is known, as the original decides the trailing comma by
/// looking one item ahead. The writer is flushed at the end.
pub fn write_list<W: Write>(
    out: &mut W,
    items: impl Iterator<Item = Value>,
    headers: &[&str],
    format: Format,
) -> std::io::Result<()> {
    match write_list_fallible(
        out,
        items.map(Ok::<Value, std::convert::Infallible>),
        headers,
        format,
    ) {
        Ok(()) => Ok(()),
        Err(ListError::Io(e)) => Err(e),
        Err(ListError::Item(never)) => match never {},
    }
}

/// [`write_list`] over items that may fail midway (a paged listing).
///
/// Stops at the first `Err` and returns it, after flushing what was written before.
/// What was written is what the original prints before its traceback: for `--nl` and
/// CSV/TSV every item before the error (and the CSV header); for JSON the array is left
/// open (`...},\n`) and, because the original looks one item ahead to decide on the
/// comma, the item fetched just before the failure is *not* printed (so an error while
/// fetching the second item prints nothing at all).
pub fn write_list_fallible<W: Write, E>(
    out: &mut W,
    items: impl Iterator<Item = Result<Value, E>>,
    headers: &[&str],
    format: Format,
) -> Result<(), ListError<E>> {
    let mut buf = String::with_capacity(1024);
    let result = match format {
        Format::Json => json_stream(out, &mut buf, items),
        Format::Nl => nl_stream(out, &mut buf, items),
        Format::Csv => csv_stream(out, &mut buf, items, headers, b','),
        Format::Tsv => csv_stream(out, &mut buf, items, headers, b'\t'),
    };
    match result {
        Ok(()) => {
            out.flush()?;
            Ok(())
        }
        Err(ListError::Item(e)) => {
            out.flush()?;
            Err(ListError::Item(e))
        }
        Err(e) => Err(e),
    }
}

/// `stream_indented_json(iterator, indent=2)` followed by `click.echo` of each piece.
fn json_stream<W: Write, E>(
    out: &mut W,
    buf: &mut String,
    items: impl Iterator<Item = Result<Value, E>>,
) -> Result<(), ListError<E>> {
    let mut pending: Option<Value> = None;
    let mut first = true;
    for item in items {
        let item = item.map_err(ListError::Item)?;
        if let Some(prev) = pending.replace(item) {
            buf.clear();
            if first {
                buf.push_str("[\n");
                first = false;
            }
            push_spaces(buf, 2);
            write_json(buf, &prev, Some(2), 2);
            buf.push_str(",\n");
            out.write_all(buf.as_bytes())?;
        }
    }
    buf.clear();
    match pending {
        None => buf.push_str("[]\n"),
        Some(last) => {
            if first {
                buf.push_str("[\n");
            }
            push_spaces(buf, 2);
            write_json(buf, &last, Some(2), 2);
            buf.push_str("\n]\n");
        }
    }
    out.write_all(buf.as_bytes())?;
    Ok(())
}

fn nl_stream<W: Write, E>(
    out: &mut W,
    buf: &mut String,
    items: impl Iterator<Item = Result<Value, E>>,
) -> Result<(), ListError<E>> {
    for item in items {
        let item = item.map_err(ListError::Item)?;
        buf.clear();
        write_json(buf, &item, None, 0);
        buf.push('\n');
        out.write_all(buf.as_bytes())?;
    }
    Ok(())
}

fn csv_stream<W: Write, E>(
    out: &mut W,
    buf: &mut String,
    items: impl Iterator<Item = Result<Value, E>>,
    headers: &[&str],
    delimiter: u8,
) -> Result<(), ListError<E>> {
    buf.clear();
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            buf.push(delimiter as char);
        }
        csv_field(buf, h, delimiter);
    }
    end_csv_row(buf, headers.len());
    out.write_all(buf.as_bytes())?;
    let mut field = String::new();
    for item in items {
        let item = item.map_err(ListError::Item)?;
        let map = item.as_object();
        buf.clear();
        for (i, h) in headers.iter().enumerate() {
            if i > 0 {
                buf.push(delimiter as char);
            }
            field.clear();
            if let Some(v) = map.and_then(|m| m.get(*h)) {
                csv_value(&mut field, v);
            }
            csv_field(buf, &field, delimiter);
        }
        end_csv_row(buf, headers.len());
        out.write_all(buf.as_bytes())?;
    }
    Ok(())
}

/// Terminate the row in `buf` (which holds only this row). The csv module writes a
/// row made of a single empty field as `""`, so that it does not read back as an empty
/// line.
fn end_csv_row(buf: &mut String, fields: usize) {
    if fields == 1 && buf.is_empty() {
        buf.push_str("\"\"");
    }
    buf.push_str("\r\n");
}

/// What the csv module writes for a value after the original's `fix_json`.
fn csv_value(buf: &mut String, v: &Value) {
    match v {
        Value::Null => {}
        Value::Bool(true) => buf.push_str("True"),
        Value::Bool(false) => buf.push_str("False"),
        Value::Number(n) => write_number(buf, n, false),
        Value::String(s) => buf.push_str(s),
        Value::Array(_) | Value::Object(_) => write_json(buf, v, Some(2), 0),
    }
}

/// QUOTE_MINIMAL with `"` as quote character and doubled quotes: quoted when the field
/// contains the delimiter, `"`, `\r` or `\n`.
fn csv_field(buf: &mut String, field: &str, delimiter: u8) {
    let needs_quotes = field
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\r' || b == b'\n');
    if !needs_quotes {
        buf.push_str(field);
        return;
    }
    buf.push('"');
    let mut rest = field;
    while let Some(pos) = rest.find('"') {
        buf.push_str(&rest[..=pos]);
        buf.push('"');
        rest = &rest[pos + 1..];
    }
    buf.push_str(rest);
    buf.push('"');
}

// ---------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------

/// Python's `str()` of a UTC datetime: `2021-11-03 01:38:24+00:00`, with `.ffffff`
/// only when the microseconds are non-zero. The time is converted to UTC first;
/// nanoseconds below the microsecond are dropped.
pub fn py_datetime(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut s = String::with_capacity(32);
    let _ = write!(
        s,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
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

// ---------------------------------------------------------------------------------------
// repr()
// ---------------------------------------------------------------------------------------

/// Python's `repr()` of the JSON-like value as a Python literal:
/// `{'Key': 'value', 'N': 1, 'B': True, 'X': None}`, `['a', 'b']`.
///
/// Strings are quoted as Python does: single quotes, unless the string contains `'`
/// and no `"`; `\\`, the quote, `\n` `\r` `\t` escaped; other non-printable characters
/// as `\xNN` / `\uNNNN` / `\UNNNNNNNN`; printable non-ASCII kept as is. (Non-printable
/// here means control, format, separator other than the space, private-use, as of
/// Unicode 14 which Python 3.11 uses; unassigned code points are kept as is, where
/// Python would escape them.)
pub fn py_repr(value: &Value) -> String {
    let mut buf = String::new();
    write_repr(&mut buf, value);
    buf
}

fn write_repr(buf: &mut String, value: &Value) {
    match value {
        Value::Null => buf.push_str("None"),
        Value::Bool(true) => buf.push_str("True"),
        Value::Bool(false) => buf.push_str("False"),
        Value::Number(n) => write_number(buf, n, false),
        Value::String(s) => write_repr_str(buf, s),
        Value::Array(items) => {
            buf.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push_str(", ");
                }
                write_repr(buf, item);
            }
            buf.push(']');
        }
        Value::Object(map) => write_repr_map(buf, map),
    }
}

fn write_repr_map(buf: &mut String, map: &Map<String, Value>) {
    buf.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            buf.push_str(", ");
        }
        write_repr_str(buf, k);
        buf.push_str(": ");
        write_repr(buf, v);
    }
    buf.push('}');
}

/// Python's `repr(str)`.
pub fn py_repr_str(s: &str) -> String {
    let mut buf = String::with_capacity(s.len() + 2);
    write_repr_str(&mut buf, s);
    buf
}

fn write_repr_str(buf: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    buf.push(quote);
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let plain = if c.is_ascii() {
            (' '..='~').contains(&c) && c != quote && c != '\\'
        } else {
            is_printable(c)
        };
        if plain {
            continue;
        }
        buf.push_str(&s[start..i]);
        start = i + c.len_utf8();
        match c {
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            c if c == quote => {
                buf.push('\\');
                buf.push(c);
            }
            c => {
                let cp = u32::from(c);
                let _ = if cp < 0x100 {
                    write!(buf, "\\x{cp:02x}")
                } else if cp < 0x10000 {
                    write!(buf, "\\u{cp:04x}")
                } else {
                    write!(buf, "\\U{cp:08x}")
                };
            }
        }
    }
    buf.push_str(&s[start..]);
    buf.push(quote);
}

/// Non-ASCII code points Python 3.11's `str.isprintable()` rejects, apart from the
/// unassigned ones (categories Cc, Cf, Zs, Zl, Zp, Co; Unicode 14).
const NON_PRINTABLE: [(u32, u32); 27] = [
    (0x80, 0xa0),
    (0xad, 0xad),
    (0x600, 0x605),
    (0x61c, 0x61c),
    (0x6dd, 0x6dd),
    (0x70f, 0x70f),
    (0x890, 0x891),
    (0x8e2, 0x8e2),
    (0x1680, 0x1680),
    (0x180e, 0x180e),
    (0x2000, 0x200f),
    (0x2028, 0x202f),
    (0x205f, 0x2064),
    (0x2066, 0x206f),
    (0x3000, 0x3000),
    (0xd800, 0xf8ff),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x13438),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0001, 0xe0001),
    (0xe0020, 0xe007f),
    (0xf0000, 0xffffd),
    (0x100000, 0x10fffd),
];

fn is_printable(c: char) -> bool {
    let cp = u32::from(c);
    let idx = NON_PRINTABLE.partition_point(|&(_, end)| end < cp);
    NON_PRINTABLE.get(idx).is_none_or(|&(start, _)| start > cp)
}

// ---------------------------------------------------------------------------------------
// format_bytes
// ---------------------------------------------------------------------------------------

/// The original's `format_bytes`: `"{:3.1f} {unit}"` for bytes, KB, MB, GB, TB (steps of
/// 1024): `29.0 bytes`, `1.5 KB`. From 1024 TB on the original returns the bare float,
/// which prints as `str(float)` (`1.0` for 2**50).
pub fn format_bytes(size: u64) -> String {
    if size < 1024 {
        return format!("{:3.1} bytes", size as f64);
    }
    // Dividing by a power of two is exact, so this matches Python's int / int.
    let mut size = size as f64 / 1024.0;
    for unit in ["KB", "MB", "GB", "TB"] {
        if size < 1024.0 {
            return format!("{size:3.1} {unit}");
        }
        size /= 1024.0;
    }
    py_float(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Exact stdout of the original 0.17, copied from the reference transcript.
    const LIST_BUCKET_JSON: &str = "[\n  {\n    \"Key\": \"hello.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"quiet.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"stdin.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 10,\n    \"StorageClass\": \"STANDARD\"\n  }\n]\n";
    const LIST_BUCKET_NL: &str = "{\"Key\": \"files/f1.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"e243bb39c844b3543a7726576c869caf\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f2.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"4349cfeff8e2eb74dffc369bb5fd084e\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f3.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"9c38e8324dbf031557c89d53a39f0b26\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/sub/page.html\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"191d0845e70bcc5f5e6a98cc2bb13e95\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 8, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"hello.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"quiet.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"stdin.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 10, \"StorageClass\": \"STANDARD\"}\n";
    const LIST_ROLES_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"RoleName\": \"s3-credentials.AmazonS3FullAccess\",\n    \"RoleId\": \"AROARZPUZDIKMZ5SO7MAM\",\n    \"Arn\": \"arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess\",\n    \"CreateDate\": \"2026-11-28 22:57:21.355176+00:00\",\n    \"AssumeRolePolicyDocument\": {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\n          \"Effect\": \"Allow\",\n          \"Principal\": {\n            \"AWS\": \"arn:aws:iam::123456789012:root\"\n          },\n          \"Action\": \"sts:AssumeRole\"\n        }\n      ]\n    },\n    \"Description\": \"Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets\",\n    \"MaxSessionDuration\": 43200\n  }\n]\n";
    const LIST_USERS_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"UserId\": \"uerd61x5recy97s98kfq\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"\n  },\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-only.my-bucket\",\n    \"UserId\": \"qm804b4gn0p5j6d9jnzn\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"\n  }\n]\n";
    const LIST_USERS_NL: &str = "{\"Path\": \"/\", \"UserName\": \"s3.read-write.my-bucket\", \"UserId\": \"uerd61x5recy97s98kfq\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"}\n{\"Path\": \"/\", \"UserName\": \"s3.read-only.my-bucket\", \"UserId\": \"qm804b4gn0p5j6d9jnzn\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"}\n";
    const CREATE_JSON: &str = "{\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"AccessKeyId\": \"AKIARZPUZDIKEX5BFOYJ\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"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\",\n    \"CreateDate\": \"2026-11-28 22:57:20.370918+00:00\"\n}\n";

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).expect("test input is JSON")
    }

    fn items(s: &str) -> Vec<Value> {
        match parse(s) {
            Value::Array(v) => v,
            other => panic!("not an array: {other}"),
        }
    }

    fn list(values: Vec<Value>, headers: &[&str], format: Format) -> String {
        let mut out = Vec::new();
        write_list(&mut out, values.into_iter(), headers, format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn transcript_list_bucket_json_and_nl() {
        assert_eq!(
            list(items(LIST_BUCKET_JSON), &[], Format::Json),
            LIST_BUCKET_JSON
        );
        let nl: Vec<Value> = LIST_BUCKET_NL.lines().map(parse).collect();
        assert_eq!(nl.len(), 7);
        assert_eq!(list(nl, &[], Format::Nl), LIST_BUCKET_NL);
    }

    #[test]
    fn transcript_list_roles_nested_json() {
        assert_eq!(
            list(items(LIST_ROLES_JSON), &[], Format::Json),
            LIST_ROLES_JSON
        );
    }

    #[test]
    fn transcript_list_users_json_nl_csv() {
        let users = items(LIST_USERS_JSON);
        assert_eq!(list(users.clone(), &[], Format::Json), LIST_USERS_JSON);
        assert_eq!(list(users.clone(), &[], Format::Nl), LIST_USERS_NL);
        let headers = [
            "UserName",
            "UserId",
            "Arn",
            "Path",
            "CreateDate",
            "PasswordLastUsed",
            "PermissionsBoundary",
            "Tags",
        ];
        assert_eq!(
            list(users, &headers, Format::Csv),
            "UserName,UserId,Arn,Path,CreateDate,PasswordLastUsed,PermissionsBoundary,Tags\r\n\
             s3.read-write.my-bucket,uerd61x5recy97s98kfq,arn:aws:iam::123456789012:user/s3.read-write.my-bucket,/,2026-11-28 22:57:20.362330+00:00,,,\r\n\
             s3.read-only.my-bucket,qm804b4gn0p5j6d9jnzn,arn:aws:iam::123456789012:user/s3.read-only.my-bucket,/,2026-11-28 22:57:22.079724+00:00,,,\r\n"
        );
    }

    #[test]
    fn transcript_list_roles_csv_nested_value() {
        let headers = [
            "Path",
            "RoleName",
            "RoleId",
            "Arn",
            "CreateDate",
            "AssumeRolePolicyDocument",
            "Description",
            "MaxSessionDuration",
            "PermissionsBoundary",
            "Tags",
            "RoleLastUsed",
        ];
        let expected = "Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed\r\n\
            /,s3-credentials.AmazonS3FullAccess,AROARZPUZDIKMZ5SO7MAM,arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess,2026-11-28 22:57:21.355176+00:00,\"{\n  \"\"Version\"\": \"\"2012-10-17\"\",\n  \"\"Statement\"\": [\n    {\n      \"\"Effect\"\": \"\"Allow\"\",\n      \"\"Principal\"\": {\n        \"\"AWS\"\": \"\"arn:aws:iam::123456789012:root\"\"\n      },\n      \"\"Action\"\": \"\"sts:AssumeRole\"\"\n    }\n  ]\n}\",Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets,43200,,,\r\n";
        assert_eq!(
            list(items(LIST_ROLES_JSON), &headers, Format::Csv),
            expected
        );
    }

    #[test]
    fn transcript_create_indent_4() {
        let doc = parse(CREATE_JSON);
        assert_eq!(dumps(&doc, Some(4)) + "\n", CREATE_JSON);
    }

    #[test]
    fn transcript_csv_header_extra_fields_ignored() {
        // The original crashed after this header because of ChecksumAlgorithm; we print
        // the listed columns.
        let headers = [
            "Key",
            "LastModified",
            "ETag",
            "Size",
            "StorageClass",
            "Owner",
        ];
        let out = list(items(LIST_BUCKET_JSON), &headers, Format::Csv);
        assert!(out.starts_with("Key,LastModified,ETag,Size,StorageClass,Owner\r\n"));
        assert_eq!(
            out.split("\r\n").nth(1).unwrap(),
            "hello.txt,2026-11-28 22:57:24+00:00,\"\"\"f0ef7081e1539ac00ef5b761b4fb01b3\"\"\",12,STANDARD,"
        );
        let urls = [
            "Key",
            "LastModified",
            "ETag",
            "Size",
            "StorageClass",
            "Owner",
            "URL",
        ];
        assert_eq!(
            list(vec![], &urls, Format::Tsv),
            "Key\tLastModified\tETag\tSize\tStorageClass\tOwner\tURL\r\n"
        );
    }

    /// (input JSON, indent, Python's json.dumps)
    const DUMPS_CASES: &[(&str, Option<usize>, &str)] = &[
        (
            "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
            None,
            "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
        ),
        (
            "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
            Some(0),
            "{\n\"a\": 1,\n\"b\": [\n1,\n2,\n{\n\"c\": null\n}\n],\n\"d\": {},\n\"e\": [],\n\"f\": true,\n\"g\": false\n}",
        ),
        (
            "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
            Some(2),
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2,\n    {\n      \"c\": null\n    }\n  ],\n  \"d\": {},\n  \"e\": [],\n  \"f\": true,\n  \"g\": false\n}",
        ),
        (
            "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
            Some(4),
            "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2,\n        {\n            \"c\": null\n        }\n    ],\n    \"d\": {},\n    \"e\": [],\n    \"f\": true,\n    \"g\": false\n}",
        ),
        (
            "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
            None,
            "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
        ),
        (
            "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
            Some(0),
            "[\n[],\n{},\n[\n[]\n],\n[\n{}\n],\n{\n\"x\": []\n},\n{\n\"y\": {\n\"z\": {}\n}\n}\n]",
        ),
        (
            "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
            Some(2),
            "[\n  [],\n  {},\n  [\n    []\n  ],\n  [\n    {}\n  ],\n  {\n    \"x\": []\n  },\n  {\n    \"y\": {\n      \"z\": {}\n    }\n  }\n]",
        ),
        (
            "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
            Some(4),
            "[\n    [],\n    {},\n    [\n        []\n    ],\n    [\n        {}\n    ],\n    {\n        \"x\": []\n    },\n    {\n        \"y\": {\n            \"z\": {}\n        }\n    }\n]",
        ),
        ("[]", None, "[]"),
        ("[]", Some(0), "[]"),
        ("[]", Some(2), "[]"),
        ("[]", Some(4), "[]"),
        ("{}", None, "{}"),
        ("{}", Some(0), "{}"),
        ("{}", Some(2), "{}"),
        ("{}", Some(4), "{}"),
        ("\"x\"", None, "\"x\""),
        ("\"x\"", Some(0), "\"x\""),
        ("\"x\"", Some(2), "\"x\""),
        ("\"x\"", Some(4), "\"x\""),
        ("12", None, "12"),
        ("12", Some(0), "12"),
        ("12", Some(2), "12"),
        ("12", Some(4), "12"),
        ("-5", None, "-5"),
        ("-5", Some(0), "-5"),
        ("-5", Some(2), "-5"),
        ("-5", Some(4), "-5"),
        ("null", None, "null"),
        ("null", Some(0), "null"),
        ("null", Some(2), "null"),
        ("null", Some(4), "null"),
        ("18446744073709551615", None, "18446744073709551615"),
        ("18446744073709551615", Some(0), "18446744073709551615"),
        ("18446744073709551615", Some(2), "18446744073709551615"),
        ("18446744073709551615", Some(4), "18446744073709551615"),
        ("-9223372036854775808", None, "-9223372036854775808"),
        ("-9223372036854775808", Some(0), "-9223372036854775808"),
        ("-9223372036854775808", Some(2), "-9223372036854775808"),
        ("-9223372036854775808", Some(4), "-9223372036854775808"),
        (
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
            None,
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
        ),
        (
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
            Some(0),
            "{\n\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
        ),
        (
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
            Some(2),
            "{\n  \"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
        ),
        (
            "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
            Some(4),
            "{\n    \"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
        ),
        (
            "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
            None,
            "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
        ),
        (
            "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
            Some(0),
            "[\n\"\\u2028\\u2029\",\n\"\\ud800\\udc00\",\n\"\\udbff\\udfff\",\n\"tab\\there\",\n\"</script>\"\n]",
        ),
        (
            "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
            Some(2),
            "[\n  \"\\u2028\\u2029\",\n  \"\\ud800\\udc00\",\n  \"\\udbff\\udfff\",\n  \"tab\\there\",\n  \"</script>\"\n]",
        ),
        (
            "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
            Some(4),
            "[\n    \"\\u2028\\u2029\",\n    \"\\ud800\\udc00\",\n    \"\\udbff\\udfff\",\n    \"tab\\there\",\n    \"</script>\"\n]",
        ),
        (
            "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
            None,
            "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e+16, 1000000000000000.0, 1.5e-07, 0.0001, 1e-05, 123456.789, 1e+300, -2.5e-10]}",
        ),
        (
            "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
            Some(0),
            "{\n\"f\": [\n0.1,\n1.0,\n1.5,\n-0.0,\n0.0,\n100.0,\n1e+16,\n1000000000000000.0,\n1.5e-07,\n0.0001,\n1e-05,\n123456.789,\n1e+300,\n-2.5e-10\n]\n}",
        ),
        (
            "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
            Some(2),
            "{\n  \"f\": [\n    0.1,\n    1.0,\n    1.5,\n    -0.0,\n    0.0,\n    100.0,\n    1e+16,\n    1000000000000000.0,\n    1.5e-07,\n    0.0001,\n    1e-05,\n    123456.789,\n    1e+300,\n    -2.5e-10\n  ]\n}",
        ),
        (
            "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
            Some(4),
            "{\n    \"f\": [\n        0.1,\n        1.0,\n        1.5,\n        -0.0,\n        0.0,\n        100.0,\n        1e+16,\n        1000000000000000.0,\n        1.5e-07,\n        0.0001,\n        1e-05,\n        123456.789,\n        1e+300,\n        -2.5e-10\n    ]\n}",
        ),
        (
            "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
            None,
            "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
        ),
        (
            "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
            Some(0),
            "{\n\"nested\": {\n\"a\": [\n1,\n[\n2,\n[\n3,\n[]\n]\n]\n],\n\"b\": {\n\"c\": {\n\"d\": [\n{}\n]\n}\n}\n}\n}",
        ),
        (
            "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
            Some(2),
            "{\n  \"nested\": {\n    \"a\": [\n      1,\n      [\n        2,\n        [\n          3,\n          []\n        ]\n      ]\n    ],\n    \"b\": {\n      \"c\": {\n        \"d\": [\n          {}\n        ]\n      }\n    }\n  }\n}",
        ),
        (
            "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
            Some(4),
            "{\n    \"nested\": {\n        \"a\": [\n            1,\n            [\n                2,\n                [\n                    3,\n                    []\n                ]\n            ]\n        ],\n        \"b\": {\n            \"c\": {\n                \"d\": [\n                    {}\n                ]\n            }\n        }\n    }\n}",
        ),
        (
            "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
            None,
            "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
        ),
        (
            "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
            Some(0),
            "{\n\"key with \\\"quote\\\"\": \"v\",\n\"\\u00fc\": 1\n}",
        ),
        (
            "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
            Some(2),
            "{\n  \"key with \\\"quote\\\"\": \"v\",\n  \"\\u00fc\": 1\n}",
        ),
        (
            "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
            Some(4),
            "{\n    \"key with \\\"quote\\\"\": \"v\",\n    \"\\u00fc\": 1\n}",
        ),
    ];

    #[test]
    fn dumps_matches_python() {
        for (input, indent, expected) in DUMPS_CASES {
            assert_eq!(
                &dumps(&parse(input), *indent),
                expected,
                "{input} {indent:?}"
            );
        }
    }

    #[test]
    fn dumps_non_ascii_and_controls() {
        let v = json!({"s": "caf\u{e9} \u{1f600} \u{0}\u{1f}\u{7f} /\\\"\u{8}\u{c}"});
        assert_eq!(
            dumps(&v, None),
            "{\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\u0000\\u001f\\u007f /\\\\\\\"\\b\\f\"}"
        );
        let mut buf = String::from("x");
        dumps_into(&mut buf, &json!([1]), None);
        assert_eq!(buf, "x[1]");
    }

    /// (input JSON array, headers, format, what the original's output() prints)
    const OUTPUT_CASES: &[(&str, &[&str], Format, &str)] = &[
        ("[]", &["a", "b"], Format::Json, "[]\n"),
        ("[]", &["a", "b"], Format::Nl, ""),
        ("[]", &["a", "b"], Format::Csv, "a,b\r\n"),
        ("[]", &["a", "b"], Format::Tsv, "a\tb\r\n"),
        (
            "[{\"a\": 1}]",
            &["a", "b"],
            Format::Json,
            "[\n  {\n    \"a\": 1\n  }\n]\n",
        ),
        ("[{\"a\": 1}]", &["a", "b"], Format::Nl, "{\"a\": 1}\n"),
        ("[{\"a\": 1}]", &["a", "b"], Format::Csv, "a,b\r\n1,\r\n"),
        ("[{\"a\": 1}]", &["a", "b"], Format::Tsv, "a\tb\r\n1\t\r\n"),
        (
            "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
            &["a", "b"],
            Format::Json,
            "[\n  {\n    \"a\": 1,\n    \"b\": \"x\"\n  },\n  {\n    \"b\": [\n      1,\n      {\n        \"c\": \"d\"\n      }\n    ],\n    \"a\": null\n  },\n  {\n    \"a\": {},\n    \"b\": []\n  }\n]\n",
        ),
        (
            "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
            &["a", "b"],
            Format::Nl,
            "{\"a\": 1, \"b\": \"x\"}\n{\"b\": [1, {\"c\": \"d\"}], \"a\": null}\n{\"a\": {}, \"b\": []}\n",
        ),
        (
            "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
            &["a", "b"],
            Format::Csv,
            "a,b\r\n1,x\r\n,\"[\n  1,\n  {\n    \"\"c\"\": \"\"d\"\"\n  }\n]\"\r\n{},[]\r\n",
        ),
        (
            "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
            &["a", "b"],
            Format::Tsv,
            "a\tb\r\n1\tx\r\n\t\"[\n  1,\n  {\n    \"\"c\"\": \"\"d\"\"\n  }\n]\"\r\n{}\t[]\r\n",
        ),
        (
            "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
            &["k", "v"],
            Format::Json,
            "[\n  {\n    \"k\": \"comma,here\",\n    \"v\": \"quote\\\"here\"\n  },\n  {\n    \"k\": \"new\\nline\",\n    \"v\": \"cr\\rhere\"\n  },\n  {\n    \"k\": \"tab\\there\",\n    \"v\": \"  spaces  \"\n  }\n]\n",
        ),
        (
            "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
            &["k", "v"],
            Format::Nl,
            "{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}\n{\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}\n{\"k\": \"tab\\there\", \"v\": \"  spaces  \"}\n",
        ),
        (
            "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
            &["k", "v"],
            Format::Csv,
            "k,v\r\n\"comma,here\",\"quote\"\"here\"\r\n\"new\nline\",\"cr\rhere\"\r\ntab\there,  spaces  \r\n",
        ),
        (
            "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
            &["k", "v"],
            Format::Tsv,
            "k\tv\r\ncomma,here\t\"quote\"\"here\"\r\n\"new\nline\"\t\"cr\rhere\"\r\n\"tab\there\"\t  spaces  \r\n",
        ),
        (
            "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
            &["k", "v"],
            Format::Json,
            "[\n  {\n    \"k\": true,\n    \"v\": false\n  },\n  {\n    \"k\": 1.5,\n    \"v\": 1e+16\n  },\n  {\n    \"k\": -3,\n    \"v\": \"caf\\u00e9 \\ud83d\\ude00\"\n  }\n]\n",
        ),
        (
            "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
            &["k", "v"],
            Format::Nl,
            "{\"k\": true, \"v\": false}\n{\"k\": 1.5, \"v\": 1e+16}\n{\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}\n",
        ),
        (
            "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
            &["k", "v"],
            Format::Csv,
            "k,v\r\nTrue,False\r\n1.5,1e+16\r\n-3,caf\u{e9} \u{1f600}\r\n",
        ),
        (
            "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
            &["k", "v"],
            Format::Tsv,
            "k\tv\r\nTrue\tFalse\r\n1.5\t1e+16\r\n-3\tcaf\u{e9} \u{1f600}\r\n",
        ),
        (
            "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
            &["k"],
            Format::Json,
            "[\n  {\n    \"k\": \"\"\n  },\n  {\n    \"k\": null\n  },\n  {},\n  {\n    \"k\": \"x\"\n  }\n]\n",
        ),
        (
            "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
            &["k"],
            Format::Nl,
            "{\"k\": \"\"}\n{\"k\": null}\n{}\n{\"k\": \"x\"}\n",
        ),
        (
            "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
            &["k"],
            Format::Csv,
            "k\r\n\"\"\r\n\"\"\r\n\"\"\r\nx\r\n",
        ),
        (
            "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
            &["k"],
            Format::Tsv,
            "k\r\n\"\"\r\n\"\"\r\n\"\"\r\nx\r\n",
        ),
        (
            "[{\"k\": \"\", \"v\": \"\"}]",
            &["k", "v"],
            Format::Json,
            "[\n  {\n    \"k\": \"\",\n    \"v\": \"\"\n  }\n]\n",
        ),
        (
            "[{\"k\": \"\", \"v\": \"\"}]",
            &["k", "v"],
            Format::Nl,
            "{\"k\": \"\", \"v\": \"\"}\n",
        ),
        (
            "[{\"k\": \"\", \"v\": \"\"}]",
            &["k", "v"],
            Format::Csv,
            "k,v\r\n,\r\n",
        ),
        (
            "[{\"k\": \"\", \"v\": \"\"}]",
            &["k", "v"],
            Format::Tsv,
            "k\tv\r\n\t\r\n",
        ),
        (
            "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
            &["k", "v"],
            Format::Json,
            "[\n  {\n    \"k\": \"single'quote\",\n    \"v\": \"\\\"\\\"\"\n  }\n]\n",
        ),
        (
            "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
            &["k", "v"],
            Format::Nl,
            "{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}\n",
        ),
        (
            "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
            &["k", "v"],
            Format::Csv,
            "k,v\r\nsingle'quote,\"\"\"\"\"\"\r\n",
        ),
        (
            "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
            &["k", "v"],
            Format::Tsv,
            "k\tv\r\nsingle'quote\t\"\"\"\"\"\"\r\n",
        ),
    ];

    #[test]
    fn write_list_matches_python() {
        for (input, headers, format, expected) in OUTPUT_CASES {
            assert_eq!(
                &list(items(input), headers, *format),
                expected,
                "{input} {format:?}"
            );
        }
    }

    /// Members beyond the headers are dropped (Python's expectation computed without them).
    const EXTRA_CASES: &[(&str, Format, &str)] = &[
        (
            "[{\"Key\": \"a.txt\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 3}, {\"Size\": 4, \"Key\": \"b,txt\", \"Other\": 1}]",
            Format::Csv,
            "Key,LastModified,Size\r\na.txt,,3\r\n\"b,txt\",,4\r\n",
        ),
        (
            "[{\"Key\": \"a.txt\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 3}, {\"Size\": 4, \"Key\": \"b,txt\", \"Other\": 1}]",
            Format::Tsv,
            "Key\tLastModified\tSize\r\na.txt\t\t3\r\nb,txt\t\t4\r\n",
        ),
    ];

    #[test]
    fn csv_ignores_fields_not_in_headers() {
        for (input, format, expected) in EXTRA_CASES {
            assert_eq!(
                &list(items(input), &["Key", "LastModified", "Size"], *format),
                expected
            );
        }
    }

    fn fallible(n_ok: usize, format: Format) -> (String, bool) {
        let source = (0..n_ok)
            .map(|i| Ok(json!({ "a": i })))
            .chain(std::iter::once(Err("boom")));
        let mut out = Vec::new();
        let r = write_list_fallible(&mut out, source, &["a"], format);
        let failed = matches!(r, Err(ListError::Item("boom")));
        (String::from_utf8(out).unwrap(), failed)
    }

    #[test]
    fn fallible_stops_like_the_original() {
        // Bytes the original printed before the traceback when the iterator raised after
        // n items.
        let cases: &[(usize, Format, &str)] = &[
            (0, Format::Json, ""),
            (1, Format::Json, ""),
            (2, Format::Json, "[\n  {\n    \"a\": 0\n  },\n"),
            (
                3,
                Format::Json,
                "[\n  {\n    \"a\": 0\n  },\n  {\n    \"a\": 1\n  },\n",
            ),
            (0, Format::Nl, ""),
            (1, Format::Nl, "{\"a\": 0}\n"),
            (2, Format::Nl, "{\"a\": 0}\n{\"a\": 1}\n"),
            (0, Format::Csv, "a\r\n"),
            (1, Format::Csv, "a\r\n0\r\n"),
            (3, Format::Csv, "a\r\n0\r\n1\r\n2\r\n"),
            (2, Format::Tsv, "a\r\n0\r\n1\r\n"),
        ];
        for (n, format, expected) in cases {
            let (out, failed) = fallible(*n, *format);
            assert!(failed);
            assert_eq!(&out, expected, "{n} {format:?}");
        }
        let mut out = Vec::new();
        let ok = (0..2).map(|i| Ok::<_, ()>(json!(i)));
        assert!(write_list_fallible(&mut out, ok, &[], Format::Json).is_ok());
        assert_eq!(out, b"[\n  0,\n  1\n]\n");
    }

    #[test]
    fn write_list_reports_io_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let r = write_list(&mut Broken, vec![json!(1)].into_iter(), &[], Format::Nl);
        assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    }

    /// (input JSON, Python's repr of json.loads(input))
    const REPR_CASES: &[(&str, &str)] = &[
        (
            "{\"BlockPublicAcls\": false, \"IgnorePublicAcls\": false, \"BlockPublicPolicy\": false, \"RestrictPublicBuckets\": false}",
            "{'BlockPublicAcls': False, 'IgnorePublicAcls': False, 'BlockPublicPolicy': False, 'RestrictPublicBuckets': False}",
        ),
        (
            "[{\"Key\": \"hello.txt\", \"Code\": \"AccessDenied\", \"Message\": \"Access Denied\"}]",
            "[{'Key': 'hello.txt', 'Code': 'AccessDenied', 'Message': 'Access Denied'}]",
        ),
        (
            "{\"Key\": \"value\", \"N\": 1, \"F\": 1.5, \"B\": true, \"X\": null, \"L\": [], \"D\": {}}",
            "{'Key': 'value', 'N': 1, 'F': 1.5, 'B': True, 'X': None, 'L': [], 'D': {}}",
        ),
        (
            "[\"it's\", \"say \\\"hi\\\"\", \"both ' and \\\"\", \"back\\\\slash\", \"nl\\n cr\\r tab\\t\", \"\\u0000\\u001f\\u007f\\u0080\\u009f\\u00a0\\u00ad\", \"caf\\u00e9 \\u2603 \\ud83d\\ude00\", \"\\u200b\\u2028\\ufeff\\ue000\\udb80\\udc00\"]",
            "[\"it's\", 'say \"hi\"', 'both \\' and \"', 'back\\\\slash', 'nl\\n cr\\r tab\\t', '\\x00\\x1f\\x7f\\x80\\x9f\\xa0\\xad', 'caf\u{e9} \u{2603} \u{1f600}', '\\u200b\\u2028\\ufeff\\ue000\\U000f0000']",
        ),
    ];

    #[test]
    fn py_repr_matches_python() {
        for (input, expected) in REPR_CASES {
            assert_eq!(&py_repr(&parse(input)), expected);
        }
        assert_eq!(py_repr_str("it's"), "\"it's\"");
    }

    /// (value, Python's repr)
    const FLOAT_CASES: &[(f64, &str)] = &[
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (0.1, "0.1"),
        (0.30000000000000004, "0.30000000000000004"),
        (1.5, "1.5"),
        (100.0, "100.0"),
        (1e+16, "1e+16"),
        (1000000000000000.0, "1000000000000000.0"),
        (9999999999999998.0, "9999999999999998.0"),
        (1.5e-07, "1.5e-07"),
        (1e-07, "1e-07"),
        (0.0001, "0.0001"),
        (1e-05, "1e-05"),
        (123456.789, "123456.789"),
        (1e+300, "1e+300"),
        (-2.5e-10, "-2.5e-10"),
        (5e-324, "5e-324"),
        (1.7976931348623157e+308, "1.7976931348623157e+308"),
        (9007199254740992.0, "9007199254740992.0"),
        (0.3333333333333333, "0.3333333333333333"),
        (1e+22, "1e+22"),
        (1.2345678901234568e+16, "1.2345678901234568e+16"),
        (0.000123, "0.000123"),
        (1267860061485775.0 + 0.25, "1267860061485775.2"),
        (1267860061485775.0 + 0.75, "1267860061485775.8"),
        (-2032606824207703.0 - 0.25, "-2032606824207703.2"),
    ];

    #[test]
    fn floats_as_python_repr() {
        for (f, expected) in FLOAT_CASES {
            assert_eq!(&py_float(*f), expected);
        }
        assert_eq!(py_float(f64::INFINITY), "inf");
        assert_eq!(py_float(f64::NEG_INFINITY), "-inf");
        assert_eq!(py_float(f64::NAN), "nan");
        let mut buf = String::new();
        write_py_float(&mut buf, f64::NEG_INFINITY, true);
        write_py_float(&mut buf, f64::NAN, true);
        assert_eq!(buf, "-InfinityNaN");
    }

    /// (size, the original's format_bytes)
    const BYTES_CASES: &[(u64, &str)] = &[
        (0, "0.0 bytes"),
        (1, "1.0 bytes"),
        (29, "29.0 bytes"),
        (1023, "1023.0 bytes"),
        (1024, "1.0 KB"),
        (1536, "1.5 KB"),
        (1048575, "1024.0 KB"),
        (1048576, "1.0 MB"),
        (1000000000, "953.7 MB"),
        (1099511627775, "1024.0 GB"),
        (1099511627776, "1.0 TB"),
        (1125899906842623, "1024.0 TB"),
        (1125899906842624, "1.0"),
        (3377699720540217, "3.0000000000109646"),
        (18446744073709551615, "16384.0"),
        (1075, "1.0 KB"),
        (1126, "1.1 KB"),
        (1177, "1.1 KB"),
        (1229, "1.2 KB"),
        (2611, "2.5 KB"),
        (1048552, "1024.0 KB"),
        (1125350151028736, "1023.5 TB"),
    ];

    #[test]
    fn format_bytes_matches_python() {
        for (n, expected) in BYTES_CASES {
            assert_eq!(&format_bytes(*n), expected, "{n}");
        }
    }

    #[test]
    fn py_datetime_as_python_str() {
        use time::macros::datetime;
        assert_eq!(
            py_datetime(datetime!(2021-11-03 01:38:24 UTC)),
            "2021-11-03 01:38:24+00:00"
        );
        assert_eq!(
            py_datetime(datetime!(2026-11-28 22:57:20.370918 UTC)),
            "2026-11-28 22:57:20.370918+00:00"
        );
        assert_eq!(
            py_datetime(datetime!(2026-11-28 22:57:20.000001999 UTC)),
            "2026-11-28 22:57:20.000001+00:00"
        );
        // Below a microsecond is dropped, and with it the fraction.
        assert_eq!(
            py_datetime(datetime!(2026-11-28 22:57:20.000000999 UTC)),
            "2026-11-28 22:57:20+00:00"
        );
        assert_eq!(
            py_datetime(datetime!(2026-11-29 00:57:20.5 +02:00)),
            "2026-11-28 22:57:20.500000+00:00"
        );
        assert_eq!(
            py_datetime(datetime!(0001-01-01 00:00:00 UTC)),
            "0001-01-01 00:00:00+00:00"
        );
    }

    #[test]
    fn parses_aws_timestamps() {
        let p = |s: &str| parse_aws_timestamp(s).map(py_datetime);
        let cases = [
            (
                "2026-11-28T22:57:20.370918Z",
                "2026-11-28 22:57:20.370918+00:00",
            ),
            ("2026-11-28T22:57:20Z", "2026-11-28 22:57:20+00:00"),
            (
                "2026-11-28T22:57:20.370+00:00",
                "2026-11-28 22:57:20.370000+00:00",
            ),
            ("2026-11-28T22:57:20.000Z", "2026-11-28 22:57:20+00:00"),
            (
                "2026-11-28T23:57:20.5+01:00",
                "2026-11-28 22:57:20.500000+00:00",
            ),
            ("2026-11-28T21:57:20-0100", "2026-11-28 22:57:20+00:00"),
            ("2026-11-28T22:57:20", "2026-11-28 22:57:20+00:00"),
            ("2026-11-28 22:57:20+00:00", "2026-11-28 22:57:20+00:00"),
            (
                "2026-11-28T22:57:20.1234567891Z",
                "2026-11-28 22:57:20.123456+00:00",
            ),
            ("2026-11-28", "2026-11-28 00:00:00+00:00"),
            ("Sat, 28 Nov 2026 22:57:41 GMT", "2026-11-28 22:57:41+00:00"),
            ("Sat, 8 Nov 2026 22:57:41 GMT", "2026-11-08 22:57:41+00:00"),
            ("28 Nov 2026 22:57:41 +0000", "2026-11-28 22:57:41+00:00"),
            ("1700000000", "2023-11-14 22:13:20+00:00"),
            ("1700000000.25", "2023-11-14 22:13:20.250000+00:00"),
        ];
        for (input, expected) in cases {
            assert_eq!(p(input).as_deref(), Some(expected), "{input}");
        }
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-28T22:57:20Zjunk",
            "2026-11-28T25:00:00Z",
            "Sat, 28 Foo 2026 22:57:41 GMT",
            "Sat, 28 Nov 2026 22:57 GMT",
            "2026-11-28T22:57:20.Z",
            ".",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
