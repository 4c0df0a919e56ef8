//! A small INI parser for the AWS shared files and for `--auth` INI content.
//!
//! It follows Python's `configparser` closely enough that files boto3 accepts parse
//! the same way here:
//! - `[name]` starts a section; the name is everything between the first `[` and the
//!   last `]`, case-sensitive. `[DEFAULT]` holds values every section inherits.
//! - `key = value`, `key=value` and `key: value`: the first `=` or `:` splits; keys
//!   are lowercased, keys and values are stripped.
//! - Lines whose first non-blank character is `#` or `;` are comments, wherever they
//!   are. There are no inline comments: `a = b # c` has the value `b # c`.
//! - A line indented deeper than its key continues that key's value (joined with
//!   `\n`). AWS config files use this for nested blocks such as `s3 =` followed by
//!   indented `addressing_style = path`; [`Ini::nested`] reads those as a sub-map.
//!
//! Where configparser is strict we are lenient: a section that appears twice is
//! merged and a repeated key takes the later value.
//!
//! Errors carry the line number only, never the line: a broken line in a credentials
//! file may well hold a secret.

use std::fmt;

/// A parse failure: which line, and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong, without quoting the line.
    pub message: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for IniError {}

/// The name of configparser's defaults section.
const DEFAULT_SECTION: &str = "DEFAULT";

#[derive(Clone, Default, PartialEq, Eq)]
struct Section {
    name: String,
    /// Keys in first-seen order; a repeated key replaces the value in place.
    entries: Vec<(String, String)>,
}

impl Section {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed INI document.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Ini {
    sections: Vec<Section>,
    defaults: Section,
}

/// Sections and keys only: the values may be secrets.
impl fmt::Debug for Ini {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for s in std::iter::once(&self.defaults).chain(&self.sections) {
            let keys: Vec<&str> = s.entries.iter().map(|(k, _)| k.as_str()).collect();
            map.entry(&s.name, &keys);
        }
        map.finish()
    }
}

impl Ini {
    /// Section names in file order (first appearance), without `DEFAULT`.
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.section(section).is_some()
    }

    /// A value: the section's own, else the `[DEFAULT]` one (as configparser does).
    /// `None` when the section does not exist.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        let s = self.section(section)?;
        let key = key.to_lowercase();
        s.get(&key).or_else(|| self.defaults.get(&key))
    }

    /// The keys of a section, its own first, then inherited `[DEFAULT]` ones.
    pub fn keys(&self, section: &str) -> Vec<&str> {
        let Some(s) = self.section(section) else {
            return Vec::new();
        };
        let mut keys: Vec<&str> = s.entries.iter().map(|(k, _)| k.as_str()).collect();
        for (k, _) in &self.defaults.entries {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
        keys
    }

    /// A nested block, as botocore reads one: a value whose first line is empty and
    /// whose continuation lines are `key = value`. Keys and values are stripped (keys
    /// keep their case, as botocore leaves them). Lines without `=` are skipped.
    /// `None` if the value is absent or is a plain value.
    pub fn nested(&self, section: &str, key: &str) -> Option<Vec<(String, String)>> {
        let value = self.get(section, key)?;
        if !value.starts_with('\n') {
            return None;
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for line in value.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            match out.iter_mut().find(|(ek, _)| *ek == k) {
                Some(entry) => entry.1 = v,
                None => out.push((k, v)),
            }
        }
        Some(out)
    }

    fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// Where the parser is: which section (index, or the defaults), and which key the
/// next deeper-indented line would continue.
struct Cursor {
    /// `None` before the first header; `Some(None)` in `[DEFAULT]`.
    section: Option<Option<usize>>,
    /// The key a continuation line extends.
    key: Option<String>,
    /// Indentation of the last header or key line.
    indent: usize,
}

/// Parse INI text.
pub fn parse(text: &str) -> Result<Ini, IniError> {
    let mut ini = Ini::default();
    // Values are collected as lists of lines and joined at the end, like configparser.
    let mut pending: Vec<Vec<(String, Vec<String>)>> = Vec::new();
    let mut pending_defaults: Vec<(String, Vec<String>)> = Vec::new();
    let mut cur = Cursor {
        section: None,
        key: None,
        indent: 0,
    };

    for (index, raw) in text.lines().enumerate() {
        let lineno = index + 1;
        let raw = if index == 0 {
            raw.strip_prefix('\u{feff}').unwrap_or(raw)
        } else {
            raw
        };
        let value = raw.trim();
        let is_comment = value.starts_with('#') || value.starts_with(';');
        if value.is_empty() || is_comment {
            // configparser keeps blank lines inside a multi-line value (trailing ones
            // are trimmed at the end); comment lines are dropped without ending it.
            if !is_comment && let (Some(section), Some(key)) = (cur.section, cur.key.as_deref()) {
                let entries = match section {
                    Some(i) => &mut pending[i],
                    None => &mut pending_defaults,
                };
                if let Some((_, lines)) = entries.iter_mut().find(|(k, _)| k == key) {
                    lines.push(String::new());
                }
            }
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();

        // A continuation line: deeper than the key it follows.
        if let (Some(section), Some(key)) = (cur.section, cur.key.as_deref())
            && indent > cur.indent
        {
            let entries = match section {
                Some(i) => &mut pending[i],
                None => &mut pending_defaults,
            };
            if let Some((_, lines)) = entries.iter_mut().find(|(k, _)| k == key) {
                lines.push(value.to_string());
            }
            continue;
        }
        cur.indent = indent;

        if let Some(name) = section_header(value) {
            cur.key = None;
            if name == DEFAULT_SECTION {
                cur.section = Some(None);
            } else if let Some(i) = ini.sections.iter().position(|s| s.name == name) {
                cur.section = Some(Some(i));
            } else {
                ini.sections.push(Section {
                    name: name.to_string(),
                    entries: Vec::new(),
                });
                pending.push(Vec::new());
                cur.section = Some(Some(ini.sections.len() - 1));
            }
            continue;
        }

        let Some(section) = cur.section else {
            return Err(IniError {
                line: lineno,
                message: "a key or value before the first [section] header".into(),
            });
        };
        let Some(split) = value.find(['=', ':']) else {
            return Err(IniError {
                line: lineno,
                message: "expected `key = value` or a [section] header".into(),
            });
        };
        let key = value[..split].trim_end().to_lowercase();
        if key.is_empty() {
            return Err(IniError {
                line: lineno,
                message: "a value without a key".into(),
            });
        }
        let val = value[split + 1..].trim().to_string();
        let entries = match section {
            Some(i) => &mut pending[i],
            None => &mut pending_defaults,
        };
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = vec![val],
            None => entries.push((key.clone(), vec![val])),
        }
        cur.key = Some(key);
    }

    let join = |entries: Vec<(String, Vec<String>)>| -> Vec<(String, String)> {
        entries
            .into_iter()
            .map(|(k, lines)| (k, lines.join("\n").trim_end().to_string()))
            .collect()
    };
    for (section, entries) in ini.sections.iter_mut().zip(pending) {
        section.entries = join(entries);
    }
    ini.defaults = Section {
        name: DEFAULT_SECTION.into(),
        entries: join(pending_defaults),
    };
    Ok(ini)
}

/// configparser's `\[(?P<header>.+)\]` matched at the start of the stripped line:
/// the name runs from the first `[` to the last `]` and may not be empty.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_and_separators() {
        let ini = parse(
            "[default]\nAWS_Access_Key_ID = AKID\nregion=eu-west-1\noutput: json\n\
             url = http://host:9000/x\n\n[profile dev]\nregion = us-west-2\n",
        )
        .unwrap();
        assert_eq!(
            ini.sections().collect::<Vec<_>>(),
            ["default", "profile dev"]
        );
        assert_eq!(ini.get("default", "aws_access_key_id"), Some("AKID"));
        assert_eq!(ini.get("default", "AWS_ACCESS_KEY_ID"), Some("AKID"));
        assert_eq!(ini.get("default", "region"), Some("eu-west-1"));
        assert_eq!(ini.get("default", "output"), Some("json"));
        // The first separator splits; later ones belong to the value.
        assert_eq!(ini.get("default", "url"), Some("http://host:9000/x"));
        assert_eq!(ini.get("profile dev", "region"), Some("us-west-2"));
        assert_eq!(ini.get("profile dev", "output"), None);
        assert_eq!(ini.get("missing", "region"), None);
    }

    #[test]
    fn comments_and_blank_lines() {
        let ini = parse(
            "# leading comment\n; another\n[a]\n  # indented comment\nk = v # not a comment\n\n;x = y\n",
        )
        .unwrap();
        assert_eq!(ini.get("a", "k"), Some("v # not a comment"));
        assert_eq!(ini.keys("a"), ["k"]);
    }

    #[test]
    fn continuation_lines_and_nested_blocks() {
        let ini = parse(
            "[profile x]\nregion = us-east-1\ns3 =\n    addressing_style = path\n\n    \
             Signature_Version = s3v4\n# comment inside\n    bad line\nmax_attempts = 4\n",
        )
        .unwrap();
        assert_eq!(ini.get("profile x", "region"), Some("us-east-1"));
        assert_eq!(
            ini.get("profile x", "s3"),
            Some("\naddressing_style = path\n\nSignature_Version = s3v4\nbad line")
        );
        assert_eq!(
            ini.nested("profile x", "s3").unwrap(),
            [
                ("addressing_style".to_string(), "path".to_string()),
                ("Signature_Version".to_string(), "s3v4".to_string()),
            ]
        );
        assert_eq!(ini.nested("profile x", "region"), None);
        assert_eq!(ini.get("profile x", "max_attempts"), Some("4"));
    }

    #[test]
    fn plain_value_continued() {
        let ini = parse("[a]\nk = one\n  two\n\nz = 1\n").unwrap();
        assert_eq!(ini.get("a", "k"), Some("one\ntwo"));
        assert_eq!(ini.get("a", "z"), Some("1"));
    }

    #[test]
    fn duplicates_merge_and_later_wins() {
        let ini = parse("[a]\nk = 1\nj = x\n[b]\nk = 2\n[a]\nk = 3\nn = 4\n").unwrap();
        assert_eq!(ini.sections().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(ini.get("a", "k"), Some("3"));
        assert_eq!(ini.get("a", "j"), Some("x"));
        assert_eq!(ini.get("a", "n"), Some("4"));
        assert_eq!(ini.keys("a"), ["k", "j", "n"]);
    }

    #[test]
    fn default_section_is_inherited() {
        let ini = parse("[DEFAULT]\nregion = r\n[a]\nk = 1\n").unwrap();
        assert_eq!(ini.sections().collect::<Vec<_>>(), ["a"]);
        assert_eq!(ini.get("a", "region"), Some("r"));
        assert_eq!(ini.keys("a"), ["k", "region"]);
        assert!(!ini.has_section("DEFAULT"));
    }

    #[test]
    fn section_header_forms() {
        let ini = parse("[profile \"a b\"]\nk=1\n[x]] trailing\nk=2\n").unwrap();
        assert_eq!(
            ini.sections().collect::<Vec<_>>(),
            ["profile \"a b\"", "x]"]
        );
        assert!(ini.has_section("x]"));
    }

    #[test]
    fn malformed_lines_name_the_line_not_the_content() {
        let err = parse("[a]\nk = 1\nwJalrXUtnFEMI/K7MDENG\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(!err.to_string().contains("wJalr"), "{err}");
        assert!(err.to_string().starts_with("line 3: "), "{err}");

        let err = parse("\nk = 1\n[a]\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("section"), "{err}");

        let err = parse("[a]\n = 1\n").unwrap_err();
        assert_eq!(err.line, 2);

        // `[]` is not a header, and has no separator either.
        assert_eq!(parse("[a]\n[]\n").unwrap_err().line, 2);
    }

    #[test]
    fn crlf_and_bom() {
        let ini = parse("\u{feff}[a]\r\nk = v\r\n").unwrap();
        assert_eq!(ini.get("a", "k"), Some("v"));
    }

    #[test]
    fn debug_shows_keys_not_values() {
        let ini = parse("[a]\naws_secret_access_key = TOPSECRET\n").unwrap();
        let shown = format!("{ini:?}");
        assert!(shown.contains("aws_secret_access_key"), "{shown}");
        assert!(!shown.contains("TOPSECRET"), "{shown}");
    }

    #[test]
    fn empty_text() {
        let ini = parse("").unwrap();
        assert_eq!(ini.sections().count(), 0);
    }
}
