//! Working time in the inspector: a Start's arrival pattern (time between arrivals, or rates by
//! time of week drawn as a week bar chart) and its calendar, an ownerless Step's calendar, the
//! calendar an SLA counts in, and a service's maintenance calendar.

use egui::{RichText, Ui};

use super::{Change, Inspector, change};
use crate::model::calendar::{self, Window, rate_windows};
use crate::model::{Days, Dist, Duration, Edit, Node, ProcessMap, Rate, Service, Sla, TimeOfDay};
use crate::ui::calendar::{DAY_LABELS, calendar_picker, parsed_field};
use crate::ui::history::{Field, MergeKey, MergeTarget};
use crate::ui::theme;

impl Inspector {
    /// A Start's arrivals: the pattern, its editor and the calendar its clock runs in.
    pub(super) fn start_ui(
        &mut self,
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        node: &Node,
        changes: &mut Vec<Change>,
    ) {
        let Node::Start {
            arrivals,
            rates,
            calendar,
            ..
        } = node
        else {
            return;
        };
        let set = |node: Node| Edit::Node {
            id: id.to_owned(),
            node: Some(node),
        };
        ui.separator();
        ui.label(RichText::new("Arrivals").strong());
        let by_rates = !rates.is_empty();
        let mut choice = by_rates;
        ui.horizontal(|ui| {
            ui.radio_value(&mut choice, false, "Time between arrivals");
            ui.radio_value(&mut choice, true, "Rates by time of week");
        });
        if choice != by_rates {
            let mut new = node.clone();
            let per_hour = map.arrivals_per_hour(node);
            if let Node::Start {
                arrivals, rates, ..
            } = &mut new
            {
                if choice {
                    // Office hours at the rate that sends as many cases per week as before.
                    let office = Rate {
                        days: Days::WEEKDAYS,
                        from: TimeOfDay::hm(9, 0),
                        to: TimeOfDay::hm(17, 0),
                        per_hour: 1.0,
                    };
                    let weekly = per_hour * crate::model::WEEK_HOURS;
                    let rate = (weekly / office.per_week() * 100.0).round() / 100.0;
                    *rates = vec![Rate {
                        per_hour: if rate > 0.0 { rate } else { 1.0 },
                        ..office
                    }];
                    *arrivals = None;
                } else {
                    *rates = Vec::new();
                    *arrivals = Some(if per_hour > 0.0 {
                        Dist::Exponential {
                            mean: Duration::from_hours(1.0 / per_hour),
                        }
                    } else {
                        crate::model::DEFAULT_ARRIVALS
                    });
                }
            }
            changes.push(change("Change arrival pattern", set(new)));
            return;
        }
        if by_rates && arrivals.is_some() {
            // A file may give both; the simulator refuses that, so offer the way out.
            ui.label(
                RichText::new("This Start has rates and a time between arrivals; keep one.")
                    .small()
                    .color(theme::ERROR),
            );
            if ui.button("Keep the rates").clicked() {
                let mut new = node.clone();
                if let Node::Start { arrivals, .. } = &mut new {
                    *arrivals = None;
                }
                changes.push(change("Keep the arrival rates", set(new)));
            }
        }
        if by_rates {
            if let Some(new_rates) = self.rates_ui(ui, id, rates) {
                let mut new = node.clone();
                if let Node::Start { rates, .. } = &mut new {
                    *rates = new_rates;
                }
                changes.push(Change {
                    label: "Change arrival rates".into(),
                    edit: set(new),
                    merge: Some(MergeKey::new(
                        MergeTarget::Node(id.to_owned()),
                        Field::Rates,
                    )),
                });
            }
            let mut windows = rate_windows(rates);
            if let Some(c) = map.calendar(calendar.as_deref()) {
                windows = calendar::intersect(&windows, &c.windows(1));
            }
            week_chart_ui(ui, &week_profile(&windows));
        } else {
            let current = arrivals.clone().unwrap_or(crate::model::DEFAULT_ARRIVALS);
            if let Some(dist) = self.dist_ui(ui, &format!("{id}.arrivals"), &current) {
                let mut new = node.clone();
                if let Node::Start { arrivals, .. } = &mut new {
                    *arrivals = Some(dist);
                }
                changes.push(change("Change arrivals", set(new)));
            }
        }
        ui.label(
            RichText::new(format!(
                "mean {:.2} arrivals per hour over the week",
                map.arrivals_per_hour(node)
            ))
            .small(),
        );
        ui.horizontal(|ui| {
            ui.label("Arrives in");
            if let Some(chosen) =
                calendar_picker(ui, ("start", id), map, calendar.as_deref(), "Always", 150.0)
            {
                let mut new = node.clone();
                if let Node::Start { calendar, .. } = &mut new {
                    *calendar = chosen;
                }
                changes.push(change("Set Start calendar", set(new)));
            }
        })
        .response
        .on_hover_text(if by_rates {
            "Rates apply only in this calendar's open time"
        } else {
            "The clock between arrivals runs only in this calendar's open time"
        });
    }

    /// The rate windows: days, from, to, per hour, remove; add. Returns the new list when it
    /// changed.
    fn rates_ui(&mut self, ui: &mut Ui, id: &str, rates: &[Rate]) -> Option<Vec<Rate>> {
        let mut result = None;
        egui::Grid::new(("rates", id))
            .num_columns(5)
            .spacing([6.0, 4.0])
            .show(ui, |ui| {
                for title in ["Days", "From", "To", "Per hour", ""] {
                    ui.label(RichText::new(title).small().strong());
                }
                ui.end_row();
                for (index, rate) in rates.iter().enumerate() {
                    let mut new = *rate;
                    let key = format!("{id}.rate.{index}");
                    let (drafts, errors) = (&mut self.drafts, &mut self.errors);
                    if let Some(days) =
                        parsed_field(ui, drafts, errors, &format!("{key}.days"), &rate.days, 70.0)
                    {
                        new.days = days;
                    }
                    if let Some(from) =
                        parsed_field(ui, drafts, errors, &format!("{key}.from"), &rate.from, 42.0)
                    {
                        new.from = from;
                    }
                    if let Some(to) =
                        parsed_field(ui, drafts, errors, &format!("{key}.to"), &rate.to, 42.0)
                    {
                        new.to = to;
                    }
                    let mut per_hour = rate.per_hour;
                    if ui
                        .add(
                            egui::DragValue::new(&mut per_hour)
                                .range(0.0..=100_000.0)
                                .speed(0.1)
                                .max_decimals(2),
                        )
                        .on_hover_text("Mean arrivals per hour in this window (Poisson)")
                        .changed()
                    {
                        new.per_hour = per_hour;
                    }
                    if ui
                        .small_button("🗑")
                        .on_hover_text("Remove this window")
                        .clicked()
                    {
                        let mut rest = rates.to_vec();
                        rest.remove(index);
                        result = Some(rest);
                    } else if new != *rate {
                        let mut changed = rates.to_vec();
                        if let Some(slot) = changed.get_mut(index) {
                            *slot = new;
                        }
                        result = Some(changed);
                    }
                    ui.end_row();
                }
            });
        for index in 0..rates.len() {
            for part in ["days", "from", "to"] {
                if let Some(error) = self.errors.get(&format!("{id}.rate.{index}.{part}")) {
                    ui.label(RichText::new(error).small().color(theme::ERROR));
                }
            }
        }
        if ui
            .button("+ Add window")
            .on_hover_text("Add a window of the week with its own arrival rate")
            .clicked()
        {
            let mut more = rates.to_vec();
            more.push(Rate {
                days: "Sat".parse().unwrap_or(Days::ALL),
                from: TimeOfDay::hm(9, 0),
                to: TimeOfDay::hm(13, 0),
                per_hour: 1.0,
            });
            result = Some(more);
        }
        if rates.is_empty() {
            ui.label(RichText::new("No windows: no cases arrive.").color(theme::ERROR));
        }
        result
    }

    /// An ownerless Step's calendar (a step with an owner works on the owner's calendar).
    pub(super) fn step_calendar_ui(
        ui: &mut Ui,
        map: &ProcessMap,
        id: &str,
        node: &Node,
        changes: &mut Vec<Change>,
    ) {
        let Node::Step {
            owner, calendar, ..
        } = node
        else {
            return;
        };
        ui.horizontal(|ui| {
            ui.label("Delay counts in");
            let enabled = owner.is_none() || calendar.is_some();
            let response = ui.add_enabled_ui(enabled, |ui| {
                calendar_picker(ui, ("step", id), map, calendar.as_deref(), "Always", 150.0)
            });
            if let Some(chosen) = response.inner {
                let mut new = node.clone();
                if let Node::Step { calendar, .. } = &mut new {
                    *calendar = chosen;
                }
                changes.push(change(
                    "Set step calendar",
                    Edit::Node {
                        id: id.to_owned(),
                        node: Some(new),
                    },
                ));
            }
        });
        if let Some(owner_id) = owner {
            let owner_calendar = map
                .owners
                .get(owner_id)
                .and_then(|o| o.calendar.as_deref())
                .map_or("works around the clock", |c| map.calendar_name(c));
            ui.label(
                RichText::new(format!(
                    "It has an owner, so it works on the owner's calendar ({owner_calendar})."
                ))
                .small()
                .weak(),
            );
        }
    }
}

/// "Counts in: elapsed time / <calendar>" for an SLA; the changed SLA when the user picked.
pub(super) fn sla_calendar_ui(ui: &mut Ui, salt: &str, map: &ProcessMap, sla: &Sla) -> Option<Sla> {
    ui.horizontal(|ui| {
        ui.label("Counts in");
        calendar_picker(
            ui,
            ("sla", salt),
            map,
            sla.calendar.as_deref(),
            "elapsed time",
            150.0,
        )
        .map(|calendar| Sla {
            calendar,
            ..sla.clone()
        })
    })
    .inner
}

/// A service's maintenance calendar: down during that calendar's shifts.
pub(super) fn maintenance_ui(
    ui: &mut Ui,
    map: &ProcessMap,
    id: &str,
    service: &Service,
) -> Option<Service> {
    ui.horizontal(|ui| {
        ui.label("Maintenance");
        calendar_picker(
            ui,
            ("maintenance", id),
            map,
            service.maintenance.as_deref(),
            "none",
            150.0,
        )
        .map(|maintenance| Service {
            maintenance,
            ..service.clone()
        })
    })
    .inner
}

/// Expected arrivals per hour of the week (168 buckets, Monday 00:00 first) of rate windows.
#[must_use]
pub fn week_profile(windows: &[Window]) -> Vec<f64> {
    let mut buckets = vec![0.0; 168];
    for window in windows {
        for (start, end) in window.week_minutes() {
            let mut t = start;
            while t < end {
                let hour = t / 60;
                let next = ((hour + 1) * 60).min(end);
                if let Some(bucket) = buckets.get_mut(hour as usize) {
                    *bucket += window.weight * f64::from(next - t) / 60.0;
                }
                t = next;
            }
        }
    }
    buckets
}

/// A small bar chart of arrivals per hour over the week, one bar per hour, days marked.
fn week_chart_ui(ui: &mut Ui, buckets: &[f64]) {
    let width = ui.available_width().clamp(168.0, 336.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 64.0), egui::Sense::hover());
    let peak = buckets.iter().copied().fold(0.0, f64::max);
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::WidgetType::Other,
            true,
            format!("Week chart of arrivals per hour, peak {peak:.1}"),
        )
    });
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    let plot = egui::Rect::from_min_max(
        rect.min + egui::vec2(2.0, 12.0),
        rect.max - egui::vec2(2.0, 14.0),
    );
    #[allow(clippy::cast_precision_loss, reason = "168 buckets")]
    let bar = plot.width() / buckets.len().max(1) as f32;
    let colour = theme::kind_colour(crate::model::NodeKind::Start);
    for (hour, &value) in buckets.iter().enumerate() {
        if value <= 0.0 || peak <= 0.0 {
            continue;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_precision_loss,
            reason = "screen coordinates"
        )]
        let (x, h) = (
            plot.left() + hour as f32 * bar,
            (value / peak) as f32 * plot.height(),
        );
        painter.rect_filled(
            egui::Rect::from_min_max(
                egui::pos2(x, plot.bottom() - h),
                egui::pos2(x + bar.max(1.0), plot.bottom()),
            ),
            0.0,
            colour,
        );
    }
    let line = visuals.widgets.noninteractive.bg_stroke;
    for (day, label) in DAY_LABELS.iter().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "seven days")]
        let x = plot.left() + day as f32 * 24.0 * bar;
        painter.vline(x, plot.y_range(), line);
        painter.text(
            egui::pos2(x + 12.0 * bar, rect.bottom() - 1.0),
            egui::Align2::CENTER_BOTTOM,
            *label,
            egui::FontId::proportional(10.0),
            visuals.weak_text_color(),
        );
    }
    painter.text(
        rect.left_top() + egui::vec2(4.0, 1.0),
        egui::Align2::LEFT_TOP,
        format!("arrivals per hour, peak {peak:.1}"),
        egui::FontId::proportional(10.0),
        visuals.weak_text_color(),
    );
    if let Some(pos) = response.hover_pos() {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to the week"
        )]
        let hour = (((pos.x - plot.left()) / bar).floor().clamp(0.0, 167.0)) as usize;
        if let Some(value) = buckets.get(hour) {
            let day = DAY_LABELS.get(hour / 24).copied().unwrap_or_default();
            response.on_hover_text(format!(
                "{day} {:02}:00-{:02}:00: {value:.2} per hour",
                hour % 24,
                hour % 24 + 1
            ));
        }
    }
}
