//! The shared files and the environment read as botocore 1.44 reads them (each case
//! checked against botocore itself): empty variables count as set, strict parsing
//! with botocore's error words, regions validated whatever the endpoint.

use std::path::{Path, PathBuf};

use super::files::{second_word, shlex_split};
use super::*;

fn env(pairs: &[(&str, &str)]) -> MapEnv {
    MapEnv::from_pairs(pairs)
}

fn parse(credentials: &str, config: &str) -> Result<SharedFiles, String> {
    SharedFiles::from_text(
        credentials,
        config,
        Path::new("/c/credentials"),
        Path::new("/c/config"),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn an_empty_profile_variable_names_the_profile_empty() {
    assert_eq!(profile_name(&env(&[("AWS_PROFILE", "")])), "");
    // AWS_DEFAULT_PROFILE comes first even when empty.
    assert_eq!(
        profile_name(&env(&[("AWS_DEFAULT_PROFILE", ""), ("AWS_PROFILE", "p")])),
        ""
    );
    assert!(profile_is_explicit(
        &env(&[("AWS_DEFAULT_PROFILE", "")]),
        "default"
    ));
}

#[test]
fn empty_file_variables_name_no_file() {
    // HOME has both files; empty variables must not fall back to them.
    let dir = std::env::temp_dir().join(format!("s3creds-emptyvars-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    std::fs::write(dir.join(".aws/config"), "[default]\nregion = eu-west-1\n").unwrap();
    std::fs::write(
        dir.join(".aws/credentials"),
        "[default]\naws_access_key_id = A\n",
    )
    .unwrap();
    let home = dir.to_str().unwrap();
    let f = load_shared_files(&env(&[("HOME", home)])).unwrap();
    assert!(f.has_profile("default"), "the defaults are read");
    let f = load_shared_files(&env(&[
        ("HOME", home),
        ("AWS_CONFIG_FILE", ""),
        ("AWS_SHARED_CREDENTIALS_FILE", ""),
    ]))
    .unwrap();
    assert!(!f.has_profile("default"));
    assert_eq!(f.config_value("default", "region"), None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parse_errors_are_botocores_config_parse_error() {
    let cases = [
        "\u{feff}[default]\nregion = r\n",
        "[default]\nregion = a\n[default]\noutput = json\n",
        "[default]\nregion = a\nRegion = b\n",
        "[default]\nregion = a\n[profile unused]\ns3 =\n    not a pair\n",
        "[default]\naws_access_key_id =\n    AKIAMOVED\n",
    ];
    for text in cases {
        assert_eq!(
            parse("", text).unwrap_err(),
            "Unable to parse config file: /c/config",
            "{text:?}"
        );
        assert_eq!(
            parse(text, "").unwrap_err(),
            "Unable to parse config file: /c/credentials",
            "{text:?}"
        );
    }
}

#[test]
fn a_file_that_is_not_utf8_is_a_parse_error() {
    let bad = std::env::temp_dir().join(format!("s3creds-latin1-{}", std::process::id()));
    std::fs::write(&bad, b"[default]\nregion = caf\xe9\n").unwrap();
    let e = env(&[
        ("AWS_CONFIG_FILE", bad.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/s3creds/c"),
    ]);
    let err = load_shared_files(&e).unwrap_err().to_string();
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(
        err,
        format!("Unable to parse config file: {}", bad.display())
    );
}

#[test]
fn a_directory_where_the_file_should_be_is_no_file() {
    let dir = std::env::temp_dir();
    let e = env(&[
        ("AWS_CONFIG_FILE", dir.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", dir.to_str().unwrap()),
    ]);
    assert!(!load_shared_files(&e).unwrap().has_profile("default"));
}

#[test]
fn lone_carriage_returns_end_lines() {
    let f = parse(
        "[default]\raws_access_key_id = A\raws_secret_access_key = S\r",
        "[default]\rregion = eu-west-1\r",
    )
    .unwrap();
    assert_eq!(region(&env(&[]), &f, "default"), "eu-west-1");
    assert_eq!(
        f.credentials_value("default", "aws_secret_access_key")
            .as_deref(),
        Some("S")
    );
}

#[test]
fn profile_sections_split_as_shlex_does() {
    // shlex splits at space, tab, CR and LF only: U+3000 is part of the word.
    assert_eq!(second_word("profile\u{3000}x"), None);
    assert_eq!(second_word("profile\tx").as_deref(), Some("x"));
    assert_eq!(shlex_split("a\u{a0}b c").unwrap(), ["a\u{a0}b", "c"]);
    // In double quotes a backslash escapes only `"` and `\`.
    assert_eq!(
        shlex_split(r#""a\$b" "c\\d" "e\"f""#).unwrap(),
        [r"a\$b", r"c\d", "e\"f"]
    );
    // Outside quotes it escapes anything; a trailing one is an error.
    assert_eq!(shlex_split(r"a\ b\$").unwrap(), ["a b$"]);
    assert_eq!(shlex_split("a\\"), None);
    // An empty quoted word is a word; `#` is not a comment.
    assert_eq!(shlex_split("a '' # b").unwrap(), ["a", "", "#", "b"]);
    let f = parse(
        "",
        "[profile\u{3000}x]\nregion = r\n[profileX y]\nregion = q\n",
    )
    .unwrap();
    assert!(!f.has_profile("x"));
    assert_eq!(f.config_value("y", "region").as_deref(), Some("q"));
}

#[test]
fn an_empty_default_region_is_the_empty_region() {
    let f = parse("", "[default]\nregion = eu-west-1\n").unwrap();
    let e = env(&[("AWS_DEFAULT_REGION", "")]);
    assert_eq!(region(&e, &f, "default"), "");
    let at = |service| endpoint(service, None, &e, &f, "default", "");
    assert_eq!(
        at(Service::Sts).unwrap_err().to_string(),
        "Invalid endpoint: https://sts..amazonaws.com"
    );
    assert_eq!(
        at(Service::S3).unwrap_err().to_string(),
        "Invalid endpoint: https://s3..amazonaws.com"
    );
    // IAM is global and does not need the region.
    assert_eq!(at(Service::Iam).unwrap().url, "https://iam.amazonaws.com");
    // A custom endpoint does not need it either.
    let custom = endpoint(
        Service::Sts,
        Some("http://127.0.0.1:9000"),
        &e,
        &f,
        "default",
        "",
    );
    assert_eq!(custom.unwrap().url, "http://127.0.0.1:9000");
    // AWS_REGION (ours only, not botocore's) still counts as unset when empty.
    assert_eq!(
        region(&env(&[("AWS_REGION", "")]), &f, "default"),
        "eu-west-1"
    );
}

#[test]
fn regions_are_checked_with_a_custom_endpoint_too() {
    let f = parse("", "").unwrap();
    let e = env(&[]);
    let custom = Some("http://127.0.0.1:9000");
    for bad in ["a_b", "-ab", "ab-", "123", "eu west", &"a".repeat(64)] {
        let err = endpoint(Service::Sts, custom, &e, &f, "default", bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Provided region_name '{bad}' doesn't match a supported format.")
        );
    }
    for good in ["UPPER", "a1", "1a", "us-east-1", &"a".repeat(63)] {
        assert!(
            endpoint(Service::Sts, custom, &e, &f, "default", good).is_ok(),
            "{good}"
        );
    }
}

#[test]
fn expand_path_substitutes_empty_variables() {
    let e = env(&[("EMPTY", ""), ("HOME", "/h")]);
    assert_eq!(expand_path(&e, "/a$EMPTY/b"), PathBuf::from("/a/b"));
    assert_eq!(expand_path(&e, "/a${EMPTY}b"), PathBuf::from("/ab"));
}

#[test]
fn providers_call_the_global_sts_when_no_region_is_configured() {
    let none = parse("", "").unwrap();
    let at = |e: &MapEnv, f: &SharedFiles| {
        let region = region(e, f, "default");
        provider_sts_endpoint(e, f, "default", &region).unwrap().url
    };
    assert_eq!(at(&env(&[]), &none), "https://sts.amazonaws.com");
    assert_eq!(
        at(&env(&[("AWS_DEFAULT_REGION", "eu-west-1")]), &none),
        "https://sts.eu-west-1.amazonaws.com"
    );
    let f = parse("", "[default]\nregion = eu-west-2\n").unwrap();
    assert_eq!(at(&env(&[]), &f), "https://sts.eu-west-2.amazonaws.com");
    let e = env(&[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")]);
    assert_eq!(at(&e, &none), "http://127.0.0.1:9");
}
