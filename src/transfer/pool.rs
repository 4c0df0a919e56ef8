//! A fixed pool of worker threads over a list of jobs, or over a stream of them fed as
//! they come (a listing). The threads share the transport's agent, so each keeps
//! reusing its keep-alive connection.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

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

/// The hand-over between the thread that produces items ([`stream`]'s feed) and the
/// workers: at most `room` items wait, so memory stays bounded however many there are.
pub struct Feeder<T> {
    state: Mutex<Queue<T>>,
    /// Signalled when an item is queued or taken, or when the stream ends or stops.
    changed: Condvar,
    room: usize,
}

struct Queue<T> {
    items: VecDeque<T>,
    /// The feed has pushed its last item.
    done: bool,
    /// Workers running; when none is left, nobody will take another item.
    workers: usize,
}

impl<T> Feeder<T> {
    /// Queue `item`, waiting while the queue is full. False when the work has stopped
    /// (a job set `stop`, Ctrl-C, or every worker ended): the feed should end.
    pub fn push(&self, item: T, stop: &AtomicBool) -> bool {
        let Ok(mut q) = self.state.lock() else {
            return false;
        };
        loop {
            if stop.load(Ordering::Relaxed) || interrupt::check().is_err() || q.workers == 0 {
                return false;
            }
            if q.items.len() < self.room {
                q.items.push_back(item);
                self.changed.notify_all();
                return true;
            }
            // Woken by a worker taking an item; the timeout lets Ctrl-C be seen.
            q = match self.changed.wait_timeout(q, interrupt::POLL) {
                Ok((q, _)) => q,
                Err(_) => return false,
            };
        }
    }

    /// The next item, waiting for one; None once the feed is done and the queue empty.
    fn take(&self, stop: &AtomicBool) -> Option<T> {
        let mut q = self.state.lock().ok()?;
        loop {
            if stop.load(Ordering::Relaxed) || interrupt::check().is_err() {
                return None;
            }
            if let Some(item) = q.items.pop_front() {
                self.changed.notify_all();
                return Some(item);
            }
            if q.done {
                return None;
            }
            q = self.changed.wait_timeout(q, interrupt::POLL).ok()?.0;
        }
    }

    fn finish(&self, f: impl FnOnce(&mut Queue<T>)) {
        if let Ok(mut q) = self.state.lock() {
            f(&mut q);
        }
        self.changed.notify_all();
    }
}

/// Run `job` on `workers` threads over the items `feed` pushes (on the calling thread,
/// at the same time), with at most `room` items waiting between them: a producer of
/// unknown length (a listing, page by page) never gets further ahead of the workers than
/// that. Stops as [`map`] does: `stop` (set by a job) or a signal ends the feed's pushes
/// and the workers' taking; after a signal the whole stream is [`Interrupted`]. Returns
/// what `feed` returned.
pub fn stream<T: Send, R>(
    workers: usize,
    room: usize,
    stop: &AtomicBool,
    feed: impl FnOnce(&Feeder<T>) -> R,
    job: impl Fn(T) + Sync,
) -> Result<R, Interrupted> {
    let workers = workers.max(1);
    let feeder = Feeder {
        state: Mutex::new(Queue {
            items: VecDeque::new(),
            done: false,
            workers,
        }),
        changed: Condvar::new(),
        room: room.max(1),
    };
    let result = std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(item) = feeder.take(stop) {
                    job(item);
                }
                feeder.finish(|q| q.workers -= 1);
            });
        }
        let result = feed(&feeder);
        feeder.finish(|q| q.done = true);
        result
    });
    interrupt::check()?;
    Ok(result)
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

    #[test]
    fn streams_keep_few_items_waiting_and_do_them_all() {
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        let most_waiting = AtomicUsize::new(0);
        let pushed = stream(
            3,
            5,
            &stop,
            |feeder| {
                let mut n = 0;
                for i in 0..200u32 {
                    assert!(feeder.push(i, &stop));
                    n += 1;
                    let waiting = feeder.state.lock().unwrap().items.len();
                    most_waiting.fetch_max(waiting, Ordering::SeqCst);
                }
                n
            },
            |_| {
                done.fetch_add(1, Ordering::SeqCst);
            },
        )
        .unwrap();
        assert_eq!(pushed, 200);
        assert_eq!(done.load(Ordering::SeqCst), 200);
        assert!(most_waiting.load(Ordering::SeqCst) <= 5);
    }

    #[test]
    fn a_stopped_stream_refuses_more_items() {
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        let refused = stream(
            2,
            1,
            &stop,
            |feeder| (0..1000u32).find(|i| !feeder.push(*i, &stop)),
            |i| {
                done.fetch_add(1, Ordering::SeqCst);
                if i == 3 {
                    stop.store(true, Ordering::SeqCst);
                }
            },
        )
        .unwrap();
        assert!(refused.is_some());
        assert!(done.load(Ordering::SeqCst) < 1000);
    }
}
