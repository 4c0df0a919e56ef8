//! `create` and the IAM commands under faults, replaying the original's recorded runs
//! (fixtures/iam/cassettes): every call of every run is put behind transient faults, which
//! must not change a byte of stdout, and behind a lasting 503, which must end the command
//! with one clean `Error:` line (after the original's "made before the error" lines, for
//! `create`); and Ctrl-C between two steps of `create`.

use crate::faults_common;
use crate::support;

use faults_common::matrix::{self, Scenario};
use support::cassette::Cassette;
use support::{MockServer, Recorded};

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
        matrix::outlasting(&scenario, &call);
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

/// Ctrl-C or SIGTERM while `create` waits for CreateUser: that request finishes (its answer
/// comes a moment after the signal), no later step starts, and what was made is named
/// before `Aborted!`.
#[test]
fn create_interrupted_between_steps_says_what_it_made() {
    let cassette = Cassette::load("create-new-bucket");
    let setup = |s: &MockServer| cassette.serve(s);
    let args = cassette.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut scenario = Scenario::new("create -c", &args, &setup);
    scenario.dir = Some(cassette.dir.path().to_path_buf());
    scenario.env = vec![("AWS_DEFAULT_REGION".into(), "us-east-1".into())];
    let (_, calls) = matrix::baseline(&scenario);
    let create_user = calls
        .iter()
        .find(|c| c.action.as_deref() == Some("CreateUser"))
        .expect("a CreateUser call");
    // The fourth exchange is CreateUser's answer (after HEAD, CreateBucket, GetUser).
    let answer = cassette.replies()[3].clone();
    let late = |s: &MockServer| {
        s.on(
            create_user.matcher(),
            answer.clone().delay(std::time::Duration::from_millis(500)),
        );
    };
    for signal in ["INT", "TERM"] {
        let (out, reqs) = matrix::interrupted(&scenario, create_user, signal, &late);
        assert_eq!(
            out.stderr,
            "Created bucket: my-bucket\n\
             Created  user: 's3.read-write.my-bucket' with permissions boundary: \
             'arn:aws:iam::aws:policy/AmazonS3FullAccess'\n\
             \n\
             Made before the interrupt and still in place: bucket my-bucket, user \
             s3.read-write.my-bucket\n\
             Aborted!\n",
            "SIG{signal}"
        );
        let action = |r: &Recorded| r.param("Action");
        assert!(
            !reqs
                .iter()
                .any(|r| action(r).as_deref() == Some("PutUserPolicy")),
            "SIG{signal}: a later step ran"
        );
    }
}
