//! Option values after parsing: click's types (BOOLEAN, INT, Choice, File) and the
//! original's own (DurationParam, StatementParam, PolicyParam), with click's wording.

use std::ffi::OsStr;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;
use time::OffsetDateTime;

use super::{CommandSpec, OptSpec, Set, Val, invalid_arg, invalid_opt, py_str};
use crate::cli::Failure;
use crate::error::io_reason;
use crate::lifecycle::expires;

/// Why an option's value was refused, in the words click or the original use (shown
/// after `Invalid value for '--option': `).
#[derive(Debug)]
pub enum ValueError {
    /// DurationParam: not `^(\d+)(m|h|s)?$`.
    DurationForm,
    /// DurationParam: outside 15 minutes to 12 hours.
    DurationRange,
    /// StatementParam, PolicyParam: a literal that is not JSON.
    InvalidJson,
    /// StatementParam: JSON, but not an object.
    NotAnObject,
    /// StatementParam: these of Action, Effect, Resource are missing (sorted).
    MissingKeys(Vec<&'static str>),
    /// PolicyParam: the file is not there.
    FileNotFound,
    /// PolicyParam: the file is not UTF-8.
    FileNotUtf8,
    /// PolicyParam: the file holds something that is not JSON.
    FileInvalidJson,
    /// PolicyParam: standard input holds something that is not JSON.
    InputInvalidJson,
    /// PolicyParam: standard input could not be read.
    Stdin(std::io::Error),
    /// A file (click.File, or a policy file) that could not be read; `shown` is its
    /// name as Python's repr() writes it.
    Unreadable {
        shown: String,
        source: std::io::Error,
    },
    /// click.File: more than [`FILE_TEXT_LIMIT`] bytes.
    TooLarge { shown: String },
    /// click.File: not UTF-8 text.
    NotText { shown: String },
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ValueError::*;
        match self {
            DurationForm => f.write_str("Duration must be of form 3600s or 15m or 2h"),
            DurationRange => f.write_str("Duration must be between 15 minutes and 12 hours"),
            InvalidJson => f.write_str("Invalid JSON string"),
            NotAnObject => f.write_str("JSON must be an object"),
            MissingKeys(keys) => write!(
                f,
                "Statement JSON missing required keys: {}",
                keys.join(", ")
            ),
            FileNotFound => f.write_str("File not found"),
            FileNotUtf8 => f.write_str("File is not valid UTF-8"),
            FileInvalidJson => f.write_str("File contained invalid JSON"),
            InputInvalidJson => f.write_str("Input contained invalid JSON"),
            Stdin(e) => write!(f, "could not read standard input: {e}"),
            Unreadable { shown, source } => write!(f, "{shown}: {}", io_reason(source)),
            TooLarge { shown } => write!(f, "{shown}: larger than 1 MiB"),
            NotText { shown } => write!(f, "{shown}: not valid UTF-8 text"),
        }
    }
}

impl std::error::Error for ValueError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValueError::Stdin(e) | ValueError::Unreadable { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

pub(super) fn convert(spec: &CommandSpec, opt: &OptSpec, raw: &OsStr) -> Result<Val, Failure> {
    let text = || raw.to_string_lossy().into_owned();
    let fail = |message: String| invalid_opt(spec, opt, message);
    let refused = |e: ValueError| fail(e.to_string());
    match opt.set {
        Set::Flag(_) => Ok(Val::Flag),
        Set::Text(_) | Set::Truthy(_) | Set::Texts(_) => Ok(Val::Text(raw.to_os_string())),
        Set::Int(_) => text()
            .trim()
            .parse::<i64>()
            .map(Val::Int)
            .map_err(|_| fail(format!("{} is not a valid integer.", py_str(&text())))),
        Set::Bool(_) => parse_bool(&text()).map(Val::Bool).ok_or_else(|| {
            fail(format!(
                "{} is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes",
                py_str(&text())
            ))
        }),
        Set::Choice(choices, _) => {
            let t = text();
            if choices.contains(&t.as_str()) {
                Ok(Val::Text(raw.to_os_string()))
            } else {
                let listed: Vec<String> = choices.iter().map(|c| py_str(c)).collect();
                Err(fail(format!(
                    "{} is not one of {}.",
                    py_str(&t),
                    listed.join(", ")
                )))
            }
        }
        Set::Duration(_) => parse_duration(&text())
            .map(Val::Seconds)
            .map_err(refused),
        Set::Statements(_) => parse_statement(&text()).map(Val::Json).map_err(refused),
        Set::Policy(_) => read_policy(raw).map(Val::Read).map_err(refused),
        Set::FileText(_) => read_file_text(raw).map(Val::Read).map_err(refused),
        Set::OutFile(_) => {
            let p = PathBuf::from(raw);
            if p.is_dir() {
                Err(fail(format!("File {} is a directory.", py_str(&text()))))
            } else {
                Ok(Val::Path(p))
            }
        }
        Set::Expires(_) => expires::parse_when(&text(), OffsetDateTime::now_utc())
            .map(Val::Time)
            .map_err(|e| fail(e.to_string())),
        Set::OutDir(_) => {
            let p = PathBuf::from(raw);
            if p.exists() && !p.is_dir() {
                Err(fail(format!("Directory {} is a file.", py_str(&text()))))
            } else {
                Ok(Val::Path(p))
            }
        }
    }
}

/// click's BOOLEAN.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" | "" => Some(false),
        _ => None,
    }
}

/// The original's DurationParam: `^(\d+)(m|h|s)?$`, then 15 minutes to 12 hours.
pub fn parse_duration(s: &str) -> Result<u64, ValueError> {
    // Python's `$` also matches just before a final newline, so the original takes
    // "900\n" as 900 seconds.
    let s = s.strip_suffix('\n').unwrap_or(s);
    let (digits, unit) = match s.char_indices().last() {
        Some((i, c @ ('s' | 'm' | 'h'))) => (&s[..i], Some(c)),
        _ => (s, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::DurationForm);
    }
    // Python's int has no upper bound; anything too big for u64 is out of range anyway.
    let n: u64 = digits.parse().map_err(|_| ValueError::DurationRange)?;
    let seconds = match unit {
        Some('m') => n.checked_mul(60),
        Some('h') => n.checked_mul(3600),
        _ => Some(n),
    }
    .ok_or(ValueError::DurationRange)?;
    if (15 * 60..=12 * 60 * 60).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(ValueError::DurationRange)
    }
}

/// The original's StatementParam.
pub fn parse_statement(s: &str) -> Result<Value, ValueError> {
    let value: Value = serde_json::from_str(s).map_err(|_| ValueError::InvalidJson)?;
    let Some(obj) = value.as_object() else {
        return Err(ValueError::NotAnObject);
    };
    let mut missing: Vec<&str> = ["Action", "Effect", "Resource"]
        .into_iter()
        .filter(|k| !obj.contains_key(*k))
        .collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        return Err(ValueError::MissingKeys(missing));
    }
    Ok(value)
}

/// The original's PolicyParam: literal JSON, a file, or `-` for stdin; the text is
/// returned as written once it is known to be valid JSON.
fn read_policy(raw: &OsStr) -> Result<String, ValueError> {
    let text = raw.to_string_lossy();
    if text.trim().starts_with('{') {
        serde_json::from_str::<Value>(&text).map_err(|_| ValueError::InvalidJson)?;
        return Ok(text.into_owned());
    }
    let contents = if raw == "-" {
        read_stdin().map_err(ValueError::Stdin)?
    } else {
        match std::fs::read(raw) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| ValueError::FileNotUtf8)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ValueError::FileNotFound);
            }
            // The original lets these escape as a traceback; name the problem instead.
            Err(source) => {
                return Err(ValueError::Unreadable {
                    shown: py_str(&text),
                    source,
                });
            }
        }
    };
    match serde_json::from_str::<Value>(&contents) {
        Ok(_) => Ok(contents),
        Err(_) if raw == "-" => Err(ValueError::InputInvalidJson),
        Err(_) => Err(ValueError::FileInvalidJson),
    }
}

/// The most a `--auth` or `--policy-file` file may hold: far above any credentials
/// or policy document, and a bound on `--auth /dev/zero`.
const FILE_TEXT_LIMIT: u64 = 1024 * 1024;

/// click.File("r"): read the whole file (or stdin) now, with click's error wording,
/// but at most [`FILE_TEXT_LIMIT`] bytes.
fn read_file_text(raw: &OsStr) -> Result<String, ValueError> {
    use std::io::Read;
    let (shown, reader): (String, Box<dyn Read>) = if raw == "-" {
        ("'-'".to_string(), Box::new(std::io::stdin()))
    } else {
        let shown = py_str(&raw.to_string_lossy());
        match std::fs::File::open(raw) {
            Ok(file) => (shown, Box::new(file)),
            Err(source) => return Err(ValueError::Unreadable { shown, source }),
        }
    };
    let mut bytes = Vec::new();
    if let Err(source) = reader.take(FILE_TEXT_LIMIT + 1).read_to_end(&mut bytes) {
        return Err(ValueError::Unreadable { shown, source });
    }
    if bytes.len() as u64 > FILE_TEXT_LIMIT {
        return Err(ValueError::TooLarge { shown });
    }
    String::from_utf8(bytes).map_err(|_| ValueError::NotText { shown })
}

fn read_stdin() -> std::io::Result<String> {
    use std::io::Read;
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}

/// botocore's bucket-name rule: `^[a-zA-Z0-9.\-_]{1,255}$`.
pub(super) fn valid_bucket_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// botocore's check of a bucket name, as a usage error of `command`'s argument `name`.
pub fn check_bucket(command: &'static str, name: &str, value: &OsStr) -> Result<(), Failure> {
    let text = value.to_string_lossy();
    if valid_bucket_name(&text) {
        return Ok(());
    }
    Err(Failure::usage(
        command,
        format!(
            "Invalid value for '{name}': Invalid bucket name \"{text}\": Bucket name must match the regex \"^[a-zA-Z0-9.\\-_]{{1,255}}$\""
        ),
    ))
}

pub(super) fn check_existing_file(
    spec: &CommandSpec,
    name: &str,
    value: &OsStr,
) -> Result<(), Failure> {
    if value == "-" {
        return Ok(());
    }
    let shown = py_str(&value.to_string_lossy());
    match std::fs::metadata(value) {
        Err(_) => Err(invalid_arg(
            spec,
            name,
            format!("File {shown} does not exist."),
        )),
        Ok(m) if m.is_dir() => Err(invalid_arg(
            spec,
            name,
            format!("File {shown} is a directory."),
        )),
        Ok(_) => Ok(()),
    }
}
