//! The print-ready PDF handbook (krilla). Layout happens first into pages of simple drawing
//! operations, so the table of contents can name the page of every section; then the pages are
//! written with embedded, subset fonts and real (selectable, searchable) text.

use std::num::NonZeroU32;

use krilla::Document;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{Path, PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, FillRule, LineCap, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};

use super::diagram::{self, Area, Diagram, fit_text};
use super::handbook::{Block, Handbook, counts, notes_blocks};
use crate::model::FORMAT_VERSION;
use crate::palette::{self, Rgb};
use crate::report::text::hours;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

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
const TEXT: Rgb = (34, 34, 34);
const MUTED: Rgb = (110, 110, 110);
const RULE: Rgb = (200, 200, 200);

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

struct PageOps {
    width: f32,
    height: f32,
    ops: Vec<Op>,
    section: Option<usize>,
}

/// Text measuring with the same shaping krilla uses.
struct Measure {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
}

impl Measure {
    fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: rustybuzz::Face::from_slice(REGULAR, 0).ok_or(PdfError::Font)?,
            bold: rustybuzz::Face::from_slice(BOLD, 0).ok_or(PdfError::Font)?,
        })
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "glyph advances are small integers"
    )]
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let advance: i32 = rustybuzz::shape(face, &[], buffer)
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance)
            .sum();
        advance as f32 / face.units_per_em() as f32 * size
    }

    /// Greedy word wrap to `width`; words longer than a line are broken by characters.
    fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, size, bold) <= width {
                    word.clone_into(&mut line);
                } else {
                    let mut piece = String::new();
                    for c in word.chars() {
                        piece.push(c);
                        if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                            piece.pop();
                            lines.push(std::mem::take(&mut piece));
                            piece.push(c);
                        }
                    }
                    line = piece;
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// Lays out the flowing content of the handbook onto pages.
struct Layout<'m> {
    measure: &'m Measure,
    pages: Vec<PageOps>,
    portrait: (f32, f32),
    y: f32,
    section: Option<usize>,
    section_pages: Vec<usize>,
}

impl Layout<'_> {
    fn content_width(&self) -> f32 {
        self.portrait.0 - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.portrait.1 - MARGIN - FOOTER
    }

    fn new_page(&mut self) {
        self.pages.push(PageOps {
            width: self.portrait.0,
            height: self.portrait.1,
            ops: Vec::new(),
            section: self.section,
        });
        self.y = MARGIN + HEADER;
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() || self.pages.last().is_some_and(|p| p.width > p.height)
        {
            self.new_page();
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, colour: Rgb, text: &str) {
        let y = self.y + size;
        self.op(Op::Text {
            x,
            y,
            size,
            bold,
            colour,
            text: text.to_owned(),
        });
    }

    /// Wrapped text at `indent`, advancing the cursor; breaks pages between lines.
    fn lines(&mut self, text: &str, indent: f32, size: f32, bold: bool, colour: Rgb) {
        let width = self.content_width() - indent;
        for line in self.measure.wrap(text, width, size, bold) {
            self.ensure(size * 1.4);
            self.text(MARGIN + indent, size, bold, colour, &line);
            self.y += size * 1.4;
        }
    }

    fn section_title(&mut self, number: usize, title: &str) {
        self.section = Some(number - 1);
        self.new_page();
        self.section_pages.push(self.pages.len() - 1);
        self.text(MARGIN, 20.0, true, TEXT, &format!("{number}. {title}"));
        self.y += 34.0;
    }

    fn heading(&mut self, text: &str) {
        self.ensure(110.0);
        self.y += 8.0;
        self.lines(text, 0.0, 13.0, true, TEXT);
        self.y += 2.0;
    }

    fn block(&mut self, block: &Block, handbook: &Handbook<'_>, diagram: &Diagram) {
        match block {
            Block::Heading(text) => self.heading(text),
            Block::Paragraph(text) => {
                self.lines(text, 0.0, 10.5, false, TEXT);
                self.y += 6.0;
            }
            Block::Strong(text) => {
                self.lines(text, 0.0, 12.0, true, TEXT);
                self.y += 8.0;
            }
            Block::Bullets(items) => {
                for item in items {
                    self.ensure(15.0);
                    self.text(MARGIN + 6.0, 10.5, false, TEXT, "•");
                    self.lines(item, 18.0, 10.5, false, TEXT);
                }
                self.y += 6.0;
            }
            Block::Fields(fields) => {
                let label_width = 110.0;
                // Keep a short list of fields (a step's card) on one page.
                let total: usize = fields
                    .iter()
                    .map(|(_, v)| {
                        self.measure
                            .wrap(v, self.content_width() - label_width, 10.0, false)
                            .len()
                    })
                    .sum();
                #[allow(clippy::cast_precision_loss, reason = "a few lines")]
                let height = 14.0 * total as f32;
                if height < 250.0 {
                    self.ensure(height);
                }
                for (label, value) in fields {
                    let lines =
                        self.measure
                            .wrap(value, self.content_width() - label_width, 10.0, false);
                    #[allow(clippy::cast_precision_loss, reason = "a few lines")]
                    self.ensure(14.0 * lines.len().min(3) as f32);
                    self.text(MARGIN, 10.0, true, MUTED, label);
                    for line in lines {
                        self.ensure(14.0);
                        self.text(MARGIN + label_width, 10.0, false, TEXT, &line);
                        self.y += 14.0;
                    }
                }
                self.y += 6.0;
            }
            Block::Table { columns, rows } => self.table(columns, rows),
            Block::Notes(notes) => {
                for block in notes_blocks(notes) {
                    self.block(&block, handbook, diagram);
                }
            }
            Block::Diagram => self.diagram_pages(diagram, &handbook.map.title),
            Block::Histogram => self.histogram(handbook),
            Block::Legend => {
                self.heading("Owners");
                for (index, owner) in handbook.map.owners.values().enumerate() {
                    self.ensure(16.0);
                    self.op(Op::Rect {
                        area: Area {
                            x: MARGIN,
                            y: self.y + 1.0,
                            w: 10.0,
                            h: 10.0,
                        },
                        radius: 2.0,
                        fill: Some(palette::owner(index)),
                        stroke: None,
                    });
                    self.text(
                        MARGIN + 16.0,
                        10.0,
                        false,
                        TEXT,
                        &format!("{} (capacity {})", owner.name, owner.capacity),
                    );
                    self.y += 16.0;
                }
                self.y += 6.0;
            }
            Block::Utilisation => self.utilisation(handbook),
        }
    }

    fn table(&mut self, columns: &[(String, f32)], rows: &[Vec<String>]) {
        let width = self.content_width();
        let size = 9.0;
        let line = 12.0;
        let widths: Vec<f32> = columns.iter().map(|(_, w)| w * width).collect();
        let header = |this: &mut Self| {
            this.ensure(line * 3.0);
            let mut x = MARGIN;
            this.op(Op::Rect {
                area: Area {
                    x: MARGIN,
                    y: this.y - 2.0,
                    w: width,
                    h: line + 4.0,
                },
                radius: 0.0,
                fill: Some((236, 239, 243)),
                stroke: None,
            });
            for ((title, _), w) in columns.iter().zip(&widths) {
                let title = fit_text(title, w - 6.0, |t| this.measure.width(t, size, true));
                this.text(x + 3.0, size, true, TEXT, &title);
                x += w;
            }
            this.y += line + 4.0;
        };
        header(self);
        for (r, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(text, w)| self.measure.wrap(text, w - 6.0, size, false))
                .collect();
            let height_lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            #[allow(clippy::cast_precision_loss, reason = "a few lines")]
            let height = line * height_lines as f32 + 4.0;
            if self.y + height > self.bottom() {
                self.new_page();
                header(self);
            }
            if r % 2 == 1 {
                self.op(Op::Rect {
                    area: Area {
                        x: MARGIN,
                        y: self.y - 2.0,
                        w: width,
                        h: height,
                    },
                    radius: 0.0,
                    fill: Some((248, 249, 251)),
                    stroke: None,
                });
            }
            let mut x = MARGIN;
            let top = self.y;
            for (lines, w) in cells.iter().zip(&widths) {
                for (i, text) in lines.iter().enumerate() {
                    #[allow(clippy::cast_precision_loss, reason = "a few lines")]
                    let y = top + line * i as f32 + size;
                    self.op(Op::Text {
                        x: x + 3.0,
                        y,
                        size,
                        bold: false,
                        colour: TEXT,
                        text: text.clone(),
                    });
                }
                x += w;
            }
            self.y += height;
            self.op(Op::Line {
                a: (MARGIN, self.y - 2.0),
                b: (MARGIN + width, self.y - 2.0),
                colour: RULE,
                width: 0.5,
                dashed: false,
            });
        }
        self.y += 10.0;
    }

    /// A landscape page for the drawing, with its heading.
    fn landscape_page(&self, width: f32, height: f32, heading: String) -> PageOps {
        PageOps {
            width,
            height,
            ops: vec![Op::Text {
                x: MARGIN,
                y: MARGIN + HEADER + 8.0,
                size: 11.0,
                bold: true,
                colour: TEXT,
                text: heading,
            }],
            section: self.section,
        }
    }

    /// The diagram on landscape pages: one page when it stays readable, else an overview page
    /// and numbered sheets with overlap.
    fn diagram_pages(&mut self, diagram: &Diagram, title: &str) {
        let (w, h) = (self.portrait.1, self.portrait.0);
        let avail = (w - 2.0 * MARGIN, h - 2.0 * MARGIN - HEADER - 24.0);
        let b = diagram.bounds;
        let fit = (avail.0 / (b.w + 40.0))
            .min(avail.1 / (b.h + 40.0))
            .min(1.0);
        let origin = (MARGIN, MARGIN + HEADER + 20.0);
        if fit >= 0.55 {
            let mut page = self.landscape_page(w, h, format!("{title}: process map"));
            let offset = (
                origin.0 + (avail.0 - b.w * fit) / 2.0,
                origin.1 + (avail.1 - b.h * fit) / 2.0,
            );
            draw_diagram(
                &mut page.ops,
                diagram,
                self.measure,
                fit,
                (b.x, b.y),
                offset,
                None,
            );
            self.pages.push(page);
        } else {
            let scale = 0.7;
            let overlap = 40.0;
            let tile = (avail.0 / scale, avail.1 / scale);
            let cols = ((b.w - overlap) / (tile.0 - overlap)).ceil().max(1.0);
            let rows = ((b.h - overlap) / (tile.1 - overlap)).ceil().max(1.0);
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "small positive counts"
            )]
            let (cols, rows) = (cols as usize, rows as usize);
            let sheet = |r: usize, c: usize| {
                format!(
                    "{}{}",
                    char::from(b'A' + u8::try_from(r % 26).unwrap_or(0)),
                    c + 1
                )
            };
            let tile_area = |r: usize, c: usize| {
                #[allow(clippy::cast_precision_loss, reason = "small counts")]
                Area {
                    x: b.x + c as f32 * (tile.0 - overlap),
                    y: b.y + r as f32 * (tile.1 - overlap),
                    w: tile.0,
                    h: tile.1,
                }
            };
            // Overview with the sheet grid.
            let mut page = self.landscape_page(
                w,
                h,
                format!(
                    "{title}: overview ({} sheets follow, {rows} rows x {cols} columns)",
                    rows * cols
                ),
            );
            let overview = (avail.0 / b.w).min(avail.1 / b.h);
            draw_diagram(
                &mut page.ops,
                diagram,
                self.measure,
                overview,
                (b.x, b.y),
                origin,
                None,
            );
            for r in 0..rows {
                for c in 0..cols {
                    let t = tile_area(r, c);
                    // The last sheets of a row or column reach past the map: draw their used part.
                    let area = Area {
                        x: origin.0 + (t.x - b.x) * overview,
                        y: origin.1 + (t.y - b.y) * overview,
                        w: (t.right().min(b.right()) - t.x).max(0.0) * overview,
                        h: (t.bottom().min(b.bottom()) - t.y).max(0.0) * overview,
                    };
                    page.ops.push(Op::Rect {
                        area,
                        radius: 0.0,
                        fill: None,
                        stroke: Some((palette::ACCENT, 0.8)),
                    });
                    page.ops.push(Op::Text {
                        x: area.x + 3.0,
                        y: area.y + 11.0,
                        size: 10.0,
                        bold: true,
                        colour: palette::ACCENT,
                        text: sheet(r, c),
                    });
                }
            }
            self.pages.push(page);
            for r in 0..rows {
                for c in 0..cols {
                    let t = tile_area(r, c);
                    let mut page = self.landscape_page(w, h, format!("{title}: sheet {} (row {}, column {} of {rows} x {cols}); dashed lines mark the overlap with the next sheets", sheet(r, c), r + 1, c + 1));
                    page.ops.push(Op::Clip(Area {
                        x: origin.0,
                        y: origin.1,
                        w: avail.0,
                        h: avail.1,
                    }));
                    draw_diagram(
                        &mut page.ops,
                        diagram,
                        self.measure,
                        scale,
                        (t.x, t.y),
                        origin,
                        Some(t),
                    );
                    page.ops.push(Op::Unclip);
                    // Overlap marks: where the next sheet to the right and below begins.
                    let mark = |x: f32| origin.0 + (x - t.x) * scale;
                    let mark_y = |y: f32| origin.1 + (y - t.y) * scale;
                    if c + 1 < cols {
                        let x = mark(t.right() - overlap);
                        page.ops.push(Op::Line {
                            a: (x, origin.1),
                            b: (x, origin.1 + avail.1),
                            colour: palette::ACCENT,
                            width: 0.8,
                            dashed: true,
                        });
                        page.ops.push(Op::Text {
                            x: x + 3.0,
                            y: origin.1 + avail.1 - 3.0,
                            size: 8.0,
                            bold: false,
                            colour: palette::ACCENT,
                            text: format!("{} ->", sheet(r, c + 1)),
                        });
                    }
                    if r + 1 < rows {
                        let y = mark_y(t.bottom() - overlap);
                        page.ops.push(Op::Line {
                            a: (origin.0, y),
                            b: (origin.0 + avail.0, y),
                            colour: palette::ACCENT,
                            width: 0.8,
                            dashed: true,
                        });
                        page.ops.push(Op::Text {
                            x: origin.0 + 3.0,
                            y: y + 10.0,
                            size: 8.0,
                            bold: false,
                            colour: palette::ACCENT,
                            text: format!("{} below", sheet(r + 1, c)),
                        });
                    }
                    page.ops.push(Op::Rect {
                        area: Area {
                            x: origin.0,
                            y: origin.1,
                            w: avail.0,
                            h: avail.1,
                        },
                        radius: 0.0,
                        fill: None,
                        stroke: Some((RULE, 0.5)),
                    });
                    self.pages.push(page);
                }
            }
        }
        // Whatever follows the drawing starts on a new portrait page, when there is any.
        self.y = f32::INFINITY;
    }

    fn histogram(&mut self, handbook: &Handbook<'_>) {
        let Some(result) = handbook.results else {
            return;
        };
        let histogram = &result.cycle_time.histogram;
        let (w, h) = (self.content_width(), 170.0);
        self.ensure(h + 30.0);
        let plot = Area {
            x: MARGIN + 40.0,
            y: self.y + 6.0,
            w: w - 50.0,
            h: h - 30.0,
        };
        let max = histogram.counts.iter().copied().max().unwrap_or(1).max(1);
        #[allow(clippy::cast_precision_loss, reason = "bin counts for a chart")]
        let (bins, max_f) = (histogram.counts.len().max(1) as f32, max as f32);
        #[allow(clippy::cast_possible_truncation, reason = "chart coordinates")]
        let span = (histogram.bin_hours as f32 * bins).max(f32::EPSILON);
        let x_of = |hours: f64| {
            #[allow(clippy::cast_possible_truncation, reason = "chart coordinates")]
            let hours = hours as f32;
            plot.x + plot.w * (hours / span).clamp(0.0, 1.0)
        };
        for (i, &count) in histogram.counts.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "bin index and counts")]
            let (i, count) = (i as f32, count as f32);
            let bar_h = plot.h * count / max_f;
            let bw = plot.w / bins;
            self.op(Op::Rect {
                area: Area {
                    x: plot.x + i * bw + 0.5,
                    y: plot.bottom() - bar_h,
                    w: (bw - 1.0).max(0.5),
                    h: bar_h,
                },
                radius: 0.0,
                fill: Some(palette::PARALLEL),
                stroke: None,
            });
        }
        self.op(Op::Line {
            a: (plot.x, plot.bottom()),
            b: (plot.right(), plot.bottom()),
            colour: MUTED,
            width: 0.8,
            dashed: false,
        });
        self.op(Op::Line {
            a: (plot.x, plot.y),
            b: (plot.x, plot.bottom()),
            colour: MUTED,
            width: 0.8,
            dashed: false,
        });
        for k in 0..=4u8 {
            let fraction = f32::from(k) / 4.0;
            let x = plot.x + plot.w * fraction;
            self.op(Op::Line {
                a: (x, plot.bottom()),
                b: (x, plot.bottom() + 3.0),
                colour: MUTED,
                width: 0.8,
                dashed: false,
            });
            let label = hours(f64::from(span * fraction));
            let lw = self.measure.width(&label, 8.0, false);
            self.op(Op::Text {
                x: x - lw / 2.0,
                y: plot.bottom() + 13.0,
                size: 8.0,
                bold: false,
                colour: MUTED,
                text: label,
            });
        }
        self.op(Op::Text {
            x: MARGIN,
            y: plot.y + 8.0,
            size: 8.0,
            bold: false,
            colour: MUTED,
            text: max.to_string(),
        });
        self.op(Op::Text {
            x: MARGIN,
            y: plot.bottom(),
            size: 8.0,
            bold: false,
            colour: MUTED,
            text: "0".into(),
        });
        let mut marks = vec![(
            result.cycle_time.p90,
            palette::ACCENT,
            format!("p90 {}", hours(result.cycle_time.p90)),
        )];
        if let Some(sla) = &result.sla {
            marks.push((
                sla.target_hours,
                palette::ERROR,
                format!("SLA {}", hours(sla.target_hours)),
            ));
        }
        for (i, (at, colour, label)) in marks.into_iter().enumerate() {
            let x = x_of(at);
            self.op(Op::Line {
                a: (x, plot.y),
                b: (x, plot.bottom()),
                colour,
                width: 1.2,
                dashed: true,
            });
            #[allow(clippy::cast_precision_loss, reason = "two labels")]
            let y = plot.y + 10.0 + 11.0 * i as f32;
            self.op(Op::Text {
                x: (x + 3.0).min(plot.right() - 60.0),
                y,
                size: 8.0,
                bold: true,
                colour,
                text: label,
            });
        }
        self.y += h + 10.0;
        if histogram.beyond > 0 {
            let note = format!(
                "{} slowest cases (over {}) are not drawn; the longest took {}.",
                histogram.beyond,
                hours(f64::from(span)),
                hours(result.cycle_time.max)
            );
            self.lines(&note, 0.0, 8.5, false, MUTED);
            self.y += 4.0;
        }
    }

    fn utilisation(&mut self, handbook: &Handbook<'_>) {
        let Some(result) = handbook.results else {
            return;
        };
        let label_w = 150.0;
        let bar_w = self.content_width() - label_w - 50.0;
        for id in &result.bottlenecks {
            let Some(owner) = result.owners.get(id) else {
                continue;
            };
            self.ensure(18.0);
            let name = handbook
                .map
                .owners
                .get(id)
                .map_or(id.as_str(), |o| o.name.as_str());
            let name = fit_text(name, label_w - 8.0, |t| self.measure.width(t, 9.5, false));
            self.text(MARGIN, 9.5, false, TEXT, &name);
            let u = owner.utilization.mean.clamp(0.0, 1.0);
            let colour = if u >= 0.85 {
                palette::ERROR
            } else if u >= 0.7 {
                palette::WARNING
            } else {
                palette::GOOD
            };
            let x = MARGIN + label_w;
            self.op(Op::Rect {
                area: Area {
                    x,
                    y: self.y + 1.0,
                    w: bar_w,
                    h: 11.0,
                },
                radius: 2.0,
                fill: Some((236, 239, 243)),
                stroke: None,
            });
            #[allow(clippy::cast_possible_truncation, reason = "a fraction")]
            let filled = bar_w * u as f32;
            self.op(Op::Rect {
                area: Area {
                    x,
                    y: self.y + 1.0,
                    w: filled.max(0.5),
                    h: 11.0,
                },
                radius: 2.0,
                fill: Some(colour),
                stroke: None,
            });
            self.text(
                x + bar_w + 6.0,
                9.5,
                true,
                TEXT,
                &format!("{:.0}%", owner.utilization.mean * 100.0),
            );
            self.y += 18.0;
        }
        let x = MARGIN + label_w + bar_w * 0.85;
        self.op(Op::Line {
            #[allow(clippy::cast_precision_loss, reason = "a handful of owners")]
            a: (x, self.y - 18.0 * (result.bottlenecks.len().max(1) as f32)),
            b: (x, self.y),
            colour: palette::ERROR,
            width: 0.8,
            dashed: true,
        });
        self.text(x - 10.0, 8.0, false, palette::ERROR, "85%");
        self.y += 18.0;
    }
}

/// Draws the diagram at `scale`: canvas point `from` maps to page point `to`; with `clip`, only
/// what intersects that canvas area.
fn draw_diagram(
    ops: &mut Vec<Op>,
    diagram: &Diagram,
    measure: &Measure,
    scale: f32,
    from: (f32, f32),
    to: (f32, f32),
    clip: Option<Area>,
) {
    let p = |(x, y): (f32, f32)| (to.0 + (x - from.0) * scale, to.1 + (y - from.1) * scale);
    let visible = |a: &Area| clip.is_none_or(|c| c.intersects(a));
    for wire in &diagram.wires {
        let [a, b, c, d] = wire.points;
        let bounds = Area {
            x: a.0.min(d.0),
            y: a.1.min(d.1),
            w: (a.0 - d.0).abs() + 1.0,
            h: (a.1 - d.1).abs() + 1.0,
        };
        if !visible(&bounds) {
            continue;
        }
        ops.push(Op::Curve {
            points: [p(a), p(b), p(c), p(d)],
            colour: wire.colour,
            width: 1.2 * scale.max(0.6),
            dashed: wire.dashed,
        });
        if wire.arrow {
            let (tip, back) = (p(d), p(c));
            let (dx, dy) = (tip.0 - back.0, tip.1 - back.1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-3);
            let (ux, uy) = (dx / len, dy / len);
            let size = 7.0 * scale.max(0.6);
            ops.push(Op::Triangle {
                points: [
                    tip,
                    (
                        tip.0 - ux * size - uy * size * 0.5,
                        tip.1 - uy * size + ux * size * 0.5,
                    ),
                    (
                        tip.0 - ux * size + uy * size * 0.5,
                        tip.1 - uy * size - ux * size * 0.5,
                    ),
                ],
                colour: wire.colour,
            });
        }
    }
    for shape in &diagram.boxes {
        if !visible(&shape.area) {
            continue;
        }
        let a = shape.area;
        let (x, y) = p((a.x, a.y));
        let area = Area {
            x,
            y,
            w: a.w * scale,
            h: a.h * scale,
        };
        let fill = palette::mix((255, 255, 255), shape.colour, 0.12);
        let width = if shape.kind == Some(crate::model::NodeKind::End) {
            2.2
        } else {
            1.3
        } * scale.max(0.6);
        ops.push(Op::Rect {
            area,
            radius: (shape.radius * scale).min(area.h / 2.0),
            fill: Some(fill),
            stroke: Some((shape.colour, width)),
        });
        let mut tx = area.x + 8.0 * scale;
        let title_size = 11.0 * scale;
        let baseline = area.y + 18.0 * scale;
        if let Some(tag) = shape.tag {
            let tag_size = 7.0 * scale;
            let tw = measure.width(tag, tag_size, true) + 6.0 * scale;
            ops.push(Op::Rect {
                area: Area {
                    x: tx,
                    y: baseline - 9.0 * scale,
                    w: tw,
                    h: 11.0 * scale,
                },
                radius: 2.0 * scale,
                fill: Some(shape.colour),
                stroke: None,
            });
            ops.push(Op::Text {
                x: tx + 3.0 * scale,
                y: baseline - 1.0 * scale,
                size: tag_size,
                bold: true,
                colour: (255, 255, 255),
                text: tag.to_owned(),
            });
            tx += tw + 4.0 * scale;
        }
        let title = fit_text(&shape.title, area.x + area.w - tx - 6.0 * scale, |t| {
            measure.width(t, title_size, true)
        });
        ops.push(Op::Text {
            x: tx,
            y: baseline,
            size: title_size,
            bold: true,
            colour: TEXT,
            text: title,
        });
        let line_size = 9.0 * scale;
        for (i, line) in shape.lines.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "a few lines")]
            let ly = baseline + (15.0 + 12.5 * i as f32) * scale;
            if ly > area.y + area.h - 3.0 * scale {
                break;
            }
            let text = fit_text(line, area.w - 14.0 * scale, |t| {
                measure.width(t, line_size, false)
            });
            ops.push(Op::Text {
                x: area.x + 8.0 * scale,
                y: ly,
                size: line_size,
                bold: false,
                colour: (70, 70, 70),
                text,
            });
        }
    }
    for wire in &diagram.wires {
        let Some(label) = &wire.label else { continue };
        let (mx, my) = wire.middle();
        if clip.is_some_and(|c| {
            !c.intersects(&Area {
                x: mx - 1.0,
                y: my - 1.0,
                w: 2.0,
                h: 2.0,
            })
        }) {
            continue;
        }
        let (x, y) = p((mx, my));
        let size = 9.0 * scale;
        let tw = measure.width(label, size, false) + 8.0 * scale;
        ops.push(Op::Rect {
            area: Area {
                x: x - tw / 2.0,
                y: y - 7.0 * scale,
                w: tw,
                h: 13.0 * scale,
            },
            radius: 3.0 * scale,
            fill: Some((255, 255, 255)),
            stroke: Some((palette::DECISION, 0.8 * scale)),
        });
        ops.push(Op::Text {
            x: x - tw / 2.0 + 4.0 * scale,
            y: y + 3.5 * scale,
            size,
            bold: false,
            colour: TEXT,
            text: label.clone(),
        });
    }
}

fn fill(colour: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke(colour: Rgb, width: f32, dashed: bool) -> Stroke {
    Stroke {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        width,
        line_cap: LineCap::Round,
        dash: dashed.then(|| StrokeDash {
            array: vec![4.0 * width.max(0.6), 3.0 * width.max(0.6)],
            offset: 0.0,
        }),
        ..Stroke::default()
    }
}

fn rounded_rect(area: Area, r: f32) -> Option<Path> {
    let Area { x, y, w, h } = area;
    let mut pb = PathBuilder::new();
    if r <= 0.1 {
        pb.push_rect(Rect::from_xywh(x, y, w.max(0.01), h.max(0.01))?);
        return pb.finish();
    }
    let r = r.min(w / 2.0).min(h / 2.0);
    let k = 0.552_284_8 * r;
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

/// Renders the handbook as PDF bytes.
///
/// # Errors
/// [`PdfError`] when the font or the document cannot be written.
pub fn render(handbook: &Handbook<'_>, paper: Paper) -> Result<Vec<u8>, PdfError> {
    let measure = Measure::new()?;
    let diagram = diagram::layout(handbook.map);
    let mut layout = Layout {
        measure: &measure,
        pages: Vec::new(),
        portrait: paper.size(),
        y: 0.0,
        section: None,
        section_pages: Vec::new(),
    };
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
                colour: MUTED,
                text: "(continued)".into(),
            });
        }
    }
    let links = title_page(&mut pages, handbook, &section_pages, &measure);
    let total = pages.len();
    let title = handbook.map.title.clone();
    for (index, page) in pages.iter_mut().enumerate().skip(1) {
        let section = page
            .section
            .and_then(|s| handbook.sections.get(s))
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let (w, h) = (page.width, page.height);
        let right = section.clone();
        let rw = measure.width(&right, 8.5, false);
        page.ops.push(Op::Text {
            x: MARGIN,
            y: MARGIN + 8.5,
            size: 8.5,
            bold: true,
            colour: MUTED,
            text: fit_text(&title, w / 2.0, |t| measure.width(t, 8.5, true)),
        });
        page.ops.push(Op::Text {
            x: w - MARGIN - rw,
            y: MARGIN + 8.5,
            size: 8.5,
            bold: false,
            colour: MUTED,
            text: right,
        });
        page.ops.push(Op::Line {
            a: (MARGIN, MARGIN + 14.0),
            b: (w - MARGIN, MARGIN + 14.0),
            colour: RULE,
            width: 0.5,
            dashed: false,
        });
        let footer = format!("Page {} of {total}", index + 1);
        let fw = measure.width(&footer, 8.5, false);
        page.ops.push(Op::Text {
            x: (w - fw) / 2.0,
            y: h - MARGIN + 4.0,
            size: 8.5,
            bold: false,
            colour: MUTED,
            text: footer,
        });
        let date_w = measure.width(&handbook.date, 8.5, false);
        page.ops.push(Op::Text {
            x: w - MARGIN - date_w,
            y: h - MARGIN + 4.0,
            size: 8.5,
            bold: false,
            colour: MUTED,
            text: handbook.date.clone(),
        });
    }
    write(&pages, handbook, &section_pages, &links)
}

/// The title page with its table of contents; returns the link rectangles (area, page index).
fn title_page(
    pages: &mut [PageOps],
    handbook: &Handbook<'_>,
    section_pages: &[usize],
    measure: &Measure,
) -> Vec<(Area, usize)> {
    let Some(page) = pages.first_mut() else {
        return Vec::new();
    };
    let width = page.width - 2.0 * MARGIN;
    let map = handbook.map;
    let mut y = 120.0;
    page.ops.push(Op::Rect {
        area: Area {
            x: 0.0,
            y: 0.0,
            w: page.width,
            h: 14.0,
        },
        radius: 0.0,
        fill: Some(palette::PARALLEL),
        stroke: None,
    });
    page.ops.push(Op::Text {
        x: MARGIN,
        y: 90.0,
        size: 11.0,
        bold: true,
        colour: palette::PARALLEL,
        text: "PROCESS HANDBOOK".into(),
    });
    for line in measure.wrap(&map.title, width, 28.0, true) {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 22.0,
            size: 28.0,
            bold: true,
            colour: TEXT,
            text: line,
        });
        y += 36.0;
    }
    y += 10.0;
    for line in measure.wrap(&map.description, width, 12.0, false) {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 12.0,
            size: 12.0,
            bold: false,
            colour: TEXT,
            text: line,
        });
        y += 17.0;
    }
    y += 20.0;
    let (steps, owners, services) = counts(map);
    let mut facts = vec![
        ("Date", handbook.date.clone()),
        (
            "File format",
            format!("Procmap map format {FORMAT_VERSION}"),
        ),
        (
            "Contents",
            format!(
                "{steps} steps, {owners} owners, {services} services, {} flows",
                map.flows.len()
            ),
        ),
    ];
    if let Some(sla) = map.sla {
        facts.push((
            "End-to-end SLA",
            format!("{} for {:.0}% of cases", sla.target, sla.within * 100.0),
        ));
    }
    if handbook.results.is_some() {
        facts.push((
            "Simulation",
            "results included (section Simulation results)".to_owned(),
        ));
    }
    for (label, value) in facts {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 10.0,
            size: 10.0,
            bold: true,
            colour: MUTED,
            text: label.to_owned(),
        });
        page.ops.push(Op::Text {
            x: MARGIN + 110.0,
            y: y + 10.0,
            size: 10.0,
            bold: false,
            colour: TEXT,
            text: value,
        });
        y += 16.0;
    }
    y += 30.0;
    page.ops.push(Op::Text {
        x: MARGIN,
        y: y + 16.0,
        size: 16.0,
        bold: true,
        colour: TEXT,
        text: "Contents".into(),
    });
    y += 30.0;
    let mut links = Vec::new();
    for (i, section) in handbook.sections.iter().enumerate() {
        let target = section_pages.get(i).copied().unwrap_or(0);
        let label = format!("{}. {}", i + 1, section.title);
        let number = (target + 1).to_string();
        let nw = measure.width(&number, 11.0, false);
        let lw = measure.width(&label, 11.0, false);
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 11.0,
            size: 11.0,
            bold: false,
            colour: TEXT,
            text: label,
        });
        page.ops.push(Op::Line {
            a: (MARGIN + lw + 6.0, y + 10.0),
            b: (MARGIN + width - nw - 6.0, y + 10.0),
            colour: RULE,
            width: 0.8,
            dashed: true,
        });
        page.ops.push(Op::Text {
            x: MARGIN + width - nw,
            y: y + 11.0,
            size: 11.0,
            bold: false,
            colour: TEXT,
            text: number,
        });
        links.push((
            Area {
                x: MARGIN,
                y,
                w: width,
                h: 15.0,
            },
            target,
        ));
        y += 19.0;
    }
    links
}

fn write(
    pages: &[PageOps],
    handbook: &Handbook<'_>,
    section_pages: &[usize],
    links: &[(Area, usize)],
) -> Result<Vec<u8>, PdfError> {
    let regular = Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?;
    let mut document = Document::new();
    let mut metadata = Metadata::new()
        .title(handbook.map.title.clone())
        .creator("Procmap".to_owned());
    let mut date = handbook
        .date
        .split('-')
        .filter_map(|p| p.parse::<u32>().ok());
    if let (Some(y), Some(m), Some(d)) = (date.next(), date.next(), date.next()) {
        if let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) {
            metadata = metadata.creation_date(DateTime::new(y).month(m).day(d));
        }
    }
    document.set_metadata(metadata);
    for (index, page_ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page_ops.width, page_ops.height)
            .ok_or_else(|| PdfError::Write("bad page size".into()))?
            .with_page_label(PageLabel::new(
                Some(NumberingStyle::Arabic),
                None,
                NonZeroU32::new(u32::try_from(index + 1).unwrap_or(1)),
            ));
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut clips = 0_usize;
        for op in &page_ops.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    colour,
                    text,
                } => {
                    if text.is_empty() {
                        continue;
                    }
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*colour)));
                    let font = if *is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect {
                    area,
                    radius,
                    fill: f,
                    stroke: s,
                } => {
                    let Some(path) = rounded_rect(*area, *radius) else {
                        continue;
                    };
                    surface.set_fill(f.map(fill));
                    surface.set_stroke(s.map(|(c, w)| stroke(c, w, false)));
                    surface.draw_path(&path);
                }
                Op::Line {
                    a,
                    b,
                    colour,
                    width,
                    dashed,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(a.0, a.1);
                    pb.line_to(b.0, b.1);
                    let Some(path) = pb.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(stroke(*colour, *width, *dashed)));
                    surface.draw_path(&path);
                }
                Op::Curve {
                    points,
                    colour,
                    width,
                    dashed,
                } => {
                    let [a, b, c, d] = *points;
                    let mut pb = PathBuilder::new();
                    pb.move_to(a.0, a.1);
                    pb.cubic_to(b.0, b.1, c.0, c.1, d.0, d.1);
                    let Some(path) = pb.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(stroke(*colour, *width, *dashed)));
                    surface.draw_path(&path);
                }
                Op::Triangle { points, colour } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(points[0].0, points[0].1);
                    pb.line_to(points[1].0, points[1].1);
                    pb.line_to(points[2].0, points[2].1);
                    pb.close();
                    let Some(path) = pb.finish() else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*colour)));
                    surface.draw_path(&path);
                }
                Op::Clip(area) => {
                    if let Some(path) = rounded_rect(*area, 0.0) {
                        surface.push_clip_path(&path, &FillRule::NonZero);
                        clips += 1;
                    }
                }
                Op::Unclip => {
                    if clips > 0 {
                        surface.pop();
                        clips -= 1;
                    }
                }
            }
        }
        // Every clip must be closed before the surface ends (krilla panics otherwise).
        for _ in 0..clips {
            surface.pop();
        }
        surface.finish();
        if index == 0 {
            for (area, target) in links {
                if *target >= pages.len() {
                    continue;
                }
                let Some(rect) = Rect::from_xywh(area.x, area.y, area.w, area.h) else {
                    continue;
                };
                let destination = XyzDestination::new(*target, Point::from_xy(0.0, 0.0));
                page.add_annotation(Annotation::new_link(
                    LinkAnnotation::new(rect, Target::Destination(destination.into())),
                    None,
                ));
            }
        }
        page.finish();
    }
    let mut outline = Outline::new();
    for (section, &page_index) in handbook.sections.iter().zip(section_pages) {
        outline.push_child(OutlineNode::new(
            section.title.clone(),
            XyzDestination::new(page_index, Point::from_xy(0.0, 0.0)),
        ));
    }
    document.set_outline(outline);
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}
