//! Flexible checksums, as botocore 1.36+ configures them: `AWS_REQUEST_CHECKSUM_CALCULATION`
//! / profile `request_checksum_calculation` and `AWS_RESPONSE_CHECKSUM_VALIDATION` /
//! profile `response_checksum_validation`, each `when_supported` (the default) or
//! `when_required`.
//!
//! `when_supported` sends a CRC32 with every upload and asks for (and checks) the
//! object's checksum on every download. `when_required` leaves both out: several
//! S3-compatible servers reject the checksum headers (or trailers) they do not know,
//! and this is the switch their users already set for boto3 and the AWS CLI.

use super::{ConfigError, Env, SharedFiles};
use crate::error::Error;

/// What the two settings say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChecksumConfig {
    /// Send `x-amz-checksum-crc32` (and its algorithm headers) with uploads.
    pub request_crc32: bool,
    /// Ask downloads for the object's checksum (`x-amz-checksum-mode`) and check it.
    pub validate_responses: bool,
}

impl Default for ChecksumConfig {
    fn default() -> Self {
        ChecksumConfig {
            request_crc32: true,
            validate_responses: true,
        }
    }
}

/// Read both settings: the environment first, then the profile. Values are compared
/// ignoring case; anything else is botocore's `InvalidChecksumConfigError`.
pub fn checksum_config(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
) -> Result<ChecksumConfig, Error> {
    let setting = |var: &str, key: &'static str| -> Result<bool, Error> {
        let Some(value) = env.var(var).or_else(|| files.config_value(profile, key)) else {
            return Ok(true);
        };
        match value.to_lowercase().as_str() {
            "when_supported" => Ok(true),
            "when_required" => Ok(false),
            other => Err(ConfigError::ChecksumValue {
                key,
                value: other.to_string(),
            }
            .into()),
        }
    };
    Ok(ChecksumConfig {
        request_crc32: setting(
            "AWS_REQUEST_CHECKSUM_CALCULATION",
            "request_checksum_calculation",
        )?,
        validate_responses: setting(
            "AWS_RESPONSE_CHECKSUM_VALIDATION",
            "response_checksum_validation",
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::config::MapEnv;

    fn config(env: &[(&str, &str)], config_file: &str) -> Result<ChecksumConfig, Error> {
        let file = crate::testutil::TempFile::new("config", config_file);
        let mut pairs = vec![
            ("AWS_CONFIG_FILE", file.path()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ];
        pairs.extend_from_slice(env);
        let env = MapEnv::from_pairs(&pairs);
        let files = crate::aws::config::load_shared_files(&env)?;
        checksum_config(&env, &files, "default")
    }

    #[test]
    fn both_default_to_when_supported() {
        assert_eq!(config(&[], "").unwrap(), ChecksumConfig::default());
    }

    #[test]
    fn when_required_turns_each_off_from_the_environment_or_the_profile() {
        let off = config(&[("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED")], "").unwrap();
        assert_eq!((off.request_crc32, off.validate_responses), (false, true));
        let profile = "[default]\nresponse_checksum_validation = when_required\n";
        let off = config(&[], profile).unwrap();
        assert_eq!((off.request_crc32, off.validate_responses), (true, false));
        // The environment wins over the profile.
        let on = config(
            &[("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_supported")],
            profile,
        );
        assert!(on.unwrap().validate_responses);
    }

    #[test]
    fn anything_else_is_botocores_error() {
        let err = config(&[("AWS_REQUEST_CHECKSUM_CALCULATION", "never")], "")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Unsupported configuration value for request_checksum_calculation. Expected one of ('when_supported', 'when_required') but got never."
        );
        let err = config(&[], "[default]\nresponse_checksum_validation = sometimes\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("for response_checksum_validation."), "{err}");
    }
}
