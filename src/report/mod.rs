//! Reports of a map and its simulation: the PDF handbook, the SVG diagram, Markdown, and the
//! text and JSON simulation reports of the CLI. No UI.

pub mod bpmn;
pub mod diagram;
pub mod discover;
pub mod export;
pub mod format;
pub mod handbook;
pub mod json;
pub mod log;
pub mod markdown;
pub mod metrics;
pub mod pdf;
pub mod plan;
pub mod schema;
pub mod svg;
pub mod text;
