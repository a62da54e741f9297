//! `cerca export` and `cerca translate`, and a live three-node Sphinx cluster
//! fed and queried by them (when Debian's `sphinxsearch` and a MySQL client
//! are installed: `.ci/run` installs them and sets CERCA_REQUIRE_SPHINX=1).
//! With OPENSEARCH_URL set, the OpenSearch export is loaded and queried there.

mod common;

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::Sandbox;

fn squad_docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it/docs")
}

/// An index of the squad-it paragraphs in the sandbox; its directory.
fn squad_index(sandbox: &Sandbox) -> String {
    let index = sandbox.path("idx").to_str().unwrap().to_owned();
    sandbox
        .run(&["index", "--index", &index, squad_docs().to_str().unwrap()])
        .code(0);
    index
}

#[test]
fn translate_prints_the_query_dsl_and_a_sphinxql_statement() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "translate",
        "--to",
        "opensearch",
        "-n",
        "5",
        "esercitaz* ext:pdf",
    ]);
    run.code(0);
    let body: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(body["size"], 5);
    let text = body.to_string();
    assert!(text.contains(r#"{"term":{"kind":"pdf"}}"#), "{text}");
    assert!(
        text.contains(r#"{"prefix":{"body.words":{"value":"esercitaz"}}}"#),
        "{text}"
    );

    let run = sandbox.run(&[
        "translate",
        "--to",
        "elasticsearch",
        "\"ministro della difesa\"~2",
    ]);
    run.code(0)
        .stdout_has(r#""match_phrase""#)
        .stdout_has(r#""slop": 2"#);

    let run = sandbox.run(&[
        "translate",
        "--to",
        "sphinx",
        "--name",
        "archivio",
        "esercitazione -guerra date:2025",
    ]);
    run.code(0)
        .stdout_has("FROM archivio WHERE MATCH('@(title,body) ((esercitazione | esercitaziona | esercitaziono) -(guerra))')")
        .stdout_has("AND has_date = 1 AND date >= 1735689600 AND date < 1767225600");
    assert!(run.stdout.trim_end().ends_with(';'));
    // -F: the words as plain text, as `cerca search -F`.
    sandbox
        .run(&[
            "translate",
            "--to",
            "sphinx",
            "-F",
            "http://localhost:631 (stampa)",
        ])
        .code(0)
        .stdout_has("\"http localhost 631\" stampa");
}

#[test]
fn what_an_engine_cannot_express_is_an_error_under_the_construct() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["translate", "--to", "sphinx", "minsk lukascenko~"]);
    run.code(2)
        .stderr_has("cannot translate: Sphinx cannot express fuzzy words")
        .stderr_has("  minsk lukascenko~\n        ^^^^^^^^^^^");
    assert!(run.stdout.is_empty());
    sandbox
        .run(&["translate", "--to", "sphinx", "ext:pdf OR minsk"])
        .code(2)
        .stderr_has("move the filter out of the OR group");
    // A statement cannot be made to say something else, nor to ask for more
    // than the engines give.
    sandbox
        .run(&[
            "translate",
            "--to",
            "sphinx",
            "--name",
            "cerca; SHOW TABLES",
            "casa",
        ])
        .code(2)
        .stderr_has("is not an index name Sphinx takes");
    sandbox
        .run(&["translate", "--to", "sphinx", "-n", "4294967295", "casa"])
        .code(2)
        .stderr_has("at most hit 100000");
    sandbox
        .run(&["translate", "--to", "opensearch", "-n", "100000", "casa"])
        .code(2)
        .stderr_has("index.max_result_window");
    // Nothing to search for finds nothing, as in cerca.
    sandbox
        .run(&["translate", "--to", "sphinx", "'"])
        .code(0)
        .stdout_has("WHERE id = 0 ");
    // The same query is fine for OpenSearch.
    sandbox
        .run(&["translate", "--to", "opensearch", "ext:pdf OR lukascenko~"])
        .code(0);
    // A query that does not parse says so, with cerca's own caret.
    sandbox
        .run(&["translate", "--to", "opensearch", "casa AND"])
        .code(2)
        .stderr_has("invalid query")
        .stderr_has("^^^");
}

#[test]
fn export_writes_the_seed_for_each_engine_and_refuses_what_does_not_apply() {
    let sandbox = Sandbox::new();
    let seeds = sandbox.copy_seed("seeds/a.txt");
    let index = sandbox.path("idx");
    let (index, seeds) = (
        index.to_str().unwrap(),
        seeds.parent().unwrap().to_str().unwrap(),
    );
    sandbox.run(&["index", "--index", index, seeds]).code(0);

    // `cerca export --index INDEX --to ENGINE [OPTION…] OUT`.
    let export = |engine: &str, options: &[&str], out: &Path| {
        let mut args = vec!["export", "--index", index, "--to", engine];
        args.extend_from_slice(options);
        args.push(out.to_str().unwrap());
        sandbox.run(&args)
    };
    let out = sandbox.path("os");
    export("opensearch", &[], &out)
        .code(0)
        .stdout_has("exported 1 documents")
        .stdout_has("load.sh");
    let bulk = std::fs::read_to_string(out.join("bulk-00001.ndjson")).unwrap();
    assert!(
        bulk.contains("Zapad-2025") && bulk.contains(r#""date":"2025-09-15""#),
        "{bulk}"
    );

    // Again into the same folder: refused, and the first export is intact.
    export("opensearch", &[], &out)
        .code(2)
        .stderr_has("not empty");
    assert_eq!(
        std::fs::read_to_string(out.join("bulk-00001.ndjson")).unwrap(),
        bulk
    );

    let out = sandbox.path("sx");
    export("sphinx", &["--replicas", "2"], &out)
        .code(2)
        .stderr_has("--replicas and --max-file-size are for --to opensearch");
    export("opensearch", &["--nodes", "2"], &out)
        .code(2)
        .stderr_has("are for --to sphinx");
    export("sphinx", &["--shards", "2", "--nodes", "2"], &out)
        .code(0)
        .stdout_has("in 2 shards")
        .stdout_has("build.sh");
    assert!(out.join("node-1.conf").exists() && !out.join("node-2.conf").exists());
    // No index there: the usual error, nothing written.
    let none = sandbox.path("none");
    let sx2 = sandbox.path("sx2");
    sandbox
        .run(&[
            "export",
            "--index",
            none.to_str().unwrap(),
            "--to",
            "sphinx",
            sx2.to_str().unwrap(),
        ])
        .code(2)
        .stderr_has("no index at");
    assert!(!sx2.exists());
}

/// The commands a cluster needs, if they are all installed.
fn sphinx_installed() -> bool {
    let found = ["searchd", "indexer", "indextool", "mysql"]
        .iter()
        .all(|program| {
            Command::new("sh")
                .args(["-c", &format!("command -v {program}")])
                .output()
                .is_ok_and(|output| output.status.success())
        });
    if !found && std::env::var_os("CERCA_REQUIRE_SPHINX").is_some() {
        panic!("CERCA_REQUIRE_SPHINX is set but sphinxsearch or mysql is not installed");
    }
    found
}

/// Six free ports in a row (three nodes, two ports each).
fn free_ports() -> u16 {
    let start = 20000 + (std::process::id() % 2000) as u16 * 10;
    (0..400)
        .map(|step| start + step * 7)
        .find(|first| (0..6).all(|i| TcpListener::bind(("127.0.0.1", first + i)).is_ok()))
        .expect("six free ports")
}

/// Stops the cluster's nodes however the test ends.
struct Cluster {
    dir: PathBuf,
    sql_port: u16,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(self.dir.join("stop.sh")).output();
    }
}

impl Cluster {
    /// Runs a SphinxQL statement on node 0; the rows, tab-separated.
    fn query(&self, sql: &str) -> Vec<Vec<String>> {
        let output = Command::new("timeout")
            .args([
                "30",
                "mysql",
                "--connect-timeout=5",
                "-h",
                "127.0.0.1",
                "-P",
            ])
            .arg(self.sql_port.to_string())
            .args(["-N", "-B", "-e", sql])
            .output()
            .expect("mysql");
        assert!(
            output.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| line.split('\t').map(str::to_owned).collect())
            .collect()
    }

    /// How many documents match a statement (SHOW META's total_found), and
    /// whether Sphinx warned that a part of the cluster did not answer.
    fn total(&self, sql: &str) -> (u64, bool) {
        let rows = self.query(&format!(
            "{}; SHOW META;",
            sql.trim_end().trim_end_matches(';')
        ));
        let total = rows
            .iter()
            .find(|row| row[0] == "total_found")
            .and_then(|row| row[1].parse().ok())
            .unwrap_or_else(|| panic!("no total_found for {sql}: {rows:?}"));
        (total, rows.iter().any(|row| row[0] == "warning"))
    }

    /// [`Cluster::total`] of the first answer without a warning (a node that
    /// just died is only known so by the queries that fail to reach it),
    /// and how many answers before it were partial.
    fn complete_total(&self, sql: &str) -> (u64, usize) {
        for partial in 0..20 {
            let (total, warned) = self.total(sql);
            if !warned {
                return (total, partial);
            }
        }
        panic!("20 answers in a row missed a part of the cluster: {sql}");
    }
}

/// Queries whose hit counts a Sphinx cluster gives exactly as cerca does:
/// words, phrases with stopwords, prefixes, exclusions, fields and filters.
const SAME_COUNTS: &[&str] = &[
    "\"seconda guerra mondiale\"",
    "\"della città\"",
    "crisi petrolifera",
    "ext:txt energia",
    "path:Crisi petrolio",
    "energia OR petrolio",
    "nazion*",
    "\"prima guerra\" -\"seconda guerra\"",
    "title:crisi",
    "body:papa",
    "dell'impero",
    "città",
    "Università di Chicago",
    "stati uniti -ext:md",
    "100.000",
    "10.000 OR 20.000",
    "\"della\"",
];

#[test]
fn a_three_node_sphinx_cluster_answers_like_cerca_and_survives_a_node() {
    if !sphinx_installed() {
        eprintln!("skipped: sphinxsearch (searchd, indexer, indextool) or mysql is not installed");
        return;
    }
    let sandbox = Sandbox::new();
    let index = squad_index(&sandbox);
    let index = index.as_str();
    let port = free_ports();
    let dir = sandbox.path("cluster");
    sandbox
        .run(&[
            "export",
            "--index",
            index,
            "--to",
            "sphinx",
            "--port",
            &port.to_string(),
            dir.to_str().unwrap(),
        ])
        .code(0)
        .stdout_has("exported 2007 documents")
        .stdout_has("on 3 nodes");
    let cluster = Cluster {
        dir: dir.clone(),
        sql_port: port + 1,
    };
    for script in ["build.sh", "start.sh"] {
        let output = Command::new("timeout")
            .arg("120")
            .arg(dir.join(script))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The nodes take a moment to listen.
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port + 1)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let translate = |query: &str, extra: &[&str]| -> String {
        let mut args = vec!["translate", "--to", "sphinx"];
        args.extend_from_slice(extra);
        args.push(query);
        sandbox.run(&args).code(0).stdout.clone()
    };
    let cerca_count = |query: &str| -> u64 {
        let run = sandbox.run(&["search", "--index", index, "-c", query]);
        run.stdout.trim().parse().unwrap_or(0)
    };
    let check_counts = |when: &str| -> usize {
        let mut partial_answers = 0;
        for query in SAME_COUNTS {
            let expected = cerca_count(query);
            assert!(expected > 0, "{query} finds nothing in cerca");
            let (total, partial) = cluster.complete_total(&translate(query, &[]));
            assert_eq!(total, expected, "{query} ({when})");
            partial_answers += partial;
        }
        partial_answers
    };
    assert_eq!(
        check_counts("three nodes"),
        0,
        "partial answers with every node up"
    );

    // Ranking: how many of cerca's top 10 the cluster's top 10 hold, for the
    // first 60 squad-it questions (words side by side: any of them).
    let questions = std::fs::read_to_string(squad_docs().join("../queries-dev.tsv")).unwrap();
    let mut recalls = Vec::new();
    for line in questions.lines().take(60) {
        let question = line.split('\t').nth(1).unwrap();
        let run = sandbox.run(&[
            "search", "--index", index, "--json", "--any", "-F", "-n", "10", question,
        ]);
        let ours: HashSet<String> = run
            .json()
            .iter()
            .filter_map(|hit| hit["path"].as_str().map(str::to_owned))
            .collect();
        if ours.is_empty() {
            continue;
        }
        let theirs: HashSet<String> = cluster
            .query(&translate(question, &["--any", "-F", "-n", "10"]))
            .into_iter()
            .map(|row| row[1].clone())
            .collect();
        recalls.push(ours.intersection(&theirs).count() as f64 / ours.len() as f64);
    }
    let recall = recalls.iter().sum::<f64>() / recalls.len() as f64;
    eprintln!(
        "recall of cerca's top 10 in the cluster's top 10: {recall:.3} over {} questions",
        recalls.len()
    );
    assert!(recall >= 0.6, "recall {recall:.3}");

    // Node 1 holds shard 1 and mirrors shard 0: stop it hard. Sphinx learns
    // that it is gone from the queries that fail to reach it (they miss its
    // shard and say so with a warning); then the mirrors answer, and every
    // count is cerca's again.
    let pid = std::fs::read_to_string(dir.join("data/node-1/searchd.pid")).unwrap();
    let killed = Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    let partial = check_counts("node 1 killed");
    eprintln!("answers that missed the dead node's shards (with a warning) before its mirrors answered: {partial}");
}

#[test]
fn an_opensearch_cluster_loads_the_export_and_answers_like_cerca() {
    let Some(url) = std::env::var_os("OPENSEARCH_URL") else {
        eprintln!("skipped: OPENSEARCH_URL is not set (no OpenSearch can be installed here)");
        return;
    };
    let url = url.to_string_lossy().trim_end_matches('/').to_owned();
    let sandbox = Sandbox::new();
    let index = squad_index(&sandbox);
    let index = index.as_str();
    let name = format!("cerca-test-{}", std::process::id());
    let out = sandbox.path("os");
    sandbox
        .run(&[
            "export",
            "--index",
            index,
            "--to",
            "opensearch",
            "--name",
            &name,
            "--max-file-size",
            "1M",
            out.to_str().unwrap(),
        ])
        .code(0);
    let load = Command::new(out.join("load.sh"))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let count = |query: &str| -> u64 {
        let body = sandbox
            .run(&["translate", "--to", "opensearch", query])
            .code(0)
            .stdout
            .clone();
        let output = Command::new("curl")
            .args([
                "-fsS",
                "-H",
                "Content-Type: application/json",
                "--data-binary",
            ])
            .arg(body)
            .arg(format!("{url}/{name}/_search?track_total_hits=true"))
            .output()
            .unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        answer["hits"]["total"]["value"].as_u64().unwrap()
    };
    let mut differences = Vec::new();
    for query in SAME_COUNTS
        .iter()
        .chain(&["lukascenko~", "esercit*", "path:*/Crisi*/*.txt"])
    {
        let ours: u64 = sandbox
            .run(&["search", "--index", index, "-c", query])
            .stdout
            .trim()
            .parse()
            .unwrap_or(0);
        let theirs = count(query);
        if ours != theirs {
            differences.push(format!("{query}: cerca {ours}, OpenSearch {theirs}"));
        }
    }
    let _ = Command::new("curl")
        .args(["-fsS", "-X", "DELETE"])
        .arg(format!("{url}/{name}"))
        .output();
    assert!(differences.is_empty(), "{differences:#?}");
}
