//! `create` and the IAM commands under faults, replaying the original's recorded runs
//! (fixtures/iam/cassettes): every call of every run is put behind transient faults, which
//! must not change a byte of stdout, and behind a lasting 503, which must end the command
//! with one clean `Error:` line (after the original's "made before the error" lines, for
//! `create`).

mod faults_common;
mod support;

use faults_common::matrix::{self, Cassette, Scenario};
use support::MockServer;

fn through_the_matrix(name: &str) {
    let cassette = Cassette::load(name);
    let setup = |s: &MockServer| cassette.serve(s);
    let args = cassette.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut scenario = Scenario::new(name, &args, &setup);
    scenario.dir = Some(cassette.dir.path().to_path_buf());
    scenario.stdin = cassette.stdin();
    scenario.env = vec![("AWS_DEFAULT_REGION".into(), "us-east-1".into())];
    for call in matrix::transient(&scenario) {
        // After a lasting fault the recording no longer matches what the command asks
        // (create -c goes on to CreateBucket when HeadBucket keeps failing, as the
        // original does), so only the shape of the failure is checked.
        matrix::outlasting(&scenario, &call, &|_| true);
    }
}

#[test]
fn create_new_bucket_and_user() {
    through_the_matrix("create-new-bucket");
}

#[test]
fn create_for_an_existing_user() {
    through_the_matrix("create-existing-user-ini");
}

#[test]
fn create_public_website() {
    through_the_matrix("create-public-website-region");
}

#[test]
fn create_with_a_policy_file() {
    through_the_matrix("create-policy-file-two-buckets");
}

#[test]
fn create_with_duration_and_a_new_role() {
    through_the_matrix("create-duration-new-role");
}

#[test]
fn create_with_duration_and_an_existing_role() {
    through_the_matrix("create-duration-existing-role-ini");
}

#[test]
fn list_users_over_pages() {
    through_the_matrix("list-users-paged");
}

#[test]
fn list_roles_with_details() {
    through_the_matrix("list-roles-details");
}

#[test]
fn list_user_policies() {
    through_the_matrix("list-user-policies-all");
}

#[test]
fn delete_user() {
    through_the_matrix("delete-user");
}
