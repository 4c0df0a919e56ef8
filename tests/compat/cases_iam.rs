//! whoami, create, list-users, list-roles, list-user-policies, delete-user against moto.

use crate::compat::cases_offline::{POLICY, STATEMENT};
use crate::compat::model::{Scenario, Seen, Server, Setup, run, scenario};

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
        iam_with_signatures_checked(),
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

/// `Ok` if `test` holds of `seen`, else what was expected and what came.
fn shows(seen: &Seen, what: &str, test: impl Fn(&Seen) -> bool) -> Result<(), String> {
    if test(seen) {
        Ok(())
    } else {
        Err(format!(
            "expected {what}:\n{}",
            crate::compat::runner::show(seen)
        ))
    }
}

/// The IAM commands against moto with signature checks and IAM enforcement on, on users
/// made by `create` and a role with inline and attached policies; then delete-user cleans
/// up everything `create` made.
fn iam_with_signatures_checked() -> Scenario {
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let count = |text: &str, f: &dyn Fn(&str) -> bool| text.lines().filter(|l| f(l)).count();
    scenario("IAM commands with signatures checked", Server::Auth)
        .setup(iam(&[
            ("Action", "CreateRole"),
            ("RoleName", "worker"),
            ("AssumeRolePolicyDocument", trust),
            ("Description", "Runs jobs"),
        ]))
        .setup(iam(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", "worker"),
            ("PolicyName", "no-delete"),
            ("PolicyDocument", policy),
        ]))
        .setup(iam(&[
            ("Action", "AttachRolePolicy"),
            ("RoleName", "worker"),
            ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
        ]))
        .step(run(&["create", "alpha", "-c", "--silent"]))
        .step(run(&["create", "alpha", "beta", "-c", "--read-only", "--silent"]))
        .step(run(&[
            "create",
            "beta",
            "--username",
            "uploader",
            "--write-only",
            "--prefix",
            "in/",
            "--silent",
        ]))
        .step(run(&["list-users"]))
        .step(run(&["list-users", "--nl"]))
        // Both printed something real: a CSV header, rows ending in \r\n.
        .step(run(&["list-users", "--csv"]).also(|original, _| {
            shows(original, "a CSV header and \\r\\n rows", |s| {
                s.stdout.starts_with("UserName,UserId,Arn,Path,CreateDate,")
                    && s.stdout.contains("\r\n")
            })
        }))
        .step(run(&["list-users", "--tsv"]))
        .step(run(&["list-roles"]))
        .step(run(&["list-roles", "--details"]).also(|original, _| {
            shows(original, "the role's inline policy", |s| {
                s.stdout.contains("\"PolicyName\": \"no-delete\"")
            })
        }))
        .step(run(&["list-roles", "--csv", "--details"]))
        .step(run(&["list-roles", "worker", "--nl"]))
        .step(run(&["list-user-policies"]))
        .step(run(&["list-user-policies", "uploader", "s3.read-only.alpha,beta"]))
        .step(
            run(&[
                "delete-user",
                "s3.read-write.alpha",
                "s3.read-only.alpha,beta",
                "uploader",
            ])
            .also(move |_, ours| {
                shows(ours, "4 policies, 3 keys and 3 users deleted", |s| {
                    let lines: Vec<&str> = s.stdout.lines().collect();
                    s.code == 0
                        && count(&s.stdout, &|l| l.starts_with("  Deleted policy: ")) == 4
                        && lines.contains(&"  Deleted policy: s3.read-only.beta")
                        && lines.contains(&"  Deleted policy: s3.write-only.beta")
                        // Access key ids are <ID#n> after normalisation.
                        && count(&s.stdout, &|l| l.starts_with("  Deleted access key: <ID#")) == 3
                        && count(&s.stdout, &|l| l == "  Deleted user") == 3
                })
            }),
        )
        // Only the admin is left.
        .step(run(&["list-users", "--nl"]).also(|_, ours| {
            shows(ours, "one line, the admin", |s| {
                s.stdout.lines().count() == 1 && s.stdout.contains("\"UserName\": \"admin\"")
            })
        }))
        // A user just deleted: the original's first line, then one Error line.
        .step(
            run(&["delete-user", "uploader"])
                .aws_traceback(
                    "botocore.errorfactory.NoSuchEntityException",
                    "An error occurred (NoSuchEntity) when calling the ListUserPolicies operation: The user with name uploader cannot be found.",
                )
                .also(|_, ours| {
                    shows(ours, "User: uploader, then one Error: line", |s| {
                        s.stdout == "User: uploader\n" && s.stderr.lines().count() == 1
                    })
                }),
        )
}
