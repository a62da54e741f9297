//! `cerca translate`: a query in another engine's language.

use anyhow::Result;
use cerca_core::export::{opensearch, sphinx};
use cerca_core::{query, Error, Operator};

use crate::args::{Engine, TranslateArgs};
use crate::{output, QueryError};

/// The most hits OpenSearch and Elasticsearch give one request by default.
const OPENSEARCH_WINDOW: usize = 10_000;

pub fn run(args: &TranslateArgs) -> Result<bool> {
    let text = &args.query;
    let parse = if args.literal {
        query::parse_literal
    } else {
        query::parse
    };
    let parsed = parse(text).map_err(|error| QueryError::new(text, error, args.literal))?;
    let operator = if args.any {
        Operator::Any
    } else {
        Operator::All
    };
    let translated = match args.to {
        Engine::Opensearch => {
            if args.limit > OPENSEARCH_WINDOW {
                anyhow::bail!(
                    "-n {}: OpenSearch answers at most {OPENSEARCH_WINDOW} hits per request \
                     (index.max_result_window); page with search_after instead",
                    args.limit
                );
            }
            opensearch::translate(&parsed, operator).map(|mut body| {
                body["size"] = args.limit.into();
                serde_json::to_string_pretty(&body).unwrap_or_default()
            })
        }
        Engine::Sphinx => sphinx::translate(&parsed, operator)
            .and_then(|query| query.to_sql(&args.name, args.limit, 0))
            .map(|sql| format!("{sql};")),
    };
    let translated = translated.map_err(|error| -> anyhow::Error {
        match error {
            Error::Query(error) => QueryError::new(text, error, args.literal).into(),
            Error::Untranslatable(error) => {
                anyhow::anyhow!("cannot translate: {}", error.render(text))
            }
            other => other.into(),
        }
    })?;
    output::write_stdout(format!("{translated}\n").as_bytes())?;
    Ok(true)
}
