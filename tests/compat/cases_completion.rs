//! Shell completion, click's protocol: the scripts `{shell}_source` prints and the answers
//! to `{shell}_complete` for word lists that exercise each of click's rules (command and
//! option names, options already given, `--`, `--opt=value`, Choice values, file and
//! directory types, arguments in order, unknown options, quoting), and every command's
//! option list in every shell.
//!
//! bash answers carry no descriptions and must be identical. zsh, fish and PowerShell
//! answers carry each item's description, and ours are in our own words: there the
//! type and value of every item must match, and whether it has a description at all
//! (zsh's `_`, fish's tab), but not the description's text.

use crate::compat::model::{Scenario, Seen, Server, Step, run, scenario};
use crate::compat::runner::same;

/// Options and commands that are ours, not the original's, which completion offers too.
const ADDED: &[&str] = s3_credentials::cli::spec::NOT_IN_THE_ORIGINAL;

/// (COMP_WORDS, COMP_CWORD) for bash, zsh and PowerShell.
const WORDS: &[(&str, &str)] = &[
    ("s3-credentials ", "1"),
    ("s3-credentials cre", "1"),
    ("s3-credentials list-", "1"),
    ("s3-credentials -", "1"),
    ("s3-credentials --version -", "2"),
    ("s3-credentials nosuch cre", "2"),
    ("s3-credentials -x create -", "3"),
    ("s3-credentials create -", "2"),
    ("s3-credentials create -c --re", "3"),
    ("s3-credentials create --statement x --st", "4"),
    ("s3-credentials create --format ", "3"),
    ("s3-credentials create -f j", "3"),
    ("s3-credentials create --format=", "2"),
    ("s3-credentials create --format json --f", "4"),
    ("s3-credentials create b -- -", "4"),
    ("s3-credentials create --nope --read-only -", "4"),
    ("s3-credentials create --auth=some/pa", "2"),
    ("s3-credentials whoami -", "2"),
    ("s3-credentials get-object b k -o ", "5"),
    ("s3-credentials get-objects b --output ", "4"),
    ("s3-credentials get-objects b -s -", "4"),
    ("s3-credentials put-object b ", "3"),
    ("s3-credentials put-object b k 'my fi", "4"),
    ("s3-credentials put-object b --nope k ", "5"),
    ("s3-credentials put-object -- b k -", "5"),
    ("s3-credentials set-bucket-policy b --policy-file ", "4"),
    ("s3-credentials set-cors-policy b -m GET -", "5"),
    ("s3-credentials localserver b --", "3"),
    ("s3-credentials list-bucket b --nl --", "4"),
    ("s3-credentials delete-objects b -d -", "4"),
];

/// (COMP_WORDS, COMP_CWORD) as fish sends them: the line, and the current token.
const FISH_WORDS: &[(&str, &str)] = &[
    ("s3-credentials ", ""),
    ("s3-credentials cre", "cre"),
    ("s3-credentials create --f", "--f"),
    ("s3-credentials create --format j", "j"),
    ("s3-credentials get-object b k -o ou", "ou"),
    ("s3-credentials get-objects b -o ", ""),
    ("s3-credentials put-object b 'my k' 'fi", "'fi"),
    ("s3-credentials list-users -", "-"),
];

pub fn scenarios() -> Vec<Scenario> {
    let mut s = scenario("shell completion", Server::Offline);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        s = s.step(run(&[]).env("_S3_CREDENTIALS_COMPLETE", &format!("{shell}_source")));
    }
    // Not a shell click knows, not an instruction it knows: exit 1, nothing printed.
    s = s
        .step(run(&["whoami"]).env("_S3_CREDENTIALS_COMPLETE", "tcsh_complete"))
        .step(run(&[]).env("_S3_CREDENTIALS_COMPLETE", "bash_nonsense"));
    for shell in ["bash", "zsh", "powershell"] {
        for (words, cword) in WORDS {
            s = s.step(answer(shell, words, cword));
        }
    }
    for (words, cword) in FISH_WORDS {
        s = s.step(answer("fish", words, cword));
    }
    // Every command's options, in every shell.
    for command in crate::compat::cases_offline::COMMANDS {
        let words = format!("s3-credentials {command} -");
        for shell in ["bash", "zsh", "powershell"] {
            s = s.step(answer(shell, &words, "2"));
        }
        s = s.step(answer("fish", &words, "-"));
    }
    vec![s]
}

fn answer(shell: &str, words: &str, cword: &str) -> Step {
    let step = run(&[])
        .env("_S3_CREDENTIALS_COMPLETE", &format!("{shell}_complete"))
        .env("COMP_WORDS", words)
        .env("COMP_CWORD", cword);
    let shell = shell.to_string();
    step.custom(
        "items compared by type and value; descriptions are in our own words (zsh, fish and PowerShell show them), and our added options are left out",
        move |original, ours| {
            let original = Seen {
                stdout: comparable(&shell, &original.stdout),
                ..original.clone()
            };
            let ours = Seen {
                stdout: comparable(&shell, &ours.stdout),
                ..ours.clone()
            };
            same(&original, &ours)
        },
    )
}

/// The answer as (type, value, has a description) items, one per line, without our added
/// options.
fn comparable(shell: &str, stdout: &str) -> String {
    let body = stdout.strip_suffix('\n').unwrap_or(stdout);
    if body.is_empty() {
        return String::new();
    }
    let items: Vec<(String, String, bool)> = match shell {
        "bash" => body
            .split('\n')
            .map(|l| {
                let (kind, value) = l.split_once(',').unwrap_or((l, ""));
                (kind.to_string(), value.to_string(), false)
            })
            .collect(),
        "fish" => body
            .split('\n')
            .map(|l| {
                let (item, help) = l.split_once('\t').unwrap_or((l, ""));
                let (kind, value) = item.split_once(',').unwrap_or((item, ""));
                (kind.to_string(), value.to_string(), !help.is_empty())
            })
            .collect(),
        // zsh and PowerShell: type, value, description ("_" for none) on three lines.
        _ => {
            let lines: Vec<&str> = body.split('\n').collect();
            lines
                .chunks(3)
                .map(|c| {
                    let help = c.get(2).copied().unwrap_or("<missing>");
                    (
                        c[0].to_string(),
                        c.get(1).copied().unwrap_or("<missing>").to_string(),
                        help != "_",
                    )
                })
                .collect()
        }
    };
    items
        .into_iter()
        .filter(|(_, value, _)| !ADDED.contains(&value.as_str()))
        .map(|(kind, value, help)| format!("{kind} {value:?} described: {help}\n"))
        .collect()
}
