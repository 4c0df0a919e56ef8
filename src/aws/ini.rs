//! An INI parser for the AWS shared files and for `--auth` INI content that reads
//! text exactly as Python's `configparser.RawConfigParser` (strict, the defaults
//! botocore's `raw_config_parse` uses) does, so a file boto3 accepts means the same
//! here and a file it refuses is refused here too:
//! - Lines end at `\n`, `\r\n` or a lone `\r` (Python's universal newlines).
//! - "Whitespace" is what Python's `str.isspace()` says: Unicode spaces and the
//!   separators `\x1c`-`\x1f` too. Indentation is counted in characters.
//! - `[name]` starts a section; the name runs from the first `[` to the last `]`,
//!   case-sensitive. `[DEFAULT]` holds values every section inherits.
//! - `key = value`, `key=value` and `key: value`: the first `=` or `:` splits; keys
//!   are lowercased, keys and values are stripped.
//! - Lines whose first non-blank character is `#` or `;` are comments. There are no
//!   inline comments: `a = b # c` has the value `b # c`.
//! - A line indented deeper than its key continues that key's value (joined with
//!   `\n`). AWS config files use this for nested blocks such as `s3 =` followed by
//!   indented `addressing_style = path`; [`Ini::nested`] reads those as botocore does.
//! - Strict, as configparser is: a section or a key that appears twice, a line that
//!   is neither, text before the first header (a UTF-8 byte-order mark included,
//!   since Python reads it as a character) are errors.
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

/// Python's `str.isspace()`: Rust's White_Space plus the information separators
/// `\x1c`-`\x1f`, which Python counts as whitespace and Rust does not.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Lines as Python's text files give them (universal newlines: `\n`, `\r\n` and a
/// lone `\r` each end a line), without their terminators.
pub(crate) fn universal_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\n', '\r']) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]).filter(|r| !r.is_empty());
                Some(&s[..i])
            }
            None => {
                rest = None;
                (!s.is_empty()).then_some(s)
            }
        }
    })
}

/// Python's `str.splitlines()`: splits at every line boundary Python knows,
/// `\v`, `\f`, `\x1c`-`\x1e`, NEL and the Unicode separators included.
fn py_splitlines(s: &str) -> Vec<&str> {
    let boundary = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(boundary) {
        out.push(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or('\n');
        let skip = if rest[i..].starts_with("\r\n") {
            2
        } else {
            c.len_utf8()
        };
        rest = &rest[i + skip..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[derive(Clone, Default, PartialEq, Eq)]
struct Section {
    name: String,
    /// Keys in first-seen order.
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
pub(crate) struct Ini {
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
    /// Section names in file order, without `DEFAULT`.
    pub(crate) fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|s| s.name.as_str())
    }

    pub(crate) fn has_section(&self, section: &str) -> bool {
        self.section(section).is_some()
    }

    /// A value: the section's own, else the `[DEFAULT]` one (as configparser does).
    /// `None` when the section does not exist.
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<&str> {
        let s = self.section(section)?;
        let key = key.to_lowercase();
        s.get(&key).or_else(|| self.defaults.get(&key))
    }

    /// The keys of a section, its own first, then inherited `[DEFAULT]` ones.
    pub(crate) fn keys(&self, section: &str) -> Vec<&str> {
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

    /// A nested block, as botocore's `_parse_nested` reads one: a value whose first
    /// line is empty and whose other lines are `key = value` (stripped, keys keep
    /// their case, a later key wins). `None` if the value is absent, a plain value,
    /// or a block with a line that has no `=` (which [`Ini::nested_blocks_ok`] reports).
    pub(crate) fn nested(&self, section: &str, key: &str) -> Option<Vec<(String, String)>> {
        parse_nested(self.get(section, key)?)?.ok()
    }

    /// botocore parses every indented block of every section when it loads a file,
    /// and a block with a line that is not `key = value` makes the whole file
    /// unreadable (`ConfigParseError`), even in a profile nobody uses.
    pub(crate) fn nested_blocks_ok(&self) -> bool {
        self.sections().all(|section| {
            self.keys(section)
                .into_iter()
                .all(|key| !matches!(self.get(section, key).and_then(parse_nested), Some(Err(()))))
        })
    }

    fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// `None` for a plain value; `Err` for a block with a line without `=`.
#[allow(clippy::type_complexity)]
fn parse_nested(value: &str) -> Option<Result<Vec<(String, String)>, ()>> {
    if !value.starts_with('\n') {
        return None;
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for line in py_splitlines(value) {
        let line = py_strip(line);
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Some(Err(()));
        };
        let (k, v) = (py_strip(k).to_string(), py_strip(v).to_string());
        match out.iter_mut().find(|(ek, _)| *ek == k) {
            Some(entry) => entry.1 = v,
            None => out.push((k, v)),
        }
    }
    Some(Ok(out))
}

/// Values being read: each key's lines, joined at the end as configparser does.
type Pending = Vec<(String, Vec<String>)>;

/// Parse INI text (configparser's `_read`, strict mode).
pub(crate) fn parse(text: &str) -> Result<Ini, IniError> {
    let mut names: Vec<String> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut defaults: Pending = Vec::new();
    // `None` before the first header; `Some(None)` in `[DEFAULT]`.
    let mut section: Option<Option<usize>> = None;
    // The key the next deeper-indented line continues.
    let mut key: Option<String> = None;
    // Indentation of the last header or key line.
    let mut indent = 0usize;
    // configparser reads to the end and then reports the first bad line.
    let mut first_error: Option<IniError> = None;

    for (index, raw) in universal_lines(text).enumerate() {
        let lineno = index + 1;
        let fail = |message: &str| IniError {
            line: lineno,
            message: message.into(),
        };
        let value = py_strip(raw);
        let is_comment = value.starts_with('#') || value.starts_with(';');
        if value.is_empty() || is_comment {
            // A blank line belongs to the value being read (trailing ones are
            // trimmed at the end); a comment line is dropped without ending it.
            if !is_comment && let (Some(s), Some(k)) = (section, key.as_deref()) {
                let entries = match s {
                    Some(i) => &mut pending[i],
                    None => &mut defaults,
                };
                if let Some((_, lines)) = entries.iter_mut().find(|(n, _)| n == k) {
                    lines.push(String::new());
                }
            }
            continue;
        }
        let line_indent = raw.chars().take_while(|c| is_py_space(*c)).count();

        // A continuation line: deeper than the key it follows.
        if let (Some(s), Some(k)) = (section, key.as_deref())
            && line_indent > indent
        {
            let entries = match s {
                Some(i) => &mut pending[i],
                None => &mut defaults,
            };
            if let Some((_, lines)) = entries.iter_mut().find(|(n, _)| n == k) {
                lines.push(value.to_string());
            }
            continue;
        }
        indent = line_indent;

        if let Some(name) = section_header(value) {
            key = None;
            if names.iter().any(|n| n == name) {
                return Err(fail("a section that appears twice"));
            }
            if name == DEFAULT_SECTION {
                section = Some(None);
            } else {
                names.push(name.to_string());
                pending.push(Vec::new());
                section = Some(Some(names.len() - 1));
            }
            continue;
        }
        let Some(s) = section else {
            return Err(fail("text before the first [section] header"));
        };
        let Some(split) = value.find(['=', ':']) else {
            // configparser keeps reading (and continuing the previous key).
            first_error.get_or_insert_with(|| fail("expected `key = value` or a [section] header"));
            continue;
        };
        let name = value[..split].trim_end_matches(is_py_space).to_lowercase();
        if name.is_empty() {
            first_error.get_or_insert_with(|| fail("a value without a key"));
        }
        let entries = match s {
            Some(i) => &mut pending[i],
            None => &mut defaults,
        };
        // A repeated `[DEFAULT]` is allowed, a key repeated across them is not.
        if entries.iter().any(|(n, _)| *n == name) {
            return Err(fail("a key that appears twice in its section"));
        }
        entries.push((
            name.clone(),
            vec![py_strip(&value[split + 1..]).to_string()],
        ));
        key = Some(name);
    }
    if let Some(e) = first_error {
        return Err(e);
    }

    let join = |entries: Pending| -> Vec<(String, String)> {
        entries
            .into_iter()
            .map(|(k, lines)| {
                (
                    k,
                    lines.join("\n").trim_end_matches(is_py_space).to_string(),
                )
            })
            .collect()
    };
    Ok(Ini {
        sections: names
            .into_iter()
            .zip(pending)
            .map(|(name, entries)| Section {
                name,
                entries: join(entries),
            })
            .collect(),
        defaults: Section {
            name: DEFAULT_SECTION.into(),
            entries: join(defaults),
        },
    })
}

/// configparser's `\[(?P<header>.+)\]` matched at the start of the stripped line:
/// the name runs from the first `[` to the last `]` and may not be empty.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
#[path = "ini_tests.rs"]
mod tests;
