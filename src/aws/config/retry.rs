//! botocore's retry settings: `AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS` and the profile's
//! `retry_mode` / `max_attempts`.

use super::{ConfigError, Env, SharedFiles};
use crate::error::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryMode {
    Standard,
    Legacy,
    Adaptive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts, the first one included (at least 1).
    pub max_attempts: u32,
    pub mode: RetryMode,
}

/// `AWS_MAX_ATTEMPTS` / profile `max_attempts` (default 3; 5 in legacy mode, as
/// botocore's `_retry.json` has it), `AWS_RETRY_MODE` / profile `retry_mode`
/// (default standard). Invalid values are an error, as in botocore.
pub fn retry_config(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
) -> Result<RetryConfig, Error> {
    let mode = match env.var("AWS_RETRY_MODE") {
        Some(v) => Some((v, "AWS_RETRY_MODE")),
        None => files
            .config_value(profile, "retry_mode")
            .map(|v| (v, "retry_mode in the config file")),
    };
    let mode = match mode {
        None => RetryMode::Standard,
        Some((v, source)) => match v.as_str() {
            "standard" => RetryMode::Standard,
            "legacy" => RetryMode::Legacy,
            "adaptive" => RetryMode::Adaptive,
            _ => {
                return Err(ConfigError::RetryMode {
                    value: v,
                    from: source,
                }
                .into());
            }
        },
    };
    let attempts = match env.var("AWS_MAX_ATTEMPTS") {
        Some(v) => Some((v, "AWS_MAX_ATTEMPTS")),
        None => files
            .config_value(profile, "max_attempts")
            .map(|v| (v, "max_attempts in the config file")),
    };
    let max_attempts = match attempts {
        None if mode == RetryMode::Legacy => 5,
        None => 3,
        Some((v, source)) => match v.trim().parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(ConfigError::MaxAttempts {
                    value: v,
                    from: source,
                }
                .into());
            }
        },
    };
    Ok(RetryConfig { max_attempts, mode })
}
