//! Random set-ups as people have them: static keys in either file or the environment,
//! assume-role chains (source_profile, credential_source = Environment), web identity
//! with a token file (profile or environment), credential_process printing JSON (a small
//! script in the case's directory), IAM Identity Center with a cached token, regions in
//! the environment or the profile; other profiles around it; the files rendered with
//! formatting noise ([`Ini::render`]).

use super::model::{ALNUM, Case, HOME, Ini, Rng, UPPER};

/// What a generated profile is built on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    CredentialsFile,
    ConfigFile,
    Role,
    RoleFromEnvironment,
    WebIdentity,
    Process,
    SsoSession,
    SsoLegacy,
    Nothing,
}

struct Builder<'a> {
    rng: &'a mut Rng,
    case: Case,
    config: Ini,
    credentials: Ini,
    /// Whether profiles being made are tagged (not the distractors around the target).
    tagging: bool,
    counter: usize,
}

pub fn case(seed: u64, n: usize) -> Case {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n as u64));
    let mut b = Builder {
        case: Case::new(format!("random:{seed}/{n}"), "random"),
        rng: &mut rng,
        config: Ini::default(),
        credentials: Ini::default(),
        tagging: true,
        counter: 0,
    };
    b.build();
    b.finish()
}

impl Builder<'_> {
    fn name(&mut self) -> String {
        self.counter += 1;
        let base = *self
            .rng
            .pick(&["dev", "prod", "ci", "admin", "team-a", "sandbox"]);
        format!("{base}{}", self.counter)
    }

    fn key(&mut self) -> String {
        format!("AKIA{}", self.rng.word(UPPER, 16))
    }

    fn secret(&mut self, label: &str) -> String {
        let mut s = self.rng.word(ALNUM, 30);
        if self.rng.chance(30) {
            s.push_str("/+x");
        }
        self.case.secret(label, &s);
        s
    }

    /// The config file's header for a profile.
    fn header(name: &str) -> String {
        if name == "default" {
            "default".to_string()
        } else {
            format!("profile {name}")
        }
    }

    fn build(&mut self) {
        let use_default = self.rng.chance(35);
        let target = if use_default {
            "default".to_string()
        } else {
            self.name()
        };
        let kind = *self.rng.pick(&[
            Kind::CredentialsFile,
            Kind::CredentialsFile,
            Kind::ConfigFile,
            Kind::Role,
            Kind::Role,
            Kind::RoleFromEnvironment,
            Kind::WebIdentity,
            Kind::Process,
            Kind::SsoSession,
            Kind::SsoLegacy,
            Kind::Nothing,
        ]);
        self.profile(&target, kind, 0);

        // Choose the profile: AWS_PROFILE, AWS_DEFAULT_PROFILE, or the default.
        if target != "default" || self.rng.chance(20) {
            let var = if self.rng.chance(80) {
                "AWS_PROFILE"
            } else {
                "AWS_DEFAULT_PROFILE"
            };
            self.case.env(var, &target);
            self.case.tag(&format!("env:{var}"));
        }
        if self.rng.chance(20) {
            // Keys in the environment too: they win unless a profile was given on the
            // command line (which the original cannot do).
            let (k, s) = (self.key(), self.secret("env"));
            self.case.env("AWS_ACCESS_KEY_ID", &k);
            self.case.env("AWS_SECRET_ACCESS_KEY", &s);
            self.case.tag("env-keys");
        }
        // Other profiles around it.
        for _ in 0..self.rng.below(3) {
            let name = self.name();
            let kind = *self
                .rng
                .pick(&[Kind::CredentialsFile, Kind::ConfigFile, Kind::Role]);
            self.profile(&name, kind, 2);
        }
        // Region: in the environment or the profile (never nowhere: see `environment`).
        match self.rng.below(10) {
            0..=4 => {
                let r = *self.rng.pick(&["us-east-1", "eu-west-1", "ap-southeast-2"]);
                self.case.env("AWS_DEFAULT_REGION", r);
                self.case.tag("region:env");
            }
            _ => {
                let r = *self.rng.pick(&["us-west-2", "eu-central-1"]);
                self.config.set(&Self::header(&target), "region", r);
                self.case.unset("AWS_DEFAULT_REGION");
                self.case.tag("region:profile");
            }
        }
    }

    /// Makes profile `name` of `kind`; `depth` bounds role chains.
    fn profile(&mut self, name: &str, kind: Kind, depth: usize) {
        let header = Self::header(name);
        if self.tagging {
            self.case.tag(&format!("{kind:?}"));
        }
        match kind {
            Kind::CredentialsFile | Kind::ConfigFile => {
                let (k, s) = (self.key(), self.secret(&format!("keys:{name}")));
                let with_token = self.rng.chance(20);
                let ini = if kind == Kind::CredentialsFile {
                    &mut self.credentials
                } else {
                    &mut self.config
                };
                let h = if kind == Kind::CredentialsFile {
                    name.to_string()
                } else {
                    header.clone()
                };
                ini.set(&h, "aws_access_key_id", &k);
                ini.set(&h, "aws_secret_access_key", &s);
                if with_token {
                    ini.set(&h, "aws_session_token", "FwoGZXIvYXdzEXAMPLETOKEN");
                }
                if kind == Kind::CredentialsFile && self.rng.chance(20) {
                    // A config section for it too, with only settings.
                    self.config.set(&header, "output", "json");
                }
            }
            Kind::Role | Kind::RoleFromEnvironment => {
                let role = format!(
                    "arn:aws:iam::123456789012:role/{}",
                    self.rng.pick(&["deployer", "reader", "Admin"])
                );
                self.config.set(&header, "role_arn", &role);
                if kind == Kind::RoleFromEnvironment {
                    self.config.set(&header, "credential_source", "Environment");
                    let (k, s) = (self.key(), self.secret("env"));
                    self.case.env("AWS_ACCESS_KEY_ID", &k);
                    self.case.env("AWS_SECRET_ACCESS_KEY", &s);
                } else {
                    let source = self.name();
                    self.config.set(&header, "source_profile", &source);
                    let next = if depth >= 2 {
                        Kind::CredentialsFile
                    } else {
                        *self.rng.pick(&[
                            Kind::CredentialsFile,
                            Kind::CredentialsFile,
                            Kind::ConfigFile,
                            Kind::Role,
                            Kind::WebIdentity,
                            Kind::Process,
                            Kind::SsoSession,
                        ])
                    };
                    self.profile(&source, next, depth + 1);
                }
                if self.rng.chance(40) {
                    let n = format!("session-{}", self.rng.word(ALNUM, 6));
                    self.config.set(&header, "role_session_name", &n);
                }
                if self.rng.chance(25) {
                    self.config.set(&header, "external_id", "ext-123");
                }
                if self.rng.chance(25) {
                    let d = *self.rng.pick(&["900", "1800", "3600", "43200"]);
                    self.config.set(&header, "duration_seconds", d);
                }
            }
            Kind::WebIdentity => {
                let token = format!("eyJ.{}", self.rng.word(ALNUM, 24));
                let path = format!("token-{}.jwt", self.counter);
                self.case.file(&path, token.clone());
                let role = "arn:aws:iam::123456789012:role/web";
                if self.rng.chance(70) {
                    self.config.set(&header, "role_arn", role);
                    self.config.set(
                        &header,
                        "web_identity_token_file",
                        &format!("{HOME}/{path}"),
                    );
                } else {
                    // From the environment (not for a source profile: botocore reads
                    // AWS_ROLE_ARN only for the profile it was asked for).
                    self.case
                        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &format!("{HOME}/{path}"));
                    self.case.env("AWS_ROLE_ARN", role);
                    if self.rng.chance(50) {
                        self.case.env("AWS_ROLE_SESSION_NAME", "web-session");
                    }
                    self.case.tag("web-identity-env");
                    // Keep the profile itself in the file.
                    self.config.set(&header, "output", "json");
                }
            }
            Kind::Process => {
                let (k, s) = (self.key(), self.secret(&format!("process:{name}")));
                let path = format!("proc-{}.sh", self.counter);
                let expiration = if self.rng.chance(30) {
                    ", \"Expiration\": \"2099-01-01T00:00:00Z\""
                } else {
                    ""
                };
                self.case.script(
                    &path,
                    format!(
                        "#!/bin/sh\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"{k}\", \
                         \"SecretAccessKey\": \"{s}\"{expiration}}}'\n"
                    ),
                );
                self.config
                    .set(&header, "credential_process", &format!("{HOME}/{path}"));
            }
            Kind::SsoSession | Kind::SsoLegacy => {
                let start = format!("https://d-{}.awsapps.com/start", self.rng.word(ALNUM, 6));
                let token = format!("sso-token-{}", self.rng.word(ALNUM, 12));
                let cache_key = if kind == Kind::SsoSession {
                    let session = format!("corp{}", self.counter);
                    self.config.set(&header, "sso_session", &session);
                    let sh = format!("sso-session {session}");
                    self.config.set(&sh, "sso_start_url", &start);
                    self.config.set(&sh, "sso_region", "us-east-1");
                    session
                } else {
                    self.config.set(&header, "sso_start_url", &start);
                    self.config.set(&header, "sso_region", "us-east-1");
                    start.clone()
                };
                self.config.set(&header, "sso_account_id", "111122223333");
                self.config.set(&header, "sso_role_name", "ReadOnly");
                self.case.file(
                    &format!(".aws/sso/cache/{}.json", sha1_hex(&cache_key)),
                    format!(
                        "{{\"startUrl\": \"{start}\", \"region\": \"us-east-1\", \
                         \"accessToken\": \"{token}\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}}"
                    ),
                );
            }
            Kind::Nothing => {
                self.config.set(&header, "output", "json");
            }
        }
    }

    fn finish(mut self) -> Case {
        let level = match self.rng.below(10) {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        self.case.tag(&format!("noise:{level}"));
        let mut noise = Vec::new();
        if !self.config.is_empty() {
            let text = self.config.render(self.rng, level, &mut noise);
            self.case.config(text);
        }
        if !self.credentials.is_empty() {
            let text = self.credentials.render(self.rng, level, &mut noise);
            self.case.credentials(text);
        }
        for n in noise {
            self.case.tag(&format!("noise:{n}"));
        }
        self.case
    }
}

/// botocore's SSO token cache file name: SHA-1 of the session name or start URL.
pub fn sha1_hex(s: &str) -> String {
    hex::encode(ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        s.as_bytes(),
    ))
}
