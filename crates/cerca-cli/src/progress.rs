//! The progress bar of a sync, on a terminal only.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use cerca_core::read::SkipReason;
use cerca_core::SyncProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows files, megabytes, rate and ETA on standard error, for a person
/// watching a terminal: when output goes to a file or a pipe, only the summary.
fn show_bar() -> bool {
    std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// A progress bar of files, megabytes, rate and ETA (see [`show_bar`]).
pub struct Bar {
    bar: Option<ProgressBar>,
    files_done: usize,
    files_planned: usize,
}

impl Bar {
    pub fn new() -> Self {
        Bar {
            bar: show_bar().then(ProgressBar::hidden),
            files_done: 0,
            files_planned: 0,
        }
    }

    /// A line on standard error that does not tear the bar.
    fn say(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
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
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(200));
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
            self.say(format!(
                "cerca: skipped {}: {reason}; raise --max-size to index it",
                path.display()
            ));
        }
    }

    fn failed(&mut self, path: &Path, message: &str) {
        self.say(format!("cerca: cannot index {}: {message}", path.display()));
    }
}
