//! Keeping secrets out of what we print on stderr, in whatever form a server echoes them.
//!
//! A server or proxy that repeats a request in its error message carries the secret the
//! way the request carried it: URL-encoded in a query string (`%2B`, `%2f`, `+` or `%20`
//! for a space), twice encoded as in a SigV4 canonical request (`%252F`), JSON-escaped
//! (`\/`, `\u002B`), upper- or lower-cased, or base64-encoded inside a larger value. So
//! each registered secret is matched against the text's *decoded* characters, with ASCII
//! case ignored, and the whole encoded stretch is replaced by `<redacted>`.
//!
//! Decoding is ambiguous (`%41` is `A`, or `%` then `41`), and a text may mix forms, so
//! the matcher does not decode the text once: at each byte it follows every reading a
//! token can have (the byte itself, `%HH`, `%25HH`, `\/`, `\u00HH`). That is a bit-parallel
//! Shift-And over the secret with tokens of several lengths: one pass over the text per
//! secret form, work proportional to the text's length (times the secret's length / 64
//! while a partial match is alive). A match's start is found by running the same matcher
//! backwards from its end over the reversed secret.

use std::sync::Mutex;

/// The secrets this process holds (see [`register_secret`]), each with its derived forms.
static SECRETS: Mutex<Vec<Secret>> = Mutex::new(Vec::new());

struct Secret {
    literal: String,
    /// The secret itself and the stretches of its base64 encodings that do not depend on
    /// the bytes around it.
    forms: Vec<Pattern>,
}

/// Remember a secret to redact. Very short values are skipped: they would redact
/// ordinary words, and are no real secret.
pub fn register_secret(secret: &str) {
    if secret.len() < 8 {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if secrets.iter().any(|s| s.literal == secret) {
        return;
    }
    let mut forms = vec![Pattern::new(secret.as_bytes())];
    for core in base64_cores(secret.as_bytes()) {
        if core.len() >= 8 {
            forms.push(Pattern::new(core.as_bytes()));
        }
    }
    secrets.push(Secret {
        literal: secret.to_string(),
        forms,
    });
}

/// `text` with every registered secret, in any of the forms above, replaced by
/// `<redacted>`.
pub fn redact(text: &str) -> String {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    let forms = secrets.iter().flat_map(|s| s.forms.iter());
    replace_spans(text, find_all(text.as_bytes(), forms))
}

/// The byte ranges of `text` where one of `patterns` occurs, sorted and merged.
fn find_all<'a>(text: &[u8], patterns: impl Iterator<Item = &'a Pattern>) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for pattern in patterns {
        scan(text, pattern, Direction::Forward, 0, &mut |end| {
            // The encoded occurrence is at most MAX_TOKEN bytes a character long.
            let limit = end.saturating_sub(pattern.len * MAX_TOKEN);
            let mut start = None;
            scan(
                text,
                pattern,
                Direction::Backward { limit },
                end,
                &mut |s| {
                    start = Some(s);
                    false
                },
            );
            spans.extend(start.map(|s| (s, end)));
            true
        });
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn replace_spans(text: &str, spans: Vec<(usize, usize)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (mut s, mut e) in spans {
        // A match starts and ends on whole characters; this only makes sure of it.
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        while !text.is_char_boundary(e) {
            e += 1;
        }
        if s < at {
            s = at;
        }
        out.push_str(&text[at..s]);
        out.push_str("<redacted>");
        at = e.max(at);
    }
    out.push_str(&text[at..]);
    out
}

/// The longest token: `\u00HH`.
const MAX_TOKEN: usize = 6;
/// The lengths a token can have: a byte, `\/`, `%HH`, `%25HH`, `\u00HH`.
const TOKEN_LENGTHS: [usize; 5] = [1, 2, 3, 5, 6];

/// The character `bytes` stands for, when it is a token: one byte as is, or one of the
/// encodings above of an ASCII character; folded as patterns are (see [`fold`]).
fn token(bytes: &[u8]) -> Option<u8> {
    let byte = match *bytes {
        [b] => b,
        [b'\\', b'/'] => b'/',
        [b'%', h1, h2] => hex_pair(h1, h2)?,
        [b'%', b'2', b'5', h1, h2] => hex_pair(h1, h2)?,
        [b'\\', b'u', b'0', b'0', h1, h2] => hex_pair(h1, h2).filter(u8::is_ascii)?,
        _ => return None,
    };
    Some(fold(byte))
}

fn hex_pair(h1: u8, h2: u8) -> Option<u8> {
    let digit = |h: u8| char::from(h).to_digit(16);
    Some((digit(h1)? * 16 + digit(h2)?) as u8)
}

/// ASCII case ignored, and a space the same as `+` (form encoding writes one for the
/// other).
fn fold(byte: u8) -> u8 {
    match byte {
        b' ' => b'+',
        b => b.to_ascii_lowercase(),
    }
}

/// A secret form, folded, as Shift-And masks: bit `i` of `mask(c)` is set when the
/// pattern's byte `i` is `c`; `reverse` is the same for the pattern reversed.
struct Pattern {
    len: usize,
    words: usize,
    /// Which mask row each byte value uses; row 0 (all zero) for bytes not in the pattern.
    row: [u16; 256],
    /// The bytes a forward match can begin with: the first byte in either case, or the
    /// start of an encoded character. Between matches the scan skips every other byte.
    starts: [bool; 256],
    forward: Vec<u64>,
    reverse: Vec<u64>,
}

impl Pattern {
    fn new(bytes: &[u8]) -> Pattern {
        let folded: Vec<u8> = bytes.iter().map(|&b| fold(b)).collect();
        let len = folded.len();
        let words = len.div_ceil(64);
        let mut row = [0u16; 256];
        let mut rows = 1;
        for &b in &folded {
            if row[usize::from(b)] == 0 {
                row[usize::from(b)] = rows;
                rows += 1;
            }
        }
        let mut forward = vec![0u64; usize::from(rows) * words];
        let mut reverse = forward.clone();
        for (i, &b) in folded.iter().enumerate() {
            let r = usize::from(row[usize::from(b)]) * words;
            forward[r + i / 64] |= 1 << (i % 64);
            let j = len - 1 - i;
            reverse[r + j / 64] |= 1 << (j % 64);
        }
        let mut starts = [false; 256];
        if let Some(&first) = folded.first() {
            for b in 0..=255u8 {
                starts[usize::from(b)] = fold(b) == first || b == b'%' || b == b'\\';
            }
        }
        Pattern {
            len,
            words,
            row,
            starts,
            forward,
            reverse,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Every occurrence; the callback gets each one's end.
    Forward,
    /// Only occurrences that end where the scan starts, starting no earlier than
    /// `limit`; the callback gets each one's start, nearest first.
    Backward { limit: usize },
}

/// Prefixes of the pattern matched up to one position: bit `k` set when the first
/// `k + 1` bytes (backwards: the last) are; `used` words from the first may be non-zero.
#[derive(Clone)]
struct State {
    bits: Vec<u64>,
    used: usize,
}

/// Runs the matcher from `from` in `direction`, calling `found` for each occurrence
/// until it returns false.
fn scan(
    text: &[u8],
    p: &Pattern,
    direction: Direction,
    from: usize,
    found: &mut dyn FnMut(usize) -> bool,
) {
    if p.len == 0 {
        return;
    }
    let masks = match direction {
        Direction::Forward => &p.forward,
        Direction::Backward { .. } => &p.reverse,
    };
    // States of the positions a token can reach from here, by position modulo the ring.
    const RING: usize = MAX_TOKEN + 2;
    let empty = State {
        bits: vec![0; p.words],
        used: 0,
    };
    let mut ring = vec![empty; RING];
    let last_bit = ((p.len - 1) / 64, 1u64 << ((p.len - 1) % 64));
    // Slots holding a partial match.
    let mut alive = 0usize;
    let mut pos = from;
    loop {
        if direction == Direction::Forward && alive == 0 {
            // Nothing under way: on to the next byte a match can begin with.
            pos += text[pos..]
                .iter()
                .position(|&b| p.starts[usize::from(b)])
                .unwrap_or(text.len() - pos);
        }
        let slot = pos % RING;
        let mut cur = std::mem::replace(
            &mut ring[slot],
            State {
                bits: Vec::new(),
                used: 0,
            },
        );
        if cur.used > last_bit.0 && cur.bits[last_bit.0] & last_bit.1 != 0 && !found(pos) {
            return;
        }
        // Forward, an occurrence may begin anywhere; backward only where we started.
        let may_start = direction == Direction::Forward || pos == from;
        if cur.used > 0 || may_start {
            for len in TOKEN_LENGTHS {
                let range = match direction {
                    Direction::Forward if pos + len <= text.len() => pos..pos + len,
                    Direction::Backward { limit } if pos >= limit + len => pos - len..pos,
                    _ => continue,
                };
                let Some(c) = token(&text[range]) else {
                    continue;
                };
                let row = usize::from(p.row[usize::from(c)]);
                if row == 0 {
                    continue;
                }
                let mask = &masks[row * p.words..(row + 1) * p.words];
                let target = match direction {
                    Direction::Forward => pos + len,
                    Direction::Backward { .. } => pos - len,
                };
                let target = &mut ring[target % RING];
                let was_empty = target.used == 0;
                advance(&cur, may_start, mask, target);
                if was_empty && target.used > 0 {
                    alive += 1;
                }
            }
        }
        // The slot is reused for the position RING steps on.
        if cur.used > 0 {
            alive -= 1;
            cur.bits[..cur.used].fill(0);
            cur.used = 0;
        }
        ring[slot] = cur;
        match direction {
            Direction::Forward if pos < text.len() => pos += 1,
            Direction::Backward { limit } if pos > limit => pos -= 1,
            _ => return,
        }
        if direction != Direction::Forward && alive == 0 {
            // Backward, nothing is alive and nothing new can start: done.
            return;
        }
    }
}

/// `target |= ((cur << 1) | start) & mask`: every matched prefix extended by one byte.
fn advance(cur: &State, start: bool, mask: &[u64], target: &mut State) {
    let span = (cur.used + 1).min(mask.len());
    let mut carry = u64::from(start);
    for (w, (&bits, &allowed)) in cur.bits.iter().zip(mask).take(span).enumerate() {
        let next = ((bits << 1) | carry) & allowed;
        carry = bits >> 63;
        if next != 0 {
            target.bits[w] |= next;
            target.used = target.used.max(w + 1);
        }
    }
}

/// The stretches of the secret's base64 encodings that are the same whatever bytes come
/// before and after it in the encoded value: for each of the three alignments, in the
/// standard and the URL-safe alphabet.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for align in 0..3usize {
        let mut bytes = vec![0u8; align];
        bytes.extend_from_slice(secret);
        let encoded = crate::aws::base64::encode(&bytes);
        // Characters that hold bits of the padding before, and of what follows after.
        let lead = [0, 2, 3][align];
        let total = bytes.len();
        let keep = total / 3 * 4 + total % 3;
        if keep <= lead {
            continue;
        }
        let core = &encoded[lead..keep];
        let url = core.replace('+', "-").replace('/', "_");
        if url != core {
            cores.push(url);
        }
        cores.push(core.to_string());
    }
    cores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::query::form_encode;
    use crate::aws::sigv4::uri_encode;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// `text` with the forms of `secret` redacted, without the process-wide registry.
    fn redacted(secret: &str, text: &str) -> String {
        let mut forms = vec![Pattern::new(secret.as_bytes())];
        forms.extend(
            base64_cores(secret.as_bytes())
                .iter()
                .map(|c| Pattern::new(c.as_bytes())),
        );
        replace_spans(text, find_all(text.as_bytes(), forms.iter()))
    }

    fn percent_all(s: &str, lower: bool) -> String {
        s.bytes()
            .map(|b| {
                if lower {
                    format!("%{b:02x}")
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    #[test]
    fn literal_and_case_changed_forms() {
        for form in [
            SECRET.to_string(),
            SECRET.to_uppercase(),
            SECRET.to_lowercase(),
        ] {
            assert_eq!(
                redacted(SECRET, &format!("bad key {form}, try again")),
                "bad key <redacted>, try again",
                "{form}"
            );
        }
    }

    #[test]
    fn url_encoded_forms() {
        let forms = [
            // botocore's query strings and SigV4's canonical forms, as this crate writes them.
            form_encode(SECRET),
            uri_encode(SECRET, true),
            uri_encode(SECRET, false),
            // A canonical request's path, encoded twice (%252F).
            uri_encode(&uri_encode(SECRET, true), true),
            // Lower-case hex digits, every byte encoded, and both cases of the result.
            SECRET.replace('/', "%2f").replace('+', "%2b"),
            percent_all(SECRET, false),
            percent_all(SECRET, true),
            form_encode(SECRET).to_lowercase(),
            percent_all(SECRET, true).to_uppercase(),
            // JSON's escaped slash and \u escapes.
            SECRET.replace('/', "\\/"),
            SECRET.replace('+', "\\u002B").replace('/', "\\u002f"),
        ];
        for form in forms {
            assert_ne!(form, SECRET);
            let out = redacted(SECRET, &format!("<Message>got {form}</Message>"));
            assert_eq!(out, "<Message>got <redacted></Message>", "{form}");
        }
    }

    #[test]
    fn a_space_may_be_a_plus_or_percent_20() {
        let secret = "correct horse battery staple";
        for form in [
            "correct+horse+battery+staple",
            "correct%20horse%20battery%20staple",
            "CORRECT horse+battery%20STAPLE",
        ] {
            assert_eq!(redacted(secret, &format!("[{form}]")), "[<redacted>]");
        }
    }

    #[test]
    fn a_stray_escape_before_the_secret_does_not_hide_it() {
        // "%" then a secret starting with two hex digits reads as %HH first; "\" then "u00".
        let secret = "4aF0xYzK/9+Qwerty";
        for text in [
            format!("%{secret}"),
            format!("%25{}", uri_encode(secret, true)),
            format!("\\{}", secret.replace('/', "\\/")),
            format!("%%2{secret}%"),
        ] {
            let out = redacted(secret, &text);
            assert!(out.contains("<redacted>"), "{text} -> {out}");
            assert!(!out.to_lowercase().contains("yzk"), "{text} -> {out}");
        }
    }

    #[test]
    fn base64_encodings_inside_a_larger_value() {
        for before in ["", "a", "ab", "abc"] {
            for after in ["", "z", "yz"] {
                let value = format!("{before}{SECRET}{after}");
                for encoded in [
                    crate::aws::base64::encode(value.as_bytes()),
                    crate::aws::base64::encode_url(value.as_bytes()),
                ] {
                    let out = redacted(SECRET, &format!("Authorization: Basic {encoded}"));
                    assert!(out.contains("<redacted>"), "{encoded} -> {out}");
                    // At most the characters that also hold the bytes around it are left.
                    let left = out.len() - "Authorization: Basic <redacted>".len();
                    assert!(left <= 8, "{encoded} -> {out}");
                }
            }
        }
    }

    #[test]
    fn everything_else_is_left_alone() {
        let text = "Caf\u{e9} \u{65e5}\u{672c} 100% sure: %zz %2 \\u12 \\ wJalrXUtnFEMI/K7MDENG+ (partial)";
        assert_eq!(redacted(SECRET, text), text);
        assert_eq!(redacted(SECRET, ""), "");
        // Around and between occurrences, non-ASCII text stays whole.
        assert_eq!(
            redacted(
                SECRET,
                &format!("\u{e9}{SECRET}\u{65e5}{}\u{e9}", SECRET.to_lowercase())
            ),
            "\u{e9}<redacted>\u{65e5}<redacted>\u{e9}"
        );
        // Overlapping and adjacent occurrences become one.
        let s = "abcabcabcab";
        assert_eq!(redacted(s, "xabcabcabcabcabcaby"), "x<redacted>y");
    }

    #[test]
    fn a_long_text_is_scanned_once_whatever_it_holds() {
        // Near-misses everywhere (every prefix of the secret, in two encodings) and the
        // secret once at the end: all found, nothing else touched.
        let mut text = String::new();
        for i in 1..SECRET.len() {
            text.push_str(&SECRET[..i]);
            text.push(' ');
            text.push_str(&uri_encode(&SECRET[..i], true));
            text.push(' ');
        }
        let before = text.clone();
        text.push_str(&form_encode(SECRET));
        assert_eq!(redacted(SECRET, &text), format!("{before}<redacted>"));
    }

    #[test]
    fn registered_secrets_are_redacted_and_short_ones_skipped() {
        register_secret("Zm9vYmFyYmF6cXV4c2VjcmV0LXRva2Vu/x+y");
        register_secret("short");
        let out = redact("bad key ZM9VYMFYYMF6CXV4C2VJCMV0LXRVA2VU%2FX%2BY, short");
        assert_eq!(out, "bad key <redacted>, short");
    }
}
