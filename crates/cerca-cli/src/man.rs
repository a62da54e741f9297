//! `cerca man`: one man page for the whole command.
//!
//! clap_mangen renders a command's subcommands as references to pages of
//! their own (`cerca-search(1)`), which cerca does not install: here every
//! subcommand is rendered into the one page, its synopsis and options by
//! clap_mangen, under COMMANDS, followed by the sections a man page has
//! (query syntax, exit status, environment, files).

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::args::Cli;
use crate::commands::{cache, last_report, search};

pub fn page() -> Result<Vec<u8>> {
    let mut cli = Cli::command();
    cli.build();
    let man = clap_mangen::Man::new(cli.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    writeln!(page, ".SH SYNOPSIS")?;
    writeln!(page, "\\fBcerca\\fR [\\fB\\-\\-color\\fR \\fIWHEN\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]")?;
    for sub in commands(&cli) {
        writeln!(page, ".br\n\\fBcerca {}\\fR ...", sub.get_name())?;
    }
    man.render_description_section(&mut page)?;
    // `--color`, `--help` and `--version`: for every command, said once here.
    man.render_options_section(&mut page)?;
    writeln!(page, ".SH COMMANDS")?;
    for sub in commands(&cli) {
        writeln!(page, ".SS \"cerca {}\"", sub.get_name())?;
        let sub_man = clap_mangen::Man::new(sub.clone().mut_arg("color", |a| a.hide(true)));
        // The synopsis and options without their own `.SH` headings: they
        // belong to this command's subsection.
        let mut part = Vec::new();
        sub_man.render_synopsis_section(&mut part)?;
        sub_man.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            sub_man.render_options_section(&mut part)?;
        }
        for line in String::from_utf8_lossy(&part).lines() {
            if line.starts_with(".SH") {
                writeln!(page, ".PP")?;
            } else {
                writeln!(page, "{line}")?;
            }
        }
        for nested in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
            let about = nested
                .get_about()
                .map(|a| a.to_string())
                .unwrap_or_default();
            writeln!(
                page,
                ".TP\n\\fBcerca {} {}\\fR\n{}",
                sub.get_name(),
                nested.get_name(),
                roff(&about)
            )?;
        }
        if let Some(after) = sub.get_after_help() {
            block(&mut page, &after.to_string())?;
        }
    }
    writeln!(page, ".SH \"QUERY SYNTAX\"")?;
    writeln!(
        page,
        "Words are stemmed, elisions and accents folded; words side by side must all \
         match (AND) unless \\-\\-any is given. Operators are upper case."
    )?;
    for (construct, example) in QUERY_SYNTAX {
        writeln!(page, ".TP\n{}\n{}", roff(construct), roff(example))?;
    }
    section(
        &mut page,
        "BATCH",
        &format!(
        "With \\-\\-batch FILE, each line of FILE (\\- for standard input) is a query, answered \
         as JSON Lines whose \"query\" is the line's 0\\-based number: one object per hit; \
         {{\"query\": N, \"total\": T}} for a query that printed no hit; {{\"query\": N, \
         \"error\": \"...\"}} for a line that does not parse (with \"at\": {{\"start\": S, \
         \"end\": E}}, the characters at fault), is not UTF\\-8 or is longer than {} \
         bytes. The batch goes on after every such line. Blank lines are skipped. The exit \
         status is 0 if a query matched, 1 if none did, 2 if every line was an error. \\-c, \\-l, \
         \\-0 and \\-\\-explain are refused with \\-\\-batch.",
        search::MAX_BATCH_LINE
    ),
    )?;
    section(
        &mut page,
        "EXIT STATUS",
        "0 if a document matched (for search; for the other commands, success), 1 if none \
         did (and for \\fBcerca index\\fR, if some files could not be read), 2 on an error: a \
         query that does not parse, no index, a busy index without \\-\\-wait, a PATH that does \
         not exist or a file that cannot be read (what could be searched is still searched, \
         and printed first). 130 when Ctrl\\-C or SIGTERM stopped a sync: what was read is kept.",
    )?;
    section(
        &mut page,
        "ENVIRONMENT",
        "\\fBCERCA_INDEX\\fR: the index directory when \\-\\-index is not given (empty: as if \
         unset).\n.br\n\\fBNO_COLOR\\fR: when set and not empty, no color nor other escape code \
         on a terminal (as \\-\\-color never); \\fBCLICOLOR_FORCE\\fR forces them.\n.br\n\
         \\fBXDG_DATA_HOME\\fR, \\fBXDG_CACHE_HOME\\fR, \\fBHOME\\fR: where the index and the \
         caches live (below).",
    )?;
    section(
        &mut page,
        "FILES",
        &format!(
            "\\fI$XDG_DATA_HOME/cerca/index\\fR (e.g. ~/.local/share/cerca/index): the index, \
             private to its owner (0700, files 0600); \\fI{}\\fR in it is what the last \
             \\fBcerca index\\fR could not read or passed over, for \\fBcerca status\\fR.\n.br\n\
             \\fI$XDG_CACHE_HOME/cerca/\\fR (e.g. ~/.cache/cerca): one cached index per set of \
             paths searched ad hoc; at most {} of them and {} MB together are kept, the least \
             recently used removed first (\\fBcerca cache\\fR).",
            last_report::FILE,
            cache::MAX_CACHES,
            cache::MAX_CACHE_BYTES / 1_000_000
        ),
    )?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// The query language, construct by construct (the README has the same table, with notes).
const QUERY_SYNTAX: &[(&str, &str)] = &[
    ("words", "esercitazione militare"),
    ("either", "trump OR putin"),
    (
        "both, not",
        "minsk AND NOT pizza    (precedence: NOT > AND > side by side > OR)",
    ),
    ("required, excluded", "+minsk -pizza"),
    ("phrase", "\"casa bianca\""),
    (
        "proximity",
        "\"ministro difesa\"~2    (up to 2 extra words in between)",
    ),
    ("prefix", "bielorus*"),
    ("misspelling", "lukascenko~  lukascenko~2    (1 or 2 edits)"),
    ("fields", "title:riavvicinamento  body:(trump OR putin)"),
    (
        "path",
        "path:seeds/*  path:\"my docs/**\"    (a glob of whole components, or a fragment)",
    ),
    ("kind", "ext:pdf"),
    (
        "document date",
        "date:2025-09  date:>=2025-09-01  date:[2025-09-01 TO 2025-09-30]",
    ),
    (
        "modification time",
        "modified:>7d  modified:<2w  modified:2025    (units h d w m y)",
    ),
    ("boost", "trump^2 putin"),
    (
        "escapes",
        "Zapad\\-2025  a\\:b  \\\"  \\*    (or -F: no syntax at all)",
    ),
];

/// The subcommands a person runs (not the hidden worker, not `help`).
fn commands(cli: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cli.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// A section of running text (already roff).
fn section(page: &mut Vec<u8>, title: &str, text: &str) -> std::io::Result<()> {
    writeln!(page, ".SH \"{title}\"\n{text}")
}

/// Preformatted text (the help's examples and query syntax), as roff.
fn block(page: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    writeln!(page, ".PP\n.nf")?;
    for line in text.lines() {
        writeln!(page, "{}", roff(line))?;
    }
    writeln!(page, ".fi")
}

/// Text as roff shows it: backslashes and hyphens escaped, and no line taken for a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
