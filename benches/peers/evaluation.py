"""What both peer scripts share: reading the questions, cleaning their text,
and the rank-based measures (the same as benches/support/relevance.rs)."""

import math
import os
import re

# Anything but letters, digits, spaces and apostrophes; then apostrophes not inside a word.
PUNCT = re.compile(r"[^\w\s'\u2019]+")
LOOSE_APOSTROPHE = re.compile(r"(?<!\w)['\u2019]|['\u2019](?!\w)")


def strip_punct(text):
    return LOOSE_APOSTROPHE.sub(" ", PUNCT.sub(" ", text))


def load_questions(tsv):
    """(question, absolute real path of its relevant document) for each line of
    `id<TAB>question<TAB>path`, the path relative to the TSV's folder."""
    base = os.path.dirname(os.path.abspath(tsv))
    questions = []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 3:
                questions.append((fields[1], os.path.realpath(os.path.join(base, fields[2]))))
    return questions


def measures(ranks, elapsed):
    """MRR@10, nDCG@10, Recall@10/100 and ms per question; `ranks` holds the
    1-based rank of each question's document, or None when not in the top 100."""
    n = max(len(ranks), 1)
    found = [rank for rank in ranks if rank is not None]
    top10 = [rank for rank in found if rank <= 10]
    return {
        "questions": len(ranks),
        "mrr10": sum(1 / rank for rank in top10) / n,
        "ndcg10": sum(1 / math.log2(rank + 1) for rank in top10) / n,
        "r10": len(top10) / n,
        "r100": len(found) / n,
        "ms_each": elapsed * 1e3 / n,
    }
