//! The option tables: every command, its positionals and options, defined once.
//! The parser (`args/`), the help (`help.rs`) and completion (`complete/`) read these.
//! Each option and positional names the field of [`Args`] it writes (and, by its
//! [`Set`] kind, how its value is converted); each command names the function that
//! runs on those fields. Names, short flags, metavars, defaults and order are the
//! original's; descriptions are ours.

use super::args::{ArgConv, ArgSet, ArgSpec, Args, CommandSpec, OptSpec, Set};

/// An option that writes its value through `set` (whose kind is the conversion).
const fn opt(long: &'static str, metavar: &'static str, help: &'static str, set: Set) -> OptSpec {
    OptSpec {
        short: None,
        long,
        metavar,
        help,
        set,
        required: false,
    }
}

const fn flag(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut bool,
) -> OptSpec {
    opt(long, "", help, Set::Flag(field))
}

const fn text(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Text(field))
}

/// Text the original tests for truth: empty is not given.
const fn truthy(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Truthy(field))
}

/// Repeatable text.
const fn texts(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Vec<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Texts(field))
}

const fn with_short(mut opt: OptSpec, short: char) -> OptSpec {
    opt.short = Some(short);
    opt
}

const fn required(mut opt: OptSpec) -> OptSpec {
    opt.required = true;
    opt
}

const fn arg(name: &'static str, field: fn(&mut Args) -> &mut String) -> ArgSpec {
    ArgSpec {
        name,
        required: true,
        conv: ArgConv::Text,
        set: ArgSet::One(field),
    }
}

/// A bucket that requests will address: checked before anything is sent.
const BUCKET: ArgSpec = ArgSpec {
    name: "BUCKET",
    required: true,
    conv: ArgConv::Bucket,
    set: ArgSet::One(|a| &mut a.bucket),
};

const fn many(
    name: &'static str,
    required: bool,
    field: fn(&mut Args) -> &mut Vec<String>,
) -> ArgSpec {
    ArgSpec {
        name,
        required,
        conv: ArgConv::Text,
        set: ArgSet::Many(field),
    }
}

/// The options every command that talks to AWS takes.
pub const AWS: &[OptSpec] = &[
    truthy("access-key", "AWS access key ID", |a| &mut a.aws.access_key),
    truthy("secret-key", "AWS secret access key", |a| {
        &mut a.aws.secret_key
    }),
    truthy("session-token", "AWS session token", |a| {
        &mut a.aws.session_token
    }),
    truthy("endpoint-url", "Custom endpoint URL", |a| {
        &mut a.aws.endpoint_url
    }),
    // Not in the original (its users asked for it: upstream issue 73).
    truthy(
        "profile",
        "Profile from the shared AWS config and credentials files (instead of $AWS_PROFILE)",
        |a| &mut a.aws.profile,
    ),
    with_short(
        opt(
            "auth",
            "FILENAME",
            "Path to a JSON or INI file holding credentials (- for stdin)",
            Set::FileText(|a| &mut a.aws.auth),
        ),
        'a',
    ),
];

/// The output format switches of the list commands.
pub const OUTPUT: &[OptSpec] = &[
    flag("nl", "Output newline-delimited JSON", |a| &mut a.nl),
    flag("csv", "Output CSV", |a| &mut a.csv),
    flag("tsv", "Output TSV", |a| &mut a.tsv),
];

const READ_ONLY: OptSpec = flag("read-only", "Only allow reading from the bucket", |a| {
    &mut a.read_only
});
const WRITE_ONLY: OptSpec = flag("write-only", "Only allow writing to the bucket", |a| {
    &mut a.write_only
});
const STATEMENT: OptSpec = opt(
    "statement",
    "STATEMENT",
    "JSON statement to add to the policy",
    Set::Statements(|a| &mut a.statements),
);
const SILENT_S: OptSpec = with_short(
    flag("silent", "Don't show a progress bar", |a| &mut a.silent),
    's',
);
/// Not in the original: how many requests the transfer commands run at once.
const WORKERS: OptSpec = opt(
    "workers",
    "INTEGER",
    "Number of parallel requests (default 8, or $S3_CREDENTIALS_WORKERS)",
    Set::Int(|a| &mut a.workers),
);
/// `create`'s and `localserver`'s `--prefix`, repeatable.
const fn prefixes(help: &'static str) -> OptSpec {
    texts("prefix", help, |a| &mut a.prefixes)
}
/// A single `--prefix`; empty counts as not given.
const fn prefix(help: &'static str) -> OptSpec {
    truthy("prefix", help, |a| &mut a.prefix)
}
const fn details(help: &'static str) -> OptSpec {
    flag("details", help, |a| &mut a.details)
}
const fn dry_run(help: &'static str) -> OptSpec {
    flag("dry-run", help, |a| &mut a.dry_run)
}
const fn duration(help: &'static str) -> OptSpec {
    with_short(
        opt(
            "duration",
            "DURATION",
            help,
            Set::Duration(|a| &mut a.duration),
        ),
        'd',
    )
}
/// `--expires WHEN` (create, policy): parsed against the clock at argument time.
const fn expires(help: &'static str) -> OptSpec {
    opt("expires", "WHEN", help, Set::Expires(|a| &mut a.expires))
}
const fn public_access(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<bool>,
) -> OptSpec {
    opt(long, "BOOLEAN", help, Set::Bool(field))
}

mod access;
mod buckets;
mod iam;
mod objects;

use access::*;
use buckets::*;
use iam::*;
use objects::*;

/// Every command, in the order the top-level help lists them (alphabetical).
pub const COMMANDS: &[&CommandSpec] = &[
    &CREATE,
    &DEBUG_BUCKET,
    &DELETE_BUCKET,
    &DELETE_OBJECTS,
    &DELETE_USER,
    &GET_BUCKET_POLICY,
    &GET_CORS_POLICY,
    &GET_OBJECT,
    &GET_OBJECTS,
    &GET_PUBLIC_ACCESS_BLOCK,
    &LIST_BUCKET,
    &LIST_BUCKETS,
    &LIST_CREDENTIALS,
    &LIST_ROLES,
    &LIST_USER_POLICIES,
    &LIST_USERS,
    &LOCALSERVER,
    &POLICY,
    &PRESIGN,
    &PUT_OBJECT,
    &PUT_OBJECTS,
    &REVOKE_SESSIONS,
    &SET_BUCKET_POLICY,
    &SET_CORS_POLICY,
    &SET_PUBLIC_ACCESS_BLOCK,
    &WHOAMI,
];

pub fn find(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().copied().find(|c| c.name == name)
}

/// Commands and options that are not in the original: what comparisons with it (help,
/// completion) leave out.
pub const NOT_IN_THE_ORIGINAL: &[&str] = &[
    "--workers",
    "--token",
    "--profile",
    "presign",
    "--tag",
    "--deactivate-existing-keys",
    "--delete-oldest-key",
    "--wait",
    "--expires",
    "list-credentials",
    "revoke-sessions",
    "delete-bucket",
];
