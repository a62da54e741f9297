//! A program's own reader for a kind cerca does not know: SubRip subtitles
//! (`.srt`), whose cue numbers and timings are no text to search. Registered
//! with the built-in ones, it is used by a sync like them.
//!
//! ```sh
//! cargo run -p cerca-core --example custom_extractor
//! ```
//!
//! Needs the `files` feature (on by default).

use cerca_core::read::{decode, ExtractError, Extracted, Extractor, Extractors};
use cerca_core::{Index, NoProgress, Root, SearchOptions, Syncer};

/// Subtitles: the text of each cue, without its number and timing lines.
struct Subtitles;

impl Extractor for Subtitles {
    fn extensions(&self) -> &'static [&'static str] {
        &["srt"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        // Decoding (UTF-8, UTF-16, legacy 8-bit encodings) is the extractor's
        // job; cerca's own helper does it as the built-in readers do.
        let text = decode::decode(bytes);
        if !text.contains("-->") {
            return Err(ExtractError::Malformed {
                format: "srt",
                reason: "no cue timing (`00:00:01,000 --> 00:00:02,000`)".into(),
            });
        }
        let is_text = |line: &&str| {
            let line = line.trim();
            !line.is_empty() && !line.contains("-->") && line.parse::<u32>().is_err()
        };
        let body: Vec<&str> = text.lines().filter(is_text).collect();
        // Extracted is built through its constructor: it may grow fields.
        Ok(Extracted::new(body.join("\n")).with_title("Sottotitoli"))
    }
}

const FILM: &str = "1
00:00:01,000 --> 00:00:04,000
Le esercitazioni cominciano all'alba.

2
00:00:05,000 --> 00:00:08,000
Il generale osserva dalla collina.
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("film");
    std::fs::create_dir(&folder)?;
    std::fs::write(folder.join("alba.srt"), FILM)?;
    std::fs::write(folder.join("rotto.srt"), "nessun tempo qui")?;

    let mut extractors = Extractors::default();
    extractors.register(Box::new(Subtitles));
    let index = Index::create_in_ram()?;
    let report = Syncer::new(&index)
        .with_extractors(extractors)
        .sync(&[Root::new(&folder)], &mut NoProgress)?;
    println!("added {}, failed {}", report.added, report.failed);
    for (_, why) in &report.failures {
        println!("  {why}");
    }
    assert_eq!((report.added, report.failed), (1, 1));

    let results = index.search("esercitazione alba", &SearchOptions::default())?;
    let hit = results.hits.first().ok_or("the subtitles were not found")?;
    println!("{} [{}] {}", hit.path.display(), hit.kind, hit.title);
    assert_eq!(
        (hit.kind.as_str(), hit.title.as_str()),
        ("srt", "Sottotitoli")
    );
    // The timings were left out of the text: they match nothing.
    assert_eq!(index.count("00", &SearchOptions::default())?, 0);
    Ok(())
}
