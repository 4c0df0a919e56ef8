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

mod suggest;
mod values;

pub use crate::error::io_reason;
/// Python's repr() of a short str, as click quotes names in messages.
pub use crate::output::py_repr_str as py_str;
pub use suggest::{close_matches, format_possibilities};
use values::convert;
pub use values::{parse_bool, parse_duration, parse_statement};

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
    /// What the command does, given its parsed arguments.
    pub run: fn(&Matches) -> Result<(), Error>,
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
    /// Options are looked up by name: a name the command does not have would read as
    /// "not given" for ever. Debug builds (every test run) refuse it at once.
    fn known(&self, long: &str) {
        debug_assert!(
            self.spec.find_long(long).is_some(),
            "{} has no option --{long}",
            self.spec.name
        );
    }

    pub fn flag(&self, long: &str) -> bool {
        self.known(long);
        self.flags.contains(&long)
    }

    /// The last value of a single-value option.
    pub fn get(&self, long: &str) -> Option<&Val> {
        self.known(long);
        self.values
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v)
    }

    /// Every value of a repeatable option, in order.
    pub fn all(&self, long: &str) -> impl Iterator<Item = &Val> {
        self.known(long);
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
        debug_assert!(
            self.spec.args.iter().any(|a| a.name == name),
            "{} has no argument {name}",
            self.spec.name
        );
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
        profile: m.text("profile")?.filter(|s| !s.is_empty()),
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
mod tests;
