//! The layers of `src/`, lowest first, and the rule that a module imports only its own
//! layer and the ones below (README, Architecture). Every `crate::...` and `super::...`
//! path in non-test code is resolved to the module it names and checked; test modules
//! (`tests*.rs`, `testing.rs`, and a trailing `#[cfg(test)] mod tests`) may reach up.

use std::collections::BTreeSet;
use std::path::Path;

/// (layer, modules in it). A module path names itself and everything below it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations: pure code and plain data, no I/O of AWS's",
        &[
            "error",
            "output",
            "policies",
            "lifecycle",
            "mime",
            "testutil",
            "interrupt",
            "pool",
            "aws",
            "aws::base64",
            "aws::md5",
            "aws::sigv4",
            "aws::ini",
            "aws::xml",
        ],
    ),
    (
        "configuration: environment, shared files, endpoints",
        &["aws::config"],
    ),
    (
        "transport: agents, TLS, retries, error documents, operations, the query protocol",
        &["aws::http", "aws::tcp", "aws::operation", "aws::query"],
    ),
    (
        "credentials: every provider, over the transport",
        &["aws::credentials"],
    ),
    (
        "service clients: a Session and what is called with it",
        &["aws::session", "aws::iam", "aws::sts", "aws::s3"],
    ),
    (
        "context: a Session resolved from the options and the environment",
        &["aws::context", "aws::Context", "aws::AwsOptions"],
    ),
    (
        "orchestration: what commands share (roles, transfers, the credentials server)",
        &["assume", "provision", "transfer", "localserver"],
    ),
    ("commands", &["cli"]),
    (
        "the fuzz targets' way in: thin wrappers over any layer, called by nothing in src/",
        &["fuzzing"],
    ),
];

/// Imports that go up today, each with the issue that removes it. The test fails when
/// one of these is gone too, so the list only ever shrinks.
const KNOWN_DEBTS: &[(&str, &str)] = &[];

fn layer_of(module: &str) -> Option<usize> {
    // The longest module prefix decides (`aws::config::files` is in `aws::config`).
    let mut best: Option<(usize, usize)> = None;
    for (rank, (_, modules)) in LAYERS.iter().enumerate() {
        for m in *modules {
            let hit = module == *m || module.starts_with(&format!("{m}::"));
            if hit && best.is_none_or(|(len, _)| m.len() > len) {
                best = Some((m.len(), rank));
            }
        }
    }
    best.map(|(_, rank)| rank)
}

/// `src/aws/credentials/sso.rs` -> `aws::credentials::sso`; `mod.rs` names its folder.
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a line names: `crate::a::b::Item` -> `a::b::Item`, `super::x` relative
/// to `module` (whose parent is `super` for a file, itself for `mod.rs`).
fn paths_in(line: &str, module: &str, is_mod_rs: bool) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    for (i, _) in line
        .match_indices("crate::")
        .chain(line.match_indices("super::"))
    {
        if i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':')
        {
            continue;
        }
        let rest: String = line[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut segments: Vec<&str> = rest.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        if segments.first() == Some(&"crate") {
            base.clear();
            segments.remove(0);
        } else {
            if !is_mod_rs {
                base.pop();
            }
            while segments.first() == Some(&"super") {
                segments.remove(0);
                if segments.first() == Some(&"super") {
                    base.pop();
                }
            }
        }
        base.extend(segments);
        out.push(base.join("::"));
    }
    out
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unplaced = BTreeSet::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rs") || name.starts_with("tests") || name == "testing.rs" {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let module = module_of(rel);
            if module.is_empty() {
                continue; // lib.rs and main.rs: the crate root declares everything.
            }
            let Some(from) = layer_of(&module) else {
                unplaced.insert(module);
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let is_mod_rs = name == "mod.rs";
            let mut lines = text.lines().peekable();
            while let Some(line) = lines.next() {
                let code = line.trim_start();
                if code.starts_with("#[cfg(test)]")
                    && lines
                        .peek()
                        .is_some_and(|l| l.trim_start().starts_with("mod tests"))
                {
                    break;
                }
                if code.starts_with("//") {
                    continue;
                }
                for target in paths_in(line, &module, is_mod_rs) {
                    // A folder's own face: `pub use child::Item` in its mod.rs.
                    if target.starts_with(&format!("{module}::")) || target == module {
                        continue;
                    }
                    if let Some(to) = layer_of(&target)
                        && to > from
                    {
                        // Reported per top-level module (two levels under aws).
                        let top = |m: &str| {
                            let depth = if m.starts_with("aws::") { 2 } else { 1 };
                            m.split("::").take(depth).collect::<Vec<_>>().join("::")
                        };
                        found.insert((top(&module), top(&target)));
                    }
                }
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules in no layer (add them to LAYERS): {unplaced:?}"
    );
    let known: BTreeSet<(String, String)> = KNOWN_DEBTS
        .iter()
        .map(|(edge, _)| {
            let (a, b) = edge.split_once(" -> ").unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    let paid: Vec<_> = known.difference(&found).collect();
    assert!(new.is_empty(), "imports that go up a layer: {new:?}");
    assert!(
        paid.is_empty(),
        "debts no longer there, remove them from KNOWN_DEBTS: {paid:?}"
    );
}

#[test]
fn paths_resolve_as_rust_does() {
    assert_eq!(
        paths_in("use super::Chain;", "aws::credentials::sso", false),
        ["aws::credentials::Chain"]
    );
    assert_eq!(
        paths_in("use super::session::Session;", "aws::iam", false),
        ["aws::session::Session"]
    );
    assert_eq!(
        paths_in("use super::files;", "aws::config", true),
        ["aws::config::files"]
    );
    assert_eq!(
        paths_in("x(crate::aws::http::jitter())", "transfer", false),
        ["aws::http::jitter"]
    );
    assert_eq!(
        paths_in("use super::super::xml;", "aws::http::errors", false),
        ["aws::xml"]
    );
    assert_eq!(layer_of("aws::config::files"), Some(1));
    assert_eq!(layer_of("aws::Credentials"), Some(0));
    assert_eq!(layer_of("aws::Context"), Some(5));
    assert_eq!(layer_of("cli::spec"), Some(7));
}
