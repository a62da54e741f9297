//! The extraction worker: one child process, reused for many files, that extracts the
//! risky kinds (see [`Extractors::isolated`](super::Extractors::isolated)) under resource
//! limits, so that a hostile file costs at most one worker.
//!
//! The parent ([`FileReader`](super::FileReader)) starts the worker lazily, with the
//! program and arguments of a [`WorkerCommand`] (a program whose `main` calls
//! [`serve_worker`]), and talks to it over its standard input and output (`protocol`).
//! The worker lowers its own memory limit first ([`ReadLimits::max_memory`]); the parent
//! waits at most [`ReadLimits::max_time`] for each answer, then kills it. A worker that
//! died, or was killed, is reaped and replaced for the next file; the file it was on
//! fails with the reason: over the time or memory budget, or crashed (the signal).
//!
//! Why threads: a blocked read of a pipe cannot be given a deadline portably, so one
//! thread per worker does the writing and reading and hands answers over a channel that
//! the parent waits on with a timeout; another drains the worker's standard error,
//! keeping its end, where Rust writes why it aborted.
//!
//! [`ReadLimits::max_memory`]: super::ReadLimits::max_memory
//! [`ReadLimits::max_time`]: super::ReadLimits::max_time

mod protocol;
mod serve;

use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use self::protocol::Response;
pub use self::serve::{serve_worker, serve_worker_with};
use super::{Budget, ExtractError, Extracted, ReadLimits};

/// How long a worker may take to start and answer the hello.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a worker whose output closed may take to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How much of the end of a worker's standard error is kept.
const STDERR_TAIL: usize = 8 * 1024;

/// How to start the extraction worker: a program whose `main` calls [`serve_worker`],
/// and its arguments (e.g. the running `cerca` and its hidden `extract-worker`
/// subcommand).
///
/// ```
/// use cerca_core::read::WorkerCommand;
///
/// let command = WorkerCommand::new("/usr/bin/cerca").arg("extract-worker");
/// assert_eq!(command.program(), std::path::Path::new("/usr/bin/cerca"));
/// assert_eq!(command.args(), ["extract-worker"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    program: PathBuf,
    args: Vec<OsString>,
}

impl WorkerCommand {
    /// The worker program, without arguments.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        WorkerCommand {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// The program.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Its arguments.
    pub fn args(&self) -> &[OsString] {
        &self.args
    }
}

/// What happened to the extraction worker while it had a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The worker program could not be started.
    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The worker died on the file: killed by a signal, or exited (with the last line it
    /// wrote on its standard error, if any).
    #[error("crashed: {0}")]
    Crashed(String),
    /// The worker answered something that is not the protocol (not a worker program?).
    #[error("broke the protocol: {0}")]
    Protocol(String),
}

/// Why a worker cannot go on: the file it had fails with this, and the worker is dropped.
#[derive(Debug)]
pub(crate) enum Lost {
    Budget(Budget),
    Worker(WorkerError),
    /// The caller's interrupt flag was set while the worker read the file.
    Interrupted,
}

enum Job {
    Hello {
        max_memory: u64,
    },
    Extract {
        kind: String,
        max_text_bytes: u64,
        bytes: Vec<u8>,
    },
}

/// A running worker process and its two threads.
pub(crate) struct Worker {
    child: Child,
    jobs: Option<Sender<Job>>,
    answers: Receiver<io::Result<Response>>,
    io: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    max_memory: u64,
}

/// Makes the worker die when the thread that started it ends: a `cerca`
/// killed mid-file must not leave its worker grinding for minutes.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the child between fork and exec and only
    // makes async-signal-safe calls (prctl, getppid, _exit).
    let parent = unsafe { libc::getpid() };
    unsafe {
        command.pre_exec(move || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            // The parent died before prctl: no signal will come.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// How often a wait for the worker looks at the caller's interrupt flag.
const INTERRUPT_POLL: Duration = Duration::from_millis(100);

impl Worker {
    /// Starts a worker and waits for its hello.
    pub(crate) fn start(command: &WorkerCommand, limits: &ReadLimits) -> Result<Worker, Lost> {
        let mut child = Command::new(&command.program);
        child
            .args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        die_with_parent(&mut child);
        let mut child = child.spawn().map_err(|source| {
            Lost::Worker(WorkerError::Spawn {
                program: command.program.clone(),
                source,
            })
        })?;
        let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(stderr)) = pipes else {
            // Cannot happen with piped standard streams; the child is killed by Drop.
            let _ = child.kill();
            let _ = child.wait();
            return Err(Lost::Worker(WorkerError::Protocol(
                "its standard streams are not pipes".into(),
            )));
        };
        let (jobs, job_queue) = mpsc::channel();
        let (answer, answers) = mpsc::channel();
        let io = thread::Builder::new()
            .name("cerca-worker-io".into())
            .spawn(move || talk(stdin, stdout, job_queue, answer));
        let stderr = thread::Builder::new()
            .name("cerca-worker-stderr".into())
            .spawn(move || tail(stderr));
        let mut worker = Worker {
            child,
            jobs: Some(jobs),
            answers,
            io: io.ok(),
            stderr: stderr.ok(),
            max_memory: limits.max_memory,
        };
        if worker.io.is_none() || worker.stderr.is_none() {
            return Err(Lost::Worker(WorkerError::Crashed(
                "cannot start a thread to talk to it".into(),
            )));
        }
        match worker.ask(
            Job::Hello {
                max_memory: limits.max_memory,
            },
            START_TIMEOUT,
            None,
        )? {
            Response::Ready {
                version: protocol::VERSION,
            } => Ok(worker),
            other => Err(Lost::Worker(WorkerError::Protocol(format!(
                "answered {} to the hello",
                describe(&other)
            )))),
        }
    }

    /// The worker's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Extracts a file of `kind` in the worker: the extractor's own result, or why the
    /// worker is lost (then drop it).
    pub(crate) fn extract(
        &mut self,
        kind: &str,
        bytes: Vec<u8>,
        limits: &ReadLimits,
        interrupt: Option<&AtomicBool>,
    ) -> Result<Result<Extracted, ExtractError>, Lost> {
        let job = Job::Extract {
            kind: kind.to_string(),
            max_text_bytes: limits.max_text_bytes,
            bytes,
        };
        match self.ask(job, limits.max_time, interrupt)? {
            Response::Extracted(extracted) => Ok(Ok(extracted)),
            Response::Failed(error) => Ok(Err(error)),
            other => Err(Lost::Worker(WorkerError::Protocol(format!(
                "answered {} to a file",
                describe(&other)
            )))),
        }
    }

    /// Sends a job and waits for its answer until `timeout`, or until
    /// `interrupt` is set (then the worker is stopped: a file may take it a
    /// minute, a person pressing Ctrl-C will not wait that long).
    fn ask(
        &mut self,
        job: Job,
        timeout: Duration,
        interrupt: Option<&AtomicBool>,
    ) -> Result<Response, Lost> {
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if !sent {
            return Err(self.died(None));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left.min(INTERRUPT_POLL)) {
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(error)) => return Err(self.died(Some(error))),
                Err(RecvTimeoutError::Disconnected) => return Err(self.died(None)),
                Err(RecvTimeoutError::Timeout) if left <= INTERRUPT_POLL => {
                    self.stop();
                    return Err(Lost::Budget(Budget::Time { limit: timeout }));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if interrupt.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                        self.stop();
                        return Err(Lost::Interrupted);
                    }
                }
            }
        }
    }

    /// Why the worker stopped answering: it exited or was killed (its status and the end
    /// of its standard error tell), or it broke the protocol while alive.
    fn died(&mut self, error: Option<io::Error>) -> Lost {
        if let Some(error) = error
            .as_ref()
            .filter(|e| e.kind() == io::ErrorKind::InvalidData)
        {
            // It wrote something that is not an answer: whatever it is, not a worker.
            self.stop();
            return Lost::Worker(WorkerError::Protocol(error.to_string()));
        }
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => break None,
            }
        };
        let Some(status) = status else {
            // Alive but talking nonsense (or its output closed): not a worker to keep.
            self.stop();
            let reason = error.map_or_else(|| "stopped answering".to_string(), |e| e.to_string());
            return Lost::Worker(WorkerError::Protocol(reason));
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        classify(status, &String::from_utf8_lossy(&stderr), self.max_memory)
    }

    /// Kills the worker and reaps it (its resources are freed, its usage accounted).
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // An idle worker has nothing to lose: killing it is the one way that cannot block.
        self.stop();
        self.jobs = None;
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
        if let Some(stderr) = self.stderr.take() {
            let _ = stderr.join();
        }
    }
}

/// The reason for a worker's death, from its exit status and the end of its standard
/// error: an allocation refused under the memory limit, a stack overflow, a signal.
fn classify(status: ExitStatus, stderr: &str, max_memory: u64) -> Lost {
    if status.success() {
        // A worker ends only when its input closes: one that ended well in the
        // middle of a question is no worker (`/bin/echo`, a wrong command).
        return Lost::Worker(WorkerError::Protocol("it exited without answering".into()));
    }
    if stderr.contains("memory allocation of") {
        return Lost::Budget(Budget::Memory { limit: max_memory });
    }
    if stderr.contains("has overflowed its stack") {
        return Lost::Worker(WorkerError::Crashed("overflowed its stack".into()));
    }
    let last_line = stderr.lines().rev().find(|l| !l.trim().is_empty());
    let how = signal_of(status).map_or_else(
        || match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => status.to_string(),
        },
        |signal| format!("killed by signal {signal}{}", signal_name(signal)),
    );
    Lost::Worker(WorkerError::Crashed(match last_line {
        Some(line) => format!("{how} ({})", line.trim()),
        None => how,
    }))
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_status: ExitStatus) -> Option<i32> {
    None
}

/// ` (SIGSEGV)` for the signals a crash gives.
fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

fn describe(response: &Response) -> &'static str {
    match response {
        Response::Ready { .. } => "a hello",
        Response::Extracted(_) => "a text",
        Response::Failed(_) => "an error",
    }
}

/// The I/O thread: writes each job, reads its answer. Ends when the parent drops the
/// job channel or the pipes break (the worker died or was killed).
fn talk(
    stdin: ChildStdin,
    stdout: ChildStdout,
    jobs: Receiver<Job>,
    answers: Sender<io::Result<Response>>,
) {
    let mut stdin = BufWriter::new(stdin);
    let mut stdout = BufReader::new(stdout);
    for job in jobs {
        let answer = match job {
            Job::Hello { max_memory } => protocol::write_hello(&mut stdin, max_memory)
                .and_then(|()| protocol::read_response(&mut stdout, 0)),
            Job::Extract {
                kind,
                max_text_bytes,
                bytes,
            } => {
                protocol::write_extract(&mut stdin, &kind, max_text_bytes, &bytes).and_then(|()| {
                    drop(bytes);
                    protocol::read_response(&mut stdout, max_text_bytes)
                })
            }
        };
        let failed = answer.is_err();
        if answers.send(answer).is_err() || failed {
            return;
        }
    }
}

/// The stderr thread: reads the worker's standard error to its end, keeps the last
/// [`STDERR_TAIL`] bytes.
fn tail(mut stderr: ChildStderr) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buffer) {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buffer[..n]);
        if kept.len() > 2 * STDERR_TAIL {
            kept.drain(..kept.len() - STDERR_TAIL);
        }
    }
    if kept.len() > STDERR_TAIL {
        kept.drain(..kept.len() - STDERR_TAIL);
    }
    kept
}
