//! Week charts: a calendar's shifts on a days x hours grid (with each shift's capacity), and
//! the heat grid of each owner's utilisation by hour of the week from the results.

use super::layout::Layout;
use super::{MARGIN, Op, Role};
use crate::model::calendar::Calendar;
use crate::palette;
use crate::report::diagram::{Area, fit_text};
use crate::report::format::percent_whole;
use crate::report::handbook::Handbook;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// Width of the day labels left of a grid.
const LABEL: f32 = 34.0;

impl Layout<'_> {
    /// The hour ruler above a week grid (0, 3, ... 24) with light lines every three hours.
    fn hour_ruler(&mut self, x: f32, w: f32, top: f32, rows: f32, row_h: f32) {
        for hour in (0..=24).step_by(3) {
            #[allow(clippy::cast_precision_loss, reason = "hours of a day")]
            let hx = x + w * hour as f32 / 24.0;
            self.op(Op::Text {
                x: hx - 5.0,
                y: top - 3.0,
                size: 7.0,
                bold: false,
                colour: palette::MUTED,
                text: format!("{hour:02}"),
            });
            self.op(Op::Line {
                a: (hx, top),
                b: (hx, top + rows * row_h),
                colour: palette::RULE,
                width: 0.4,
                dashed: false,
            });
        }
    }

    /// A calendar's week: a row per day, its shifts as bars labelled with their capacity.
    pub(super) fn week_chart(&mut self, handbook: &Handbook<'_>, id: &str) {
        let Some(calendar) = handbook.map.calendars.get(id) else {
            return;
        };
        let alt = format!(
            "Week chart of {}: {}",
            calendar.name,
            calendar
                .week
                .iter()
                .map(|s| format!("{} {}-{}", s.days, s.from, s.to))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let row_h = 13.0;
        self.ensure(7.0 * row_h + 30.0);
        self.tagged(Role::Figure(alt), |this| this.week_grid(calendar, row_h));
    }

    fn week_grid(&mut self, calendar: &Calendar, row_h: f32) {
        let x = MARGIN + LABEL;
        let w = self.content_width() - LABEL - 6.0;
        let top = self.y + 12.0;
        for (d, day) in DAYS.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "seven rows")]
            let y = top + d as f32 * row_h;
            self.op(Op::Rect {
                area: Area {
                    x,
                    y,
                    w,
                    h: row_h - 1.0,
                },
                radius: 0.0,
                fill: Some(if d % 2 == 0 {
                    palette::SHADE
                } else {
                    palette::STRIPE
                }),
                stroke: None,
            });
            self.op(Op::Text {
                x: MARGIN,
                y: y + row_h - 3.5,
                size: 8.0,
                bold: false,
                colour: palette::INK,
                text: (*day).to_owned(),
            });
        }
        self.hour_ruler(x, w, top, 7.0, row_h);
        for window in calendar.windows(0) {
            for (a, b) in window.week_minutes() {
                // Split at midnights so each piece sits in its day's row.
                let mut start = a;
                while start < b {
                    let day = start / 1440;
                    let stop = b.min((day + 1) * 1440);
                    #[allow(clippy::cast_precision_loss, reason = "minutes of a week")]
                    let (from, to, row) = (
                        (start - day * 1440) as f32,
                        (stop - day * 1440) as f32,
                        day as f32,
                    );
                    let bar = Area {
                        x: x + w * from / 1440.0,
                        y: top + row * row_h + 1.5,
                        w: (w * (to - from) / 1440.0).max(0.8),
                        h: row_h - 4.0,
                    };
                    self.op(Op::Rect {
                        area: bar,
                        radius: 2.0,
                        fill: Some(palette::SHIFT),
                        stroke: None,
                    });
                    if window.level > 0 {
                        let label = if window.level == 1 {
                            "1 person".to_owned()
                        } else {
                            format!("{} people", window.level)
                        };
                        if self.measure.width(&label, 7.0, true) + 6.0 < bar.w {
                            self.op(Op::Text {
                                x: bar.x + 3.0,
                                y: bar.y + bar.h - 2.0,
                                size: 7.0,
                                bold: true,
                                colour: palette::SHIFT_TEXT,
                                text: label,
                            });
                        }
                    }
                    start = stop;
                }
            }
        }
        self.y = top + 7.0 * row_h + 10.0;
    }

    /// Each owner's utilisation by hour of the week as a heat grid (blank off shift).
    pub(super) fn week_heat(&mut self, handbook: &Handbook<'_>) {
        let Some(week) = handbook.results.and_then(|r| r.by_hour_of_week.as_ref()) else {
            return;
        };
        for (id, owner) in &week.owners {
            let name = handbook.map.owner_name(id);
            let peak = owner.utilization.iter().copied().fold(0.0, f64::max);
            let alt = format!(
                "Utilisation of {name} by hour of the week, highest {}",
                percent_whole(peak)
            );
            let row_h = 8.0;
            self.ensure(7.0 * row_h + 40.0);
            self.tagged(Role::Figure(alt), |this| {
                let title = fit_text(name, this.content_width(), |t| {
                    this.measure.width(t, 9.5, true)
                });
                this.text(MARGIN, 9.5, true, palette::INK, &title);
                this.y += 14.0;
                let x = MARGIN + LABEL;
                let w = this.content_width() - LABEL - 6.0;
                let top = this.y + 10.0;
                for (d, day) in DAYS.iter().enumerate() {
                    #[allow(clippy::cast_precision_loss, reason = "seven rows")]
                    let y = top + d as f32 * row_h;
                    this.op(Op::Text {
                        x: MARGIN,
                        y: y + row_h - 1.5,
                        size: 6.5,
                        bold: false,
                        colour: palette::MUTED,
                        text: (*day).to_owned(),
                    });
                    for hour in 0..24 {
                        let b = d * 24 + hour;
                        let on_shift = owner.capacity.get(b).copied().unwrap_or(0.0) > 0.0;
                        let u = owner.utilization.get(b).copied().unwrap_or(0.0);
                        #[allow(clippy::cast_precision_loss, reason = "hours of a day")]
                        let cell = Area {
                            x: x + w * hour as f32 / 24.0,
                            y,
                            w: w / 24.0 - 0.6,
                            h: row_h - 0.6,
                        };
                        this.op(Op::Rect {
                            area: cell,
                            radius: 0.0,
                            fill: Some(if on_shift {
                                palette::heat(u)
                            } else {
                                palette::PAPER
                            }),
                            stroke: if on_shift {
                                None
                            } else {
                                Some((palette::RULE, 0.3))
                            },
                        });
                    }
                }
                this.hour_ruler(x, w, top, 7.0, row_h);
                this.y = top + 7.0 * row_h + 8.0;
            });
        }
        self.lines(
            "Colour: light below 50% busy, green to amber up to 85%, red at 100%; white cells: \
             nobody on shift.",
            0.0,
            8.0,
            false,
            palette::MUTED,
        );
        self.y += 6.0;
    }
}
