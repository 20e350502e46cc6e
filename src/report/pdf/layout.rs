//! The layout engine: flowing text, headings, field lists, tables and the owner legend onto
//! portrait pages of drawing operations, breaking pages as needed. Diagram pages and charts
//! are laid out on the same [`Layout`] by `sheets` and `charts`. Nothing here writes PDF.

use super::measure::Measure;
use super::{FOOTER, HEADER, MARGIN, Op, PageOps, Role};
use crate::palette::{self, Rgb};
use crate::report::diagram::{Area, Diagram, fit_text};
use crate::report::handbook::{Block, Handbook, notes_blocks};

/// Lays out the flowing content of the handbook onto pages.
pub(super) struct Layout<'m> {
    pub(super) measure: &'m Measure,
    /// The pages so far; the last one is being filled.
    pub(super) pages: Vec<PageOps>,
    /// Width and height of a portrait page.
    pub(super) portrait: (f32, f32),
    /// The cursor: top of the next line on the last page.
    pub(super) y: f32,
    /// Index of the section being laid out.
    pub(super) section: Option<usize>,
    /// The page index where each section starts.
    pub(super) section_pages: Vec<usize>,
}

impl<'m> Layout<'m> {
    /// An empty layout on `portrait` pages.
    pub(super) fn new(measure: &'m Measure, portrait: (f32, f32)) -> Self {
        Self {
            measure,
            pages: Vec::new(),
            portrait,
            y: 0.0,
            section: None,
            section_pages: Vec::new(),
        }
    }

    pub(super) fn content_width(&self) -> f32 {
        self.portrait.0 - 2.0 * MARGIN
    }

    pub(super) fn bottom(&self) -> f32 {
        self.portrait.1 - MARGIN - FOOTER
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(PageOps {
            width: self.portrait.0,
            height: self.portrait.1,
            ops: Vec::new(),
            section: self.section,
        });
        self.y = MARGIN + HEADER;
    }

    pub(super) fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() || self.pages.last().is_some_and(|p| p.width > p.height)
        {
            self.new_page();
        }
    }

    pub(super) fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    /// Draws with a meaning for the tagged PDF (see [`Role`]).
    pub(super) fn tagged(&mut self, role: Role, draw: impl FnOnce(&mut Self)) {
        self.op(Op::Begin(role));
        draw(self);
        // A page break inside `draw` moved on to a new page: the role ends there.
        self.op(Op::End);
    }

    pub(super) fn text(&mut self, x: f32, size: f32, bold: bool, colour: Rgb, text: &str) {
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
    pub(super) fn lines(&mut self, text: &str, indent: f32, size: f32, bold: bool, colour: Rgb) {
        let width = self.content_width() - indent;
        for line in self.measure.wrap(text, width, size, bold) {
            self.ensure(size * 1.4);
            self.text(MARGIN + indent, size, bold, colour, &line);
            self.y += size * 1.4;
        }
    }

    pub(super) fn section_title(&mut self, number: usize, title: &str) {
        self.section = Some(number - 1);
        self.new_page();
        self.section_pages.push(self.pages.len() - 1);
        self.tagged(Role::Heading(1), |this| {
            this.text(
                MARGIN,
                20.0,
                true,
                palette::INK,
                &format!("{number}. {title}"),
            );
        });
        self.y += 34.0;
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.ensure(110.0);
        self.y += 8.0;
        self.tagged(Role::Heading(2), |this| {
            this.lines(text, 0.0, 13.0, true, palette::INK);
        });
        self.y += 2.0;
    }

    pub(super) fn block(&mut self, block: &Block, handbook: &Handbook<'_>, diagram: &Diagram) {
        match block {
            Block::Heading(text) => self.heading(text),
            Block::Paragraph(text) => {
                self.tagged(Role::Paragraph, |this| {
                    this.lines(text, 0.0, 10.5, false, palette::INK);
                });
                self.y += 6.0;
            }
            Block::Strong(text) => {
                self.tagged(Role::Paragraph, |this| {
                    this.lines(text, 0.0, 12.0, true, palette::INK);
                });
                self.y += 8.0;
            }
            Block::Bullets(items) => {
                for item in items {
                    self.ensure(15.0);
                    self.tagged(Role::Paragraph, |this| {
                        this.text(MARGIN + 6.0, 10.5, false, palette::INK, "•");
                        this.lines(item, 18.0, 10.5, false, palette::INK);
                    });
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
                    self.tagged(Role::Paragraph, |this| {
                        this.text(MARGIN, 10.0, true, palette::MUTED, label);
                        for line in lines {
                            this.ensure(14.0);
                            this.text(MARGIN + label_width, 10.0, false, palette::INK, &line);
                            this.y += 14.0;
                        }
                    });
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
                    self.tagged(Role::Paragraph, |this| {
                        this.text(
                            MARGIN + 16.0,
                            10.0,
                            false,
                            palette::INK,
                            &format!("{} (capacity {})", owner.name, owner.capacity),
                        );
                    });
                    self.y += 16.0;
                }
                self.y += 6.0;
            }
            Block::Utilization => self.utilization(handbook),
            Block::Week(id) => self.week_chart(handbook, id),
            Block::WeekHeat => self.week_heat(handbook),
            Block::HeadroomChart => self.headroom_chart(handbook),
            Block::Tornado => self.tornado(handbook),
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
                fill: Some(palette::SHADE),
                stroke: None,
            });
            this.op(Op::Begin(Role::Row));
            for ((title, _), w) in columns.iter().zip(&widths) {
                let title = fit_text(title, w - 6.0, |t| this.measure.width(t, size, true));
                this.tagged(Role::HeaderCell, |this| {
                    this.text(x + 3.0, size, true, palette::INK, &title);
                });
                x += w;
            }
            this.op(Op::End);
            this.y += line + 4.0;
        };
        self.op(Op::Begin(Role::Table));
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
                    fill: Some(palette::STRIPE),
                    stroke: None,
                });
            }
            let mut x = MARGIN;
            let top = self.y;
            self.op(Op::Begin(Role::Row));
            for (lines, w) in cells.iter().zip(&widths) {
                self.op(Op::Begin(Role::Cell));
                for (i, text) in lines.iter().enumerate() {
                    #[allow(clippy::cast_precision_loss, reason = "a few lines")]
                    let y = top + line * i as f32 + size;
                    self.op(Op::Text {
                        x: x + 3.0,
                        y,
                        size,
                        bold: false,
                        colour: palette::INK,
                        text: text.clone(),
                    });
                }
                self.op(Op::End);
                x += w;
            }
            self.op(Op::End);
            self.y += height;
            self.op(Op::Line {
                a: (MARGIN, self.y - 2.0),
                b: (MARGIN + width, self.y - 2.0),
                colour: palette::RULE,
                width: 0.5,
                dashed: false,
            });
        }
        self.op(Op::End);
        self.y += 10.0;
    }
}
