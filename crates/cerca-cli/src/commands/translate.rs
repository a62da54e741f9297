//! `cerca translate`: a query in another engine's language.

use anyhow::Result;
use cerca_core::export::{opensearch, sphinx};
use cerca_core::{query, Error, Operator};

use crate::args::{Engine, TranslateArgs};
use crate::{output, QueryError};

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
        Engine::Opensearch => opensearch::translate(&parsed, operator).map(|mut body| {
            body["size"] = args.limit.into();
            serde_json::to_string_pretty(&body).unwrap_or_default()
        }),
        Engine::Sphinx => sphinx::translate(&parsed, operator)
            .map(|query| format!("{};", query.to_sql(&args.name, args.limit, 0))),
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
