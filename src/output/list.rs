//! The original's `output()`: the streamed JSON list, `--nl`, `--csv`, `--tsv`.

use std::io::Write;

use serde_json::Value;

use super::json::{push_spaces, write_json, write_number};

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
