//! Typed arguments, ripgrep's way: every command's options and positionals land in
//! one plain struct, [`Args`], and each entry of the option table (`spec/`) says
//! which field it writes through a [`Set`]. The kind of a `Set` is the conversion the
//! parser applies *and* the type of the field it writes, so an option whose value
//! does not fit its field cannot compile, and a command reads `args.silent`, never
//! an option by name.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use serde_json::Value;
use time::OffsetDateTime;

use crate::aws::AwsOptions;
use crate::aws::credentials::CliAuth;
use crate::output::Format;

/// Where an option's value goes, and (by its kind) how it is converted.
#[derive(Clone, Copy)]
pub enum Set {
    /// A flag: no value; sets the field.
    Flag(fn(&mut Args) -> &mut bool),
    /// Any text (click's TEXT); the last one given wins.
    Text(fn(&mut Args) -> &mut Option<String>),
    /// Text the original tests for truth (`if prefix:`): empty counts as not given.
    Truthy(fn(&mut Args) -> &mut Option<String>),
    /// Repeatable text: every value, in order.
    Texts(fn(&mut Args) -> &mut Vec<String>),
    /// click's INTEGER.
    Int(fn(&mut Args) -> &mut Option<i64>),
    /// click's BOOLEAN: 1/0, true/false, t/f, yes/no, y/n, on/off, and "" as false.
    Bool(fn(&mut Args) -> &mut Option<bool>),
    /// One of a fixed list (click.Choice).
    Choice(
        &'static [&'static str],
        fn(&mut Args) -> &mut Option<String>,
    ),
    /// `3600`, `3600s`, `15m`, `1h`; between 15 minutes and 12 hours, in seconds.
    Duration(fn(&mut Args) -> &mut Option<u64>),
    /// Repeatable JSON objects with Effect, Action and Resource.
    Statements(fn(&mut Args) -> &mut Vec<Value>),
    /// A policy: literal JSON (starting with `{`), a file path, or `-` for stdin; the
    /// text as written, known to be JSON.
    Policy(fn(&mut Args) -> &mut Option<String>),
    /// click.File("r"): the file's text (or stdin for `-`), read while parsing.
    FileText(fn(&mut Args) -> &mut Option<String>),
    /// A path to a file that may not exist yet, and is not a directory.
    OutFile(fn(&mut Args) -> &mut Option<PathBuf>),
    /// A path to a directory that may not exist yet, and is not a file.
    OutDir(fn(&mut Args) -> &mut Option<PathBuf>),
    /// `--expires WHEN`: a duration from now or a UTC date or time, read against the
    /// clock while parsing; in the future, at most 100 years away.
    Expires(fn(&mut Args) -> &mut Option<OffsetDateTime>),
}

/// Where a positional's values go.
#[derive(Clone, Copy)]
pub enum ArgSet {
    /// One value, as UTF-8.
    One(fn(&mut Args) -> &mut String),
    /// Every remaining value (nargs=-1), as UTF-8.
    Many(fn(&mut Args) -> &mut Vec<String>),
    /// One path, as the OS gave it (it need not be UTF-8).
    Path(fn(&mut Args) -> &mut OsString),
    /// Every remaining path, as the OS gave them.
    Paths(fn(&mut Args) -> &mut Vec<OsString>),
}

impl ArgSet {
    /// Takes every remaining positional.
    pub fn variadic(self) -> bool {
        matches!(self, ArgSet::Many(_) | ArgSet::Paths(_))
    }

    /// Store the values; `Err` when one that must be text is not UTF-8.
    pub(super) fn apply(self, args: &mut Args, values: Vec<OsString>) -> Result<(), ()> {
        match self {
            ArgSet::One(field) => *field(args) = utf8(values.into_iter().next())?,
            ArgSet::Many(field) => {
                *field(args) = values
                    .into_iter()
                    .map(|v| utf8(Some(v)))
                    .collect::<Result<_, _>>()?
            }
            ArgSet::Path(field) => *field(args) = values.into_iter().next().unwrap_or_default(),
            ArgSet::Paths(field) => *field(args) = values,
        }
        Ok(())
    }
}

fn utf8(value: Option<OsString>) -> Result<String, ()> {
    value.unwrap_or_default().into_string().map_err(drop)
}

/// An option's value after conversion, before it is stored (see [`Set::store`]).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Val {
    Flag,
    Text(OsString),
    Int(i64),
    Bool(bool),
    Seconds(u64),
    Json(Value),
    /// A policy document or a file's contents.
    Read(String),
    Path(PathBuf),
    /// A UTC time.
    Time(OffsetDateTime),
}

impl Set {
    /// Store a converted value; `Err` when text must be UTF-8 and is not.
    pub(super) fn store(self, args: &mut Args, val: Val) -> Result<(), ()> {
        let text = |s: &OsStr| s.to_str().map(str::to_string).ok_or(());
        match (self, val) {
            (Set::Flag(field), _) => *field(args) = true,
            (Set::Text(field) | Set::Choice(_, field), Val::Text(s)) => {
                *field(args) = Some(text(&s)?)
            }
            (Set::Truthy(field), Val::Text(s)) => {
                *field(args) = Some(text(&s)?).filter(|s| !s.is_empty())
            }
            (Set::Texts(field), Val::Text(s)) => field(args).push(text(&s)?),
            (Set::Int(field), Val::Int(n)) => *field(args) = Some(n),
            (Set::Bool(field), Val::Bool(b)) => *field(args) = Some(b),
            (Set::Duration(field), Val::Seconds(n)) => *field(args) = Some(n),
            (Set::Statements(field), Val::Json(v)) => field(args).push(v),
            (Set::Policy(field) | Set::FileText(field), Val::Read(s)) => *field(args) = Some(s),
            (Set::OutFile(field) | Set::OutDir(field), Val::Path(p)) => *field(args) = Some(p),
            (Set::Expires(field), Val::Time(t)) => *field(args) = Some(t),
            // `convert` makes each kind's value from the same `Set`: nothing else occurs.
            (_, val) => unreachable!("{val:?} does not fit its option"),
        }
        Ok(())
    }

    /// Every value is kept, not only the last.
    pub fn multiple(self) -> bool {
        matches!(self, Set::Texts(_) | Set::Statements(_))
    }

    pub fn is_flag(self) -> bool {
        matches!(self, Set::Flag(_))
    }
}

/// Every command's arguments. A command reads the fields its options and positionals
/// write; the others stay at their defaults.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Args {
    // Positionals.
    pub bucket: String,
    pub buckets: Vec<String>,
    pub key: String,
    pub keys: Vec<String>,
    pub path: OsString,
    pub objects: Vec<OsString>,
    pub usernames: Vec<String>,
    pub role_names: Vec<String>,

    /// The common AWS options.
    pub aws: AwsArgs,
    /// The list commands' `--nl`, `--csv`, `--tsv`.
    pub nl: bool,
    pub csv: bool,
    pub tsv: bool,

    // Permissions (create, localserver, policy).
    pub read_only: bool,
    pub write_only: bool,
    pub prefixes: Vec<String>,
    pub statements: Vec<Value>,
    pub duration: Option<u64>,

    // create.
    pub format: Option<String>,
    pub username: Option<String>,
    pub create_bucket: bool,
    pub public: bool,
    pub website: bool,
    pub policy: Option<String>,
    pub bucket_region: Option<String>,
    pub user_permissions_boundary: Option<String>,
    pub tags: Vec<String>,
    pub deactivate_existing_keys: bool,
    pub delete_oldest_key: bool,
    pub wait: bool,

    // Shared by several commands.
    pub silent: bool,
    pub dry_run: bool,
    pub details: bool,
    /// A single `--prefix` (delete-objects, list-bucket, put-objects); empty is none.
    pub prefix: Option<String>,
    pub workers: Option<i64>,
    pub output: Option<PathBuf>,

    // Objects.
    pub patterns: Vec<String>,
    pub content_type: Option<String>,
    pub urls: bool,

    // localserver.
    pub port: Option<i64>,
    pub host: Option<String>,
    pub token: Option<String>,

    // policy.
    pub public_bucket: bool,

    // set-bucket-policy.
    pub policy_file: Option<String>,
    pub allow_all_get: bool,

    // set-cors-policy.
    pub allowed_methods: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i64>,

    // set-public-access-block.
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
    pub allow_public_access: bool,

    // presign.
    pub expires_in: Option<i64>,
    pub method: Option<String>,

    // The lifecycle additions (issue 25).
    /// list-credentials' `--all`: every user, not only those create makes.
    pub all: bool,
    /// delete-bucket's `--force`: empty the bucket first.
    pub force: bool,
    /// create's and policy's `--expires`: when the user's policy starts denying everything.
    pub expires: Option<OffsetDateTime>,
}

/// `--access-key`, `--secret-key`, `--session-token`, `--endpoint-url`, `--profile`
/// and `--auth`. Empty text counts as not given, as the original's `if access_key:`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AwsArgs {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
    pub endpoint_url: Option<String>,
    pub profile: Option<String>,
    /// The `--auth` file's text.
    pub auth: Option<String>,
}

impl AwsArgs {
    /// What the AWS layer takes.
    pub fn options(&self) -> AwsOptions {
        AwsOptions {
            auth: CliAuth {
                access_key: self.access_key.clone(),
                secret_key: self.secret_key.clone(),
                session_token: self.session_token.clone(),
                auth_content: self.auth.clone(),
            },
            endpoint_url: self.endpoint_url.clone(),
            profile: self.profile.clone(),
        }
    }
}

impl Args {
    /// The list format, with the original's precedence: `--nl` wins, then `--tsv`,
    /// then `--csv`.
    pub fn list_format(&self) -> Format {
        if self.nl {
            Format::Nl
        } else if self.tsv {
            Format::Tsv
        } else if self.csv {
            Format::Csv
        } else {
            Format::Json
        }
    }
}
