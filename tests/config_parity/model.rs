//! What a parity case is (files, environment, command line, the secrets it wrote), the
//! PRNG the generators share, and INI files as sections of key/value pairs, rendered with
//! formatting noise (spacing, comments, line endings, case...) that a hand-edited file has.

/// Stands for the case's home directory in files, environment values and arguments;
/// replaced by the real path when the case is written out.
pub const HOME: &str = "@HOME@";

/// As an environment value: remove the variable from the base environment.
pub const UNSET: &str = "\u{0}unset";

/// One configuration set-up, run as `s3-credentials whoami ARGS` by both tools.
#[derive(Clone, Debug)]
pub struct Case {
    /// `edge:<class>/<variant>` or `random:<seed>/<n>`.
    pub name: String,
    /// What it exercises, for grouping (an edge class, or the random set-up's features).
    pub tags: Vec<String>,
    /// (path under HOME, contents, executable).
    pub files: Vec<(String, Vec<u8>, bool)>,
    /// Environment beyond the base one (PATH, HOME, IMDS off, the endpoints); a name
    /// given here replaces the base value.
    pub env: Vec<(String, String)>,
    /// Arguments after `whoami`.
    pub args: Vec<String>,
    /// (label, secret): every secret the case wrote, for the fake AWS.
    pub secrets: Vec<(String, String)>,
}

impl Case {
    pub fn new(name: impl Into<String>, tag: &str) -> Case {
        Case {
            name: name.into(),
            tags: vec![tag.to_string()],
            files: Vec::new(),
            env: Vec::new(),
            args: Vec::new(),
            secrets: Vec::new(),
        }
    }

    pub fn file(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> &mut Case {
        self.files.push((path.to_string(), contents.into(), false));
        self
    }

    pub fn script(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> &mut Case {
        self.files.push((path.to_string(), contents.into(), true));
        self
    }

    pub fn config(&mut self, text: impl Into<Vec<u8>>) -> &mut Case {
        self.file(".aws/config", text)
    }

    pub fn credentials(&mut self, text: impl Into<Vec<u8>>) -> &mut Case {
        self.file(".aws/credentials", text)
    }

    pub fn env(&mut self, name: &str, value: &str) -> &mut Case {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Removes `name` from the base environment (AWS_DEFAULT_REGION, say).
    pub fn unset(&mut self, name: &str) -> &mut Case {
        self.env(name, UNSET)
    }

    pub fn secret(&mut self, label: &str, secret: &str) -> &mut Case {
        self.secrets.push((label.to_string(), secret.to_string()));
        self
    }

    pub fn arg(&mut self, arg: &str) -> &mut Case {
        self.args.push(arg.to_string());
        self
    }

    pub fn tag(&mut self, tag: &str) -> &mut Case {
        if !self.tags.iter().any(|t| t == tag) {
            self.tags.push(tag.to_string());
        }
        self
    }
}

/// splitmix64: small, seedable, the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` characters from `alphabet`.
    pub fn word(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|_| *self.pick(&chars)).collect()
    }
}

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const ALNUM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// An INI file as written: sections in order, each with its lines.
#[derive(Clone, Debug, Default)]
pub struct Ini {
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub header: String,
    pub entries: Vec<(String, String)>,
}

impl Ini {
    /// The section with this header, added at the end if new.
    pub fn section(&mut self, header: &str) -> &mut Section {
        if let Some(i) = self.sections.iter().position(|s| s.header == header) {
            return &mut self.sections[i];
        }
        self.sections.push(Section {
            header: header.to_string(),
            entries: Vec::new(),
        });
        self.sections.last_mut().unwrap()
    }

    pub fn set(&mut self, header: &str, key: &str, value: &str) {
        self.section(header)
            .entries
            .push((key.to_string(), value.to_string()));
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Rendering with noise: level 0 plain, 1 what careful people write (spacing,
    /// comments, blank lines, CRLF), 2 what editors and scripts leave (tabs, `:`, trailing
    /// blanks, indented comments, case of key names, lone CR, a BOM, a duplicate key).
    /// The kinds of noise used are added to `used` (for grouping disagreements).
    pub fn render(&self, rng: &mut Rng, level: u8, used: &mut Vec<&'static str>) -> Vec<u8> {
        let mut note = |what: &'static str| {
            if !used.contains(&what) {
                used.push(what);
            }
        };
        let eol = match level {
            0 => "\n",
            1 if rng.chance(25) => "\r\n",
            1 => "\n",
            _ => *rng.pick(&["\n", "\n", "\n", "\r\n", "\r\n", "\r\n", "\n", "\r"]),
        };
        match eol {
            "\r\n" => note("crlf"),
            "\r" => note("lone-cr"),
            _ => {}
        }
        let mut out = String::new();
        if level >= 2 && rng.chance(5) {
            out.push('\u{feff}');
            note("bom");
        }
        let seps: &[&str] = match level {
            0 => &[" = "],
            1 => &[" = ", "=", " =", "= ", "  =  "],
            _ => &[" = ", "=", "\t=\t", " : ", ":", " =\t"],
        };
        for (i, s) in self.sections.iter().enumerate() {
            if level >= 1 && rng.chance(30) {
                let comment = *rng.pick(&["# a comment", "; a comment", "#", ";;; notes"]);
                out.push_str(comment);
                out.push_str(eol);
            }
            if i > 0 && level >= 1 && rng.chance(50) {
                out.push_str(eol);
            }
            out.push('[');
            out.push_str(&s.header);
            out.push(']');
            if level >= 2 && rng.chance(10) {
                out.push_str(rng.pick::<&str>(&[" ", "\t", "  # header comment"]));
                note("after-header");
            }
            out.push_str(eol);
            for (k, v) in &s.entries {
                if level >= 2 && rng.chance(5) {
                    out.push_str(rng.pick::<&str>(&["  # indented comment", "\t; indented"]));
                    out.push_str(eol);
                    note("indented-comment");
                }
                let key = if level >= 2 && rng.chance(5) {
                    note("upper-key");
                    k.to_ascii_uppercase()
                } else {
                    k.clone()
                };
                let sep = *rng.pick(seps);
                if sep.contains(':') {
                    note("colon");
                }
                if sep.contains('\t') {
                    note("tab");
                }
                if level >= 2 && rng.chance(3) {
                    // A key written twice (botocore refuses the file).
                    out.push_str(&format!("{key}{sep}duplicate-value{eol}"));
                    note("duplicate-key");
                }
                out.push_str(&format!("{key}{sep}{v}"));
                if level >= 2 && rng.chance(10) {
                    out.push_str(rng.pick::<&str>(&[" ", "\t", "  "]));
                    note("trailing-blank");
                }
                out.push_str(eol);
                if level >= 1 && rng.chance(8) {
                    out.push_str(rng.pick::<&str>(&["# after", "; after", ""]));
                    out.push_str(eol);
                }
            }
        }
        if level >= 1 && rng.chance(20) {
            out.push_str(eol);
        }
        if level >= 2 && rng.chance(10) {
            out.truncate(out.len() - eol.len().min(out.len()));
            note("no-final-eol");
        }
        out.into_bytes()
    }
}

/// `s` as Rust would debug-print it, but without the quotes: for the report.
pub fn visible(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, true),
            None => (line, false),
        };
        let escaped: String = body.escape_debug().collect();
        out.push_str("    | ");
        out.push_str(&escaped);
        if nl {
            out.push_str("\\n");
        }
        out.push('\n');
    }
    out
}
