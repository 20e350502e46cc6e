//! The map as a drawing, in canvas units: boxes that look like the editor's cards and wires
//! between them. The SVG and PDF writers both draw from this, so the printed diagram matches
//! the editor and the two outputs match each other.

use std::collections::HashMap;

use super::format::{availability, percent_whole};
use crate::model::{ElementKind, Node, ProcessMap};
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
        let area = Area { x, y, w, h };
        areas.insert((true, id.as_str()), area);
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
            Node::Start { arrivals, .. } => (
                palette::START,
                Some("START"),
                30.0,
                vec![format!("every {}", arrivals.summary())],
            ),
            Node::End { .. } => (palette::END, Some("END"), 30.0, Vec::new()),
            Node::Decision { .. } => (palette::DECISION, Some("XOR"), 4.0, Vec::new()),
            Node::Parallel { .. } => (palette::PARALLEL, Some("AND"), 4.0, Vec::new()),
        };
        boxes.push(BoxShape {
            area,
            kind: ElementKind::Node(kind),
            tag,
            title: node.name().to_owned(),
            lines,
            colour,
            radius,
        });
    }
    for (id, service) in &map.services {
        let (w, h) = palette::card_size(ElementKind::Service);
        let (x, y) = at(service.at);
        let area = Area { x, y, w, h };
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

/// Cuts `text` to fit `max_width` as measured by `width`, ending it with "…".
pub fn fit_text(text: &str, max_width: f32, width: impl Fn(&str) -> f32) -> String {
    if width(text) <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let candidate: String = chars.iter().take(keep).collect::<String>() + "…";
        if width(&candidate) <= max_width {
            return candidate;
        }
    }
    "…".to_owned()
}
