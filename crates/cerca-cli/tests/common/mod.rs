//! Shared helpers of the CLI integration tests: a sandbox that isolates the
//! real `cerca` binary from the user's home, and small parsers of its output.
//!
//! Every test file uses only part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

/// The seed article (Italian news, dated 2025-09-15).
pub const SEED_NAME: &str = "000_d1f79b4f03d9532a.txt";

/// The seed article's text.
pub fn seed_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../seeds")
        .join(SEED_NAME);
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the seed {}: {e}", path.display()))
}

/// The `cerca` binary under test: this build's, or the one named by
/// `CERCA_TEST_BINARY` (to show that a test fails on an older build).
pub fn binary() -> PathBuf {
    std::env::var_os("CERCA_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cerca")))
}

/// A private world for one test: a home, XDG data and cache directories, and
/// a working directory (the current directory of every command) for files.
pub struct Sandbox {
    _root: TempDir,
    root: PathBuf,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("cerca-cli-test")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        for sub in ["home", "work"] {
            fs::create_dir(root.join(sub)).expect("sandbox dir");
        }
        Sandbox { _root: dir, root }
    }

    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    /// `$XDG_CACHE_HOME` (not created: cerca makes it).
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// The cached indexes of ad-hoc searches, sorted (not their lock files).
    pub fn cached_indexes(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = match fs::read_dir(self.cache().join("cerca")) {
            Ok(entries) => entries
                .map(|e| e.unwrap().path())
                .filter(|path| path.is_dir() || !path.to_string_lossy().ends_with(".lock"))
                .collect(),
            Err(_) => Vec::new(),
        };
        dirs.sort();
        dirs
    }

    /// `$XDG_DATA_HOME` (not created: cerca makes it).
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The working directory of every command, canonical.
    pub fn work(&self) -> PathBuf {
        self.root.join("work")
    }

    /// `rel` under the working directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.work().join(rel)
    }

    /// Writes `content` to `rel` under the working directory, making parents.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("parent dir");
        }
        fs::write(&path, content).expect("write file");
        path
    }

    /// Copies the seed article to `rel` under the working directory.
    pub fn copy_seed(&self, rel: &str) -> PathBuf {
        self.write(rel, seed_text())
    }

    /// The `cerca` binary as a std command, isolated from the user's environment.
    pub fn std_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(binary());
        command
            .current_dir(self.work())
            .env("HOME", self.home())
            .env("XDG_CACHE_HOME", self.cache())
            .env("XDG_DATA_HOME", self.data())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("CERCA_INDEX")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE");
        command
    }

    /// The `cerca` binary as an `assert_cmd` command.
    pub fn cerca(&self) -> assert_cmd::Command {
        let mut command = assert_cmd::Command::from_std(self.std_command());
        command.timeout(std::time::Duration::from_secs(120));
        command
    }

    /// Runs `cerca ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cerca().args(args).output().expect("run cerca"), args)
    }

    /// Runs `cerca ARGS…` with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.cerca();
        for (key, value) in env {
            command.env(key, value);
        }
        Run::from(command.args(args).output().expect("run cerca"), args)
    }

    /// Runs `cerca ARGS…` in another current directory.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Run {
        Run::from(
            self.cerca()
                .current_dir(dir)
                .args(args)
                .output()
                .expect("run cerca"),
            args,
        )
    }

    /// Runs `cerca ARGS…` with `stdin` on standard input.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from(
            self.cerca()
                .args(args)
                .write_stdin(stdin)
                .output()
                .expect("run cerca"),
            args,
        )
    }
}

/// What one run of `cerca` did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output, args: &[&str]) -> Run {
        Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Asserts the exit code, showing everything when it is not the expected one.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "cerca {:?} exited {} (expected {expected})\n--- stdout\n{}--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stdout holds `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout of cerca {:?} lacks {needle:?}:\n{}",
            self.args,
            self.stdout
        );
        self
    }

    /// Asserts that stderr holds `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr of cerca {:?} lacks {needle:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }

    /// Asserts that stderr does not hold `needle`.
    #[track_caller]
    pub fn stderr_lacks(&self, needle: &str) -> &Run {
        assert!(
            !self.stderr.contains(needle),
            "stderr of cerca {:?} holds {needle:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }

    /// The lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// stdout as JSON Lines: every line must be one JSON object.
    #[track_caller]
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                    panic!(
                        "stdout line is not JSON ({e}): {line:?}\nall stdout:\n{}",
                        self.stdout
                    )
                });
                assert!(value.is_object(), "JSON line is not an object: {line}");
                value
            })
            .collect()
    }

    /// The number printed by `-c`.
    #[track_caller]
    pub fn count(&self) -> usize {
        self.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("`-c` printed no number: {:?}", self.stdout))
    }

    /// The counts of the first line of a `cerca index` summary:
    /// `"2 added, 0 updated, … 0 failed; 0.0 MB read in 0.08 s"`.
    #[track_caller]
    pub fn summary(&self) -> Summary {
        parse_summary(&self.stdout)
    }
}

/// The counts of a `cerca index` summary, by name (`added`, `updated`…).
pub type Summary = BTreeMap<String, usize>;

/// Parses the first line of a `cerca index` summary.
#[track_caller]
pub fn parse_summary(stdout: &str) -> Summary {
    let line = stdout.lines().next().unwrap_or_default();
    let (counts, rest) = line
        .split_once("; ")
        .unwrap_or_else(|| panic!("not an index summary: {stdout:?}"));
    assert!(
        rest.contains(" MB read in ") && rest.ends_with(" s"),
        "summary tail: {rest:?}"
    );
    let summary: Summary = counts
        .split(", ")
        .map(|part| {
            let (n, name) = part
                .split_once(' ')
                .unwrap_or_else(|| panic!("summary part {part:?}"));
            (
                name.to_owned(),
                n.parse()
                    .unwrap_or_else(|_| panic!("summary count {part:?}")),
            )
        })
        .collect();
    let names: Vec<&str> = summary.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "added",
            "failed",
            "removed",
            "skipped",
            "unchanged",
            "updated"
        ],
        "summary {line:?}"
    );
    summary
}

/// A summary with these counts (the names in summary order).
pub fn summary(
    added: usize,
    updated: usize,
    removed: usize,
    unchanged: usize,
    skipped: usize,
    failed: usize,
) -> Summary {
    [
        ("added", added),
        ("updated", updated),
        ("removed", removed),
        ("unchanged", unchanged),
        ("skipped", skipped),
        ("failed", failed),
    ]
    .into_iter()
    .map(|(name, n)| (name.to_owned(), n))
    .collect()
}

/// The permission bits of a file or directory.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Asserts that `dir` and everything under it are private: directories 0700, files 0600.
#[cfg(unix)]
#[track_caller]
pub fn assert_private_tree(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "mode of {}", dir.display());
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            assert_private_tree(&path);
        } else {
            assert_eq!(mode(&path), 0o600, "mode of {}", path.display());
        }
    }
}

/// Whether this process can read files whatever their mode (root can): tests
/// of unreadable files make no sense then.
#[cfg(unix)]
pub fn reads_everything(sandbox: &Sandbox) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = sandbox.write(".probe-unreadable", "x");
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = fs::read(&probe).is_ok();
    fs::remove_file(&probe).expect("remove probe");
    readable
}

/// Sets a file's modification time.
pub fn set_modified(path: &Path, time: std::time::SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open for mtime")
        .set_modified(time)
        .expect("set mtime");
}

/// `path` as the string `--json` prints for it.
pub fn json_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A small corpus of four documents under `corpus/` (paths relative to the work dir):
///
/// - `corpus/notizie/zapad.txt`: the seed, dated 2025-09-15;
/// - `corpus/notizie/energia.txt`: dated 2024-05-10, title «Il prezzo dell'energia», has `casa` and `bianca` apart;
/// - `corpus/cucina/ricetta.md`: markdown, title «Pasta al pomodoro», no date;
/// - `corpus/cucina/dolci/torta.txt`: no date.
///
/// Every one of them holds the word `casa`.
pub fn write_corpus(sandbox: &Sandbox) {
    sandbox.copy_seed("corpus/notizie/zapad.txt");
    sandbox.write(
        "corpus/notizie/energia.txt",
        "date 2024-05-10 Il prezzo dell'energia\n\nIl prezzo dell'energia sale. Il gas costa di più. La casa è bianca e fredda.\n",
    );
    sandbox.write(
        "corpus/cucina/ricetta.md",
        "# Pasta al pomodoro\n\nUna ricetta semplice: pasta, pomodoro e basilico, come a casa.\n",
    );
    sandbox.write(
        "corpus/cucina/dolci/torta.txt",
        "Torta di mele della nonna, fatta in casa.\n",
    );
}

/// Sorted lines of `-l` output.
pub fn sorted_lines(run: &Run) -> Vec<String> {
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

/// A word found only in the `i`-th file of a generated folder.
pub fn unique_word(i: usize) -> String {
    format!("unicoparola{i}")
}

/// The `i`-th file of the generated folder `big/`.
pub fn big_file_name(i: usize) -> String {
    format!("big/f{i:05}.txt")
}

/// The `i`-th file of `big/`: about 3 KB of Italian (a unique word, the seed
/// from a rotating point, and `extra` words).
pub fn write_big_file(sandbox: &Sandbox, seed: &str, i: usize, extra: &str) {
    let chars: Vec<char> = seed.chars().collect();
    let cut = (i * 37) % chars.len();
    let rotated: String = chars[cut..].iter().chain(&chars[..cut]).collect();
    sandbox.write(
        &big_file_name(i),
        format!("{} {rotated}\n{extra}\n", unique_word(i)),
    );
}

/// `big/` with `files` generated files: enough, with 2000, that indexing takes
/// seconds in a debug build.
pub fn write_big_folder(sandbox: &Sandbox, files: usize) {
    let seed = seed_text();
    for i in 0..files {
        write_big_file(sandbox, &seed, i, "");
    }
}

impl Sandbox {
    /// Runs `cerca ARGS…` with a standard output whose reader is already
    /// closed (`cerca … | head -0`): every write fails with a broken pipe.
    /// Returns the exit code and standard error.
    pub fn run_closed_stdout(&self, args: &[&str]) -> (i32, String) {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let output = self
            .std_command()
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run cerca");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Runs `cerca ARGS…` with standard output and standard error on a
    /// pseudo-terminal (100 columns), as a person at a terminal runs it, and
    /// returns the exit code and every byte the terminal received.
    #[cfg(unix)]
    pub fn run_tty(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>) {
        use std::io::Read;
        use std::os::fd::{FromRawFd, OwnedFd};

        let mut master = -1;
        let mut slave = -1;
        let size = libc::winsize {
            ws_row: 40,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills the two descriptors it is given.
        let opened = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here alone.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut command = self.std_command();
        for (key, value) in env {
            command.env(key, value);
        }
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .stdin(std::process::Stdio::null())
            .stdout(slave.try_clone().expect("dup pty"))
            .stderr(slave);
        let mut child = command.spawn().expect("run cerca");
        // The command above holds the last copies of the terminal's slave
        // side: once it is dropped, the child's exit ends the reads below.
        drop(command);
        let mut terminal = std::fs::File::from(master);
        let mut received = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match terminal.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
                // Linux answers EIO once no process has the slave side open.
                Err(_) => break,
            }
        }
        let status = child.wait().expect("wait for cerca");
        (status.code().unwrap_or(-1), received)
    }
}

/// Whether `bytes` hold an escape character (the start of every ANSI sequence).
pub fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// `sh -c script` in the sandbox's working directory and environment.
pub fn shell(sandbox: &Sandbox, script: &str) -> std::process::Command {
    let mut command = std::process::Command::new("sh");
    command.arg("-c").arg(script);
    with_environment(sandbox, command)
}

/// `command` with the sandbox's working directory and environment.
pub fn with_environment(
    sandbox: &Sandbox,
    mut command: std::process::Command,
) -> std::process::Command {
    command.current_dir(sandbox.work());
    for (key, value) in sandbox.std_command().get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
}

/// Runs `script` as root in a mount namespace of its own (a tmpfs mounted
/// there is seen by nothing else); `None` where that is not allowed.
pub fn in_mount_namespace(sandbox: &Sandbox, script: &str) -> Option<std::process::Output> {
    let output = with_environment(sandbox, std::process::Command::new("unshare"))
        .args(["--mount", "--propagation", "private", "sh", "-c", script])
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("cannot mount")
        || stderr.contains("unshare failed")
        || stderr.contains("Operation not permitted")
    {
        eprintln!("skipped: no mount namespace here: {stderr}");
        return None;
    }
    Some(output)
}

/// Sends SIGINT to `child` and waits (at most `patience`) for its exit status.
#[allow(dead_code)] // not every test file stops a server
pub fn interrupt(
    child: &mut std::process::Child,
    patience: std::time::Duration,
) -> std::process::ExitStatus {
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: a plain signal to our own child.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let deadline = std::time::Instant::now() + patience;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "cerca did not stop on SIGINT"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
