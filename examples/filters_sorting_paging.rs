//! Filters, sorting and paging: documents with dates, searched within a
//! folder, by kind and by date, newest first, one page at a time.
//!
//! ```sh
//! cargo run -p cerca-core --example filters_sorting_paging
//! ```
//!
//! Needs no feature of cerca-core.

use cerca_core::{Document, HitDetail, Index, Operator, SearchOptions, SortOrder};

/// Minutes of a town council: path, date, text.
const MINUTES: &[(&str, (i32, u8), &str)] = &[
    (
        "consiglio/2024/marzo.txt",
        (2024, 3),
        "Bilancio comunale: approvato.",
    ),
    (
        "consiglio/2024/luglio.md",
        (2024, 7),
        "Bilancio: variazione per le scuole.",
    ),
    (
        "consiglio/2025/gennaio.txt",
        (2025, 1),
        "Bilancio di previsione 2025.",
    ),
    (
        "consiglio/2025/maggio.txt",
        (2025, 5),
        "Bilancio e piano del traffico.",
    ),
    (
        "consiglio/2025/ottobre.md",
        (2025, 10),
        "Assestamento del bilancio.",
    ),
    (
        "giunta/2025/aprile.txt",
        (2025, 4),
        "La giunta discute il bilancio.",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    for &(path, (year, month), text) in MINUTES {
        let mut document = Document::new(path, path, text);
        let month = time::Month::try_from(month)?;
        document.date = Some(time::Date::from_calendar_date(year, month, 1)?);
        writer.add(&document)?;
    }
    writer.commit()?;

    // Filters are part of the query: `path:`, `ext:`, `date:`, `title:`…
    let council_2025 = "bilancio path:consiglio date:2025";
    let total = index.count(council_2025, &SearchOptions::default())?;
    println!("{council_2025:?}: {total} documents");
    assert_eq!(total, 3);
    assert_eq!(
        index.count("bilancio ext:md", &SearchOptions::default())?,
        2
    );

    // Newest first, two per page; paths only (no stored text is read).
    let page_size = 2;
    let newest_first = SearchOptions::default()
        .with_sort(SortOrder::DateDescending)
        .with_detail(HitDetail::Columns)
        .with_limit(page_size);
    let mut seen = Vec::new();
    for page in 0.. {
        let options = newest_first.clone().with_offset(page * page_size);
        let results = index.search("bilancio", &options)?;
        if results.hits.is_empty() {
            break;
        }
        println!("page {}:", page + 1);
        for hit in &results.hits {
            let date = hit.date.map(|d| d.to_string()).unwrap_or_default();
            println!("  {}. {date} {}", hit.rank, hit.path.display());
            seen.push(hit.path.clone());
        }
    }
    assert_eq!(seen.len(), MINUTES.len());
    assert!(seen[0].ends_with("ottobre.md") && seen[5].ends_with("marzo.txt"));

    // Words side by side: all of them (the default) or any of them.
    let any = SearchOptions::default().with_operator(Operator::Any);
    let scuole_traffico = index.search("scuole traffico", &any)?.total;
    println!("\"scuole traffico\" with any word: {scuole_traffico} documents");
    assert_eq!(scuole_traffico, 2);
    Ok(())
}
