//! Reports of a map and its simulation: JSON and text for the CLI. No UI.

pub mod json;
pub mod text;
