// cerca's search page: reads the address (?q=, kind, from, to, page, doc),
// asks the JSON API, and shows hits or a document. Everything from the
// index is shown as text (textContent), never as HTML.
"use strict";

const LABELS = {
  it: { go: "Cerca", kind: "Tipo", any_kind: "tutti", from: "Dal", to: "al", previous: "← Precedenti",
        next: "Successivi →", back: "← Risultati", none: "Nessun documento trovato.",
        found: (shown, total, ms) => `${shown} di ${total} documenti (${ms} ms)`,
        relaxed: "Nessun documento ha tutte le parole: ecco quelli che ne hanno alcune.",
        placeholder: "parole, \"frase esatta\", ext:pdf, date:2025…", loading: "Ricerca…",
        modified: "modificato", unauthorized: "Serve il token: aggiungi ?token=… all'indirizzo." },
  en: { go: "Search", kind: "Kind", any_kind: "any", from: "From", to: "to", previous: "← Previous",
        next: "Next →", back: "← Results", none: "No document found.",
        found: (shown, total, ms) => `${shown} of ${total} documents (${ms} ms)`,
        relaxed: "No document has every word: these have some of them.",
        placeholder: "words, \"exact phrase\", ext:pdf, date:2025…", loading: "Searching…",
        modified: "modified", unauthorized: "A token is needed: add ?token=… to the address." },
};
const PAGE_SIZE = 10;
const params = new URLSearchParams(location.search);
const lang = (params.get("lang") || navigator.language || "it").toLowerCase().startsWith("it") ? "it" : "en";
const L = LABELS[lang];
const token = params.get("token");
const $ = (id) => document.getElementById(id);

function label() {
  document.documentElement.lang = lang;
  $("go").textContent = L.go;
  $("previous").textContent = L.previous;
  $("next").textContent = L.next;
  $("back").textContent = L.back;
  $("q").placeholder = L.placeholder;
  for (const element of document.querySelectorAll("[data-label]")) {
    element.textContent = L[element.dataset.label];
  }
}

async function api(path) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const response = await fetch(path, { headers });
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (response.status === 401) throw new Error(L.unauthorized);
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.at = body.at;
    throw error;
  }
  return body;
}

/// The query the API gets: the words, then the filters as query syntax.
function fullQuery(state) {
  const parts = [state.q];
  if (state.kind) parts.push(`ext:${state.kind}`);
  if (state.from) parts.push(`date:>=${state.from}`);
  if (state.to) parts.push(`date:<=${state.to}`);
  return parts.join(" ");
}

function readState() {
  const p = new URLSearchParams(location.search);
  return { q: p.get("q") || "", kind: p.get("kind") || "", from: p.get("from") || "",
           to: p.get("to") || "", page: Math.max(0, parseInt(p.get("page") || "0", 10) || 0),
           doc: p.get("doc") || "" };
}

function writeState(state, push) {
  const p = new URLSearchParams();
  for (const key of ["q", "kind", "from", "to"]) if (state[key]) p.set(key, state[key]);
  if (state.page) p.set("page", String(state.page));
  if (state.doc) p.set("doc", state.doc);
  if (token) p.set("token", token);
  if (params.get("lang")) p.set("lang", params.get("lang"));
  const url = `${location.pathname}?${p}`;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function message(text, isError) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

/// The snippet as text nodes, its highlights in <mark>. Highlights are byte
/// ranges of the UTF-8 snippet.
function snippet(text, highlights) {
  const p = document.createElement("p");
  p.className = "snippet";
  const bytes = new TextEncoder().encode(text);
  const decode = (a, b) => new TextDecoder().decode(bytes.subarray(a, b));
  let at = 0;
  for (const [start, end] of highlights || []) {
    if (start < at || end > bytes.length || start > end) continue;
    p.append(decode(at, start));
    const mark = document.createElement("mark");
    mark.textContent = decode(start, end);
    p.append(mark);
    at = end;
  }
  p.append(decode(at, bytes.length));
  return p;
}

function pathText(path) {
  return typeof path === "string" ? path : "(…)";
}

function facts(hit) {
  const parts = [pathText(hit.path)];
  if (hit.date) parts.push(hit.date);
  else if (hit.modified) parts.push(`${L.modified} ${hit.modified.slice(0, 10)}`);
  return parts.join(" · ");
}

function showHits(state, results, ms) {
  const list = $("hits");
  list.replaceChildren();
  for (const hit of results.hits) {
    const item = document.createElement("li");
    const title = document.createElement("a");
    title.className = "title";
    title.textContent = hit.title || pathText(hit.path);
    title.href = "#";
    title.addEventListener("click", (event) => {
      event.preventDefault();
      if (typeof hit.path !== "string") return;
      state.doc = hit.path;
      writeState(state, true);
      showDocument(state);
    });
    const where = document.createElement("p");
    where.className = "facts";
    where.textContent = facts(hit);
    item.append(title, where, snippet(hit.snippet, hit.highlights));
    list.append(item);
  }
  const shown = results.hits.length;
  if (results.total === 0) message(L.none);
  else message((results.relaxed ? L.relaxed + " " : "") +
               L.found(state.page * PAGE_SIZE + shown, results.total, ms));
  $("previous").hidden = state.page === 0;
  $("next").hidden = (state.page + 1) * PAGE_SIZE >= results.total;
}

async function search(state) {
  $("document").hidden = true;
  $("hits").hidden = false;
  $("pages").hidden = false;
  if (!state.q.trim() && !state.kind && !state.from && !state.to) {
    $("hits").replaceChildren();
    message("");
    return;
  }
  message(L.loading);
  const started = performance.now();
  const query = encodeURIComponent(fullQuery(state).trim());
  try {
    const results = await api(`api/search?q=${query}&limit=${PAGE_SIZE}&offset=${state.page * PAGE_SIZE}`);
    showHits(state, results, Math.round(performance.now() - started));
  } catch (error) {
    $("hits").replaceChildren();
    $("previous").hidden = $("next").hidden = true;
    message(error.message, true);
  }
}

async function showDocument(state) {
  try {
    const doc = await api(`api/document?path=${encodeURIComponent(state.doc)}`);
    $("document-title").textContent = doc.title || pathText(doc.path);
    $("document-facts").textContent = facts(doc);
    $("document-text").textContent = doc.text;
    $("hits").hidden = true;
    $("pages").hidden = true;
    $("document").hidden = false;
    message("");
    window.scrollTo(0, 0);
  } catch (error) {
    message(error.message, true);
  }
}

function fill(state) {
  $("q").value = state.q;
  $("kind").value = state.kind;
  $("from").value = state.from;
  $("to").value = state.to;
}

function render() {
  const state = readState();
  fill(state);
  if (state.doc) showDocument(state); else search(state);
}

function start() {
  label();
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    const state = { q: $("q").value, kind: $("kind").value, from: $("from").value,
                    to: $("to").value, page: 0, doc: "" };
    writeState(state, true);
    search(state);
  });
  for (const [id, step] of [["previous", -1], ["next", 1]]) {
    $(id).addEventListener("click", () => {
      const state = readState();
      state.page = Math.max(0, state.page + step);
      state.doc = "";
      writeState(state, true);
      search(state);
      window.scrollTo(0, 0);
    });
  }
  $("back").addEventListener("click", () => history.back());
  window.addEventListener("popstate", render);
  render();
}

start();
