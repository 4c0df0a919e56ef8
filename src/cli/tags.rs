//! `create --tag KEY=VALUE`: tags for the user, role and buckets `create` makes, so an
//! account owner can find (and clean up) what the tool made. Checked before any request
//! against the rules IAM and S3 share, so a bad tag never leaves a half-made user.

use std::fmt;

use super::Failure;
use super::args::py_str;

/// IAM allows 50 tags on a user or role (S3 allows 50 on a bucket too).
const MAX_TAGS: usize = 50;
const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

/// Every `--tag` of `command`, as (key, value) in command-line order; a usage error
/// names the first bad one.
pub(super) fn checked(
    command: &'static str,
    given: &[String],
) -> Result<Vec<(String, String)>, Failure> {
    parse(given)
        .map_err(|message| Failure::usage(command, format!("Invalid value for '--tag': {message}")))
}

/// Why a `--tag` was refused (shown after `Invalid value for '--tag': `).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TagError {
    TooMany(usize),
    /// Not `KEY=VALUE` (the tag as given).
    NotKeyValue(String),
    /// The tag as given, and what is wrong with it.
    Bad(String, TagProblem),
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum TagProblem {
    EmptyKey,
    KeyTooLong,
    ValueTooLong,
    NotAllowed(char),
    Reserved,
    KeyTwice,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagError::TooMany(n) => write!(f, "{n} tags given, at most {MAX_TAGS} are allowed"),
            TagError::NotKeyValue(text) => write!(f, "{} is not KEY=VALUE", py_str(text)),
            TagError::Bad(text, problem) => write!(f, "{}: {problem}", py_str(text)),
        }
    }
}

impl fmt::Display for TagProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagProblem::EmptyKey => f.write_str("the key is empty"),
            TagProblem::KeyTooLong => write!(f, "the key is longer than {MAX_KEY} characters"),
            TagProblem::ValueTooLong => {
                write!(f, "the value is longer than {MAX_VALUE} characters")
            }
            TagProblem::NotAllowed(c) => write!(
                f,
                "{} is not allowed (letters, digits, spaces and _.:/=+-@ are)",
                py_str(&c.to_string())
            ),
            TagProblem::Reserved => f.write_str("keys starting with aws: are reserved for AWS"),
            TagProblem::KeyTwice => f.write_str("the key is given twice"),
        }
    }
}

impl std::error::Error for TagError {}

/// The checks, apart from the command line.
pub(super) fn parse(given: &[String]) -> Result<Vec<(String, String)>, TagError> {
    if given.len() > MAX_TAGS {
        return Err(TagError::TooMany(given.len()));
    }
    let mut tags: Vec<(String, String)> = Vec::with_capacity(given.len());
    for text in given {
        let Some((key, value)) = text.split_once('=') else {
            return Err(TagError::NotKeyValue(text.clone()));
        };
        let problem = if key.is_empty() {
            Some(TagProblem::EmptyKey)
        } else if key.chars().count() > MAX_KEY {
            Some(TagProblem::KeyTooLong)
        } else if value.chars().count() > MAX_VALUE {
            Some(TagProblem::ValueTooLong)
        } else if let Some(c) = key.chars().chain(value.chars()).find(|c| !allowed(*c)) {
            Some(TagProblem::NotAllowed(c))
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            Some(TagProblem::Reserved)
        } else if tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            // IAM compares tag keys without regard to case.
            Some(TagProblem::KeyTwice)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(TagError::Bad(text.clone(), problem));
        }
        tags.push((key.to_string(), value.to_string()));
    }
    Ok(tags)
}

/// IAM's and S3's tag alphabet: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn good_tags_keep_their_order_and_any_equals_in_the_value() {
        assert_eq!(
            parse(&strings(&["owner=me", "note=a=b", "empty="])).unwrap(),
            [
                ("owner".to_string(), "me".to_string()),
                ("note".into(), "a=b".into()),
                ("empty".into(), "".into())
            ]
        );
        assert!(parse(&strings(&["café: x/y+z@-_.=ü 1"])).is_ok());
    }

    #[test]
    fn bad_tags_are_named() {
        let err = |items: &[&str]| parse(&strings(items)).unwrap_err().to_string();
        assert_eq!(err(&["owner"]), "'owner' is not KEY=VALUE");
        assert_eq!(err(&["=x"]), "'=x': the key is empty");
        assert_eq!(
            err(&[&format!("{}=v", "k".repeat(129))]),
            format!(
                "'{}=v': the key is longer than 128 characters",
                "k".repeat(129)
            )
        );
        assert!(parse(&[format!("{}=v", "k".repeat(128))]).is_ok());
        assert!(parse(&[format!("k={}", "v".repeat(256))]).is_ok());
        assert!(err(&[&format!("k={}", "v".repeat(257))]).ends_with("longer than 256 characters"));
        assert_eq!(
            err(&["k=a;b"]),
            "'k=a;b': ';' is not allowed (letters, digits, spaces and _.:/=+-@ are)"
        );
        assert_eq!(
            err(&["aws:x=1"]),
            "'aws:x=1': keys starting with aws: are reserved for AWS"
        );
        assert_eq!(err(&["a=1", "A=2"]), "'A=2': the key is given twice");
        let many: Vec<String> = (0..51).map(|i| format!("k{i}=v")).collect();
        assert_eq!(
            parse(&many).unwrap_err().to_string(),
            "51 tags given, at most 50 are allowed"
        );
        assert!(parse(&many[..50]).is_ok());
    }
}
