use super::testing::*;
use super::*;

// -- --auth ------------------------------------------------------------

#[test]
fn auth_json() {
    let got = parse_auth_content(
        "  {\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"S\", \"SessionToken\": \"T\", \"Expiration\": \"x\"}\n",
    )
    .unwrap();
    assert_eq!(
        got,
        (Some("AKID".into()), Some("S".into()), Some("T".into()))
    );
    let got = parse_auth_content("{\"AccessKeyId\": \"AKID\", \"SessionToken\": null}").unwrap();
    assert_eq!(got, (Some("AKID".into()), None, None));
}

#[test]
fn auth_json_errors_do_not_echo_the_input() {
    for text in [
        "{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"TOPSECRET\"",
        "{\"SecretAccessKey\": \"TOPSECRET\" \"x\": 1}",
        "{'SecretAccessKey': 'TOPSECRET'}",
    ] {
        let err = parse_auth_content(text).unwrap_err().to_string();
        assert!(err.starts_with("Invalid JSON in --auth file: "), "{err}");
        assert!(!err.contains("TOPSECRET"), "{err}");
    }
    let err = parse_auth_content("{\"AccessKeyId\": 5}")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "Invalid JSON in --auth file: AccessKeyId must be a string"
    );
}

#[test]
fn auth_ini_first_section_with_the_key_wins() {
    let text = "[other]\nregion = x\n\n[first]\naws_access_key_id = A1\n\
                aws_secret_access_key = S1\naws_session_token = T1\n\
                [second]\naws_access_key_id = A2\naws_secret_access_key = S2\n";
    assert_eq!(
        parse_auth_content(text).unwrap(),
        (Some("A1".into()), Some("S1".into()), Some("T1".into()))
    );
    assert_eq!(
        parse_auth_content("[x]\naws_access_key_id: A\n").unwrap(),
        (Some("A".into()), None, None)
    );
    assert_eq!(
        parse_auth_content("[x]\nfoo = 1\n").unwrap(),
        (None, None, None)
    );
    let err = parse_auth_content("aws_secret_access_key = TOPSECRET\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Invalid INI in --auth file: line 1"),
        "{err}"
    );
    assert!(!err.to_string().contains("TOPSECRET"));
}

#[test]
fn auth_conflicts_with_key_options() {
    let f = files("", "");
    for c in [
        cli(Some("A"), None, None, Some("{}")),
        cli(None, Some("S"), None, Some("{}")),
        cli(None, None, Some("T"), Some("{}")),
    ] {
        let err = resolve_with(&c, &env(&[]), &f).unwrap_err().to_string();
        assert_eq!(
            err,
            "--auth cannot be used with --access-key, --secret-key or --session-token"
        );
    }
}

#[test]
fn auth_content_gives_the_keys() {
    let f = files("", "");
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "ENV"),
        ("AWS_SECRET_ACCESS_KEY", "ENVS"),
    ]);
    let c = cli(
        None,
        None,
        None,
        Some("[default]\naws_access_key_id=A\naws_secret_access_key=S\n"),
    );
    assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", None));
    // Missing secret in --auth is the explicit partial-credentials error.
    let c = cli(None, None, None, Some("{\"AccessKeyId\": \"A\"}"));
    let err = resolve_with(&c, &e, &f).unwrap_err().to_string();
    assert_eq!(
        err,
        "Partial credentials found in explicit, missing: aws_secret_access_key"
    );
    // An --auth file without keys falls through to the chain, as in the original.
    let c = cli(None, None, None, Some("[x]\nfoo = 1\n"));
    assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("ENV", "ENVS", None));
}

// -- options and environment ------------------------------------------

#[test]
fn explicit_keys_beat_the_environment() {
    let f = files(
        "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n",
        "",
    );
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "ENV"),
        ("AWS_SECRET_ACCESS_KEY", "ENVS"),
    ]);
    let c = cli(Some("A"), Some("S"), Some("T"), None);
    assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", Some("T")));

    let err = resolve_with(&cli(Some("A"), None, None, None), &e, &f).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Partial credentials found in explicit, missing: aws_secret_access_key"
    );
    let err = resolve_with(&cli(None, Some("S"), None, None), &e, &f).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Partial credentials found in explicit, missing: aws_access_key_id"
    );
    // A token alone is ignored; empty options count as absent.
    let c = cli(Some(""), None, Some("T"), None);
    assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("ENV", "ENVS", None));
}

#[test]
fn environment_credentials() {
    let f = files(
        "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n",
        "",
    );
    let none = CliAuth::default();
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_SESSION_TOKEN", "T"),
    ]);
    assert_eq!(
        resolve_with(&none, &e, &f).unwrap(),
        keys("A", "S", Some("T"))
    );
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_SESSION_TOKEN", "T"),
        ("AWS_SECURITY_TOKEN", "OLD"),
    ]);
    assert_eq!(
        resolve_with(&none, &e, &f).unwrap(),
        keys("A", "S", Some("OLD"))
    );
    let e = env(&[("AWS_ACCESS_KEY_ID", "A")]);
    assert_eq!(
        resolve_with(&none, &e, &f).unwrap_err().to_string(),
        "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"
    );
    // A secret alone is not a start: the profile is used.
    let e = env(&[("AWS_SECRET_ACCESS_KEY", "S"), ("AWS_ACCESS_KEY_ID", "")]);
    assert_eq!(resolve_with(&none, &e, &f).unwrap(), keys("F", "FS", None));
}

// -- profiles ----------------------------------------------------------

#[test]
fn profile_from_credentials_file_then_config_file() {
    let creds = "[default]\naws_access_key_id = CA\naws_secret_access_key = CS\n\
                 aws_session_token = CT\n[both]\naws_access_key_id = CB\naws_secret_access_key = CBS\n";
    let conf = "[default]\naws_access_key_id = XA\naws_secret_access_key = XS\n\
                [profile both]\naws_access_key_id = XB\naws_secret_access_key = XBS\n\
                [profile x]\naws_access_key_id = XX\naws_secret_access_key = XXS\naws_session_token = XT\n\
                [x]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n";
    let f = files(creds, conf);
    let none = CliAuth::default();
    assert_eq!(
        resolve_with(&none, &env(&[]), &f).unwrap(),
        keys("CA", "CS", Some("CT"))
    );
    let e = env(&[("AWS_PROFILE", "both")]);
    assert_eq!(
        resolve_with(&none, &e, &f).unwrap(),
        keys("CB", "CBS", None)
    );
    // `[profile x]` in the config file, not `[x]`.
    let e = env(&[("AWS_PROFILE", "x")]);
    assert_eq!(
        resolve_with(&none, &e, &f).unwrap(),
        keys("XX", "XXS", Some("XT"))
    );
    // Only in the config file.
    let f = files("", conf);
    assert_eq!(
        resolve_with(&none, &env(&[]), &f).unwrap(),
        keys("XA", "XS", None)
    );
}

#[test]
fn profile_partial_keys() {
    let none = CliAuth::default();
    let f = files("[default]\naws_access_key_id = A\n", "");
    assert_eq!(
        resolve_with(&none, &env(&[]), &f).unwrap_err().to_string(),
        "Partial credentials found in shared-credentials-file, missing: aws_secret_access_key"
    );
    let f = files("", "[default]\naws_access_key_id = A\n");
    assert_eq!(
        resolve_with(&none, &env(&[]), &f).unwrap_err().to_string(),
        "Partial credentials found in config-file, missing: aws_secret_access_key"
    );
}

#[test]
fn missing_profile() {
    let f = files("[dev]\nregion = x\n", "[profile cfg]\nregion = y\n");
    let e = env(&[("AWS_PROFILE", "nope")]);
    // Even explicit keys do not get past it, as with boto3.
    let c = cli(Some("A"), Some("S"), None, None);
    assert_eq!(
        resolve_with(&c, &e, &f).unwrap_err().to_string(),
        "The config profile (nope) could not be found"
    );
    let e = env(&[("AWS_PROFILE", "default")]);
    assert_eq!(
        resolve_with(&c, &e, &f).unwrap_err().to_string(),
        "The config profile (default) could not be found"
    );
    // Profiles that exist in either file are fine.
    for p in ["dev", "cfg"] {
        let e = env(&[("AWS_PROFILE", p)]);
        assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", None));
    }
    // An unset profile may be missing.
    assert_eq!(
        resolve_with(&c, &env(&[]), &f).unwrap(),
        keys("A", "S", None)
    );
}

// -- nothing found ------------------------------------------------------

#[test]
fn nothing_found_names_the_files() {
    let err = resolve_with(&CliAuth::default(), &env(&[]), &files("", ""))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "Unable to locate credentials. Looked in: --access-key/--secret-key, --auth, \
             environment variables, assume-role profile, web identity token, SSO, \
             shared credentials file ({CREDS_PATH}), aws login, credential_process, \
             config file ({CONFIG_PATH}), AWS_CREDENTIAL_FILE, boto config, \
             container credentials, EC2 instance metadata (disabled). \
             You can configure credentials by running \"aws configure\"."
        )
    );
}

#[test]
fn loaded_files_end_to_end() {
    let creds = TempFile::new(
        "e2e-credentials",
        "[dev]\naws_access_key_id = D\naws_secret_access_key = DS\n",
    );
    let e = env(&[
        ("AWS_SHARED_CREDENTIALS_FILE", creds.path()),
        ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
        ("AWS_PROFILE", "dev"),
    ]);
    let f = config::load_shared_files(&e).unwrap();
    assert_eq!(
        resolve_with(&CliAuth::default(), &e, &f).unwrap(),
        keys("D", "DS", None)
    );
}

// -- pieces -------------------------------------------------------------

#[test]
fn debug_redacts() {
    let c = cli(
        Some("AKID"),
        Some("TOPSECRET"),
        Some("TOKEN"),
        Some("CONTENT"),
    );
    let shown = format!("{c:?}");
    assert!(shown.contains("AKID"));
    for secret in ["TOPSECRET", "TOKEN\"", "CONTENT"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

/// Each failure is a typed variant behind `Error::Layer`, printed in the same words,
/// with the I/O error that caused it kept as its source.
#[test]
fn credentials_errors_are_typed_and_keep_their_cause() {
    use std::error::Error as _;
    let e = env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/s3creds/token"),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
    ]);
    let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Could not read the web identity token file /nonexistent/s3creds/token: "),
        "{err}"
    );
    let typed = err
        .source()
        .and_then(|s| s.downcast_ref::<CredentialsError>());
    let Some(CredentialsError::WebIdentityToken { path, source }) = typed else {
        panic!("expected WebIdentityToken, got {typed:?}");
    };
    assert_eq!(path, "/nonexistent/s3creds/token");
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);

    let e = env(&[("AWS_PROFILE", "missing")]);
    let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "The config profile (missing) could not be found"
    );
    assert!(matches!(
        err.source()
            .and_then(|s| s.downcast_ref::<CredentialsError>()),
        Some(CredentialsError::ProfileNotFound { .. })
    ));
}
