//! The print-ready PDF handbook (krilla). Layout happens first into pages of simple drawing
//! operations, so the table of contents can name the page of every section; then the pages are
//! written with embedded, subset fonts and real (selectable, searchable) text.
//!
//! By responsibility: `measure` (text widths and wrap), `layout` (flowing content), `sheets`
//! (the diagram on landscape pages), `charts` (histogram, utilisation), `title` (title page,
//! running header and footer) and `write` (the krilla writer). This file holds the public API
//! and the drawing operations that the others share.

mod charts;
mod layout;
mod measure;
mod sheets;
mod title;
mod write;

use self::layout::Layout;
use self::measure::Measure;
use crate::palette::{self, Rgb};
use crate::report::diagram::{self, Area};
use crate::report::handbook::Handbook;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Paper sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Paper {
    /// ISO A4 (210 x 297 mm).
    #[default]
    A4,
    /// US Letter (8.5 x 11 in).
    Letter,
}

impl Paper {
    /// Portrait width and height in points.
    #[must_use]
    pub fn size(self) -> (f32, f32) {
        match self {
            Self::A4 => (595.28, 841.89),
            Self::Letter => (612.0, 792.0),
        }
    }
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The bundled font could not be read (a build problem).
    #[error("the bundled font cannot be read")]
    Font,
    /// krilla refused the document.
    #[error("cannot write the PDF: {0}")]
    Write(String),
}

const MARGIN: f32 = 50.0;
const HEADER: f32 = 30.0;
const FOOTER: f32 = 30.0;

/// A drawing operation on a page, in points from the top-left corner.
#[derive(Clone, Debug)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        text: String,
    },
    Rect {
        area: Area,
        radius: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        a: (f32, f32),
        b: (f32, f32),
        colour: Rgb,
        width: f32,
        dashed: bool,
    },
    Curve {
        points: [(f32, f32); 4],
        colour: Rgb,
        width: f32,
        dashed: bool,
    },
    Triangle {
        points: [(f32, f32); 3],
        colour: Rgb,
    },
    /// Clip what follows to an area, until `Unclip`.
    Clip(Area),
    /// End the last clip.
    Unclip,
}

/// A laid-out page: its size, what to draw, and the section it belongs to (for the header).
struct PageOps {
    width: f32,
    height: f32,
    ops: Vec<Op>,
    section: Option<usize>,
}

/// Renders the handbook as PDF bytes.
///
/// # Errors
/// [`PdfError`] when the font or the document cannot be written.
pub fn render(handbook: &Handbook<'_>, paper: Paper) -> Result<Vec<u8>, PdfError> {
    let measure = Measure::new()?;
    let diagram = diagram::layout(handbook.map);
    let mut layout = Layout::new(&measure, paper.size());
    layout.new_page(); // the title page, filled in below
    for (i, section) in handbook.sections.iter().enumerate() {
        layout.section_title(i + 1, &section.title);
        for block in &section.blocks {
            layout.block(block, handbook, &diagram);
        }
    }
    // Drop a trailing empty page (e.g. after a diagram at the end of a section).
    let mut pages = layout.pages;
    let section_pages = layout.section_pages;
    while pages.len() > 1
        && pages.last().is_some_and(|p| p.ops.is_empty())
        && !section_pages.contains(&(pages.len() - 1))
    {
        pages.pop();
    }
    for (index, page) in pages.iter_mut().enumerate() {
        if page.ops.is_empty() && index != 0 {
            page.ops.push(Op::Text {
                x: MARGIN,
                y: MARGIN + HEADER + 12.0,
                size: 9.0,
                bold: false,
                colour: palette::MUTED,
                text: "(continued)".into(),
            });
        }
    }
    let links = title::title_page(&mut pages, handbook, &section_pages, &measure);
    title::running_heads(&mut pages, handbook, &measure);
    write::write(&pages, handbook, &section_pages, &links)
}
