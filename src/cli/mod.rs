//! The command line: parse argv, run one command, map errors to exit codes.
#![warn(unreachable_pub)]

use std::ffi::OsString;
use std::io::Write;

use crate::error::Error;
pub use crate::error::stdout_error;

// `args` and `spec` are public for the fuzz targets and the tests; the rest is the
// binary's own, so the compiler reports what nothing uses.
pub mod args;
mod buckets;
mod complete;
mod create;
mod failure;
mod help;
mod iam;
mod lifecycle_delete_bucket;
mod lifecycle_inventory;
mod lifecycle_revoke;
mod localserver;
mod objects;
mod policy;
mod presign;
pub mod spec;
mod tags;

use args::Parsed;
pub use failure::{CommandError, Failure};

/// Run the tool with these arguments (without the program name); returns the exit code.
pub fn run(argv: Vec<OsString>) -> i32 {
    // click answers shell completion before it looks at the arguments.
    if let Some(code) = complete::from_process_env() {
        return code;
    }
    match dispatch(&argv) {
        Ok(()) => 0,
        Err(e) => report(&e),
    }
}

fn dispatch(argv: &[OsString]) -> Result<(), Failure> {
    let Some(first) = argv.first() else {
        // click prints the help on stderr and exits 2 when no command is given.
        eprint!("{}", help::top_level());
        return Err(Failure::Exit(2));
    };
    let first = first.to_string_lossy();
    match first.as_ref() {
        "--version" => return Ok(print(format!("{}\n", help::VERSION_LINE))?),
        "--help" => return Ok(print(help::top_level())?),
        _ => {}
    }
    if first.starts_with('-') && first.len() > 1 {
        if argv.iter().any(|a| a == "--version") {
            return Ok(print(format!("{}\n", help::VERSION_LINE))?);
        }
        let mut message = format!("No such option {}.", args::py_str(&first));
        let close = args::close_matches(&first, &["--version".into(), "--help".into()]);
        if !close.is_empty() {
            message.push(' ');
            message.push_str(&args::format_possibilities(close));
        }
        return Err(Failure::Usage {
            command: None,
            message,
        });
    }
    let Some(spec) = spec::find(&first) else {
        let names: Vec<String> = spec::COMMANDS.iter().map(|c| c.name.to_string()).collect();
        let mut message = format!("No such command {}.", args::py_str(&first));
        let close = args::close_matches(&first, &names);
        if !close.is_empty() {
            message.push(' ');
            message.push_str(&args::format_possibilities(close));
        }
        return Err(Failure::Usage {
            command: None,
            message,
        });
    };
    match args::parse(spec, &argv[1..])? {
        Parsed::Help => Ok(print(help::command(spec))?),
        Parsed::Run(args) => (spec.run)(*args),
    }
}

/// Print the error as click would and return the exit code.
///
/// Every line goes through [`stderr_line`]: a server's message, a key or a path in it
/// cannot repeat a secret or drive the terminal. Line breaks are only those of the
/// error's shape (click's usage block, one line per failure or note).
fn report(e: &Failure) -> i32 {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let mut lines = Vec::new();
    match e {
        Failure::Exit(_) | Failure::Error(Error::OutputClosed) => {}
        // click's KeyboardInterrupt handling: a blank line (it ends the terminal's `^C`
        // echo), then `Aborted!`; here with what was left said in between.
        Failure::Error(Error::Interrupted(notes)) => {
            lines.push(String::new());
            lines.extend(notes.iter().cloned());
            lines.push("Aborted!".to_string());
        }
        Failure::Usage { command, message } => {
            let (usage, try_cmd) = match command.and_then(spec::find) {
                Some(spec) => (spec.usage_line(), format!("s3-credentials {}", spec.name)),
                None => (
                    "Usage: s3-credentials [OPTIONS] COMMAND [ARGS]...".to_string(),
                    "s3-credentials".to_string(),
                ),
            };
            lines.push(usage);
            lines.push(format!("Try '{try_cmd} --help' for help."));
            lines.push(String::new());
            lines.push(format!("Error: {message}"));
        }
        // click's ClickException of lines joined by newlines: `Error: ` before the first.
        Failure::Error(Error::Failures(failures)) => {
            for (i, failure) in failures.iter().enumerate() {
                let prefix = if i == 0 { "Error: " } else { "" };
                lines.push(format!("{prefix}{failure}"));
            }
        }
        other => lines.push(format!("Error: {other}")),
    }
    for line in lines {
        let _ = err.write_all(stderr_line(&line).as_bytes());
    }
    e.exit_code()
}

/// One line for stderr, ending in a newline: every registered secret redacted (servers
/// can echo what they were sent), then every control character escaped as Python's
/// `repr()` writes it (`\x1b`, `\r`, `\n`), so that a key or a server's message cannot
/// write terminal escapes or fake lines. Printable text, non-ASCII included, is kept.
pub fn stderr_line(text: &str) -> String {
    let redacted = crate::error::redact(text);
    let mut line = crate::output::escape_controls(&redacted).into_owned();
    line.push('\n');
    line
}

/// Write to stdout; a closed pipe (`| head`) ends the command quietly.
pub fn print(text: impl AsRef<str>) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_ref().as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// `click.echo`: the text and a newline.
pub fn echo(text: impl AsRef<str>) -> Result<(), Error> {
    print(format!("{}\n", text.as_ref()))
}

/// `click.echo(..., err=True)`: one line, made safe by [`stderr_line`] (a newline in
/// `text` is shown as `\n`).
pub fn echo_err(text: impl AsRef<str>) {
    let _ = std::io::stderr()
        .lock()
        .write_all(stderr_line(text.as_ref()).as_bytes());
}

/// [`echo_err`] for text whose line breaks are our own (a document we format): each
/// line is made safe on its own.
pub fn echo_err_lines(text: impl AsRef<str>) {
    let mut out = String::new();
    for line in text.as_ref().split('\n') {
        out.push_str(&stderr_line(line));
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// The [`crate::aws::Context`] for a command that talks to AWS, built from its typed
/// options and the environment. From here on Ctrl-C and SIGTERM are handled (see
/// `crate::interrupt`): the command cleans up, then prints `Aborted!`.
pub fn context(options: &crate::aws::AwsOptions) -> Result<crate::aws::Context, Error> {
    let ctx = crate::aws::Context::new(options)?;
    crate::interrupt::install();
    Ok(ctx)
}

/// The original's `output()` to stdout: items printed as they arrive, stopping at
/// the first one that fails (a page that could not be fetched).
pub fn print_list<E: Into<Failure>>(
    items: impl Iterator<Item = Result<serde_json::Value, E>>,
    headers: &[&str],
    format: crate::output::Format,
) -> Result<(), Failure> {
    use crate::output::{ListError, write_list_fallible};
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_list_fallible(&mut out, items, headers, format).map_err(|e| match e {
        ListError::Io(io) => stdout_error(io).into(),
        ListError::Item(e) => e.into(),
    })
}
