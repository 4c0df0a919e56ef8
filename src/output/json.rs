//! Python's `json.dumps`.

use std::fmt::Write as _;

use serde_json::{Number, Value};

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
pub(super) fn write_json(buf: &mut String, value: &Value, indent: Option<usize>, level: usize) {
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

pub(super) fn push_spaces(buf: &mut String, mut n: usize) {
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
pub(super) fn write_number(buf: &mut String, n: &Number, json: bool) {
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
pub(super) fn write_py_float(buf: &mut String, f: f64, json: bool) {
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
