//! Typed arguments, ripgrep's way: each command turns its parsed command line into one
//! plain struct ([`Command::from_matches`]) and runs on that struct, never on the bag of
//! parsed values. The names in `from_matches` are the only place an option is named
//! after the spec: a misspelt one panics in debug builds (every test run), and one the
//! command forgets to read fails `every_command_reads_its_whole_spec`.

use std::fmt;

use super::Matches;
use crate::aws::AwsOptions;
use crate::aws::credentials::CliAuth;
use crate::cli::Failure;

/// A command's arguments, as a struct of its own.
pub trait Command: Sized {
    /// Read every option and argument of the command's spec, converted and checked
    /// as far as that needs no I/O. Usage errors are returned here, before any work.
    fn from_matches(m: &Matches) -> Result<Self, Failure>;

    /// Do the command's work.
    fn run(self) -> Result<(), Failure>;
}

/// A [`Command`] with its type erased, as a [`super::CommandSpec`] holds it.
#[derive(Clone, Copy)]
pub struct Runner {
    run: fn(&Matches) -> Result<(), Failure>,
    read: fn(&Matches) -> Result<(), Failure>,
}

impl Runner {
    /// Build the arguments, then run the command.
    pub fn run(&self, m: &Matches) -> Result<(), Failure> {
        (self.run)(m)
    }

    /// Build the arguments only (what the spec check and `--help`-free tests use).
    pub fn read(&self, m: &Matches) -> Result<(), Failure> {
        (self.read)(m)
    }
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Runner")
    }
}

pub const fn runner<C: Command>() -> Runner {
    Runner {
        run: run_command::<C>,
        read: read_command::<C>,
    }
}

fn run_command<C: Command>(m: &Matches) -> Result<(), Failure> {
    C::from_matches(m)?.run()
}

fn read_command<C: Command>(m: &Matches) -> Result<(), Failure> {
    C::from_matches(m).map(drop)
}

/// The common AWS options (`--access-key`, `--secret-key`, `--session-token`,
/// `--endpoint-url`, `--profile`, `--auth`) of a parsed command. Empty text counts
/// as not given, as the original's `if access_key:` tests do.
pub fn aws_options(m: &Matches) -> Result<AwsOptions, Failure> {
    let text = |name: &str| Ok::<_, Failure>(m.text(name)?.filter(|s| !s.is_empty()));
    Ok(AwsOptions {
        auth: CliAuth {
            access_key: text("access-key")?,
            secret_key: text("secret-key")?,
            session_token: text("session-token")?,
            auth_content: m.file_text("auth"),
        },
        endpoint_url: text("endpoint-url")?,
        profile: text("profile")?,
    })
}
