//! Rules matched to botocore 1.44 (each case checked against botocore itself):
//! expired environment keys, empty settings, SSO session references,
//! `duration_seconds` read as Python's `int()`.

use super::testing::*;
use super::*;
use crate::aws::config::MapEnv;
use crate::aws::credentials::auth::parse_auth_content;

const STS_OK: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
    <AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId>\
    <SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>\
    <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>\
    </AssumeRoleResponse>";

fn field(seen: &Seen, name: &str) -> Option<String> {
    form_decode(&seen.body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn env_keys(expiry: &str) -> MapEnv {
    env(&[
        ("AWS_ACCESS_KEY_ID", "E"),
        ("AWS_SECRET_ACCESS_KEY", "TOPSECRET"),
        ("AWS_CREDENTIAL_EXPIRATION", expiry),
    ])
}

#[test]
fn environment_keys_past_their_expiration_are_refused() {
    let none = files("", "");
    let err = resolve_with(
        &CliAuth::default(),
        &env_keys("2020-01-01T00:00:00Z"),
        &none,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "Credentials were refreshed, but the refreshed credentials are still expired."
    );
    let err = resolve_with(&CliAuth::default(), &env_keys("garbage"), &none)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "AWS_CREDENTIAL_EXPIRATION: Unknown string format: garbage"
    );
    let got = resolve_with(
        &CliAuth::default(),
        &env_keys("2099-01-01T00:00:00Z"),
        &none,
    );
    assert_eq!(got.unwrap(), keys("E", "TOPSECRET", None));
    // Empty counts as unset, as botocore tests it for truth.
    let got = resolve_with(&CliAuth::default(), &env_keys(""), &none);
    assert_eq!(got.unwrap(), keys("E", "TOPSECRET", None));
}

#[test]
fn an_empty_role_session_name_is_unset() {
    let (base, server) = serve(1, |_| (200, STS_OK.into()));
    let f = files(
        "[src]\naws_access_key_id = A\naws_secret_access_key = S\n",
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = src\nrole_session_name =\n\
         duration_seconds = \u{663}\u{666}_00\n",
    );
    resolve_at(&CliAuth::default(), &env(&[]), &f, "r", &base).unwrap();
    let seen = server.join().unwrap();
    let name = field(&seen[0], "RoleSessionName").unwrap();
    assert!(name.starts_with("botocore-session-"), "{name}");
    // int("٣٦_00") is 3600.
    assert_eq!(field(&seen[0], "DurationSeconds").as_deref(), Some("3600"));
}

#[test]
fn out_of_range_durations_reach_sts() {
    let (base, server) = serve(1, |_| (200, STS_OK.into()));
    let f = files(
        "[src]\naws_access_key_id = A\naws_secret_access_key = S\n",
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = src\n\
         duration_seconds = -5\n",
    );
    resolve_at(&CliAuth::default(), &env(&[]), &f, "r", &base).unwrap();
    let seen = server.join().unwrap();
    assert_eq!(field(&seen[0], "DurationSeconds").as_deref(), Some("-5"));
}

#[test]
fn empty_web_identity_variables_hide_the_profiles_settings() {
    let token = TempFile::new("web-token-empty", "tok");
    let f = files(
        "",
        &format!(
            "[default]\nweb_identity_token_file = {}\nrole_arn = arn:aws:iam::1:role/p\n\
             aws_access_key_id = CFG\naws_secret_access_key = CFGS\n",
            token.path()
        ),
    );
    // An empty token file variable: no web identity at all; the config keys answer.
    let e = env(&[("AWS_WEB_IDENTITY_TOKEN_FILE", "")]);
    assert_eq!(
        resolve_with(&CliAuth::default(), &e, &f).unwrap(),
        keys("CFG", "CFGS", None)
    );
    // An empty role variable: the profile's role_arn is hidden, so there is none.
    let e = env(&[("AWS_ROLE_ARN", "")]);
    let err = resolve_with(&CliAuth::default(), &e, &f).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("Ensure that the profile has the role_arnconfiguration set or the AWS_ROLE_ARN env var is set."),
        "{err}"
    );
}

#[test]
fn a_web_identity_token_is_sent_as_python_reads_it() {
    let token = TempFile::new("web-token-crlf", " tok\r\nen \r");
    let (base, server) = serve(1, |_| {
        (
            200,
            "<R><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>W</AccessKeyId>\
             <SecretAccessKey>WS</SecretAccessKey></Credentials></AssumeRoleWithWebIdentityResult></R>"
                .into(),
        )
    });
    let e = env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.path()),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/w"),
        ("AWS_ROLE_SESSION_NAME", ""),
    ]);
    resolve_at(&CliAuth::default(), &e, &files("", ""), "default", &base).unwrap();
    let seen = server.join().unwrap();
    assert_eq!(
        field(&seen[0], "WebIdentityToken").as_deref(),
        Some(" tok\nen \n")
    );
    let name = field(&seen[0], "RoleSessionName").unwrap();
    assert!(name.starts_with("botocore-session-"), "{name}");
}

#[test]
fn a_broken_sso_session_reference_fails_whatever_supplies_the_keys() {
    let explicit = cli(Some("A"), Some("S"), None, None);
    let run = |config: &str| {
        let f = files("", config);
        resolve_with(&explicit, &env(&[]), &f)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        run("[default]\nsso_session = nope\n"),
        "The profile \"default\" is configured to use the SSO token provider but the \"nope\" \
         sso_session configuration does not exist."
    );
    // An empty section counts as missing, as botocore tests the dict for truth.
    assert!(run("[default]\nsso_session = s\n[sso-session s]\n").contains("does not exist"));
    assert_eq!(
        run("[default]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n"),
        "The profile \"default\" is configured to use the SSO token provider but is missing \
         the following configuration: ['sso_start_url']."
    );
    assert!(
        run("[default]\nsso_session = s\n[sso-session s]\nx = 1\n")
            .ends_with("['sso_start_url', 'sso_region'].")
    );
    // A complete one is fine.
    let f = files(
        "",
        "[default]\nsso_session = s\n[sso-session s]\nsso_region = r\nsso_start_url = u\n",
    );
    assert_eq!(
        resolve_with(&explicit, &env(&[]), &f).unwrap(),
        keys("A", "S", None)
    );
}

#[test]
fn an_empty_profile_variable_is_profile_not_found() {
    let f = files(
        "[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
        "",
    );
    let err = resolve_with(&CliAuth::default(), &env(&[("AWS_PROFILE", "")]), &f).unwrap_err();
    assert_eq!(err.to_string(), "The config profile () could not be found");
}

#[test]
fn auth_ini_is_read_by_configparser_with_interpolation() {
    // Each checked with Python's configparser.ConfigParser().
    let got = parse_auth_content(
        "[DEFAULT]\nacct = AK\n[x]\naws_access_key_id = %(acct)sID\n\
         aws_secret_access_key = 100%%/s%%\naws_session_token = %(Aws_Access_Key_Id)s-t\n",
    )
    .unwrap();
    assert_eq!(
        got,
        (
            Some("AKID".into()),
            Some("100%/s%".into()),
            Some("AKID-t".into())
        )
    );
    let err = |text: &str| parse_auth_content(text).unwrap_err().to_string();
    let lone = err("[x]\naws_access_key_id = A\naws_secret_access_key = TOP%SECRET\n");
    assert!(
        lone.contains("'%' must be followed by '%' or '('"),
        "{lone}"
    );
    assert!(!lone.contains("TOP"), "{lone}");
    let missing = err("[x]\naws_access_key_id = %(nope)s\n");
    assert!(missing.contains("interpolation key 'nope'"), "{missing}");
    let bad = err("[x]\naws_access_key_id = %(a)d\na = 1\n");
    assert!(
        bad.contains("bad interpolation variable reference"),
        "{bad}"
    );
    let deep = err("[x]\naws_access_key_id = %(aws_access_key_id)s\n");
    assert!(deep.contains("10 levels"), "{deep}");
    // Duplicates are refused, as ConfigParser is strict.
    assert!(err("[x]\naws_access_key_id = A\n[x]\nk = 1\n").starts_with("Invalid INI"));
    // Values that are not read are not interpolated.
    let got = parse_auth_content("[x]\naws_access_key_id = A\nother = 5%\n").unwrap();
    assert_eq!(got.0.as_deref(), Some("A"));
}

#[test]
fn a_key_given_as_an_indented_block_is_an_error_not_a_key() {
    let f = files(
        "[default]\naws_access_key_id =\n    x = AKIDEXAMPLE\naws_secret_access_key = S\n",
        "",
    );
    let err = resolve_with(&CliAuth::default(), &env(&[]), &f)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "The aws_access_key_id in the shared-credentials-file is an indented block of \
         settings, not a value"
    );
}
