//! `localserver`: serve temporary S3 credentials over HTTP on the local machine.
//!
//! - [`cache`]: one set of credentials, refreshed ahead of expiry, one fetch at a time.
//! - [`source`]: where new sets come from (AssumeRole with a session policy).
//! - [`routes`]: the checks (Host, token, method) and the two JSON shapes.
//! - [`http`]: gathering a request head, writing a response.
//! - [`server`]: the socket and the worker pool; [`intake`]: the one thread that accepts
//!   and reads request heads from many sockets at once; [`sys`]: poll(2), the listen
//!   backlog and the self-pipe that wakes the intake.
//!
//! The command itself (`cli::localserver`) ties these together and prints; Ctrl-C and
//! SIGTERM reach the intake as `crate::interrupt`'s flag plus a byte on its self-pipe.

mod cache;
mod http;
mod intake;
mod routes;
pub(crate) mod server;
mod source;
mod sys;

pub use cache::{
    Cause, Clock, CredentialCache, Failure, FetchError, Log, Revocation, Source, SystemClock,
    TempCredentials,
};
pub use routes::{App, ECS_PATH, Guard};
pub use server::{Server, Waker};
pub use source::AssumeRoleSource;
