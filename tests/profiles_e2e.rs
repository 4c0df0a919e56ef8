//! Profiles that assume roles or use IAM Identity Center, end to end: our binary and
//! the original 0.17 (boto3) side by side on one moto server with signature checks and
//! IAM enforcement on, both reading the same `~/.aws` files and nothing else. The SSO
//! portal is a loopback stand-in (GetRoleCredentials, as the AWS API reference shapes
//! it) that hands out the moto admin's key, reached through `AWS_ENDPOINT_URL_SSO`,
//! which botocore honours too.

use crate::support;

use std::path::Path;

use support::mock::{Matcher, MockServer, Reply};
use support::moto::Moto;
use support::original::Session;
use support::{Outcome, TempDir, bin, run};

const ACCOUNT: &str = "123456789012";

/// moto with two roles, both with AdministratorAccess: `deployer` trusting the admin
/// user, and `auditor` for the second hop. moto does not match a role ARN principal
/// against that role's sessions (AWS does), so `auditor` trusts any principal.
fn moto_with_roles() -> Moto {
    let moto = Moto::start();
    for (role, principal) in [
        ("deployer", format!("arn:aws:iam::{ACCOUNT}:user/admin")),
        ("auditor", "*".to_string()),
    ] {
        let trust = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "sts:AssumeRole"}}]}}"#
        );
        for params in [
            vec![
                ("Action", "CreateRole"),
                ("RoleName", role),
                ("AssumeRolePolicyDocument", trust.as_str()),
            ],
            vec![
                ("Action", "AttachRolePolicy"),
                ("RoleName", role),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ],
        ] {
            let r = moto.iam(&params);
            assert_eq!(r.status, 200, "{}", r.text());
        }
    }
    moto
}

/// A home directory with `~/.aws/credentials` (the admin's key as `base`) and
/// `~/.aws/config` holding every profile the tests use.
fn aws_home(moto: &Moto, sso_portal: &str) -> TempDir {
    let home = TempDir::new();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    let (key, secret) = moto.admin_key();
    std::fs::write(
        aws.join("credentials"),
        format!("[base]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile one]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = base\n\
             role_session_name = e2e-one\nexternal_id = e2e-external\nduration_seconds = 1800\n\
             [profile two]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/auditor\nsource_profile = one\n\
             role_session_name = e2e-two\n\
             [profile from-env]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\n\
             credential_source = Environment\nrole_session_name = e2e-env\n\
             [profile sso]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = Admin\n\
             [profile sso-role]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = sso\n\
             role_session_name = e2e-sso\n\
             [profile eu]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = base\n\
             role_session_name = e2e-eu\nregion = eu-west-1\n\
             [profile loop]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = loop2\n\
             [profile loop2]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = loop\n\
             [profile mfa]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = base\n\
             mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/admin\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
        ),
    )
    .unwrap();
    // What `aws sso login --sso-session corp` leaves: sha1("corp").json.
    std::fs::write(
        aws.join("sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \
         \"accessToken\": \"e2e-sso-access-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
    )
    .unwrap();
    let _ = sso_portal;
    home
}

/// The environment both tools get: the home, the endpoints, nothing else.
fn environment(moto: &Moto, home: &Path, sso: &MockServer) -> Vec<(String, String)> {
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), home.display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
        ("AWS_ENDPOINT_URL".into(), moto.url()),
        ("AWS_ENDPOINT_URL_SSO".into(), sso.url()),
    ]
}

fn ours(env: &[(String, String)], extra: &[(&str, &str)], args: &[&str]) -> Outcome {
    let mut cmd = bin();
    cmd.env_clear()
        .envs(env.iter().cloned())
        .envs(extra.iter().copied())
        .args(args);
    run(&mut cmd, None)
}

/// The original's (exit code, stdout, stderr) for each (profile, args), in one process.
fn original(env: &[(String, String)], cases: &[(&str, &[&str])]) -> Vec<(i64, String, String)> {
    let mut session = Session::start(env, &std::env::temp_dir());
    cases
        .iter()
        .map(|(profile, args)| {
            let out = session.run_with(args, &[("AWS_PROFILE", profile)]);
            (
                i64::from(out.code),
                out.stdout_str().to_string(),
                out.stderr,
            )
        })
        .collect()
}

fn sso_portal(moto: &Moto) -> MockServer {
    let portal = MockServer::start();
    let (key, secret) = moto.admin_key();
    portal.on(
        Matcher::get("/federation/credentials").header_eq("x-amz-sso_bearer_token", "e2e-sso-access-token"),
        Reply::ok(format!(
            "{{\"roleCredentials\": {{\"accessKeyId\": \"{key}\", \"secretAccessKey\": \"{secret}\", \
             \"sessionToken\": \"\", \"expiration\": 4070908800000}}}}"
        ))
        .header("content-type", "application/json"),
    );
    portal
}

#[test]
fn assume_role_and_sso_profiles_match_the_original() {
    let moto = moto_with_roles();
    let portal = sso_portal(&moto);
    let home = aws_home(&moto, &portal.url());
    let env = environment(&moto, home.path(), &portal);

    let cases: &[(&str, &[&str])] = &[
        ("one", &["whoami"]),
        ("two", &["whoami"]),
        ("sso", &["whoami"]),
        ("sso-role", &["whoami"]),
        ("one", &["list-buckets"]),
    ];
    let theirs = original(&env, cases);
    for ((profile, args), (code, stdout, stderr)) in cases.iter().zip(&theirs) {
        assert_eq!(*code, 0, "the original, {profile} {args:?}: {stderr}");
        let mine = ours(&env, &[("AWS_PROFILE", profile)], args);
        assert_eq!(mine.code, 0, "ours, {profile} {args:?}: {}", mine.stderr);
        assert_eq!(mine.stdout_str(), stdout, "{profile} {args:?}");
        assert_eq!(mine.stderr, *stderr, "{profile} {args:?}");
        // And through --profile, our extension, the same.
        let mut with_option = vec![args[0], "--profile", profile];
        with_option.extend_from_slice(&args[1..]);
        let opt = ours(&env, &[], &with_option);
        assert_eq!(
            opt.stdout_str(),
            stdout,
            "--profile {profile} {args:?}: {}",
            opt.stderr
        );
    }
    let arn = |i: usize| {
        let v: serde_json::Value = serde_json::from_str(&theirs[i].1).unwrap();
        v["Arn"].as_str().unwrap().to_string()
    };
    assert_eq!(
        arn(0),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/deployer/e2e-one")
    );
    assert_eq!(
        arn(1),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/auditor/e2e-two")
    );
    assert_eq!(
        arn(2),
        format!("arn:aws:iam::{ACCOUNT}:user/admin"),
        "the portal hands out the admin's key"
    );
    assert_eq!(
        arn(3),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/deployer/e2e-sso")
    );
    // Every portal call carried the cached token (the route matched it); two per tool.
    assert_eq!(portal.requests().len(), 2 + 2 + 2);
}

#[test]
fn create_through_a_two_hop_profile() {
    let moto = moto_with_roles();
    let portal = sso_portal(&moto);
    let home = aws_home(&moto, &portal.url());
    let env = environment(&moto, home.path(), &portal);
    let out = ours(
        &env,
        &[],
        &[
            "create",
            "profile-bucket",
            "-c",
            "--profile",
            "two",
            "--silent",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["UserName"], "s3.read-write.profile-bucket");
    // The new key works, and the user was made by the assumed role.
    let key = created["AccessKeyId"].as_str().unwrap();
    let secret = created["SecretAccessKey"].as_str().unwrap();
    let who = ours(
        &env,
        &[],
        &["whoami", "--access-key", key, "--secret-key", secret],
    );
    assert_eq!(who.code, 0, "{}", who.stderr);
    assert!(
        who.stdout_str()
            .contains("user/s3.read-write.profile-bucket"),
        "{}",
        who.stdout_str()
    );
}

#[test]
fn credential_source_and_the_profiles_region() {
    let moto = moto_with_roles();
    let portal = sso_portal(&moto);
    let home = aws_home(&moto, &portal.url());
    let env = environment(&moto, home.path(), &portal);
    let (key, secret) = moto.admin_key();
    let keys = [
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
    ];

    // With AWS_PROFILE, environment keys come first, as in botocore...
    let out = ours(
        &env,
        &[keys[0], keys[1], ("AWS_PROFILE", "from-env")],
        &["whoami"],
    );
    assert!(
        out.stdout_str().contains("user/admin"),
        "{}",
        out.stdout_str()
    );
    // ...with --profile they are the role's credential_source.
    let out = ours(&env, &keys, &["whoami", "--profile", "from-env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout_str().contains("assumed-role/deployer/e2e-env"),
        "{}",
        out.stdout_str()
    );

    // The profile's region is every client's, bucket creation included (when no
    // AWS_DEFAULT_REGION overrides it, as botocore orders them).
    let env: Vec<_> = env
        .into_iter()
        .filter(|(k, _)| k != "AWS_DEFAULT_REGION")
        .collect();
    let out = ours(
        &env,
        &[],
        &["create", "eu-bucket", "-c", "--profile", "eu", "--silent"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let location = moto.s3("GET", "/eu-bucket?location", b"").text();
    assert!(location.contains("eu-west-1"), "{location}");
}

#[test]
fn broken_profiles_give_one_line() {
    let moto = moto_with_roles();
    let portal = sso_portal(&moto);
    let home = aws_home(&moto, &portal.url());
    let env = environment(&moto, home.path(), &portal);
    std::fs::remove_file(
        home.path()
            .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
    )
    .unwrap();
    for (profile, want) in [
        (
            "loop",
            "Error: Infinite loop in credential configuration detected. Attempting to load from \
             profile loop which has already been visited. Visited profiles: ['loop', 'loop2']\n",
        ),
        (
            "sso",
            "Error: Error loading SSO Token: Token for corp does not exist. Run `aws sso login \
             --profile sso` to sign in.\n",
        ),
        (
            "nope",
            "Error: The config profile (nope) could not be found\n",
        ),
    ] {
        let out = ours(&env, &[], &["whoami", "--profile", profile]);
        assert_eq!(
            (out.code, out.stderr.as_str(), out.stdout_str()),
            (1, want, ""),
            "{profile}"
        );
    }

    // An MFA code is asked for on the terminal only; without one (no controlling
    // terminal: setsid), one line, and stdin is never read.
    let mut cmd = std::process::Command::new("setsid");
    cmd.env_clear().envs(env.iter().cloned()).args([
        "-w",
        env!("CARGO_BIN_EXE_s3-credentials"),
        "whoami",
        "--profile",
        "mfa",
    ]);
    let out = run(&mut cmd, Some(b"123456\n"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "Error: The role's mfa_serial arn:aws:iam::{ACCOUNT}:mfa/admin needs an MFA code, \
             but there is no terminal to ask for it on ("
        )),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

/// An AssumeRole answer with the given key, expiring at `expiration`.
fn assume_role_xml(key: &str, expiration: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-{key}</SecretAccessKey>\
         <SessionToken>token-{key}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         </AssumeRoleResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>"
    )
}

/// localserver runs for hours; credentials from an assume-role profile last one. When
/// STS says the server's own session has ended, the profile is resolved again (as
/// botocore refreshes such credentials) and serving goes on.
#[test]
// The closure returns the crate's Error, as Context::new does.
#[allow(clippy::result_large_err)]
fn localserver_resolves_its_profile_again_when_its_session_ends() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    // localserver's mock AWS (the bucket, the role); the routes below, added later,
    // answer every AssumeRole.
    let aws = crate::localserver_cli::mock_aws().server;
    // The profile's own role: a new source session each time it is assumed.
    let sources = Arc::new(AtomicUsize::new(0));
    let counter = sources.clone();
    aws.on(
        Matcher::action("AssumeRole")
            .param("RoleArn", &format!("arn:aws:iam::{ACCOUNT}:role/source")),
        Reply::compute(move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::ok(assume_role_xml(
                &format!("ASIASOURCE{n}"),
                "2099-01-01T00:00:00Z",
            ))
        }),
    );
    // The tool's role: the first source session works once, then has expired. The sets
    // served expire at once, so every request asks for a new one.
    let first_uses = Arc::new(AtomicUsize::new(0));
    aws.on(
        Matcher::action("AssumeRole").param(
            "RoleArn",
            &format!("arn:aws:iam::{ACCOUNT}:role/s3-credentials.AmazonS3FullAccess"),
        ),
        Reply::compute(move |r| {
            let auth = r.header("authorization").unwrap_or_default().to_string();
            if auth.contains("Credential=ASIASOURCE1/") {
                if first_uses.fetch_add(1, Ordering::SeqCst) > 0 {
                    return Reply::query_error(
                        400,
                        "ExpiredToken",
                        "The security token included in the request is expired",
                    );
                }
                Reply::ok(assume_role_xml("ASIASERVED1", "2020-01-01T00:00:00Z"))
            } else {
                Reply::ok(assume_role_xml("ASIASERVED2", "2020-01-01T00:00:00Z"))
            }
        }),
    );

    let home = TempDir::new();
    let aws_dir = home.path().join(".aws");
    std::fs::create_dir_all(&aws_dir).unwrap();
    std::fs::write(
        aws_dir.join("credentials"),
        "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    std::fs::write(
        aws_dir.join("config"),
        format!(
            "[profile p]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/source\nsource_profile = base\n"
        ),
    )
    .unwrap();

    // The server's source, as `localserver` builds it, called as its cache calls it.
    let home_path = home.path().to_str().unwrap().to_string();
    let endpoint = aws.url();
    let context = move || {
        let env = s3_credentials::aws::config::MapEnv::from_pairs(&[
            ("HOME", home_path.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_PROFILE", "p"),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ]);
        s3_credentials::aws::Context::with_env(&Default::default(), &env)
    };
    let logged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = logged.clone();
    let source = s3_credentials::localserver::AssumeRoleSource::new(
        context().unwrap(),
        "my-bucket",
        s3_credentials::policies::Permission::ReadWrite,
        &[],
        &[],
        900,
        Arc::new(move |line: &str| log.lock().unwrap().push(line.to_string())),
    )
    .reopening_with(Box::new(context));
    use s3_credentials::localserver::Source;
    assert_eq!(source.fetch().unwrap().access_key_id, "ASIASERVED1");
    let second = source.fetch();
    assert_eq!(
        second
            .as_ref()
            .map(|c| c.access_key_id.as_str())
            .map_err(|e| e.to_string()),
        Ok("ASIASERVED2"),
        "{:?}",
        logged.lock().unwrap()
    );
    assert_eq!(
        sources.load(Ordering::SeqCst),
        2,
        "the profile was resolved once more"
    );
    assert_eq!(
        *logged.lock().unwrap(),
        ["The server's own credentials expired; resolving them again"]
    );
}

/// botocore's refusals, whole-process: one `Error:` line in botocore's words, no
/// request made (nothing listens on the endpoint), nothing printed on stdout.
#[test]
fn files_and_variables_botocore_refuses_give_its_one_line() {
    let home = TempDir::new();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    let config = home.path().join(".aws/config");
    let config_str = config.to_str().unwrap().to_string();
    let home_str = home.path().to_str().unwrap().to_string();
    let base = [
        ("HOME", home_str.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
    ];
    let whoami = |extra: &[(&str, &str)], args: &[&str]| {
        let mut cmd = bin();
        cmd.env_clear()
            .envs(base.iter().copied())
            .envs(extra.iter().copied())
            .args(args);
        run(&mut cmd, None)
    };
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "TOPSECRET"),
    ];
    for (text, why) in [
        (
            "\u{feff}[default]\nregion = us-east-1\n",
            "a byte-order mark",
        ),
        (
            "[default]\nregion = a\n[default]\nregion = b\n",
            "a duplicate section",
        ),
        ("[profile unused]\ns3 =\n  TOPSECRET\n", "a malformed block"),
    ] {
        std::fs::write(&config, text).unwrap();
        let out = whoami(&keys, &["whoami"]);
        assert_eq!(
            (out.code, out.stderr.as_str(), out.stdout_str()),
            (
                1,
                format!("Error: Unable to parse config file: {config_str}\n").as_str(),
                ""
            ),
            "{why}"
        );
    }
    std::fs::write(&config, "[default]\nregion = us-east-1\n").unwrap();
    let out = whoami(&[("AWS_PROFILE", "")], &["whoami"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "Error: The config profile () could not be found\n")
    );
    let out = whoami(
        &[
            keys[0],
            keys[1],
            ("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z"),
        ],
        &["whoami"],
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Error: Credentials were refreshed, but the refreshed credentials are still expired.\n"
        )
    );
    let out = whoami(
        &[("AWS_DEFAULT_REGION", "a_b"), keys[0], keys[1]],
        &["whoami"],
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Error: Provided region_name 'a_b' doesn't match a supported format.\n"
        )
    );
    // `--auth` is read up to 1 MiB: /dev/zero ends in one line, not in memory.
    let out = whoami(&[], &["whoami", "--auth", "/dev/zero"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 1 MiB"), "{}", out.stderr);
    assert!(!out.stderr.contains("TOPSECRET"));
}
