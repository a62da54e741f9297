//! `cerca index --semantic`, `cerca search` by meaning, `--lexical`, and
//! `cerca status`. With the real model when built with the `semantic`
//! feature; without it, the clear refusal.

mod common;

use common::Sandbox;

fn three_topics(sandbox: &Sandbox) {
    sandbox.write(
        "docs/salute.txt",
        "Stagione fredda\n\nMolti bambini restano a casa con febbre alta, tosse e brividi: i pediatri raccomandano riposo.\n",
    );
    sandbox.write(
        "docs/cucina.txt",
        "Carbonara\n\nGuanciale croccante, tuorli e pecorino: si manteca fuori dal fuoco.\n",
    );
    sandbox.write(
        "docs/sport.txt",
        "Derby\n\nAllo stadio Olimpico i giallorossi hanno battuto la Lazio due a uno.\n",
    );
    sandbox.copy_seed("docs/zapad.txt");
}

#[test]
fn status_says_semantic_search_is_off_by_default() {
    let sandbox = Sandbox::new();
    three_topics(&sandbox);
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    sandbox
        .run(&["status", "--index", "idx"])
        .code(0)
        .stdout_has("semantic search: off");
    let status = sandbox.run(&["status", "--index", "idx", "--json"]).json();
    assert!(status[0]["semantic"].is_null(), "{}", status[0]);
    // --lexical is accepted whatever the index.
    sandbox
        .run(&["search", "--index", "idx", "--lexical", "febbre"])
        .code(0)
        .stdout_has("salute.txt");
}

#[cfg(not(feature = "semantic"))]
#[test]
fn without_the_feature_semantic_indexing_is_refused_with_what_to_do() {
    let sandbox = Sandbox::new();
    three_topics(&sandbox);
    sandbox
        .run(&["index", "--index", "idx", "--semantic", "docs"])
        .code(2)
        .stderr_has("built without semantic search")
        .stderr_has("scripts/fetch-model.sh")
        .stderr_has("--features semantic");
}

#[cfg(feature = "semantic")]
mod with_the_model {
    use super::*;

    fn semantic_index() -> Sandbox {
        let sandbox = Sandbox::new();
        three_topics(&sandbox);
        sandbox
            .run(&["index", "--index", "idx", "--semantic", "docs"])
            .code(0)
            .stdout_has("vectors: 4 made");
        sandbox
    }

    #[test]
    fn a_question_without_the_documents_words_finds_its_answer() {
        let sandbox = semantic_index();
        let run = sandbox.run(&["search", "--index", "idx", "sintomi dell'influenza"]);
        run.code(0);
        let first = run.stdout.lines().next().unwrap_or_default().to_owned();
        assert!(first.ends_with("salute.txt"), "{}", run.stdout);
        let json = sandbox
            .run(&["search", "--index", "idx", "--json", "partita di pallone"])
            .json();
        assert!(
            json[0]["path"].as_str().unwrap().ends_with("sport.txt"),
            "{json:?}"
        );
        // By words only, nothing has them.
        sandbox
            .run(&[
                "search",
                "--index",
                "idx",
                "--lexical",
                "sintomi dell'influenza",
            ])
            .code(1);
        // A count or a list is of the words.
        let count = sandbox.run(&["search", "--index", "idx", "-c", "sintomi dell'influenza"]);
        assert_eq!(count.stdout.trim(), "0");
    }

    #[test]
    fn status_counts_the_vectors_and_the_next_sync_makes_only_new_ones() {
        let sandbox = semantic_index();
        sandbox
            .run(&["status", "--index", "idx"])
            .code(0)
            .stdout_has("semantic search: on (multilingual-e5-small")
            .stdout_has("4 of 4 documents have their vector");
        sandbox.write(
            "docs/nuovo.txt",
            "Ghiacciai\n\nLa Marmolada ha perso metà del volume.\n",
        );
        sandbox
            .run(&["index", "--index", "idx"])
            .code(0)
            .stdout_has("vectors: 1 made");
        let status = sandbox.run(&["status", "--index", "idx", "--json"]).json();
        assert_eq!(status[0]["semantic"]["with_vectors"], 5, "{}", status[0]);
        sandbox
            .run(&["index", "--index", "idx", "--no-semantic"])
            .code(0);
        sandbox
            .run(&["status", "--index", "idx"])
            .stdout_has("semantic search: off");
    }

    #[test]
    fn damaged_vectors_are_said_and_searched_around() {
        let sandbox = semantic_index();
        let vectors = sandbox.path("idx/cerca-vectors.bin");
        std::fs::write(&vectors, b"garbage").unwrap();
        sandbox
            .run(&["search", "--index", "idx", "febbre"])
            .code(0)
            .stdout_has("salute.txt")
            .stderr_has("is damaged")
            .stderr_has("searching by words only");
        sandbox
            .run(&["status", "--index", "idx"])
            .stdout_has("semantic search: on, but the vectors file");
        let status = sandbox.run(&["status", "--index", "idx", "--json"]).json();
        assert!(status[0]["semantic"]["error"].is_string(), "{}", status[0]);
        sandbox.run(&["check", "--index", "idx"]).code(2);
        // The next sync makes them again.
        sandbox
            .run(&["index", "--index", "idx"])
            .code(0)
            .stdout_has("vectors: 4 made");
        sandbox.run(&["check", "--index", "idx"]).code(0);
    }

    #[test]
    fn a_model_that_cannot_load_leaves_no_new_index_behind() {
        let sandbox = Sandbox::new();
        three_topics(&sandbox);
        let empty = sandbox.path("nomodel");
        std::fs::create_dir_all(&empty).unwrap();
        let empty = empty.to_string_lossy().into_owned();
        sandbox
            .run_env(
                &["index", "--index", "idx", "--semantic", "docs"],
                &[("CERCA_MODEL_DIR", &empty)],
            )
            .code(2)
            .stderr_has("scripts/fetch-model.sh");
        assert!(!sandbox.path("idx").exists());
    }

    #[test]
    fn without_its_model_a_semantic_index_is_searched_by_words() {
        let sandbox = semantic_index();
        let empty = sandbox.path("nomodel");
        std::fs::create_dir_all(&empty).unwrap();
        let empty = empty.to_string_lossy().into_owned();
        sandbox
            .run_env(
                &["search", "--index", "idx", "febbre"],
                &[("CERCA_MODEL_DIR", &empty)],
            )
            .code(0)
            .stdout_has("salute.txt")
            .stderr_has("searching by words only")
            .stderr_has("scripts/fetch-model.sh");
    }
}
