//! Help texts in click's layout, built from the option tables in `spec/`.

use super::args::{CommandSpec, OptSpec};
use super::spec::COMMANDS;

/// click formats help for 78 columns when stdout is not a terminal of another size.
const WIDTH: usize = 78;
/// The widest the option column gets before help moves to the next line.
const COL_MAX: usize = 30;
const COL_SPACING: usize = 2;
const INDENT: usize = 2;

pub(super) const VERSION_LINE: &str = "s3-credentials, version 0.17";

/// `s3-credentials --help`.
pub(super) fn top_level() -> String {
    let mut out = String::from(
        "Usage: s3-credentials [OPTIONS] COMMAND [ARGS]...\n\n  A tool for creating credentials for accessing S3 buckets\n\n  Documentation: https://s3-credentials.readthedocs.io/\n\nOptions:\n",
    );
    definition_list(
        &mut out,
        &[
            ("--version".into(), "Show the version and exit.".into()),
            ("--help".into(), "Show this message and exit.".into()),
        ],
    );
    out.push_str("\nCommands:\n");
    let rows: Vec<(String, String)> = COMMANDS
        .iter()
        .map(|c| (c.name.to_string(), c.summary.to_string()))
        .collect();
    definition_list(&mut out, &rows);
    out
}

/// `s3-credentials COMMAND --help`.
pub(super) fn command(spec: &CommandSpec) -> String {
    let mut out = spec.usage_line();
    out.push_str("\n\n");
    out.push_str(spec.help);
    out.push_str("\n\nOptions:\n");
    let mut rows: Vec<(String, String)> = spec.options().map(option_row).collect();
    rows.push(("--help".into(), "Show this message and exit.".into()));
    definition_list(&mut out, &rows);
    out
}

fn option_row(opt: &OptSpec) -> (String, String) {
    let mut term = match opt.short {
        Some(c) => format!("-{c}, --{}", opt.long),
        None => format!("--{}", opt.long),
    };
    if !opt.set.is_flag() {
        term.push(' ');
        term.push_str(opt.metavar);
    }
    let mut help = opt.help.to_string();
    if opt.required {
        help.push_str("  [required]");
    }
    (term, help)
}

/// click's `HelpFormatter.write_dl`: terms in a column at most 30 wide, then the
/// help wrapped to the remaining width; a longer term puts its help on the next line.
fn definition_list(out: &mut String, rows: &[(String, String)]) {
    let widest = rows
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0);
    let first_col = widest.min(COL_MAX) + COL_SPACING;
    let text_width = WIDTH.saturating_sub(first_col + 2).max(10);
    for (term, help) in rows {
        out.push_str(&" ".repeat(INDENT));
        out.push_str(term);
        if help.is_empty() {
            out.push('\n');
            continue;
        }
        let len = term.chars().count();
        if len <= first_col - COL_SPACING {
            out.push_str(&" ".repeat(first_col - len));
        } else {
            out.push('\n');
            out.push_str(&" ".repeat(first_col + INDENT));
        }
        for (i, line) in wrap(help, text_width).iter().enumerate() {
            if i > 0 {
                out.push_str(&" ".repeat(first_col + INDENT));
            }
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// Greedy word wrap (Python's textwrap without hyphen splitting).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        // "[required]" keeps the two spaces click puts before it.
        let sep = if word == "[required]" { "  " } else { " " };
        if !line.is_empty() && line.chars().count() + sep.len() + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(sep);
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::spec::find;

    #[test]
    fn option_column_matches_click_layout() {
        let help = command(find("whoami").unwrap());
        assert!(help.starts_with("Usage: s3-credentials whoami [OPTIONS]\n\n"));
        assert!(help.contains("\n  --access-key TEXT     AWS access key ID\n"));
        assert!(help.contains("\n  -a, --auth FILENAME   "));
        assert!(help.ends_with("  --help                Show this message and exit.\n"));
    }

    #[test]
    fn long_terms_push_help_to_the_next_line() {
        let help = command(find("create").unwrap());
        assert!(help.contains(
            "\n  --user-permissions-boundary TEXT\n                                  Permissions"
        ));
        assert!(help.contains("\n  -f, --format [ini|json]         Output format"));
        for line in help.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line}");
        }
    }

    #[test]
    fn required_options_are_marked() {
        let help = command(find("localserver").unwrap());
        assert!(help.contains("[required]"));
        assert!(help.starts_with("Usage: s3-credentials localserver [OPTIONS] BUCKET\n"));
    }

    #[test]
    fn usage_lines_match_the_original() {
        let expect = [
            (
                "create",
                "Usage: s3-credentials create [OPTIONS] BUCKETS...",
            ),
            (
                "delete-objects",
                "Usage: s3-credentials delete-objects [OPTIONS] BUCKET [KEYS]...",
            ),
            (
                "list-buckets",
                "Usage: s3-credentials list-buckets [OPTIONS] [BUCKETS]...",
            ),
            ("list-users", "Usage: s3-credentials list-users [OPTIONS]"),
            (
                "put-object",
                "Usage: s3-credentials put-object [OPTIONS] BUCKET KEY PATH",
            ),
        ];
        for (name, line) in expect {
            assert_eq!(find(name).unwrap().usage_line(), line);
        }
    }

    #[test]
    fn top_level_lists_every_command() {
        let help = top_level();
        for c in COMMANDS {
            assert!(help.contains(&format!("\n  {} ", c.name)), "{}", c.name);
        }
        assert!(help.contains("  --version  Show the version and exit.\n"));
    }
}
