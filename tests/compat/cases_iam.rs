//! whoami, create, list-users, list-roles, list-user-policies, delete-user against moto.

use crate::compat::cases_offline::{POLICY, STATEMENT};
use crate::compat::model::{Scenario, Server, Setup, run, scenario};

fn iam(params: &[(&'static str, &str)]) -> Setup {
    Setup::Iam(params.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}"#;
const INLINE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::caf\u00e9", "Sid": "x\u00e9"}]}"#;

/// A customer managed policy (AWS managed ones are not loaded on the fast servers).
const CUSTOMER_POLICY_ARN: &str = "arn:aws:iam::123456789012:policy/bucket-reader";

fn customer_policy() -> Setup {
    iam(&[
        ("Action", "CreatePolicy"),
        ("PolicyName", "bucket-reader"),
        ("Description", "reads caf\u{e9}"),
        ("PolicyDocument", INLINE),
    ])
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        whoami(),
        create_permanent(),
        create_temporary(),
        list_users(),
        empty_account(),
        list_roles(),
        list_user_policies(),
        delete_user(),
        authenticated(),
        authenticated_transfers(),
    ]
}

fn with_alice(s: Scenario) -> Scenario {
    s.setup(iam(&[("Action", "CreateUser"), ("UserName", "alice")]))
        .setup(Setup::AccessKey {
            user: "alice",
            var: "alice",
        })
        .setup(iam(&[
            ("Action", "CreateRole"),
            ("RoleName", "temp-role"),
            ("AssumeRolePolicyDocument", TRUST),
        ]))
        .setup(Setup::AssumeRole {
            role: "temp-role",
            session: "compat-session",
            var: "tmp",
        })
}

fn whoami() -> Scenario {
    with_alice(scenario("whoami: every way to give credentials", Server::Open))
        .file(
            "alice.json",
            "{\"AccessKeyId\": \"{alice_key}\", \"SecretAccessKey\": \"{alice_secret}\"}\n",
        )
        .file(
            "alice.ini",
            "[default]\naws_access_key_id={alice_key}\naws_secret_access_key={alice_secret}\n",
        )
        .file(
            "tmp.json",
            "  {\"AccessKeyId\": \"{tmp_key}\", \"SecretAccessKey\": \"{tmp_secret}\", \"SessionToken\": \"{tmp_token}\", \"Expiration\": \"x\"}",
        )
        .file(
            "tmp.ini",
            "[default]\naws_access_key_id = {tmp_key}\naws_secret_access_key = {tmp_secret}\naws_session_token = {tmp_token}\n",
        )
        // The first section with aws_access_key_id wins.
        .file(
            "sections.ini",
            "[empty]\nregion = us-east-1\n\n[work]\naws_access_key_id={alice_key}\naws_secret_access_key={alice_secret}\n[later]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\n",
        )
        // No section with a key: the environment's credentials are used.
        .file("nokey.ini", "[default]\nregion = us-east-1\n")
        .file("bad.json", "{\"AccessKeyId\": ")
        .step(run(&["whoami"]))
        .step(run(&["whoami", "--access-key", "{alice_key}", "--secret-key", "{alice_secret}"]))
        .step(run(&[
            "whoami",
            "--access-key",
            "{tmp_key}",
            "--secret-key",
            "{tmp_secret}",
            "--session-token",
            "{tmp_token}",
        ]))
        .step(run(&["whoami", "--auth", "alice.json"]))
        .step(run(&["whoami", "-a", "alice.ini"]))
        .step(run(&["whoami", "--auth", "tmp.json"]))
        .step(run(&["whoami", "--auth", "tmp.ini"]))
        .step(run(&["whoami", "--auth", "sections.ini"]))
        .step(run(&["whoami", "--auth", "nokey.ini"]))
        .step(
            run(&["whoami", "--auth", "-"])
                .stdin("{\"AccessKeyId\": \"{alice_key}\", \"SecretAccessKey\": \"{alice_secret}\"}"),
        )
        .step(
            run(&["whoami", "-a", "-"])
                .stdin("[x]\naws_access_key_id={tmp_key}\naws_secret_access_key={tmp_secret}\naws_session_token={tmp_token}\n"),
        )
        .step(run(&["whoami", "--auth", "alice.json", "--access-key", "AKIAIOSFODNN7EXAMPLE"]))
        .step(run(&["whoami", "--auth", "alice.json", "--session-token", "x"]))
        .step(run(&["whoami", "--auth", "bad.json"]).custom(
            "the original prints a JSONDecodeError traceback for an --auth file that is not JSON; we print one Error: line",
            |original, ours| {
                let last = original.stderr.trim_end().lines().last().unwrap_or_default();
                if original.code != 1 || !last.starts_with("json.decoder.JSONDecodeError: ") {
                    return Err(format!("the original changed:\n{}", crate::compat::runner::show(original)));
                }
                crate::compat::cases_buckets::one_error_line(ours, &[1])
            },
        ))
}

fn create_permanent() -> Scenario {
    scenario("create: users, policies and access keys", Server::Open)
        .setup(Setup::Bucket("existing"))
        .file("policy.json", POLICY)
        .step(run(&["create", "existing"]).save("first.json"))
        // The user exists now: no "Created user" line, a second key.
        .step(run(&["create", "existing"]).save("second.json"))
        .step(run(&["whoami", "--auth", "first.json"]))
        .step(run(&["create", "existing", "--read-only", "-f", "ini"]).save("ro.ini"))
        .step(run(&["whoami", "--auth", "ro.ini"]))
        .step(run(&[
            "create",
            "existing",
            "--write-only",
            "--format",
            "json",
            "--silent",
        ]))
        .step(run(&[
            "create",
            "existing",
            "--username",
            "custom-user",
            "--prefix",
            "pre/",
        ]))
        .step(run(&["create", "existing", "--statement", STATEMENT]))
        .step(run(&[
            "create",
            "existing",
            "--policy",
            "policy.json",
            "--username",
            "from-file",
        ]))
        .step(run(&[
            "create",
            "existing",
            "--policy",
            POLICY,
            "--username",
            "literal",
        ]))
        .step(
            run(&[
                "create",
                "existing",
                "--policy",
                "-",
                "--username",
                "from-stdin",
            ])
            .stdin(POLICY),
        )
        .step(run(&[
            "create",
            "existing",
            "--user-permissions-boundary",
            "none",
            "--username",
            "no-boundary",
        ]))
        .step(run(&[
            "create",
            "existing",
            "--user-permissions-boundary",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "--username",
            "custom-boundary",
        ]))
        .step(run(&["create", "missing-bucket"]))
        .step(run(&[
            "create",
            "existing",
            "missing-bucket",
            "--read-only",
        ]))
        .step(run(&["create", "new-bucket", "-c"]))
        .step(run(&[
            "create",
            "new-bucket",
            "existing",
            "another-new",
            "--create-bucket",
            "--read-only",
        ]))
        .step(run(&[
            "create",
            "in-eu",
            "-c",
            "--bucket-region",
            "eu-west-1",
            "--silent",
        ]))
        .step(run(&["list-users"]))
        .step(run(&["list-user-policies"]))
        .step(run(&[
            "delete-user",
            "s3.read-write.existing",
            "custom-user",
        ]))
        .step(run(&["list-users", "--nl"]))
}

fn create_temporary() -> Scenario {
    scenario(
        "create --duration: temporary credentials",
        Server::OpenManaged,
    )
    .setup(Setup::Bucket("existing"))
    .setup(Setup::Bucket("other"))
    .file("policy.json", POLICY)
    .step(run(&["create", "existing", "-d", "15m"]).save("t.json"))
    .step(run(&["whoami", "--auth", "t.json"]))
    .step(
        run(&[
            "create",
            "existing",
            "--duration",
            "1h",
            "--read-only",
            "-f",
            "ini",
        ])
        .save("t.ini"),
    )
    .step(run(&["whoami", "--auth", "t.ini"]))
    .step(run(&[
        "create",
        "existing",
        "other",
        "--write-only",
        "-d",
        "2h",
        "--silent",
    ]))
    .step(run(&[
        "create",
        "existing",
        "-d",
        "900",
        "--statement",
        STATEMENT,
        "--prefix",
        "x/",
    ]))
    .step(run(&[
        "create",
        "existing",
        "other",
        "-d",
        "3600s",
        "--policy",
        "policy.json",
    ]))
    .step(run(&["create", "missing", "-d", "15m"]))
    .step(run(&["list-roles"]))
    .step(run(&["list-users"]))
}

fn list_users() -> Scenario {
    scenario("list-users in every format", Server::Open)
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "plain")]))
        .setup(iam(&[
            ("Action", "CreateUser"),
            ("UserName", "bounded"),
            ("Path", "/team/"),
            (
                "PermissionsBoundary",
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            ),
        ]))
        .setup(iam(&[
            ("Action", "CreateUser"),
            ("UserName", "tagged"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "caf\u{e9}, \"quoted\""),
        ]))
        .step(run(&["list-users"]))
        .step(run(&["list-users", "--nl"]))
        .step(run(&["list-users", "--csv"]))
        .step(run(&["list-users", "--tsv"]))
        .step(run(&["list-users", "--csv", "--tsv"]))
        .step(run(&["list-users", "--nl", "--csv"]))
}

fn empty_account() -> Scenario {
    scenario("an empty account", Server::Open).steps(
        [
            &["list-users"][..],
            &["list-users", "--nl"],
            &["list-users", "--csv"],
            &["list-roles"],
            &["list-roles", "--tsv"],
            &["list-roles", "--details", "--nl"],
            &["list-user-policies"],
            &["list-buckets"],
            &["list-buckets", "--csv"],
            &["list-buckets", "--details"],
        ]
        .iter()
        .map(|a| run(a)),
    )
}

fn list_roles() -> Scenario {
    scenario("list-roles with and without details", Server::Open)
        .setup(iam(&[
            ("Action", "CreateRole"),
            ("RoleName", "first-role"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Description", "caf\u{e9} role"),
            ("MaxSessionDuration", "7200"),
        ]))
        .setup(iam(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", "first-role"),
            ("PolicyName", "inline-one"),
            ("PolicyDocument", INLINE),
        ]))
        .setup(iam(&[
            ("Action", "CreateRole"),
            ("RoleName", "second-role"),
            ("Path", "/service/"),
            ("AssumeRolePolicyDocument", TRUST),
        ]))
        .setup(customer_policy())
        .setup(iam(&[
            ("Action", "AttachRolePolicy"),
            ("RoleName", "second-role"),
            ("PolicyArn", CUSTOMER_POLICY_ARN),
        ]))
        // moto lists roles sorted by their random ids, so with two roles the order differs
        // between the two servers: each listing selects one role by name.
        .step(run(&["list-roles", "first-role"]))
        .step(run(&["list-roles", "first-role", "--nl"]))
        .step(run(&["list-roles", "first-role", "--csv"]))
        .step(run(&["list-roles", "second-role", "--tsv"]))
        .step(run(&["list-roles", "second-role"]))
        .step(run(&["list-roles", "first-role", "no-such-role", "--nl"]))
        .step(run(&["list-roles", "no-such-role"]))
        .step(run(&["list-roles", "first-role", "--details"]))
        .step(run(&["list-roles", "second-role", "--details"]))
        .step(run(&["list-roles", "second-role", "--details", "--nl"]))
        .step(run(&["list-roles", "second-role", "--details", "--csv"]))
        .step(run(&["list-roles", "first-role", "--details", "--tsv"]))
}

fn list_user_policies() -> Scenario {
    scenario("list-user-policies", Server::Open)
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "with-policies")]))
        .setup(iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "with-policies"),
            ("PolicyName", "one"),
            ("PolicyDocument", INLINE),
        ]))
        .setup(iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "with-policies"),
            ("PolicyName", "two"),
            ("PolicyDocument", POLICY),
        ]))
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "without")]))
        .step(run(&["list-user-policies"]))
        .step(run(&["list-user-policies", "with-policies"]))
        .step(run(&["list-user-policies", "without", "with-policies"]))
        .step(run(&["list-user-policies", "without", "no-such-user"]).aws_traceback(
            "botocore.errorfactory.NoSuchEntityException",
            "An error occurred (NoSuchEntity) when calling the ListUserPolicies operation: The user with name no-such-user cannot be found.",
        ))
}

fn delete_user() -> Scenario {
    scenario("delete-user", Server::Open)
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "full")]))
        .setup(iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "full"),
            ("PolicyName", "p1"),
            ("PolicyDocument", POLICY),
        ]))
        .setup(iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "full"),
            ("PolicyName", "p2"),
            ("PolicyDocument", INLINE),
        ]))
        .setup(Setup::AccessKey {
            user: "full",
            var: "k1",
        })
        .setup(Setup::AccessKey {
            user: "full",
            var: "k2",
        })
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "bare")]))
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "second")]))
        .setup(iam(&[("Action", "CreateUser"), ("UserName", "attached")]))
        .setup(customer_policy())
        .setup(iam(&[
            ("Action", "AttachUserPolicy"),
            ("UserName", "attached"),
            ("PolicyArn", CUSTOMER_POLICY_ARN),
        ]))
        .step(run(&["list-users", "--csv"]))
        .step(run(&["delete-user", "full"]))
        .step(run(&["delete-user", "bare", "second"]))
        .step(run(&["delete-user", "no-such-user"]).aws_traceback(
            "botocore.errorfactory.NoSuchEntityException",
            "An error occurred (NoSuchEntity) when calling the ListUserPolicies operation: The user with name no-such-user cannot be found.",
        ))
        .step(run(&["delete-user", "attached"]).aws_traceback(
            "botocore.errorfactory.DeleteConflictException",
            "An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must detach all policies first.",
        ))
        .step(run(&["list-users", "--nl"]))
}

/// With IAM enforcement on: restricted credentials meet denials, wrong keys are refused.
fn authenticated() -> Scenario {
    scenario("credentials that are checked", Server::Auth)
        .setup(Setup::Bucket("secure"))
        .setup(Setup::Object("secure", "a.txt", b"secret data\n".to_vec()))
        .step(run(&["create", "secure", "--read-only", "-f", "ini"]).save("ro.ini"))
        .step(run(&["whoami", "--auth", "ro.ini"]))
        .step(run(&["list-bucket", "secure", "--auth", "ro.ini"]))
        .step(run(&["list-users", "--auth", "ro.ini"]).aws_traceback(
            "botocore.exceptions.ClientError",
            "An error occurred (AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::123456789012:user/s3.read-only.secure is not authorized to perform: iam:ListUsers",
        ))
        // (Not `create --duration`: moto with IAM enforcement refuses AssumeRole even to an
        // administrator; temporary credentials are covered against the open server.)
        .step(run(&["whoami", "--access-key", "{admin_key}", "--secret-key", "wrong"]).aws_traceback(
            "botocore.exceptions.ClientError",
            "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ))
        .step(run(&["whoami", "--access-key", "AKIAIOSFODNN7EXAMPLE", "--secret-key", "x"]).aws_traceback(
            "botocore.exceptions.ClientError",
            "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
        ))
        .step(run(&["list-buckets", "--access-key", "{admin_key}", "--secret-key", "{admin_secret}"]))
}

/// Object transfers with read-only credentials: reading works, writing is refused.
fn authenticated_transfers() -> Scenario {
    scenario("transfers with read-only credentials", Server::Auth)
        .setup(Setup::Bucket("secure"))
        .setup(Setup::Object("secure", "a.txt", b"secret data\n".to_vec()))
        .file("b.txt", "new\n")
        .step(run(&["create", "secure", "--read-only", "-f", "ini", "--silent"]).save("ro.ini"))
        .step(run(&["get-object", "secure", "a.txt", "--auth", "ro.ini"]))
        .step(run(&["get-objects", "secure", "--auth", "ro.ini", "-o", "out"]).tree("out"))
        .step(run(&["put-object", "secure", "b.txt", "b.txt", "--auth", "ro.ini"]).aws_traceback(
            "botocore.errorfactory.AccessDenied",
            "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        ))
        .step(run(&["delete-objects", "secure", "a.txt", "--auth", "ro.ini"]))
        .step(run(&["list-bucket", "secure", "--nl"]))
}
