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
mod plan;
mod sheets;
mod title;
mod week;
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

/// The meaning of a stretch of drawing, written as the PDF's structure tree (reading order,
/// headings, tables, figures with alternative text). Drawing outside every role, and inside
/// [`Role::Artifact`], is marked as an artifact (page furniture a screen reader skips).
#[derive(Clone, Debug, PartialEq)]
enum Role {
    /// A heading of this level (1: section titles).
    Heading(u16),
    /// A paragraph (also a field of a card, a list item, a table-of-contents entry).
    Paragraph,
    /// A figure with its alternative text.
    Figure(String),
    /// A table; holds rows.
    Table,
    /// A table row; holds cells.
    Row,
    /// A column header cell.
    HeaderCell,
    /// A data cell.
    Cell,
    /// Running heads, page numbers, rules and backgrounds.
    Artifact,
}

impl Role {
    /// Roles whose drawing is content (the others hold roles or are artifacts).
    fn is_leaf(&self) -> bool {
        matches!(
            self,
            Self::Heading(_) | Self::Paragraph | Self::Figure(_) | Self::HeaderCell | Self::Cell
        )
    }
}

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
    /// What the drawing up to the matching [`Op::End`] means, for the tagged (accessible)
    /// PDF: roles nest (a table holds rows, a row holds cells) and may span pages.
    Begin(Role),
    /// Ends the innermost [`Op::Begin`].
    End,
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
