//! The map diagram as SVG, for wikis and slides.

use std::fmt::Write as _;

use super::diagram::{self, Diagram, approx_width, fit_text};
use crate::model::ProcessMap;
use crate::palette::{self, Rgb};

fn colour((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Escapes text for XML.
#[must_use]
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The diagram of `map` as a standalone SVG document.
#[must_use]
pub fn diagram(map: &ProcessMap) -> String {
    render(&diagram::layout(map), &map.title)
}

fn render(diagram: &Diagram, title: &str) -> String {
    let margin = 30.0;
    let b = diagram.bounds;
    let (x0, y0, w, h) = (
        b.x - margin,
        b.y - margin,
        b.w + 2.0 * margin,
        b.h + 2.0 * margin,
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w} {h}" width="{w}" height="{h}" font-family="DejaVu Sans, Verdana, sans-serif">"#
    );
    let _ = writeln!(out, "  <title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        r#"  <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker></defs>"#,
        colour(palette::FLOW)
    );
    let paper = colour(palette::PAPER);
    let ink = colour(palette::INK);
    let _ = writeln!(
        out,
        r#"  <rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="{paper}"/>"#
    );
    for wire in &diagram.wires {
        let [a, c1, c2, d] = wire.points;
        let _ = writeln!(
            out,
            r#"  <path d="M {} {} C {} {}, {} {}, {} {}" fill="none" stroke="{}" stroke-width="1.6"{}{}/>"#,
            a.0,
            a.1,
            c1.0,
            c1.1,
            c2.0,
            c2.1,
            d.0,
            d.1,
            colour(wire.colour),
            if wire.dashed {
                r#" stroke-dasharray="5 4""#
            } else {
                ""
            },
            if wire.arrow {
                r#" marker-end="url(#arrow)""#
            } else {
                ""
            }
        );
    }
    for shape in &diagram.boxes {
        let a = shape.area;
        let fill = colour(palette::mix(palette::PAPER, shape.colour, 0.12));
        let _ = writeln!(
            out,
            r#"  <rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{}" stroke-width="{}"/>"#,
            a.x,
            a.y,
            a.w,
            a.h,
            shape.radius.min(a.h / 2.0),
            colour(shape.colour),
            if shape.kind == crate::model::ElementKind::Node(crate::model::NodeKind::End) {
                3
            } else {
                2
            }
        );
        let mut x = a.x + 10.0;
        let top = a.y + 20.0;
        if let Some(tag) = shape.tag {
            let tw = approx_width(tag, 8.0) + 8.0;
            let _ = writeln!(
                out,
                r#"  <rect x="{x}" y="{}" width="{tw}" height="12" rx="3" fill="{}"/><text x="{}" y="{}" font-size="8" font-weight="bold" fill="{paper}">{tag}</text>"#,
                top - 10.0,
                colour(shape.colour),
                x + 4.0,
                top - 1.0
            );
            x += tw + 5.0;
        }
        for (i, title) in shape.title_lines.iter().enumerate() {
            let (lx, width) = if i == 0 {
                (x, a.right() - x - 8.0)
            } else {
                (a.x + 10.0, a.w - 18.0)
            };
            let title = fit_text(title, width, |t| approx_width(t, diagram::TITLE_SIZE));
            #[allow(clippy::cast_precision_loss, reason = "at most three lines")]
            let y = top + diagram::TITLE_LINE * i as f32;
            let _ = writeln!(
                out,
                r#"  <text x="{lx}" y="{y}" font-size="12" font-weight="bold" fill="{ink}">{}</text>"#,
                escape(&title)
            );
        }
        #[allow(clippy::cast_precision_loss, reason = "at most three lines")]
        let below = diagram::TITLE_LINE * shape.title_lines.len().saturating_sub(1) as f32;
        for (i, line) in shape.lines.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "a few lines")]
            let y = top + below + 16.0 + 13.0 * i as f32;
            if y > a.bottom() - 4.0 {
                break;
            }
            let line = fit_text(line, a.w - 20.0, |t| approx_width(t, 10.0));
            let _ = writeln!(
                out,
                r#"  <text x="{}" y="{y}" font-size="10" fill="{}">{}</text>"#,
                a.x + 10.0,
                colour(palette::CARD_DETAIL_SVG),
                escape(&line)
            );
        }
    }
    for wire in &diagram.wires {
        if let Some(label) = &wire.label {
            let (mx, my) = wire.middle();
            let tw = approx_width(label, 10.0) + 10.0;
            let _ = writeln!(
                out,
                r#"  <rect x="{}" y="{}" width="{tw}" height="16" rx="4" fill="{paper}" stroke="{}"/><text x="{}" y="{}" font-size="10" fill="{ink}">{}</text>"#,
                mx - tw / 2.0,
                my - 8.0,
                colour(palette::DECISION),
                mx - tw / 2.0 + 5.0,
                my + 4.0,
                escape(label)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
