//! Command-line arguments, documented like a man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Ranked, stemmed, Italian-aware full-text search.
///
/// cerca finds documents by meaning-bearing words, not bytes: `esercitazione`
/// finds `esercitazioni`, `energia` finds `dell'energia`, `citta` finds
/// `città`. Hits come ranked by relevance (BM25) with a snippet.
#[derive(Debug, Parser)]
// The doc comment above is the about line (its first sentence) and the long
// description of `cerca --help` and of the man page.
#[command(name = "cerca", version, propagate_version = true)]
#[command(
    after_help = "Examples:\n  cerca search \"esercitazione militare\" seeds\n  cerca index ~/Documenti && cerca search 'title:bilancio date:2025'\n  cerca search --json -n 5 '\"casa bianca\"~2' ~/notizie"
)]
pub struct Cli {
    /// When to use colors and other terminal styles (the footer's dimming, the
    /// progress bar's cursor moves): `auto` is on a terminal unless NO_COLOR is
    /// set; `never` writes no escape code at all.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add folders to the index and bring it up to date with the disk.
    #[command(after_help = INDEX_HELP)]
    Index(IndexArgs),
    /// Search the index, or folders given on the command line.
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// Keep the index current: sync it, then watch its folders (and the
    /// folders given, added to it) and sync what changes, until Ctrl-C.
    #[command(after_help = WATCH_HELP)]
    Watch(WatchArgs),
    /// Serve the index over HTTP: a JSON API and a search page.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Show the index's folders: their options, documents, last sync, and the
    /// files the last `cerca index` could not read or passed over.
    Status(StatusArgs),
    /// Verify the index: checksums of every file, readable columns and stored
    /// text, one document per path.
    ///
    /// Exit status 0 if it is sound, 2 if not (then `cerca index --rebuild`
    /// rebuilds it from its folders).
    Check(IndexLocation),
    /// Remove a folder and its documents from the index.
    Forget(ForgetArgs),
    /// List or clear the cached indexes of ad-hoc searches (`cerca search QUERY PATH…`).
    #[command(after_help = CACHE_HELP)]
    Cache(CacheArgs),
    /// Export the index for a distributed engine: OpenSearch/Elasticsearch
    /// (settings, mapping, bulk NDJSON) or a Sphinx cluster (configuration per
    /// node, xmlpipe2 shards, scripts), with cerca's Italian analysis.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Translate a query to another engine's language: OpenSearch's Query DSL
    /// (JSON) or a SphinxQL statement.
    #[command(after_help = TRANSLATE_HELP)]
    Translate(TranslateArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output.
    Man,
    /// The extraction worker: reads files on standard input, answers their text on
    /// standard output (started by cerca itself, see `commands::extract_worker`).
    #[command(name = "extract-worker", hide = true)]
    ExtractWorker,
}

const INDEX_HELP: &str = "\
Options given with folders belong to them: every later `cerca index` walks
each folder with its own, until the folder is given again with others.

Examples:
  cerca index ~/Documenti ~/Note          add two folders and index them
  cerca index                             re-sync every folder the index holds
  cerca index --exclude 'build/**' .      add this folder, skipping build/ (now and later)
  cerca index --rebuild                   rebuild a damaged index from its folders

Ctrl-C (or SIGTERM) stops a sync: what was read is kept, and `cerca index`
goes on from there (exit status 130).";

const SEARCH_HELP: &str = "\
Query syntax (see the README for all of it):
  esercitazione militare      every word (stems, elisions and accents folded)
  energia OR gas              either; AND, OR, NOT in upper case; -word excludes
  \"ministro della difesa\"~2   a phrase, with up to 2 extra words between
  bielorus*   lukascenko~     a prefix; a misspelling within 1-2 edits
  title:trump  path:cucina/*  ext:md  date:2025-09  modified:>7d  trump^2

Examples:
  cerca search \"esercitazione militare\" seeds
  cerca search -l 'energia -nucleare' ~/notizie
  cerca search --json --sort -date 'date:>=2025-01-01 bilancio'
  cerca search --batch questions.txt --any -n 100
  cerca search -l0 bilancio ~/notizie | xargs -0 ls -l

Batch (--batch FILE): each line is a query, answered as JSON Lines whose
`query` is the line's 0-based number: one object per hit, or
{\"query\": N, \"total\": T} when no hit is printed (none matched, or --offset is
past them), or {\"query\": N, \"error\": \"…\"} for a line that does not parse
(with \"at\": {\"start\": S, \"end\": E}, the characters at fault), is not UTF-8
or is longer than 4096 bytes; the batch goes on. Blank lines are skipped. Exit
status: 0 if a query matched, 1 if none did, 2 if every line was an error.
-c, -l, -0 and --explain are refused with --batch.

Exit status: 0 if something matched, 1 if nothing did, 2 on an error (a bad
query, no index, a PATH that does not exist or a file that cannot be read;
what could be searched is still searched and printed first).";

const WATCH_HELP: &str = "\
It starts with a sync (what changed while nobody watched), then syncs a folder
again whenever something in it changes: a saved file is searchable within about
a second. Changes are gathered until they are quiet for 0.3 s (1 s at most), and
there is at most one sync a second, whatever the burst; when the system's queue
of events overflows, the folders are synced whole. Each folder keeps its options
(--exclude, --hidden…). Between syncs the index is not locked: `cerca index`
and `cerca forget` may run meanwhile; folders they add, and folders gone and
back, are watched within 3 s.

Examples:
  cerca watch                            keep the index's folders current
  cerca watch ~/Note                     add ~/Note, then watch it with the others

Ctrl-C (or SIGTERM) stops: what was synced is committed (exit status 0).";

const SERVE_HELP: &str = "\
The page at / searches as `cerca search` does (words, filters by kind and date,
pages of hits, each document's text); /?q=QUERY opens with that search done.

The JSON API (the same hit fields as `cerca search --json`):
  GET /api/search?q=QUERY[&limit=N][&offset=N][&sort=score|date|-date|path][&any=1][&lexical=1][&literal=1]
      {\"total\": N, \"relaxed\": bool, \"hits\": [...]}; a query that does not parse
      is 400 {\"error\": MESSAGE, \"at\": {\"start\": S, \"end\": E}} (characters)
  GET /api/status      documents, folders, last sync, semantic search
  GET /api/document?path=PATH
      a document's stored text, only for a path the index holds (404 otherwise)

Limits: at most 1000 hits a page; request bodies over 16 KiB and requests over
10 s are refused; 5 s to send a request's headers (and idle connections close
after 5 s); 512 connections at most; searches run two per core at a time, the
others wait up to 5 s (then 503). Without a token, only localhost, 127.0.0.1
and [::1] are answered (no DNS rebinding). Ctrl-C stops it, after the requests
under way (5 s at most).

Examples:
  cerca serve                                  http://127.0.0.1:7700 for this user
  cerca serve --watch                          the same, and the index kept current
  cerca serve --addr 0.0.0.0:7700 --token T    on the network, for who knows T";

const CACHE_HELP: &str = "\
An ad-hoc search (`cerca search QUERY PATH…`) keeps an index of its paths in
the cache directory ($XDG_CACHE_HOME/cerca, e.g. ~/.cache/cerca), one per set
of paths, so that the next search of them only reads what changed. After each
ad-hoc search the least recently used caches are removed until at most 16 are
left and they hold at most 1 GB together (the one just used is always kept).

Examples:
  cerca cache list            each cache: its paths, size and last use
  cerca cache clear           remove them all (the next search rebuilds its own)";

/// Where the index lives.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// The index directory [default: $CERCA_INDEX if set and not empty, else the
    /// user's data dir, e.g. ~/.local/share/cerca/index].
    // CERCA_INDEX is read by `locations::index_dir`, not by clap: clap takes
    // an empty variable as an empty value, and `CERCA_INDEX=` must be as if unset.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print the status as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// List the cached indexes, most recently used first.
    List {
        /// Print one JSON object per cache.
        #[arg(long)]
        json: bool,
    },
    /// Remove every cached index.
    Clear,
}

/// Which files to read.
#[derive(Debug, Args, Clone)]
pub struct WalkArgs {
    /// Also read hidden files and folders (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links, also out of the folder (loops are detected).
    #[arg(long)]
    pub follow: bool,
    /// Only files matching this glob (relative to the folder; repeatable), e.g. '*.md'.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and folders matching this glob (repeatable), e.g. 'build/**'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also read what `.gitignore` (in a git repository), `.ignore` and
    /// `.git/info/exclude` files exclude (honoured by default, as rg does).
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this many bytes (suffixes K, M, G allowed) [default: 64M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
}

impl WalkArgs {
    /// Whether any option was given (they belong to folders given with them).
    pub fn any_given(&self) -> bool {
        self.hidden
            || self.no_ignore
            || self.follow
            || !self.include.is_empty()
            || !self.exclude.is_empty()
            || self.max_size.is_some()
    }
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// If another cerca is writing to the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,
    /// Empty the index and read every file of its folders again (they and
    /// their options are kept): for an index that is damaged or of another
    /// format.
    #[arg(long)]
    pub rebuild: bool,
    /// Turn semantic search on for this index (remembered): each document
    /// gets a vector of its meaning, made after the words are indexed (the
    /// slow part: Ctrl-C stops it, the next `cerca index` goes on). Needs a
    /// cerca built with the `semantic` feature.
    #[arg(long, conflicts_with = "no_semantic")]
    pub semantic: bool,
    /// Turn semantic search off for this index and delete its vectors.
    #[arg(long)]
    pub no_semantic: bool,
    /// Print the sync report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Folders (or files) to add and sync; none: re-sync every folder the index holds.
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Folders (or files) to add to the index and watch too; none: the index's folders.
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// The address and port to listen on. Another address than loopback
    /// (127.0.0.1, ::1) makes the token mandatory.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7700")]
    pub addr: std::net::SocketAddr,
    /// The token every request must carry (`Authorization: Bearer TOKEN`, or
    /// `?token=TOKEN` in the page's address) [default: $CERCA_TOKEN; away
    /// from loopback without one, a random one is made and printed].
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Also keep the index current, as `cerca watch` does, in the same process.
    #[arg(long)]
    pub watch: bool,
}

const EXPORT_HELP: &str = "\
Examples:
  cerca export --to opensearch --shards 3 /tmp/archivio-os && /tmp/archivio-os/load.sh http://localhost:9200
  cerca export --to sphinx --shards 3 --nodes 3 /tmp/archivio-sx
  cd /tmp/archivio-sx && ./build.sh && ./start.sh && mysql -h 127.0.0.1 -P 9313

OUT must be a new or empty folder. Documents are exported as the index stores them (the text cerca's
readers extracted), one at a time. The README's \"Scaling out\" says what differs from cerca's ranking.";

const TRANSLATE_HELP: &str = "\
Examples:
  cerca translate --to opensearch 'esercitazion* ext:pdf date:2025'
  cerca translate --to sphinx '\"ministro della difesa\" -russia'

The translation makes cerca's decisions first (stopwords left out, other genders and numbers of a
word, folded word forms for prefixes), for an index made by `cerca export`. Words side by side must
all match (there is no fallback to some of them, as in a script) unless --any. What the engine
cannot express is an error with a caret under it.";

/// The engines `cerca export` and `cerca translate` speak to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// OpenSearch or Elasticsearch.
    #[value(alias = "elasticsearch")]
    Opensearch,
    /// Sphinx 2.2 or Manticore.
    #[value(alias = "manticore")]
    Sphinx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// The engine to export for.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub to: Engine,
    /// The engine's index the documents go to.
    #[arg(long, value_name = "NAME", default_value = "cerca")]
    pub name: String,
    /// OpenSearch: the index's primary shards [default: 1]. Sphinx: how many
    /// parts the documents are split into [default: 3].
    #[arg(long, value_name = "N")]
    pub shards: Option<u32>,
    /// OpenSearch: copies of each shard [default: 1].
    #[arg(long, value_name = "N")]
    pub replicas: Option<u32>,
    /// OpenSearch: the largest bulk file (K, M, G) [default: 50M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Sphinx: how many searchd processes serve the shards; each shard is on
    /// one node and mirrored on the next [default: 3].
    #[arg(long, value_name = "N")]
    pub nodes: Option<u32>,
    /// Sphinx: the host every node listens on [default: 127.0.0.1].
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Sphinx: the first port; node N takes PORT+2N (between nodes) and
    /// PORT+2N+1 (SphinxQL) [default: 9312].
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// The folder to write (new or empty).
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The engine to translate for.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub to: Engine,
    /// Words side by side may match any of them (OR, ranked), as `cerca search --any`.
    #[arg(long)]
    pub any: bool,
    /// How many hits the statement asks for (the `size` of a search request,
    /// the LIMIT of a SphinxQL statement).
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Sphinx: the index the statement searches.
    #[arg(long, value_name = "NAME", default_value = "cerca")]
    pub name: String,
    /// Read the query as plain words, not as cerca's query language (as
    /// `cerca search -F`).
    #[arg(short = 'F', long)]
    pub literal: bool,
    /// The query, in cerca's language (see `cerca search --help`).
    pub query: String,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// If another cerca is writing to the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,
    /// The folder to remove, as it was given to `cerca index`.
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Best match first.
    Score,
    /// Oldest document date first.
    Date,
    /// Newest document date first.
    #[value(name = "-date")]
    NewestFirst,
    /// By path.
    Path,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl From<ColorChoice> for anstream::ColorChoice {
    fn from(choice: ColorChoice) -> Self {
        match choice {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// The query (see QUERY SYNTAX below). Not given with --batch.
    #[arg(required_unless_present = "batch", value_name = "QUERY")]
    pub query: Option<String>,
    /// Search these folders or files instead of the index (a cached index of each is kept up to date).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Answer one query per line of FILE (`-` for standard input), as JSON Lines
    /// with a `query` field (the 0-based line number). No QUERY is given then:
    /// every argument is a PATH. See BATCH below.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["files_with_matches", "count", "null", "explain"])]
    pub batch: Option<PathBuf>,
    /// Show at most N hits.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Skip the first N hits.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Order of the hits.
    #[arg(long, value_enum, default_value_t = Sort::Score, allow_hyphen_values = true)]
    pub sort: Sort,
    /// Words side by side match if any of them does (OR), ranked by relevance.
    /// Filters (path:, ext:, date:, modified:, title:/body: words) still hold.
    #[arg(long, conflicts_with = "all")]
    pub any: bool,
    /// Words side by side must all match (AND); the default.
    #[arg(long)]
    pub all: bool,
    /// Rank by words only, even if the index has semantic search on (by
    /// default, its hits are ranked by words and meaning together, and may
    /// include documents about the query that lack some of its words).
    #[arg(long)]
    pub lexical: bool,
    /// Print one JSON object per hit (JSON Lines) and nothing else on standard output.
    #[arg(long, conflicts_with_all = ["files_with_matches", "count"])]
    pub json: bool,
    /// Print only the paths of matching documents, one per line (control
    /// characters escaped on a terminal; exact with -0).
    #[arg(short = 'l', long, conflicts_with = "count")]
    pub files_with_matches: bool,
    /// With -l, end each path with a NUL byte instead of a newline, and print it exactly (for `xargs -0`).
    #[arg(
        short = '0',
        long,
        requires = "files_with_matches",
        conflicts_with = "count"
    )]
    pub null: bool,
    /// Print only the number of matching documents.
    #[arg(short = 'c', long)]
    pub count: bool,
    /// Print nothing: the exit status alone says whether a document matched
    /// (every word, as -c counts them).
    #[arg(short = 'q', long, conflicts_with_all = ["json", "files_with_matches", "count", "batch"])]
    pub quiet: bool,
    /// Read the query as plain words, with no syntax (quotes, `:`, `-`, `*`, AND… are just text).
    #[arg(short = 'F', long)]
    pub literal: bool,
    /// Print how the query was understood (its parsed tree) before searching.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
}

/// `64M` → 67108864.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, multiplier) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| {
            format!("`{text}` is not a size: write a number of bytes, optionally with K, M or G")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn the_help_tells_the_batch_line_limit() {
        let limit = crate::commands::search::MAX_BATCH_LINE.to_string();
        assert!(SEARCH_HELP.contains(&format!("longer than {limit} bytes")));
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
