//! `cerca search`: one query, or a batch, over the index or over folders.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use cerca_core::query::{Node, ParseError};
use cerca_core::{Error, Index, Operator, SearchOptions, SortOrder};

use crate::args::{ColorChoice, SearchArgs, Sort};
use crate::printer::{Count, Json, Paths, Sink, Standard};
use crate::progress::Bar;
use crate::{locations, QueryError};

use super::sync_options;

pub fn run(args: &SearchArgs) -> Result<bool> {
    // The time people wait includes syncing the folders of an ad-hoc search.
    let started = Instant::now();
    // With --batch there is no QUERY: the first positional argument is a PATH.
    let (query, paths): (Option<&String>, Vec<PathBuf>) = match (&args.batch, &args.query) {
        (Some(_), Some(first)) => (
            None,
            std::iter::once(PathBuf::from(first))
                .chain(args.paths.iter().cloned())
                .collect(),
        ),
        _ => (args.query.as_ref(), args.paths.clone()),
    };
    let index = if paths.is_empty() {
        super::open_index(&locations::index_dir(args.location.index.as_deref())?)?
    } else {
        ad_hoc_index(&paths, args)?
    };
    let options = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        operator: if args.any {
            Operator::Any
        } else {
            Operator::All
        },
        sort: match args.sort {
            Sort::Score => SortOrder::Score,
            Sort::Date => SortOrder::DateAscending,
            Sort::NewestFirst => SortOrder::DateDescending,
            Sort::Path => SortOrder::Path,
        },
        snippets: !(args.files_with_matches || args.count),
        within: Vec::new(),
    };
    let stdout = std::io::stdout().lock();
    match (&args.batch, query) {
        (Some(batch), _) => batch_search(
            &index,
            batch,
            args.literal,
            &options,
            &mut Json::new(stdout),
        ),
        (None, Some(query)) => {
            let current_dir = std::env::current_dir().ok();
            let color = match args.color {
                ColorChoice::Always => anstream::ColorChoice::Always,
                ColorChoice::Never => anstream::ColorChoice::Never,
                ColorChoice::Auto => anstream::ColorChoice::Auto,
            };
            let options = SearchOptions {
                limit: if args.count { 0 } else { options.limit },
                ..options
            };
            let mut sink: Box<dyn Sink> = if args.json {
                Box::new(Json::new(stdout))
            } else if args.files_with_matches {
                Box::new(Paths::new(stdout, current_dir))
            } else if args.count {
                Box::new(Count::new(stdout))
            } else {
                Box::new(Standard::new(
                    anstream::AutoStream::new(stdout, color),
                    current_dir,
                ))
            };
            let human = !(args.json || args.files_with_matches || args.count);
            let summary_since = human.then_some(started);
            single_search(
                &index,
                query,
                args.literal,
                args.explain,
                &options,
                sink.as_mut(),
                summary_since,
            )
        }
        (None, None) => anyhow::bail!("give a QUERY or --batch FILE"),
    }
}

/// The cached index of the folders given on the command line, synced first.
fn ad_hoc_index(paths: &[PathBuf], args: &SearchArgs) -> Result<Index> {
    let mut roots = Vec::new();
    for path in paths {
        roots.push(
            path.canonicalize()
                .with_context(|| format!("cannot search {}", path.display()))?,
        );
    }
    roots.sort();
    roots.dedup();
    let dir = locations::cache_index_dir(&roots)?;
    let index = match Index::open_or_create(&dir) {
        // A cache written by another version, or damaged: it is only a cache.
        Err(Error::IncompatibleIndex { .. } | Error::CorruptIndex { .. }) => {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot rebuild the cached index at {}", dir.display()))?;
            Index::create(&dir)
        }
        other => other,
    }
    .with_context(|| format!("cannot open the cached index at {}", dir.display()))?;
    let mut bar = Bar::new();
    let report = index.sync(&roots, &sync_options(&args.walk, true), &mut bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot index {}", display_list(&roots)))?;
    // A folder given on the command line that cannot be read is an error, as a missing one is.
    if let Some((path, message)) = report
        .failures
        .iter()
        .find(|(path, _)| roots.contains(path))
    {
        anyhow::bail!("cannot search {}: {message}", path.display());
    }
    Ok(index)
}

fn display_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The query's tree: in cerca's language, or plain words with `--literal`.
fn parse(query: &str, literal: bool) -> Result<Node, ParseError> {
    if literal {
        cerca_core::query::parse_literal(query)
    } else {
        cerca_core::query::parse(query)
    }
}

fn single_search(
    index: &Index,
    query: &str,
    literal: bool,
    explain: bool,
    options: &SearchOptions,
    sink: &mut dyn Sink,
    summary_since: Option<Instant>,
) -> Result<bool> {
    let parsed = parse(query, literal).map_err(|error| QueryError::new(query, error))?;
    if explain {
        eprintln!("{}", index.explain(&parsed));
    }
    let results = index
        .search_parsed(&parsed, options)
        .map_err(|error| match error {
            Error::Query(error) => QueryError::new(query, error).into(),
            other => anyhow::Error::new(other).context("search failed"),
        })?;
    if results.relaxed {
        eprintln!("cerca: no document has every word of the query; showing documents with some of them (more first)");
    }
    sink.results(&results, None)?;
    if let Some(started) = summary_since {
        let mut stderr = std::io::stderr();
        let summary = format!(
            "{} of {} documents in {:.1} ms",
            results.hits.len(),
            results.total,
            started.elapsed().as_secs_f64() * 1e3
        );
        if stderr.is_terminal() {
            writeln!(stderr, "\x1b[2m{summary}\x1b[0m")?;
        } else {
            writeln!(stderr, "{summary}")?;
        }
    }
    Ok(results.total > 0)
}

fn batch_search(
    index: &Index,
    batch: &PathBuf,
    literal: bool,
    options: &SearchOptions,
    sink: &mut dyn Sink,
) -> Result<bool> {
    let input: Box<dyn BufRead> = if batch.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(batch).with_context(
            || format!("cannot read the batch file {}", batch.display()),
        )?))
    };
    let mut any_match = false;
    for (number, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", batch.display(), number + 1))?;
        let searched = parse(line.trim_end_matches('\r'), literal)
            .map_err(Error::Query)
            .and_then(|parsed| index.search_parsed(&parsed, options));
        match searched {
            Ok(results) => {
                any_match |= results.total > 0;
                sink.results(&results, Some(number))?;
            }
            Err(Error::Query(error)) => sink.query_error(number, &error.to_string())?,
            Err(other) => {
                return Err(
                    anyhow::Error::new(other).context(format!("query on line {}", number + 1))
                )
            }
        }
    }
    Ok(any_match)
}
