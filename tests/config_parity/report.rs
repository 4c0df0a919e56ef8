//! The parity run's verdict: agreement rate, the documented differences counted apart,
//! every disagreement with its case (files, environment, both outputs), and the
//! disagreements grouped by symptom and by what the cases exercise.

use std::collections::BTreeMap;

use super::Ran;
use super::model::visible;

/// Non-documented cases that must agree, in percent: all of them. The cases are
/// deterministic (fixed seed, no clock in what is compared), so one disagreement is a
/// regression, not noise; a deliberate new difference goes in [`documented`] with its
/// reason.
pub const THRESHOLD_PERCENT: f64 = 100.0;

pub struct Summary {
    pub total: usize,
    pub agreed: usize,
    pub documented: usize,
    pub disagreed: usize,
}

impl Summary {
    pub fn rate(&self) -> f64 {
        let counted = self.agreed + self.disagreed;
        if counted == 0 {
            100.0
        } else {
            100.0 * self.agreed as f64 / counted as f64
        }
    }
}

/// A difference the README documents as deliberate, with its reason; None otherwise.
pub fn documented(r: &Ran) -> Option<&'static str> {
    // README, Compatibility: with no region anywhere botocore cannot make the STS client
    // the assume-role provider needs (NoRegionError); ours uses us-east-1 as for every
    // other client.
    if r.theirs.stderr.contains("NoRegionError") && r.ours.code == 0 {
        return Some("no region for assume-role: botocore NoRegionError, ours us-east-1");
    }
    None
}

/// What an outcome amounts to, for grouping: `ok`, or the error's type/first words.
pub fn symptom(code: i32, stderr: &str, ours: bool) -> String {
    if code == 0 {
        return "ok".to_string();
    }
    let line = if ours {
        stderr
            .lines()
            .find(|l| l.starts_with("Error: "))
            .unwrap_or_else(|| stderr.lines().last().unwrap_or(""))
    } else {
        stderr.lines().last().unwrap_or("")
    };
    // The exception type, or the message's first words without values.
    let head: String = match line.split_once(": ") {
        Some((kind, _)) if !kind.contains(' ') && kind != "Error" => kind.to_string(),
        Some((_, rest)) => rest
            .split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" "),
        None => line
            .split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" "),
    };
    let head: String = head
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .take(60)
        .collect();
    format!("exit {code} {head}")
}

fn describe(r: &Ran) -> String {
    // Files are shown as generated: @HOME@ stands for the case's home directory.
    let mut out = format!("--- {} [{}]\n", r.case.name, r.case.tags.join(" "));
    for (path, contents, exec) in &r.case.files {
        let mode = if *exec { " (executable)" } else { "" };
        out.push_str(&format!("  file ~/{path}{mode}:\n{}", visible(contents)));
    }
    for (name, value) in &r.case.env {
        if value == super::model::UNSET {
            out.push_str(&format!("  env {name} unset\n"));
        } else {
            out.push_str(&format!("  env {name}={value:?}\n"));
        }
    }
    if !r.case.args.is_empty() {
        out.push_str(&format!("  args: whoami {:?}\n", r.case.args));
    }
    out.push_str(&format!("  fake AWS saw: {:?}\n", r.fake_requests));
    for (who, o) in [("original", &r.theirs), ("ours", &r.ours)] {
        let stdout = String::from_utf8_lossy(&o.stdout).replace(&r.home, "~");
        let stderr = o.stderr.replace(&r.home, "~");
        let stderr_tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        out.push_str(&format!(
            "  {who}: exit {}\n    stdout: {stdout:?}\n    stderr (last lines): {:?}\n",
            o.code,
            stderr_tail.into_iter().rev().collect::<Vec<_>>()
        ));
    }
    out
}

/// Prints everything and returns the counts.
pub fn print(results: &[Ran], seed: u64) -> Summary {
    let mut s = Summary {
        total: results.len(),
        agreed: 0,
        documented: 0,
        disagreed: 0,
    };
    let mut by_symptom: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut by_tag: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut documented_reasons: BTreeMap<&str, usize> = BTreeMap::new();
    // S3C_PARITY_EXAMPLES=N prints only the first N disagreements of each symptom in
    // full (the long run); the others are named in the summary.
    let examples: usize = std::env::var("S3C_PARITY_EXAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let chains = results.iter().filter(|r| r.issued > 0).count();
    for r in results {
        let agree = r.agree();
        for t in &r.case.tags {
            let e = by_tag.entry(t.clone()).or_default();
            e.0 += 1;
            if !agree && documented(r).is_none() {
                e.1 += 1;
            }
        }
        if agree {
            s.agreed += 1;
        } else if let Some(why) = documented(r) {
            s.documented += 1;
            *documented_reasons.entry(why).or_default() += 1;
        } else {
            s.disagreed += 1;
            let key = format!(
                "original {} / ours {}",
                symptom(r.theirs.code, &r.theirs.stderr, false),
                symptom(r.ours.code, &r.ours.stderr, true)
            );
            let seen = by_symptom.entry(key).or_default();
            if seen.len() < examples {
                println!("{}", describe(r));
            }
            seen.push(&r.case.name);
        }
    }
    println!("=== disagreements by symptom");
    for (k, names) in &by_symptom {
        println!("{:5}  {k}\n       {names:?}", names.len());
    }
    println!("=== disagreements by what the case exercises (disagreed / cases)");
    for (tag, (n, bad)) in &by_tag {
        if *bad > 0 {
            println!("{bad:5} / {n:5}  {tag}");
        }
    }
    println!("{chains} cases went through AssumeRole, web identity or SSO at the fake");
    for (why, n) in &documented_reasons {
        println!("documented ({n}): {why}");
    }
    println!(
        "=== config parity, seed {seed}: {} cases, {} agree, {} documented, {} disagree: \
         {:.1}% agreement outside documented differences (threshold {THRESHOLD_PERCENT}%)",
        s.total,
        s.agreed,
        s.documented,
        s.disagreed,
        s.rate()
    );
    s
}

pub fn assert_threshold(s: &Summary) {
    assert!(
        s.rate() >= THRESHOLD_PERCENT,
        "config parity {:.1}% < {THRESHOLD_PERCENT}% ({} of {} cases disagree; listed above)",
        s.rate(),
        s.disagreed,
        s.total
    );
}
