//! `cerca search`: one query, or a batch, over the index or over folders.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use cerca_core::query::{Node, ParseError};
use cerca_core::{Error, Index, Operator, Root, SearchOptions, SortOrder};

use crate::args::{ColorChoice, SearchArgs, Sort};
use crate::interrupt::{self, Interrupted};
use crate::printer::{Count, Json, Paths, Sink, Standard};
use crate::progress::Bar;
use crate::{locations, QueryError};

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
    if paths.is_empty() {
        let index = super::open_index(&locations::index_dir(args.location.index.as_deref())?)?;
        return search(&index, args, query, started);
    }
    let (index, cache) = ad_hoc_index(&paths, args)?;
    match search(&index, args, query, started) {
        // Damage found by the search itself: the cache is rebuilt, once.
        Err(error) if is_damage(&error) => {
            drop(index);
            remove_cache(&cache)?;
            let (index, _) = ad_hoc_index(&paths, args)?;
            search(&index, args, query, started)
        }
        other => other,
    }
}

fn search(
    index: &Index,
    args: &SearchArgs,
    query: Option<&String>,
    started: Instant,
) -> Result<bool> {
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
        // Only a person reading hits gets documents with some of the words
        // (and is told so); scripts get what they asked for.
        relax: args.batch.is_none() && !(args.json || args.files_with_matches || args.count),
    };
    let stdout = std::io::stdout().lock();
    match (&args.batch, query) {
        (Some(batch), _) => {
            batch_search(index, batch, args.literal, &options, &mut Json::new(stdout))
        }
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
                index,
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

/// The cached index of the folders given on the command line, synced
/// first, and its directory. A cache that is damaged or of another version is
/// rebuilt: it is only a cache.
fn ad_hoc_index(paths: &[PathBuf], args: &SearchArgs) -> Result<(Index, PathBuf)> {
    let mut canonical = Vec::new();
    for path in paths {
        canonical.push(
            path.canonicalize()
                .with_context(|| format!("cannot search {}", path.display()))?,
        );
    }
    canonical.sort();
    canonical.dedup();
    let dir = locations::cache_index_dir(&canonical)?;
    let interrupt = interrupt::arm()?;
    let roots = super::roots(&canonical, &args.walk);
    let index = match synced_cache(&dir, &roots, &interrupt) {
        Err(error) if is_damage(&error) => {
            remove_cache(&dir)?;
            synced_cache(&dir, &roots, &interrupt)
        }
        other => other,
    }?;
    Ok((index, dir))
}

fn synced_cache(dir: &Path, roots: &[Root], interrupt: &Arc<AtomicBool>) -> Result<Index> {
    let index = Index::open_or_create(dir)
        .with_context(|| format!("cannot open the cached index at {}", dir.display()))?;
    let syncer = super::syncer(&index, true, Arc::clone(interrupt))?;
    let mut bar = Bar::new();
    let report = syncer.sync(roots, &mut bar);
    bar.finish();
    let paths: Vec<PathBuf> = roots.iter().map(|r| r.path.clone()).collect();
    let report = report.with_context(|| format!("cannot index {}", display_list(&paths)))?;
    if report.interrupted {
        return Err(Interrupted {
            kept: index.num_docs(),
            resume: "the same search",
        }
        .into());
    }
    // A folder given on the command line that cannot be read is an error, as a missing one is.
    if let Some((path, message)) = report
        .failures
        .iter()
        .find(|(path, _)| paths.contains(path))
    {
        anyhow::bail!("cannot search {}: {message}", path.display());
    }
    Ok(index)
}

/// Whether an error says the cache is damaged, of another version, or not
/// an index at all (its marker lost, a file in its place): the cache's path is
/// cerca's own, so whatever is there is a broken cache.
fn is_damage(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<Error>(),
            Some(
                Error::CorruptIndex { .. }
                    | Error::IncompatibleIndex { .. }
                    | Error::NotAnIndex { .. }
            )
        )
    })
}

fn remove_cache(dir: &Path) -> Result<()> {
    let removed = if dir.is_dir() {
        std::fs::remove_dir_all(dir)
    } else {
        std::fs::remove_file(dir)
    };
    removed.with_context(|| format!("cannot rebuild the cached index at {}", dir.display()))
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
    cerca_core::query::limits::check_length(query)?;
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
        let text = index
            .explain(&parsed, options.operator)
            .map_err(|error| match error {
                Error::Query(error) => QueryError::new(query, error).into(),
                other => anyhow::Error::new(other),
            })?;
        eprint!("{text}");
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
