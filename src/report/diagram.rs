//! The map as a drawing, in canvas units: boxes that look like the editor's cards and wires
//! between them. The SVG and PDF writers both draw from this, so the printed diagram matches
//! the editor and the two outputs match each other.

use std::collections::HashMap;

use super::format::{availability, percent_whole};
use crate::model::{self, ElementKind, Node, ProcessMap};
use crate::palette::{self, Rgb};

/// An axis-aligned rectangle (x, y of the top-left corner, width, height).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Area {
    /// Right edge.
    #[must_use]
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    /// Bottom edge.
    #[must_use]
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    /// Centre point.
    #[must_use]
    pub fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// True when the two overlap.
    #[must_use]
    pub fn intersects(&self, other: &Self) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// A node or service box.
#[derive(Clone, Debug)]
pub struct BoxShape {
    /// Where.
    pub area: Area,
    /// Node kind; `None` for a service.
    pub kind: ElementKind,
    /// Small tag before the title ("XOR", "AND", "START", "END", "SERVICE").
    pub tag: Option<&'static str>,
    /// Name.
    pub title: String,
    /// The name wrapped for the card (at most [`TITLE_LINES`] lines; the first one follows
    /// the tag).
    pub title_lines: Vec<String>,
    /// Detail lines (owner, work time, SLA; availability for services).
    pub lines: Vec<String>,
    /// Border and tag colour (owner colour for steps).
    pub colour: Rgb,
    /// Corner radius.
    pub radius: f32,
}

/// A link between boxes: a cubic curve.
#[derive(Clone, Debug)]
pub struct Wire {
    /// Start, first control point, second control point, end.
    pub points: [(f32, f32); 4],
    /// Text at the middle (decision label and probability).
    pub label: Option<String>,
    /// Colour.
    pub colour: Rgb,
    /// Dashed (service links).
    pub dashed: bool,
    /// Draw an arrow head at the end.
    pub arrow: bool,
}

impl Wire {
    /// The point halfway along the curve.
    #[must_use]
    pub fn middle(&self) -> (f32, f32) {
        let [a, b, c, d] = self.points;
        (
            0.125 * a.0 + 0.375 * b.0 + 0.375 * c.0 + 0.125 * d.0,
            0.125 * a.1 + 0.375 * b.1 + 0.375 * c.1 + 0.125 * d.1,
        )
    }
}

/// The whole drawing.
#[derive(Clone, Debug)]
pub struct Diagram {
    /// Boxes.
    pub boxes: Vec<BoxShape>,
    /// Wires, drawn under the boxes.
    pub wires: Vec<Wire>,
    /// Bounding box of everything.
    pub bounds: Area,
}

fn curve(from: (f32, f32), to: (f32, f32), horizontal: bool) -> [(f32, f32); 4] {
    if horizontal {
        let pull = ((to.0 - from.0).abs() / 2.0).max(40.0);
        [from, (from.0 + pull, from.1), (to.0 - pull, to.1), to]
    } else {
        let pull = ((to.1 - from.1).abs() / 2.0).max(30.0);
        let dir = if to.1 >= from.1 { 1.0 } else { -1.0 };
        [
            from,
            (from.0, from.1 + pull * dir),
            (to.0, to.1 - pull * dir),
            to,
        ]
    }
}

/// A card's title lines: the name wrapped to the card's inner width, the first line beside the
/// tag.
fn card_title(name: &str, tag: Option<&str>, card_width: f32) -> Vec<String> {
    let inner = card_width - 18.0;
    let tag_width = tag.map_or(0.0, |t| approx_width(t, 8.0) + 13.0);
    wrap_title(name, inner - tag_width, inner, TITLE_LINES, |t| {
        approx_width(t, TITLE_SIZE)
    })
}

/// How much taller than its kind's card a box with these title lines is.
#[allow(clippy::cast_precision_loss, reason = "at most three lines")]
fn extra_height(title_lines: &[String]) -> f32 {
    title_lines.len().saturating_sub(1) as f32 * TITLE_LINE
}

/// Lays out a map as it is drawn in the editor.
#[must_use]
pub fn layout(map: &ProcessMap) -> Diagram {
    let colours = palette::NodeColours::new(map);
    let mut areas: HashMap<(bool, &str), Area> = HashMap::new();
    let mut boxes = Vec::new();
    #[allow(
        clippy::cast_possible_truncation,
        reason = "canvas coordinates fit f32"
    )]
    let at = |p: crate::model::Point| (p.x as f32, p.y as f32);
    for (id, node) in &map.nodes {
        let kind = node.kind();
        let (w, h) = palette::card_size(ElementKind::Node(kind));
        let (x, y) = at(node.at());
        let (colour, tag, radius, lines) = match node {
            Node::Step {
                owner, work, sla, ..
            } => {
                let colour = colours.of(node);
                let mut lines = vec![owner.as_deref().map_or_else(
                    || "no owner (waiting)".to_owned(),
                    |o| {
                        map.owners
                            .get(o)
                            .map_or_else(|| o.to_owned(), |x| x.name.clone())
                    },
                )];
                lines.push(format!("work {}", work.summary()));
                if let Some(sla) = sla {
                    lines.push(format!(
                        "SLA {} for {}",
                        sla.target,
                        percent_whole(sla.within)
                    ));
                }
                (colour, None, 8.0, lines)
            }
            Node::Start { .. } => (
                palette::START,
                Some("START"),
                30.0,
                vec![model::arrival_summary(map, node)],
            ),
            Node::End { .. } => (palette::END, Some("END"), 30.0, Vec::new()),
            Node::Decision { .. } => (palette::DECISION, Some("XOR"), 4.0, Vec::new()),
            Node::Parallel { .. } => (palette::PARALLEL, Some("AND"), 4.0, Vec::new()),
        };
        let title_lines = card_title(node.name(), tag, w);
        let area = Area {
            x,
            y,
            w,
            h: h + extra_height(&title_lines),
        };
        areas.insert((true, id.as_str()), area);
        boxes.push(BoxShape {
            area,
            kind: ElementKind::Node(kind),
            tag,
            title_lines,
            title: node.name().to_owned(),
            lines,
            colour,
            radius,
        });
    }
    for (id, service) in &map.services {
        let (w, h) = palette::card_size(ElementKind::Service);
        let (x, y) = at(service.at);
        let title_lines = card_title(&service.name, Some("SERVICE"), w);
        let area = Area {
            x,
            y,
            w,
            h: h + extra_height(&title_lines),
        };
        areas.insert((false, id.as_str()), area);
        let availability = if service.availability >= 1.0 {
            "always up".to_owned()
        } else {
            format!("{} available", availability(service.availability))
        };
        boxes.push(BoxShape {
            area,
            kind: ElementKind::Service,
            tag: Some("SERVICE"),
            title_lines,
            title: service.name.clone(),
            lines: vec![availability],
            colour: palette::SERVICE,
            radius: 14.0,
        });
    }

    let mut wires = Vec::new();
    let captions = crate::model::flow_captions(map);
    for (flow, caption) in map.flows.iter().zip(captions) {
        let (Some(a), Some(b)) = (
            areas.get(&(true, flow.from.as_str())),
            areas.get(&(true, flow.to.as_str())),
        ) else {
            continue;
        };
        let from = (a.right(), a.y + a.h / 2.0);
        let to = (b.x, b.y + b.h / 2.0);
        let label = caption;
        wires.push(Wire {
            points: curve(from, to, true),
            label: (!label.is_empty()).then_some(label),
            colour: palette::FLOW,
            dashed: false,
            arrow: true,
        });
    }
    // Service links: service to the steps that use it, dependency to dependent service.
    let link = |a: &Area, b: &Area| -> [(f32, f32); 4] {
        let (ac, bc) = (a.centre(), b.centre());
        if (bc.1 - ac.1).abs() > (bc.0 - ac.0).abs() * 0.5 {
            if bc.1 < ac.1 {
                curve((ac.0, a.y), (bc.0, b.bottom()), false)
            } else {
                curve((ac.0, a.bottom()), (bc.0, b.y), false)
            }
        } else if bc.0 >= ac.0 {
            curve((a.right(), ac.1), (b.x, bc.1), true)
        } else {
            curve((a.x, ac.1), (b.right(), bc.1), true)
        }
    };
    for (id, node) in &map.nodes {
        if let Node::Step { uses, .. } = node {
            for service in uses {
                if let (Some(a), Some(b)) = (
                    areas.get(&(false, service.as_str())),
                    areas.get(&(true, id.as_str())),
                ) {
                    wires.push(Wire {
                        points: link(a, b),
                        label: None,
                        colour: palette::SERVICE,
                        dashed: true,
                        arrow: false,
                    });
                }
            }
        }
    }
    for (id, service) in &map.services {
        for dep in &service.depends_on {
            if let (Some(a), Some(b)) = (
                areas.get(&(false, dep.as_str())),
                areas.get(&(false, id.as_str())),
            ) {
                wires.push(Wire {
                    points: link(a, b),
                    label: None,
                    colour: palette::SERVICE,
                    dashed: true,
                    arrow: true,
                });
            }
        }
    }

    let bounds = boxes
        .iter()
        .map(|b| b.area)
        .reduce(|a, b| {
            let x = a.x.min(b.x);
            let y = a.y.min(b.y);
            Area {
                x,
                y,
                w: a.right().max(b.right()) - x,
                h: a.bottom().max(b.bottom()) - y,
            }
        })
        .unwrap_or(Area {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        });
    Diagram {
        boxes,
        wires,
        bounds,
    }
}

/// Cuts `text` to fit `max_width` as measured by `width`, ending it with "…". Widths grow
/// with length, so the longest prefix that fits is found by bisection.
pub fn fit_text(text: &str, max_width: f32, width: impl Fn(&str) -> f32) -> String {
    if width(text) <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let with_ellipsis = |keep: usize| chars.iter().take(keep).collect::<String>() + "…";
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let middle = usize::midpoint(fits, too_long);
        if width(&with_ellipsis(middle)) <= max_width {
            fits = middle;
        } else {
            too_long = middle;
        }
    }
    if fits == 0 && width(&with_ellipsis(0)) > max_width {
        return "…".to_owned();
    }
    with_ellipsis(fits)
}

/// Lines a card title may take; the card grows by [`TITLE_LINE`] for each line after the first.
pub const TITLE_LINES: usize = 3;
/// Height of one more title line, in canvas units.
pub const TITLE_LINE: f32 = 15.0;
/// Title font size of the SVG cards (the PDF's is a little smaller, so its lines fit too).
pub const TITLE_SIZE: f32 = 12.0;

/// A text's width at `size`, estimated from its length (about 0.58 em a character for `DejaVu`
/// Sans Bold); used to lay out cards the same way for every output.
#[allow(clippy::cast_precision_loss, reason = "character counts are small")]
#[must_use]
pub fn approx_width(text: &str, size: f32) -> f32 {
    text.chars().count() as f32 * size * 0.58
}

/// Wraps a title onto at most `max_lines` lines: the first `first_width` wide (after the
/// tag), the others `width`. Words longer than a line are broken; what does not fit on the
/// last line ends with "…".
pub fn wrap_title(
    title: &str,
    first_width: f32,
    width: f32,
    max_lines: usize,
    measure: impl Fn(&str) -> f32,
) -> Vec<String> {
    // Words, with any word wider than a whole line broken into pieces that fit.
    let mut tokens: Vec<String> = Vec::new();
    for word in title.split_whitespace() {
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if piece.chars().count() > 1 && measure(&piece) > width {
                piece.pop();
                tokens.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        tokens.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest = tokens.into_iter();
    while let Some(token) = rest.next() {
        let limit = if lines.is_empty() { first_width } else { width };
        let candidate = if current.is_empty() {
            token.clone()
        } else {
            format!("{current} {token}")
        };
        if measure(&candidate) <= limit {
            current = candidate;
            continue;
        }
        if current.is_empty() && lines.len() + 1 < max_lines {
            // Only the short first line (beside the tag) can be too narrow for a piece: the
            // tag stands alone and the name starts below it.
            lines.push(String::new());
            current = token;
            continue;
        }
        if lines.len() + 1 >= max_lines {
            // The last line takes everything left, cut to fit.
            let tail: Vec<String> = std::iter::once(candidate).chain(rest).collect();
            lines.push(fit_text(&tail.join(" "), limit, &measure));
            return lines;
        }
        lines.push(std::mem::replace(&mut current, token));
    }
    if !current.is_empty() || lines.is_empty() {
        let limit = if lines.is_empty() { first_width } else { width };
        lines.push(fit_text(&current, limit, &measure));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> f32 {
        approx_width(text, 10.0)
    }

    #[test]
    fn long_names_wrap_onto_three_lines_and_no_more() {
        // 5.8 per character: 20 characters per line, 10 on the first.
        let lines = wrap_title("Accounts payable checks the invoice", 58.0, 116.0, 3, chars);
        assert_eq!(lines, ["Accounts", "payable checks the", "invoice"]);
        let long = wrap_title(&"word ".repeat(40), 58.0, 116.0, 3, chars);
        assert_eq!(long.len(), 3);
        assert!(long[2].ends_with('…'), "{long:?}");
        assert!(long.iter().all(|l| chars(l) <= 116.0), "{long:?}");
        // A word longer than a line is broken.
        let broken = wrap_title(&"x".repeat(30), 116.0, 116.0, 3, chars);
        assert_eq!(broken, ["x".repeat(20), "x".repeat(10)]);
        assert_eq!(wrap_title("Short", 58.0, 116.0, 3, chars), ["Short"]);
        // Too wide beside the tag: the name starts on the next line.
        assert_eq!(
            wrap_title("Reconciliation", 30.0, 116.0, 3, chars),
            ["", "Reconciliation"]
        );
    }

    #[test]
    fn fit_text_keeps_the_longest_prefix_that_fits() {
        assert_eq!(fit_text("abcdef", 100.0, chars), "abcdef");
        let cut = fit_text("abcdefghij", 30.0, chars);
        assert_eq!(cut, "abcd…");
        assert_eq!(fit_text("abc", 1.0, chars), "…");
    }

    #[test]
    fn cards_grow_with_their_title() {
        let mut map = ProcessMap::default();
        map.nodes.insert(
            "a".into(),
            Node::new(
                crate::model::NodeKind::Step,
                "Accounts payable checks the supplier invoice against the order",
                crate::model::Point::default(),
            ),
        );
        let diagram = layout(&map);
        let card = &diagram.boxes[0];
        assert!(card.title_lines.len() > 1, "{:?}", card.title_lines);
        let (_, h) = palette::card_size(ElementKind::Node(crate::model::NodeKind::Step));
        assert!(card.area.h > h);
        let whole: String = card.title_lines.join(" ");
        assert!(whole.contains("invoice"), "{whole}");
    }
}
