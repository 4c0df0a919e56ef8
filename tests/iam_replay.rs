//! list-users, list-roles, list-user-policies and delete-user against what moto
//! answered the original 0.17 (fixtures/iam/record.py): same requests in the same
//! order (every Marker followed), byte-identical stdout, and one `Error:` line where
//! the original printed a traceback.

use crate::support;

use support::cassette::Cassette;
use support::{Matcher, MockServer, Reply, bin, run};

#[test]
fn list_users_follows_every_marker() {
    Cassette::load("list-users-paged").check();
}

#[test]
fn list_users_nl() {
    Cassette::load("list-users-nl").check();
}

#[test]
fn list_users_csv() {
    Cassette::load("list-users-csv").check();
}

#[test]
fn list_users_tsv() {
    Cassette::load("list-users-tsv").check();
}

#[test]
fn list_users_none() {
    Cassette::load("list-users-empty").check();
}

#[test]
fn list_roles_paged() {
    Cassette::load("list-roles").check();
}

#[test]
fn list_roles_details_fetches_inline_and_attached_policies() {
    Cassette::load("list-roles-details").check();
}

#[test]
fn list_roles_csv() {
    Cassette::load("list-roles-csv").check();
}

#[test]
fn list_roles_filtered_with_details_tsv() {
    Cassette::load("list-roles-filter-details-tsv").check();
}

#[test]
fn list_roles_filtered_nl() {
    Cassette::load("list-roles-filter-nl").check();
}

#[test]
fn list_user_policies_of_every_user() {
    Cassette::load("list-user-policies-all").check();
}

#[test]
fn list_user_policies_of_named_users() {
    Cassette::load("list-user-policies-named").check();
}

#[test]
fn list_user_policies_missing_user_is_one_error_line() {
    Cassette::load("list-user-policies-missing").check();
}

#[test]
fn delete_user_policies_keys_then_user() {
    Cassette::load("delete-user").check();
}

#[test]
fn delete_user_missing_user_is_one_error_line() {
    let played = Cassette::load("delete-user-missing").check();
    assert_eq!(played.outcome.stderr.lines().count(), 1);
}

/// A page that fails midway: what came before is printed (as the original's
/// streamed output does) and the error is one line.
#[test]
fn list_users_error_on_second_page() {
    let recorded = Cassette::load("list-users-nl");
    let server = MockServer::start();
    server.on(Matcher::action("ListUsers"), recorded.response("ListUsers"));
    server.on(
        Matcher::action("ListUsers").param("Marker", "page-2"),
        Reply::query_error(503, "ServiceUnavailable", "Try again later"),
    );
    let mut cmd = bin();
    cmd.args(["list-users", "--nl", "--endpoint-url", &server.url()])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_MAX_ATTEMPTS", "1");
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 1);
    let first_page: String = recorded
        .stdout()
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(out.stdout_str(), first_page);
    assert_eq!(
        out.stderr,
        "Error: An error occurred (ServiceUnavailable) when calling the ListUsers operation: Try again later (request id: MOCKREQUESTID)\n"
    );
}

#[test]
fn usage_errors() {
    let mut cmd = bin();
    cmd.arg("delete-user");
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "Usage: s3-credentials delete-user [OPTIONS] USERNAMES...\n\
         Try 's3-credentials delete-user --help' for help.\n\n\
         Error: Missing argument 'USERNAMES...'.\n"
    );
}
