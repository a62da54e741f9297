//! Reading and analyzing files on a pool of threads.
//!
//! A sync's files go through three stages:
//!
//! 1. **read and analyze**, on [`Pipeline::threads`] threads of our own: each
//!    takes the next file of the list, reads and extracts it (a
//!    [`FileReader`] per thread, with its own extraction worker process
//!    where one is set), and analyzes its body once
//!    ([`PreAnalyzer`]);
//! 2. **bookkeeping**, on the sync's thread, in the order the files come
//!    back: the report, the sync's state, commits;
//! 3. **postings**, on tantivy's indexing threads, which only split the
//!    pre-analyzed terms (see [`PreAnalyzed`]).
//!
//! Memory is bounded between 1 and 2: at most [`QUEUED_PER_THREAD`]
//! documents per thread wait there, and the files being read or waiting
//! weigh at most [`MAX_BYTES_IN_FLIGHT`] together (a bigger file goes alone):
//! a document holds its text and about as much again of terms. tantivy's
//! own queue and memory budget bound stage 3.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use super::syncer::ToRead;
use crate::analysis::{PreAnalyzed, PreAnalyzer};
use crate::error::Result;
use crate::read::{Extractors, FileReader, ReadError, ReadLimits, WorkerCommand};
use crate::{Document, Index};

/// How many read documents may wait for the sync's thread, per reading thread.
pub(crate) const QUEUED_PER_THREAD: usize = 2;
/// At most this many reading threads, whatever the machine.
const MAX_THREADS: usize = 8;
/// Files (by size) being read or waiting for the sync's thread, together.
pub(crate) const MAX_BYTES_IN_FLIGHT: u64 = 64 << 20;

/// What a reading thread made of a file.
pub(super) enum Prepared {
    /// Read and analyzed.
    Document {
        document: Document,
        body: PreAnalyzed,
        bytes_read: u64,
    },
    /// Read again (touched, or changed too recently to trust its stamp): the
    /// same bytes as the document the index holds.
    Unchanged { bytes_read: u64 },
    /// Not read.
    Failed(ReadError),
}

/// One file done by a reading thread.
pub(super) struct Done {
    /// Its place in the list of files.
    pub file: usize,
    /// Its share of [`MAX_BYTES_IN_FLIGHT`], given back once it is taken.
    weight: u64,
    /// When its reading started.
    pub checked: SystemTime,
    pub prepared: Result<Prepared>,
}

/// How files are read: what each reading thread needs.
pub(super) struct Pipeline<'a> {
    pub index: &'a Index,
    pub extractors: &'a Arc<Extractors>,
    pub limits: ReadLimits,
    pub worker: Option<&'a WorkerCommand>,
    pub interrupt: Option<&'a Arc<AtomicBool>>,
    pub threads: usize,
}

impl Pipeline<'_> {
    /// How many threads read when the options leave it to the machine: one per core.
    pub fn default_threads() -> usize {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_THREADS)
    }

    /// Reads `files` on the pool and calls `each` on this thread for every
    /// file done, in the order they are done. Stops at the first error
    /// `each` returns (and returns it), or when `each` returns `Ok(false)`:
    /// files not yet done are then left unread.
    pub fn run(&self, files: &[ToRead], mut each: impl FnMut(Done) -> Result<bool>) -> Result<()> {
        let threads = self.threads.clamp(1, MAX_THREADS).min(files.len().max(1));
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let in_flight = InFlight::default();
        std::thread::scope(|scope| {
            let (sender, receiver) = mpsc::sync_channel(threads * QUEUED_PER_THREAD);
            for _ in 0..threads {
                let sender = sender.clone();
                let (next, stop, in_flight) = (&next, &stop, &in_flight);
                scope.spawn(move || self.read_files(files, next, stop, in_flight, sender));
            }
            drop(sender);
            let mut outcome = Ok(());
            for done in receiver.iter() {
                in_flight.give_back(done.weight);
                match each(done) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        outcome = Err(error);
                        break;
                    }
                }
            }
            // Dropping the receiver ends the threads' next send.
            stop.store(true, Ordering::Relaxed);
            in_flight.freed.notify_all();
            outcome
        })
    }

    /// One reading thread: takes the next file until there is none, or the
    /// sync stops.
    fn read_files(
        &self,
        files: &[ToRead],
        next: &AtomicUsize,
        stop: &AtomicBool,
        in_flight: &InFlight,
        sender: mpsc::SyncSender<Done>,
    ) {
        let mut reader = FileReader::new(Arc::clone(self.extractors), self.limits);
        if let Some(command) = self.worker {
            reader = reader.with_worker(command.clone());
        }
        if let Some(flag) = self.interrupt {
            reader = reader.with_interrupt(Arc::clone(flag));
        }
        let mut analyzer = PreAnalyzer::new();
        loop {
            let interrupted = self.interrupt.is_some_and(|f| f.load(Ordering::Relaxed));
            if stop.load(Ordering::Relaxed) || interrupted {
                return;
            }
            let file = next.fetch_add(1, Ordering::Relaxed);
            let Some(to_read) = files.get(file) else {
                return;
            };
            let weight = to_read.found.size.min(MAX_BYTES_IN_FLIGHT);
            if !in_flight.take(weight, stop) {
                return;
            }
            let checked = SystemTime::now();
            let prepared = self.prepare(&mut reader, &mut analyzer, to_read);
            let done = Done {
                file,
                weight,
                checked,
                prepared,
            };
            if sender.send(done).is_err() {
                return;
            }
        }
    }

    fn prepare(
        &self,
        reader: &mut FileReader,
        analyzer: &mut PreAnalyzer,
        file: &ToRead,
    ) -> Result<Prepared> {
        reader.limits_mut().max_file_size = file.max_file_size;
        let read = match reader.read(&file.found) {
            Ok(read) => read,
            Err(error) => return Ok(Prepared::Failed(error)),
        };
        let bytes_read = read.bytes_read;
        if !file.is_new && self.index.stored_hash(&file.found.path)? == Some(read.hash) {
            return Ok(Prepared::Unchanged { bytes_read });
        }
        let document = Document::from_file(file.found.clone(), read);
        let body = analyzer.analyze(&document.body);
        Ok(Prepared::Document {
            document,
            body,
            bytes_read,
        })
    }
}

/// The bytes of the files being read or waiting (see [`MAX_BYTES_IN_FLIGHT`]).
#[derive(Default)]
struct InFlight {
    bytes: Mutex<u64>,
    freed: Condvar,
}

impl InFlight {
    /// Waits until `weight` more bytes fit (at once when nothing is in
    /// flight); `false` if the sync stops meanwhile.
    fn take(&self, weight: u64, stop: &AtomicBool) -> bool {
        let mut bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        while *bytes > 0 && *bytes + weight > MAX_BYTES_IN_FLIGHT {
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            // Woken when bytes are given back; the timeout only re-checks `stop`.
            bytes = match self.freed.wait_timeout(bytes, Duration::from_millis(100)) {
                Ok((bytes, _)) => bytes,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        *bytes += weight;
        true
    }

    fn give_back(&self, weight: u64) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        *bytes = bytes.saturating_sub(weight);
        self.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_flight_weigh_at_most_the_budget_and_a_big_one_goes_alone() {
        let in_flight = InFlight::default();
        let stop = AtomicBool::new(false);
        assert!(
            in_flight.take(MAX_BYTES_IN_FLIGHT, &stop),
            "alone, whatever its size"
        );
        stop.store(true, Ordering::Relaxed);
        assert!(
            !in_flight.take(1, &stop),
            "no room: waits, until the sync stops"
        );
        in_flight.give_back(MAX_BYTES_IN_FLIGHT);
        assert!(in_flight.take(MAX_BYTES_IN_FLIGHT / 2, &stop));
        assert!(in_flight.take(MAX_BYTES_IN_FLIGHT / 2, &stop));
        assert!(!in_flight.take(1, &stop));
    }
}
