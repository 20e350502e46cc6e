//! BPMN 2.0 XML in: [`import`] reads a `.bpmn` file (from bpmn.io / Camunda, Signavio, Bizagi,
//! Trisotech or Procmap itself) into a [`ProcessMap`] plus the warnings that say what was
//! approximated. `xml` decodes and matches namespaces, `read` collects the elements, `bpsim`
//! the simulation parameters, `build` maps them onto Procmap's nodes and makes the map valid,
//! `place` positions them.
//! The mapping table is in `docs/BPMN.md`. Lenient by design: any prefix, any order,
//! ISO-8859-1, empty attributes, vendor extensions. Bad input is an error, never a panic.

mod bpsim;
mod build;
pub(crate) mod iso;
mod place;
mod read;
pub(crate) mod xml;

use std::fmt;
use std::path::Path;

use crate::model::ProcessMap;

/// The scale from BPMN diagram units to Procmap canvas units, across and down (Procmap's cards
/// are larger than BPMN's shapes: a 100x80 task is a 190x100 card, a 36x36 event a 150x60 one).
pub const SCALE: (f64, f64) = (2.0, 1.5);

/// One thing the reader approximated or left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The BPMN element's id.
    pub id: String,
    /// The BPMN element type (`boundaryEvent`).
    pub element: String,
    /// What was done.
    pub what: String,
}

impl Warning {
    fn new(node: roxmltree::Node<'_, '_>, what: &str) -> Self {
        Self {
            id: xml::attr(node, "id").unwrap_or("(no id)").to_owned(),
            element: node.tag_name().name().to_owned(),
            what: what.to_owned(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} '{}': {}", self.element, self.id, self.what)
    }
}

/// A BPMN file read into a map.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The map (valid whenever the BPMN is structurally sound).
    pub map: ProcessMap,
    /// What was approximated or left out, one entry per element.
    pub warnings: Vec<Warning>,
    /// For each flow of `map.flows`, the BPMN sequence flow it came from (`None` for flows the
    /// reader added to wire sub-processes, splits and boundary events).
    pub flow_ids: Vec<Option<String>>,
}

/// Why a file could not be read as BPMN.
#[derive(Debug, thiserror::Error)]
pub enum BpmnError {
    /// Not well-formed XML.
    #[error("{path}:{line}:{column}: not well-formed XML: {message}")]
    Xml {
        /// The file.
        path: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's reason.
        message: String,
    },
    /// Well-formed XML, but not BPMN 2.0.
    #[error("{path}: not a BPMN 2.0 file: {why}")]
    NotBpmn {
        /// The file.
        path: String,
        /// What was found instead.
        why: String,
    },
    /// More elements than Procmap opens.
    #[error("{path}: too large: {why}")]
    TooLarge {
        /// The file.
        path: String,
        /// Which limit.
        why: String,
    },
}

/// True when `bytes` look like a BPMN 2.0 document (for files without a `.bpmn` extension).
#[must_use]
pub fn looks_like_bpmn(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    head.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
        && head.contains(xml::MODEL)
}

/// Reads a BPMN 2.0 file's bytes. `path` names it in errors.
///
/// # Errors
/// [`BpmnError::Xml`] for XML that is not well-formed (truncated, empty), [`BpmnError::NotBpmn`]
/// for XML of another kind, [`BpmnError::TooLarge`] past Procmap's element limits.
pub fn import(bytes: &[u8], path: &Path) -> Result<Imported, BpmnError> {
    let name = path.display().to_string();
    let (text, note) = xml::decode(bytes);
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 20_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(&text, options).map_err(|e| {
        let pos = e.pos();
        BpmnError::Xml {
            path: name.clone(),
            line: pos.row,
            column: pos.col,
            message: if text.trim().is_empty() {
                "the file is empty".to_owned()
            } else {
                e.to_string()
            },
        }
    })?;
    let root = document.root_element();
    if !xml::is(root, xml::MODEL, "definitions") {
        let tag = root.tag_name();
        return Err(BpmnError::NotBpmn {
            path: name,
            why: format!(
                "the root element is <{}>{}, expected <definitions> in {}",
                tag.name(),
                tag.namespace()
                    .map_or_else(String::new, |ns| format!(" in namespace {ns}")),
                xml::MODEL
            ),
        });
    }
    let mut doc = read::read(root);
    if doc.processes == 0 {
        return Err(BpmnError::NotBpmn {
            path: name,
            why: "it has no <process> (a choreography or a conversation only?)".to_owned(),
        });
    }
    let limit = crate::model::limits::MAX_ELEMENTS;
    if doc.nodes.len() > limit {
        return Err(BpmnError::TooLarge {
            path: name,
            why: format!(
                "{} flow nodes; Procmap opens at most {limit}",
                doc.nodes.len()
            ),
        });
    }
    if let Some(note) = note {
        doc.warnings.insert(
            0,
            Warning {
                id: xml::attr(root, "id").unwrap_or("(no id)").to_owned(),
                element: "definitions".to_owned(),
                what: note,
            },
        );
    }
    let fallback_title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(build::build(&doc, &fallback_title))
}
