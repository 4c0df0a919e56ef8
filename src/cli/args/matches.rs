//! The parsed command line of one command, read by name into a command's typed
//! arguments (see `command.rs`); nothing else reads it.

use std::cell::RefCell;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use serde_json::Value;

use super::{CommandSpec, invalid_arg, invalid_opt};
use crate::cli::Failure;

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
    /// Every option and argument name looked up so far: the check that a command's
    /// typed arguments read its whole spec (`every_command_reads_its_whole_spec`).
    read: RefCell<Vec<&'static str>>,
}

impl Matches {
    /// Options are looked up by name: a name the command does not have would read as
    /// "not given" for ever. Debug builds (every test run) refuse it at once.
    fn known(&self, long: &str) {
        let found = self.spec.find_long(long);
        debug_assert!(found.is_some(), "{} has no option --{long}", self.spec.name);
        if let Some(opt) = found {
            self.read.borrow_mut().push(opt.long);
        }
    }

    pub(super) fn new(
        spec: &'static CommandSpec,
        values: Vec<(&'static str, Val)>,
        flags: Vec<&'static str>,
        args: Vec<Vec<OsString>>,
    ) -> Matches {
        Matches {
            spec,
            values,
            flags,
            args,
            help: false,
            read: RefCell::new(Vec::new()),
        }
    }

    /// The option and argument names of the spec that were never looked up.
    pub fn unread(&self) -> Vec<&'static str> {
        let read = self.read.borrow();
        let options = self.spec.options().map(|o| o.long);
        let args = self.spec.args.iter().map(|a| a.name);
        options.chain(args).filter(|n| !read.contains(n)).collect()
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
    pub fn text(&self, long: &str) -> Result<Option<String>, Failure> {
        match self.get(long) {
            Some(Val::Text(s)) => utf8(self.spec, long, s).map(Some),
            _ => Ok(None),
        }
    }

    /// Every value of a repeatable text option.
    pub fn texts(&self, long: &str) -> Result<Vec<String>, Failure> {
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
    pub fn arg(&self, name: &str) -> Result<String, Failure> {
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
            Some(i) => {
                self.read.borrow_mut().push(self.spec.args[i].name);
                self.args[i].clone()
            }
            None => Vec::new(),
        }
    }

    /// The values of a (variadic) positional, as UTF-8.
    pub fn arg_list(&self, name: &str) -> Result<Vec<String>, Failure> {
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
    pub fn usage_error(&self, message: impl Into<String>) -> Failure {
        Failure::usage(self.spec.name, message)
    }
}

fn utf8(spec: &CommandSpec, long: &str, s: &OsStr) -> Result<String, Failure> {
    s.to_str()
        .map(str::to_string)
        .ok_or_else(|| match spec.find_long(long) {
            Some(opt) => invalid_opt(spec, opt, "text is not valid UTF-8".to_string()),
            None => Failure::usage(spec.name, "text is not valid UTF-8"),
        })
}
