//! The one export path, used by `procmap export` and by File > Export / Print in the app:
//! a format, a target file, and what was written. Formats that need companions (Markdown's
//! diagram) write them here, once, so the CLI and the app cannot drift apart.

use std::path::{Path, PathBuf};

use super::handbook::Handbook;
use super::{markdown, pdf, svg};
use crate::model::{LoadError, ProcessMap, io, limits};

/// A document format Procmap writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The PDF handbook.
    Pdf,
    /// The SVG diagram.
    Svg,
    /// The handbook as Markdown, with the SVG diagram beside it.
    Markdown,
    /// The map as BPMN 2.0 XML (with its diagram and BPSim simulation data).
    Bpmn,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Self; 4] = [Self::Pdf, Self::Svg, Self::Markdown, Self::Bpmn];

    /// The usual file extension, without the dot.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Svg => "svg",
            Self::Markdown => "md",
            Self::Bpmn => "bpmn",
        }
    }

    /// A short name for messages and file-dialog filters ("PDF", "SVG", "Markdown").
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Svg => "SVG",
            Self::Markdown => "Markdown",
            Self::Bpmn => "BPMN",
        }
    }
}

/// One file an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// What the file holds ("PDF", "SVG", "Markdown").
    pub what: &'static str,
    /// Where it is.
    pub path: PathBuf,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// A file could not be written (the message names it).
    #[error(transparent)]
    Write(#[from] LoadError),
    /// The map asks for more than Procmap renders (the first problem, and how many).
    #[error("the map is too large to export: {first}{}", if *.more > 0 { format!(" (and {} more)", .more) } else { String::new() })]
    TooBig {
        /// The first size problem.
        first: String,
        /// How many more there are.
        more: usize,
    },
}

/// Renders `book` (of `map`) as `format` into `path`, atomically, plus any companion file.
/// Returns the files written, companions first.
///
/// # Errors
/// When the PDF cannot be rendered or a file cannot be written; files written before the
/// failure stay (each is complete: writes are atomic).
pub fn export(
    book: &Handbook<'_>,
    map: &ProcessMap,
    format: Format,
    path: &Path,
    paper: pdf::Paper,
) -> Result<Vec<Written>, ExportError> {
    let too_big = crate::model::size_problems(map);
    if let Some(first) = too_big.first() {
        return Err(ExportError::TooBig {
            first: first.to_string(),
            more: too_big.len() - 1,
        });
    }
    let elements = map.nodes.len() + map.services.len();
    if format == Format::Pdf && elements > limits::MAX_PDF_ELEMENTS {
        return Err(ExportError::TooBig {
            first: format!(
                "{elements} nodes and services; a PDF handbook holds at most {} (export SVG or \
                 Markdown instead)",
                limits::MAX_PDF_ELEMENTS
            ),
            more: 0,
        });
    }
    let mut written = Vec::new();
    let mut write = |what: &'static str, path: &Path, bytes: &[u8]| {
        io::write_atomic(path, bytes)?;
        written.push(Written {
            what,
            path: path.to_owned(),
        });
        Ok::<(), ExportError>(())
    };
    match format {
        Format::Pdf => write("PDF", path, &pdf::render(book, paper)?)?,
        Format::Svg => write("SVG", path, svg::diagram(map).as_bytes())?,
        Format::Bpmn => write("BPMN", path, super::bpmn::write(map).as_bytes())?,
        Format::Markdown => {
            // `<name>-diagram.svg`, so a diagram exported as `<name>.svg` beside it is kept.
            let svg_path = diagram_beside(path);
            let svg_name = svg_path.file_name().map_or_else(
                || "diagram.svg".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            write("SVG", &svg_path, svg::diagram(map).as_bytes())?;
            write(
                "Markdown",
                path,
                markdown::render(book, &svg_name).as_bytes(),
            )?;
        }
    }
    Ok(written)
}

/// Where the Markdown handbook `path` keeps its diagram: `<stem>-diagram.svg` beside it.
#[must_use]
pub fn diagram_beside(path: &Path) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || "handbook".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    path.with_file_name(format!("{stem}-diagram.svg"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::handbook;

    #[test]
    fn markdown_writes_its_diagram_beside_it() {
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let map = ProcessMap {
            title: "Tiny".into(),
            ..ProcessMap::default()
        };
        let book = handbook::build(&map, None, "2026-12-01".into());
        let path = folder.path().join("book.md");
        let written = export(&book, &map, Format::Markdown, &path, pdf::Paper::A4)
            .unwrap_or_else(|e| panic!("{e}"));
        let what: Vec<&str> = written.iter().map(|w| w.what).collect();
        assert_eq!(what, ["SVG", "Markdown"]);
        assert!(folder.path().join("book-diagram.svg").is_file());
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(text.contains("book-diagram.svg"), "{text}");
    }
}
