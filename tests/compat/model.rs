//! What a compatibility case is: a scenario (server kind, input files, server state set up
//! directly through the API, then an ordered list of command lines) and, for each step, what
//! is expected of the two tools: the same output, or a recorded deliberate difference.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A hand-written judgement of a deliberate difference: Ok, or what is wrong.
pub type Check = Arc<dyn Fn(&Seen, &Seen) -> Result<(), String> + Send + Sync>;

/// Which server the scenario's commands talk to. Each tool gets its own server of that
/// kind, started the same way and reset before every scenario.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Server {
    /// No server: parsing, `policy`, `--dry-run`, usage errors. Steps are independent.
    Offline,
    /// moto without authentication (any key works; identities still come from keys) and
    /// without AWS managed policies, so that resets are fast.
    Open,
    /// The same with AWS managed policies: for `create --duration`, whose role gets
    /// AmazonS3FullAccess attached.
    OpenManaged,
    /// moto with signature checks and IAM policy enforcement, as an admin user.
    Auth,
    /// s3s-fs: an independent S3 implementation that verifies SigV4 and has none of the
    /// bucket configuration calls (so both tools meet NotImplemented).
    S3s,
}

/// Server state made directly through the API (not by either tool), the same on both servers.
#[derive(Clone, Debug)]
pub enum Setup {
    Bucket(&'static str),
    /// A PUT of the body as it is (no checksum, so listings have no `ChecksumAlgorithm`).
    Object(&'static str, &'static str, Vec<u8>),
    /// A PUT with `x-amz-sdk-checksum-algorithm: CRC32`, as boto3 >= 1.36 uploads.
    ObjectWithChecksum(&'static str, &'static str, Vec<u8>),
    /// Any S3 request: method, raw path and query, body.
    S3(&'static str, String, Vec<u8>),
    /// `count` empty objects `{prefix}00000`, `{prefix}00001`, ... (more than a listing page).
    Numbered {
        bucket: &'static str,
        prefix: &'static str,
        count: usize,
    },
    /// Any IAM action (Version is added).
    Iam(Vec<(&'static str, String)>),
    /// CreateAccessKey for a user; the key becomes the variables `{VAR_key}`, `{VAR_secret}`.
    AccessKey {
        user: &'static str,
        var: &'static str,
    },
    /// STS AssumeRole; adds `{VAR_key}`, `{VAR_secret}` and `{VAR_token}`.
    AssumeRole {
        role: &'static str,
        session: &'static str,
        var: &'static str,
    },
}

/// What the two tools' results must show.
#[derive(Clone)]
pub enum Expect {
    /// Same exit code, stdout and stderr (and files) after normalisation.
    Same,
    /// The original lets an exception escape: exit 1, its stderr is whatever it printed
    /// first, then a Python traceback whose last line is `original_last`. We print the same
    /// first part, then the single line `ours`, and exit 1; stdout and files are the same.
    Traceback {
        original_last: String,
        ours: String,
        reason: &'static str,
    },
    /// Anything else that differs on purpose: `check(original, ours)`.
    Custom { reason: &'static str, check: Check },
}

/// A step's result after normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub code: i32,
    /// Normalised text, or `<binary: hex>` when stdout is not UTF-8.
    pub stdout: String,
    pub stderr: String,
    /// Files under the step's `tree` directory: path -> normalised content.
    pub tree: Option<BTreeMap<String, String>>,
}

#[derive(Clone)]
pub struct Step {
    pub args: Vec<String>,
    pub stdin: Option<Vec<u8>>,
    /// Write stdout to this file in the scenario directory (e.g. credentials for `--auth`).
    pub save_stdout: Option<String>,
    /// After the step, compare the files under this directory (relative to the scenario's).
    pub tree: Option<String>,
    /// Variables added to the scenario's environment for this step alone (shell
    /// completion's `COMP_WORDS` and friends).
    pub env: Vec<(String, String)>,
    pub expect: Expect,
    /// Further checks after `expect` holds (what both printed must also show this).
    pub also: Vec<Check>,
}

/// A step: the command line, with `{name}` templates (`{url}`, setup variables).
pub fn run(args: &[&str]) -> Step {
    Step {
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: None,
        save_stdout: None,
        tree: None,
        env: Vec::new(),
        expect: Expect::Same,
        also: Vec::new(),
    }
}

impl Step {
    pub fn stdin(mut self, data: impl AsRef<[u8]>) -> Step {
        self.stdin = Some(data.as_ref().to_vec());
        self
    }

    pub fn save(mut self, file: &str) -> Step {
        self.save_stdout = Some(file.to_string());
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Step {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    pub fn tree(mut self, dir: &str) -> Step {
        self.tree = Some(dir.to_string());
        self
    }

    /// The original's traceback ends in a botocore error; we print botocore's message
    /// and the request id on one `Error:` line.
    pub fn aws_traceback(self, exception: &str, message: &str) -> Step {
        self.traceback(
            &format!("{exception}: {message}"),
            &format!("Error: {message} (request id: <REQID>)"),
            "the original prints a Python traceback for this AWS error; we print one Error: line and exit 1",
        )
    }

    pub fn traceback(mut self, original_last: &str, ours: &str, reason: &'static str) -> Step {
        self.expect = Expect::Traceback {
            original_last: original_last.to_string(),
            ours: ours.to_string(),
            reason,
        };
        self
    }

    pub fn custom(
        mut self,
        reason: &'static str,
        check: impl Fn(&Seen, &Seen) -> Result<(), String> + Send + Sync + 'static,
    ) -> Step {
        self.expect = Expect::Custom {
            reason,
            check: Arc::new(check),
        };
        self
    }

    /// A further check on the two results, after the expectation holds.
    pub fn also(
        mut self,
        check: impl Fn(&Seen, &Seen) -> Result<(), String> + Send + Sync + 'static,
    ) -> Step {
        self.also.push(Arc::new(check));
        self
    }

    pub fn command(&self) -> &str {
        self.args.first().map(String::as_str).unwrap_or("")
    }

    /// One line for reports: the command line as typed.
    pub fn display(&self) -> String {
        let mut s = String::new();
        for (name, value) in &self.env {
            s.push_str(&format!(
                "{name}={} ",
                crate::compat::runner::shell_quote(value)
            ));
        }
        s.push_str("s3-credentials");
        for a in &self.args {
            s.push(' ');
            s.push_str(&crate::compat::runner::shell_quote(a));
        }
        s
    }
}

pub struct Scenario {
    pub name: &'static str,
    pub server: Server,
    /// Input files written into each tool's scenario directory before the first step.
    pub files: Vec<(String, Vec<u8>)>,
    pub setup: Vec<Setup>,
    pub steps: Vec<Step>,
    /// S3 paths HEADed on both servers after the last step: status, Content-Type and
    /// Content-Length must agree (what the tools stored, beyond what they print).
    pub probes: Vec<String>,
    /// Changes to both tools' environment: set (templates filled, `{work}` is the
    /// scenario directory) or, with `None`, removed.
    pub env: Vec<(String, Option<String>)>,
}

pub fn scenario(name: &'static str, server: Server) -> Scenario {
    Scenario {
        name,
        server,
        files: Vec::new(),
        setup: Vec::new(),
        steps: Vec::new(),
        probes: Vec::new(),
        env: Vec::new(),
    }
}

impl Scenario {
    pub fn file(mut self, path: &str, content: impl AsRef<[u8]>) -> Scenario {
        self.files
            .push((path.to_string(), content.as_ref().to_vec()));
        self
    }

    pub fn setup(mut self, s: Setup) -> Scenario {
        self.setup.push(s);
        self
    }

    pub fn step(mut self, s: Step) -> Scenario {
        self.steps.push(s);
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Scenario {
        self.env.push((name.to_string(), Some(value.to_string())));
        self
    }

    pub fn unset(mut self, name: &str) -> Scenario {
        self.env.push((name.to_string(), None));
        self
    }

    pub fn probe(mut self, path: &str) -> Scenario {
        self.probes.push(path.to_string());
        self
    }

    pub fn steps(mut self, s: impl IntoIterator<Item = Step>) -> Scenario {
        self.steps.extend(s);
        self
    }
}
