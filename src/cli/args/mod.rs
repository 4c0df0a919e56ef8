//! Command-line parsing with click's rules and click's error messages.
//!
//! Each command is described once by a [`CommandSpec`]; the parser, the value
//! conversions and the help text (`help.rs`) all read that one table. Parsing
//! follows click 8: options may come anywhere between positionals, `--` ends
//! options, `--opt=value` and `-ovalue` attach values, short flags combine (`-cs`),
//! the last of a repeated single-value option wins, and `--help` wins over every
//! error found after parsing.

use std::ffi::{OsStr, OsString};

use crate::cli::Failure;

mod set;
mod suggest;
mod values;

pub use crate::error::io_reason;
/// Python's repr() of a short str, as click quotes names in messages.
pub use crate::output::py_repr_str as py_str;
use set::Val;
pub use set::{ArgSet, Args, Set};
pub use suggest::{close_matches, format_possibilities};
pub use values::{ValueError, check_bucket, parse_bool, parse_duration, parse_statement};
use values::{check_existing_file, convert};

/// One option of a command.
#[derive(Clone, Copy)]
pub struct OptSpec {
    pub short: Option<char>,
    pub long: &'static str,
    /// Shown after the option in help (`TEXT`, `DURATION`, `[ini|json]`); empty for flags.
    pub metavar: &'static str,
    pub help: &'static str,
    /// The field of [`Args`] it writes, and so how its value is converted.
    pub set: Set,
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
#[derive(Clone, Copy)]
pub struct ArgSpec {
    /// Upper-case name as shown in usage (`BUCKET`, `KEYS`).
    pub name: &'static str,
    pub required: bool,
    pub conv: ArgConv,
    /// The field of [`Args`] it writes; a list field takes every remaining positional.
    pub set: ArgSet,
}

impl ArgSpec {
    /// Takes every remaining positional (nargs=-1).
    pub fn variadic(&self) -> bool {
        self.set.variadic()
    }
}

/// A command: its name, help, the options it takes and what it does with them.
pub struct CommandSpec {
    pub name: &'static str,
    /// The command itself, on the typed arguments.
    pub run: fn(Args) -> Result<(), Failure>,
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
            match (arg.variadic(), arg.required) {
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

/// What `parse` found.
pub enum Parsed {
    /// The typed arguments (boxed: they are large, and `Help` is not).
    Run(Box<Args>),
    /// `--help` was given: print this command's help.
    Help,
}

/// click's hint for an option: `'-d' / '--duration'`.
fn opt_hint(opt: &OptSpec) -> String {
    match opt.short {
        Some(c) => format!("'-{c}' / '--{}'", opt.long),
        None => format!("'--{}'", opt.long),
    }
}

pub(super) fn invalid_opt(spec: &CommandSpec, opt: &OptSpec, message: String) -> Failure {
    Failure::usage(
        spec.name,
        format!("Invalid value for {}: {message}", opt_hint(opt)),
    )
}

pub(super) fn invalid_arg(spec: &CommandSpec, name: &str, message: String) -> Failure {
    Failure::usage(spec.name, format!("Invalid value for '{name}': {message}"))
}

/// A usage error that click raises without the usage lines (it has no context yet).
fn bare_usage(message: String) -> Failure {
    Failure::UsageBare(message)
}

/// Parse one command's arguments (everything after the command name).
pub fn parse(spec: &'static CommandSpec, argv: &[OsString]) -> Result<Parsed, Failure> {
    let mut values: Vec<(OsString, &'static OptSpec)> = Vec::new();
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
            if opt.set.is_flag() {
                if attached.is_some() {
                    return Err(bare_usage(format!(
                        "Option {} does not take a value.",
                        py_str(&format!("--{name}"))
                    )));
                }
                values.push((OsString::new(), opt));
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
                values.push((value, opt));
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
            if opt.set.is_flag() {
                values.push((OsString::new(), opt));
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
            values.push((value, opt));
            break;
        }
    }
    if help {
        return Ok(Parsed::Help);
    }

    // Convert option values in command-line order, as click processes them.
    let mut converted = Vec::with_capacity(values.len());
    for (raw, opt) in values {
        converted.push((opt, convert(spec, opt, &raw)?));
    }
    // click checks the parameters that are absent in declaration order, and every
    // command declares its arguments before its options: a missing argument is reported
    // before a missing option (`localserver` alone: "Missing argument 'BUCKET'"). Extra
    // arguments are reported only after all parameters were processed.
    let (args, extra) = assign_positionals(spec, positionals)?;
    // Boolean flags given twice are still one flag; the last single value wins.
    for opt in spec.options() {
        if opt.required && !converted.iter().any(|(o, _)| o.long == opt.long) {
            return Err(Failure::usage(
                spec.name,
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
        return Err(Failure::usage(
            spec.name,
            format!("Got unexpected extra argument{s} ({})", shown.join(" ")),
        ));
    }
    // Only now is each value stored in its field: text that is not UTF-8 is refused
    // after every check above, options in command-line order, then positionals.
    let mut typed = Args::default();
    for (opt, val) in converted {
        opt.set
            .store(&mut typed, val)
            .map_err(|()| invalid_opt(spec, opt, NOT_UTF8.to_string()))?;
    }
    for (arg, values) in spec.args.iter().zip(args) {
        arg.set
            .apply(&mut typed, values)
            .map_err(|()| invalid_arg(spec, arg.name, NOT_UTF8.to_string()))?;
    }
    Ok(Parsed::Run(Box::new(typed)))
}

const NOT_UTF8: &str = "text is not valid UTF-8";

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
) -> Result<Assigned, Failure> {
    let fixed_after_variadic = spec
        .args
        .iter()
        .skip_while(|a| !a.variadic())
        .skip(1)
        .count();
    let mut out = Vec::with_capacity(spec.args.len());
    for arg in spec.args {
        let taken: Vec<OsString> = if arg.variadic() {
            let keep = positionals.len().saturating_sub(fixed_after_variadic);
            positionals.drain(..keep).collect()
        } else if positionals.is_empty() {
            Vec::new()
        } else {
            vec![positionals.remove(0)]
        };
        if taken.is_empty() && arg.required {
            let shown = if arg.variadic() {
                format!("{}...", arg.name)
            } else {
                arg.name.to_string()
            };
            return Err(Failure::usage(
                spec.name,
                format!("Missing argument {}.", py_str(&shown)),
            ));
        }
        if arg.conv == ArgConv::Bucket {
            for value in &taken {
                check_bucket(spec.name, arg.name, value)?;
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

fn no_such_option(spec: &CommandSpec, name: &str) -> Failure {
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
    Failure::usage(spec.name, message)
}

#[cfg(test)]
mod tests;
