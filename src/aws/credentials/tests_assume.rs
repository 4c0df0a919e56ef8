//! Assume-role profiles, `--profile`, and the legacy files, against a loopback STS.

use super::testing::*;
use super::*;

/// An AssumeRole answer whose keys name the role: `ASIA-<role>`, secret `S-<role>`.
fn sts_answer(seen: &Seen) -> (u16, String) {
    let form = form_decode(&seen.body);
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let role = field("RoleArn").unwrap_or_default();
    let role = role.rsplit('/').next().unwrap_or_default();
    (
        200,
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <AssumeRoleResult><Credentials><AccessKeyId>ASIA-{role}</AccessKeyId>\
             <SecretAccessKey>S-{role}</SecretAccessKey><SessionToken>T-{role}</SessionToken>\
             <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>\
             <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></AssumeRoleResponse>"
        ),
    )
}

fn form_field(seen: &Seen, name: &str) -> Option<String> {
    form_decode(&seen.body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The access key id a request was signed with.
fn signed_by(seen: &Seen) -> String {
    let auth = seen.header("authorization").unwrap_or_default();
    let cred = auth.split("Credential=").nth(1).unwrap_or_default();
    cred.split('/').next().unwrap_or_default().to_string()
}

const CONFIG: &str = "\
[profile base]
aws_access_key_id = BASE
aws_secret_access_key = BASE-SECRET
[profile one]
role_arn = arn:aws:iam::123456789012:role/first
source_profile = base
external_id = ext-1
duration_seconds = 1800
role_session_name = my-session
[profile two]
role_arn = arn:aws:iam::123456789012:role/second
source_profile = one
[profile from-env]
role_arn = arn:aws:iam::123456789012:role/envrole
credential_source = Environment
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfarole
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/me
[profile both]
role_arn = arn:aws:iam::1:role/r
source_profile = base
credential_source = Environment
[profile neither]
role_arn = arn:aws:iam::1:role/r
[profile missing-source]
role_arn = arn:aws:iam::1:role/r
source_profile = nope
[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a
[profile self]
role_arn = arn:aws:iam::123456789012:role/selfrole
source_profile = self
aws_access_key_id = SELF
aws_secret_access_key = SELF-SECRET
[profile empty-source]
region = eu-west-1
[profile needs-empty]
role_arn = arn:aws:iam::1:role/r
source_profile = empty-source
[profile bad-source]
role_arn = arn:aws:iam::1:role/r
credential_source = Ec2Config
";

fn run(
    profile: &str,
    envs: &[(&str, &str)],
    expect_calls: usize,
) -> (Result<Credentials, Error>, Vec<Seen>) {
    let (base, server) = serve(expect_calls, sts_answer);
    let mut pairs = vec![("AWS_PROFILE", profile)];
    pairs.extend_from_slice(envs);
    let e = env(&pairs);
    let got = resolve_at(&CliAuth::default(), &e, &files("", CONFIG), profile, &base);
    if expect_calls == 0 {
        // Nothing will connect: wake the server so it stops.
        let _ = std::net::TcpStream::connect(base.trim_start_matches("http://"));
    }
    (got, server.join().unwrap())
}

#[test]
fn one_hop_with_its_settings() {
    let (got, seen) = run("one", &[], 1);
    assert_eq!(got.unwrap(), keys("ASIA-first", "S-first", Some("T-first")));
    assert_eq!(seen.len(), 1);
    assert_eq!(signed_by(&seen[0]), "BASE");
    assert_eq!(
        form_field(&seen[0], "Action").as_deref(),
        Some("AssumeRole")
    );
    assert_eq!(
        form_field(&seen[0], "RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/first")
    );
    assert_eq!(form_field(&seen[0], "ExternalId").as_deref(), Some("ext-1"));
    assert_eq!(
        form_field(&seen[0], "DurationSeconds").as_deref(),
        Some("1800")
    );
    assert_eq!(
        form_field(&seen[0], "RoleSessionName").as_deref(),
        Some("my-session")
    );
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .contains("/us-east-1/sts/aws4_request")
    );
}

#[test]
fn two_hops_sign_each_call_with_the_previous_role() {
    let (got, seen) = run("two", &[], 2);
    assert_eq!(
        got.unwrap(),
        keys("ASIA-second", "S-second", Some("T-second"))
    );
    assert_eq!(signed_by(&seen[0]), "BASE");
    assert_eq!(signed_by(&seen[1]), "ASIA-first");
    assert_eq!(seen[1].header("x-amz-security-token"), Some("T-first"));
    let name = form_field(&seen[1], "RoleSessionName").unwrap();
    assert!(name.starts_with("botocore-session-"), "{name}");
    assert!(
        name["botocore-session-".len()..].parse::<u64>().is_ok(),
        "{name}"
    );
    assert_eq!(form_field(&seen[1], "ExternalId"), None);
}

#[test]
fn credential_source_environment() {
    let envs = [
        ("AWS_ACCESS_KEY_ID", "ENVKEY"),
        ("AWS_SECRET_ACCESS_KEY", "ENVSECRET"),
    ];
    // Environment keys win over the profile unless the profile is chosen with
    // --profile: then they are only the role's source.
    let (base, server) = serve(1, sts_answer);
    let e = env(&envs);
    let choice = ProfileChoice {
        name: "from-env".into(),
        from_option: true,
    };
    let no_mfa = |_: &str| -> Result<String, Error> { unreachable!() };
    let got = resolve_full(
        &CliAuth::default(),
        &e,
        &files("", CONFIG),
        &choice,
        &base,
        &no_mfa,
    );
    assert_eq!(
        got.unwrap(),
        keys("ASIA-envrole", "S-envrole", Some("T-envrole"))
    );
    assert_eq!(signed_by(&server.join().unwrap()[0]), "ENVKEY");

    let (got, seen) = run("from-env", &envs, 0);
    assert_eq!(
        got.unwrap(),
        keys("ENVKEY", "ENVSECRET", None),
        "AWS_PROFILE keeps env keys first"
    );
    assert!(seen.is_empty());

    let (got, _) = run("from-env", &[], 0);
    assert_eq!(
        got.unwrap_err().to_string(),
        "Error when retrieving credentials from Environment: No credentials found in \
         credential_source referenced in profile from-env"
    );
}

#[test]
fn mfa_code_is_asked_for_and_sent() {
    let (base, server) = serve(1, sts_answer);
    let e = env(&[]);
    let choice = ProfileChoice {
        name: "mfa".into(),
        from_option: true,
    };
    let asked = std::cell::RefCell::new(Vec::new());
    let prompt = |p: &str| {
        asked.borrow_mut().push(p.to_string());
        Ok("123456".to_string())
    };
    let got = resolve_full(
        &CliAuth::default(),
        &e,
        &files("", CONFIG),
        &choice,
        &base,
        &prompt,
    );
    assert_eq!(got.unwrap().access_key_id, "ASIA-mfarole");
    assert_eq!(
        *asked.borrow(),
        ["Enter MFA code for arn:aws:iam::123456789012:mfa/me: "]
    );
    let seen = server.join().unwrap();
    assert_eq!(
        form_field(&seen[0], "SerialNumber").as_deref(),
        Some("arn:aws:iam::123456789012:mfa/me")
    );
    assert_eq!(form_field(&seen[0], "TokenCode").as_deref(), Some("123456"));
}

#[test]
fn a_profile_may_source_its_own_keys() {
    let (got, seen) = run("self", &[], 1);
    assert_eq!(got.unwrap().access_key_id, "ASIA-selfrole");
    assert_eq!(signed_by(&seen[0]), "SELF");
}

#[test]
fn configuration_errors_are_botocores() {
    for (profile, want) in [
        (
            "both",
            "The profile \"both\" contains both source_profile and credential_source.",
        ),
        (
            "neither",
            "Partial credentials found in assume-role, missing: source_profile or credential_source",
        ),
        (
            "missing-source",
            "The source_profile \"nope\" referenced in the profile \"missing-source\" does not exist.",
        ),
        (
            "loop-a",
            "Infinite loop in credential configuration detected. Attempting to load from \
             profile loop-a which has already been visited. Visited profiles: ['loop-a', 'loop-b']",
        ),
        (
            "needs-empty",
            "The source profile \"empty-source\" must have credentials.",
        ),
        (
            "bad-source",
            "The credential source \"Ec2Config\" referenced in profile \"bad-source\" is not valid.",
        ),
    ] {
        let (got, seen) = run(profile, &[], 0);
        assert_eq!(got.unwrap_err().to_string(), want, "{profile}");
        assert!(seen.is_empty(), "{profile}: no request is made");
    }
}

#[test]
fn sts_refusal_is_reported_without_secrets() {
    let (base, server) = serve(1, |_| {
        (
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>User is not authorized to perform: sts:AssumeRole</Message></Error>\
             <RequestId>rid-9</RequestId></ErrorResponse>"
                .into(),
        )
    });
    let e = env(&[("AWS_PROFILE", "one")]);
    let err = resolve_at(&CliAuth::default(), &e, &files("", CONFIG), "one", &base)
        .unwrap_err()
        .to_string();
    server.join().unwrap();
    assert_eq!(
        err,
        "An error occurred (AccessDenied) when calling the AssumeRole operation: \
         User is not authorized to perform: sts:AssumeRole (request id: rid-9)"
    );
    assert!(!err.contains("BASE-SECRET"));
}

#[test]
fn profile_option_skips_environment_keys() {
    let f = files(
        "[dev]\naws_access_key_id = DEV\naws_secret_access_key = DEVS\n",
        "",
    );
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "ENV"),
        ("AWS_SECRET_ACCESS_KEY", "ENVS"),
    ]);
    let choice = ProfileChoice::new(Some("dev"), &e);
    let no_mfa = |_: &str| -> Result<String, Error> { unreachable!() };
    let got = resolve_full(
        &CliAuth::default(),
        &e,
        &f,
        &choice,
        "http://127.0.0.1:9",
        &no_mfa,
    );
    assert_eq!(got.unwrap(), keys("DEV", "DEVS", None));
    // A profile named with --profile must exist, even "default".
    for name in ["nope", "default"] {
        let choice = ProfileChoice::new(Some(name), &e);
        let err = resolve_full(
            &CliAuth::default(),
            &e,
            &f,
            &choice,
            "http://127.0.0.1:9",
            &no_mfa,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            format!("The config profile ({name}) could not be found")
        );
    }
}

#[test]
fn legacy_key_files() {
    let resolve = |e: &config::MapEnv| resolve_with(&CliAuth::default(), e, &files("", ""));
    let ec2 = TempFile::new(
        "ec2-creds",
        "AWSAccessKeyId = EC2KEY\nAWSSecretKey=EC2SECRET\n",
    );
    let e = env(&[("AWS_CREDENTIAL_FILE", ec2.path())]);
    assert_eq!(resolve(&e).unwrap(), keys("EC2KEY", "EC2SECRET", None));
    let e = env(&[("AWS_CREDENTIAL_FILE", "/nonexistent/s3creds/ec2")]);
    assert_eq!(
        resolve(&e).unwrap_err().to_string(),
        "The specified config file (/nonexistent/s3creds/ec2) could not be found."
    );
    let boto = TempFile::new(
        "boto-cfg",
        "[Credentials]\naws_access_key_id = BOTO\naws_secret_access_key = BOTOS\n",
    );
    let e = env(&[("BOTO_CONFIG", boto.path())]);
    assert_eq!(resolve(&e).unwrap(), keys("BOTO", "BOTOS", None));
    let boto = TempFile::new("boto-partial", "[Credentials]\naws_access_key_id = BOTO\n");
    let e = env(&[("BOTO_CONFIG", boto.path())]);
    assert_eq!(
        resolve(&e).unwrap_err().to_string(),
        "Partial credentials found in boto-config, missing: aws_secret_access_key"
    );
}
