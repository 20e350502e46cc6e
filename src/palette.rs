//! Colours shared by the editor and the printed documentation, as plain RGB so that the report
//! layer needs no UI crate. The editor converts them to egui colours in `ui::theme`.

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// Owner colours, assigned in id order; chosen to stay distinct for colour-blind readers
/// (Okabe-Ito plus a few muted extras).
pub const OWNERS: [Rgb; 10] = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (140, 120, 200),
    (120, 140, 60),
    (170, 100, 80),
    (90, 90, 90),
];

/// The colour of the `index`-th owner (in id order).
#[must_use]
pub fn owner(index: usize) -> Rgb {
    OWNERS[index % OWNERS.len()]
}

/// Steps without an owner (pure delays).
pub const NO_OWNER: Rgb = (150, 150, 150);
/// Selection and focus.
pub const ACCENT: Rgb = (255, 140, 0);
/// Errors.
pub const ERROR: Rgb = (220, 50, 47);
/// Warnings.
pub const WARNING: Rgb = (200, 150, 0);
/// Good news.
pub const GOOD: Rgb = (40, 160, 80);
/// Services.
pub const SERVICE: Rgb = (120, 90, 170);
/// Start nodes.
pub const START: Rgb = (40, 160, 80);
/// Steps (borders when there is no owner colour).
pub const STEP: Rgb = (90, 110, 140);
/// Decisions.
pub const DECISION: Rgb = (210, 150, 20);
/// Parallel splits and joins.
pub const PARALLEL: Rgb = (60, 130, 200);
/// End nodes.
pub const END: Rgb = (200, 60, 60);

/// Flow arrows between nodes in the printed diagram (PDF wires, SVG wires and arrow heads).
pub const FLOW: Rgb = (110, 120, 135);

// Printed documents (PDF handbook, SVG diagram): ink on white paper.

/// White paper: the page, label chips on wires, text on coloured tags, and the base that card
/// fills are mixed from.
pub const PAPER: Rgb = (255, 255, 255);
/// Body text, card titles and wire labels in printed documents.
pub const INK: Rgb = (34, 34, 34);
/// Secondary text in the PDF: field labels, running headers and footers, chart axes and notes.
pub const MUTED: Rgb = (110, 110, 110);
/// Hair lines in the PDF: table row rules, the header rule, contents leaders, sheet frames.
pub const RULE: Rgb = (200, 200, 200);
/// Light ground in the PDF: table header rows and the empty track of utilisation bars.
pub const SHADE: Rgb = (236, 239, 243);
/// Every other table row in the PDF, a lighter ground than [`SHADE`].
pub const STRIPE: Rgb = (248, 249, 251);
/// Detail lines on the cards of the PDF diagram (owner, work time, SLA).
pub const CARD_DETAIL: Rgb = (70, 70, 70);
/// Detail lines on the cards of the SVG diagram: a shade darker than [`CARD_DETAIL`] (#444444);
/// kept apart so that existing SVG output does not change.
pub const CARD_DETAIL_SVG: Rgb = (68, 68, 68);

/// Utilization from which an owner shows as overloaded (red; the 85% line on charts).
pub const HOT_UTILIZATION: f64 = 0.85;
/// Utilization from which an owner shows as busy (amber).
pub const BUSY_UTILIZATION: f64 = 0.7;

/// The colour of a utilization figure: green, amber from [`BUSY_UTILIZATION`], red from
/// [`HOT_UTILIZATION`]. The editor and the printed documents both use it.
#[must_use]
pub fn utilization(utilization: f64) -> Rgb {
    if utilization >= HOT_UTILIZATION {
        ERROR
    } else if utilization >= BUSY_UTILIZATION {
        WARNING
    } else {
        GOOD
    }
}

/// Heat on the map: no wait.
pub const HEAT_COOL: Rgb = (80, 170, 110);
/// Heat on the map: half the longest wait.
pub const HEAT_WARM: Rgb = (240, 180, 40);
/// Heat on the map: the longest wait.
pub const HEAT_HOT: Rgb = (220, 50, 47);

/// A heat strip cell of an owner on shift and idle (distinct from white: off shift).
pub const HEAT_IDLE: Rgb = (214, 236, 221);
/// A shift on a calendar's week chart.
pub const SHIFT: Rgb = (70, 130, 180);
/// Text on a shift bar.
pub const SHIFT_TEXT: Rgb = (255, 255, 255);

/// The colour of a utilisation in a heat strip: cool green through amber to red at 100%.
#[must_use]
pub fn heat(utilization: f64) -> Rgb {
    #[allow(clippy::cast_possible_truncation, reason = "a fraction")]
    let u = utilization.clamp(0.0, 1.0) as f32;
    if u < 0.5 {
        mix(HEAT_IDLE, HEAT_COOL, u * 2.0)
    } else if u < 0.85 {
        mix(HEAT_COOL, HEAT_WARM, (u - 0.5) / 0.35)
    } else {
        mix(HEAT_WARM, HEAT_HOT, (u - 0.85) / 0.15)
    }
}

/// Mixes `a` towards `b` by `t` in [0, 1].
#[must_use]
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "stays in 0..=255"
    )]
    let channel = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    (channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
}

/// The colour of a node kind (borders, pins, overview).
#[must_use]
pub fn kind(kind: crate::model::NodeKind) -> Rgb {
    use crate::model::NodeKind;
    match kind {
        NodeKind::Start => START,
        NodeKind::Step => STEP,
        NodeKind::Decision => DECISION,
        NodeKind::Parallel => PARALLEL,
        NodeKind::End => END,
    }
}

/// Card size in canvas units (width, height) of a node kind, or of a service for `None`: the
/// editor uses it for fitting and the overview, the printed diagram draws boxes this size.
#[must_use]
pub fn card_size(kind: crate::model::ElementKind) -> (f32, f32) {
    let (w, h) = crate::model::layout::card_size(kind);
    #[allow(clippy::cast_possible_truncation, reason = "small whole numbers")]
    (w as f32, h as f32)
}

/// The colour of every node as the editor and the printed diagram draw it: steps in their
/// owner's colour (grey without one), other nodes in their kind's colour.
pub struct NodeColours<'a> {
    owners: std::collections::HashMap<&'a str, Rgb>,
}

impl<'a> NodeColours<'a> {
    /// Assigns owner colours in id order.
    #[must_use]
    pub fn new(map: &'a crate::model::ProcessMap) -> Self {
        Self {
            owners: map
                .owners
                .keys()
                .enumerate()
                .map(|(i, id)| (id.as_str(), owner(i)))
                .collect(),
        }
    }

    /// The colour of `node`.
    #[must_use]
    pub fn of(&self, node: &crate::model::Node) -> Rgb {
        match node {
            crate::model::Node::Step { owner: Some(o), .. } => {
                self.owners.get(o.as_str()).copied().unwrap_or(NO_OWNER)
            }
            crate::model::Node::Step { .. } => NO_OWNER,
            other => kind(other.kind()),
        }
    }
}
