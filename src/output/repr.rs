//! Python's `repr()` of JSON-like values, for the original's f-string messages.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::json::write_number;

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
