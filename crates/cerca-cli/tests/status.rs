//! `cerca status` and `cerca status --json`: per folder its documents,
//! options, last sync, and the files the last `cerca index` could not read or
//! passed over, grouped by reason and capped.

mod common;

use common::{json_path, Sandbox};
use serde_json::Value;

/// `notizie/` (two documents, a broken DOCX, 30 images) and `cucina/` (one
/// document, with `--exclude 'bozze/**'`).
fn two_folders() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.copy_seed("notizie/zapad.txt");
    sandbox.write("notizie/energia.txt", "Il prezzo dell'energia sale.\n");
    sandbox.write("notizie/rotto.docx", "not a zip archive");
    for i in 0..30 {
        sandbox.write(
            &format!("notizie/foto/{i:02}.jpg"),
            [0xff, 0xd8, 0xff, 0xe0],
        );
    }
    sandbox.write("cucina/ricetta.md", "# Pasta\n\nPasta al pomodoro.\n");
    sandbox.write("cucina/bozze/prova.md", "# Bozza\n");
    sandbox.run(&["index", "--index", "idx", "notizie"]).code(1);
    sandbox
        .run(&["index", "--index", "idx", "--exclude", "bozze/**", "cucina"])
        .code(0);
    sandbox
}

fn folder<'a>(status: &'a Value, path: &str) -> &'a Value {
    status["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no folder {path} in {status}"))
}

#[test]
fn status_json_tells_each_folder_its_documents_options_and_problems() {
    let sandbox = two_folders();
    let run = sandbox.run(&["status", "--index", "idx", "--json"]);
    run.code(0);
    let objects = run.json();
    assert_eq!(objects.len(), 1, "one object: {}", run.stdout);
    let status = &objects[0];
    assert_eq!(status["documents"], 3);
    assert!(status["size"].as_u64().unwrap() > 0);
    assert!(status["last_sync"].as_str().unwrap().ends_with('Z'));

    let notizie = folder(status, &json_path(&sandbox.path("notizie")));
    assert_eq!(notizie["documents"], 2);
    assert_eq!(notizie["options"]["exclude"], serde_json::json!([]));
    assert!(notizie["last_sync"].is_string());
    let failed = &notizie["failed"];
    assert_eq!(failed["count"], 1, "{failed}");
    assert_eq!(
        failed["by_reason"][0]["files"],
        serde_json::json!([json_path(&sandbox.path("notizie/rotto.docx"))])
    );
    let reason = failed["by_reason"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("docx") && !reason.contains("rotto.docx"),
        "the reason without the path: {reason}"
    );
    // 30 images: counted, ten named.
    let skipped = &notizie["skipped"]["by_reason"][0];
    assert_eq!(skipped["reason"], "unsupported kind .jpg");
    assert_eq!(skipped["count"], 30);
    assert_eq!(skipped["files"].as_array().unwrap().len(), 10);

    let cucina = folder(status, &json_path(&sandbox.path("cucina")));
    assert_eq!(cucina["documents"], 1);
    assert_eq!(
        cucina["options"]["exclude"],
        serde_json::json!(["bozze/**"])
    );
    assert_eq!(cucina["failed"]["count"], 0);
    assert_eq!(cucina["skipped"]["by_reason"][0]["reason"], "excluded");
}

#[test]
fn status_text_groups_and_caps_what_was_skipped() {
    let sandbox = two_folders();
    let run = sandbox.run(&["status", "--index", "idx"]);
    run.code(0);
    let out = &run.stdout;
    assert!(out.contains("    documents: 2\n"), "{out}");
    assert!(out.contains("    documents: 1\n"), "{out}");
    assert!(out.contains("    options: --exclude 'bozze/**'\n"), "{out}");
    assert!(out.contains("    failed: 1\n"), "{out}");
    assert!(out.contains(": rotto.docx\n"), "{out}");
    assert!(
        out.contains(
            "      30 unsupported kind .jpg: foto/00.jpg, foto/01.jpg, foto/02.jpg, and 27 more\n"
        ),
        "{out}"
    );
    assert!(
        out.lines().all(|line| line.len() < 300),
        "no line is a wall of names:\n{out}"
    );
}

/// A later sync of one folder keeps what the last one said of the others,
/// and a fixed file is no longer listed.
#[test]
fn each_sync_replaces_what_it_saw_of_its_folders() {
    let sandbox = two_folders();
    std::fs::remove_file(sandbox.path("notizie/rotto.docx")).unwrap();
    sandbox.run(&["index", "--index", "idx", "notizie"]).code(0);
    let run = sandbox.run(&["status", "--index", "idx", "--json"]);
    let status = &run.json()[0];
    let notizie = folder(status, &json_path(&sandbox.path("notizie")));
    assert_eq!(notizie["failed"]["count"], 0, "{notizie}");
    let cucina = folder(status, &json_path(&sandbox.path("cucina")));
    assert_eq!(cucina["skipped"]["by_reason"][0]["reason"], "excluded");
}

/// A binary file is only found by reading it, and is not read again until it
/// changes: a later sync still reports it, until it is text.
#[test]
fn binary_files_stay_reported_until_they_change() {
    let sandbox = two_folders();
    sandbox.write("cucina/dati.txt", b"binario\0\x01\x02");
    let binary = |sandbox: &Sandbox| -> Option<Value> {
        let run = sandbox.run(&["status", "--index", "idx", "--json"]);
        let status = &run.json()[0];
        let cucina = folder(status, &json_path(&sandbox.path("cucina")));
        cucina["skipped"]["by_reason"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reason"] == "binary content")
            .cloned()
    };
    sandbox.run(&["index", "--index", "idx", "cucina"]).code(0);
    let first = binary(&sandbox).expect("the binary file is reported");
    assert_eq!(
        first["files"],
        serde_json::json!([json_path(&sandbox.path("cucina/dati.txt"))])
    );
    // Nothing changed: not read again, still reported (also by a sync of every folder).
    sandbox.run(&["index", "--index", "idx", "cucina"]).code(0);
    sandbox.run(&["index", "--index", "idx"]).code(1);
    assert_eq!(binary(&sandbox), Some(first));
    // Now text: indexed, no longer reported.
    sandbox.write("cucina/dati.txt", "Dati in chiaro.\n");
    sandbox.run(&["index", "--index", "idx", "cucina"]).code(0);
    assert_eq!(binary(&sandbox), None);
}
