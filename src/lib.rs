//! Procmap: map how work flows, simulate it, document it.
//!
//! - [`model`]: the map document, its file format and its validation.
//! - [`sim`]: the discrete-event simulator and its statistics.
//! - [`analysis`]: answers computed without simulation (traffic equations, impact).
//! - [`report`]: the PDF handbook, SVG, Markdown, text and JSON reports, and exports.
//! - [`interop`]: reading other formats (the seam for importers).
//! - [`cli`]: the command-line interface.
//! - [`ui`]: the desktop editor.

pub mod analysis;
pub mod cli;
pub mod interop;
pub mod model;
pub mod palette;
pub mod report;
pub mod sim;
pub mod ui;
