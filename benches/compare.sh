#!/usr/bin/env bash
# Side-by-side comparison of cerca with its peers on one folder, in one run:
#   Xapian      omindex -s italian (index), quest -s italian (search), python3-xapian (in-process)
#   ripgrep     rg -i -l PATTERN FOLDER (no index)
#   tantivy-py  tantivy's Python bindings with a plain Snowball Italian analyzer (raw library)
#   cerca       cerca index / cerca search as processes, and the whole_run / relevance benches
#
# Usage: benches/compare.sh [FOLDER] [QUERIES_TSV]
#   FOLDER       default ../shared/data/squad-it/docs (beside the repository)
#   QUERIES_TSV  default ../shared/data/squad-it/queries-dev.tsv; relevance (MRR@10, nDCG@10,
#                Recall@10/100) is measured only when its relevant documents lie in FOLDER.
# Bulk corpus: ../shared/data/unpack-bulk.sh /tmp/bulk && benches/compare.sh /tmp/bulk
#
# Environment: RUNS (default 3: every measurement is repeated, medians are printed, and
# ratios are taken within a run, then their median), QUERIES (process-latency queries,
# separated by '|'), NO_INSTALL=1 (do not apt-get/pip install missing peers), KEEP=1 (keep
# the temporary directory with indexes and logs).
#
# Missing peers are installed quietly (Debian: xapian-omega xapian-tools python3-xapian
# ripgrep hyperfine time; PyPI: tantivy); a peer that cannot be installed is left out.
# Ratios are "peer / cerca" for every number: above 1 the peer takes longer, is bigger, uses
# more memory, or (for MB/s and relevance) is faster / better.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
folder=${1:-$root/../shared/data/squad-it/docs}
tsv=${2:-$root/../shared/data/squad-it/queries-dev.tsv}
RUNS=${RUNS:-3}
IFS='|' read -r -a queries <<<"${QUERIES:-energia|guerra mondiale|esercitazione militare|ministro della difesa}"
PY=${PYTHON:-python3}      # for tantivy-py (pip) and the report
SYSPY=/usr/bin/python3     # Debian's python3-xapian lives there

[[ -d $folder ]] || { echo "no such folder: $folder" >&2; exit 2; }
folder=$(realpath "$folder")

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- install peers
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

install_peers() {
  local missing=() pair
  for pair in omindex:xapian-omega quest:xapian-tools xapian-compact:xapian-tools rg:ripgrep \
              hyperfine:hyperfine /usr/bin/time:time; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  "$SYSPY" -c 'import xapian' 2>/dev/null || missing+=(python3-xapian)
  if ((${#missing[@]})) && [[ -z ${NO_INSTALL:-} ]]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    say "apt-get install ${missing[*]}"
    as_root apt-get update -qq >/dev/null 2>&1 || warn "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
      warn "apt-get install ${missing[*]} failed; those peers are left out"
  fi
  if ! "$PY" -c 'import tantivy' 2>/dev/null && [[ -z ${NO_INSTALL:-} ]]; then
    say "pip install tantivy"
    "$PY" -m pip install -q --disable-pip-version-check tantivy >/dev/null 2>&1 ||
      "$PY" -m pip install -q --disable-pip-version-check --break-system-packages tantivy >/dev/null 2>&1 ||
      warn "pip install tantivy failed; tantivy-py is left out"
  fi
}
install_peers

have_xapian=0; have_xapian_py=0; have_rg=0; have_tantivy=0; have_hyperfine=0
command -v omindex >/dev/null && command -v quest >/dev/null && have_xapian=1
((have_xapian)) && "$SYSPY" -c 'import xapian' 2>/dev/null && have_xapian_py=1
command -v rg >/dev/null && have_rg=1
command -v hyperfine >/dev/null && have_hyperfine=1
"$PY" -c 'import tantivy' 2>/dev/null && have_tantivy=1
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is needed (Debian package time)" >&2; exit 2; }

# ---------------------------------------------------------------- build cerca
say "building cerca and the benches (release)"
# The cerca users install: the static build on Linux x86-64 (README, Quick start).
if [[ $(uname -sm) == "Linux x86_64" ]]; then
  build=(cargo build-static -q)
  cerca=$root/target/x86_64-unknown-linux-gnu/release/cerca
else
  build=(cargo build --release -q -p cerca-cli)
  cerca=$root/target/release/cerca
fi
(cd "$root" && "${build[@]}" &&
  cargo bench -q -p cerca-core --bench whole_run --bench relevance --no-run >/dev/null 2>&1) ||
  { echo "cargo build failed" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/cerca-compare.XXXXXX")
cleanup() { if [[ -n ${KEEP:-} ]]; then say "kept $T"; else rm -rf "$T"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$T/results.tsv; : >"$results"
log=$T/log; : >"$log"
export XDG_CACHE_HOME=$T/cache   # cerca's ad-hoc folder cache, not the user's

# rec SECTION ENGINE METRIC VALUE  (in the current round)
round=0
rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$round" "$4" >>"$results"; }

# timed CMD... : runs it, sets SECS (wall, ns clock) and RSS_MB (peak, /usr/bin/time -v).
timed() {
  local t0 t1 status=0
  echo "\$ $*" >>"$log"
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$T/time.txt" "$@" >>"$log" 2>&1 || status=$?
  t1=$(date +%s%N)
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$T/time.txt")
  if ((status)); then warn "exit $status: $* (log: $log)"; tail -5 "$log" >&2; fi
  return $status
}
files_size() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }'; }
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }   # quote for hyperfine -N (shell-words)
median_of() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---------------------------------------------------------------- the input
txt_files=$(find "$folder" -type f -name '*.txt' | wc -l)
all_files=$(find "$folder" -type f | wc -l)
input_bytes=$(find "$folder" -type f -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
((input_bytes > 0)) || { echo "no .txt files in $folder" >&2; exit 2; }

relevance=0
if [[ -f $tsv ]]; then
  tsv=$(realpath "$tsv")
  first_relevant=$(head -1 "$tsv" | cut -f3)
  first_relevant=$(realpath -m "$(dirname "$tsv")/$first_relevant")
  [[ $first_relevant == "$folder"/* && -f $first_relevant ]] && relevance=1
fi

{
  echo "cerca compare: $folder"
  echo "input: $txt_files .txt files, $(awk -v b="$input_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of .txt ($all_files files in all); $RUNS runs"
  rev=$(git -C "$root" describe --always --dirty 2>/dev/null || true)
  echo "versions: $("$cerca" --version)${rev:+ ($rev)} | $(omindex --version 2>/dev/null || echo 'omindex missing')" \
    "| $(quest --version 2>/dev/null || echo 'quest missing') | $(rg --version 2>/dev/null | head -1 || echo 'rg missing')" \
    "| tantivy-py $("$PY" -c 'import importlib.metadata as m; print(m.version("tantivy"))' 2>/dev/null || echo missing)" \
    "| python3-xapian $("$SYSPY" -c 'import xapian; print(xapian.version_string())' 2>/dev/null || echo missing)" \
    "| $(hyperfine --version 2>/dev/null || echo 'hyperfine missing')"
} >"$T/header"
cat "$T/header" >&2

# In-process latency queries: the whole_run bench's own list.
sed -n '/^const QUERIES/,/^];/p' "$here/whole_run.rs" | grep -o '"[^"]*"' | tr -d '"' >"$T/inprocess-queries.txt"
# The Snowball Italian stopwords, as cerca has them, for a Xapian set up for Italian.
sed -n '/SNOWBALL_ITALIAN: &\[&str\] = &\[/,/^\];/p' "$root/crates/cerca-core/src/analysis/stopwords.rs" 2>/dev/null |
  grep -o '"[^"]*"' | tr -d '"' >"$T/it-stopwords.txt" || true

# ---------------------------------------------------------------- indexing
index_cerca() {
  rm -rf "$T/cerca-idx"
  timed "$cerca" index --index "$T/cerca-idx" "$folder" || return 0
  rec index cerca full_s "$SECS"; rec index cerca rss_mb "$RSS_MB"
  timed "$cerca" index --index "$T/cerca-idx" || return 0
  rec index cerca resync_s "$SECS"
  rec index cerca size_b "$(files_size "$T/cerca-idx")"
}
index_xapian() {
  rm -rf "$T/xapian"; mkdir -p "$T/xapian"
  timed omindex -s italian --db "$T/xapian/db" --url / -Mtxt:text/plain "$folder" || return 0
  rec index xapian full_s "$SECS"; rec index xapian rss_mb "$RSS_MB"
  timed omindex -s italian --db "$T/xapian/db" --url / -Mtxt:text/plain "$folder" || return 0
  rec index xapian resync_s "$SECS"
  rec index xapian size_b "$(files_size "$T/xapian/db")"
}
index_tantivy() {
  rm -rf "$T/tantivy"
  timed "$PY" "$here/peers/tantivy_py.py" index "$folder" "$T/tantivy" || return 0
  rec index tantivy full_s "$SECS"; rec index tantivy rss_mb "$RSS_MB"
  rec index tantivy size_b "$(files_size "$T/tantivy")"
}
engines=(cerca)
((have_xapian)) && engines+=(xapian)
((have_tantivy)) && engines+=(tantivy)
for ((round = 1; round <= RUNS; round++)); do
  # Rotate the order, so that no engine always runs first (cold cache) or last.
  n=${#engines[@]}
  for ((i = 0; i < n; i++)); do
    engine=${engines[(i + round - 1) % n]}
    say "round $round/$RUNS: index with $engine"
    "index_$engine"
  done
  say "round $round/$RUNS: whole_run bench (cerca in-process)"
  (cd "$root" && cargo bench -q -p cerca-core --bench whole_run -- "$folder" 2>>"$log") >"$T/whole_run.out" || warn "whole_run failed"
  cat "$T/whole_run.out" >>"$log"
  v=$(sed -n 's/^full index: .* in \([0-9.]*\) s = .*/\1/p' "$T/whole_run.out"); [[ -n $v ]] && rec inproc cerca full_s "$v"
  v=$(sed -n 's/^re-sync, no change: \([0-9.]*\) s.*/\1/p' "$T/whole_run.out"); [[ -n $v ]] && rec inproc cerca resync_s "$v"
  v=$(sed -n 's/^search top 10 with snippets: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' "$T/whole_run.out")
  [[ -n $v ]] && { rec inproc cerca_snippets p50_ms "${v% *}"; rec inproc cerca_snippets p99_ms "${v#* }"; }
  v=$(sed -n 's/^search top 10 without snippets: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' "$T/whole_run.out")
  [[ -n $v ]] && { rec inproc cerca p50_ms "${v% *}"; rec inproc cerca p99_ms "${v#* }"; }
  if ((have_xapian_py)) && [[ -d $T/xapian/db ]]; then
    "$SYSPY" "$here/peers/xapian_py.py" latency "$T/xapian/db" "$T/inprocess-queries.txt" >"$T/lat.json" 2>>"$log" &&
      rec inproc xapian p50_ms "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["p50_ms"])' <"$T/lat.json")" &&
      rec inproc xapian p99_ms "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["p99_ms"])' <"$T/lat.json")" ||
      warn "xapian in-process latency failed"
  fi
  if ((have_tantivy)) && [[ -d $T/tantivy ]]; then
    "$PY" "$here/peers/tantivy_py.py" latency "$T/tantivy" "$T/inprocess-queries.txt" >"$T/lat.json" 2>>"$log" &&
      rec inproc tantivy p50_ms "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["p50_ms"])' <"$T/lat.json")" &&
      rec inproc tantivy p99_ms "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["p99_ms"])' <"$T/lat.json")" ||
      warn "tantivy in-process latency failed"
  fi
done
if ((have_xapian)) && command -v xapian-compact >/dev/null && [[ -d $T/xapian/db ]]; then
  xapian-compact "$T/xapian/db" "$T/xapian/compact" >>"$log" 2>&1 &&
    { round=0; rec index xapian compact_b "$(files_size "$T/xapian/compact")"; } ||
    warn "xapian-compact failed"
fi

# ---------------------------------------------------------------- search as a process
# Every engine answers top 10 with every word required (cerca's default; quest -o and);
# rg lists every file holding the words as one literal phrase, case-insensitively.
"$cerca" search -c "${queries[0]}" "$folder" >/dev/null 2>&1 || true   # builds the ad-hoc cache
# How many documents each query matches, once: a count from stderr-free cerca means every
# word matched; otherwise cerca fell back to OR (marked *).
round=0
for qi in "${!queries[@]}"; do
  query=${queries[qi]}
  n=$("$cerca" search --index "$T/cerca-idx" -c "$query" 2>"$T/err" || true)
  [[ -s $T/err ]] && n="$n*"
  rec matches cerca "$qi" "${n:-?}"
  if ((have_xapian)); then
    n=$(quest -s italian -d "$T/xapian/db" -o and -m 0 -c "$((all_files + 1))" "$query" 2>/dev/null |
      sed -n 's/^Exactly \([0-9]*\) matches.*/\1/p' || true)
    rec matches quest "$qi" "${n:-?}"
  fi
  if ((have_rg)); then rec matches rg "$qi" "$({ rg -i -l "$query" "$folder" || true; } | wc -l)"; fi
done
for ((round = 1; round <= RUNS; round++)); do
  for qi in "${!queries[@]}"; do
    query=${queries[qi]}
    cmds=("$(q "$cerca") search --index $(q "$T/cerca-idx") --color never $(q "$query")"
          "$(q "$cerca") search --color never $(q "$query") $(q "$folder")")
    names=(cerca cerca_dir)
    if ((have_xapian)); then cmds+=("quest -s italian -d $(q "$T/xapian/db") -o and -m 10 $(q "$query")"); names+=(quest); fi
    if ((have_rg)); then cmds+=("rg -i -l $(q "$query") $(q "$folder")"); names+=(rg); fi
    if ((have_hyperfine)); then
      say "round $round/$RUNS: hyperfine '$query'"
      hyperfine -N -i --warmup 3 --min-runs 10 --max-runs 200 --style none \
        --export-json "$T/hf.json" "${cmds[@]}" >>"$log" 2>&1 || { warn "hyperfine failed"; continue; }
      "$PY" - "$T/hf.json" "${names[@]}" >>"$results" <<EOF
import json, sys
res = json.load(open(sys.argv[1]))["results"]
for name, r in zip(sys.argv[2:], res):
    print(f"latency\t{name}\t{json.dumps($qi)}\t$round\t{r['median'] * 1e3:.4f}")
EOF
    fi
  done
  # Peak memory of one search, first query.
  query=${queries[0]}
  timed "$cerca" search --index "$T/cerca-idx" --color never "$query" && rec search_rss cerca rss_mb "$RSS_MB" || true
  timed "$cerca" search --color never "$query" "$folder" && rec search_rss cerca_dir rss_mb "$RSS_MB" || true
  if ((have_xapian)); then timed quest -s italian -d "$T/xapian/db" -o and -m 10 "$query" && rec search_rss quest rss_mb "$RSS_MB" || true; fi
  if ((have_rg)); then timed rg -i -l "$query" "$folder" && rec search_rss rg rss_mb "$RSS_MB" || true; fi
done

# ---------------------------------------------------------------- relevance
emit() { # ENGINE < JSON of a peer's relevance run
  "$PY" -c '
import json, sys
d = json.load(sys.stdin)
engine, rnd = sys.argv[1], sys.argv[2]
for k in ("mrr10", "ndcg10", "r10", "r100", "ms_each"):
    print("relevance\t%s\t%s\t%s\t%s" % (engine, k, rnd, d[k]))
if d.get("quest_checked"):
    print("relevance\t%s\tquest_agree\t%s\t%s/%s" % (engine, rnd, d["quest_agree"], d["quest_checked"]))
' "$1" "$round" >>"$results"
}
if ((relevance)); then
  for ((round = 1; round <= RUNS; round++)); do
    say "round $round/$RUNS: relevance on $(wc -l <"$tsv") questions"
    (cd "$root" && cargo bench -q -p cerca-core --bench relevance -- "$folder" "$tsv" 2>>"$log") >"$T/rel.out" || warn "relevance bench failed"
    cat "$T/rel.out" >>"$log"
    awk -v r="$round" '
      /^questions/ { printf "relevance\tcerca\tmrr10\t%s\t%s\nrelevance\tcerca\tndcg10\t%s\t%s\nrelevance\tcerca\tr10\t%s\t%s\nrelevance\tcerca\tr100\t%s\t%s\n", r, $4, r, $6, r, $8, r, $10 }
      / questions \(/ { gsub(/\(/, "", $6); printf "relevance\tcerca\tms_each\t%s\t%s\n", r, $6 }' "$T/rel.out" >>"$results"
    if ((have_xapian_py)); then
      check=0; ((round == 1)) && check=200
      "$SYSPY" "$here/peers/xapian_py.py" relevance "$T/xapian/db" "$folder" "$tsv" --check "$check" 2>>"$log" | emit xapian ||
        warn "xapian relevance failed"
      if [[ $(wc -l <"$T/it-stopwords.txt") -gt 100 ]]; then
        "$SYSPY" "$here/peers/xapian_py.py" relevance "$T/xapian/db" "$folder" "$tsv" --stopwords "$T/it-stopwords.txt" 2>>"$log" |
          emit xapian_it || warn "xapian (Italian stopwords) relevance failed"
      fi
    fi
    if ((have_tantivy)); then
      "$PY" "$here/peers/tantivy_py.py" relevance "$T/tantivy" "$tsv" 2>>"$log" | emit tantivy || warn "tantivy relevance failed"
    fi
  done
else
  say "relevance skipped: the documents of $tsv are not in $folder"
fi

# ---------------------------------------------------------------- report
cat "$T/header"
"$PY" - "$results" "$input_bytes" "$relevance" "${queries[@]}" <<'EOF'
import collections, statistics, sys

results, input_bytes, relevance, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
data = collections.defaultdict(dict)  # (section, engine, metric) -> {round: value}
for line in open(results, encoding="utf-8"):
    section, engine, metric, rnd, value = line.rstrip("\n").split("\t")
    data[(section, engine, metric)][int(rnd)] = value

def values(section, engine, metric, f=lambda v: v):
    return {r: f(float(v)) for r, v in data.get((section, engine, metric), {}).items()}

def med(section, engine, metric, f=lambda v: v):
    v = values(section, engine, metric, f)
    return statistics.median(v.values()) if v else None

def ratio(section, engine, metric, base_engine, f=lambda v: v, base_metric=None):
    """peer / cerca within each run, then the median."""
    a = values(section, engine, metric, f)
    b = values(section, base_engine, base_metric or metric, f)
    rs = [a[r] / b[r] for r in a if r in b and b[r]]
    return statistics.median(rs) if rs else None

def cell(v, r=None, fmt="{:.3g}"):
    if v is None:
        return "n/a"
    s = fmt.format(v)
    return s if r is None else f"{s} ({r:.2f}x)"

def table(title, header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    for i, row in enumerate([header] + rows):
        print("  " + "  ".join(str(x).ljust(w) if j == 0 else str(x).rjust(w) for j, (x, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  " + "  ".join("-" * w for w in widths))

mb = input_bytes / 1e6
engines = [e for e in ("cerca", "xapian", "tantivy") if any(k[:2] == ("index", e) for k in data)]
names = {"cerca": "cerca", "xapian": "xapian omindex", "tantivy": "tantivy-py"}
rows = []
def row(label, metric, f=lambda v: v, fmt="{:.3g}", only=None, base_metric=None, section="index"):
    out = [label]
    for e in engines:
        if only and e not in only:
            out.append("n/a"); continue
        v = med(section, e, metric, f)
        out.append(cell(v, None if e == "cerca" or v is None else ratio(section, e, metric, "cerca", f, base_metric), fmt))
    rows.append(out)
row("full index, s", "full_s", fmt="{:.2f}")
row("throughput, MB/s", "full_s", lambda s: mb / s, fmt="{:.2f}")
row("re-sync, no change, s", "resync_s", fmt="{:.3f}", only=("cerca", "xapian"))
row("index size, MB", "size_b", lambda b: b / 1e6, fmt="{:.1f}")
row("index size / input", "size_b", lambda b: b / input_bytes, fmt="{:.2f}")
if ("index", "xapian", "compact_b") in data:
    c = med("index", "xapian", "compact_b") / 1e6
    s = med("index", "cerca", "size_b") / 1e6
    rows.append(["index size after xapian-compact, MB", f"{s:.1f}", f"{c:.1f} ({c / s:.2f}x)"] + ["n/a"] * (len(engines) - 2))
row("peak RSS while indexing, MB", "rss_mb", fmt="{:.0f}")
table(f"INDEXING ({mb:.1f} MB of .txt; medians; (x) = peer / cerca, within a run)",
      ["measure"] + [names[e] for e in engines], rows)

rows = []
for label, e in (("cerca, top 10 with snippets", "cerca_snippets"), ("cerca, top 10 without snippets", "cerca"),
                 ("xapian (python3-xapian), top 10", "xapian"), ("tantivy-py, top 10", "tantivy")):
    p50, p99 = med("inproc", e, "p50_ms"), med("inproc", e, "p99_ms")
    if p50 is None:
        continue
    r50 = None if e.startswith("cerca") else ratio("inproc", e, "p50_ms", "cerca")
    r99 = None if e.startswith("cerca") else ratio("inproc", e, "p99_ms", "cerca")
    rows.append([label, cell(p50, r50, "{:.3f}"), cell(p99, r99, "{:.3f}")])
full, resync = med("inproc", "cerca", "full_s"), med("inproc", "cerca", "resync_s")
if full:
    rows.append(["cerca whole_run: full index s / MB/s", f"{full:.2f} / {mb / full:.2f}", ""])
    rows.append(["cerca whole_run: re-sync, no change s", f"{resync:.3f}", ""])
table("IN-PROCESS SEARCH (the whole_run queries, every word required, 20 rounds; ms; (x) vs cerca without snippets)",
      ["engine", "p50 ms", "p99 ms"], rows)

procs = [p for p in ("cerca", "cerca_dir", "quest", "rg") if any(k[:2] == ("latency", p) for k in data)]
pnames = {"cerca": "cerca --index", "cerca_dir": "cerca FOLDER", "quest": "quest", "rg": "rg -i -l"}
rows = []
for qi, qtext in enumerate(queries):
    out = [qtext]
    for p in procs:
        v = med("latency", p, str(qi))
        out.append(cell(v, None if p == "cerca" else ratio("latency", p, str(qi), "cerca"), "{:.1f}"))
    rows.append(out)
out = ["peak RSS, MB (1st query)"]
for p in procs:
    v = med("search_rss", p, "rss_mb")
    out.append(cell(v, None if p == "cerca" else ratio("search_rss", p, "rss_mb", "cerca"), "{:.0f}"))
rows.append(out)
table("SEARCH AS A PROCESS (hyperfine median wall ms, warmup 3; cerca and quest: top 10, all words; "
      "rg: every file with the phrase; (x) vs cerca --index)", ["query"] + [pnames[p] for p in procs], rows)

rows = []
for qi, qtext in enumerate(queries):
    rows.append([qtext] + [data.get(("matches", p, str(qi)), {}).get(0, "n/a") for p in ("cerca", "quest", "rg")])
table("MATCHING DOCUMENTS (cerca and quest: every word, stemmed; * = none had every word, cerca fell back to OR; "
      "rg: files with the phrase)", ["query", "cerca", "quest", "rg -i -l"], rows)

if relevance:
    rows = []
    for label, e in (("cerca (relevance bench)", "cerca"), ("xapian (= quest -s italian)", "xapian"),
                     ("xapian + Italian stopwords", "xapian_it"), ("tantivy-py (Snowball it)", "tantivy")):
        if ("relevance", e, "mrr10") not in data:
            continue
        out = [label]
        for m in ("mrr10", "ndcg10", "r10", "r100", "ms_each"):
            v = med("relevance", e, m)
            out.append(cell(v, None if e == "cerca" else ratio("relevance", e, m, "cerca"), "{:.4f}" if m != "ms_each" else "{:.3f}"))
        agree = data.get(("relevance", e, "quest_agree"))
        out.append(next(iter(agree.values())) if agree else "")
        rows.append(out)
    table("RELEVANCE (dev questions, punctuation stripped, OR, top 100; medians; (x) vs cerca)",
          ["engine", "MRR@10", "nDCG@10", "Recall@10", "Recall@100", "ms/question", "same top 100 as quest"], rows)

# Every run's numbers, to see the spread behind each median.
rows = []
for (section, engine, metric), by_round in sorted(data.items()):
    if section in ("matches",) or metric == "quest_agree" or len(by_round) < 2:
        continue
    label = queries[int(metric)] if section == "latency" else metric
    rows.append([section, engine, label, "  ".join(f"{float(by_round[r]):.4g}" for r in sorted(by_round))])
table("ALL RUNS (run 1, 2, ...; seconds, bytes, MB, ms as above)", ["section", "engine", "measure", "values"], rows)
EOF
