#!/usr/bin/env python3
"""tantivy-py peer for benches/compare.sh: the raw-library reference.

The same engine cerca embeds (tantivy), driven from Python with a plain analyzer:
simple tokenizer (splits on non-alphanumerics, so `dell'energia` -> `dell`, `energia`),
long-token removal, lowercase, tantivy's Italian stopwords, Snowball Italian stemmer.
One indexed and stored text field `body`, a stored raw `path`. No title, no folding
of accents, no elision or gender handling: that is what cerca adds on top.

    tantivy_py.py index FOLDER INDEX_DIR            -> JSON {docs, bytes, seconds}
    tantivy_py.py relevance INDEX_DIR QUERIES_TSV   -> JSON {questions, mrr10, ndcg10, r10, r100, ms_each}
    tantivy_py.py latency INDEX_DIR QUERIES_FILE    -> JSON {p50_ms, p99_ms, runs}

Relevance: each question with punctuation stripped, analyzed, its distinct terms
OR-ed (BM25), top 100. Latency: every query of QUERIES_FILE (one a line) AND-ed,
top 10, 20 rounds, no snippets (as the whole_run bench without snippets).
"""

import json
import os
import sys
import time

import tantivy

from evaluation import load_questions, measures, strip_punct
from tantivy import Filter, Occur, Query, TextAnalyzerBuilder, Tokenizer

ANALYZER = "it_stem"
# cerca's writer: one thread per core up to 4, 128 MiB each.
THREADS = max(1, min(os.cpu_count() or 1, 4))


def analyzer():
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.stopword("italian"))
        .filter(Filter.stemmer("italian"))
        .build()
    )


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=True, tokenizer_name=ANALYZER)
    return builder.build()


def open_index(path, create=False):
    index = tantivy.Index(schema(), path=path, reuse=not create)
    index.register_tokenizer(ANALYZER, analyzer())
    return index


def txt_files(folder):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".txt") and not name.startswith("."):
                yield os.path.join(root, name)


def cmd_index(folder, index_dir):
    started = time.perf_counter()
    os.makedirs(index_dir, exist_ok=True)
    index = open_index(index_dir, create=True)
    writer = index.writer(heap_size=THREADS * (128 << 20), num_threads=THREADS)
    docs = 0
    nbytes = 0
    for path in txt_files(folder):
        with open(path, "rb") as f:
            raw = f.read()
        nbytes += len(raw)
        text = raw.decode("utf-8", errors="replace")
        writer.add_document(
            tantivy.Document(path=os.path.realpath(path), body=text)
        )
        docs += 1
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    print(json.dumps({"docs": docs, "bytes": nbytes, "seconds": seconds}))


# As in xapian_py.py: anything but letters, digits, spaces and apostrophes; then
# apostrophes not inside a word (the simple tokenizer splits at the others anyway).
def terms_of(an, text):
    seen = []
    for token in an.analyze(strip_punct(text)):
        if token not in seen:
            seen.append(token)
    return seen


def build_query(index, terms, occur):
    sch = index.schema
    return Query.boolean_query(
        [(occur, Query.term_query(sch, "body", t)) for t in terms]
    )


def cmd_relevance(index_dir, tsv):
    index = open_index(index_dir)
    index.reload()
    searcher = index.searcher()
    an = analyzer()
    questions = load_questions(tsv)
    ranks = []
    started = time.perf_counter()
    for text, relevant in questions:
        terms = terms_of(an, text)
        hits = []
        if terms:
            hits = searcher.search(build_query(index, terms, Occur.Should), limit=100, count=False).hits
        paths = [searcher.doc(address)["path"][0] for _score, address in hits]
        ranks.append(paths.index(relevant) + 1 if relevant in paths else None)
    print(json.dumps(measures(ranks, time.perf_counter() - started)))


def cmd_latency(index_dir, queries_file):
    index = open_index(index_dir)
    index.reload()
    searcher = index.searcher()
    an = analyzer()
    with open(queries_file, encoding="utf-8") as f:
        queries = [q.strip() for q in f if q.strip()]
    times = []
    for _round in range(20):
        for q in queries:
            started = time.perf_counter()  # analysis and query building included
            terms = terms_of(an, q)
            if terms:
                query = build_query(index, terms, Occur.Must)
                hits = searcher.search(query, limit=10, count=False).hits
                for _score, address in hits:  # fetch the paths, as a caller would
                    searcher.doc(address)["path"]
            times.append(time.perf_counter() - started)
    times.sort()
    at = lambda q: times[round((len(times) - 1) * q)] * 1e3
    print(json.dumps({"p50_ms": at(0.5), "p99_ms": at(0.99), "runs": len(times)}))


def main(argv):
    commands = {"index": cmd_index, "relevance": cmd_relevance, "latency": cmd_latency}
    if len(argv) != 3 or argv[0] not in commands:
        sys.exit(__doc__)
    commands[argv[0]](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
