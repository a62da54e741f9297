//! `cerca search`: one query, or a batch, over the index or over folders.

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use anstyle::Style;
use anyhow::{Context, Result};
use cerca_core::query::{Node, ParseError};
use cerca_core::{
    Error, HitDetail, Index, Operator, Root, SearchOptions, SemanticSearch, SortOrder,
};

use super::cache::InUse;
use crate::args::{ColorChoice, SearchArgs, Sort};
use crate::interrupt::{self, Interrupted};
use crate::printer::{Count, Json, Paths, Sink, Standard};
use crate::progress::{stderr_colors, Bar};
use crate::{locations, output, semantic, QueryError, Reported};

/// The longest line `--batch` takes as a query, in bytes: the longest query
/// (longer ones get an error object, and memory stays bounded whatever the
/// input, `/dev/zero` included).
pub const MAX_BATCH_LINE: usize = cerca_core::query::limits::MAX_QUERY_BYTES;

const FOOTER: Style = Style::new().dimmed();

pub fn run(args: &SearchArgs, color: ColorChoice) -> Result<bool> {
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
    if let (Some(index), Some(first)) = (&args.location.index, paths.first()) {
        // Searching the folders ad hoc would silently leave the index out.
        anyhow::bail!(
            "--index {} and the folder {} cannot be searched together: give --index to search \
             the index (and `path:` in the query to search part of it), or folders to search them",
            index.display(),
            first.display()
        );
    }
    if paths.is_empty() {
        let index = super::open_index(&locations::index_dir(args.location.index.as_deref())?)?;
        let found = search(&index, args, query, color, started);
        leave_to_exit(index);
        return found;
    }
    // As grep and rg: the paths that exist are searched, the others are
    // reported, and the exit status says something went wrong.
    let mut trouble = false;
    let mut canonical = Vec::new();
    for path in &paths {
        match path.canonicalize() {
            Ok(path) => canonical.push(path),
            Err(error) => {
                output::error(&format!("cannot search {}: {error}", path.display()));
                trouble = true;
            }
        }
    }
    if canonical.is_empty() {
        return Err(Reported.into());
    }
    canonical.sort();
    canonical.dedup();
    let cache = locations::cache_index_dir(&canonical)?;
    let in_use = InUse::hold(&cache)?;
    let (index, failed) = ad_hoc_index(&cache, &in_use, &canonical, args, color)?;
    let found = match search(&index, args, query, color, started) {
        // Damage found by the search itself: the cache is rebuilt, once.
        Err(error) if is_damage(&error) => {
            drop(index);
            in_use.exclusively(|| remove_cache(&cache))?;
            let (index, _) = ad_hoc_index(&cache, &in_use, &canonical, args, color)?;
            let found = search(&index, args, query, color, started);
            leave_to_exit(index);
            found
        }
        other => {
            leave_to_exit(index);
            other
        }
    }?;
    super::cache::note_used(&cache);
    super::cache::evict(&cache);
    // Files that could not be read were named while the cache was synced.
    // As grep and rg: with -q, a match is success whatever went wrong.
    if (trouble || failed > 0) && !(args.quiet && found) {
        return Err(Reported.into());
    }
    Ok(found)
}

/// The process ends after a search: its exit takes the index's memory maps
/// all at once, where dropping the index unmaps them one by one (0.2 ms of a
/// 3 ms search of the bulk corpus). A reader holds nothing to write back.
fn leave_to_exit(index: Index) {
    std::mem::forget(index);
}

/// Words and meaning together, when the index has vectors and this cerca
/// their model (see `cerca index --semantic`), unless `--lexical`.
fn semantic_search(index: &Index, args: &SearchArgs) -> Option<SemanticSearch> {
    if args.lexical || args.sort != Sort::Score {
        return None;
    }
    semantic::for_search(index)
}

fn search(
    index: &Index,
    args: &SearchArgs,
    query: Option<&String>,
    color: ColorChoice,
    started: Instant,
) -> Result<bool> {
    // Only a person reading hits gets documents with some of the words (and
    // is told so); scripts, and the exit status of -q, get what they asked for.
    let human = !(args.json || args.files_with_matches || args.count || args.quiet);
    let limit = if args.count || args.quiet {
        0
    } else {
        args.limit
    };
    let operator = if args.any {
        Operator::Any
    } else {
        Operator::All
    };
    let sort = match args.sort {
        Sort::Score => SortOrder::Score,
        Sort::Date => SortOrder::DateAscending,
        Sort::NewestFirst => SortOrder::DateDescending,
        Sort::Path => SortOrder::Path,
    };
    // A list of paths (or a count) needs no stored text.
    let detail = if human || args.json {
        HitDetail::Snippet
    } else {
        HitDetail::Columns
    };
    // Ranked hits only: a count or a list of files is of the words.
    let semantic = if human || args.json {
        semantic_search(index, args)
    } else {
        None
    };
    let options = SearchOptions::default()
        .with_limit(limit)
        .with_offset(args.offset)
        .with_operator(operator)
        .with_sort(sort)
        .with_detail(detail)
        .with_relax(args.batch.is_none() && human)
        .with_semantic(semantic);
    let stdout = io::stdout().lock();
    let Some(query) = query else {
        return match &args.batch {
            Some(batch) => {
                batch_search(index, batch, args.literal, &options, &mut Json::new(stdout))
            }
            None => anyhow::bail!("give a QUERY or --batch FILE"),
        };
    };
    let current_dir = std::env::current_dir().ok();
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(Json::new(stdout))
    } else if args.files_with_matches {
        // Exact bytes for programs (-0, a pipe); on a terminal, names with
        // control characters are shown escaped, as ls does.
        let escape = !args.null && stdout.is_terminal();
        // One write for the list, not one per line.
        Box::new(Paths::new(
            io::BufWriter::new(stdout),
            current_dir,
            args.null,
            escape,
        ))
    } else if args.count {
        Box::new(Count::new(stdout))
    } else if args.quiet {
        // -q is -c written nowhere: the same exact count decides the exit status.
        Box::new(Count::new(io::sink()))
    } else {
        Box::new(Standard::new(
            anstream::AutoStream::new(stdout, color.into()),
            current_dir,
        ))
    };
    let parsed =
        parse(query, args.literal).map_err(|error| QueryError::new(query, error, args.literal))?;
    if args.explain {
        let text = index
            .explain(&parsed, options.operator)
            .map_err(|error| match error {
                Error::Query(error) => QueryError::new(query, error, args.literal).into(),
                other => anyhow::Error::new(other),
            })?;
        output::note(text.trim_end_matches('\n'));
        if options.semantic.is_some() {
            output::note(
                "ranking: words and meaning together (semantic search): the best lexical hits and \
                 the documents nearest the query's words in meaning, filters and +/- words holding \
                 (--lexical: words only)",
            );
        }
    }
    let results = index
        .search_parsed(&parsed, &options)
        .map_err(|error| match error {
            Error::Query(error) => QueryError::new(query, error, args.literal).into(),
            other => anyhow::Error::new(other).context("search failed"),
        })?;
    if results.relaxed {
        output::note("cerca: no document has every word of the query; showing documents with some of them (more first)");
    }
    sink.results(&results, None)?;
    if human {
        let summary = format!(
            "{} of {} documents in {:.1} ms",
            results.hits.len(),
            results.total,
            started.elapsed().as_secs_f64() * 1e3
        );
        // Dimmed on a terminal with colors on; the stream drops the style
        // otherwise (a pipe, NO_COLOR, --color never).
        let mut stderr = anstream::AutoStream::new(io::stderr(), stderr_colors(color));
        let _ = writeln!(stderr, "{FOOTER}{summary}{FOOTER:#}");
    }
    Ok(results.total > 0)
}

/// The cached index in `dir` of these (canonical, sorted) paths, synced
/// first, and how many files could not be read (each already named on
/// standard error). A cache that is damaged or of another version is
/// rebuilt: it is only a cache.
fn ad_hoc_index(
    dir: &Path,
    in_use: &InUse,
    paths: &[PathBuf],
    args: &SearchArgs,
    color: ColorChoice,
) -> Result<(Index, usize)> {
    let interrupt = interrupt::arm()?;
    let roots = super::roots(paths, &args.walk);
    let synced = match synced_cache(dir, &roots, &interrupt, color) {
        Err(error) if is_damage(&error) => {
            in_use.exclusively(|| remove_cache(dir))?;
            synced_cache(dir, &roots, &interrupt, color)
        }
        other => other,
    };
    synced.map_err(|error| {
        let full = error
            .chain()
            .any(|cause| matches!(cause.downcast_ref::<Error>(), Some(Error::DiskFull { .. })));
        if !full {
            return error;
        }
        // The engine's advice (run `cerca index`) is for an index.
        anyhow::anyhow!(
            "cannot search {} ad hoc: the disk holding its cached index ({}) is full; free some \
             space (`cerca cache clear` removes the cached indexes)",
            display_list(paths),
            dir.display()
        )
    })
}

fn synced_cache(
    dir: &Path,
    roots: &[Root],
    interrupt: &Arc<AtomicBool>,
    color: ColorChoice,
) -> Result<(Index, usize)> {
    let index = Index::open_or_create(dir)
        .with_context(|| format!("cannot open the cached index at {}", dir.display()))?;
    let syncer = super::syncer(&index, true, Arc::clone(interrupt))?;
    let mut bar = Bar::new(color);
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
    Ok((index, report.failed))
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

/// One line of a batch.
#[derive(Debug, PartialEq, Eq)]
enum BatchLine {
    Query(String),
    NotUtf8,
    TooLong,
}

/// The next line of `input` (without its `\n` or `\r\n`), keeping at most
/// `max` bytes of it in memory. A longer line is answered as soon as it is
/// known to be too long (`/dev/zero` gets its answer at once), and the rest
/// of it is dropped by the next call (`skipping`).
fn next_line(
    input: &mut dyn BufRead,
    max: usize,
    skipping: &mut bool,
) -> io::Result<Option<BatchLine>> {
    let mut line = Vec::new();
    let mut read_any = false;
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if buffer.is_empty() {
            break;
        }
        let (chunk, used, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => (&buffer[..end], end + 1, true),
            None => (buffer, buffer.len(), false),
        };
        if *skipping {
            // The end of a line already answered as too long.
            input.consume(used);
            *skipping = !done;
            continue;
        }
        read_any = true;
        if line.len() + chunk.len() > max {
            input.consume(used);
            *skipping = !done;
            return Ok(Some(BatchLine::TooLong));
        }
        line.extend_from_slice(chunk);
        input.consume(used);
        if done {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(match String::from_utf8(line) {
        Ok(text) => BatchLine::Query(text),
        Err(_) => BatchLine::NotUtf8,
    }))
}

fn batch_search(
    index: &Index,
    batch: &PathBuf,
    literal: bool,
    options: &SearchOptions,
    sink: &mut dyn Sink,
) -> Result<bool> {
    let mut input: Box<dyn BufRead> = if batch.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        Box::new(BufReader::new(std::fs::File::open(batch).with_context(
            || format!("cannot read the batch file {}", batch.display()),
        )?))
    };
    let mut any_match = false;
    let (mut answered, mut refused) = (0usize, 0usize);
    let mut number = 0;
    let mut skipping = false;
    while let Some(line) = next_line(input.as_mut(), MAX_BATCH_LINE, &mut skipping)
        .with_context(|| format!("cannot read the batch file {}", batch.display()))?
    {
        let query = number;
        number += 1;
        let text = match line {
            BatchLine::Query(text) if text.trim().is_empty() => continue,
            BatchLine::Query(text) => text,
            BatchLine::NotUtf8 => {
                refused += 1;
                sink.query_error(
                    query,
                    "this line is not UTF-8 text: write the batch file in UTF-8",
                    None,
                )?;
                continue;
            }
            BatchLine::TooLong => {
                refused += 1;
                sink.query_error(
                    query,
                    &format!("this line is longer than {MAX_BATCH_LINE} bytes, the most a batch query can be"),
                    None,
                )?;
                continue;
            }
        };
        let searched = parse(&text, literal)
            .map_err(Error::Query)
            .and_then(|parsed| index.search_parsed(&parsed, options));
        match searched {
            Ok(results) => {
                answered += 1;
                any_match |= results.total > 0;
                sink.results(&results, Some(query))?;
            }
            Err(Error::Query(error)) => {
                refused += 1;
                let chars = |at: usize| text.get(..at).map_or(0, |before| before.chars().count());
                let at = chars(error.span.start)..chars(error.span.end);
                sink.query_error(query, &error.to_string(), Some(at))?;
            }
            Err(other) => {
                return Err(
                    anyhow::Error::new(other).context(format!("query on line {}", query + 1))
                )
            }
        }
    }
    // Every line an error: nothing was searched, as for one bad query.
    if refused > 0 && answered == 0 {
        return Err(Reported.into());
    }
    Ok(any_match)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<BatchLine> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut skipping = false;
        std::iter::from_fn(|| next_line(&mut reader, max, &mut skipping).ok().flatten()).collect()
    }

    #[test]
    fn a_line_too_long_is_answered_before_its_end() {
        // An endless line (`/dev/zero`): its answer comes once it passes the limit.
        let mut endless = BufReader::with_capacity(4, io::repeat(b'0'));
        let mut skipping = false;
        let first = next_line(&mut endless, 8, &mut skipping).unwrap();
        assert_eq!(first, Some(BatchLine::TooLong));
        assert!(skipping);
    }

    #[test]
    fn batch_lines_are_bounded_and_need_not_be_utf8() {
        use BatchLine::*;
        assert_eq!(
            lines(b"casa\r\n\xff\xfe\n123456789\n\nultima", 8),
            [
                Query("casa".into()),
                NotUtf8,
                TooLong,
                Query(String::new()),
                Query("ultima".into())
            ]
        );
        assert_eq!(lines(b"", 8), []);
        assert_eq!(lines(b"12345678\n", 8), [Query("12345678".into())]);
        assert_eq!(
            lines(b"123456789abcdefghij\r\nok\n123456789", 8),
            [TooLong, Query("ok".into()), TooLong]
        );
    }
}
