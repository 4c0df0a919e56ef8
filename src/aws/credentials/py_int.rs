//! Python's `int(text)`, which botocore applies to `duration_seconds`: surrounding
//! whitespace, a sign, `_` between digits, and any Unicode decimal digit.

/// The first code point of each run of ten Unicode decimal digits (category Nd) in
/// Python 3.11's Unicode 14 data: `0x30` is ASCII's `0`.
const DIGIT_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

fn decimal_value(c: char) -> Option<u32> {
    let c = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&c))
        .map(|zero| c - zero)
}

/// `int(text)` in decimal (`"-5"`, `"3600"`), or `None` where Python raises
/// ValueError. Python first maps non-ASCII spaces to `' '` and non-ASCII digits to
/// ASCII ones, then strips ASCII whitespace only (so `\x1c` is not stripped).
pub(super) fn py_int(text: &str) -> Option<String> {
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else if crate::aws::ini::is_py_space(c) {
            ascii.push(' ');
        } else {
            ascii.push(char::from_digit(decimal_value(c)?, 10)?);
        }
    }
    let s = ascii.trim_matches([' ', '\t', '\n', '\r', '\u{0b}', '\u{0c}']);
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // Digits, with single underscores between them.
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    if !body.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let digits: String = body.chars().filter(|c| *c != '_').collect();
    let digits = digits.trim_start_matches('0');
    Some(match (negative, digits) {
        (_, "") => "0".to_string(),
        (true, d) => format!("-{d}"),
        (false, d) => d.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::py_int;

    #[test]
    fn as_python_int_reads_it() {
        // Each checked with Python 3.11.
        let cases: [(&str, Option<&str>); 22] = [
            ("3600", Some("3600")),
            (" \u{3000}+3_600 ", Some("3600")),
            ("3600\u{85}", Some("3600")),
            ("\u{2000}3600", Some("3600")),
            ("\u{663}\u{666}\u{660}\u{660}", Some("3600")),
            ("\u{ff11}\u{ff12}", Some("12")),
            ("1\u{660}", Some("10")),
            ("3600\u{0b}", Some("3600")),
            ("007", Some("7")),
            ("-0", Some("0")),
            ("-5", Some("-5")),
            ("1_2_3", Some("123")),
            ("99999999999999999999999", Some("99999999999999999999999")),
            ("3600\u{1c}", None),
            ("3__600", None),
            ("_3600", None),
            ("3600_", None),
            ("+_1", None),
            ("--1", None),
            ("1 2", None),
            ("", None),
            ("0x10", None),
        ];
        for (text, want) in cases {
            assert_eq!(py_int(text).as_deref(), want, "{text:?}");
        }
        assert_eq!(py_int("+ 1"), None);
        assert_eq!(py_int("1.5"), None);
    }
}
