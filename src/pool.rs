//! The one pool of worker threads: every parallel job of the program runs on it (files,
//! parts and ranges of transfers, a stdin upload's buffered parts, get-objects' listing,
//! localserver's requests). Threads are scoped, so a pool call returns only once every
//! job it started is done, and jobs may borrow from the caller.
//!
//! Two ways to hand out work:
//! - [`each`] / [`map`]: the workers take the next item of an iterator (a list, or a
//!   lazy source such as a directory walk) when they are free;
//! - [`stream`]: the calling thread feeds items as they come (a listing, stdin, a
//!   listening socket) through a [`Feeder`] that holds at most `room` of them, so a
//!   producer never gets further ahead of the workers than that.
//!
//! Stopping is the same everywhere: once `stop` is set (by a job, on a fatal error, or by
//! the caller) or a signal comes, no new item starts, while the items already started run
//! to their end; after a signal the call is [`Interrupted`]. Workers read the signal
//! state of the thread that started them ([`interrupt::Handle`]), so a test's own state
//! reaches them too.
//!
//! It sits with the foundations (it imports only `interrupt`), so that both `transfer`
//! and `localserver` use it without importing each other.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

use crate::interrupt::{self, Interrupted};

/// Whether no new item may start: `stop` is set or a signal came.
fn stopped(stop: &AtomicBool) -> bool {
    stop.load(Ordering::Relaxed) || interrupt::check().is_err()
}

/// Run `work` on `threads` threads (on this one alone when it is 1), each in the signal
/// state of the caller.
fn run_workers(threads: usize, work: impl Fn() + Sync) {
    if threads <= 1 {
        // One worker needs no thread of its own.
        return work();
    }
    let signals = interrupt::Handle::current();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| signals.enter(&work));
        }
    });
}

/// Run `job` over `items` (with each item's place in them) on up to `workers` threads,
/// each taking the next item when it is free: only the items in flight are held, however
/// long the iterator. Stops as the module says; the items never started are never taken
/// from the iterator.
pub(crate) fn each<T: Send>(
    workers: usize,
    items: impl Iterator<Item = T> + Send,
    stop: &AtomicBool,
    job: impl Fn(usize, T) + Sync,
) -> Result<(), Interrupted> {
    let queue = Mutex::new(items.enumerate());
    run_workers(workers, || {
        while !stopped(stop) {
            // The guard is dropped at the end of this statement, before the job runs.
            let next = queue.lock().ok().and_then(|mut q| q.next());
            let Some((index, item)) = next else { return };
            job(index, item);
        }
    });
    interrupt::check()
}

/// Run `job` over `items` on up to `workers` threads and return the results in the
/// order of `items`; the items never started (after `stop`) come back as None. After a
/// signal the whole map is [`Interrupted`], so that no caller can take the items done so
/// far for all of them.
pub(crate) fn map<T: Send, R: Send>(
    workers: usize,
    items: Vec<T>,
    stop: &AtomicBool,
    job: impl Fn(T) -> R + Sync,
) -> Result<Vec<Option<R>>, Interrupted> {
    let count = items.len();
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..count).map(|_| None).collect());
    each(
        workers.min(count),
        items.into_iter(),
        stop,
        |index, item| {
            let result = job(item);
            if let Ok(mut slots) = results.lock() {
                slots[index] = Some(result);
            }
        },
    )?;
    Ok(results.into_inner().unwrap_or_default())
}

/// The hand-over between the thread that produces items ([`stream`]'s feed) and the
/// workers: at most `room` items wait, so memory stays bounded however many there are.
pub(crate) struct Feeder<T> {
    state: Mutex<Queue<T>>,
    /// Signalled when an item is queued or taken, or when the stream ends or stops.
    changed: Condvar,
    /// Items that may wait; 0 is a rendezvous: [`Feeder::push`] returns once a worker
    /// has taken the item.
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
    /// Queue `item`, waiting while the queue is full (with no room, until a worker took
    /// it). False when the work has stopped (`stop`, a signal, or every worker ended):
    /// the feed should end.
    pub(crate) fn push(&self, item: T, stop: &AtomicBool) -> bool {
        let Ok(mut q) = self.state.lock() else {
            return false;
        };
        let mut item = Some(item);
        loop {
            if stopped(stop) || q.workers == 0 {
                return false;
            }
            if let Some(it) = item.take_if(|_| q.items.len() < self.room.max(1)) {
                q.items.push_back(it);
                self.changed.notify_all();
            }
            if item.is_none() && (self.room > 0 || q.items.is_empty()) {
                return true;
            }
            // Woken by a worker taking an item; the timeout lets a signal be seen.
            q = match self.changed.wait_timeout(q, interrupt::POLL) {
                Ok((q, _)) => q,
                Err(_) => return false,
            };
        }
    }

    /// The next item, waiting for one; None once the feed is done and the queue empty,
    /// or once the work has stopped.
    fn take(&self, stop: &AtomicBool) -> Option<T> {
        let mut q = self.state.lock().ok()?;
        loop {
            if stopped(stop) {
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
/// at the same time), with at most `room` items waiting between them. Stops as the
/// module says: `stop` or a signal ends the feed's pushes and the workers' taking (items
/// still queued are dropped); after a signal the whole stream is [`Interrupted`].
/// Returns what `feed` returned, once every worker is done.
pub(crate) fn stream<T: Send, R>(
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
        room,
    };
    let signals = interrupt::Handle::current();
    let result = std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                signals.enter(|| {
                    while let Some(item) = feeder.take(stop) {
                        job(item);
                    }
                });
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
        // Each job waits until two jobs are running together; with a single thread that
        // never happens and the barrier would never open.
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
    fn each_takes_from_a_lazy_source_only_what_it_starts() {
        let stop = AtomicBool::new(false);
        let taken_after_stop = AtomicUsize::new(0);
        let source = (0..1_000_000u32).inspect(|_| {
            if stop.load(Ordering::SeqCst) {
                taken_after_stop.fetch_add(1, Ordering::SeqCst);
            }
        });
        each(3, source, &stop, |index, n| {
            assert_eq!(index, n as usize);
            if n == 20 {
                stop.store(true, Ordering::SeqCst);
            }
        })
        .unwrap();
        // Only a worker that looked at `stop` just before it was set takes one more:
        // at most one each for the two other workers.
        assert!(
            taken_after_stop.load(Ordering::SeqCst) <= 2,
            "{taken_after_stop:?}"
        );
    }

    #[test]
    fn a_signal_stops_the_workers_and_interrupts_the_call() {
        let signals = interrupt::Handle::detached();
        let stop = AtomicBool::new(false);
        let raised = AtomicBool::new(false);
        let started_after = AtomicUsize::new(0);
        let result = signals.enter(|| {
            map(4, (0..1000u32).collect(), &stop, |n| {
                if raised.load(Ordering::SeqCst) {
                    started_after.fetch_add(1, Ordering::SeqCst);
                }
                if n == 10 {
                    signals.raise();
                    raised.store(true, Ordering::SeqCst);
                }
            })
        });
        assert_eq!(result.err(), Some(Interrupted));
        // Only a worker that took its item just as the signal came may start one: at
        // most one each for the three other workers.
        assert!(
            started_after.load(Ordering::SeqCst) <= 3,
            "{started_after:?}"
        );
        let streamed = signals.enter(|| stream(2, 4, &stop, |f| f.push(1u32, &stop), |_| {}));
        assert_eq!(streamed.err(), Some(Interrupted));
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
    fn without_room_each_push_waits_for_a_worker() {
        // With no room, an item is held by the feed or a worker, never left waiting:
        // when push returns, the queue is empty.
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        stream(
            2,
            0,
            &stop,
            |feeder| {
                for i in 0..50u32 {
                    assert!(feeder.push(i, &stop));
                    assert!(feeder.state.lock().unwrap().items.is_empty());
                }
            },
            |_| {
                done.fetch_add(1, Ordering::SeqCst);
            },
        )
        .unwrap();
        assert_eq!(done.load(Ordering::SeqCst), 50);
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
