//! Shell completion with click 8's protocol, answered from the option tables in `spec/`.
//!
//! `_S3_CREDENTIALS_COMPLETE=bash_source s3-credentials` (or `zsh_source`, `fish_source`,
//! `powershell_source`) prints the script a shell sources; the script calls back with
//! `_S3_CREDENTIALS_COMPLETE=bash_complete` and the words typed so far in `COMP_WORDS` /
//! `COMP_CWORD`, and gets one completion per item back. Users of the original follow
//! click's instructions, so everything here is click 8.5's behaviour, rule for rule:
//! `_resolve_context` (a parse that never fails, stopping quietly at the first thing it
//! cannot parse), `_resolve_incomplete` (after `--`, option values, the first argument
//! still open, else command and option names), and each shell's `format_completion`.

mod scripts;
#[cfg(test)]
mod tests;

use std::io::Write;

use super::args::{ArgConv, CommandSpec, OptSpec, Set};
use super::spec::{self, COMMANDS};

/// The variable click derives from the program name: `_{PROG_NAME}_COMPLETE`.
pub(super) const COMPLETE_VAR: &str = "_S3_CREDENTIALS_COMPLETE";

const HELP_HELP: &str = "Show this message and exit.";
const VERSION_HELP: &str = "Show the version and exit.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// `PowerShell` is the shell's own name, not a repetition of the enum's.
#[allow(clippy::enum_variant_names)]
pub(super) enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
}

impl Shell {
    fn from_name(name: &str) -> Option<Shell> {
        match name {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            "powershell" => Some(Shell::PowerShell),
            _ => None,
        }
    }

    pub(super) fn script(self) -> &'static str {
        match self {
            Shell::Bash => scripts::BASH,
            Shell::Zsh => scripts::ZSH,
            Shell::Fish => scripts::FISH,
            Shell::PowerShell => scripts::POWERSHELL,
        }
    }
}

/// One suggestion: click's CompletionItem. `kind` is `plain`, or `file` / `dir` to ask
/// the shell for its own path completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub kind: &'static str,
    pub value: String,
    pub help: Option<String>,
}

impl Item {
    fn plain(value: &str, help: &str) -> Item {
        Item {
            kind: "plain",
            value: value.to_string(),
            help: (!help.is_empty()).then(|| help.to_string()),
        }
    }

    fn path(kind: &'static str, incomplete: &str) -> Item {
        Item {
            kind,
            value: incomplete.to_string(),
            help: None,
        }
    }
}

/// When `_S3_CREDENTIALS_COMPLETE` is set (and not empty), answer it and return the exit
/// code, as click does before it looks at the command line at all.
pub(super) fn from_process_env() -> Option<i32> {
    use crate::aws::config::{Env, ProcessEnv};
    let instruction = ProcessEnv.var(COMPLETE_VAR)?;
    // Set but empty is not unset here: fish completes an empty word.
    let var = |name: &str| {
        ProcessEnv
            .var_raw(name)
            .map(|v| v.to_string_lossy().into_owned())
    };
    let (shell, action) = instruction.split_once('_').unwrap_or((&instruction, ""));
    // click: an unknown shell or instruction exits 1 without a word.
    let Some(shell) = Shell::from_name(shell) else {
        return Some(1);
    };
    let mut out = std::io::stdout().lock();
    let code = match action {
        "source" => {
            if shell == Shell::Bash {
                if let Some(warning) = bash_version_warning() {
                    super::echo_err(warning);
                }
            }
            let _ = out.write_all(shell.script().as_bytes());
            0
        }
        "complete" => match respond(shell, var("COMP_WORDS"), var("COMP_CWORD")) {
            Ok(text) => {
                let _ = out.write_all(text.as_bytes());
                0
            }
            Err(message) => {
                super::echo_err(format!("Error: {message}"));
                1
            }
        },
        _ => 1,
    };
    let _ = out.flush();
    Some(code)
}

/// Why a completion request could not be answered (printed as `Error: ...`, exit 1).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CompletionError {
    /// The shell function did not set this variable.
    Unset(&'static str),
    /// `COMP_CWORD` is not a number.
    BadCword(String),
}

impl std::fmt::Display for CompletionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompletionError::Unset(var) => write!(f, "{var} is not set"),
            CompletionError::BadCword(cword) => {
                write!(f, "COMP_CWORD is not an integer: {cword:?}")
            }
        }
    }
}

impl std::error::Error for CompletionError {}

/// The text click prints for a `{shell}_complete` call: one formatted item per line,
/// and a final newline even when there is nothing to suggest.
pub(super) fn respond(
    shell: Shell,
    comp_words: Option<String>,
    comp_cword: Option<String>,
) -> Result<String, CompletionError> {
    let words = comp_words.ok_or(CompletionError::Unset("COMP_WORDS"))?;
    let cword = comp_cword.ok_or(CompletionError::Unset("COMP_CWORD"))?;
    let (args, incomplete) = completion_args(shell, &words, &cword)?;
    let items = completions(args, &incomplete);
    let lines: Vec<String> = items.iter().map(|i| format_item(shell, i)).collect();
    Ok(format!("{}\n", lines.join("\n")))
}

/// The complete words before the cursor and the word being completed, as each shell's
/// `get_completion_args` reads them.
fn completion_args(
    shell: Shell,
    words: &str,
    cword: &str,
) -> Result<(Vec<String>, String), CompletionError> {
    let cwords = split_arg_string(words);
    if shell == Shell::Fish {
        // fish passes the current token itself, and it is also the last word.
        let incomplete = if cword.is_empty() {
            String::new()
        } else {
            split_arg_string(cword)
                .into_iter()
                .next()
                .unwrap_or_default()
        };
        let mut args: Vec<String> = cwords.into_iter().skip(1).collect();
        if !incomplete.is_empty() && args.last() == Some(&incomplete) {
            args.pop();
        }
        return Ok((args, incomplete));
    }
    let index: i64 = cword
        .trim()
        .parse()
        .map_err(|_| CompletionError::BadCword(cword.to_string()))?;
    // Python's cwords[1:cword] and cwords[cword], negative indexes included.
    let len = cwords.len() as i64;
    let resolve = |i: i64| if i < 0 { i + len } else { i };
    let end = resolve(index).clamp(0, len) as usize;
    let start = 1.min(cwords.len());
    let args = cwords
        .get(start..end.max(start))
        .unwrap_or_default()
        .to_vec();
    let at = resolve(index);
    let incomplete = if (0..len).contains(&at) {
        cwords[at as usize].clone()
    } else {
        String::new()
    };
    Ok((args, incomplete))
}

fn format_item(shell: Shell, item: &Item) -> String {
    match shell {
        Shell::Bash => format!("{},{}", item.kind, item.value),
        Shell::Zsh => match &item.help {
            // zsh's _describe splits value from help at the first colon.
            Some(help) => format!(
                "{}\n{}\n{}",
                item.kind,
                item.value.replace(':', "\\:"),
                help
            ),
            None => format!("{}\n{}\n_", item.kind, item.value),
        },
        Shell::Fish => match &item.help {
            Some(help) => format!(
                "{},{}\t{}",
                item.kind,
                item.value,
                help.replace('\n', "\\n").replace('\t', " ")
            ),
            None => format!("{},{}", item.kind, item.value),
        },
        Shell::PowerShell => {
            let help = match &item.help {
                Some(h) => h.replace(['\r', '\n'], " "),
                None => "_".to_string(),
            };
            format!("{}\n{}\n{}", item.kind, item.value, help)
        }
    }
}

/// click's `split_arg_string`: `shlex.split` in POSIX mode that keeps a partial last
/// token (an open quote or a trailing backslash) instead of failing.
pub(super) fn split_arg_string(s: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum State {
        Space,
        Word,
        Quote(char),
        Escape(Option<char>),
    }
    let mut out = Vec::new();
    let mut token = String::new();
    let mut quoted = false;
    let mut state = State::Space;
    for c in s.chars() {
        match state {
            State::Space | State::Word => {
                if " \t\r\n".contains(c) {
                    if !token.is_empty() || quoted {
                        out.push(std::mem::take(&mut token));
                    }
                    quoted = false;
                    state = State::Space;
                } else if c == '\\' {
                    state = State::Escape(None);
                } else if c == '"' || c == '\'' {
                    state = State::Quote(c);
                } else {
                    token.push(c);
                    state = State::Word;
                }
            }
            State::Quote(q) => {
                quoted = true;
                if c == q {
                    state = State::Word;
                } else if c == '\\' && q == '"' {
                    state = State::Escape(Some(q));
                } else {
                    token.push(c);
                }
            }
            State::Escape(within) => {
                // Inside double quotes only the quote and the backslash are escaped.
                if within.is_some() && c != '\\' && Some(c) != within {
                    token.push('\\');
                }
                token.push(c);
                state = match within {
                    Some(q) => State::Quote(q),
                    None => State::Word,
                };
            }
        }
    }
    match state {
        // shlex stops with an error here; click keeps the token as far as it got.
        State::Quote(_) | State::Escape(_) => out.push(token),
        _ if !token.is_empty() || quoted => out.push(token),
        _ => {}
    }
    out
}

/// What the resilient parse of one command's words found.
#[derive(Default)]
struct Parsed {
    /// Long names of options given (their values are not needed).
    given: Vec<&'static str>,
    /// Positional words, or None when parsing stopped at an error: click then assigns
    /// no argument at all.
    positionals: Option<usize>,
}

/// Where completion happens: the group (no command named yet, or an unknown one) or a
/// command, with what was given on the command line.
enum Ctx {
    Group { given: Vec<&'static str> },
    Command(&'static CommandSpec, Parsed),
}

fn resolve_context(args: &[String]) -> Ctx {
    // The group takes --version and --help, and stops at its first positional.
    let mut given = Vec::new();
    let mut rest: &[String] = &[];
    for (i, arg) in args.iter().enumerate() {
        match arg.as_str() {
            "--" => {
                rest = &args[i + 1..];
                break;
            }
            "--version" => given.push("version"),
            "--help" => given.push("help"),
            a if a.len() > 1 && a.starts_with('-') => {
                // Unknown, or `--help=x`: click's parser gives up, nothing follows.
                rest = &[];
                break;
            }
            _ => {
                rest = &args[i..];
                break;
            }
        }
    }
    match rest.split_first() {
        Some((name, words)) => match spec::find(name) {
            Some(spec) => Ctx::Command(spec, parse_command(spec, words)),
            None => Ctx::Group { given },
        },
        None => Ctx::Group { given },
    }
}

/// click's parser over one command's words, recording what it saw until the first
/// error (unknown option, missing value, a value given to a flag).
fn parse_command(spec: &'static CommandSpec, words: &[String]) -> Parsed {
    let mut parsed = Parsed::default();
    let mut positionals = 0;
    let mut i = 0;
    while i < words.len() {
        let arg = words[i].as_str();
        i += 1;
        if arg == "--" {
            positionals += words.len() - i;
            break;
        }
        if !(arg.starts_with('-') && arg.len() > 1) {
            positionals += 1;
            continue;
        }
        let (name, explicit) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg, None),
        };
        if let Some(long) = name.strip_prefix("--") {
            let opt = spec.options().find(|o| o.long == long);
            match (opt, long == "help") {
                (Some(o), _) if !o.set.is_flag() => {
                    if explicit.is_none() {
                        if i >= words.len() {
                            return parsed;
                        }
                        i += 1;
                    }
                    parsed.given.push(o.long);
                }
                (Some(o), _) if explicit.is_none() => parsed.given.push(o.long),
                (None, true) if explicit.is_none() => parsed.given.push("help"),
                _ => return parsed,
            }
            continue;
        }
        // Short options, combined (`-cs`); one that takes a value takes the rest of
        // the word, or the next word.
        let chars: Vec<char> = arg.chars().skip(1).collect();
        for (n, c) in chars.iter().enumerate() {
            let Some(o) = spec.options().find(|o| o.short == Some(*c)) else {
                return parsed;
            };
            parsed.given.push(o.long);
            if !o.set.is_flag() {
                if n + 1 == chars.len() {
                    if i >= words.len() {
                        parsed.given.pop();
                        return parsed;
                    }
                    i += 1;
                }
                break;
            }
        }
    }
    parsed.positionals = Some(positionals);
    parsed
}

/// click's `_resolve_incomplete` and then the chosen object's `shell_complete`.
pub(super) fn completions(mut args: Vec<String>, incomplete: &str) -> Vec<Item> {
    let ctx = resolve_context(&args);
    let mut incomplete = incomplete.to_string();
    // `--opt=value`: complete the value of --opt.
    if incomplete == "=" {
        incomplete.clear();
    } else if incomplete.starts_with('-') {
        if let Some((name, value)) = incomplete.clone().split_once('=') {
            args.push(name.to_string());
            incomplete = value.to_string();
        }
    }
    let incomplete = incomplete.as_str();
    let after_dashes = args.iter().any(|a| a == "--");
    if !after_dashes && incomplete.starts_with('-') {
        return names(&ctx, incomplete);
    }
    let Ctx::Command(spec, parsed) = &ctx else {
        return names(&ctx, incomplete);
    };
    // The last complete word is an option waiting for its value.
    if let Some(last) = args.last().filter(|a| a.starts_with('-')) {
        let takes_value = |o: &&OptSpec| !o.set.is_flag();
        if let Some(opt) = spec.options().filter(takes_value).find(|o| {
            last.strip_prefix("--") == Some(o.long)
                || o.short.is_some_and(|c| *last == format!("-{c}"))
        }) {
            return option_values(opt, incomplete);
        }
    }
    // The first argument that can still take a value.
    for (index, arg) in spec.args.iter().enumerate() {
        let filled = parsed.positionals.is_some_and(|n| n > index);
        if arg.variadic() || !filled {
            return match arg.conv {
                ArgConv::ExistingFileOrDash => vec![Item::path("file", incomplete)],
                ArgConv::Text | ArgConv::Bucket => Vec::new(),
            };
        }
    }
    names(&ctx, incomplete)
}

fn option_values(opt: &OptSpec, incomplete: &str) -> Vec<Item> {
    match opt.set {
        Set::Choice(choices, _) => choices
            .iter()
            .filter(|c| c.starts_with(incomplete))
            .map(|c| Item::plain(c, ""))
            .collect(),
        // click.File and click.Path(dir_okay=False): the shell completes files.
        Set::FileText(_) | Set::OutFile(_) => vec![Item::path("file", incomplete)],
        // click.Path(file_okay=False): directories only.
        Set::OutDir(_) => vec![Item::path("dir", incomplete)],
        _ => Vec::new(),
    }
}

/// Command names (for the group) and option names starting with `incomplete`; options
/// already given are left out unless they may be repeated.
fn names(ctx: &Ctx, incomplete: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let with_options = incomplete
        .chars()
        .next()
        .is_some_and(|c| !c.is_alphanumeric());
    match ctx {
        Ctx::Group { given } => {
            items.extend(
                COMMANDS
                    .iter()
                    .filter(|c| c.name.starts_with(incomplete))
                    .map(|c| Item::plain(c.name, c.summary)),
            );
            if with_options {
                for (name, help) in [("version", VERSION_HELP), ("help", HELP_HELP)] {
                    let long = format!("--{name}");
                    if !given.contains(&name) && long.starts_with(incomplete) {
                        items.push(Item::plain(&long, help));
                    }
                }
            }
        }
        Ctx::Command(spec, parsed) if with_options => {
            for opt in spec.options() {
                if parsed.given.contains(&opt.long) && !opt.set.multiple() {
                    continue;
                }
                let short = opt.short.map(|c| format!("-{c}"));
                let long = format!("--{}", opt.long);
                for name in short.iter().chain([&long]) {
                    if name.starts_with(incomplete) {
                        items.push(Item::plain(name, opt.help));
                    }
                }
            }
            if !parsed.given.contains(&"help") && "--help".starts_with(incomplete) {
                items.push(Item::plain("--help", HELP_HELP));
            }
        }
        Ctx::Command(..) => {}
    }
    items
}

/// click checks the Bash version when it prints the bash script (completion needs 4.4),
/// and warns on stderr; the script is printed either way.
fn bash_version_warning() -> Option<&'static str> {
    let version = std::process::Command::new("bash")
        .args(["--norc", "-c", "echo \"${BASH_VERSION}\""])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    match version.as_deref().and_then(major_minor) {
        // Compared as strings, as click does.
        Some((major, minor)) if major.as_str() < "4" || (major == "4" && minor.as_str() < "4") => {
            Some("Shell completion is not supported for Bash versions older than 4.4.")
        }
        Some(_) => None,
        None => Some("Couldn't detect Bash version, shell completion is not supported."),
    }
}

/// `^(\d+)\.(\d+)\.\d+`: the major and minor version at the start of the text.
fn major_minor(text: &str) -> Option<(String, String)> {
    let mut parts = text.splitn(3, '.');
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let major = parts.next().filter(|s| digits(s))?;
    let minor = parts.next().filter(|s| digits(s))?;
    let patch = parts.next()?;
    patch
        .chars()
        .next()
        .filter(char::is_ascii_digit)
        .map(|_| (major.to_string(), minor.to_string()))
}
