//! The hidden `cerca extract-worker`: the real binary as the extraction worker of a
//! `FileReader`, on a decompression bomb and a good PDF, and hidden from the help.

use std::process::{Command, Stdio};
use std::sync::Arc;

use cerca_core::read::{Extractors, FileReader, FoundFile, ReadLimits, WorkerCommand};

// The hand-written PDFs of cerca-core's tests, shared rather than copied.
#[path = "../../cerca-core/tests/common/pdf.rs"]
#[allow(dead_code)]
mod pdf;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> FoundFile {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let metadata = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    FoundFile::new(path, &metadata, "pdf")
}

fn page(contents: Vec<u8>) -> Vec<u8> {
    pdf::pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            contents,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ],
        "",
    )
}

#[test]
fn the_binary_is_a_worker() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write(
        dir.path(),
        "buono.pdf",
        &page(pdf::stream(
            "",
            b"BT /F1 12 Tf 50 700 Td (fenicottero) Tj ET",
        )),
    );
    let (lzw, _) = pdf::lzw_zeros(20);
    let bomb = write(
        dir.path(),
        "bomba.pdf",
        &page(pdf::stream("/Filter /LZWDecode", &lzw)),
    );
    let command = WorkerCommand::new(env!("CARGO_BIN_EXE_cerca")).arg("extract-worker");
    let mut reader = FileReader::new(Arc::new(Extractors::default()), ReadLimits::default())
        .with_worker(command);
    let read = reader.read(&good).map(|r| r.extracted.body);
    assert_eq!(read.ok().as_deref(), Some("fenicottero\n"));
    let pid = reader.worker_pid();
    assert!(pid.is_some());
    let error = reader
        .read(&bomb)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("bomba.pdf") && error.contains("decodes to more than 64 MiB"),
        "{error}"
    );
    assert!(reader.read(&good).is_ok());
    assert_eq!(
        reader.worker_pid(),
        pid,
        "the worker is reused after a file's error"
    );
}

#[test]
fn the_worker_ends_with_its_input_and_is_hidden() {
    let status = Command::new(env!("CARGO_BIN_EXE_cerca"))
        .arg("extract-worker")
        .stdin(Stdio::null())
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    let help = Command::new(env!("CARGO_BIN_EXE_cerca"))
        .arg("--help")
        .output();
    let help = help.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    assert!(help.is_ok_and(|h| !h.contains("extract-worker") && h.contains("index")));
}
