//! The compatibility suite: every command, side by side with the original s3-credentials
//! 0.17, against the same kind of server in the same state.
//!
//! Each case is a *scenario* (model.rs): input files, server state made directly through
//! the API, and an ordered list of command lines. The original (installed in .venv by
//! scripts/setup-test-servers.sh) runs them against one moto server, in one Python process
//! (run_original.py); our binary runs them against a second moto server started the same
//! way, at the same time. Both servers are reset before every scenario. Each step's exit
//! code, stdout, stderr (and, where asked, the files it wrote) must be equal after the
//! shared normalisation of server-generated values (normalise.rs), unless the step records
//! a deliberate difference, with its reason, and asserts our behaviour instead.
//!
//! Commands not yet on main are listed in [`PENDING`]: their cases run and are reported on
//! stderr, but do not fail the test. Delete a line there when the command lands.
//! `COMPAT_VERBOSE=1` also prints why each pending step fails; `COMPAT_NO_PENDING=1` counts
//! them all (to try a branch that brings a pending command).

use crate::support;

mod cases_additions;
mod cases_buckets;
mod cases_completion;
mod cases_iam;
mod cases_objects;
mod cases_offline;
mod cases_profiles;
mod localserver;
mod model;
mod normalise;
mod runner;

use std::time::Instant;

use model::{Scenario, Server};
use runner::{Original, report, run_all};
use support::moto::Moto;
use support::s3s::S3s;

/// Commands whose implementation has not landed on main yet: (command, why).
pub const PENDING: &[(&str, &str)] = &[];

pub fn pending(command: &str) -> Option<&'static str> {
    // For trying a branch that brings a pending command: count its cases.
    if std::env::var_os("COMPAT_NO_PENDING").is_some() {
        return None;
    }
    PENDING
        .iter()
        .find(|(name, _)| *name == command)
        .map(|(_, why)| *why)
}

fn by_server(scenarios: Vec<Scenario>, server: Server) -> Vec<Scenario> {
    scenarios
        .into_iter()
        .filter(|s| s.server == server)
        .collect()
}

fn all_scenarios() -> Vec<Scenario> {
    let mut all = cases_offline::scenarios();
    all.extend(cases_iam::scenarios());
    all.extend(cases_buckets::scenarios());
    all.extend(cases_objects::scenarios());
    all.extend(cases_profiles::scenarios());
    all.extend(localserver::scenarios());
    all.extend(cases_completion::scenarios());
    all.extend(cases_additions::scenarios());
    all
}

/// Parsing, usage errors, help, `policy` and `create --dry-run`: no server needed.
#[test]
fn offline_cases_match_the_original() {
    let started = Instant::now();
    let mut original = Original::start();
    let scenarios = by_server(all_scenarios(), Server::Offline);
    let verdicts = run_all(&mut original, None, &scenarios, pending);
    report("offline", &verdicts, started);
}

/// Everything that talks to a server, against moto without authentication.
#[test]
fn networked_cases_match_the_original() {
    let started = Instant::now();
    let mut original = Original::start();
    let (mut a, mut b) = (Moto::start_open_light(), Moto::start_open_light());
    let scenarios = by_server(all_scenarios(), Server::Open);
    let verdicts = run_all(&mut original, Some((&mut a, &mut b)), &scenarios, pending);
    report("networked", &verdicts, started);
}

/// The cases that need AWS managed policies (temporary credentials).
#[test]
fn temporary_credentials_cases_match_the_original() {
    let started = Instant::now();
    let mut original = Original::start();
    let (mut a, mut b) = (Moto::start_open(), Moto::start_open());
    let scenarios = by_server(all_scenarios(), Server::OpenManaged);
    let verdicts = run_all(&mut original, Some((&mut a, &mut b)), &scenarios, pending);
    report("temporary credentials", &verdicts, started);
}

/// Where credentials matter (denials, bad keys), against moto with IAM enforcement on.
#[test]
fn authenticated_cases_match_the_original() {
    let started = Instant::now();
    let mut original = Original::start();
    let (mut a, mut b) = (Moto::start(), Moto::start());
    let scenarios = by_server(all_scenarios(), Server::Auth);
    let verdicts = run_all(&mut original, Some((&mut a, &mut b)), &scenarios, pending);
    report("authenticated", &verdicts, started);
}

/// The listing and bucket commands against s3s-fs, an S3 that is not moto.
#[test]
fn s3s_fs_cases_match_the_original() {
    let started = Instant::now();
    let mut original = Original::start();
    let (mut a, mut b) = (S3s::start(), S3s::start());
    let scenarios = by_server(all_scenarios(), Server::S3s);
    let verdicts = run_all(&mut original, Some((&mut a, &mut b)), &scenarios, pending);
    report("s3s-fs", &verdicts, started);
}

/// Every command has networked cases (not only usage errors and help) and offline ones;
/// with COMPAT_VERBOSE, prints the count of steps per command.
#[test]
fn every_command_has_cases() {
    use std::io::Write;
    let all = all_scenarios();
    let count = |command: &str, offline: bool| {
        all.iter()
            .filter(|s| (s.server == Server::Offline) == offline)
            .flat_map(|s| &s.steps)
            .filter(|s| s.command() == command)
            .count()
    };
    let mut err = std::io::stderr().lock();
    for command in cases_offline::COMMANDS {
        let (networked, offline) = (count(command, false), count(command, true));
        // `policy` never talks to a server; localserver's serving cases are in localserver.rs.
        let needed = if matches!(*command, "policy" | "localserver") {
            0
        } else {
            3
        };
        assert!(
            networked >= needed,
            "{command}: only {networked} networked steps"
        );
        assert!(offline >= 2, "{command}: only {offline} offline steps");
        if std::env::var_os("COMPAT_VERBOSE").is_some() {
            let _ = writeln!(
                err,
                "compat cases: {command:<24} {networked:>3} networked {offline:>3} offline"
            );
        }
    }
}
