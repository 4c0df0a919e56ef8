//! `create --tag KEY=VALUE`: tags for the user, role and buckets `create` makes, so an
//! account owner can find (and clean up) what the tool made. Checked before any request
//! against the rules IAM and S3 share, so a bad tag never leaves a half-made user.

use super::Failure;
use super::args::py_str;

/// IAM allows 50 tags on a user or role (S3 allows 50 on a bucket too).
const MAX_TAGS: usize = 50;
const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

/// Every `--tag` of `command`, as (key, value) in command-line order; a usage error
/// names the first bad one.
pub fn checked(command: &'static str, given: &[String]) -> Result<Vec<(String, String)>, Failure> {
    parse(given)
        .map_err(|message| Failure::usage(command, format!("Invalid value for '--tag': {message}")))
}

/// The checks, apart from the command line (message without the option name).
pub fn parse(given: &[String]) -> Result<Vec<(String, String)>, String> {
    if given.len() > MAX_TAGS {
        return Err(format!(
            "{} tags given, at most {MAX_TAGS} are allowed",
            given.len()
        ));
    }
    let mut tags: Vec<(String, String)> = Vec::with_capacity(given.len());
    for text in given {
        let Some((key, value)) = text.split_once('=') else {
            return Err(format!("{} is not KEY=VALUE", py_str(text)));
        };
        let problem = if key.is_empty() {
            Some("the key is empty".to_string())
        } else if key.chars().count() > MAX_KEY {
            Some(format!("the key is longer than {MAX_KEY} characters"))
        } else if value.chars().count() > MAX_VALUE {
            Some(format!("the value is longer than {MAX_VALUE} characters"))
        } else if let Some(c) = key.chars().chain(value.chars()).find(|c| !allowed(*c)) {
            Some(format!(
                "{} is not allowed (letters, digits, spaces and _.:/=+-@ are)",
                py_str(&c.to_string())
            ))
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            Some("keys starting with aws: are reserved for AWS".to_string())
        } else if tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            // IAM compares tag keys without regard to case.
            Some("the key is given twice".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!("{}: {problem}", py_str(text)));
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
        let err = |items: &[&str]| parse(&strings(items)).unwrap_err();
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
            parse(&many).unwrap_err(),
            "51 tags given, at most 50 are allowed"
        );
        assert!(parse(&many[..50]).is_ok());
    }
}
