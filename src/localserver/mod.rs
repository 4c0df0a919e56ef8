//! `localserver`: serve temporary S3 credentials over HTTP on the local machine.
//!
//! - [`cache`]: one set of credentials, refreshed ahead of expiry, one fetch at a time.
//! - [`source`]: where new sets come from (AssumeRole with a session policy).
//! - [`routes`]: the checks (Host, token, method) and the two JSON shapes.
//! - [`http`]: reading a request head, writing a response.
//! - [`server`]: the socket, the accept loop and the worker pool.
//!
//! The command itself (`cli::localserver`) ties these together and prints; Ctrl-C and
//! SIGTERM reach the accept loop as `crate::interrupt`'s flag.

pub mod cache;
pub mod http;
pub mod routes;
pub mod server;
pub mod source;

pub use cache::{Clock, CredentialCache, Log, Source, SystemClock, TempCredentials};
pub use routes::{App, ECS_PATH, Guard};
pub use server::Server;
pub use source::AssumeRoleSource;
