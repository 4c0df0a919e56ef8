//! The one shared set of rules that replaces server-generated values by placeholders, applied
//! the same way to the original's output and to ours. Nothing else is rewritten: wording,
//! spacing, key order, quoting and timestamp *format* all still have to match.
//!
//! - the server's URL and the scenario's directory (they differ between the two runs by
//!   construction) become `<ENDPOINT>` and `<DIR>`;
//! - `(request id: …)` becomes `(request id: <REQID>)`;
//! - secret keys and session tokens, found by the name in front of them (JSON
//!   `"SecretAccessKey": "…"`, INI `aws_secret_access_key=…`, and the same for
//!   `SessionToken`), become `<SECRET#n>` and `<TOKEN#n>`;
//! - timestamps (`2026-11-28 22:57:20.370918+00:00`, `2026-11-28T23:12:40Z`, …) become
//!   `<TIME ####-##-## ##:##:##.######+00:00>`: the digits go, the shape stays, so a
//!   missing `.ffffff` or a `T` instead of a space is still a difference;
//! - AWS-style ids: a word of 20–21 upper-case letters and digits starting with `A` (access
//!   key ids AKIA…/ASIA…, role ids AROA…, moto's policy ids) becomes `<ID#n>`;
//! - moto's user ids (a word of exactly 20 lower-case letters and digits) become `<UID#n>`.
//!
//! `#n` numbers each distinct value in order of first appearance, over a whole scenario and
//! separately for each tool. Comparing the normalised texts therefore asserts that the
//! placeholders line up (same count, same positions) *and* that the same value comes back
//! where the original's does (the key `create` printed is the one `delete-user` deletes).
//! The test data avoid 20-letter lower-case words so that nothing else matches.

use std::collections::HashMap;

#[derive(Default)]
pub struct Normaliser {
    /// Literal strings replaced first: (text, placeholder).
    literals: Vec<(String, String)>,
    numbers: HashMap<(&'static str, String), usize>,
    counts: HashMap<&'static str, usize>,
}

/// Values found by the name written before them; each ends at a quote or the end of a line.
const NAMED: &[(&str, &str)] = &[
    ("\"SecretAccessKey\": \"", "SECRET"),
    ("aws_secret_access_key=", "SECRET"),
    ("\"SessionToken\": \"", "TOKEN"),
    ("aws_session_token=", "TOKEN"),
];

impl Normaliser {
    /// `endpoint` and `dir` are this run's server URL and scenario directory (or empty).
    pub fn new(endpoint: &str, dir: &str) -> Normaliser {
        let mut n = Normaliser::default();
        if !endpoint.is_empty() {
            n.literals.push((endpoint.to_string(), "<ENDPOINT>".into()));
        }
        if !dir.is_empty() {
            n.literals.push((dir.to_string(), "<DIR>".into()));
        }
        n
    }

    pub fn apply(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        for (literal, placeholder) in &self.literals {
            text = text.replace(literal.as_str(), placeholder);
        }
        let text = self.request_ids(&text);
        let mut text = text;
        for (prefix, kind) in NAMED {
            text = self.named(&text, prefix, kind);
        }
        let text = timestamps(&text);
        self.words(&text)
    }

    fn number(&mut self, kind: &'static str, value: &str) -> String {
        let key = (kind, value.to_string());
        let n = match self.numbers.get(&key) {
            Some(n) => *n,
            None => {
                let count = self.counts.entry(kind).or_default();
                *count += 1;
                self.numbers.insert(key, *count);
                *count
            }
        };
        format!("<{kind}#{n}>")
    }

    fn request_ids(&mut self, text: &str) -> String {
        const OPEN: &str = "(request id: ";
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(OPEN) {
            let after = &rest[i + OPEN.len()..];
            let Some(end) = after.find(')') else { break };
            out.push_str(&rest[..i + OPEN.len()]);
            out.push_str("<REQID>");
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    fn named(&mut self, text: &str, prefix: &str, kind: &'static str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            let after = &rest[i + prefix.len()..];
            let end = after.find(['"', '\n', '\r']).unwrap_or(after.len());
            out.push_str(&rest[..i + prefix.len()]);
            if end > 0 {
                out.push_str(&self.number(kind, &after[..end]));
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    fn words(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |this: &mut Normaliser, word: &mut String, out: &mut String| {
            if !word.is_empty() {
                match word_kind(word) {
                    Some(kind) => out.push_str(&this.number(kind, word)),
                    None => out.push_str(word),
                }
                word.clear();
            }
        };
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else {
                flush(self, &mut word, &mut out);
                out.push(c);
            }
        }
        flush(self, &mut word, &mut out);
        out
    }
}

fn word_kind(word: &str) -> Option<&'static str> {
    let b = word.as_bytes();
    let upper_id = (20..=21).contains(&b.len())
        && b[0] == b'A'
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if upper_id {
        return Some("ID");
    }
    let user_id = b.len() == 20
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    user_id.then_some("UID")
}

/// `YYYY-MM-DD[ T]HH:MM:SS`, optional `.digits`, optional `+HH:MM` or `Z`, not inside a
/// longer run of digits: digits become `#` and the whole is wrapped in `<TIME …>`.
fn timestamps(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let starts_clean = i == 0 || !b[i - 1].is_ascii_digit();
        match starts_clean.then(|| timestamp_len(&b[i..])).flatten() {
            Some(len) => {
                out.push_str(&text[copied..i]);
                out.push_str("<TIME ");
                for &c in &b[i..i + len] {
                    out.push(if c.is_ascii_digit() { '#' } else { c as char });
                }
                out.push('>');
                i += len;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn timestamp_len(b: &[u8]) -> Option<usize> {
    // D = digit; anything else must be that exact byte.
    const SHAPE: &[u8] = b"DDDD-DD-DD?DD:DD:DD";
    if b.len() < SHAPE.len() {
        return None;
    }
    for (i, &s) in SHAPE.iter().enumerate() {
        let ok = match s {
            b'D' => b[i].is_ascii_digit(),
            b'?' => b[i] == b' ' || b[i] == b'T',
            _ => b[i] == s,
        };
        if !ok {
            return None;
        }
    }
    let mut n = SHAPE.len();
    if b.get(n) == Some(&b'.') && b.get(n + 1).is_some_and(u8::is_ascii_digit) {
        n += 1;
        while b.get(n).is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
    }
    let zone = b.get(n..n + 6).is_some_and(|z| {
        (z[0] == b'+' || z[0] == b'-')
            && z[1].is_ascii_digit()
            && z[2].is_ascii_digit()
            && z[3] == b':'
            && z[4].is_ascii_digit()
            && z[5].is_ascii_digit()
    });
    if zone {
        n += 6;
    } else if b.get(n) == Some(&b'Z') {
        n += 1;
    }
    if b.get(n).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::Normaliser;

    /// Values from the reference transcript (original 0.17 against moto).
    #[test]
    fn create_output_from_the_transcript() {
        let out = "{\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"AccessKeyId\": \"AKIARZPUZDIKEX5BFOYJ\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"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\",\n    \"CreateDate\": \"2026-11-28 22:57:20.370918+00:00\"\n}\n";
        assert_eq!(
            Normaliser::new("", "").apply(out),
            "{\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"AccessKeyId\": \"<ID#1>\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"<SECRET#1>\",\n    \"CreateDate\": \"<TIME ####-##-## ##:##:##.######+##:##>\"\n}\n"
        );
    }

    #[test]
    fn ini_credentials_and_repeated_values_are_numbered() {
        let mut n = Normaliser::new("", "");
        let ini = "[default]\naws_access_key_id=ASIARZPUZDIKA3JHVOKK\naws_secret_access_key=xyOn+hCCe9lrVf/ClZkVsbzL50z3tr2yZH1A1MRH\naws_session_token=FQoGZXIvYXdzEBYaDGDp+/=\n";
        assert_eq!(
            n.apply(ini),
            "[default]\naws_access_key_id=<ID#1>\naws_secret_access_key=<SECRET#1>\naws_session_token=<TOKEN#1>\n"
        );
        // The same key later in the scenario keeps its number; a new one gets the next.
        assert_eq!(
            n.apply("  Deleted access key: AKIARZPUZDIKKJIUXEDS\nASIARZPUZDIKA3JHVOKK"),
            "  Deleted access key: <ID#2>\n<ID#1>"
        );
    }

    #[test]
    fn user_and_role_ids() {
        let mut n = Normaliser::new("", "");
        let csv = "s3.read-write.my-bucket,uerd61x5recy97s98kfq,arn:aws:iam::123456789012:user/x,/,2026-11-28 22:57:20.362330+00:00,,,\r\n";
        assert_eq!(
            n.apply(csv),
            "s3.read-write.my-bucket,<UID#1>,arn:aws:iam::123456789012:user/x,/,<TIME ####-##-## ##:##:##.######+##:##>,,,\r\n"
        );
        assert_eq!(
            n.apply("\"RoleId\": \"AROARZPUZDIKMZ5SO7MAM\", \"UserId\": \"AROARZPUZDIKMZ5SO7MAM:s3.read-only.b\""),
            "\"RoleId\": \"<ID#1>\", \"UserId\": \"<ID#1>:s3.read-only.b\""
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        let mut n = Normaliser::new("http://127.0.0.1:5055", "/tmp/x");
        let text = "\"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", 123456789012, AllowAllGetObject, STANDARD, 12-12-12 1:2:3, 20261128 22:57:20";
        assert_eq!(n.apply(text), text);
        assert_eq!(
            n.apply("Could not connect to http://127.0.0.1:5055/ from /tmp/x/out"),
            "Could not connect to <ENDPOINT>/ from <DIR>/out"
        );
    }

    #[test]
    fn timestamp_shapes_survive() {
        let mut n = Normaliser::new("", "");
        assert_eq!(
            n.apply("a 2026-11-28 22:57:24+00:00 b 2026-11-28T23:12:40.847396+00:00 c 2026-11-28 22:57:41 - d 2026-11-28T23:12:40Z"),
            "a <TIME ####-##-## ##:##:##+##:##> b <TIME ####-##-##T##:##:##.######+##:##> c <TIME ####-##-## ##:##:##> - d <TIME ####-##-##T##:##:##Z>"
        );
    }

    #[test]
    fn request_ids() {
        let mut n = Normaliser::new("", "");
        assert_eq!(
            n.apply("Error: An error occurred (NoSuchEntity) when calling the GetUser operation: x (request id: 7a62c49f-347e-4fc4-9331-6e8eEXAMPLE)\n"),
            "Error: An error occurred (NoSuchEntity) when calling the GetUser operation: x (request id: <REQID>)\n"
        );
    }
}
