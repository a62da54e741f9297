//! [`FileReader`]: the one entry point for reading files within budget, in process or
//! in the extraction worker.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::file::{extract_error, extract_in_process, extractor_for, load};
use super::worker::{Lost, Worker, WorkerCommand};
use super::{content_hash, Extractors, FoundFile, ReadError, ReadFile, ReadLimits};

/// Reads found files within [`ReadLimits`], as [`read_file`](super::read_file) does, but
/// extracts the [risky kinds](Extractors::isolated) in a worker process when given a
/// [`WorkerCommand`]: there a file over the time or memory budget, or one that crashes
/// the parser, fails alone ([`ReadError::OverBudget`], [`ReadError::Worker`]) and the
/// next file gets a fresh worker.
///
/// The worker starts with the first risky file (a folder of text files never starts
/// one) and is reused; it is stopped when the reader is dropped. Kinds whose extractor
/// the caller [registered](Extractors::register) always run here.
///
/// Without a worker command everything runs in this process, with the in-process bounds
/// only: size, text cap, and the formats' own limits (decompression, PDF content and
/// form draws, zip entries, HTML attributes); no time limit, no memory limit, and a
/// parser that overflows its stack takes the process down.
///
/// ```
/// use std::sync::Arc;
/// use cerca_core::read::{Extractors, FileReader, FoundFile, ReadLimits};
///
/// let path = std::env::temp_dir().join(format!("cerca-reader-doc-{}.txt", std::process::id()));
/// std::fs::write(&path, "Ciao").unwrap();
/// let found = FoundFile::new(path.clone(), &std::fs::metadata(&path).unwrap(), "txt");
/// let mut reader = FileReader::new(Arc::new(Extractors::default()), ReadLimits::default());
/// // e.g. .with_worker(WorkerCommand::new(std::env::current_exe()?).arg("extract-worker"))
/// assert_eq!(reader.read(&found).unwrap().extracted.body, "Ciao");
/// assert_eq!(reader.worker_pid(), None);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub struct FileReader {
    extractors: Arc<Extractors>,
    limits: ReadLimits,
    command: Option<WorkerCommand>,
    worker: Option<Worker>,
    interrupt: Option<Arc<AtomicBool>>,
}

impl FileReader {
    /// A reader that extracts everything in this process.
    pub fn new(extractors: Arc<Extractors>, limits: ReadLimits) -> Self {
        FileReader {
            extractors,
            limits,
            command: None,
            worker: None,
            interrupt: None,
        }
    }

    /// Stops waiting for the worker as soon as `flag` is set: the file then
    /// fails with [`ReadError::Interrupted`] (it is neither read nor broken).
    pub fn with_interrupt(mut self, flag: Arc<AtomicBool>) -> Self {
        self.interrupt = Some(flag);
        self
    }

    /// Extracts the risky kinds in a worker started with `command`.
    pub fn with_worker(mut self, command: WorkerCommand) -> Self {
        self.command = Some(command);
        self
    }

    /// The limits files are read within.
    pub fn limits(&self) -> &ReadLimits {
        &self.limits
    }

    /// The limits, to change between files (each root of a sync has its own size limit).
    pub fn limits_mut(&mut self) -> &mut ReadLimits {
        &mut self.limits
    }

    /// The extractors.
    pub fn extractors(&self) -> &Arc<Extractors> {
        &self.extractors
    }

    /// The process id of the running worker, if one is running.
    pub fn worker_pid(&self) -> Option<u32> {
        self.worker.as_ref().map(Worker::pid)
    }

    /// Reads a file found by the walk and extracts its text: the checks of
    /// [`read_file`](super::read_file), then extraction here or in the worker.
    pub fn read(&mut self, found: &FoundFile) -> Result<ReadFile, ReadError> {
        let extractor = extractor_for(found, &self.extractors)?;
        let bytes = load(found, extractor, &self.limits)?;
        let hash = content_hash(&bytes);
        let bytes_read = bytes.len() as u64;
        let extracted = match &self.command {
            Some(command) if self.extractors.isolated(&found.kind) => {
                let interrupt = self.interrupt.as_deref();
                in_worker(
                    &mut self.worker,
                    command,
                    &self.limits,
                    interrupt,
                    found,
                    bytes,
                )?
            }
            _ => extract_in_process(extractor, &bytes, self.limits.max_text_bytes)
                .map_err(|e| extract_error(&found.path, e))?,
        };
        Ok(ReadFile {
            extracted,
            hash,
            bytes_read,
        })
    }
}

/// Extracts in the worker, starting one if there is none; a lost worker is dropped, so
/// that the next file gets a fresh one.
fn in_worker(
    worker: &mut Option<Worker>,
    command: &WorkerCommand,
    limits: &ReadLimits,
    interrupt: Option<&AtomicBool>,
    found: &FoundFile,
    bytes: Vec<u8>,
) -> Result<super::Extracted, ReadError> {
    let lost = |lost: Lost| match lost {
        Lost::Budget(budget) => ReadError::OverBudget {
            path: found.path.clone(),
            budget,
        },
        Lost::Worker(source) => ReadError::Worker {
            path: found.path.clone(),
            source,
        },
        Lost::Interrupted => ReadError::Interrupted {
            path: found.path.clone(),
        },
    };
    let running = match worker {
        Some(running) => running,
        None => worker.insert(Worker::start(command, limits).map_err(lost)?),
    };
    match running.extract(&found.kind, bytes, limits, interrupt) {
        Ok(result) => result.map_err(|e| extract_error(&found.path, e)),
        Err(gone) => {
            // Killed, crashed or confused: the next file gets a fresh worker.
            *worker = None;
            Err(lost(gone))
        }
    }
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileReader")
            .field("extractors", &self.extractors)
            .field("limits", &self.limits)
            .field("command", &self.command)
            .field("worker_pid", &self.worker_pid())
            .finish()
    }
}
