//! The ways moving objects fails that are neither AWS's answer, nor the transport, nor
//! a local read or write (those are `Error::Aws`, `Error::Transport`, `Error::Local`):
//! S3's limits, a checksum that does not match, the transfer settings. Each says what
//! the user sees, in the words printed before these were types.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use crate::output::py_repr_str;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// A file over S3's 5 TiB object limit.
    FileTooLarge { path: PathBuf },
    /// Standard input ran past S3's 10,000 parts.
    StdinTooLarge,
    /// The bytes received do not give the checksum the server sent for them.
    ChecksumMismatch {
        /// `s3://bucket/key`.
        url: String,
        algorithm: String,
        expected: String,
        got: String,
    },
    /// `S3_CREDENTIALS_WORKERS` is not a worker count from 1 to `max`.
    BadWorkers { value: String, max: usize },
    /// A size setting (`S3_CREDENTIALS_MULTIPART_THRESHOLD`, `..._CHUNKSIZE`) is not a
    /// whole number of bytes.
    BadSize { name: &'static str, value: String },
    /// A file name that is not UTF-8 cannot become a key.
    NotUtf8 { name: OsString },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::FileTooLarge { path } => write!(
                f,
                "{} is larger than S3's 5 TiB object limit",
                path.display()
            ),
            TransferError::StdinTooLarge => {
                f.write_str("Standard input is larger than S3's 10,000-part upload limit")
            }
            TransferError::ChecksumMismatch {
                url,
                algorithm,
                expected,
                got,
            } => write!(
                f,
                "Checksum mismatch downloading {url}: the server says {algorithm} {expected}, \
                 the bytes received give {got}"
            ),
            TransferError::BadWorkers { value, max } => write!(
                f,
                "S3_CREDENTIALS_WORKERS must be a whole number from 1 to {max}, not {}",
                py_repr_str(value)
            ),
            TransferError::BadSize { name, value } => write!(
                f,
                "{name} must be a size in bytes, not {}",
                py_repr_str(value)
            ),
            TransferError::NotUtf8 { name } => write!(
                f,
                "{}: file names must be valid UTF-8 to become S3 keys",
                name.to_string_lossy()
            ),
        }
    }
}

impl std::error::Error for TransferError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_their_words() {
        let cases = [
            (
                TransferError::FileTooLarge {
                    path: PathBuf::from("big.bin"),
                },
                "big.bin is larger than S3's 5 TiB object limit",
            ),
            (
                TransferError::ChecksumMismatch {
                    url: "s3://b/k".into(),
                    algorithm: "CRC32".into(),
                    expected: "AAAAAA==".into(),
                    got: "BBBBBB==".into(),
                },
                "Checksum mismatch downloading s3://b/k: the server says CRC32 AAAAAA==, the bytes received give BBBBBB==",
            ),
            (
                TransferError::BadWorkers {
                    value: "x".into(),
                    max: 256,
                },
                "S3_CREDENTIALS_WORKERS must be a whole number from 1 to 256, not 'x'",
            ),
            (
                TransferError::BadSize {
                    name: "S3_CREDENTIALS_MULTIPART_CHUNKSIZE",
                    value: "0".into(),
                },
                "S3_CREDENTIALS_MULTIPART_CHUNKSIZE must be a size in bytes, not '0'",
            ),
        ];
        for (error, words) in cases {
            assert_eq!(error.to_string(), words);
        }
    }
}
