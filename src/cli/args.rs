//! Command-line parsing with click's rules and click's error messages.
//!
//! Each command is described once by a [`CommandSpec`]; the parser, the value
//! conversions and the help text (`help.rs`) all read that one table. Parsing
//! follows click 8: options may come anywhere between positionals, `--` ends
//! options, `--opt=value` and `-ovalue` attach values, short flags combine (`-cs`),
//! the last of a repeated single-value option wins, and `--help` wins over every
//! error found after parsing.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use serde_json::Value;

use crate::error::Error;

/// How an option's value is checked and converted, as click's parameter types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// A flag: no value.
    Flag,
    /// Any text (click's TEXT).
    Text,
    /// An integer (click's INTEGER).
    Int,
    /// click's BOOLEAN: 1/0, true/false, t/f, yes/no, y/n, on/off, and "" as false.
    Bool,
    /// One of a fixed list (click.Choice).
    Choice(&'static [&'static str]),
    /// `3600`, `3600s`, `15m`, `1h`; between 15 minutes and 12 hours.
    Duration,
    /// A JSON object with Effect, Action and Resource.
    Statement,
    /// A policy: literal JSON (starting with `{`), a file path, or `-` for stdin.
    Policy,
    /// click.File("r"): the file's text (or stdin for `-`) is read while parsing.
    FileText,
    /// A path to a file that may not exist yet, and is not a directory.
    OutFile,
    /// A path to a directory that may not exist yet, and is not a file.
    OutDir,
}

/// One option of a command.
#[derive(Debug)]
pub struct OptSpec {
    pub short: Option<char>,
    pub long: &'static str,
    /// Shown after the option in help (`TEXT`, `DURATION`, `[ini|json]`); empty for flags.
    pub metavar: &'static str,
    pub help: &'static str,
    pub conv: Conv,
    /// May be given several times; every value is kept.
    pub multiple: bool,
    pub required: bool,
}

/// How a positional argument is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgConv {
    Text,
    /// click.Path(exists=True, dir_okay=False, allow_dash=True): an existing file or `-`.
    ExistingFileOrDash,
    /// A bucket name requests will carry: botocore's rule, checked before any request
    /// (the original fails the same way, with a ParamValidationError traceback).
    Bucket,
}

/// One positional argument.
#[derive(Debug)]
pub struct ArgSpec {
    /// Upper-case name as shown in usage (`BUCKET`, `KEYS`).
    pub name: &'static str,
    /// Takes every remaining positional (nargs=-1).
    pub variadic: bool,
    pub required: bool,
    pub conv: ArgConv,
}

/// A command: its name, help and the options it takes.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    /// One line for the top-level command list.
    pub summary: &'static str,
    /// The help text shown after the usage line, already laid out (indented 2).
    pub help: &'static str,
    pub args: &'static [ArgSpec],
    /// Groups of options, in help order (the command's own, output, AWS).
    pub opts: &'static [&'static [OptSpec]],
}

impl CommandSpec {
    pub fn options(&self) -> impl Iterator<Item = &'static OptSpec> + '_ {
        self.opts.iter().flat_map(|group| group.iter())
    }

    /// `Usage: s3-credentials create [OPTIONS] BUCKETS...`
    pub fn usage_line(&self) -> String {
        let mut line = format!("Usage: s3-credentials {} [OPTIONS]", self.name);
        for arg in self.args {
            line.push(' ');
            match (arg.variadic, arg.required) {
                (true, true) => line.push_str(&format!("{}...", arg.name)),
                (true, false) => line.push_str(&format!("[{}]...", arg.name)),
                (false, true) => line.push_str(arg.name),
                (false, false) => line.push_str(&format!("[{}]", arg.name)),
            }
        }
        line
    }

    fn find_long(&self, long: &str) -> Option<&'static OptSpec> {
        self.options().find(|o| o.long == long)
    }

    fn find_short(&self, short: char) -> Option<&'static OptSpec> {
        self.options().find(|o| o.short == Some(short))
    }
}

/// An option value after conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Text(OsString),
    Int(i64),
    Bool(bool),
    Seconds(u64),
    Json(Value),
    /// A policy document as the user wrote it (already checked to be valid JSON).
    PolicyText(String),
    /// The contents of a click.File option.
    FileText(String),
    Path(PathBuf),
}

/// The parsed command line of one command.
#[derive(Debug)]
pub struct Matches {
    pub spec: &'static CommandSpec,
    /// Option values in command-line order, keyed by long name.
    values: Vec<(&'static str, Val)>,
    flags: Vec<&'static str>,
    /// Positionals, one entry per ArgSpec, in spec order.
    args: Vec<Vec<OsString>>,
    pub help: bool,
}

/// What `parse` found.
pub enum Parsed {
    Run(Matches),
    /// `--help` was given: print this command's help.
    Help,
}

impl Matches {
    pub fn flag(&self, long: &str) -> bool {
        self.flags.contains(&long)
    }

    /// The last value of a single-value option.
    pub fn get(&self, long: &str) -> Option<&Val> {
        self.values
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v)
    }

    /// Every value of a repeatable option, in order.
    pub fn all(&self, long: &str) -> impl Iterator<Item = &Val> {
        let long = long.to_string();
        self.values
            .iter()
            .filter(move |(l, _)| *l == long)
            .map(|(_, v)| v)
    }

    /// A text option as UTF-8.
    pub fn text(&self, long: &str) -> Result<Option<String>, Error> {
        match self.get(long) {
            Some(Val::Text(s)) => utf8(self.spec, long, s).map(Some),
            _ => Ok(None),
        }
    }

    /// Every value of a repeatable text option.
    pub fn texts(&self, long: &str) -> Result<Vec<String>, Error> {
        self.all(long)
            .filter_map(|v| match v {
                Val::Text(s) => Some(utf8(self.spec, long, s)),
                _ => None,
            })
            .collect()
    }

    pub fn int(&self, long: &str) -> Option<i64> {
        match self.get(long) {
            Some(Val::Int(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn bool(&self, long: &str) -> Option<bool> {
        match self.get(long) {
            Some(Val::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn seconds(&self, long: &str) -> Option<u64> {
        match self.get(long) {
            Some(Val::Seconds(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn path(&self, long: &str) -> Option<PathBuf> {
        match self.get(long) {
            Some(Val::Path(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// Every statement given with a repeatable `--statement`.
    pub fn statements(&self, long: &str) -> Vec<Value> {
        self.all(long)
            .filter_map(|v| match v {
                Val::Json(j) => Some(j.clone()),
                _ => None,
            })
            .collect()
    }

    /// A `--policy` document's text.
    pub fn policy_text(&self, long: &str) -> Option<String> {
        match self.get(long) {
            Some(Val::PolicyText(s)) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn file_text(&self, long: &str) -> Option<String> {
        match self.get(long) {
            Some(Val::FileText(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// A single positional, as UTF-8.
    pub fn arg(&self, name: &str) -> Result<String, Error> {
        Ok(self.arg_list(name)?.into_iter().next().unwrap_or_default())
    }

    /// A positional as raw OS text (file paths may not be UTF-8).
    pub fn arg_os(&self, name: &str) -> Vec<OsString> {
        match self.spec.args.iter().position(|a| a.name == name) {
            Some(i) => self.args[i].clone(),
            None => Vec::new(),
        }
    }

    /// The values of a (variadic) positional, as UTF-8.
    pub fn arg_list(&self, name: &str) -> Result<Vec<String>, Error> {
        self.arg_os(name)
            .iter()
            .map(|s| {
                s.to_str().map(str::to_string).ok_or_else(|| {
                    invalid_arg(self.spec, name, "text is not valid UTF-8".to_string())
                })
            })
            .collect()
    }

    /// A usage error for this command (`Error: <message>` under the usage lines).
    pub fn usage_error(&self, message: impl Into<String>) -> Error {
        Error::usage(Some(self.spec.name), message)
    }
}

fn utf8(spec: &CommandSpec, long: &str, s: &OsStr) -> Result<String, Error> {
    s.to_str()
        .map(str::to_string)
        .ok_or_else(|| match spec.find_long(long) {
            Some(opt) => invalid_opt(spec, opt, "text is not valid UTF-8".to_string()),
            None => Error::usage(Some(spec.name), "text is not valid UTF-8"),
        })
}

/// click's hint for an option: `'-d' / '--duration'`.
fn opt_hint(opt: &OptSpec) -> String {
    match opt.short {
        Some(c) => format!("'-{c}' / '--{}'", opt.long),
        None => format!("'--{}'", opt.long),
    }
}

fn invalid_opt(spec: &CommandSpec, opt: &OptSpec, message: String) -> Error {
    Error::usage(
        Some(spec.name),
        format!("Invalid value for {}: {message}", opt_hint(opt)),
    )
}

fn invalid_arg(spec: &CommandSpec, name: &str, message: String) -> Error {
    Error::usage(
        Some(spec.name),
        format!("Invalid value for '{name}': {message}"),
    )
}

/// A usage error that click raises without the usage lines (it has no context yet).
fn bare_usage(message: String) -> Error {
    Error::UsageBare(message)
}

/// Python's repr() of a short str, as click quotes names in messages.
pub fn py_str(s: &str) -> String {
    crate::output::py_repr(&Value::String(s.to_string()))
}

/// Parse one command's arguments (everything after the command name).
pub fn parse(spec: &'static CommandSpec, argv: &[OsString]) -> Result<Parsed, Error> {
    let mut values: Vec<(&'static str, OsString, &'static OptSpec)> = Vec::new();
    let mut flags: Vec<&'static str> = Vec::new();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut help = false;
    let mut i = 0;
    while i < argv.len() {
        let raw = &argv[i];
        i += 1;
        let arg = raw.to_string_lossy();
        if arg == "--" {
            positionals.extend(argv[i..].iter().cloned());
            break;
        }
        if !arg.starts_with('-') || arg.len() == 1 {
            positionals.push(raw.clone());
            continue;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, attached) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            if name == "help" {
                help = true;
                continue;
            }
            let Some(opt) = spec.find_long(name) else {
                return Err(no_such_option(spec, &format!("--{name}")));
            };
            if opt.conv == Conv::Flag {
                if attached.is_some() {
                    return Err(bare_usage(format!(
                        "Option {} does not take a value.",
                        py_str(&format!("--{name}"))
                    )));
                }
                flags.push(opt.long);
            } else {
                let value = match attached {
                    // Keep the raw bytes after '=' (the lossy copy is only for matching).
                    Some(_) => split_attached(raw),
                    None => {
                        let Some(v) = argv.get(i) else {
                            return Err(bare_usage(format!(
                                "Option {} requires an argument.",
                                py_str(&format!("--{name}"))
                            )));
                        };
                        i += 1;
                        v.clone()
                    }
                };
                values.push((opt.long, value, opt));
            }
            continue;
        }
        // Short options, possibly combined: -cs, -d15m, -d 15m.
        let chars: Vec<char> = arg[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let Some(opt) = spec.find_short(c) else {
                return Err(no_such_option(spec, &format!("-{c}")));
            };
            if opt.conv == Conv::Flag {
                flags.push(opt.long);
                continue;
            }
            let value = if j < chars.len() {
                let rest: String = chars[j..].iter().collect();
                OsString::from(rest)
            } else if let Some(v) = argv.get(i) {
                i += 1;
                v.clone()
            } else {
                return Err(bare_usage(format!(
                    "Option {} requires an argument.",
                    py_str(&format!("-{c}"))
                )));
            };
            values.push((opt.long, value, opt));
            break;
        }
    }
    if help {
        return Ok(Parsed::Help);
    }

    // Convert option values in command-line order, as click processes them.
    let mut converted = Vec::with_capacity(values.len());
    for (long, raw, opt) in values {
        converted.push((long, convert(spec, opt, &raw)?));
    }
    // click checks the parameters that are absent in declaration order, and every
    // command declares its arguments before its options: a missing argument is reported
    // before a missing option (`localserver` alone: "Missing argument 'BUCKET'"). Extra
    // arguments are reported only after all parameters were processed.
    let (args, extra) = assign_positionals(spec, positionals)?;
    // Boolean flags given twice are still one flag; the last single value wins.
    for opt in spec.options() {
        if opt.required && !converted.iter().any(|(l, _)| *l == opt.long) {
            return Err(Error::usage(
                Some(spec.name),
                format!("Missing option {}.", opt_hint(opt)),
            ));
        }
    }
    if !extra.is_empty() {
        let shown: Vec<String> = extra
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let s = if shown.len() == 1 { "" } else { "s" };
        return Err(Error::usage(
            Some(spec.name),
            format!("Got unexpected extra argument{s} ({})", shown.join(" ")),
        ));
    }
    Ok(Parsed::Run(Matches {
        spec,
        values: converted,
        flags,
        args,
        help: false,
    }))
}

/// The bytes after the first '=' of `--name=value`.
fn split_attached(raw: &OsStr) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let bytes = raw.as_bytes();
        let pos = bytes
            .iter()
            .position(|b| *b == b'=')
            .map_or(bytes.len(), |p| p + 1);
        OsString::from_vec(bytes[pos..].to_vec())
    }
    #[cfg(not(unix))]
    {
        let s = raw.to_string_lossy();
        OsString::from(s.split_once('=').map_or("", |(_, v)| v))
    }
}

/// Share positionals out as click does: fixed arguments first, the variadic one
/// takes what is left. Returns the values of each argument and the extra positionals.
type Assigned = (Vec<Vec<OsString>>, Vec<OsString>);
fn assign_positionals(
    spec: &'static CommandSpec,
    mut positionals: Vec<OsString>,
) -> Result<Assigned, Error> {
    let fixed_after_variadic = spec.args.iter().skip_while(|a| !a.variadic).skip(1).count();
    let mut out = Vec::with_capacity(spec.args.len());
    for arg in spec.args {
        let taken: Vec<OsString> = if arg.variadic {
            let keep = positionals.len().saturating_sub(fixed_after_variadic);
            positionals.drain(..keep).collect()
        } else if positionals.is_empty() {
            Vec::new()
        } else {
            vec![positionals.remove(0)]
        };
        if taken.is_empty() && arg.required {
            let shown = if arg.variadic {
                format!("{}...", arg.name)
            } else {
                arg.name.to_string()
            };
            return Err(Error::usage(
                Some(spec.name),
                format!("Missing argument {}.", py_str(&shown)),
            ));
        }
        if arg.conv == ArgConv::Bucket {
            for value in &taken {
                check_bucket(spec, arg.name, value)?;
            }
        }
        if arg.conv == ArgConv::ExistingFileOrDash {
            for value in &taken {
                check_existing_file(spec, arg.name, value)?;
            }
        }
        out.push(taken);
    }
    Ok((out, positionals))
}

/// botocore's bucket-name rule: `^[a-zA-Z0-9.\-_]{1,255}$`.
pub fn valid_bucket_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

pub fn check_bucket(spec: &CommandSpec, name: &str, value: &OsStr) -> Result<(), Error> {
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

fn check_existing_file(spec: &CommandSpec, name: &str, value: &OsStr) -> Result<(), Error> {
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

fn no_such_option(spec: &CommandSpec, name: &str) -> Error {
    let mut message = format!("No such option {}.", py_str(name));
    if name.starts_with("--") {
        let longs: Vec<String> = spec
            .options()
            .map(|o| format!("--{}", o.long))
            .chain(std::iter::once("--help".to_string()))
            .collect();
        let close = close_matches(name, &longs);
        if !close.is_empty() {
            message.push(' ');
            message.push_str(&format_possibilities(close));
        }
    }
    Error::usage(Some(spec.name), message)
}

/// click's `_format_possibilities`.
pub fn format_possibilities(mut close: Vec<String>) -> String {
    close.sort();
    let quoted: Vec<String> = close.iter().map(|p| py_str(p)).collect();
    if quoted.len() == 1 {
        format!("Did you mean {}?", quoted[0])
    } else {
        format!("(Did you mean one of: {}?)", quoted.join(", "))
    }
}

/// Python's `difflib.get_close_matches(word, possibilities)` (n=3, cutoff=0.6).
pub fn close_matches(word: &str, possibilities: &[String]) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &String)> = possibilities
        .iter()
        .filter_map(|p| {
            let pc: Vec<char> = p.chars().collect();
            let r = ratio(&pc, &w);
            (r >= 0.6).then_some((r, p))
        })
        .collect();
    // heapq.nlargest over (score, word): highest score first, ties by larger word.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(a.1)));
    scored.into_iter().take(3).map(|(_, p)| p.clone()).collect()
}

/// SequenceMatcher(None, a, b).ratio() for short strings (no junk heuristics apply
/// below 200 characters).
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching(a, b) as f64 / total as f64
}

/// Sum of matching blocks, found as difflib does: the longest match (earliest in a,
/// then in b), then recursively left and right of it.
fn matching(a: &[char], b: &[char]) -> usize {
    let (mut best_i, mut best_j, mut best) = (0, 0, 0);
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best {
                (best_i, best_j, best) = (i, j, k);
            }
        }
    }
    if best == 0 {
        return 0;
    }
    best + matching(&a[..best_i], &b[..best_j]) + matching(&a[best_i + best..], &b[best_j + best..])
}

fn convert(spec: &CommandSpec, opt: &OptSpec, raw: &OsStr) -> Result<Val, Error> {
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

/// click.File("r"): read the whole file (or stdin) now, with click's error wording.
fn read_file_text(raw: &OsStr) -> Result<String, String> {
    let bytes = if raw == "-" {
        read_stdin().map_err(|e| format!("'-': {}", io_reason(&e)))?
    } else {
        let shown = py_str(&raw.to_string_lossy());
        let bytes = std::fs::read(raw).map_err(|e| format!("{shown}: {}", io_reason(&e)))?;
        String::from_utf8(bytes).map_err(|_| format!("{shown}: not valid UTF-8 text"))?
    };
    Ok(bytes)
}

fn read_stdin() -> std::io::Result<String> {
    use std::io::Read;
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}

/// The strerror text Python shows for an OSError ("No such file or directory").
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    // Rust appends " (os error N)"; Python shows just the reason.
    match text.find(" (os error") {
        Some(pos) => text[..pos].to_string(),
        None => text,
    }
}

/// The common AWS options (`--access-key`, `--secret-key`, `--session-token`,
/// `--endpoint-url`, `--auth`) of a parsed command.
pub fn aws_options(m: &Matches) -> Result<crate::aws::AwsOptions, Error> {
    Ok(crate::aws::AwsOptions {
        auth: crate::aws::credentials::CliAuth {
            access_key: m.text("access-key")?.filter(|s| !s.is_empty()),
            secret_key: m.text("secret-key")?.filter(|s| !s.is_empty()),
            session_token: m.text("session-token")?.filter(|s| !s.is_empty()),
            auth_content: m.file_text("auth"),
        },
        endpoint_url: m.text("endpoint-url")?.filter(|s| !s.is_empty()),
    })
}

/// A [`crate::aws::Context`] from the common AWS options and the environment.
/// The context for a command that talks to AWS. From here on Ctrl-C and SIGTERM are
/// handled (see `crate::interrupt`): the command cleans up, then prints `Aborted!`.
pub fn context(m: &Matches) -> Result<crate::aws::Context, Error> {
    let ctx = crate::aws::Context::new(&aws_options(m)?)?;
    crate::interrupt::install();
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_the_original() {
        assert_eq!(parse_duration("900"), Ok(900));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("1200s"), Ok(1200));
        assert_eq!(parse_duration("12h"), Ok(43200));
        let form = Err("Duration must be of form 3600s or 15m or 2h".to_string());
        let range = Err("Duration must be between 15 minutes and 12 hours".to_string());
        // Found while writing the params fuzz target's reference; checked against the original.
        assert_eq!(parse_duration("900\n"), Ok(900));
        assert_eq!(parse_duration("15m\n"), Ok(900));
        for bad in [
            "abc", "-5", "1d", "", "m", "1.5h", " 900", "15M", "\n", "900\n\n", "900\r\n",
        ] {
            assert_eq!(parse_duration(bad), form, "{bad}");
        }
        for bad in [
            "0",
            "14m",
            "13h",
            "899",
            "43201",
            "99999999999999999999999h",
        ] {
            assert_eq!(parse_duration(bad), range, "{bad}");
        }
    }

    #[test]
    fn statements_need_three_keys() {
        assert_eq!(parse_statement("x"), Err("Invalid JSON string".into()));
        assert_eq!(parse_statement("[1]"), Err("JSON must be an object".into()));
        assert_eq!(
            parse_statement(r#"{"Effect": "Allow"}"#),
            Err("Statement JSON missing required keys: Action, Resource".into())
        );
        assert!(parse_statement(r#"{"Effect":1,"Action":2,"Resource":3}"#).is_ok());
    }

    #[test]
    fn close_matches_like_difflib() {
        let opts: Vec<String> = ["--format", "--prefix", "--read-only", "--help"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_matches("--formt", &opts), ["--format"]);
        // Checked against Python's difflib.get_close_matches.
        assert_eq!(
            close_matches("--rea", &opts),
            ["--read-only", "--prefix", "--format"]
        );
        assert!(close_matches("--zzzzzzzzzz", &opts).is_empty());
        assert_eq!(
            format_possibilities(close_matches("--rea", &opts)),
            "(Did you mean one of: '--format', '--prefix', '--read-only'?)"
        );
    }

    #[test]
    fn click_booleans() {
        for t in ["1", "true", "T", "yes", "y", "on"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for f in ["0", "false", "F", "no", "n", "off", ""] {
            assert_eq!(parse_bool(f), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
    }
}
