//! Option values after parsing: click's types (BOOLEAN, INT, Choice, File) and the
//! original's own (DurationParam, StatementParam, PolicyParam), with click's wording.

use std::ffi::OsStr;

use serde_json::Value;

use std::path::PathBuf;

use super::{CommandSpec, Conv, OptSpec, Val, invalid_arg, invalid_opt, py_str};
use crate::cli::Failure;
use crate::error::io_reason;

pub(super) fn convert(spec: &CommandSpec, opt: &OptSpec, raw: &OsStr) -> Result<Val, Failure> {
    let text = || raw.to_string_lossy().into_owned();
    let fail = |message: String| invalid_opt(spec, opt, message);
    match opt.conv {
        Conv::Flag => Ok(Val::Bool(true)),
        Conv::Text => Ok(Val::Text(raw.to_os_string())),
        Conv::Int => text()
            .trim()
            .parse::<i64>()
            .map(Val::Int)
            .map_err(|_| fail(format!("{} is not a valid integer.", py_str(&text())))),
        Conv::Bool => parse_bool(&text()).map(Val::Bool).ok_or_else(|| {
            fail(format!(
                "{} is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes",
                py_str(&text())
            ))
        }),
        Conv::Choice(choices) => {
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
        Conv::Duration => parse_duration(&text()).map(Val::Seconds).map_err(fail),
        Conv::Statement => parse_statement(&text()).map(Val::Json).map_err(fail),
        Conv::Policy => read_policy(raw).map(Val::PolicyText).map_err(fail),
        Conv::FileText => read_file_text(raw).map(Val::FileText).map_err(fail),
        Conv::OutFile => {
            let p = PathBuf::from(raw);
            if p.is_dir() {
                Err(fail(format!("File {} is a directory.", py_str(&text()))))
            } else {
                Ok(Val::Path(p))
            }
        }
        Conv::OutDir => {
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
pub fn parse_duration(s: &str) -> Result<u64, String> {
    const FORM: &str = "Duration must be of form 3600s or 15m or 2h";
    // Python's `$` also matches just before a final newline, so the original takes
    // "900\n" as 900 seconds.
    let s = s.strip_suffix('\n').unwrap_or(s);
    let (digits, unit) = match s.char_indices().last() {
        Some((i, c @ ('s' | 'm' | 'h'))) => (&s[..i], Some(c)),
        _ => (s, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FORM.to_string());
    }
    // Python's int has no upper bound; anything too big for u64 is out of range anyway.
    let range = || "Duration must be between 15 minutes and 12 hours".to_string();
    let n: u64 = digits.parse().map_err(|_| range())?;
    let seconds = match unit {
        Some('m') => n.checked_mul(60),
        Some('h') => n.checked_mul(3600),
        _ => Some(n),
    }
    .ok_or_else(range)?;
    if (15 * 60..=12 * 60 * 60).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(range())
    }
}

/// The original's StatementParam.
pub fn parse_statement(s: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(s).map_err(|_| "Invalid JSON string".to_string())?;
    let Some(obj) = value.as_object() else {
        return Err("JSON must be an object".to_string());
    };
    let mut missing: Vec<&str> = ["Action", "Effect", "Resource"]
        .into_iter()
        .filter(|k| !obj.contains_key(*k))
        .collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        return Err(format!(
            "Statement JSON missing required keys: {}",
            missing.join(", ")
        ));
    }
    Ok(value)
}

/// The original's PolicyParam: literal JSON, a file, or `-` for stdin; the text is
/// returned as written once it is known to be valid JSON.
fn read_policy(raw: &OsStr) -> Result<String, String> {
    let text = raw.to_string_lossy();
    if text.trim().starts_with('{') {
        serde_json::from_str::<Value>(&text).map_err(|_| "Invalid JSON string".to_string())?;
        return Ok(text.into_owned());
    }
    let contents = if raw == "-" {
        read_stdin().map_err(|e| format!("could not read standard input: {e}"))?
    } else {
        match std::fs::read(raw) {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| "File is not valid UTF-8".to_string())?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err("File not found".to_string());
            }
            // The original lets these escape as a traceback; name the problem instead.
            Err(e) => return Err(format!("{}: {}", py_str(&text), io_reason(&e))),
        }
    };
    match serde_json::from_str::<Value>(&contents) {
        Ok(_) => Ok(contents),
        Err(_) if raw == "-" => Err("Input contained invalid JSON".to_string()),
        Err(_) => Err("File contained invalid JSON".to_string()),
    }
}

/// The most a `--auth` or `--policy-file` file may hold: far above any credentials
/// or policy document, and a bound on `--auth /dev/zero`.
const FILE_TEXT_LIMIT: u64 = 1024 * 1024;

/// click.File("r"): read the whole file (or stdin) now, with click's error wording,
/// but at most [`FILE_TEXT_LIMIT`] bytes.
fn read_file_text(raw: &OsStr) -> Result<String, String> {
    use std::io::Read;
    let (shown, reader): (String, Box<dyn Read>) = if raw == "-" {
        ("'-'".to_string(), Box::new(std::io::stdin()))
    } else {
        let shown = py_str(&raw.to_string_lossy());
        let file = std::fs::File::open(raw).map_err(|e| format!("{shown}: {}", io_reason(&e)))?;
        (shown, Box::new(file))
    };
    let mut bytes = Vec::new();
    reader
        .take(FILE_TEXT_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {}", io_reason(&e)))?;
    if bytes.len() as u64 > FILE_TEXT_LIMIT {
        return Err(format!("{shown}: larger than 1 MiB"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown}: not valid UTF-8 text"))
}

fn read_stdin() -> std::io::Result<String> {
    use std::io::Read;
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}

/// botocore's bucket-name rule: `^[a-zA-Z0-9.\-_]{1,255}$`.
pub fn valid_bucket_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

pub fn check_bucket(spec: &CommandSpec, name: &str, value: &OsStr) -> Result<(), Failure> {
    let text = value.to_string_lossy();
    if valid_bucket_name(&text) {
        return Ok(());
    }
    Err(invalid_arg(
        spec,
        name,
        format!(
            "Invalid bucket name \"{text}\": Bucket name must match the regex \"^[a-zA-Z0-9.\\-_]{{1,255}}$\""
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
