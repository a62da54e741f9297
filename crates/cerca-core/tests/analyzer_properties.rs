//! Any text, however odd, analyzes without panicking, with offsets on char boundaries.

use cerca_core::analysis::{italian_analyzer, word_form_analyzer, WordAnalyzer};
use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

fn check_offsets(analyzer: &mut TextAnalyzer, text: &str) -> Result<(), TestCaseError> {
    let mut stream = analyzer.token_stream(text);
    let mut last_position = None;
    while let Some(token) = stream.next() {
        prop_assert!(token.offset_from <= token.offset_to && token.offset_to <= text.len());
        prop_assert!(
            text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to)
        );
        prop_assert!(!token.text.is_empty());
        prop_assert!(last_position.is_none_or(|last| token.position > last));
        last_position = Some(token.position);
    }
    Ok(())
}

/// Text mixing Italian letters, apostrophes, hyphens, digits and arbitrary chars.
fn italianish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("dell'".to_string()),
            Just("’".to_string()),
            Just("'".to_string()),
            Just("-".to_string()),
            Just(" ".to_string()),
            "[a-zA-Zàèéìòù]{1,8}",
            "[0-9]{1,4}",
            any::<char>().prop_map(String::from),
            "\\PC{1,3}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn arbitrary_strings_analyze_cleanly(text in any::<String>()) {
        check_offsets(&mut italian_analyzer(), &text)?;
        check_offsets(&mut word_form_analyzer(), &text)?;
    }

    #[test]
    fn italian_like_strings_analyze_cleanly(text in italianish()) {
        check_offsets(&mut italian_analyzer(), &text)?;
        check_offsets(&mut word_form_analyzer(), &text)?;
        WordAnalyzer::new().analyze(&text, |t| {
            assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
        });
    }

    #[test]
    fn invalid_utf8_decoded_lossily_analyzes_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        check_offsets(&mut italian_analyzer(), &text)?;
    }
}

/// Found by the property above: composing accents before elision shortened
/// the text that elision moves the offsets by, past the end of the text.
#[test]
fn composed_accents_before_an_elision_keep_offsets_in_the_text() {
    for text in [
        "\u{f69}\u{a947}'a\u{ea5}",
        "\u{f40}\u{fb5}\u{a947}'a",
        "de\u{301}ll'energia",
        "l'Universita\u{300}",
    ] {
        for analyzer in [&mut italian_analyzer(), &mut word_form_analyzer()] {
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                assert!(token.offset_to <= text.len(), "{text:?}: {token:?}");
                assert!(
                    text.is_char_boundary(token.offset_from),
                    "{text:?}: {token:?}"
                );
                assert!(
                    text.is_char_boundary(token.offset_to),
                    "{text:?}: {token:?}"
                );
            }
        }
    }
}
