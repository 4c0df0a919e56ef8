//! Profiles from `~/.aws/config` that assume roles: both tools read the same files (the
//! admin's key as the `base` source profile) with no keys in the environment, against
//! moto with IAM enforcement. The identities must match, apart from generated ids.

use crate::compat::model::{Scenario, Server, Setup, run, scenario};

const ACCOUNT: &str = "123456789012";

fn iam(params: &[(&'static str, &str)]) -> Setup {
    Setup::Iam(params.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

/// `deployer` trusts the admin; `auditor` trusts any principal, since moto does not
/// match a role ARN principal against that role's sessions (AWS does).
fn with_roles(s: Scenario) -> Scenario {
    let mut s = s;
    for (role, principal) in [
        ("deployer", format!("arn:aws:iam::{ACCOUNT}:user/admin")),
        ("auditor", "*".to_string()),
    ] {
        let trust = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "sts:AssumeRole"}}]}}"#
        );
        s = s
            .setup(iam(&[
                ("Action", "CreateRole"),
                ("RoleName", role),
                ("AssumeRolePolicyDocument", &trust),
            ]))
            .setup(iam(&[
                ("Action", "AttachRolePolicy"),
                ("RoleName", role),
                ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ]));
    }
    s.file(
        "aws/credentials",
        "[base]\naws_access_key_id = {admin_key}\naws_secret_access_key = {admin_secret}\n",
    )
    .file(
        "aws/config",
        format!(
            "[profile one]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nsource_profile = base\n\
             role_session_name = compat-one\nexternal_id = compat\nduration_seconds = 1800\n\
             [profile two]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/auditor\nsource_profile = one\n\
             role_session_name = compat-two\n"
        ),
    )
    .unset("AWS_ACCESS_KEY_ID")
    .unset("AWS_SECRET_ACCESS_KEY")
    .env("AWS_SHARED_CREDENTIALS_FILE", "{work}/aws/credentials")
    .env("AWS_CONFIG_FILE", "{work}/aws/config")
}

/// One scenario (each Auth reset reloads moto's managed policies, seconds apiece): the
/// two-hop profile, whose source is itself a role profile, so both kinds of hop are
/// taken. `tests/profiles_e2e.rs` compares the one-hop and SSO profiles as well.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        with_roles(scenario("profiles: assume-role chain", Server::Auth))
            .env("AWS_PROFILE", "two")
            .setup(Setup::Bucket("via-profile"))
            .step(run(&["whoami"]))
            .step(run(&["list-buckets"]))
            .step(run(&["create", "via-profile", "--read-only"]))
            // (Not list-roles: moto lists roles in an order of its own per server.)
            .step(run(&["list-users"])),
    ]
}
