//! `cerca`: the command-line front end of cerca-core.

mod args;
mod commands;
mod interrupt;
mod locations;
mod man;
mod output;
mod printer;
mod progress;
mod semantic;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};

/// A query that did not parse, shown with a caret under the error.
#[derive(Debug)]
pub struct QueryError {
    rendered: String,
    /// Whether to say that -F searches it as plain text.
    literal_helps: bool,
}

impl QueryError {
    /// `literal`: the query was already read as plain words (`-F`).
    pub fn new(query: &str, error: cerca_core::query::ParseError, literal: bool) -> Self {
        use cerca_core::query::ParseErrorKind as Kind;
        // Most queries that do not parse were meant as text (a URL, a pasted
        // line with quotes or colons); an empty one, a bad date or one over
        // a size limit (as large read as text) was not.
        let literal_helps = !literal
            && !matches!(
                error.kind,
                Kind::EmptyQuery
                    | Kind::MalformedDate { .. }
                    | Kind::ImpossibleDate { .. }
                    | Kind::InvertedDateRange
                    | Kind::OverLimit { .. }
            );
        QueryError {
            rendered: error.render(query),
            literal_helps,
        }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid query: {}", self.rendered)?;
        if self.literal_helps {
            write!(
                f,
                "\nto search these words as plain text, give -F (--literal)"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryError {}

/// Errors that were already reported on standard error, one by one, while
/// the command went on (paths that cannot be searched, files that cannot be
/// read): the exit status is 2, and nothing more is said.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("errors were reported above")
    }
}

impl std::error::Error for Reported {}

fn run(cli: &Cli) -> anyhow::Result<bool> {
    match &cli.command {
        Command::Index(args) => commands::index::run(args, cli.color),
        Command::Search(args) => commands::search::run(args, cli.color),
        Command::Watch(args) => commands::watch::run(args, cli.color),
        Command::Serve(args) => commands::serve::run(args, cli.color),
        Command::Status(args) => commands::status::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Forget(args) => commands::forget::run(args),
        Command::Cache(args) => commands::cache::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Translate(args) => commands::translate::run(args),
        Command::Completions { shell } => {
            // clap_complete panics when its writer fails (a closed pipe):
            // the script is made in memory, then written.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "cerca", &mut script);
            output::write_stdout(&script)?;
            Ok(true)
        }
        Command::ExtractWorker => commands::extract_worker::run(),
        Command::Man => {
            output::write_stdout(&man::page()?)?;
            Ok(true)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let last_panic = quiet_panics();
    let outcome = std::panic::catch_unwind(|| run(&cli));
    match outcome {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        Ok(Ok(false)) => ExitCode::from(1),
        Ok(Err(error)) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            if error.downcast_ref::<Reported>().is_none() {
                output::error(&output::causes(&error));
            }
            match error.downcast_ref::<interrupt::Interrupted>() {
                Some(_) => ExitCode::from(interrupt::EXIT_STATUS),
                None => ExitCode::from(2),
            }
        }
        Err(_) => {
            let message = last_panic.lock().map(|m| m.clone()).unwrap_or_default();
            eprintln!("cerca: internal error (a bug in cerca, please report it): {message}");
            ExitCode::from(101)
        }
    }
}

/// Replaces the panic message printed by default with a record of it: cerca-core
/// turns panics on damaged index files into errors that say what to do, and the
/// raw message must not reach the user then. A panic that escapes is reported by
/// `main`, with this record.
fn quiet_panics() -> std::sync::Arc<std::sync::Mutex<String>> {
    let last = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let record = std::sync::Arc::clone(&last);
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut last) = record.lock() {
            *last = info.to_string();
        }
        if std::env::var_os("CERCA_SHOW_PANICS").is_some() {
            eprintln!("{info}\n{}", std::backtrace::Backtrace::force_capture());
        }
    }));
    last
}

/// `cerca search … | head` closing the pipe early is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
