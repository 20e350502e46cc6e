//! The handover-of-work network drawn: owners (or people) as labelled nodes on a circle, an
//! arrow per pair whose width grows with the count, labelled with the count and the median
//! wait. Arrows bend to their right, so work passed both ways shows as two arrows.

use std::collections::BTreeMap;

use egui::epaint::QuadraticBezierShape;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2};

use crate::analysis::discover::{Handover, Team};
use crate::model::ProcessMap;
use crate::report::format::hours;
use crate::ui::theme;

/// A node of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetNode {
    /// Owner or person.
    pub name: String,
    /// Its colour (the owner's colour on the map).
    pub colour: Color32,
}

/// An arrow of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Index of the node passing the work.
    pub from: usize,
    /// Index of the node taking it.
    pub to: usize,
    /// How often.
    pub count: u64,
    /// Median wait in between, hours.
    pub median_delay_hours: f64,
}

/// Nodes and arrows, ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    /// The nodes, in circle order.
    pub nodes: Vec<NetNode>,
    /// The arrows.
    pub edges: Vec<Edge>,
}

/// The colour of the owner with id `id` on `map` (as the sidebar and canvas colour it), else
/// the colour of the `fallback`-th owner.
fn owner_colour(map: &ProcessMap, id: &str, fallback: usize) -> Color32 {
    let index = map.owners.keys().position(|k| k == id).unwrap_or(fallback);
    theme::owner_colour(index)
}

impl Network {
    /// The owners (every team found) and the work passed between them.
    #[must_use]
    pub fn of_owners(handovers: &[Handover], teams: &[(String, Team)], map: &ProcessMap) -> Self {
        let mut net = Self::default();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (k, (id, team)) in teams.iter().enumerate() {
            index.insert(team.name.clone(), net.nodes.len());
            net.nodes.push(NetNode {
                name: team.name.clone(),
                colour: owner_colour(map, id, k),
            });
        }
        net.add_edges(handovers, &mut index, |_| theme::NO_OWNER);
        net
    }

    /// The people of the `pairs` most frequent handovers between people, grouped by owner
    /// around the circle.
    #[must_use]
    pub fn of_people(
        handovers: &[Handover],
        pairs: usize,
        teams: &[(String, Team)],
        people: &[Vec<String>],
        map: &ProcessMap,
    ) -> Self {
        let top = &handovers[..pairs.min(handovers.len())];
        let team_of = |name: &str| people.iter().position(|p| p.iter().any(|n| n == name));
        let mut names: Vec<&str> = top
            .iter()
            .flat_map(|h| [h.from.as_str(), h.to.as_str()])
            .collect();
        names.sort_by(|a, b| {
            team_of(a)
                .unwrap_or(usize::MAX)
                .cmp(&team_of(b).unwrap_or(usize::MAX))
                .then_with(|| natural(a, b))
        });
        names.dedup();
        let mut net = Self::default();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for name in names {
            let colour = team_of(name)
                .and_then(|t| teams.get(t).map(|(id, _)| owner_colour(map, id, t)))
                .unwrap_or(theme::NO_OWNER);
            index.insert(name.to_owned(), net.nodes.len());
            net.nodes.push(NetNode {
                name: name.to_owned(),
                colour,
            });
        }
        net.add_edges(top, &mut index, |_| theme::NO_OWNER);
        net
    }

    /// Adds an arrow per handover, and a node for a name not seen yet.
    fn add_edges(
        &mut self,
        handovers: &[Handover],
        index: &mut BTreeMap<String, usize>,
        colour: impl Fn(&str) -> Color32,
    ) {
        for h in handovers {
            let mut node = |name: &str| {
                *index.entry(name.to_owned()).or_insert_with(|| {
                    self.nodes.push(NetNode {
                        name: name.to_owned(),
                        colour: colour(name),
                    });
                    self.nodes.len() - 1
                })
            };
            let (from, to) = (node(&h.from), node(&h.to));
            self.edges.push(Edge {
                from,
                to,
                count: h.count,
                median_delay_hours: h.median_delay_hours,
            });
        }
    }

    /// The largest count (at least 1).
    #[must_use]
    pub fn max_count(&self) -> u64 {
        self.edges.iter().map(|e| e.count).max().unwrap_or(1).max(1)
    }
}

/// "Clerk 2" before "Clerk 10": names compared with their trailing numbers as numbers.
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| {
        let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (head, tail) = s.split_at(s.len() - digits);
        (head.to_owned(), tail.parse::<u64>().unwrap_or(0))
    };
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// `n` points on a circle around `centre`, the first at the top, clockwise (two points: left
/// and right, as the labels sit beside them).
#[must_use]
pub fn circle_layout(n: usize, centre: Pos2, radius: f32) -> Vec<Pos2> {
    #[allow(clippy::cast_precision_loss, reason = "a handful of nodes")]
    let step = std::f32::consts::TAU / n.max(1) as f32;
    let first = if n == 2 {
        std::f32::consts::PI
    } else {
        -std::f32::consts::FRAC_PI_2
    };
    (0..n)
        .map(|k| {
            #[allow(clippy::cast_precision_loss, reason = "a handful of nodes")]
            let angle = first + step * k as f32;
            centre + radius * vec2(angle.cos(), angle.sin())
        })
        .collect()
}

/// The width of an arrow of `count` when the largest has `max`: 1.5 to 9 points, linear.
#[must_use]
pub fn arrow_width(count: u64, max: u64) -> f32 {
    #[allow(clippy::cast_precision_loss, reason = "a ratio for display")]
    let share = (count as f64 / max.max(1) as f64).clamp(0.0, 1.0);
    #[allow(clippy::cast_possible_truncation, reason = "a width in points")]
    let width = (1.5 + 7.5 * share) as f32;
    width
}

/// Draws `net` in a box as wide as the panel and `height` high.
pub fn draw(ui: &mut Ui, net: &Network, height: f32) {
    let width = ui.available_width().max(300.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    let text_colour = visuals.text_color();
    let people = net.nodes.len() > 8;
    let node_font = FontId::proportional(if people { 12.0 } else { 13.5 });
    let label_font = FontId::proportional(11.0);
    let galleys: Vec<_> = net
        .nodes
        .iter()
        .map(|n| painter.layout_no_wrap(n.name.clone(), node_font.clone(), text_colour))
        .collect();
    let widest = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let dot = if people { 7.0 } else { 11.0 };
    let radius = (rect.width() / 2.0 - widest.min(rect.width() * 0.3) - dot - 14.0)
        .min(rect.height() / 2.0 - dot - 26.0)
        .max(40.0);
    let places = circle_layout(net.nodes.len(), rect.center(), radius);
    let max = net.max_count();
    // Arrows first, their labels after, the nodes on top.
    let mut labels = Vec::new();
    for e in &net.edges {
        let (Some(&p), Some(&q)) = (places.get(e.from), places.get(e.to)) else {
            continue;
        };
        let along = q - p;
        let length = along.length();
        if length < 1.0 {
            continue;
        }
        let normal = vec2(-along.y, along.x) / length;
        let control = p + along * 0.5 + normal * (length * 0.16);
        let start = p + (control - p).normalized() * dot;
        let tip = q + (control - q).normalized() * (dot + 1.0);
        let stroke_width = arrow_width(e.count, max);
        let colour = net
            .nodes
            .get(e.from)
            .map_or(text_colour, |n| n.colour)
            .gamma_multiply(0.75);
        let heading = (tip - control).normalized();
        let head = 7.0 + stroke_width;
        let base = tip - heading * head;
        let end = tip - heading * (head * 0.8);
        painter.add(QuadraticBezierShape::from_points_stroke(
            [start, control, end],
            false,
            Color32::TRANSPARENT,
            Stroke::new(stroke_width, colour),
        ));
        let side = vec2(-heading.y, heading.x) * (head * 0.55);
        painter.add(Shape::convex_polygon(
            vec![tip, base + side, base - side],
            colour,
            Stroke::NONE,
        ));
        let middle = pos2(
            0.25 * start.x + 0.5 * control.x + 0.25 * tip.x,
            0.25 * start.y + 0.5 * control.y + 0.25 * tip.y,
        );
        labels.push((
            middle,
            format!("{} · {}", e.count, hours(e.median_delay_hours)),
        ));
    }
    for (at, text) in labels {
        let galley = painter.layout_no_wrap(text, label_font.clone(), text_colour);
        let frame = Rect::from_center_size(at, galley.size() + vec2(6.0, 2.0));
        painter.rect_filled(frame, 3.0, visuals.panel_fill.gamma_multiply(0.9));
        painter.galley(frame.min + vec2(3.0, 1.0), galley, text_colour);
    }
    for ((node, &at), galley) in net.nodes.iter().zip(&places).zip(galleys) {
        painter.circle(at, dot, node.colour, Stroke::new(1.5, visuals.panel_fill));
        let outward: Vec2 = (at - rect.center()).normalized();
        let anchor = at + outward * (dot + 5.0);
        let align = if outward.x > 0.35 {
            Align2::LEFT_CENTER
        } else if outward.x < -0.35 {
            Align2::RIGHT_CENTER
        } else if outward.y < 0.0 {
            Align2::CENTER_BOTTOM
        } else {
            Align2::CENTER_TOP
        };
        let placed = align.anchor_size(anchor, galley.size());
        painter.galley(placed.min, galley, text_colour);
    }
    if let Some(pointer) = response.hover_pos() {
        let near = places
            .iter()
            .position(|&at| at.distance(pointer) <= dot + 4.0)
            .and_then(|k| net.nodes.get(k).map(|n| (k, n)));
        if let Some((k, node)) = near {
            let out: u64 = net
                .edges
                .iter()
                .filter(|e| e.from == k)
                .map(|e| e.count)
                .sum();
            let took: u64 = net
                .edges
                .iter()
                .filter(|e| e.to == k)
                .map(|e| e.count)
                .sum();
            response.on_hover_text_at_pointer(format!(
                "{}: passed work on {out} times, took it over {took} times",
                node.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handover(from: &str, to: &str, count: u64) -> Handover {
        Handover {
            from: from.to_owned(),
            to: to.to_owned(),
            count,
            median_delay_hours: 0.5,
        }
    }

    fn team(name: &str) -> Team {
        Team {
            name: name.to_owned(),
            resources: Vec::new(),
            capacity: 1,
            per_week: 1,
            hours: None,
        }
    }

    #[test]
    fn the_circle_starts_at_the_top_and_keeps_its_radius() {
        let places = circle_layout(4, pos2(100.0, 100.0), 50.0);
        assert_eq!(places.len(), 4);
        assert!((places[0] - pos2(100.0, 50.0)).length() < 1e-3);
        assert!(
            (places[1] - pos2(150.0, 100.0)).length() < 1e-3,
            "clockwise"
        );
        for p in places {
            assert!((p.distance(pos2(100.0, 100.0)) - 50.0).abs() < 1e-3);
        }
        let pair = circle_layout(2, pos2(100.0, 100.0), 50.0);
        assert!((pair[0] - pos2(50.0, 100.0)).length() < 1e-3, "left");
        assert!((pair[1] - pos2(150.0, 100.0)).length() < 1e-3, "right");
    }

    #[test]
    fn arrows_grow_with_the_count() {
        assert!(arrow_width(10, 100) < arrow_width(50, 100));
        assert!(arrow_width(50, 100) < arrow_width(100, 100));
        assert!((arrow_width(100, 100) - 9.0).abs() < 1e-6);
        assert!((arrow_width(0, 0) - 1.5).abs() < 1e-6);
    }

    #[test]
    fn owners_are_every_team_and_people_are_grouped_by_team() {
        let teams = vec![
            ("a".to_owned(), team("Desk")),
            ("b".to_owned(), team("Back")),
        ];
        let net = Network::of_owners(
            &[handover("Desk", "Back", 7)],
            &teams,
            &ProcessMap::default(),
        );
        let names: Vec<&str> = net.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Desk", "Back"]);
        assert_eq!(
            net.edges,
            [Edge {
                from: 0,
                to: 1,
                count: 7,
                median_delay_hours: 0.5
            }]
        );

        let people = vec![
            vec![
                "Desk 1".to_owned(),
                "Desk 10".to_owned(),
                "Desk 2".to_owned(),
            ],
            vec!["Back 1".to_owned()],
        ];
        let pairs = [
            handover("Desk 10", "Back 1", 9),
            handover("Desk 2", "Back 1", 8),
            handover("Back 1", "Desk 1", 3),
            handover("Desk 1", "Back 1", 1),
        ];
        let net = Network::of_people(&pairs, 3, &teams, &people, &ProcessMap::default());
        let names: Vec<&str> = net.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Desk 1", "Desk 2", "Desk 10", "Back 1"]);
        assert_eq!(net.edges.len(), 3, "the top pairs only");
        assert_eq!(net.max_count(), 9);
        assert_ne!(
            net.nodes[0].colour, net.nodes[3].colour,
            "coloured by owner"
        );
    }
}
