//! Progress on stderr. The original uses click's progress bar: on a terminal a live
//! bar, elsewhere only its label, once (`Uploading 29.0 bytes (4 files)`). We print the
//! same label when stderr is not a terminal, and on a terminal a bar with bytes, rate
//! and time left, redrawn a few times a second by a thread of its own.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::output::format_bytes;

/// How often the bar is redrawn.
const REDRAW: Duration = Duration::from_millis(200);
const BAR_WIDTH: usize = 30;

struct Shared {
    label: String,
    total: Option<u64>,
    done: AtomicU64,
    started: Instant,
    finished: Mutex<bool>,
    wake: Condvar,
}

/// A progress display; [`Progress::finish`] (or drop) ends it.
pub(crate) struct Progress {
    shared: Option<Arc<Shared>>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Nothing at all (`--silent`, or commands the original shows no progress for).
    pub(crate) fn hidden() -> Progress {
        Progress {
            shared: None,
            ticker: None,
        }
    }

    /// Start showing progress towards `total` bytes (None when unknown, as for stdin).
    pub(crate) fn start(label: &str, total: Option<u64>, silent: bool) -> Progress {
        if silent {
            return Progress::hidden();
        }
        // Our own words and counts today; escaped all the same, as all stderr is.
        let label = &*crate::output::escape_controls(label);
        let stderr = std::io::stderr();
        if !stderr.is_terminal() {
            // click shows a hidden bar's label once, and nothing else.
            let _ = writeln!(stderr.lock(), "{label}");
            return Progress::hidden();
        }
        let shared = Arc::new(Shared {
            label: label.to_string(),
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            finished: Mutex::new(false),
            wake: Condvar::new(),
        });
        let ticker = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let Ok(mut finished) = shared.finished.lock() else {
                    return;
                };
                while !*finished {
                    draw(&shared, false);
                    finished = match shared.wake.wait_timeout(finished, REDRAW) {
                        Ok((guard, _)) => guard,
                        Err(_) => return,
                    };
                }
            })
        };
        Progress {
            shared: Some(shared),
            ticker: Some(ticker),
        }
    }

    /// Count `bytes` more as done.
    pub(crate) fn add(&self, bytes: u64) {
        if let Some(s) = &self.shared {
            s.done.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    /// Draw the final state and end the line.
    pub(crate) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(shared) = self.shared.take() else {
            return;
        };
        if let Ok(mut finished) = shared.finished.lock() {
            *finished = true;
        }
        shared.wake.notify_all();
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        draw(&shared, true);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn draw(s: &Shared, last: bool) {
    let line = render(
        &s.label,
        s.done.load(Ordering::Relaxed),
        s.total,
        s.started.elapsed(),
    );
    let end = if last { "\n" } else { "" };
    // \r and "erase to end of line": redraw in place.
    let _ = write!(std::io::stderr().lock(), "\r{line}\x1b[K{end}");
}

/// One line of the bar: `label [####------]  45%  450.0 MB/1.0 GB  120.3 MB/s  0:00:05`.
pub(crate) fn render(label: &str, done: u64, total: Option<u64>, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let rate_text = format!("{}/s", format_bytes(rate as u64));
    match total {
        Some(total) => {
            let fraction = if total == 0 {
                1.0
            } else {
                (done as f64 / total as f64).min(1.0)
            };
            let filled = (fraction * BAR_WIDTH as f64) as usize;
            let eta = if rate > 0.0 && done < total {
                clock(((total - done) as f64 / rate) as u64)
            } else {
                clock(0)
            };
            format!(
                "{label}  [{}{}]  {:3.0}%  {}/{}  {rate_text}  eta {eta}",
                "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled),
                fraction * 100.0,
                format_bytes(done),
                format_bytes(total),
            )
        }
        None => format!("{label}  {}  {rate_text}", format_bytes(done)),
    }
}

fn clock(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_shows_bytes_rate_and_time_left() {
        let line = render(
            "Uploading",
            512 * 1024,
            Some(1024 * 1024),
            Duration::from_secs(2),
        );
        assert_eq!(
            line,
            "Uploading  [###############---------------]   50%  512.0 KB/1.0 MB  256.0 KB/s  eta 0:00:02"
        );
        let done = render("Uploading", 10, Some(10), Duration::from_secs(1));
        assert!(
            done.contains("100%") && done.ends_with("eta 0:00:00"),
            "{done}"
        );
        assert_eq!(
            render("Uploading", 2048, None, Duration::from_secs(2)),
            "Uploading  2.0 KB  1.0 KB/s"
        );
    }
}
