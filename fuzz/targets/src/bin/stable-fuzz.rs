//! A fuzzer for stable Rust, for machines without cargo-fuzz: it runs one target from
//! `s3c_fuzz_targets` over its seed corpus mutated at random, for a bounded time.
//!
//! ```text
//! cargo run --release -p s3c-fuzz-targets --bin stable-fuzz -- TARGET SECONDS [SEED]
//! ```
//!
//! No coverage feedback: it mutates the seeds (`fuzz/corpus/TARGET/`, plus the inputs in
//! `fuzz/regressions/TARGET/`) with bit flips, interesting bytes, dictionary tokens,
//! insertions, deletions, repeats (deep nesting, long runs) and splices, and keeps a small
//! pool of recent inputs so mutations can build on each other.
//!
//! The inputs run in a child process that first sends each one to this parent over a pipe,
//! so a panic, an abort or a stack overflow (which kills the process) and a hang (no input
//! for 10 s) are caught all the same: the parent saves the last input under
//! `fuzz/artifacts/TARGET/` and starts a new child until the time is up. An input slower
//! than one second is saved too, as `slow-*`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use s3c_fuzz_targets::{dictionary, target};

const MAX_LEN: usize = 16 * 1024;
const HANG: Duration = Duration::from_secs(10);
const SLOW: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worker") {
        return worker(&args[1..]);
    }
    let (Some(name), Some(secs)) = (args.first(), args.get(1)) else {
        eprintln!("usage: stable-fuzz TARGET SECONDS [SEED]");
        return ExitCode::from(2);
    };
    if target(name).is_none() {
        eprintln!("unknown target {name}");
        return ExitCode::from(2);
    }
    let Ok(secs) = secs.parse::<u64>() else {
        eprintln!("SECONDS must be a number");
        return ExitCode::from(2);
    };
    let seed: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(clock_seed);
    parent(name, Duration::from_secs(secs), seed)
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs workers until the time is up; returns failure if any input crashed or hung.
fn parent(name: &str, total: Duration, seed: u64) -> ExitCode {
    let deadline = Instant::now() + total;
    let exe = std::env::current_exe().expect("own path");
    let mut findings = 0;
    let mut round = 0u64;
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut child = Command::new(&exe)
            .args([
                "--worker",
                name,
                &left.as_millis().to_string(),
                &(seed.wrapping_add(round.wrapping_mul(0x9E37_79B9_7F4A_7C15))).to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start worker");
        round += 1;
        let mut pipe = child.stdout.take().expect("worker stdout");
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut len = [0u8; 4];
            while pipe.read_exact(&mut len).is_ok() {
                let mut input = vec![0; u32::from_le_bytes(len) as usize];
                if pipe.read_exact(&mut input).is_err() || tx.send(input).is_err() {
                    break;
                }
            }
        });
        let mut last: Option<Vec<u8>> = None;
        let hung = loop {
            match rx.recv_timeout(HANG) {
                Ok(input) => last = Some(input),
                Err(mpsc::RecvTimeoutError::Disconnected) => break false,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    break true;
                }
            }
        };
        let status = child.wait().expect("wait for worker");
        if hung || !status.success() {
            findings += 1;
            let kind = if hung { "timeout" } else { "crash" };
            match &last {
                Some(input) => {
                    let path = save(name, kind, input);
                    eprintln!("{kind} ({status}): input saved as {}", path.display());
                }
                None => eprintln!("{kind} ({status}) before any input"),
            }
        }
    }
    eprintln!("{name}: {round} worker run(s), {findings} finding(s)");
    if findings == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn save(name: &str, kind: &str, input: &[u8]) -> PathBuf {
    let dir = fuzz_dir().join("artifacts").join(name);
    std::fs::create_dir_all(&dir).expect("create artifacts dir");
    // FNV-1a: a stable name, so the same finding is saved once.
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}"));
    std::fs::write(&path, input).expect("save input");
    path
}

fn load_seeds(name: &str) -> Vec<Vec<u8>> {
    let mut seeds = vec![Vec::new()];
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(dir).join(name)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if let Ok(bytes) = std::fs::read(&p) {
                seeds.push(bytes);
            }
        }
    }
    seeds
}

/// xorshift64*: fast, and reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[u8] = b"\0\x7f\xff\xc3\xa9<>/=[]\n\r\t \"'{}%&;#:,\\-+.0129aAzZ";

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], dict: &[&[u8]]) {
    for _ in 0..1 + rng.below(6) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(at..at, bytes);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(32));
                input.drain(at..at + n);
            }
            4 if len > 0 => {
                // Repeat a range: deep nesting, long runs, many sections.
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                let chunk = input[at..at + n].to_vec();
                let most = if rng.below(8) == 0 { 2000 } else { 8 };
                let times = 1 + rng.below(most);
                let mut repeated = Vec::with_capacity(n * times);
                for _ in 0..times {
                    repeated.extend_from_slice(&chunk);
                }
                input.splice(at..at, repeated);
            }
            5 if !pool.is_empty() => {
                let other = &pool[rng.below(pool.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below(other.len() - from);
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[from..from + n].iter().copied());
                }
            }
            6 | 7 if !dict.is_empty() => {
                let token = dict[rng.below(dict.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            _ => {}
        }
    }
    input.truncate(MAX_LEN);
}

/// Runs mutated inputs until `millis` have passed, announcing each on stdout first.
fn worker(args: &[String]) -> ExitCode {
    let name = &args[0];
    let run = target(name).expect("known target");
    let millis: u64 = args[1].parse().expect("millis");
    let mut rng = Rng(args[2].parse::<u64>().expect("seed") | 1);
    let deadline = Instant::now() + Duration::from_millis(millis);
    let seeds = load_seeds(name);
    let dict = dictionary(name);
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut execs = 0u64;
    // Every seed once as it is, then mutations.
    let mut queue: Vec<Vec<u8>> = seeds.iter().rev().cloned().collect();
    while Instant::now() < deadline {
        let input = match queue.pop() {
            Some(seed) => seed,
            None => {
                let mut input = pool[rng.below(pool.len())].clone();
                mutate(&mut rng, &mut input, &pool, dict);
                input
            }
        };
        out.write_all(&(input.len() as u32).to_le_bytes())
            .and_then(|()| out.write_all(&input))
            .and_then(|()| out.flush())
            .expect("parent went away");
        let started = Instant::now();
        run(&input);
        if started.elapsed() > SLOW {
            let path = save(name, "slow", &input);
            eprintln!(
                "slow input ({:?}) saved as {}",
                started.elapsed(),
                path.display()
            );
        }
        execs += 1;
        // Drift: let some mutants become parents, in a bounded pool.
        if rng.below(64) == 0 {
            if pool.len() < 4096 {
                pool.push(input);
            } else {
                let i = seeds.len() + rng.below(pool.len() - seeds.len());
                pool[i] = input;
            }
        }
    }
    eprintln!("{name}: {execs} inputs");
    ExitCode::SUCCESS
}
