//! The suite passes when started in the background (`cargo test &` in a script, `nohup`,
//! `trap '' INT`): the children it signals get SIGINT back at its default, although this
//! process inherited it ignored and ignored signals survive exec.

use crate::support;

use std::process::Command;

use support::Spawned;
use support::signals::ignoring_sigint;

/// Set in the copy of this test binary that plays the backgrounded test run.
const ROLE: &str = "S3C_TEST_BACKGROUND_ROLE";
const TEST: &str = "harness_signals::a_backgrounded_suite_can_still_interrupt_its_children";

#[test]
fn a_backgrounded_suite_can_still_interrupt_its_children() {
    if std::env::var_os(ROLE).is_some() {
        // The backgrounded run: start a child the usual way; it interrupts itself. With
        // SIGINT at its default the shell dies of it (exit 128 + 2); ignored, it goes on.
        let mut sh = Command::new("sh");
        sh.args(["-c", "kill -INT $$; echo survived"]);
        let out = Spawned::start(&mut sh).finish();
        println!("child exit {} stdout {:?}", out.code, out.stdout_str());
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let mut run = Command::new(exe);
    run.args([TEST, "--exact", "--nocapture", "--test-threads", "1"])
        .env(ROLE, "1");
    let out = support::run(ignoring_sigint(&mut run), None);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout_str(), out.stderr);
    assert!(
        out.stdout_str().contains("child exit 130 stdout \"\""),
        "{}",
        out.stdout_str()
    );
}
