//! The lifecycle additions (issue 25) side by side with the original: it has none of
//! them, so each of its runs ends in click's usage error, and ours does the job. The
//! rest of the suite, unchanged, is what shows that adding them changed nothing the
//! original's own commands print.

use crate::compat::model::{Scenario, Seen, Server, Step, run, scenario};

const NOT_THERE: &str = "an addition: the original has no such command or option";

/// The original refuses with click's usage error (exit 2, `missing` in its stderr);
/// ours succeeds and its stdout shows `ours_shows`.
fn added(args: &[&str], missing: String, ours_shows: &'static str) -> Step {
    run(args).custom(NOT_THERE, move |original: &Seen, ours: &Seen| {
        let mut problems = Vec::new();
        if original.code != 2 || !original.stderr.contains(&missing) {
            problems.push(format!(
                "the original should refuse with {missing:?}, exit 2: got exit {} {:?}",
                original.code, original.stderr
            ));
        }
        if ours.code != 0 || !ours.stdout.contains(ours_shows) {
            problems.push(format!(
                "ours should exit 0 showing {ours_shows:?}: got exit {} {:?} {:?}",
                ours.code, ours.stdout, ours.stderr
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    })
}

pub fn scenarios() -> Vec<Scenario> {
    let mut s = scenario("lifecycle additions", Server::Offline);
    for command in ["delete-bucket", "list-credentials", "revoke-sessions"] {
        s = s.step(added(
            &[command, "--help"],
            format!("No such command '{command}'"),
            "Usage: s3-credentials",
        ));
    }
    let no_expires = || "No such option '--expires'".to_string();
    s = s
        .step(added(
            &["create", "my-bucket", "--expires", "90d", "--dry-run"],
            no_expires(),
            "S3CredentialsExpiry",
        ))
        .step(added(
            &["policy", "my-bucket", "--expires", "2099-01-01"],
            no_expires(),
            "S3CredentialsExpiry",
        ))
        // Sends nothing: prints the role policy it would put.
        .step(added(
            &["revoke-sessions", "--dry-run"],
            "No such command 'revoke-sessions'".to_string(),
            "AWSRevokeOlderSessions",
        ));
    vec![s]
}
