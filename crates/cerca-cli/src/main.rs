//! `cerca`: the command-line front end of cerca-core.

mod args;
mod commands;
mod locations;
mod printer;
mod progress;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command};

/// A query that did not parse, shown with a caret under the error.
#[derive(Debug)]
pub struct QueryError {
    rendered: String,
}

impl QueryError {
    pub fn new(query: &str, error: cerca_core::query::ParseError) -> Self {
        QueryError {
            rendered: error.render(query),
        }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid query: {}", self.rendered)
    }
}

impl std::error::Error for QueryError {}

fn run(cli: &Cli) -> anyhow::Result<bool> {
    match &cli.command {
        Command::Index(args) => commands::index::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Status(args) => commands::status::run(args),
        Command::Forget(args) => commands::forget::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "cerca", &mut std::io::stdout());
            Ok(true)
        }
        Command::ExtractWorker => commands::extract_worker::run(),
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(true)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("cerca: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// `cerca search … | head` closing the pipe early is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
