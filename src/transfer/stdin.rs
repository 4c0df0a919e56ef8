//! Standard input that Ctrl-C can interrupt. A read of a pipe or terminal blocks until
//! data comes, and signals do not end it (the handler restarts system calls), so a thread
//! of its own reads stdin in chunks and hands them over; the reader waits for the next
//! chunk in short steps and gives up when a signal comes. The thread left blocked on
//! stdin ends with the process.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};

/// How much the thread reads at a time: large enough that the hand-over costs nothing
/// next to the upload, small enough that little is held besides the parts.
const CHUNK: usize = 256 * 1024;

/// Standard input, read on a thread of its own.
pub(crate) struct Stdin {
    chunks: Receiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
    pos: usize,
    ended: bool,
}

/// The error a read ends with when a signal came; callers check the signal count and
/// report the interrupt instead.
pub(crate) fn interrupted_error() -> io::Error {
    io::Error::other("interrupted by a signal")
}

impl Stdin {
    pub(crate) fn start() -> Stdin {
        // One chunk waiting besides the one being read.
        let (tx, chunks) = sync_channel(1);
        std::thread::spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                let mut chunk = vec![0u8; CHUNK];
                let result = match input.read(&mut chunk) {
                    Ok(n) => {
                        chunk.truncate(n);
                        Ok(chunk)
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let last = !matches!(&result, Ok(c) if !c.is_empty());
                if tx.send(result).is_err() || last {
                    return;
                }
            }
        });
        Stdin {
            chunks,
            current: Vec::new(),
            pos: 0,
            ended: false,
        }
    }
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.current.len() {
            if self.ended {
                return Ok(0);
            }
            if crate::interrupt::check().is_err() {
                return Err(interrupted_error());
            }
            match self.chunks.recv_timeout(crate::interrupt::POLL) {
                Ok(Ok(chunk)) => {
                    self.ended = chunk.is_empty();
                    self.current = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
            }
        }
        let n = buf.len().min(self.current.len() - self.pos);
        buf[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
