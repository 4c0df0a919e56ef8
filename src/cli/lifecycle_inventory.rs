//! `list-credentials [USERNAMES...] [--all]`: one item per access key of the users
//! `create` makes (or the named ones, or every user), with its last use, what its user's
//! inline policies grant and when they expire (`lifecycle::inventory` builds the item).
//!
//! Users go through the worker pool, [`WORKERS`] at a time: each user's requests
//! (ListAccessKeys, ListUserPolicies + GetUserPolicy, one GetAccessKeyLastUsed per key)
//! run on one worker, while this thread prints the users' items in ListUsers order as
//! each user completes in turn. The first failure (a page of ListUsers, a user that does
//! not exist) starts no further user and is printed, after the items before it, as the
//! other `list-*` commands print a failing page. No call made here returns a secret.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use serde_json::Value;
use time::OffsetDateTime;

use super::args::Args;
use super::{CommandError, Failure, context, print_list};
use crate::aws::iam::Iam;
use crate::error::Error;
use crate::interrupt;
use crate::lifecycle::inventory::{self, Key, LastUsed};
use crate::output::parse_aws_timestamp;
use crate::pool;

/// Users whose requests run at once: IAM's request rate is limited per account, and
/// eight keep a listing of hundreds of users short without meeting throttling.
const WORKERS: usize = 8;

/// One user's items (or why they could not be read), with the user's place in the list.
type Done = (usize, Result<Vec<Value>, Error>);

/// `list-credentials`.
pub(super) fn list_credentials(args: Args) -> Result<(), Failure> {
    let format = args.list_format();
    let Args {
        usernames,
        all,
        aws,
        ..
    } = args;
    if all && !usernames.is_empty() {
        return Err(CommandError::UsernamesAndAll.into());
    }
    let ctx = context(&aws.options())?;
    // One now for every key, so that the states of one run agree with each other.
    let now = OffsetDateTime::now_utc();
    let iam = ctx.iam();
    let users: Box<dyn Iterator<Item = Result<String, Error>> + Send + '_> = if usernames.is_empty()
    {
        Box::new(iam.user_names().filter(move |user| {
            all || user
                .as_ref()
                .map_or(true, |name| inventory::is_tool_user(name))
        }))
    } else {
        Box::new(usernames.into_iter().map(Ok))
    };
    let stop = AtomicBool::new(false);
    let (sender, receiver) = channel::<Done>();
    std::thread::scope(|scope| {
        let (stop, ctx) = (&stop, &ctx);
        // The workers read this thread's signal state, as every pool job does.
        let signals = interrupt::Handle::current();
        scope.spawn(move || {
            signals.enter(|| {
                // An interrupt shows on this side as the gap it leaves (`InOrder`).
                let _ = pool::each(WORKERS, users, stop, |index, user| {
                    let items = user.and_then(|name| user_items(&ctx.iam(), &name, now));
                    if items.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    // The printer may have stopped (a closed pipe): nothing to tell then.
                    let _ = sender.send((index, items));
                });
            })
        });
        let printed = print_list(InOrder::new(receiver), inventory::HEADERS, format);
        // Whatever ended the printing, start no further user.
        stop.store(true, Ordering::Relaxed);
        printed
    })
}

/// One user's items, in ListAccessKeys order (none for a user without keys).
fn user_items(iam: &Iam<'_>, user: &str, now: OffsetDateTime) -> Result<Vec<Value>, Error> {
    // First, so that a user who does not exist fails here (NoSuchEntity), and a user
    // without keys costs one request.
    let keys = iam.list_access_keys(user)?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut documents = Vec::new();
    for name in iam.list_user_policies(user)? {
        if let Some(document) = iam.get_user_policy(user, &name)?.policy_document {
            documents.push(document.0);
        }
    }
    let grants = inventory::grants(&documents);
    let time = |t: Option<&crate::aws::shape::Timestamp>| t.and_then(|t| parse_aws_timestamp(&t.0));
    keys.into_iter()
        .map(|listed| {
            let key = Key {
                user_name: listed.user_name.unwrap_or_else(|| user.to_string()),
                access_key_id: listed.access_key_id.unwrap_or_default(),
                status: listed.status.unwrap_or_default(),
                create_date: time(listed.create_date.as_ref()),
            };
            let last_used = iam
                .get_access_key_last_used(&key.access_key_id)?
                .and_then(|l| {
                    LastUsed::from_response(
                        time(l.last_used_date.as_ref()),
                        l.service_name.as_deref(),
                        l.region.as_deref(),
                    )
                });
            Ok(inventory::item(&key, last_used.as_ref(), &grants, now))
        })
        .collect()
}

/// The users' items in the users' order, from the workers' results in the order they
/// finish: a result waits until those of every user before it are out.
struct InOrder {
    receiver: Receiver<Done>,
    waiting: BTreeMap<usize, Result<Vec<Value>, Error>>,
    /// The place of the next user to print.
    next: usize,
    current: std::vec::IntoIter<Value>,
    ended: bool,
}

impl InOrder {
    fn new(receiver: Receiver<Done>) -> InOrder {
        InOrder {
            receiver,
            waiting: BTreeMap::new(),
            next: 0,
            current: Vec::new().into_iter(),
            ended: false,
        }
    }
}

impl Iterator for InOrder {
    type Item = Result<Value, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            if self.ended {
                return None;
            }
            let Some(done) = self.waiting.remove(&self.next) else {
                match self.receiver.recv() {
                    Ok((index, result)) => {
                        self.waiting.insert(index, result);
                        continue;
                    }
                    // Every worker is done and this user never started: the pool
                    // stopped for a signal (a failure before it would have come first).
                    Err(_) => {
                        self.ended = true;
                        return interrupt::check().err().map(|i| Err(i.into()));
                    }
                }
            };
            self.next += 1;
            match done {
                Ok(items) => self.current = items.into_iter(),
                Err(e) => {
                    self.ended = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::mpsc::Sender;

    fn items(values: &[&str]) -> Result<Vec<Value>, Error> {
        Ok(values.iter().map(|v| json!(v)).collect())
    }

    fn drain(send: impl FnOnce(&Sender<Done>)) -> Vec<Result<Value, String>> {
        let (sender, receiver) = channel();
        send(&sender);
        drop(sender);
        InOrder::new(receiver)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn users_print_in_their_order_whatever_order_they_finish_in() {
        let got = drain(|s| {
            s.send((2, items(&["c"]))).unwrap();
            s.send((1, items(&[]))).unwrap();
            s.send((0, items(&["a1", "a2"]))).unwrap();
            s.send((3, items(&["d"]))).unwrap();
        });
        let ok = |v: &str| Ok(json!(v));
        assert_eq!(got, [ok("a1"), ok("a2"), ok("c"), ok("d")]);
    }

    #[test]
    fn a_failure_comes_after_the_users_before_it_and_ends_the_list() {
        let got = drain(|s| {
            s.send((1, Err(Error::transport("user 1 failed")))).unwrap();
            s.send((2, items(&["after"]))).unwrap();
            s.send((0, items(&["a"]))).unwrap();
        });
        assert_eq!(got, [Ok(json!("a")), Err("user 1 failed".to_string())]);
    }

    #[test]
    fn a_user_that_never_started_ends_the_list_there() {
        // Without a signal (this test's thread has none) the gap ends the list quietly:
        // only a stop for a signal leaves one without a failure before it.
        let got = drain(|s| {
            s.send((0, items(&["a"]))).unwrap();
            s.send((2, items(&["c"]))).unwrap();
        });
        assert_eq!(got, [Ok(json!("a"))]);
    }
}
