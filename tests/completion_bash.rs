//! Shell completion through a real bash: the script the binary prints is sourced, and its
//! completion function is called as bash calls it on Tab, so the round trip (script ->
//! `_S3_CREDENTIALS_COMPLETE=bash_complete` -> `COMPREPLY`) is what a user gets.

use crate::support;

use support::{bin, run};

/// COMPREPLY after completing `words` with the cursor in word `cword`.
fn complete(words: &[&str], cword: usize) -> String {
    let exe = env!("CARGO_BIN_EXE_s3-credentials");
    let words: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "eval \"$(_S3_CREDENTIALS_COMPLETE=bash_source '{exe}')\"\n\
         COMP_WORDS=({}); COMP_CWORD={cword}\n\
         _s3_credentials_completion '{exe}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words.join(" ")
    );
    let out = run(
        std::process::Command::new("bash").args(["--norc", "--noprofile", "-c", &script]),
        None,
    );
    assert_eq!(out.code, 0, "bash: {}", out.stderr);
    out.stdout_str().to_string()
}

#[test]
fn the_sourced_script_completes_commands_options_and_choices() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no bash: skipped");
        return;
    }
    assert_eq!(
        complete(&["s3-credentials", "list-u"], 1),
        "list-user-policies\nlist-users\n"
    );
    assert_eq!(
        complete(&["s3-credentials", "create", "b", "--format", ""], 4),
        "ini\njson\n"
    );
    assert_eq!(
        complete(&["s3-credentials", "presign", "b", "k", "--method", "P"], 5),
        "PUT\n"
    );
    let options = complete(&["s3-credentials", "whoami", "--"], 2);
    assert!(
        options.starts_with("--access-key\n--secret-key\n") && options.ends_with("--help\n"),
        "{options}"
    );
}

#[test]
fn the_bash_script_is_printed_without_a_warning_on_a_current_bash() {
    let out = run(bin().env("_S3_CREDENTIALS_COMPLETE", "bash_source"), None);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout_str()
            .starts_with("_s3_credentials_completion() {\n")
    );
    // click's check of the bash on PATH: quiet for 4.4 and newer.
    let has_bash = std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_ok();
    let expected = if has_bash {
        ""
    } else {
        "Couldn't detect Bash version, shell completion is not supported.\n"
    };
    assert_eq!(out.stderr, expected);
    let out = run(
        bin()
            .env("_S3_CREDENTIALS_COMPLETE", "bash_source")
            .env("PATH", "/nonexistent"),
        None,
    );
    assert_eq!(
        out.stderr,
        "Couldn't detect Bash version, shell completion is not supported.\n"
    );
    assert!(
        out.stdout_str()
            .starts_with("_s3_credentials_completion() {\n")
    );
}
