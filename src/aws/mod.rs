//! Talking to AWS: signing, credentials, configuration, transport and the service clients.

use std::fmt;

pub mod base64;
pub mod config;
pub(crate) mod context;
pub(crate) mod credentials;
pub(crate) mod http;
pub(crate) mod iam;
pub(crate) mod ini;
pub mod md5;
pub(crate) mod query;
pub(crate) mod s3;
pub(crate) mod session;
pub mod sigv4;
pub(crate) mod sts;
pub(crate) mod tcp;
pub(crate) mod xml;
// The shared shapes of operations, listings and responses.
pub(crate) mod operation;
pub(crate) mod paginate;
pub(crate) mod shape;

pub use context::{AwsOptions, Context};

/// A set of AWS keys. `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}
