//! What can be wrong with the configuration (the environment and the shared files),
//! in botocore's words: each failure a variant, so callers and tests can tell them
//! apart without reading the message.

use std::fmt;
use std::path::PathBuf;

use super::endpoints::one_line;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// botocore's `ConfigParseError`: the file, nothing from inside it.
    Unparsable { path: PathBuf },
    /// A region botocore refuses when it makes a client.
    InvalidRegion { region: String },
    /// The profile's `services` names a missing `[services NAME]` section.
    MissingServices { name: String },
    /// A service with no endpoint for an empty region.
    NoEndpoint { url: String },
    /// A user-given endpoint that is not `scheme://host[:port]`; `expected` adds what
    /// was missing (`" with a host"`).
    InvalidEndpointUrl { url: String, expected: &'static str },
    /// A checksum setting other than `when_supported` / `when_required`.
    ChecksumValue { key: &'static str, value: String },
    /// `retry_mode` / `AWS_RETRY_MODE` is not a mode.
    RetryMode { value: String, from: &'static str },
    /// `max_attempts` / `AWS_MAX_ATTEMPTS` is not a whole number from 1.
    MaxAttempts { value: String, from: &'static str },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Unparsable { path } => {
                write!(f, "Unable to parse config file: {}", path.display())
            }
            ConfigError::InvalidRegion { region } => write!(
                f,
                "Provided region_name '{}' doesn't match a supported format.",
                one_line(region)
            ),
            ConfigError::MissingServices { name } => write!(
                f,
                "The profile is configured to use the services section but the \"{}\" services configuration does not exist.",
                one_line(name)
            ),
            ConfigError::NoEndpoint { url } => write!(f, "Invalid endpoint: {url}"),
            ConfigError::InvalidEndpointUrl { url, expected } => write!(
                f,
                "Invalid endpoint URL: {} (expected scheme://host[:port]{expected})",
                one_line(url)
            ),
            ConfigError::ChecksumValue { key, value } => write!(
                f,
                "Unsupported configuration value for {key}. Expected one of ('when_supported', 'when_required') but got {}.",
                one_line(value)
            ),
            ConfigError::RetryMode { value, from } => write!(
                f,
                "Invalid retry mode \"{}\" (from {from}): must be one of: legacy, standard, adaptive",
                one_line(value)
            ),
            ConfigError::MaxAttempts { value, from } => write!(
                f,
                "Invalid max attempts \"{}\" (from {from}): must be an integer greater than or equal to 1",
                one_line(value)
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<ConfigError> for crate::error::Error {
    fn from(e: ConfigError) -> Self {
        crate::error::Error::Layer(Box::new(e))
    }
}
