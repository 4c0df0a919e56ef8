//! Completion answers against click 8.5's, for a table of word lists: every expected
//! text is what the original 0.17 printed for the same COMP_WORDS / COMP_CWORD
//! (fixtures/cli/completion-original-0.17.json, recorded with click's test runner;
//! tests/compat/ compares the two live as well).
//! Rows whose answers carry help texts (zsh, fish) are tested separately: those texts
//! are ours.

use super::Shell::{self, *};
use super::*;

/// `[shell, COMP_WORDS, COMP_CWORD, what the original printed]` rows.
const ORIGINAL: &str = include_str!("../../../fixtures/cli/completion-original-0.17.json");

fn recorded() -> Vec<(Shell, String, String, String)> {
    let rows: Vec<[String; 4]> = serde_json::from_str(ORIGINAL).expect("the fixture is JSON");
    rows.into_iter()
        .map(|[shell, words, cword, answer]| {
            let shell = Shell::from_name(&shell).expect("a shell click knows");
            (shell, words, cword, answer)
        })
        .collect()
}

/// Options and commands that are ours, not the original's: their lines are taken out of
/// our answers before comparing (`--profile` comes with issue 14's other half; add any
/// option a command gains here too).
const ADDED: &[&str] = crate::cli::spec::NOT_IN_THE_ORIGINAL;

fn without_added(answer: &str) -> String {
    let kept: Vec<&str> = answer
        .split('\n')
        .filter(|line| {
            !ADDED
                .iter()
                .any(|a| line.strip_prefix("plain,") == Some(*a))
        })
        .collect();
    kept.join("\n")
}

fn answer(shell: Shell, words: &str, cword: &str) -> String {
    respond(shell, Some(words.to_string()), Some(cword.to_string())).unwrap()
}

#[test]
fn answers_match_the_originals_for_every_recorded_word_list() {
    let rows = recorded();
    assert!(rows.len() > 100, "only {} rows", rows.len());
    let mut wrong = Vec::new();
    for (shell, words, cword, expected) in &rows {
        let ours = without_added(&answer(*shell, words, cword));
        if ours != *expected {
            wrong.push(format!(
                "{shell:?} {words:?} {cword:?}:\n  original {expected:?}\n  ours     {ours:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn our_added_options_are_offered_where_they_belong() {
    // The word under the cursor: the last one, or a new one after a trailing space.
    let bash = |w: &str| {
        let words = split_arg_string(w).len();
        let cword = if w.ends_with(' ') { words } else { words - 1 };
        answer(Bash, w, &cword.to_string())
    };
    assert!(bash("s3-credentials get-object b k --w").contains("plain,--workers\n"));
    assert_eq!(bash("s3-credentials localserver b --to"), "plain,--token\n");
    assert_eq!(bash("s3-credentials pr"), "plain,presign\n");
    assert_eq!(
        bash("s3-credentials presign b k --method "),
        "plain,GET\nplain,PUT\n"
    );
    // Given once, not offered again: it is not repeatable.
    assert_eq!(bash("s3-credentials localserver b --token x --to"), "\n");
}

#[test]
fn zsh_and_fish_answers_carry_our_help_texts_in_clicks_layout() {
    let create = spec::find("create").unwrap().summary;
    assert_eq!(
        answer(Zsh, "s3-credentials cre", "1"),
        format!("plain\ncreate\n{create}\n")
    );
    assert_eq!(
        answer(Fish, "s3-credentials cre", "cre"),
        format!("plain,create\t{create}\n")
    );
    assert_eq!(
        answer(PowerShell, "s3-credentials cre", "1"),
        format!("plain\ncreate\n{create}\n")
    );
    // An option without a description (set-bucket-policy --policy-file): zsh's `_`
    // placeholder, fish without a tab.
    assert_eq!(
        answer(Zsh, "s3-credentials set-bucket-policy b --policy-", "3"),
        "plain\n--policy-file\n_\n"
    );
    assert_eq!(
        answer(
            Fish,
            "s3-credentials set-bucket-policy b --policy-",
            "--policy-"
        ),
        "plain,--policy-file\n"
    );
    assert_eq!(
        answer(Zsh, "s3-credentials --v", "1"),
        "plain\n--version\nShow the version and exit.\n"
    );
    assert_eq!(
        answer(Fish, "s3-credentials whoami --h", "--h"),
        "plain,--help\tShow this message and exit.\n"
    );
}

#[test]
fn zsh_escapes_colons_only_in_values_that_have_help() {
    let with = Item::plain("a:b", "help");
    let without = Item::plain("a:b", "");
    assert_eq!(format_item(Zsh, &with), "plain\na\\:b\nhelp");
    assert_eq!(format_item(Zsh, &without), "plain\na:b\n_");
    let multiline = Item::plain("v", "one\ntwo\tthree");
    assert_eq!(format_item(Fish, &multiline), "plain,v\tone\\ntwo three");
    assert_eq!(
        format_item(PowerShell, &multiline),
        "plain\nv\none two\tthree"
    );
}

#[test]
fn words_split_as_shlex_does_keeping_a_partial_last_token() {
    let cases: &[(&str, &[&str])] = &[
        ("a b  c", &["a", "b", "c"]),
        ("example 'my file", &["example", "my file"]),
        ("example my\\", &["example", "my"]),
        ("a '' b", &["a", "", "b"]),
        ("a \"\"", &["a", ""]),
        ("x\"y z\"w", &["xy zw"]),
        (r#""a\"b\x""#, &[r#"a"b\x"#]),
        (r"'a\b'", &[r"a\b"]),
        (r"a\ b", &["a b"]),
        ("\t a\n", &["a"]),
        ("", &[]),
        ("'", &[""]),
    ];
    for (text, expected) in cases {
        assert_eq!(split_arg_string(text), *expected, "{text:?}");
    }
}

#[test]
fn comp_cword_must_be_an_integer_and_both_variables_set() {
    let refused = |words: Option<&str>, cword: Option<&str>| {
        respond(Bash, words.map(String::from), cword.map(String::from))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(Some("s3-credentials"), Some("x")),
        "COMP_CWORD is not an integer: \"x\""
    );
    assert_eq!(refused(None, Some("1")), "COMP_WORDS is not set");
    assert_eq!(
        respond(Zsh, Some("s3-credentials".into()), None),
        Err(CompletionError::Unset("COMP_CWORD"))
    );
    // fish's COMP_CWORD is the current token, so any text will do.
    assert_eq!(answer(Fish, "s3-credentials cre", "cre").lines().count(), 1);
}

#[test]
fn bash_versions_compare_as_click_compares_them() {
    assert_eq!(
        major_minor("5.2.15(1)-release\n"),
        Some(("5".into(), "2".into()))
    );
    assert_eq!(major_minor("4.4.0"), Some(("4".into(), "4".into())));
    assert_eq!(major_minor("5.2"), None);
    assert_eq!(major_minor(""), None);
    assert_eq!(major_minor("x5.2.1"), None);
}

#[test]
fn the_scripts_are_clicks_with_our_names() {
    for shell in [Bash, Zsh, Fish, PowerShell] {
        let script = shell.script();
        assert!(script.contains("s3-credentials"), "{shell:?}");
        assert!(
            !script.contains("%("),
            "{shell:?}: a template slot left unfilled"
        );
    }
    assert!(
        Bash.script()
            .contains("_S3_CREDENTIALS_COMPLETE=bash_complete $1)")
    );
    assert!(Zsh.script().starts_with("#compdef s3-credentials\n"));
    assert!(
        Fish.script()
            .contains("_S3_CREDENTIALS_COMPLETE=fish_complete")
    );
    assert!(PowerShell.script().contains("'powershell_complete'"));
}
