//! Python's `repr()` of JSON-like values, for the original's f-string messages.

use std::borrow::Cow;
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
            c if c == quote => {
                buf.push('\\');
                buf.push(c);
            }
            c => write_escape(buf, c),
        }
    }
    buf.push_str(&s[start..]);
    buf.push(quote);
}

/// `c` as Python's `repr()` writes a character it does not print: `\n` `\r` `\t`, else
/// `\xNN` / `\uNNNN` / `\UNNNNNNNN`.
fn write_escape(buf: &mut String, c: char) {
    let cp = u32::from(c);
    let _ = match c {
        '\n' => buf.write_str("\\n"),
        '\r' => buf.write_str("\\r"),
        '\t' => buf.write_str("\\t"),
        _ if cp < 0x100 => write!(buf, "\\x{cp:02x}"),
        _ if cp < 0x10000 => write!(buf, "\\u{cp:04x}"),
        _ => write!(buf, "\\U{cp:08x}"),
    };
}

/// `text` safe to show on a terminal: every character that controls a terminal or
/// reorders what it shows is written as Python's `repr()` writes it (`\x1b`, `\n`, `\r`,
/// `\t`, `\x7f`, `\x9b`, `\u202e`); everything else, printable non-ASCII included, is
/// kept as is, so that an ordinary key or path prints exactly as the original prints it.
///
/// Unlike `repr()`, no quotes are added and backslashes are not doubled: a key that
/// holds the four characters `\x1b` shows like one holding ESC, which is a small price
/// for ordinary Windows-style paths showing unchanged.
///
/// For text from outside (keys, paths, a server's messages) on its way to stderr.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(is_control) else {
        return Cow::Borrowed(text);
    };
    let mut buf = String::with_capacity(text.len() + 8);
    buf.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_control(c) {
            write_escape(&mut buf, c);
        } else {
            buf.push(c);
        }
    }
    Cow::Owned(buf)
}

/// The characters [`escape_controls`] escapes: C0 controls, DEL and C1 controls (ESC and
/// CSI start terminal sequences; CR, BS and BEL rewrite or disturb the line; a newline
/// fakes a line of our own), the line and paragraph separators, and the bidirectional
/// formatting characters that make a terminal show text in another order than it is
/// ("Trojan Source", CVE-2021-42574).
fn is_control(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_as_repr_writes_them() {
        assert_eq!(
            escape_controls("a\x1b]0;owned\x07b\x1b[2Jc\rd\ne\tf\x7fg\u{9b}h\0"),
            "a\\x1b]0;owned\\x07b\\x1b[2Jc\\rd\\ne\\tf\\x7fg\\x9bh\\x00"
        );
        // Bidirectional overrides and line separators, in repr's \u form.
        assert_eq!(
            escape_controls("x\u{202e}txt.exe\u{2028}\u{2069}"),
            "x\\u202etxt.exe\\u2028\\u2069"
        );
    }

    #[test]
    fn printable_text_is_kept_as_is() {
        for text in [
            "files/sub/page.html",
            "C:\\Users\\me\\notes.txt",
            "caf\u{e9} \u{65e5}\u{672c}\u{8a9e} \u{3000} \u{a0}'\"",
            "emoji \u{1f600} and a soft\u{ad}hyphen",
            "",
        ] {
            assert!(
                matches!(escape_controls(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
        // The first non-control code point after C1.
        assert_eq!(escape_controls("\u{a0}\u{9f}"), "\u{a0}\\x9f");
    }

    #[test]
    fn escapes_agree_with_repr_for_every_escaped_character() {
        // Each character escape_controls escapes is one repr() escapes, written the same.
        for cp in (0..0x3000).chain([0xfeff]) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = c.to_string();
            if is_control(c) {
                let repr = py_repr_str(&s);
                assert_eq!(format!("'{}'", escape_controls(&s)), repr, "U+{cp:04x}");
            }
        }
    }
}
