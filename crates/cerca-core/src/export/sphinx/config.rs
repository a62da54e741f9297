//! The export: per node a configuration, per shard its data,
//! and the scripts that build, start and stop the cluster.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::files::{io_error, write_file, CountingFile, Staging};
use crate::export::{document_id, ELIDED_WORDS};
use crate::Index;

use super::xmlpipe::{self, FOOTER, HEADER};

/// How to export an index for a Sphinx cluster.
///
/// Shard `k` is held by node `k % nodes` and, with two nodes or more,
/// mirrored on node `(k + 1) % nodes`: any one node but the first can stop
/// and every document still answers, from the mirror. (The first two or
/// three queries after a node dies miss its shards, with a warning in
/// `SHOW META`: that is how Sphinx 2.2 learns that a mirror is gone; it does
/// not retry them on the other mirror.) Node 0 also holds the distributed index
/// that queries go to. Node `n` listens on `first_port + 2n` (Sphinx's own
/// protocol, between nodes) and `first_port + 2n + 1` (SphinxQL, the MySQL
/// protocol).
///
/// ```
/// use cerca_core::export::sphinx::Export;
///
/// let options = Export::default().with_shards(4).with_nodes(2).with_first_port(19312);
/// assert_eq!(options.sql_port(0), 19313);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Export {
    /// The distributed index queries name.
    pub index_name: String,
    /// How many parts the documents are split into.
    pub shards: u32,
    /// How many `searchd` processes serve them.
    pub nodes: u32,
    /// Where the nodes listen (every node on this host).
    pub host: String,
    /// The first of the ports: see [`Export`].
    pub first_port: u16,
}

impl Default for Export {
    fn default() -> Self {
        Export {
            index_name: "cerca".into(),
            shards: 3,
            nodes: 3,
            host: "127.0.0.1".into(),
            first_port: 9312,
        }
    }
}

with_setters!(Export {
    with_shards => shards: u32,
    with_nodes => nodes: u32,
    with_first_port => first_port: u16,
} into {
    with_index_name => index_name: String,
    with_host => host: String,
});

impl Export {
    /// The port node `node` takes Sphinx's own protocol on.
    pub fn api_port(&self, node: u32) -> u16 {
        let port = u32::from(self.first_port) + 2 * node;
        u16::try_from(port).unwrap_or(u16::MAX)
    }

    /// The port node `node` takes SphinxQL (the MySQL protocol) on.
    pub fn sql_port(&self, node: u32) -> u16 {
        self.api_port(node).saturating_add(1)
    }

    /// The nodes holding shard `shard`: first the primary, then its mirror.
    pub fn holders(&self, shard: u32) -> Vec<u32> {
        let primary = shard % self.nodes;
        let mut holders = vec![primary];
        if self.nodes > 1 {
            holders.push((shard + 1) % self.nodes);
        }
        holders
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportReport {
    /// Documents exported.
    pub documents: u64,
    /// Documents per shard.
    pub per_shard: Vec<u64>,
    /// Documents whose body was cut (longer than the indexer takes).
    pub cut: u64,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// Writes into `out` (a new or empty folder, which must stay where it is:
/// the configurations name it): `shard-K.xml` (xmlpipe2), `node-N.conf`, and `build.sh` (indexes every shard and computes the
/// collection's word statistics), `start.sh`, `stop.sh`. A document goes to
/// shard `id % shards` ([`document_id`]).
pub fn export(index: &Index, out: &Path, options: &Export) -> Result<ExportReport> {
    check_options(out, options)?;
    let staging = Staging::begin(out)?;
    let dir = staging.dir().to_path_buf();
    let mut report = ExportReport {
        per_shard: vec![0; options.shards as usize],
        ..ExportReport::default()
    };
    let mut names = Vec::new();
    let mut shards = Vec::new();
    for shard in 0..options.shards {
        let mut file = CountingFile::create(dir.join(format!("shard-{shard}.xml")))?;
        file.write(HEADER.as_bytes())?;
        shards.push(file);
    }
    let mut text = String::new();
    report.documents = index.for_each_document(|document| {
        let shard = (document_id(&document.path) % u64::from(options.shards)) as usize;
        text.clear();
        report.cut += u64::from(xmlpipe::write_document(&mut text, &document));
        report.per_shard[shard] += 1;
        shards[shard].write(text.as_bytes())
    })?;
    for mut file in shards {
        file.write(FOOTER.as_bytes())?;
        names.push(file.finish()?.0);
    }
    for node in 0..options.nodes {
        let config = node_config(staging.out(), options, node);
        let name = format!("node-{node}.conf");
        write_file(&dir, &name, &config, false)?;
        names.push(name);
        let data = dir.join(format!("data/node-{node}"));
        std::fs::create_dir_all(&data).map_err(io_error(&data))?;
    }
    for (name, script) in scripts(options) {
        write_file(&dir, name, &script, true)?;
        names.push(name.to_owned());
    }
    report.files = names.iter().map(|name| staging.out().join(name)).collect();
    staging.finish()?;
    Ok(report)
}

/// Whether Sphinx takes `name` as an index name: a letter, then letters,
/// digits and `_`; not `shard…`, the names of the shards.
pub(crate) fn is_index_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("shard")
}

fn check_options(out: &Path, options: &Export) -> Result<()> {
    let last_port = u32::from(options.first_port) + 2 * options.nodes.max(1) - 1;
    let out_text = out.to_string_lossy();
    let reason = if !is_index_name(&options.index_name) {
        format!(
            "{:?} is not an index name Sphinx takes (a letter, then letters, digits, `_`; not `shard…`)",
            options.index_name
        )
    } else if options.shards == 0 || options.nodes == 0 {
        "a cluster needs at least one shard and one node".into()
    } else if options.shards > 1024 {
        "at most 1024 shards".into()
    } else if options.nodes > options.shards.max(1) + 1 {
        format!(
            "{} nodes for {} shards would leave nodes without a shard (each shard is on one node and mirrored on the next)",
            options.nodes, options.shards
        )
    } else if options.first_port == 0 || last_port > u32::from(u16::MAX) {
        format!(
            "the ports from {} to {last_port} are not all valid ports",
            options.first_port
        )
    } else if options.host.is_empty()
        || !options
            .host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    {
        format!("{:?} is not a host name or address", options.host)
    } else if out_text.contains(|c: char| c.is_control() || c == '#' || c == '\'' || c == '\\') {
        "Sphinx's configuration cannot name a folder whose path holds control characters, `#`, `'` or `\\`".into()
    } else {
        return Ok(());
    };
    Err(Error::Export {
        path: out.to_path_buf(),
        reason,
    })
}

/// Removes the elided words and their apostrophe (RE2, case-insensitive).
fn elision_filter() -> String {
    format!("(?i)\\b({})['\u{2019}] =>", ELIDED_WORDS.join("|"))
}

/// cerca's words hold `.` and `:` between letters (`www.debian.org`,
/// `path:foo`) and `.`, `,`, `;` between digits (`3.0`, `3,14`), as Unicode
/// word breaking says; Sphinx's characters cannot depend on their
/// neighbours, so these become `_`, a letter of the `charset_table`. Twice:
/// a replacement takes the letters on both sides, so `a.b.c` needs two.
/// (Queries go through them too.)
fn word_joins() -> String {
    let joins = [
        "(\\pL)[.:](\\pL) => \\1_\\2",
        "(\\pN)[.,;](\\pN) => \\1_\\2",
    ];
    let mut lines = String::new();
    for _ in 0..2 {
        for join in joins {
            lines.push_str(&format!("    regexp_filter = {join}\n"));
        }
    }
    // Queries go through these filters too: a boost (`word^1.5`) keeps its point.
    lines.push_str("    regexp_filter = \\^(\\pN+)_(\\pN) => ^\\1.\\2\n");
    lines
}

fn node_config(out: &Path, options: &Export, node: u32) -> String {
    let out = out.display();
    let mut config = format!(
        "# Written by `cerca export --to sphinx`: node {node} of {} ({} shards).\n\
         # Paths are absolute: keep this folder where it is.\n\n",
        options.nodes, options.shards
    );
    for shard in (0..options.shards).filter(|shard| options.holders(*shard).contains(&node)) {
        let _ = write!(
            config,
            "source shard{shard}\n{{\n    type = xmlpipe2\n    xmlpipe_command = cat '{out}/shard-{shard}.xml'\n}}\n\n\
             index shard{shard}\n{{\n    source = shard{shard}\n    path = {out}/data/node-{node}/shard{shard}\n\
             \x20   docinfo = extern\n    dict = keywords\n    morphology = libstemmer_italian\n\
             \x20   min_stemming_len = 1\n\
             \x20   index_exact_words = 1\n    min_prefix_len = 1\n    global_idf = {out}/global.idf\n\
             \x20   regexp_filter = {}\n{}    charset_table = {}\n    ngram_len = 1\n    ngram_chars = {}\n\
             \x20   ignore_chars = {}\n}}\n\n",
            elision_filter(),
            word_joins(),
            super::charset_table(),
            super::ngram_chars(),
            super::ignore_chars(),
        );
    }
    if node == 0 {
        let _ = write!(
            config,
            "index {}\n{{\n    type = distributed\n",
            options.index_name
        );
        for shard in 0..options.shards {
            let mirrors: Vec<String> = options
                .holders(shard)
                .iter()
                .map(|holder| format!("{}:{}", options.host, options.api_port(*holder)))
                .collect();
            let _ = writeln!(config, "    agent = {}:shard{shard}", mirrors.join("|"));
        }
        config.push_str(
            "    ha_strategy = noerrors\n    agent_connect_timeout = 1000\n    agent_query_timeout = 10000\n}\n\n",
        );
    }
    let _ = write!(
        config,
        "indexer\n{{\n    mem_limit = 256M\n    max_xmlpipe2_field = 16M\n}}\n\n\
         searchd\n{{\n    listen = {host}:{api}\n    listen = {host}:{sql}:mysql41\n\
         \x20   log = {out}/data/node-{node}/searchd.log\n    query_log = {out}/data/node-{node}/query.log\n\
         \x20   pid_file = {out}/data/node-{node}/searchd.pid\n    binlog_path =\n    workers = threads\n\
         \x20   read_timeout = 5\n    client_timeout = 60\n    max_children = 64\n\
         \x20   ha_period_karma = 5\n    ha_ping_interval = 500\n}}\n",
        host = options.host,
        api = options.api_port(node),
        sql = options.sql_port(node),
    );
    config
}

fn scripts(options: &Export) -> [(&'static str, String); 3] {
    let nodes = options.nodes;
    let mut build = String::from(
        "#!/bin/sh\n# Indexes every node's shards, then the collection's word statistics\n\
         # (global IDF) that every shard ranks with. Run it before start.sh.\n\
         set -eu\ncd \"$(dirname \"$0\")\"\n",
    );
    let _ = writeln!(
        build,
        "for node in $(seq 0 {}); do\n    indexer --config node-$node.conf --all --quiet\ndone",
        nodes - 1
    );
    let mut dicts = Vec::new();
    for shard in 0..options.shards {
        let primary = options.holders(shard)[0];
        let _ = writeln!(
            build,
            "indextool --config node-{primary}.conf --dumpdict shard{shard} --stats > data/shard{shard}.dict"
        );
        dicts.push(format!("data/shard{shard}.dict"));
    }
    let _ = writeln!(
        build,
        "indextool --buildidf {} --out global.idf >/dev/null\necho 'built: start the nodes with ./start.sh'",
        dicts.join(" ")
    );
    let start = format!(
        "#!/bin/sh\n# Starts the {nodes} nodes; queries go to node 0: mysql -h {host} -P {sql}\n\
         set -eu\ncd \"$(dirname \"$0\")\"\nfor node in $(seq 0 {last}); do\n    searchd --config node-$node.conf >/dev/null\ndone\n\
         echo 'started: SphinxQL on {host}:{sql}, index {index}'\n",
        host = options.host,
        sql = options.sql_port(0),
        last = nodes - 1,
        index = options.index_name,
    );
    let stop = format!(
        "#!/bin/sh\n# Stops the nodes that run.\ncd \"$(dirname \"$0\")\"\nfor node in $(seq 0 {}); do\n\
         \x20   [ -e data/node-$node/searchd.pid ] && searchd --config node-$node.conf --stopwait >/dev/null 2>&1\n\
         done\ntrue\n",
        nodes - 1
    );
    [("build.sh", build), ("start.sh", start), ("stop.sh", stop)]
}
