//! `cerca search --batch FILE` and `--batch -`: one query per line, JSON Lines
//! with a `query` field; a bad line gives an `error` object and the batch goes on.

mod common;

use common::{write_corpus, Sandbox};
use serde_json::Value;

const QUERIES: &str = "casa\n\"unclosed\nlukashenko\nippopotamo\ncasa bianca\r\ntitle:pasta\n";

fn corpus() -> Sandbox {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(0);
    sandbox
}

/// The objects of one query line.
fn of_query(objects: &[Value], line: u64) -> Vec<&Value> {
    objects.iter().filter(|o| o["query"] == line).collect()
}

#[track_caller]
fn check_batch_output(sandbox: &Sandbox, objects: &[Value]) {
    let zapad = sandbox
        .path("corpus/notizie/zapad.txt")
        .to_string_lossy()
        .into_owned();
    for object in objects {
        assert!(
            object["query"].is_u64(),
            "every object has a 0-based `query`: {object}"
        );
    }
    let lines: Vec<u64> = objects
        .iter()
        .map(|o| o["query"].as_u64().unwrap())
        .collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "in line order: {lines:?}"
    );

    // Line 0: `casa` is in all four documents.
    let casa = of_query(objects, 0);
    assert_eq!(casa.len(), 4);
    assert_eq!(
        casa.iter()
            .map(|o| o["rank"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(casa
        .iter()
        .all(|o| o.get("error").is_none() && o["score"].is_f64() && o["snippet"].is_string()));

    // Line 1: the unclosed quote is an error object and nothing else.
    let bad = of_query(objects, 1);
    assert_eq!(bad.len(), 1, "{bad:?}");
    let keys: Vec<&str> = bad[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["at", "error", "query"], "{}", bad[0]);
    assert!(
        bad[0]["error"].as_str().unwrap().contains("unclosed quote"),
        "{}",
        bad[0]
    );

    // Line 2: the batch went on after the error.
    let lukashenko = of_query(objects, 2);
    assert_eq!(lukashenko.len(), 1);
    assert_eq!(lukashenko[0]["path"], zapad.as_str());
    assert_eq!(lukashenko[0]["rank"], 1);

    // Line 3: no match, one object that says so.
    let none = of_query(objects, 3);
    assert_eq!(none.len(), 1, "{none:?}");
    assert_eq!(*none[0], serde_json::json!({"query": 3, "total": 0}));

    // Line 4 (with a CRLF ending): two documents.
    assert_eq!(of_query(objects, 4).len(), 2);

    // Line 5.
    let pasta = of_query(objects, 5);
    assert_eq!(pasta.len(), 1);
    assert!(pasta[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("corpus/cucina/ricetta.md"));
    assert_eq!(objects.len(), 4 + 1 + 1 + 1 + 2 + 1);
}

#[test]
fn batch_from_a_file() {
    let sandbox = corpus();
    sandbox.write("domande.txt", QUERIES);
    let run = sandbox.run(&["search", "--index", "idx", "--batch", "domande.txt"]);
    run.code(0);
    check_batch_output(&sandbox, &run.json());
}

#[test]
fn batch_from_standard_input() {
    let sandbox = corpus();
    let run = sandbox.run_stdin(&["search", "--index", "idx", "--batch", "-"], QUERIES);
    run.code(0);
    check_batch_output(&sandbox, &run.json());
}

#[test]
fn batch_over_ad_hoc_paths_with_options() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    let run = sandbox.run_stdin(
        &[
            "search",
            "--batch",
            "-",
            "-n",
            "1",
            "--sort",
            "path",
            "corpus/cucina",
        ],
        "casa\nlukashenko\npasta OR torta\n",
    );
    run.code(0);
    let objects = run.json();
    assert_eq!(objects.len(), 3, "{}", run.stdout);
    assert_eq!(objects[0]["query"], 0);
    assert!(
        objects[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("corpus/cucina/dolci/torta.txt"),
        "sorted by path, limit 1"
    );
    assert!(objects[0]["score"].is_null());
    // lukashenko is not under corpus/cucina: its line says so.
    assert_eq!(objects[1], serde_json::json!({"query": 1, "total": 0}));
    assert_eq!(objects[2]["query"], 2);
    assert_eq!(objects[2]["rank"], 1);
}

#[test]
fn batch_with_any_and_offset() {
    let sandbox = corpus();
    let run = sandbox.run_stdin(
        &[
            "search", "--index", "idx", "--batch", "-", "--any", "--offset", "1",
        ],
        "pasta lukashenko\n",
    );
    run.code(0);
    let objects = run.json();
    assert_eq!(objects.len(), 1, "{}", run.stdout);
    assert_eq!(objects[0]["rank"], 2);
}

#[test]
fn a_batch_that_matches_nothing_exits_1() {
    let sandbox = corpus();
    let run = sandbox.run_stdin(
        &["search", "--index", "idx", "--batch", "-"],
        "ippopotamo\n\"unclosed\n",
    );
    run.code(1);
    let objects = run.json();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0], serde_json::json!({"query": 0, "total": 0}));
    assert_eq!(objects[1]["query"], 1);
    assert!(objects[1]["error"].is_string());

    let empty = sandbox.run_stdin(&["search", "--index", "idx", "--batch", "-"], "");
    empty.code(1);
    assert_eq!(empty.stdout, "");
}

#[test]
fn a_batch_of_bad_lines_only_exits_2() {
    // Nothing was searched: as for one bad query, not "no match" (exit 1).
    let sandbox = corpus();
    let run = sandbox.run_stdin(
        &["search", "--index", "idx", "--batch", "-"],
        "\"unclosed\n\ncasa AND\n",
    );
    run.code(2);
    let objects = run.json();
    assert_eq!(objects.len(), 2);
    assert!(
        objects.iter().all(|o| o["error"].is_string()),
        "{objects:?}"
    );
}

#[test]
fn a_missing_batch_file_is_an_error() {
    let sandbox = corpus();
    let run = sandbox.run(&["search", "--index", "idx", "--batch", "nessuno.txt"]);
    run.code(2).stderr_has("nessuno.txt");
    assert_eq!(run.stdout, "");
    // With --batch every argument is a PATH: a query there is a missing folder.
    sandbox
        .run_stdin(&["search", "--batch", "-", "casa"], "casa\n")
        .code(2)
        .stderr_has("cannot search casa");
}

/// A line that is not UTF-8, one too long, a blank line and a query without
/// hits: each answers on its own line (a blank one is skipped), and the batch goes on.
#[test]
fn every_batch_line_answers_and_the_batch_goes_on() {
    let sandbox = corpus();
    let mut input = b"casa\n\xff\xfe rotto\n".to_vec();
    input.extend(std::iter::repeat_n(b'a', 1 << 20));
    input.extend_from_slice(b"\n\n   \nippopotamo\nlukashenko");
    sandbox.write("domande.txt", &input);
    let run = sandbox.run(&["search", "--index", "idx", "--batch", "domande.txt"]);
    run.code(0);
    let objects = run.json();
    let lines: Vec<u64> = objects
        .iter()
        .map(|o| o["query"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [0, 0, 0, 0, 1, 2, 5, 6], "{}", run.stdout);
    assert!(
        objects[4]["error"].as_str().unwrap().contains("not UTF-8"),
        "{}",
        objects[4]
    );
    assert!(
        objects[5]["error"]
            .as_str()
            .unwrap()
            .contains("longer than 4096 bytes"),
        "{}",
        objects[5]
    );
    assert_eq!(objects[6], serde_json::json!({"query": 5, "total": 0}));
    assert_eq!(objects[7]["rank"], 1);
}

/// Past the last hit, a query still answers with its total.
#[test]
fn a_batch_query_paged_past_its_hits_gives_its_total() {
    let sandbox = corpus();
    let run = sandbox.run_stdin(
        &["search", "--index", "idx", "--batch", "-", "--offset", "10"],
        "casa\n",
    );
    run.code(0);
    assert_eq!(run.json(), [serde_json::json!({"query": 0, "total": 4})]);
}

/// -c, -l and -0 would be silently ignored: they are refused.
#[test]
fn count_and_paths_are_refused_with_batch() {
    let sandbox = corpus();
    for flag in ["-c", "-l", "--explain"] {
        let run = sandbox.run_stdin(
            &["search", "--index", "idx", "--batch", "-", flag],
            "casa\n",
        );
        run.code(2).stderr_has("cannot be used with");
        assert_eq!(run.stdout, "", "{flag}");
    }
}

/// `--batch /dev/zero`: one endless line, read in bounded memory.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_batch_line_takes_bounded_memory() {
    let sandbox = corpus();
    let mut child = sandbox
        .std_command()
        .args(["search", "--index", "idx", "--batch", "/dev/zero"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run cerca");
    std::thread::sleep(std::time::Duration::from_secs(3));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    child.kill().expect("kill cerca");
    child.wait().expect("wait for cerca");
    let rss_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS of cerca");
    assert!(
        rss_kib < 200 << 10,
        "cerca grew to {} MiB on /dev/zero",
        rss_kib >> 10
    );
}
