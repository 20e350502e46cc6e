//! The week section of the results, shown when the run has figures by hour of the week (the map
//! has calendars or rate profiles): a heat strip (weekday rows by hour columns) per owner of its
//! queue or its utilisation, and arrivals against people on shift over the week.

use egui::{Color32, RichText, Sense, Ui, pos2, vec2};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use super::Outcome;
use crate::palette;
use crate::sim::{OwnerWeek, WeekProfile};
use crate::ui::calendar::DAY_LABELS;
use crate::ui::theme;

/// What the heat strips show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WeekView {
    /// Mean queue length.
    #[default]
    Queue,
    /// Busy over available capacity.
    Utilisation,
}

const CELL: egui::Vec2 = egui::Vec2::new(13.0, 12.0);
const LABEL_WIDTH: f32 = 32.0;

/// The week section for `profile`.
pub(super) fn week_ui(ui: &mut Ui, outcome: &Outcome, profile: &WeekProfile, view: &mut WeekView) {
    let peak_queue = profile
        .owners
        .values()
        .flat_map(|o| o.queue.iter().copied())
        .fold(0.0, f64::max);
    ui.horizontal(|ui| {
        ui.label(RichText::new("By hour of the week").strong());
        ui.radio_value(view, WeekView::Queue, "Queue");
        ui.radio_value(view, WeekView::Utilisation, "Utilisation");
        ui.label(
            RichText::new(match view {
                WeekView::Queue => format!(
                    "mean cases waiting, green none to red {peak_queue:.1} (the longest); grey: \
                     nobody on shift"
                ),
                WeekView::Utilisation => format!(
                    "busy share of the people on shift, red from {:.0}%; grey: nobody on shift",
                    palette::HOT_UTILIZATION * 100.0
                ),
            })
            .small()
            .weak(),
        );
    });
    ui.horizontal_wrapped(|ui| {
        for (id, week) in &profile.owners {
            ui.vertical(|ui| {
                let name = outcome.map.owner_name(id);
                let calendar = outcome
                    .map
                    .owners
                    .get(id)
                    .and_then(|o| o.calendar.as_deref())
                    .map_or("around the clock", |c| outcome.map.calendar_name(c));
                ui.label(RichText::new(format!("{name} · {calendar}")).small());
                strip_ui(ui, id, week, *view, peak_queue);
            });
            ui.add_space(10.0);
        }
    });
    ui.add_space(4.0);
    arrivals_chart_ui(ui, profile);
}

/// The colour of one cell.
fn cell_colour(ui: &Ui, view: WeekView, week: &OwnerWeek, hour: usize, peak_queue: f64) -> Color32 {
    let on_shift = week.capacity.get(hour).copied().unwrap_or(0.0) > 0.0;
    if !on_shift {
        return ui.visuals().widgets.inactive.weak_bg_fill;
    }
    match view {
        WeekView::Utilisation => {
            theme::utilization_colour(week.utilization.get(hour).copied().unwrap_or(0.0))
        }
        WeekView::Queue => {
            let q = week.queue.get(hour).copied().unwrap_or(0.0);
            #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
            let t = if peak_queue > 0.0 {
                (q / peak_queue).clamp(0.0, 1.0) as f32
            } else {
                0.0
            };
            let rgb = if t < 0.5 {
                palette::mix(palette::HEAT_COOL, palette::HEAT_WARM, t * 2.0)
            } else {
                palette::mix(palette::HEAT_WARM, palette::HEAT_HOT, t * 2.0 - 1.0)
            };
            theme::rgb(rgb)
        }
    }
}

/// One owner's strip: weekday rows, hour columns, a hover with the figures of the hour.
fn strip_ui(ui: &mut Ui, id: &str, week: &OwnerWeek, view: WeekView, peak_queue: f64) {
    let size = vec2(LABEL_WIDTH + 24.0 * CELL.x, 14.0 + 7.0 * CELL.y);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::WidgetType::Other,
            true,
            format!("Week heat strip {id}"),
        )
    });
    let painter = ui.painter_at(rect);
    let weak = ui.visuals().weak_text_color();
    let origin = rect.min + vec2(LABEL_WIDTH, 14.0);
    for hour in (0..24u8).step_by(6) {
        painter.text(
            pos2(origin.x + f32::from(hour) * CELL.x, rect.top()),
            egui::Align2::LEFT_TOP,
            format!("{hour:02}"),
            egui::FontId::proportional(10.5),
            weak,
        );
    }
    for (day, label) in DAY_LABELS.iter().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "seven rows")]
        let y = origin.y + day as f32 * CELL.y;
        painter.text(
            pos2(rect.left() + LABEL_WIDTH - 4.0, y + CELL.y / 2.0),
            egui::Align2::RIGHT_CENTER,
            *label,
            egui::FontId::proportional(10.5),
            weak,
        );
        for hour in 0..24usize {
            #[allow(clippy::cast_precision_loss, reason = "24 columns")]
            let x = origin.x + hour as f32 * CELL.x;
            let cell = egui::Rect::from_min_size(pos2(x, y), CELL - vec2(1.0, 1.0));
            painter.rect_filled(
                cell,
                1.0,
                cell_colour(ui, view, week, day * 24 + hour, peak_queue),
            );
        }
    }
    if let Some(pos) = response.hover_pos() {
        let local = pos - origin;
        if local.x >= 0.0 && local.y >= 0.0 {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "non-negative and clamped"
            )]
            let (hour, day) = (
                ((local.x / CELL.x) as usize).min(23),
                ((local.y / CELL.y) as usize).min(6),
            );
            let bucket = day * 24 + hour;
            let get = |v: &[f64]| v.get(bucket).copied().unwrap_or(0.0);
            response.on_hover_text(format!(
                "{} {hour:02}:00-{:02}:00\nqueue {:.2}\nbusy {:.0}% of the people on shift\n{:.1} on shift",
                DAY_LABELS.get(day).copied().unwrap_or_default(),
                hour + 1,
                get(&week.queue),
                get(&week.utilization) * 100.0,
                get(&week.capacity),
            ));
        }
    }
}

/// Arrivals per hour and people on shift (all owners) over the week.
fn arrivals_chart_ui(ui: &mut Ui, profile: &WeekProfile) {
    #[allow(clippy::cast_precision_loss, reason = "168 buckets")]
    let points = |values: &[f64]| -> PlotPoints<'static> {
        values
            .iter()
            .enumerate()
            .map(|(h, &v)| [h as f64 + 0.5, v])
            .collect()
    };
    let mut capacity = vec![0.0; profile.arrivals.len()];
    for week in profile.owners.values() {
        for (sum, c) in capacity.iter_mut().zip(&week.capacity) {
            *sum += c;
        }
    }
    ui.label(RichText::new("Arrivals and people on shift over the week").strong());
    Plot::new("week-arrivals")
        .height(150.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .include_x(0.0)
        .include_x(168.0)
        .legend(Legend::default())
        .x_axis_formatter(|mark, _| {
            let hour = mark.value.round();
            if (mark.value - hour).abs() > 1e-6 || !(0.0..168.0).contains(&hour) {
                return String::new();
            }
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked in 0..168"
            )]
            let hour = hour as usize;
            if hour.is_multiple_of(24) {
                DAY_LABELS
                    .get(hour / 24)
                    .map_or_else(String::new, |d| (*d).to_owned())
            } else {
                format!("{:02}", hour % 24)
            }
        })
        .x_grid_spacer(|_| {
            (0..=28)
                .map(|i| egui_plot::GridMark {
                    value: f64::from(i) * 6.0,
                    step_size: if i % 4 == 0 { 24.0 } else { 6.0 },
                })
                .collect()
        })
        .show(ui, |plot| {
            plot.line(
                Line::new("arrivals per hour", points(&profile.arrivals))
                    .color(theme::kind_colour(crate::model::NodeKind::Start)),
            );
            plot.line(Line::new("people on shift", points(&capacity)).color(theme::SHIFT));
        });
}
