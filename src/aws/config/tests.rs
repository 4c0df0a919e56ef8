use std::path::{Path, PathBuf};

use super::files::{second_word, shlex_split};
use super::*;
use crate::testutil::TempFile;

#[test]
fn a_value_running_on_over_continuation_lines_is_not_quoted_whole() {
    // From the ini fuzz target: a mis-indented secret continues `region`.
    let f = SharedFiles::from_text(
        "",
        "[default]\nregion = eu-west-1\n    aws_secret_access_key = SECRETMARK\n",
        Path::new("c"),
        Path::new("f"),
    )
    .unwrap();
    let env = MapEnv::from_pairs(&[]);
    let region = super::region(&env, &f, "default");
    let err = endpoint(Service::S3, None, &env, &f, "default", &region)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "Provided region_name 'eu-west-1...' doesn't match a supported format."
    );
}

fn files(credentials: &str, config: &str) -> SharedFiles {
    SharedFiles::from_text(
        credentials,
        config,
        Path::new("/c/credentials"),
        Path::new("/c/config"),
    )
    .unwrap()
}

fn env(pairs: &[(&str, &str)]) -> MapEnv {
    MapEnv::from_pairs(pairs)
}

#[test]
fn empty_values_count_as_unset_for_var_and_set_for_var_set() {
    let e = env(&[("A", ""), ("B", "x")]);
    assert_eq!(e.var("A"), None);
    assert_eq!(e.var("B").as_deref(), Some("x"));
    assert_eq!(e.var("C"), None);
    assert_eq!(e.var_set("A").as_deref(), Some(""));
    assert_eq!(e.var_set("C"), None);
}

#[test]
fn profile_name_precedence() {
    assert_eq!(profile_name(&env(&[])), "default");
    assert_eq!(profile_name(&env(&[("AWS_PROFILE", "p")])), "p");
    assert_eq!(profile_name(&env(&[("AWS_DEFAULT_PROFILE", "d")])), "d");
    assert_eq!(
        profile_name(&env(&[("AWS_PROFILE", "p"), ("AWS_DEFAULT_PROFILE", "d")])),
        "d"
    );
    assert!(!profile_is_explicit(&env(&[]), "default"));
    assert!(profile_is_explicit(
        &env(&[("AWS_PROFILE", "default")]),
        "default"
    ));
    assert!(profile_is_explicit(&env(&[]), "other"));
}

#[test]
fn config_profiles_and_credentials_sections() {
    let f = files(
        "[default]\nregion = from-creds\n[dev]\naws_access_key_id = A\n[profile odd]\nx = 1\n",
        "[default]\nregion = from-config\noutput = json\n[profile dev]\nregion = eu-west-2\n\
         [profile \"with space\"]\nregion = r\n[preview]\nregion = no\n[profile]\nregion = no\n",
    );
    // The credentials file overrides the config file, as botocore merges them.
    assert_eq!(files_value(&f, "default", "region"), "from-creds");
    assert_eq!(files_value(&f, "default", "output"), "json");
    assert_eq!(
        f.config_file_value("default", "region").as_deref(),
        Some("from-config")
    );
    assert_eq!(files_value(&f, "dev", "region"), "eu-west-2");
    assert_eq!(files_value(&f, "with space", "region"), "r");
    assert!(f.has_profile("dev"));
    assert!(f.has_profile("with space"));
    assert!(!f.has_profile("preview"));
    assert!(!f.has_profile("profile"));
    // In the credentials file a section name is the profile name, prefix or not.
    assert!(f.has_profile("profile odd"));
    assert!(!f.has_profile("odd"));
    assert_eq!(
        f.credentials_value("dev", "aws_access_key_id").as_deref(),
        Some("A")
    );
    assert_eq!(f.config_file_value("dev", "aws_access_key_id"), None);
}

fn files_value(f: &SharedFiles, profile: &str, key: &str) -> String {
    f.config_value(profile, key).unwrap_or_default()
}

#[test]
fn later_profile_section_replaces_earlier() {
    let f = files("", "[default]\nregion = a\n[profile default]\nregion = b\n");
    assert_eq!(f.config_value("default", "region").as_deref(), Some("b"));
}

#[test]
fn shlex_words() {
    assert_eq!(shlex_split("profile  x").unwrap(), ["profile", "x"]);
    assert_eq!(shlex_split("profile 'a b'").unwrap(), ["profile", "a b"]);
    assert_eq!(
        shlex_split(r#"profile "a \"b\"""#).unwrap(),
        ["profile", "a \"b\""]
    );
    assert_eq!(shlex_split("profile \"open"), None);
    assert_eq!(second_word("profile a b"), None);
}

#[test]
fn region_precedence() {
    let f = files(
        "",
        "[default]\nregion = cfg-1\n[profile p]\nregion = cfg-p\n",
    );
    let none = files("", "");
    assert_eq!(region(&env(&[]), &none, "default"), "us-east-1");
    assert_eq!(region(&env(&[]), &f, "default"), "cfg-1");
    assert_eq!(region(&env(&[]), &f, "p"), "cfg-p");
    assert_eq!(region(&env(&[("AWS_DEFAULT_REGION", "d")]), &f, "p"), "d");
    assert_eq!(
        region(
            &env(&[("AWS_DEFAULT_REGION", "d"), ("AWS_REGION", "r")]),
            &f,
            "p"
        ),
        "r"
    );
    assert_eq!(region(&env(&[("AWS_REGION", "")]), &f, "p"), "cfg-p");
}

#[test]
fn default_endpoints() {
    let f = files("", "");
    let e = env(&[]);
    let url = |s, r| endpoint(s, None, &e, &f, "default", r).unwrap().url;
    assert_eq!(url(Service::S3, "us-east-1"), "https://s3.amazonaws.com");
    assert_eq!(
        url(Service::S3, "eu-west-1"),
        "https://s3.eu-west-1.amazonaws.com"
    );
    assert_eq!(url(Service::Iam, "eu-west-1"), "https://iam.amazonaws.com");
    assert_eq!(
        url(Service::Sts, "eu-west-1"),
        "https://sts.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        url(Service::Sts, "us-east-1"),
        "https://sts.us-east-1.amazonaws.com"
    );
    assert_eq!(
        url(Service::S3, "cn-north-1"),
        "https://s3.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        url(Service::Iam, "cn-northwest-1"),
        "https://iam.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        url(Service::Iam, "us-gov-west-1"),
        "https://iam.us-gov.amazonaws.com"
    );
    assert!(
        !endpoint(Service::S3, None, &e, &f, "default", "us-east-1")
            .unwrap()
            .custom
    );
    assert_eq!(signing_region(Service::Iam, "eu-west-1"), "us-east-1");
    assert_eq!(signing_region(Service::Sts, "eu-west-1"), "eu-west-1");

    let err = endpoint(Service::S3, None, &e, &f, "default", "bad/region").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Provided region_name 'bad/region' doesn't match a supported format."
    );
}

#[test]
fn endpoint_precedence() {
    let f = files(
        "",
        "[default]\nendpoint_url = http://profile:1\n\
         [profile svc]\nservices = local\nendpoint_url = http://profile:2\n\
         [services local]\ns3 =\n  endpoint_url = http://services-s3:3\n\
         [profile broken]\nservices = nope\n",
    );
    let get = |service, cli: Option<&str>, e: &MapEnv, profile: &str| {
        endpoint(service, cli, e, &f, profile, "us-east-1").map(|ep| ep.url)
    };
    let all = env(&[
        ("AWS_ENDPOINT_URL_S3", "http://env-s3:4"),
        ("AWS_ENDPOINT_URL", "http://env:5"),
    ]);
    assert_eq!(
        get(Service::S3, Some("http://cli:6/"), &all, "default").unwrap(),
        "http://cli:6"
    );
    assert_eq!(
        get(Service::S3, Some(""), &all, "default").unwrap(),
        "http://env-s3:4"
    );
    assert_eq!(
        get(Service::S3, None, &all, "default").unwrap(),
        "http://env-s3:4"
    );
    assert_eq!(
        get(Service::Iam, None, &all, "default").unwrap(),
        "http://env:5"
    );
    let e = env(&[]);
    assert_eq!(
        get(Service::S3, None, &e, "svc").unwrap(),
        "http://services-s3:3"
    );
    assert_eq!(
        get(Service::Iam, None, &e, "svc").unwrap(),
        "http://profile:2"
    );
    assert_eq!(
        get(Service::Sts, None, &e, "default").unwrap(),
        "http://profile:1"
    );
    assert!(get(Service::Sts, None, &e, "default").is_ok_and(|u| u.starts_with("http://")));
    let err = get(Service::S3, None, &e, "broken")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"nope\" services configuration does not exist"),
        "{err}"
    );

    let ignore = env(&[
        ("AWS_ENDPOINT_URL", "http://env:5"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ]);
    let ep = endpoint(Service::S3, None, &ignore, &f, "default", "us-east-1").unwrap();
    assert_eq!(
        ep,
        Endpoint {
            url: "https://s3.amazonaws.com".into(),
            custom: false
        }
    );
    let ep = endpoint(
        Service::S3,
        Some("http://cli:6"),
        &ignore,
        &f,
        "default",
        "us-east-1",
    );
    assert_eq!(
        ep.unwrap(),
        Endpoint {
            url: "http://cli:6".into(),
            custom: true
        }
    );
}

#[test]
fn endpoint_validation() {
    let f = files("", "");
    let e = env(&[]);
    let check = |u: &str| endpoint(Service::S3, Some(u), &e, &f, "default", "us-east-1");
    for (input, want) in [
        ("http://localhost:9000", "http://localhost:9000"),
        ("https://s3.example.com/", "https://s3.example.com"),
        ("HTTP://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("http://[::1]", "http://[::1]"),
        ("http://minio_1", "http://minio_1"),
    ] {
        assert_eq!(check(input).unwrap().url, want, "{input}");
    }
    for input in [
        "localhost:9000",
        "ftp://host",
        "http://",
        "http://:9000",
        "http://host:abc",
        "http://host:70000",
        "http://host:",
        "http://user:pw@host",
        "http://ho st",
        "http://[::1",
        "http://host?x=1",
    ] {
        let err = check(input).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "Invalid endpoint URL: {input} (expected scheme://host[:port]"
            )),
            "{input}: {err}"
        );
    }
    let err = check("http://localhost:9000/bucket")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "Invalid endpoint URL: http://localhost:9000/bucket (expected scheme://host[:port], without a path, query or fragment)"
    );
    // Configured URLs are validated too.
    let bad = env(&[("AWS_ENDPOINT_URL", "not a url")]);
    assert!(endpoint(Service::Iam, None, &bad, &f, "default", "us-east-1").is_err());
}

#[test]
fn retry_settings() {
    let none = files("", "");
    let get = |pairs: &[(&str, &str)], f: &SharedFiles| retry_config(&env(pairs), f, "default");
    assert_eq!(
        get(&[], &none).unwrap(),
        RetryConfig {
            max_attempts: 3,
            mode: RetryMode::Standard
        }
    );
    assert_eq!(
        get(&[("AWS_RETRY_MODE", "legacy")], &none).unwrap(),
        RetryConfig {
            max_attempts: 5,
            mode: RetryMode::Legacy
        }
    );
    assert_eq!(
        get(
            &[("AWS_RETRY_MODE", "adaptive"), ("AWS_MAX_ATTEMPTS", "7")],
            &none
        )
        .unwrap(),
        RetryConfig {
            max_attempts: 7,
            mode: RetryMode::Adaptive
        }
    );
    let f = files("", "[default]\nmax_attempts = 2\nretry_mode = legacy\n");
    assert_eq!(
        get(&[], &f).unwrap(),
        RetryConfig {
            max_attempts: 2,
            mode: RetryMode::Legacy
        }
    );
    assert_eq!(
        get(&[("AWS_MAX_ATTEMPTS", "9")], &f).unwrap().max_attempts,
        9
    );

    let err = get(&[("AWS_MAX_ATTEMPTS", "abc")], &none)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"abc\"") && err.contains("AWS_MAX_ATTEMPTS"),
        "{err}"
    );
    assert!(get(&[("AWS_MAX_ATTEMPTS", "0")], &none).is_err());
    assert!(get(&[("AWS_MAX_ATTEMPTS", "-1")], &none).is_err());
    let err = get(&[("AWS_RETRY_MODE", "Standard")], &none)
        .unwrap_err()
        .to_string();
    assert!(err.contains("legacy, standard, adaptive"), "{err}");
    let bad = files("", "[default]\nretry_mode = fast\n");
    assert!(
        get(&[], &bad)
            .unwrap_err()
            .to_string()
            .contains("config file")
    );
}

#[test]
fn ca_bundle_lookup() {
    let f = files("", "[default]\nca_bundle = /etc/ca.pem\n");
    assert_eq!(
        ca_bundle(&env(&[]), &f, "default").as_deref(),
        Some("/etc/ca.pem")
    );
    assert_eq!(
        ca_bundle(&env(&[("AWS_CA_BUNDLE", "/env.pem")]), &f, "default").as_deref(),
        Some("/env.pem")
    );
    assert_eq!(ca_bundle(&env(&[]), &files("", ""), "default"), None);
}

#[test]
fn path_expansion() {
    let e = env(&[("HOME", "/home/u"), ("DIR", "/d")]);
    assert_eq!(
        expand_path(&e, "~/.aws/config"),
        PathBuf::from("/home/u/.aws/config")
    );
    assert_eq!(expand_path(&e, "$DIR/x"), PathBuf::from("/d/x"));
    assert_eq!(expand_path(&e, "${DIR}x"), PathBuf::from("/dx"));
    assert_eq!(expand_path(&e, "$NOPE/x"), PathBuf::from("$NOPE/x"));
    assert_eq!(expand_path(&e, "a$"), PathBuf::from("a$"));
    assert_eq!(expand_path(&e, "${open"), PathBuf::from("${open"));
    assert_eq!(expand_path(&e, "/a~b"), PathBuf::from("/a~b"));
}

#[test]
fn loading_files() {
    let creds = TempFile::new("credentials", "[default]\naws_access_key_id = AKID\n");
    let config = TempFile::new("config", "[profile p]\nregion = eu-west-3\n");
    let e = env(&[
        ("AWS_SHARED_CREDENTIALS_FILE", creds.path()),
        ("AWS_CONFIG_FILE", config.path()),
    ]);
    let f = load_shared_files(&e).unwrap();
    assert_eq!(
        f.credentials_value("default", "aws_access_key_id")
            .as_deref(),
        Some("AKID")
    );
    assert_eq!(region(&e, &f, "p"), "eu-west-3");
    assert_eq!(f.credentials_path(), Path::new(creds.path()));
    assert_eq!(f.config_path(), Path::new(config.path()));

    // Missing files are empty.
    let e = env(&[
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/s3creds/credentials",
        ),
        ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
    ]);
    let f = load_shared_files(&e).unwrap();
    assert!(!f.has_profile("default"));

    // A malformed file is botocore's ConfigParseError: the file, not the content.
    let broken = TempFile::new("broken", "[default]\nSECRETSECRET\n");
    let e = env(&[
        ("AWS_SHARED_CREDENTIALS_FILE", broken.path()),
        ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
    ]);
    let err = load_shared_files(&e).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("Unable to parse config file: {}", broken.path())
    );
}

#[test]
fn waits_in_milliseconds_need_a_whole_number() {
    let env = MapEnv::from_pairs(&[("A_MS", "250"), ("B_MS", "1.5"), ("C_MS", "-1")]);
    assert_eq!(
        millis(&env, "A_MS"),
        Some(std::time::Duration::from_millis(250))
    );
    assert_eq!(millis(&env, "B_MS"), None);
    assert_eq!(millis(&env, "C_MS"), None);
    assert_eq!(millis(&env, "UNSET_MS"), None);
}
