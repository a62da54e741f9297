//! What reading the pages will cost, checked for all of them before `pdf-extract` reads
//! the first: the content it will parse (its content streams and those of the forms it draws, each time they are
//! drawn) against the per-page and per-file budgets, and the recursion it will go
//! through (form XObjects drawing one another, the `Parent` chain).

use std::collections::{HashMap, HashSet};

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::streams::Sizes;
use super::{MAX_CONTENT_BYTES, MAX_FORM_DEPTH, MAX_FORM_DRAWS, MAX_PAGE_CONTENT_BYTES};
use crate::read::bytes as human_size;

/// Longest `Parent` chain from a page to the root of the page tree.
const MAX_PARENT_DEPTH: usize = 256;

/// Why a page is not read.
pub(super) enum Refusal {
    /// Reading it would recurse without end: the page is skipped, the others read.
    Skip(String),
    /// It would make `pdf-extract` parse more content than the budgets allow: the file
    /// fails.
    OverBudget(String),
}

/// What the pages checked so far will cost, and what was learned about their forms.
pub(super) struct Pages<'d> {
    doc: &'d Document,
    sizes: &'d Sizes,
    /// Content bytes of the pages checked so far, against [`MAX_CONTENT_BYTES`].
    content: u64,
    /// The `Do` operands of each form XObject's content, by object id.
    draws: HashMap<ObjectId, Vec<Vec<u8>>>,
}

impl<'d> Pages<'d> {
    pub(super) fn new(doc: &'d Document, sizes: &'d Sizes) -> Self {
        Pages {
            doc,
            sizes,
            content: 0,
            draws: HashMap::new(),
        }
    }

    /// Checks that reading a page stays within budget and cannot recurse without end.
    pub(super) fn check(&mut self, number: u32, page_id: ObjectId) -> Result<(), Refusal> {
        let doc = self.doc;
        let skip = |reason: String| Refusal::Skip(reason);
        // The Parent chain (pdf-extract follows it recursively for inherited keys), and
        // the resources it will use.
        let mut resources: Option<&Dictionary> = None;
        let mut seen = HashSet::new();
        let mut dict = doc
            .get_dictionary(page_id)
            .map_err(|e| skip(e.to_string()))?;
        for depth in 0.. {
            if resources.is_none() {
                resources = dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| doc.dereference(r).ok())
                    .and_then(|(_, r)| r.as_dict().ok());
            }
            let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
                break;
            };
            if !seen.insert(parent) || depth >= MAX_PARENT_DEPTH {
                return Err(skip("a loop in the page tree".to_string()));
            }
            match doc.get_dictionary(parent) {
                Ok(parent) => dict = parent,
                Err(_) => break,
            }
        }
        // The page's own streams, each time listed, before they are put together.
        let mut page = Cost::default();
        for id in doc.get_page_contents(page_id) {
            page.add(self.size(id));
        }
        self.within(number, &page)?;
        let Some(resources) = resources else {
            return self.charge(page.bytes);
        };
        // One stream (the common case) is decoded once however many pages share it;
        // several are put together as pdf-extract will (an operand and its `Do` may sit
        // in two of them).
        let names = match doc.get_page_contents(page_id).as_slice() {
            [id] => self.names_in(*id),
            _ => {
                let content = doc
                    .get_page_content(page_id)
                    .map_err(|e| skip(e.to_string()))?;
                draw_names(&content)
            }
        };
        let mut chain = Vec::new();
        self.check_draws(number, &names, resources, &mut chain, &mut page)?;
        self.charge(page.bytes)
    }

    /// The names drawn with `Do` by a stream's content, decoded once per stream.
    fn names_in(&mut self, id: ObjectId) -> Vec<Vec<u8>> {
        let doc = self.doc;
        self.draws
            .entry(id)
            .or_insert_with(|| match doc.get_object(id) {
                Ok(Object::Stream(stream)) => {
                    let content = if stream.filters().is_ok() {
                        stream
                            .decompressed_content()
                            .unwrap_or_else(|_| stream.content.clone())
                    } else {
                        stream.content.clone()
                    };
                    draw_names(&content)
                }
                _ => Vec::new(),
            })
            .clone()
    }

    /// The decoded size of a stream (measured when the streams were sanitized).
    fn size(&self, id: ObjectId) -> u64 {
        self.sizes
            .get(&id)
            .copied()
            .unwrap_or_else(|| match self.doc.get_object(id) {
                Ok(Object::Stream(stream)) => stream.content.len() as u64,
                _ => 0,
            })
    }

    /// An error when one page's content passes [`MAX_PAGE_CONTENT_BYTES`].
    fn within(&self, number: u32, page: &Cost) -> Result<(), Refusal> {
        if page.bytes > MAX_PAGE_CONTENT_BYTES {
            return Err(Refusal::OverBudget(format!(
                "page {number} makes the reader parse more than {} of content ({} streams and \
                 forms drawn)",
                human_size(MAX_PAGE_CONTENT_BYTES),
                page.streams
            )));
        }
        Ok(())
    }

    /// Adds a page's content to the file's, against [`MAX_CONTENT_BYTES`].
    fn charge(&mut self, bytes: u64) -> Result<(), Refusal> {
        self.content += bytes;
        if self.content > MAX_CONTENT_BYTES {
            return Err(Refusal::OverBudget(format!(
                "its pages make the reader parse more than {} of content",
                human_size(MAX_CONTENT_BYTES)
            )));
        }
        Ok(())
    }

    /// Follows the forms drawn by `names` with `resources`, as `pdf-extract` will.
    fn check_draws(
        &mut self,
        number: u32,
        names: &[Vec<u8>],
        resources: &Dictionary,
        chain: &mut Vec<ObjectId>,
        page: &mut Cost,
    ) -> Result<(), Refusal> {
        let doc = self.doc;
        let Some(xobjects) = resources
            .get(b"XObject")
            .ok()
            .and_then(|x| doc.dereference(x).ok())
            .and_then(|(_, x)| x.as_dict().ok())
        else {
            return Ok(());
        };
        for name in names {
            let Ok(Object::Reference(id)) = xobjects.get(name) else {
                continue; // a direct stream cannot refer to itself
            };
            let Ok(Object::Stream(form)) = doc.get_object(*id) else {
                continue;
            };
            if chain.contains(id) {
                return Err(Refusal::Skip(format!(
                    "form XObject {} {} draws itself",
                    id.0, id.1
                )));
            }
            if chain.len() >= MAX_FORM_DEPTH {
                return Err(Refusal::Skip(format!(
                    "form XObjects nested deeper than {MAX_FORM_DEPTH}"
                )));
            }
            if page.forms >= MAX_FORM_DRAWS {
                return Err(Refusal::Skip(format!(
                    "more than {MAX_FORM_DRAWS} form XObjects drawn"
                )));
            }
            page.add(self.size(*id));
            page.forms += 1;
            self.within(number, page)?;
            let inner = self.names_in(*id);
            let form_resources = form
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|r| doc.dereference(r).ok())
                .and_then(|(_, r)| r.as_dict().ok())
                .unwrap_or(resources);
            chain.push(*id);
            self.check_draws(number, &inner, form_resources, chain, page)?;
            chain.pop();
        }
        Ok(())
    }
}

/// The content one page makes `pdf-extract` parse: bytes, and how many streams (its
/// own and the forms drawn, counting repeats), of which forms.
#[derive(Default)]
struct Cost {
    bytes: u64,
    streams: usize,
    forms: usize,
}

impl Cost {
    fn add(&mut self, bytes: u64) {
        self.bytes += bytes;
        self.streams += 1;
    }
}

/// The names drawn with `Do` in a content stream (none if it does not parse).
fn draw_names(content: &[u8]) -> Vec<Vec<u8>> {
    let Ok(content) = Content::decode(content) else {
        return Vec::new();
    };
    content
        .operations
        .iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect()
}
