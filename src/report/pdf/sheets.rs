//! The diagram on landscape pages: on one page when it stays readable at that scale, else an
//! overview page with the sheet grid, then numbered sheets (A1, A2, B1...) that overlap a
//! little, with marks where the next sheet begins. [`draw_diagram`] turns the diagram into
//! drawing operations at any scale.

use super::layout::Layout;
use super::measure::Measure;
use super::{HEADER, MARGIN, Op, PageOps, Role};
use crate::palette;
use crate::report::diagram::{Area, Diagram, TITLE_LINE, fit_text};

/// The alternative text of the process map figures: what is on the map, in words.
fn diagram_alt(diagram: &Diagram, title: &str) -> String {
    use crate::model::{ElementKind, NodeKind};
    let count = |kind: ElementKind| diagram.boxes.iter().filter(|b| b.kind == kind).count();
    let steps = count(ElementKind::Node(NodeKind::Step));
    let decisions = count(ElementKind::Node(NodeKind::Decision));
    let parallel = count(ElementKind::Node(NodeKind::Parallel));
    let services = count(ElementKind::Service);
    format!(
        "Process map of {title}: {steps} steps, {decisions} decisions, {parallel} parallel \
         gateways and {services} services connected by {} flows and links. The step catalogue \
         describes every step in flow order.",
        diagram.wires.len()
    )
}

/// The smallest scale at which the whole map goes on one page: card titles (11 pt at 100%)
/// are then still 6 pt, readable on paper. Smaller maps get an overview and sheets.
const READABLE_SCALE: f32 = 0.55;
/// The scale of the sheets: titles at 6.6 pt, so a sheet holds as much as stays readable.
const SHEET_SCALE: f32 = 0.6;

impl Layout<'_> {
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
                colour: palette::INK,
                text: heading,
            }],
            section: self.section,
        }
    }

    /// The diagram on landscape pages: one page when it stays readable, else an overview page
    /// and numbered sheets with overlap.
    pub(super) fn diagram_pages(&mut self, diagram: &Diagram, title: &str) {
        let alt = diagram_alt(diagram, title);
        let (w, h) = (self.portrait.1, self.portrait.0);
        let avail = (w - 2.0 * MARGIN, h - 2.0 * MARGIN - HEADER - 24.0);
        let b = diagram.bounds;
        let fit = (avail.0 / (b.w + 40.0))
            .min(avail.1 / (b.h + 40.0))
            .min(1.0);
        let origin = (MARGIN, MARGIN + HEADER + 20.0);
        if fit >= READABLE_SCALE {
            let mut page = self.landscape_page(w, h, format!("{title}: process map"));
            let offset = (
                origin.0 + (avail.0 - b.w * fit) / 2.0,
                origin.1 + (avail.1 - b.h * fit) / 2.0,
            );
            page.ops.push(Op::Begin(Role::Figure(alt.clone())));
            draw_diagram(
                &mut page.ops,
                diagram,
                self.measure,
                fit,
                (b.x, b.y),
                offset,
                None,
            );
            page.ops.push(Op::End);
            self.pages.push(page);
        } else {
            let scale = SHEET_SCALE;
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
            // Only sheets with a card on them are printed (a wire alone is no reason). Each card
            // marks the few tiles it can touch, so this stays linear in the cards.
            let step = (tile.0 - overlap, tile.1 - overlap);
            let mut with_cards: std::collections::HashSet<(usize, usize)> =
                std::collections::HashSet::new();
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped tile indices"
            )]
            let index = |offset: f32, step: f32, count: usize| {
                ((offset / step).floor().max(0.0) as usize).min(count.saturating_sub(1))
            };
            for card in &diagram.boxes {
                let a = card.area;
                let (c0, c1) = (
                    index(a.x - b.x - tile.0, step.0, cols),
                    index(a.right() - b.x, step.0, cols),
                );
                let (r0, r1) = (
                    index(a.y - b.y - tile.1, step.1, rows),
                    index(a.bottom() - b.y, step.1, rows),
                );
                for r in r0..=r1 {
                    for c in c0..=c1 {
                        if a.intersects(&tile_area(r, c)) {
                            with_cards.insert((r, c));
                        }
                    }
                }
            }
            let used = |r: usize, c: usize| with_cards.contains(&(r, c));
            let printed = (0..rows)
                .flat_map(|r| (0..cols).map(move |c| (r, c)))
                .filter(|&(r, c)| used(r, c))
                .count();
            // Overview with the sheet grid.
            let mut page = self.landscape_page(
                w,
                h,
                format!(
                    "{title}: overview ({printed} sheets follow, {rows} rows x {cols} columns)"
                ),
            );
            let overview = (avail.0 / b.w).min(avail.1 / b.h);
            page.ops.push(Op::Begin(Role::Figure(alt.clone())));
            draw_diagram(
                &mut page.ops,
                diagram,
                self.measure,
                overview,
                (b.x, b.y),
                origin,
                None,
            );
            page.ops.push(Op::End);
            for r in 0..rows {
                for c in (0..cols).filter(|&c| used(r, c)) {
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
                for c in (0..cols).filter(|&c| used(r, c)) {
                    let t = tile_area(r, c);
                    let mut page = self.landscape_page(w, h, format!("{title}: sheet {} (row {}, column {} of {rows} x {cols}); dashed lines mark the overlap with the next sheets", sheet(r, c), r + 1, c + 1));
                    page.ops.push(Op::Clip(Area {
                        x: origin.0,
                        y: origin.1,
                        w: avail.0,
                        h: avail.1,
                    }));
                    page.ops.push(Op::Begin(Role::Figure(alt.clone())));
                    draw_diagram(
                        &mut page.ops,
                        diagram,
                        self.measure,
                        scale,
                        (t.x, t.y),
                        origin,
                        Some(t),
                    );
                    page.ops.push(Op::End);
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
                        stroke: Some((palette::RULE, 0.5)),
                    });
                    self.pages.push(page);
                }
            }
        }
        // Whatever follows the drawing starts on a new portrait page, when there is any.
        self.y = f32::INFINITY;
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
        let fill = palette::mix(palette::PAPER, shape.colour, 0.12);
        let width = if shape.kind == crate::model::ElementKind::Node(crate::model::NodeKind::End) {
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
                colour: palette::PAPER,
                text: tag.to_owned(),
            });
            tx += tw + 4.0 * scale;
        }
        for (i, title) in shape.title_lines.iter().enumerate() {
            let x = if i == 0 { tx } else { area.x + 8.0 * scale };
            let title = fit_text(title, area.x + area.w - x - 6.0 * scale, |t| {
                measure.width(t, title_size, true)
            });
            #[allow(clippy::cast_precision_loss, reason = "at most three lines")]
            let y = baseline + TITLE_LINE * scale * i as f32;
            ops.push(Op::Text {
                x,
                y,
                size: title_size,
                bold: true,
                colour: palette::INK,
                text: title,
            });
        }
        #[allow(clippy::cast_precision_loss, reason = "at most three lines")]
        let below = TITLE_LINE * scale * shape.title_lines.len().saturating_sub(1) as f32;
        let line_size = 9.0 * scale;
        for (i, line) in shape.lines.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "a few lines")]
            let ly = baseline + below + (15.0 + 12.5 * i as f32) * scale;
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
                colour: palette::CARD_DETAIL,
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
            fill: Some(palette::PAPER),
            stroke: Some((palette::DECISION, 0.8 * scale)),
        });
        ops.push(Op::Text {
            x: x - tw / 2.0 + 4.0 * scale,
            y: y + 3.5 * scale,
            size,
            bold: false,
            colour: palette::INK,
            text: label.clone(),
        });
    }
}
