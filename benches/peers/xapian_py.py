#!/usr/bin/python3
"""Xapian peer for benches/compare.sh, through Debian's python3-xapian (system python).

Searches an omindex database the way `quest -s italian` does: QueryParser with the
Italian Snowball stemmer, STEM_SOME, the default flags, BM25, in one process instead of
one `quest` per question. omindex stores `url=/relative%20path` in each document's data,
with `omindex --url /`.

    xapian_py.py relevance DB FOLDER QUERIES_TSV [--check N] [--stopwords FILE]
        -> JSON {questions, mrr10, ndcg10, r10, r100, ms_each, quest_checked, quest_agree}
    xapian_py.py latency DB QUERIES_FILE  -> JSON {p50_ms, p99_ms, runs}

quest has a built-in English stopword list (a, i, in, it, on, as, ...): it is used
here too, so that results are quest's. --stopwords FILE (one word a line) replaces it,
e.g. with the Snowball Italian list: Xapian as one would set it up for Italian.

Relevance: OR (quest's default operator), top 100, each question with punctuation
stripped (apostrophes inside a word are kept: Xapian indexes `dell'energia` as one word,
and so must read it in the query). The first CHECK_N questions (default 50) are also run
through the `quest` command, and its top 100 compared with ours (not with --stopwords).
Latency: AND (`quest -o and`), top 10, 20 rounds, as the whole_run bench.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse

import xapian

from evaluation import load_questions, measures, strip_punct

# quest.cc's stopword list (xapian-core 1.4).
QUEST_STOPWORDS = (
    "a about an and are as at be by en for from how i in is it of on or that the this "
    "to was what when where which who why will with"
).split()


def parser(db, op, stopwords=QUEST_STOPWORDS):
    qp = xapian.QueryParser()
    stopper = xapian.SimpleStopper()
    for word in stopwords:
        stopper.add(word)
    qp.set_stopper(stopper)
    qp._stopper = stopper  # keep it alive as long as the parser
    qp.set_stemmer(xapian.Stem("italian"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(op)
    return qp


def url_of(document):
    for line in document.get_data().decode("utf-8", "replace").splitlines():
        if line.startswith("url="):
            return urllib.parse.unquote(line[4:])
    return None


def search(db, qp, text, limit):
    query = qp.parse_query(text, xapian.QueryParser.FLAG_DEFAULT)
    enquire = xapian.Enquire(db)
    enquire.set_query(query)
    return enquire.get_mset(0, limit)


def quest_urls(db_path, text, limit):
    out = subprocess.run(
        ["quest", "-s", "italian", "-d", db_path, "-m", str(limit), "--", text],
        capture_output=True, text=True, check=False,
    ).stdout
    return [urllib.parse.unquote(l[4:]) for l in out.splitlines() if l.startswith("url=")]


def cmd_relevance(db_path, folder, tsv, check_n=50, stopwords_file=None):
    db = xapian.Database(db_path)
    if stopwords_file:
        with open(stopwords_file, encoding="utf-8") as f:
            qp = parser(db, xapian.Query.OP_OR, [w.strip() for w in f if w.strip()])
        check_n = 0
    else:
        qp = parser(db, xapian.Query.OP_OR)
    folder = os.path.realpath(folder)
    questions = [
        (strip_punct(text), "/" + os.path.relpath(relevant, folder))
        for text, relevant in load_questions(tsv)
    ]
    ranks = []
    ranked = []
    started = time.perf_counter()
    for text, relevant in questions:
        urls = [url_of(m.document) for m in search(db, qp, text, 100)]
        ranked.append(urls)
        ranks.append(urls.index(relevant) + 1 if relevant in urls else None)
    elapsed = time.perf_counter() - started
    check_n = min(check_n, len(questions))
    agree = sum(
        quest_urls(db_path, questions[i][0], 100) == ranked[i] for i in range(check_n)
    )
    print(json.dumps({**measures(ranks, elapsed), "quest_checked": check_n, "quest_agree": agree}))


def cmd_latency(db_path, queries_file):
    db = xapian.Database(db_path)
    qp = parser(db, xapian.Query.OP_AND)
    with open(queries_file, encoding="utf-8") as f:
        queries = [q.strip() for q in f if q.strip()]
    times = []
    for _round in range(20):
        for q in queries:
            started = time.perf_counter()  # parsing included, as in the whole_run bench
            for match in search(db, qp, q, 10):
                url_of(match.document)  # fetch the paths, as a caller would
            times.append(time.perf_counter() - started)
    times.sort()
    at = lambda q: times[round((len(times) - 1) * q)] * 1e3
    print(json.dumps({"p50_ms": at(0.5), "p99_ms": at(0.99), "runs": len(times)}))


def main(argv):
    if len(argv) == 3 and argv[0] == "latency":
        return cmd_latency(argv[1], argv[2])
    if not argv or argv[0] != "relevance":
        sys.exit(__doc__)
    args = argparse.ArgumentParser(usage=__doc__)
    args.add_argument("db")
    args.add_argument("folder")
    args.add_argument("tsv")
    args.add_argument("--check", type=int, default=50)
    args.add_argument("--stopwords")
    a = args.parse_args(argv[1:])
    cmd_relevance(a.db, a.folder, a.tsv, a.check, a.stopwords)


if __name__ == "__main__":
    main(sys.argv[1:])
