//! The library's failures: what an AWS call, a transfer or a local file operation can
//! end with, each a variant whose `Display` keeps the words the original prints and
//! whose `source()` keeps the cause (ureq's way).
//!
//! How a failure is shown (click's usage block, exit codes) is the CLI's business:
//! `cli::Failure` wraps an [`Error`] next to the command line's own outcomes (usage
//! errors, a chosen exit code). Each module's own error enum joins here as one variant
//! wrapping it.

use std::fmt;

mod bucket_check;
mod redact;
pub use bucket_check::BucketCheckError;
pub use redact::{redact, register_secret};

mod transfer;
pub use transfer::TransferError;

/// An error reported by an AWS service (or something that answered like one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsError {
    /// The AWS error code, e.g. `NoSuchBucket`; for a body-less error (HEAD) the
    /// code botocore uses: the status number (`404`) or the S3 convention.
    pub code: String,
    /// The human message from the error document (may be empty).
    pub message: String,
    /// The request id from the error document or the `x-amz-request-id` header.
    pub request_id: Option<String>,
    /// HTTP status of the response.
    pub status: u16,
    /// The operation name as botocore names it (`GetBucketPolicy`), for messages.
    pub operation: String,
    /// The bucket's region, when S3 said where the bucket really is
    /// (`x-amz-bucket-region`, or `<Region>` in AuthorizationHeaderMalformed).
    pub region: Option<String>,
    /// Retries made before giving up on a retryable error (botocore then says
    /// "reached max retries: N").
    pub retries: u32,
}

impl fmt::Display for AwsError {
    /// botocore's wording, which the original prints in its `Error:` lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "An error occurred ({}) when calling the {} operation",
            self.code, self.operation
        )?;
        if self.retries > 0 {
            write!(f, " (reached max retries: {})", self.retries)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for AwsError {}

/// Everything the library can fail with.
#[derive(Debug)]
pub enum Error {
    /// An AWS service said no. Printed as botocore words it, plus the request id.
    Aws(AwsError),
    /// Moving objects failed on S3's limits, a checksum or the transfer settings.
    Transfer(TransferError),
    /// The request never got a usable answer: connection refused or reset, timeout,
    /// TLS failure, or a response that could not be understood.
    Transport(TransportError),
    /// A local file or stream could not be read or written: what was being done, the
    /// reason as Python words it, and the I/O error itself as the source.
    Local(LocalError),
    /// A bucket could not be checked (HeadBucket said 400 or 403): why, in one line.
    BucketCheck(BucketCheckError),
    /// The typed error of a layer above this module, printed in its own words and kept
    /// as this error's source (its cause is its own source): a setting
    /// (`aws::config::ConfigError`), a credentials source
    /// (`aws::credentials::CredentialsError`), the transport's set-up
    /// (`aws::http::AgentError`), `create`'s plan and steps
    /// (`provision::ProvisionError`). Boxed because those layers sit above this module
    /// (`tests/layers.rs`); callers that care downcast it.
    Layer(Box<dyn std::error::Error + Send + Sync>),
    /// Several failures reported together, one line each, `Error: ` before the first
    /// (click's ClickException of the lines joined by newlines). Kept apart so that a
    /// line break inside one (a key holding `\n`) is shown escaped, not as a new line.
    Failures(Vec<String>),
    /// Standard output was closed by its reader (`| head`): nothing more is worth
    /// printing, and the command exits 1 quietly.
    OutputClosed,
    /// Stopped by Ctrl-C or SIGTERM: the lines say what could not be cleaned up or what
    /// is left; then click's `Aborted!`, exit 1.
    Interrupted(Vec<String>),
}

impl Error {
    /// A transport failure with no lower error behind it (a response that made no sense).
    pub fn transport(message: impl Into<String>) -> Self {
        Error::Transport(TransportError::new(message, None))
    }

    /// A transport failure caused by `source`.
    pub fn transport_from(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport(TransportError::new(message, Some(Box::new(source))))
    }

    /// A failed read or write: `doing` says what (`Could not write out.txt`).
    pub fn io(doing: impl Into<String>, source: std::io::Error) -> Self {
        Error::Local(LocalError {
            doing: doing.into(),
            source,
        })
    }

    /// The AWS error, when this is one.
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            Error::Aws(e) => Some(e),
            _ => None,
        }
    }

    /// The AWS error code, when this is an AWS error.
    pub fn code(&self) -> Option<&str> {
        self.aws().map(|e| e.code.as_str())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Aws(e) => {
                write!(f, "{e}")?;
                match &e.request_id {
                    Some(id) if !id.is_empty() => write!(f, " (request id: {id})"),
                    _ => Ok(()),
                }
            }
            Error::Transfer(t) => write!(f, "{t}"),
            Error::Transport(t) => write!(f, "{t}"),
            Error::Local(l) => write!(f, "{l}"),
            Error::BucketCheck(e) => write!(f, "{e}"),
            Error::Layer(e) => write!(f, "{e}"),
            Error::Failures(lines) => f.write_str(&lines.join("\n")),
            Error::OutputClosed => f.write_str("standard output was closed"),
            Error::Interrupted(notes) => {
                for note in notes {
                    writeln!(f, "{note}")?;
                }
                f.write_str("Aborted!")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Aws(e) => Some(e),
            Error::Transfer(t) => Some(t),
            Error::Transport(t) => Some(t),
            Error::Local(l) => Some(&l.source),
            Error::BucketCheck(e) => Some(e),
            Error::Layer(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// `<doing what>: <reason>` of a failed read or write, with the `io::Error` kept.
#[derive(Debug)]
pub struct LocalError {
    doing: String,
    source: std::io::Error,
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.doing, io_reason(&self.source))
    }
}

/// What went wrong below the AWS protocol, in botocore's words (what is printed), with
/// the failure it came from kept as the error's source (the ureq or I/O error), as
/// ureq's own errors keep theirs.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    pub fn new(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            message: message.into(),
            source,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<crate::interrupt::Interrupted> for Error {
    fn from(_: crate::interrupt::Interrupted) -> Self {
        Error::Interrupted(Vec::new())
    }
}

impl Error {
    /// This error, with `note` printed before `Aborted!` when it is an interrupt.
    pub fn note_if_interrupted(self, note: impl FnOnce() -> String) -> Self {
        match self {
            Error::Interrupted(mut notes) => {
                notes.push(note());
                Error::Interrupted(notes)
            }
            other => other,
        }
    }
}

impl From<TransferError> for Error {
    fn from(e: TransferError) -> Self {
        Error::Transfer(e)
    }
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Self {
        Error::Aws(e)
    }
}

/// The strerror text Python shows for an OSError ("No such file or directory").
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    // Rust appends " (os error N)"; Python shows just the reason.
    match text.find(" (os error") {
        Some(pos) => text[..pos].to_string(),
        None => text,
    }
}

/// An error writing to stdout: a reader that went away is not worth a message.
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::OutputClosed
    } else {
        Error::io("could not write output", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_errors_say_what_failed_and_keep_the_io_error() {
        use std::error::Error as _;
        let io = std::io::Error::from_raw_os_error(2);
        let e = Error::io("Could not read notes.txt", io);
        assert_eq!(
            e.to_string(),
            "Could not read notes.txt: No such file or directory"
        );
        let source = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(source.and_then(std::io::Error::raw_os_error), Some(2));
    }
}
