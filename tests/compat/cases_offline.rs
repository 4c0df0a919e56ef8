//! Cases that need no server: help, usage errors, `policy`, `create --dry-run`, and the
//! checks commands make before their first request.

use crate::compat::model::{Scenario, Seen, Server, Step, run, scenario};

/// A statement for `--statement`, with non-ASCII text (escaped as \uXXXX by json.dumps).
pub const STATEMENT: &str = r#"{"Effect": "Allow", "Action": "s3:GetObjectTagging", "Resource": "arn:aws:s3:::b/*", "Sid": "caf\u00e9"}"#;

/// A `--policy` document with the bucket placeholder.
pub const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/*"]}]}"#;

pub const COMMANDS: &[&str] = &[
    "create",
    "debug-bucket",
    "delete-objects",
    "delete-user",
    "get-bucket-policy",
    "get-cors-policy",
    "get-object",
    "get-objects",
    "get-public-access-block",
    "list-bucket",
    "list-buckets",
    "list-roles",
    "list-user-policies",
    "list-users",
    "localserver",
    "policy",
    "put-object",
    "put-objects",
    "set-bucket-policy",
    "set-cors-policy",
    "set-public-access-block",
    "whoami",
];

pub fn scenarios() -> Vec<Scenario> {
    vec![help(), usage_errors(), policy(), create_dry_run()]
}

/// Options we add on purpose: (command, long option, reason); `*` is every command.
const ADDED_OPTIONS: &[(&str, &str, &str)] = &[
    (
        "*",
        "--profile",
        "choose a profile without setting AWS_PROFILE (asked for upstream, issue 73)",
    ),
    (
        "localserver",
        "--token",
        "a bearer token the server can require, so other local users cannot read the credentials",
    ),
    ("get-objects", "--workers", "parallel transfers"),
    ("put-objects", "--workers", "parallel transfers"),
    ("get-object", "--workers", "parallel ranged downloads"),
    ("put-object", "--workers", "parallel multipart uploads"),
    (
        "create",
        "--tag",
        "tags on what create makes (upstream issue 80)",
    ),
    (
        "create",
        "--deactivate-existing-keys",
        "key rotation (upstream issue 60)",
    ),
    (
        "create",
        "--delete-oldest-key",
        "a way past IAM's two-key limit (upstream issue 64)",
    ),
    (
        "create",
        "--wait",
        "waiting until a new key works (IAM eventual consistency)",
    ),
    (
        "create",
        "--expires",
        "access keys that stop working at a time",
    ),
    (
        "policy",
        "--expires",
        "the same expiry statement in the printed policy",
    ),
];

/// Commands we add on purpose: (command, reason).
const ADDED_COMMANDS: &[(&str, &str)] = &[
    ("presign", "presigned URLs for one object"),
    (
        "delete-bucket",
        "deleting buckets, emptied first with --force (upstream issue 50)",
    ),
    (
        "list-credentials",
        "an inventory of the access keys handed out, with last use and expiry",
    ),
    (
        "revoke-sessions",
        "revoking the temporary credentials issued so far",
    ),
];

/// The parts of a help text that must match: the usage line, each option's terms
/// (`-f, --format [ini|json]`: names, short flags, metavars) and the command names.
/// Descriptions are deliberately in our own words and are not compared.
fn help_shape(text: &str) -> (String, Vec<String>, Vec<String>) {
    let usage = text.lines().next().unwrap_or_default().to_string();
    let (mut options, mut commands) = (Vec::new(), Vec::new());
    let mut section = "";
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line;
            continue;
        }
        let Some(entry) = line.strip_prefix("  ") else {
            continue;
        };
        if entry.starts_with(' ') || entry.is_empty() {
            continue; // a wrapped description
        }
        let term = entry.split("  ").next().unwrap_or_default().to_string();
        match section {
            "Options:" => options.push(term),
            "Commands:" => commands.push(term),
            _ => {}
        }
    }
    (usage, options, commands)
}

fn same_help_shape(original: &Seen, ours: &Seen) -> Result<(), String> {
    let (o_usage, o_options, o_commands) = help_shape(&original.stdout);
    let (u_usage, u_options, mut u_commands) = help_shape(&ours.stdout);
    u_commands.retain(|c| !ADDED_COMMANDS.iter().any(|(added, _)| added == c));
    let command = o_usage.split_whitespace().nth(2).unwrap_or_default();
    let ours_kept: Vec<String> = u_options
        .iter()
        .filter(|term| {
            !ADDED_OPTIONS.iter().any(|(c, long, _)| {
                (*c == "*" || *c == command) && term.split([' ', ',']).any(|w| w == *long)
            })
        })
        .cloned()
        .collect();
    let mut problems = Vec::new();
    if (original.code, &original.stderr) != (ours.code, &ours.stderr) {
        problems.push(format!(
            "exit/stderr: original {} {:?}, ours {} {:?}",
            original.code, original.stderr, ours.code, ours.stderr
        ));
    }
    if o_usage != u_usage {
        problems.push(format!(
            "usage line: original {o_usage:?}, ours {u_usage:?}"
        ));
    }
    if o_options != ours_kept {
        problems.push(format!(
            "option terms:\n  original {o_options:?}\n  ours     {u_options:?}"
        ));
    }
    if o_commands != u_commands {
        problems.push(format!(
            "commands:\n  original {o_commands:?}\n  ours     {u_commands:?}"
        ));
    }
    if o_options.is_empty() {
        problems.push("no options found in the original's help".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

const HELP_REASON: &str = "help descriptions are in our own words; usage line, option names, short flags, metavars and command names must match (--profile everywhere, localserver --token, --workers on transfers, create's --tag, --deactivate-existing-keys, --delete-oldest-key and --wait, --expires, and the presign, delete-bucket, list-credentials and revoke-sessions commands are our additions)";

fn help() -> Scenario {
    let mut s = scenario("help and version", Server::Offline)
        .step(run(&["--version"]))
        .step(run(&["--help"]).custom(HELP_REASON, same_help_shape))
        // No command: click prints the group's help on stderr and exits 2.
        .step(run(&[]).custom(HELP_REASON, |o, u| {
            let swap = |s: &Seen| Seen {
                stdout: s.stderr.clone(),
                stderr: s.stdout.clone(),
                ..s.clone()
            };
            same_help_shape(&swap(o), &swap(u))
        }));
    for command in COMMANDS {
        s = s.step(run(&[command, "--help"]).custom(HELP_REASON, same_help_shape));
    }
    // --help wins over errors anywhere on the line.
    s.step(run(&["create", "-d", "abc", "--help"]).custom(HELP_REASON, same_help_shape))
        // ... but not over an unknown option before it is reached.
        .step(run(&["get-object", "--help", "--nope"]))
}

fn usage_errors() -> Scenario {
    let mut s = scenario("usage errors", Server::Offline)
        .file("afile", "x")
        .file("adir/keep", "x")
        .file("bad.json", "{\"Version\": ")
        .step(run(&["--nope"]))
        .step(run(&["nosuch"]))
        .step(run(&["list-buckts"]));
    for command in COMMANDS {
        let step = run(&[command, "--nope"]);
        s = s.step(match *command {
            // click suggests close option names; `--token` is close enough to `--nope`.
            "localserver" => step.custom(
                "our added --token option is offered as a close match",
                |original, ours| {
                    let expected = original.stderr.replace(
                        "Error: No such option '--nope'.",
                        "Error: No such option '--nope'. Did you mean '--token'?",
                    );
                    crate::compat::runner::same(
                        &Seen {
                            stderr: expected,
                            ..original.clone()
                        },
                        ours,
                    )
                },
            ),
            _ => step,
        });
    }
    let missing_argument: &[&[&str]] = &[
        &["create"],
        &["policy"],
        &["delete-user"],
        &["list-bucket"],
        &["get-object"],
        &["get-object", "b"],
        &["put-object", "b", "k"],
        &["put-objects", "b"],
        &["get-objects"],
        &["delete-objects"],
        &["get-cors-policy"],
        &["set-cors-policy"],
        &["get-bucket-policy"],
        &["set-bucket-policy"],
        &["get-public-access-block"],
        &["set-public-access-block"],
        &["debug-bucket"],
        &["localserver"],
        &["localserver", "b"],
        &["localserver", "b", "extra"],
        &["localserver", "-p", "1"],
    ];
    for args in missing_argument {
        s = s.step(run(args));
    }
    let bad_values: &[&[&str]] = &[
        // An option without its value.
        &["list-bucket", "b", "--prefix"],
        &["policy", "b", "--prefix"],
        &["get-objects", "b", "-p"],
        &["set-cors-policy", "b", "-m"],
        &["whoami", "--auth"],
        &["create", "b", "-f"],
        // A flag given a value, extra arguments, a near-miss option name.
        &["list-users", "--nl=1"],
        &["list-users", "extra"],
        &["whoami", "one", "two"],
        &["get-object", "b", "k", "extra"],
        &["policy", "b", "--read"],
        &["create", "b", "--formt", "json"],
        // Types: choices, durations, integers, booleans, JSON.
        &["create", "b", "-f", "xml"],
        &["create", "b", "-d", "abc"],
        &["create", "b", "-d", "14m"],
        &["create", "b", "-d", "13h"],
        &["create", "b", "--duration", "1.5h"],
        &["localserver", "b", "-d", "5m"],
        &["localserver", "b", "-d", "15m", "-p", "abc"],
        &["set-cors-policy", "b", "--max-age-seconds", "abc"],
        &[
            "set-public-access-block",
            "b",
            "--block-public-acls",
            "maybe",
        ],
        &["policy", "b", "--statement", "x"],
        &["policy", "b", "--statement", "[1]"],
        &["policy", "b", "--statement", "{}"],
        &["policy", "b", "--statement", r#"{"Effect": "Allow"}"#],
        &["create", "b", "--statement", "{\"Effect\""],
        &["localserver", "b", "-d", "15m", "--statement", "{}"],
        &["create", "b", "--policy", "{bad"],
        &["create", "b", "--policy", "bad.json"],
        &["create", "b", "--policy", "missing.json"],
        // Files and directories.
        &["put-object", "b", "k", "missing.txt"],
        &["put-object", "b", "k", "adir"],
        &["get-object", "b", "k", "-o", "adir"],
        &["get-objects", "b", "-o", "afile"],
        &["whoami", "--auth", "missing.json"],
        &["list-buckets", "-a", "adir"],
        &["set-bucket-policy", "b", "--policy-file", "missing.json"],
        // Checked before any request is made.
        &["create", "b", "--read-only", "--write-only"],
        &[
            "localserver",
            "b",
            "-d",
            "15m",
            "--read-only",
            "--write-only",
        ],
        &["policy", "a", "b", "--public-bucket"],
    ];
    for args in bad_values {
        s = s.step(run(args));
    }
    s.step(run(&["create", "b", "--policy", "-"]).stdin("not json"))
        .step(run(&["create", "b", "--policy", "-"]).stdin(""))
}

fn policy() -> Scenario {
    let cases: &[&[&str]] = &[
        &["policy", "b"],
        &["policy", "b", "--read-only"],
        &["policy", "b", "--write-only"],
        &["policy", "b", "--read-only", "--write-only"],
        &["policy", "b", "--prefix", "my-prefix/"],
        &["policy", "b", "--read-only", "--prefix", "x*"],
        &["policy", "b", "--statement", STATEMENT],
        &[
            "policy",
            "b",
            "--statement",
            STATEMENT,
            "--statement",
            STATEMENT,
        ],
        &["policy", "one", "two.dotted", "--write-only"],
        &["policy", "b", "--public-bucket"],
        &["policy", "café", "--read-only"],
        &["policy", "--", "-dash"],
    ];
    scenario("policy", Server::Offline)
        .steps(cases.iter().map(|a| run(a)))
        .step(
            run(&["policy", "b", "--prefix", "a", "--prefix", "last/"]).custom(
                "--prefix is repeatable (upstream issue 56): every prefix is allowed, where the original keeps only the last",
                repeated_prefixes,
            ),
        )
}

/// The original's document for the last prefix; ours the same statements with both.
fn repeated_prefixes(original: &Seen, ours: &Seen) -> Result<(), String> {
    let parse = |s: &Seen| -> Result<serde_json::Value, String> {
        serde_json::from_str(&s.stdout).map_err(|e| format!("not JSON ({e}): {}", s.stdout))
    };
    let (theirs, mine) = (parse(original)?, parse(ours)?);
    let prefixes = |doc: &serde_json::Value| {
        doc["Statement"][1]["Condition"]["StringLike"]["s3:prefix"].clone()
    };
    let objects = |doc: &serde_json::Value| doc["Statement"][2]["Resource"].clone();
    let checks = [
        (prefixes(&theirs), serde_json::json!(["last/*"])),
        (prefixes(&mine), serde_json::json!(["a*", "last/*"])),
        (
            objects(&theirs),
            serde_json::json!(["arn:aws:s3:::b/last/*"]),
        ),
        (
            objects(&mine),
            serde_json::json!(["arn:aws:s3:::b/a*", "arn:aws:s3:::b/last/*"]),
        ),
    ];
    for (seen, expected) in checks {
        if seen != expected {
            return Err(format!("expected {expected}, got {seen}"));
        }
    }
    if (original.code, ours.code) != (0, 0) || !ours.stderr.is_empty() {
        return Err(format!(
            "exit codes {} / {}: {}",
            original.code, ours.code, ours.stderr
        ));
    }
    Ok(())
}

fn create_dry_run() -> Scenario {
    let cases: &[&[&str]] = &[
        &["create", "b", "--dry-run"],
        &["create", "b", "c", "--dry-run", "--read-only"],
        &[
            "create",
            "b",
            "--dry-run",
            "--write-only",
            "--prefix",
            "up/",
        ],
        &["create", "b", "--dry-run", "-c", "--public"],
        &["create", "b", "c", "--dry-run", "--website"],
        &["create", "b", "--dry-run", "--bucket-region", "eu-west-1"],
        &["create", "b", "--dry-run", "--username", "someone"],
        &[
            "create",
            "b",
            "--dry-run",
            "--user-permissions-boundary",
            "none",
        ],
        &[
            "create",
            "b",
            "--dry-run",
            "--user-permissions-boundary",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        ],
        &["create", "b", "--dry-run", "--statement", STATEMENT],
        &[
            "create",
            "b",
            "--dry-run",
            "--statement",
            STATEMENT,
            "--user-permissions-boundary",
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        ],
        &["create", "b", "c", "--dry-run", "--policy", POLICY],
        &["create", "b", "--dry-run", "--policy", "policy.json"],
        &[
            "create",
            "b",
            "--dry-run",
            "--policy",
            "  {\"Version\": \"2012-10-17\", \"Statement\": []}",
        ],
        &["create", "b", "--dry-run", "-d", "15m"],
        &["create", "b", "c", "--dry-run", "-d", "1h", "--read-only"],
        &[
            "create",
            "b",
            "--dry-run",
            "--duration",
            "900",
            "--write-only",
            "--prefix",
            "p/",
        ],
        &[
            "create",
            "b",
            "--dry-run",
            "-d",
            "3600s",
            "--statement",
            STATEMENT,
        ],
        &["create", "b", "--dry-run", "-d", "12h", "--policy", POLICY],
        &["create", "b", "--dry-run", "-f", "ini", "--silent"],
        &["create", "b", "-cfini", "--dry-run"],
        &["create", "café", "--dry-run", "--public"],
    ];
    scenario("create --dry-run", Server::Offline)
        .file("policy.json", POLICY)
        .steps(cases.iter().map(|a| run(a)))
        .step(run(&["create", "b", "--dry-run", "--policy", "-"]).stdin(POLICY))
        .step(multi_bucket_policy())
}

/// `--policy` with the placeholder, several buckets and `--duration`: the original builds
/// the session policy with only the last bucket substituted (a leaked loop variable), so
/// the credentials cannot reach the other buckets. We combine every bucket's statements.
fn multi_bucket_policy() -> Step {
    fn document(buckets: &[&str]) -> String {
        let statements: Vec<String> = buckets
            .iter()
            .map(|b| {
                format!(
                    "        {{\n            \"Effect\": \"Allow\",\n            \"Action\": [\n                \"s3:GetObject\"\n            ],\n            \"Resource\": [\n                \"arn:aws:s3:::{b}/*\"\n            ]\n        }}"
                )
            })
            .collect();
        format!(
            "{{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n{}\n    ]\n}}\n",
            statements.join(",\n")
        )
    }
    const HEAD: &str = "Would create bucket: 'one'\nWould create bucket: 'two'\nWould ensure role: 's3-credentials.AmazonS3FullAccess'\nWould assume role using following policy for 900 seconds:\n";
    run(&["create", "one", "two", "--dry-run", "-d", "15m", "--policy", POLICY]).custom(
        "the original substitutes $!BUCKET_NAME!$ with the last bucket only in the session policy; we include every bucket's statements",
        |original, ours| {
            let theirs = format!("{HEAD}{}", document(&["two"]));
            let wanted = format!("{HEAD}{}", document(&["one", "two"]));
            if original.stdout != theirs || original.code != 0 {
                return Err(format!("the original changed:\n{}", crate::compat::runner::show(original)));
            }
            crate::compat::runner::same(
                &Seen {
                    stdout: wanted,
                    ..original.clone()
                },
                ours,
            )
        },
    )
}
