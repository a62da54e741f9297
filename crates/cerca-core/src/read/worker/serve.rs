//! The worker's side: lower its own memory limit, then answer extract requests until
//! the parent closes the pipe.

use std::io::{self, BufReader, BufWriter, Read, Write};

use super::protocol::{self, Request, Response};
use crate::read::file::extract_in_process;
use crate::read::{ExtractError, Extractors};

/// The worker's main loop with the built-in extractors: what a program runs when
/// started as the [`WorkerCommand`](super::WorkerCommand) of a
/// [`FileReader`](crate::read::FileReader), on its standard input and output.
///
/// Nothing else may write to `output` (the extractors never print). Returns when the
/// parent closes `input`; an error when the pipe breaks or a request is garbled.
///
/// ```no_run
/// // The whole `main` of a worker program.
/// fn main() -> std::io::Result<()> {
///     cerca_core::read::serve_worker(std::io::stdin().lock(), std::io::stdout().lock())
/// }
/// ```
pub fn serve_worker(input: impl Read, output: impl Write) -> io::Result<()> {
    serve_worker_with(&Extractors::default(), input, output)
}

/// [`serve_worker`] with these extractors: for a program whose parent sends it kinds of
/// its own (and for tests, with extractors that crash or hang on purpose).
pub fn serve_worker_with(
    extractors: &Extractors,
    input: impl Read,
    output: impl Write,
) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut output = BufWriter::new(output);
    match protocol::read_request(&mut input)? {
        Some(Request::Hello {
            version,
            max_memory,
        }) if version == protocol::VERSION => {
            limit_memory(max_memory)?;
            protocol::write_response(
                &mut output,
                &Response::Ready {
                    version: protocol::VERSION,
                },
            )?;
        }
        Some(Request::Hello { version, .. }) => {
            return Err(io::Error::other(format!(
                "protocol version {version}, this worker speaks {}",
                protocol::VERSION
            )))
        }
        Some(Request::Extract { .. }) => {
            return Err(io::Error::other("a request before the hello"));
        }
        None => return Ok(()),
    }
    while let Some(request) = protocol::read_request(&mut input)? {
        let Request::Extract {
            kind,
            max_text_bytes,
            bytes,
        } = request
        else {
            return Err(io::Error::other("a second hello"));
        };
        let result = match extractors.for_kind(&kind) {
            Some(extractor) => extract_in_process(extractor, &bytes, max_text_bytes),
            None => Err(ExtractError::Other(
                format!("the worker has no extractor for {kind:?}").into(),
            )),
        };
        // The file is not needed any more: its memory is free for the next one.
        drop(bytes);
        let response = match result {
            Ok(extracted) => Response::Extracted(extracted),
            Err(error) => Response::Failed(error),
        };
        protocol::write_response(&mut output, &response)?;
    }
    Ok(())
}

/// Lowers this process's data limit (`RLIMIT_DATA`: heap and private mappings, which is
/// where the system allocator gets memory) to `max_memory` bytes: an allocation past it
/// fails, and Rust aborts with "memory allocation of N bytes failed" on standard error,
/// which the parent reads. `RLIMIT_AS` would also count the address space reserved but
/// never touched (thread stacks, allocator arenas, the binary's own mappings).
#[cfg(unix)]
fn limit_memory(max_memory: u64) -> io::Result<()> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or fill the struct we pass, and change only
    // this process's limits.
    if unsafe { libc::getrlimit(libc::RLIMIT_DATA, &mut limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // Lower both limits (a process may not raise its hard limit, nor should the
    // extractors), never above what this process already had.
    let wanted = libc::rlim_t::try_from(max_memory).unwrap_or(libc::RLIM_INFINITY);
    limit.rlim_max = limit.rlim_max.min(wanted);
    limit.rlim_cur = limit.rlim_max;
    if unsafe { libc::setrlimit(libc::RLIMIT_DATA, &limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// No resource limits outside Unix: the parent's time limit still holds.
#[cfg(not(unix))]
fn limit_memory(_max_memory: u64) -> io::Result<()> {
    Ok(())
}
