//! A fixed pool of worker threads over a list of jobs. The threads share the
//! transport's agent, so each keeps reusing its keep-alive connection.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::interrupt::{self, Interrupted};

/// Run `job` over `items` on up to `workers` threads and return the results in the
/// order of `items`. Once `stop` is set (by a job, typically on a fatal error) no new
/// item starts; the items never started come back as None. After Ctrl-C or SIGTERM no
/// new item starts either, and the whole map is [`Interrupted`], so that no caller can
/// take the items done so far for all of them.
pub fn map<T: Send, R: Send>(
    workers: usize,
    items: Vec<T>,
    stop: &AtomicBool,
    job: impl Fn(T) -> R + Sync,
) -> Result<Vec<Option<R>>, Interrupted> {
    let count = items.len();
    let threads = workers.clamp(1, count.max(1));
    let queue = Mutex::new(items.into_iter().enumerate());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..count).map(|_| None).collect());
    let work = || {
        loop {
            if stop.load(Ordering::Relaxed) || interrupt::check().is_err() {
                return;
            }
            // The guard is dropped at the end of this statement, before the job runs.
            let next = queue.lock().map(|mut q| q.next()).ok().flatten();
            let Some((index, item)) = next else { return };
            let result = job(item);
            if let Ok(mut slots) = results.lock() {
                slots[index] = Some(result);
            }
        }
    };
    if threads == 1 {
        // One worker needs no thread of its own.
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(work);
            }
        });
    }
    interrupt::check()?;
    Ok(results.into_inner().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_keep_the_order_of_items() {
        let stop = AtomicBool::new(false);
        let out = map(4, (0..100).collect(), &stop, |n: u32| n * 2).unwrap();
        let out: Vec<u32> = out.into_iter().map(Option::unwrap).collect();
        assert_eq!(out, (0..100).map(|n| n * 2).collect::<Vec<_>>());
        assert!(map(4, Vec::<u32>::new(), &stop, |n| n).unwrap().is_empty());
    }

    #[test]
    fn runs_on_several_threads_at_once() {
        // Each job waits (with a timeout) until two jobs are running together; with a
        // single thread that never happens and the assertion below fails.
        let stop = AtomicBool::new(false);
        let running = AtomicUsize::new(0);
        let saw_two = AtomicBool::new(false);
        let pair = std::sync::Barrier::new(2);
        map(2, vec![(), ()], &stop, |()| {
            running.fetch_add(1, Ordering::SeqCst);
            pair.wait();
            if running.load(Ordering::SeqCst) == 2 {
                saw_two.store(true, Ordering::SeqCst);
            }
        })
        .unwrap();
        assert!(saw_two.load(Ordering::SeqCst));
    }

    #[test]
    fn stop_leaves_later_items_undone() {
        let stop = AtomicBool::new(false);
        let out = map(1, (0..10).collect(), &stop, |n: u32| {
            if n == 3 {
                stop.store(true, Ordering::Relaxed);
            }
            n
        })
        .unwrap();
        assert_eq!(out[3], Some(3));
        assert!(out[4..].iter().all(Option::is_none));
    }
}
