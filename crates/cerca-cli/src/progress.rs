//! The progress bar of a sync, on a terminal only.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use cerca_core::read::SkipReason;
use cerca_core::SyncProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::args::ColorChoice;
use crate::output;

/// Shows files, megabytes, rate and ETA on standard error, for a person
/// watching a terminal: when output goes to a file or a pipe, only the summary.
fn show_bar() -> bool {
    io::stdout().is_terminal() && io::stderr().is_terminal()
}

/// The color choice for standard error: `--color always` is for standard
/// output (`cerca search --color always | less -R`), standard error gets
/// styles only on a terminal; `never` and NO_COLOR mean none at all.
pub fn stderr_colors(color: ColorChoice) -> anstream::ColorChoice {
    match color {
        ColorChoice::Always if io::stderr().is_terminal() => anstream::ColorChoice::Always,
        ColorChoice::Always | ColorChoice::Never => anstream::ColorChoice::Never,
        ColorChoice::Auto => anstream::ColorChoice::Auto,
    }
}

/// Whether standard error may get escape codes (see [`stderr_colors`]).
fn styles_on_stderr(color: ColorChoice) -> bool {
    match stderr_colors(color) {
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Auto => {
            // NO_COLOR, CLICOLOR_FORCE, TERM=dumb and whether it is a terminal.
            anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never
        }
        _ => true,
    }
}

/// Said once when a sync (or rebuild) waits for another writer: a silent
/// wait looks like a hang.
pub const WAITING: &str =
    "waiting for another cerca writing to the same index to finish (Ctrl-C stops)";

/// A progress bar of files, megabytes, rate and ETA (see [`show_bar`]).
pub struct Bar {
    bar: Option<ProgressBar>,
    /// Draw it with carriage returns and spaces only (NO_COLOR, `--color never`).
    plain: bool,
    files_done: usize,
    files_planned: usize,
}

impl Bar {
    pub fn new(color: ColorChoice) -> Self {
        Bar {
            bar: show_bar().then(ProgressBar::hidden),
            plain: !styles_on_stderr(color),
            files_done: 0,
            files_planned: 0,
        }
    }

    /// A line on standard error that does not tear the bar.
    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| output::error(line)),
            None => output::error(line),
        }
    }

    /// Starts drawing `bar` (hidden until there is something to show).
    fn show(&self, bar: &ProgressBar) {
        bar.set_draw_target(if self.plain {
            // At most 20 redraws a second, as indicatif draws on a terminal.
            ProgressDrawTarget::term_like_with_hz(Box::new(PlainLine), 20)
        } else {
            ProgressDrawTarget::stderr()
        });
        bar.enable_steady_tick(Duration::from_millis(200));
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl SyncProgress for Bar {
    fn planned(&mut self, files: usize, bytes: u64) {
        self.files_planned = files;
        let Some(bar) = &self.bar else { return };
        if files == 0 {
            return;
        }
        bar.set_length(bytes);
        bar.set_message(format!("0/{files} files"));
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        self.show(bar);
        bar.set_position(0);
    }

    fn file_done(&mut self, _path: &Path, bytes: u64) {
        self.files_done += 1;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{}/{} files", self.files_done, self.files_planned));
        }
    }

    fn skipped(&mut self, path: &Path, reason: &SkipReason) {
        // Other skips (kinds, hidden files) are expected and only counted.
        if let SkipReason::TooLarge { .. } = reason {
            self.say(&format!(
                "skipped {}: {reason}; raise --max-size to index it",
                output::escape_path(path)
            ));
        }
    }

    fn failed(&mut self, path: &Path, message: &str) {
        self.say(&format!("cannot index {}", with_path(path, message)));
    }

    fn waiting_for_writer(&mut self) {
        self.say(WAITING);
    }

    fn embedding_planned(&mut self, documents: usize) {
        self.say(&format!(
            "making the vectors of {documents} documents (semantic search); their words are \
             searchable already; Ctrl-C stops, `cerca index` goes on"
        ));
        let Some(bar) = &self.bar else { return };
        bar.set_length(documents as u64);
        bar.set_position(0);
        bar.set_message("vectors");
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} {msg} {per_sec} ETA {eta}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        if self.files_planned == 0 {
            // No file was read: the bar was never shown.
            self.show(bar);
        }
    }

    fn embedded(&mut self, documents: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(documents as u64);
        }
    }
}

/// `PATH: MESSAGE`, where the reader's messages mostly start with the path
/// already; the path with its control characters escaped (a newline in a
/// name must not start a line of its own).
pub fn with_path(path: &Path, message: &str) -> String {
    let shown = output::escape_path(path);
    match message.strip_prefix(&path.display().to_string()) {
        Some(rest) => format!("{shown}{rest}"),
        None => format!("{shown}: {message}"),
    }
}

/// The bar on one line of standard error, redrawn with a carriage return
/// and spaces: no escape code (indicatif's own terminal moves the cursor and
/// clears lines with them).
#[derive(Debug)]
struct PlainLine;

impl PlainLine {
    fn write(text: &str) -> io::Result<()> {
        io::stderr().lock().write_all(text.as_bytes())
    }
}

impl TermLike for PlainLine {
    fn width(&self) -> u16 {
        // One column short of the width: a full line would wrap on some terminals.
        console::Term::stderr().size().1.saturating_sub(1).max(20)
    }

    // The bar is one line: there is never a line above it to go back to.
    fn move_cursor_up(&self, _n: usize) -> io::Result<()> {
        Ok(())
    }

    fn move_cursor_down(&self, _n: usize) -> io::Result<()> {
        Ok(())
    }

    fn move_cursor_right(&self, _n: usize) -> io::Result<()> {
        Ok(())
    }

    fn move_cursor_left(&self, _n: usize) -> io::Result<()> {
        Ok(())
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        Self::write(&format!("{s}\n"))
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        Self::write(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        Self::write(&format!("\r{}\r", " ".repeat(usize::from(self.width()))))
    }

    fn flush(&self) -> io::Result<()> {
        io::stderr().lock().flush()
    }
}
