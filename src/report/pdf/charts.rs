//! The charts of the simulation results: the cycle-time histogram (with p90 and SLA marks)
//! and utilisation bars by owner (busiest first, with the 85% line).

use std::fmt::Write as _;

use super::layout::Layout;
use super::{MARGIN, Op, Role};
use crate::palette;
use crate::report::diagram::{Area, fit_text};
use crate::report::format::{hours, percent_whole};
use crate::report::handbook::Handbook;

impl Layout<'_> {
    pub(super) fn histogram(&mut self, handbook: &Handbook<'_>) {
        let Some(result) = handbook.results else {
            return;
        };
        let c = &result.cycle_time;
        let mut alt = format!(
            "Histogram of cycle times: median {}, 90th percentile {}, 95th percentile {}",
            hours(c.p50),
            hours(c.p90),
            hours(c.p95)
        );
        if let Some(sla) = &result.sla {
            let _ = write!(
                alt,
                "; SLA target {} met by {}",
                hours(sla.target_hours),
                percent_whole(sla.met_fraction.mean)
            );
        }
        self.ensure(200.0);
        self.tagged(Role::Figure(alt), |this| this.histogram_chart(result));
    }

    fn histogram_chart(&mut self, result: &crate::sim::SimResult) {
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
            colour: palette::MUTED,
            width: 0.8,
            dashed: false,
        });
        self.op(Op::Line {
            a: (plot.x, plot.y),
            b: (plot.x, plot.bottom()),
            colour: palette::MUTED,
            width: 0.8,
            dashed: false,
        });
        for k in 0..=4u8 {
            let fraction = f32::from(k) / 4.0;
            let x = plot.x + plot.w * fraction;
            self.op(Op::Line {
                a: (x, plot.bottom()),
                b: (x, plot.bottom() + 3.0),
                colour: palette::MUTED,
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
                colour: palette::MUTED,
                text: label,
            });
        }
        self.op(Op::Text {
            x: MARGIN,
            y: plot.y + 8.0,
            size: 8.0,
            bold: false,
            colour: palette::MUTED,
            text: max.to_string(),
        });
        self.op(Op::Text {
            x: MARGIN,
            y: plot.bottom(),
            size: 8.0,
            bold: false,
            colour: palette::MUTED,
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
            self.lines(&note, 0.0, 8.5, false, palette::MUTED);
            self.y += 4.0;
        }
    }

    pub(super) fn utilization(&mut self, handbook: &Handbook<'_>) {
        let Some(result) = handbook.results else {
            return;
        };
        let parts: Vec<String> = result
            .bottlenecks
            .iter()
            .filter_map(|id| {
                let o = result.owners.get(id)?;
                Some(format!(
                    "{} {}",
                    handbook.map.owner_name(id),
                    percent_whole(o.utilization.mean)
                ))
            })
            .collect();
        let alt = format!("Utilisation by owner, busiest first: {}", parts.join(", "));
        self.tagged(Role::Figure(alt), |this| {
            this.utilization_chart(handbook, result);
        });
    }

    fn utilization_chart(&mut self, handbook: &Handbook<'_>, result: &crate::sim::SimResult) {
        let label_w = 150.0;
        let bar_w = self.content_width() - label_w - 50.0;
        for id in &result.bottlenecks {
            let Some(owner) = result.owners.get(id) else {
                continue;
            };
            self.ensure(18.0);
            let name = handbook.map.owner_name(id);
            let name = fit_text(name, label_w - 8.0, |t| self.measure.width(t, 9.5, false));
            self.text(MARGIN, 9.5, false, palette::INK, &name);
            let u = owner.utilization.mean.clamp(0.0, 1.0);
            let colour = palette::utilization(u);
            let x = MARGIN + label_w;
            self.op(Op::Rect {
                area: Area {
                    x,
                    y: self.y + 1.0,
                    w: bar_w,
                    h: 11.0,
                },
                radius: 2.0,
                fill: Some(palette::SHADE),
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
                palette::INK,
                &percent_whole(owner.utilization.mean),
            );
            self.y += 18.0;
        }
        #[allow(clippy::cast_possible_truncation, reason = "a fraction")]
        let x = MARGIN + label_w + bar_w * palette::HOT_UTILIZATION as f32;
        self.op(Op::Line {
            #[allow(clippy::cast_precision_loss, reason = "a handful of owners")]
            a: (x, self.y - 18.0 * (result.bottlenecks.len().max(1) as f32)),
            b: (x, self.y),
            colour: palette::ERROR,
            width: 0.8,
            dashed: true,
        });
        let hot = percent_whole(palette::HOT_UTILIZATION);
        self.text(x - 10.0, 8.0, false, palette::ERROR, &hot);
        self.y += 18.0;
    }
}
