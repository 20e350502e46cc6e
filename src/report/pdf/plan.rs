//! The charts of the "Capacity plan" section: headroom (p90 and the worst SLA's compliance
//! against the arrival factor, with today, the SLA break and the first saturation marked) and
//! the tornado of what to improve first (p90 change per single change, ranked).

use std::fmt::Write as _;

use super::layout::Layout;
use super::{MARGIN, Op, Role};
use crate::palette::{self, Rgb};
use crate::report::diagram::{Area, fit_text};
use crate::report::format::hours;
use crate::report::handbook::{Handbook, change_label};

#[allow(clippy::cast_possible_truncation, reason = "chart coordinates")]
fn f(x: f64) -> f32 {
    x as f32
}

impl Layout<'_> {
    fn axis_text(&mut self, x: f32, y: f32, colour: Rgb, text: String) {
        self.op(Op::Text {
            x,
            y,
            size: 8.0,
            bold: false,
            colour,
            text,
        });
    }

    fn line(&mut self, a: (f32, f32), b: (f32, f32), colour: Rgb, width: f32, dashed: bool) {
        self.op(Op::Line {
            a,
            b,
            colour,
            width,
            dashed,
        });
    }

    pub(super) fn headroom_chart(&mut self, handbook: &Handbook<'_>) {
        let Some(study) = handbook.capacity else {
            return;
        };
        let h = &study.headroom;
        if h.rows.is_empty() {
            return;
        }
        let alt = format!(
            "Headroom: p90 cycle time from {} at {:.1}x to {} at {:.1}x today's arrivals; {}",
            hours(h.rows.first().map_or(0.0, |r| r.p90)),
            h.rows.first().map_or(0.0, |r| r.factor),
            hours(h.rows.last().map_or(0.0, |r| r.p90)),
            h.rows.last().map_or(0.0, |r| r.factor),
            crate::report::handbook::headroom_sentences(handbook.map, h).join(" ")
        );
        let height = 190.0;
        self.ensure(height + 20.0);
        self.tagged(Role::Figure(alt), |this| {
            this.headroom_plot(handbook, height);
        });
    }

    fn headroom_plot(&mut self, handbook: &Handbook<'_>, height: f32) {
        let Some(study) = handbook.capacity else {
            return;
        };
        let h = &study.headroom;
        let plot = Area {
            x: MARGIN + 40.0,
            y: self.y + 8.0,
            w: self.content_width() - 80.0,
            h: height - 40.0,
        };
        let max_p90 = h
            .rows
            .iter()
            .map(|r| r.p90)
            .fold(0.0_f64, f64::max)
            .max(1e-9);
        let x_of = |factor: f64| plot.x + plot.w * f(((factor - 0.5) / 1.5).clamp(0.0, 1.0));
        let y_p90 = |p90: f64| plot.bottom() - plot.h * f((p90 / max_p90).clamp(0.0, 1.0));
        let y_share = |share: f64| plot.bottom() - plot.h * f(share.clamp(0.0, 1.0));
        self.line(
            (plot.x, plot.bottom()),
            (plot.right(), plot.bottom()),
            palette::MUTED,
            0.8,
            false,
        );
        self.line(
            (plot.x, plot.y),
            (plot.x, plot.bottom()),
            palette::MUTED,
            0.8,
            false,
        );
        self.line(
            (plot.right(), plot.y),
            (plot.right(), plot.bottom()),
            palette::MUTED,
            0.8,
            false,
        );
        for k in 0..=6u8 {
            let factor = 0.5 + 0.25 * f64::from(k);
            let x = x_of(factor);
            self.line(
                (x, plot.bottom()),
                (x, plot.bottom() + 3.0),
                palette::MUTED,
                0.8,
                false,
            );
            self.axis_text(
                x - 8.0,
                plot.bottom() + 13.0,
                palette::MUTED,
                format!("{factor:.2}x"),
            );
        }
        self.axis_text(MARGIN, plot.y + 8.0, palette::ACCENT, hours(max_p90));
        self.axis_text(MARGIN, plot.bottom(), palette::ACCENT, "0".into());
        self.axis_text(
            plot.right() + 4.0,
            plot.y + 8.0,
            palette::GOOD,
            "100%".into(),
        );
        self.axis_text(
            plot.right() + 4.0,
            plot.bottom(),
            palette::GOOD,
            "0%".into(),
        );
        // Today, the SLA break and the first saturation as dashed verticals.
        let mut marks = vec![(1.0, palette::MUTED, "today".to_owned())];
        if let Some((factor, _)) = &h.sla_breaks_at {
            marks.push((*factor, palette::ERROR, format!("SLA breaks {factor:.1}x")));
        }
        if let Some((id, factor)) = h.saturates_first.as_ref().filter(|(_, f)| *f <= 2.0) {
            let name = handbook.map.owner_name(id).to_owned();
            marks.push((
                *factor,
                palette::WARNING,
                format!("{name} at 100% {factor:.2}x"),
            ));
        }
        for (i, (factor, colour, label)) in marks.into_iter().enumerate() {
            let x = x_of(factor);
            self.line((x, plot.y), (x, plot.bottom()), colour, 1.0, true);
            #[allow(clippy::cast_precision_loss, reason = "three labels")]
            let y = plot.y + 10.0 + 10.0 * i as f32;
            self.op(Op::Text {
                x: (x + 3.0).min(plot.right() - 110.0),
                y,
                size: 7.5,
                bold: true,
                colour,
                text: label,
            });
        }
        // p90 (orange) and the worst SLA's mean met share (green).
        let p90: Vec<(f32, f32)> = h
            .rows
            .iter()
            .map(|r| (x_of(r.factor), y_p90(r.p90)))
            .collect();
        let worst: Vec<(f32, f32)> = h
            .rows
            .iter()
            .filter_map(|r| {
                let share = r.sla_met.values().copied().reduce(f64::min)?;
                Some((x_of(r.factor), y_share(share)))
            })
            .collect();
        for (points, colour) in [(p90, palette::ACCENT), (worst, palette::GOOD)] {
            for pair in points.windows(2) {
                if let [a, b] = pair {
                    self.line(*a, *b, colour, 1.6, false);
                }
            }
            for (x, y) in points {
                self.op(Op::Rect {
                    area: Area {
                        x: x - 2.0,
                        y: y - 2.0,
                        w: 4.0,
                        h: 4.0,
                    },
                    radius: 2.0,
                    fill: Some(colour),
                    stroke: None,
                });
            }
        }
        self.y += height - 10.0;
        let busiest = h
            .rows
            .iter()
            .find(|r| (r.factor - 1.0).abs() < 1e-9)
            .and_then(|r| r.busiest.as_ref())
            .map(|(id, _)| handbook.map.owner_name(id).to_owned());
        let mut key = "Orange: p90 cycle time (left scale). Green: the SLA met least often, share \
                       of cases within target (right scale)."
            .to_owned();
        if let Some(name) = busiest {
            let _ = write!(key, " Busiest owner today: {name}.");
        }
        self.lines(&key, 0.0, 8.5, false, palette::MUTED);
        self.y += 6.0;
    }

    pub(super) fn tornado(&mut self, handbook: &Handbook<'_>) {
        let Some(study) = handbook.capacity else {
            return;
        };
        let s = &study.sensitivity;
        if s.effects.is_empty() {
            return;
        }
        let parts: Vec<String> = s
            .effects
            .iter()
            .take(3)
            .map(|e| {
                format!(
                    "{} ({})",
                    change_label(handbook.map, &e.change),
                    hours(e.p90_change)
                )
            })
            .collect();
        let alt = format!(
            "What to improve first, the effect on p90 of each change, largest first: {}",
            parts.join(", ")
        );
        self.tagged(Role::Figure(alt), |this| this.tornado_bars(handbook));
    }

    fn tornado_bars(&mut self, handbook: &Handbook<'_>) {
        let Some(study) = handbook.capacity else {
            return;
        };
        let s = &study.sensitivity;
        let label_w = 210.0;
        let value_w = 60.0;
        let span_w = self.content_width() - label_w - value_w;
        let largest = s
            .effects
            .iter()
            .map(|e| e.p90_change.abs())
            .fold(0.0_f64, f64::max)
            .max(1e-9);
        let any_worse = s.effects.iter().any(|e| e.p90_change > 0.0);
        // Faster changes grow left from the zero line; a change that makes p90 longer grows
        // right (only when there is one, so the usual chart uses the whole width).
        let zero = if any_worse {
            MARGIN + label_w + span_w * 0.7
        } else {
            MARGIN + label_w + span_w
        };
        let left_w = zero - MARGIN - label_w;
        let top = self.y;
        for e in &s.effects {
            self.ensure(16.0);
            let label = change_label(handbook.map, &e.change);
            let label = fit_text(&label, label_w - 8.0, |t| self.measure.width(t, 9.0, false));
            self.text(MARGIN, 9.0, false, palette::INK, &label);
            let w = left_w * f(e.p90_change.abs() / largest);
            let (x, colour) = if e.p90_change <= 0.0 {
                (zero - w, palette::GOOD)
            } else {
                (zero, palette::ERROR)
            };
            self.op(Op::Rect {
                area: Area {
                    x,
                    y: self.y + 1.0,
                    w: w.max(0.5),
                    h: 10.0,
                },
                radius: 1.5,
                fill: Some(colour),
                stroke: None,
            });
            let value = if e.p90_change < 0.0 {
                format!("-{}", hours(-e.p90_change))
            } else {
                format!("+{}", hours(e.p90_change))
            };
            let vx = if any_worse {
                MARGIN + label_w + span_w + 6.0
            } else {
                zero + 6.0
            };
            self.text(
                vx.min(MARGIN + self.content_width() - value_w + 6.0),
                9.0,
                true,
                palette::INK,
                &value,
            );
            self.y += 16.0;
        }
        let from = if self.y > top { top } else { self.y - 16.0 };
        self.line((zero, from), (zero, self.y), palette::MUTED, 0.8, false);
        self.y += 4.0;
        self.lines(
            "Bars: change of p90 cycle time against today (green: shorter). Ranked by the p90 \
             change, then by SLA compliance.",
            0.0,
            8.5,
            false,
            palette::MUTED,
        );
        self.y += 6.0;
    }
}
