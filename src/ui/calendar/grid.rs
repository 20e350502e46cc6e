//! The week grid of the calendar editor: seven day rows by 24 hour columns with the shifts as
//! bars. Drag on empty cells to draw a shift (the rows and hours the rectangle covers), drag a
//! bar to move it (sideways in time, up and down by days), drag its ends to resize it. The
//! arithmetic is in `shape`; this file maps the pointer to it and paints.

use egui::{Align2, Color32, CursorIcon, FontId, Pos2, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::shape::{self, Piece};
use crate::model::{Calendar, Shift};
use crate::ui::theme;

/// Day labels of the rows.
pub const DAY_LABELS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LABEL_WIDTH: f32 = 38.0;
const HEADER_HEIGHT: f32 = 16.0;
const ROW_HEIGHT: f32 = 26.0;
const HANDLE_WIDTH: f32 = 6.0;

/// What a drag on the grid is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Grab {
    /// Drawing a new shift from this day row and minute.
    Draw {
        /// Day row where the drag began.
        day: u8,
        /// Snapped minute where the drag began.
        minute: i32,
    },
    /// Moving shift `index`.
    Move(usize),
    /// Moving the start of shift `index`.
    Start(usize),
    /// Moving the end of shift `index`.
    End(usize),
}

/// A drag in progress: what was grabbed, where, the shifts as they were, and the gesture number
/// that makes the whole drag one undo step.
#[derive(Clone, Debug)]
pub struct Drag {
    /// What is being dragged.
    pub grab: Grab,
    /// Pointer position at the press.
    pub origin: Pos2,
    /// The calendar's shifts when the drag began.
    pub week: Vec<Shift>,
    /// Numbers the gesture for the undo history.
    pub gesture: u64,
}

/// The grid's layout: where the hours and days are on screen.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// The cells (without the labels).
    pub cells: Rect,
}

impl Layout {
    fn hour_width(self) -> f32 {
        self.cells.width() / 24.0
    }

    /// The x of a minute of the day.
    #[must_use]
    pub fn x(self, minute: f32) -> f32 {
        self.cells.left() + minute / 60.0 * self.hour_width()
    }

    /// The snapped minute of the day under `x`.
    #[must_use]
    pub fn minute(self, x: f32) -> i32 {
        shape::snap((x - self.cells.left()) / self.hour_width() * 60.0).clamp(0, 1440)
    }

    /// Minutes spanned by a horizontal distance (snapped).
    #[must_use]
    pub fn minutes(self, dx: f32) -> i32 {
        shape::snap(dx / self.hour_width() * 60.0)
    }

    /// The day row under `y` (clamped to the week).
    #[must_use]
    pub fn day(self, y: f32) -> u8 {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to 0..=6"
        )]
        let day = ((y - self.cells.top()) / ROW_HEIGHT)
            .floor()
            .clamp(0.0, 6.0) as u8;
        day
    }

    /// Whole rows spanned by a vertical distance.
    #[must_use]
    pub fn days(dy: f32) -> i32 {
        #[allow(clippy::cast_possible_truncation, reason = "a few rows")]
        let rows = (dy / ROW_HEIGHT).round() as i32;
        rows
    }

    /// The rectangle of a piece of a shift.
    #[must_use]
    pub fn piece_rect(self, p: Piece) -> Rect {
        let top = self.cells.top() + f32::from(p.day) * ROW_HEIGHT;
        Rect::from_min_max(
            pos2(self.x(f32::from(p.from)), top + 3.0),
            pos2(self.x(f32::from(p.to)), top + ROW_HEIGHT - 3.0),
        )
    }
}

/// The result of one frame of the grid: the shifts as the user has changed them (when they
/// did), and the gesture number of the drag that changed them.
pub struct GridOutput {
    /// The new shifts.
    pub week: Option<Vec<Shift>>,
    /// The drag's gesture number.
    pub gesture: u64,
    /// A shift the user clicked.
    pub clicked: Option<usize>,
}

/// Shows the grid for `calendar`; `drag` is the editor's drag state, `next_gesture` its counter,
/// `selected` the highlighted shift.
pub fn week_grid_ui(
    ui: &mut Ui,
    calendar: &Calendar,
    drag: &mut Option<Drag>,
    next_gesture: &mut u64,
    selected: Option<usize>,
) -> GridOutput {
    let width = ui
        .available_width()
        .clamp(24.0 * 14.0 + LABEL_WIDTH, 24.0 * 34.0 + LABEL_WIDTH);
    let (outer, background) = ui.allocate_exact_size(
        vec2(width, HEADER_HEIGHT + 7.0 * ROW_HEIGHT),
        Sense::click_and_drag(),
    );
    let background = background.on_hover_cursor(CursorIcon::Crosshair);
    background
        .widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Other, true, "Week grid"));
    let layout = Layout {
        cells: Rect::from_min_max(outer.min + vec2(LABEL_WIDTH, HEADER_HEIGHT), outer.max),
    };
    let all: Vec<(usize, Piece)> = calendar
        .week
        .iter()
        .enumerate()
        .flat_map(|(i, s)| shape::pieces(s).into_iter().map(move |p| (i, p)))
        .collect();
    // The part of a piece that another shift also covers, if any.
    let clash = |index: usize, piece: &Piece| -> Option<(u16, u16)> {
        all.iter()
            .filter(|(j, q)| *j != index && q.day == piece.day)
            .filter_map(|(_, q)| {
                let (a, b) = (piece.from.max(q.from), piece.to.min(q.to));
                (a < b).then_some((a, b))
            })
            .reduce(|x, y| (x.0.min(y.0), x.1.max(y.1)))
    };
    paint_cells(ui, layout);

    // Bars, then their handles, so that the handles win the hit test.
    let mut grabbed = None;
    let mut clicked = None;
    let mut handles = Vec::new();
    for (index, shift) in calendar.week.iter().enumerate() {
        for (n, piece) in shape::pieces(shift).iter().enumerate() {
            let rect = layout.piece_rect(*piece);
            let id = ui.id().with(("shift", index, n));
            let response = ui
                .interact(rect, id, Sense::click_and_drag())
                .on_hover_cursor(CursorIcon::Grab)
                .on_hover_text(format!(
                    "Shift {}: {} {}–{}{}. Drag to move, drag an end to resize.",
                    index + 1,
                    shift.days,
                    shift.from,
                    shift.to,
                    shift
                        .capacity
                        .map_or_else(String::new, |c| format!(", {c} on shift"))
                ));
            if response.drag_started() {
                grabbed = Some(Grab::Move(index));
            }
            if response.clicked() {
                clicked = Some(index);
            }
            let clashing = clash(index, piece)
                .map(|(from, to)| layout.piece_rect(Piece { from, to, ..*piece }));
            paint_piece(
                ui,
                rect,
                shift,
                *piece,
                index,
                selected == Some(index),
                clashing,
            );
            // Short bars keep a middle to grab for moving.
            let handle = HANDLE_WIDTH.min(rect.width() / 3.0);
            if piece.starts {
                handles.push((
                    Rect::from_min_size(rect.min, vec2(handle, rect.height())),
                    Grab::Start(index),
                    (index, n, 0),
                ));
            }
            if piece.ends {
                handles.push((
                    Rect::from_min_size(
                        rect.right_top() - vec2(handle, 0.0),
                        vec2(handle, rect.height()),
                    ),
                    Grab::End(index),
                    (index, n, 1),
                ));
            }
        }
    }
    for (rect, grab, key) in handles {
        let response = ui
            .interact(rect, ui.id().with(("handle", key)), Sense::drag())
            .on_hover_cursor(CursorIcon::ResizeHorizontal);
        if response.drag_started() {
            grabbed = Some(grab);
        }
    }
    let press = ui.input(|i| i.pointer.press_origin());
    if grabbed.is_none() && background.drag_started() {
        // From where the button went down, not where the drag was recognised.
        if let Some(at) = press {
            grabbed = Some(Grab::Draw {
                day: layout.day(at.y),
                minute: layout.minute(at.x),
            });
        }
    }
    if let (Some(grab), Some(origin)) = (grabbed, press) {
        *next_gesture += 1;
        *drag = Some(Drag {
            grab,
            origin,
            week: calendar.week.clone(),
            gesture: *next_gesture,
        });
    }
    let mut output = GridOutput {
        week: None,
        gesture: drag.as_ref().map_or(0, |d| d.gesture),
        clicked,
    };
    let (down, pointer) = ui.input(|i| (i.pointer.primary_down(), i.pointer.interact_pos()));
    if let (Some(current), Some(pointer)) = (drag.as_ref(), pointer) {
        let week = dragged(current, layout, pointer);
        if let (Grab::Draw { .. }, Some(shift)) =
            (&current.grab, week.as_ref().and_then(|w| w.last()))
        {
            paint_piece_outline(ui, layout, shift);
        }
        // A rectangle too small to be a shift yet leaves the week as it was.
        let week = week.unwrap_or_else(|| current.week.clone());
        if week != calendar.week {
            output.week = Some(week);
        }
        ui.ctx().set_cursor_icon(match current.grab {
            Grab::Draw { .. } => CursorIcon::Crosshair,
            Grab::Move(_) => CursorIcon::Grabbing,
            Grab::Start(_) | Grab::End(_) => CursorIcon::ResizeHorizontal,
        });
    }
    if !down {
        *drag = None;
    }
    output
}

/// The shifts while `drag` has the pointer at `pointer`; `None` while a drawn rectangle is
/// still too small to be a shift (the week as it was).
fn dragged(drag: &Drag, layout: Layout, pointer: Pos2) -> Option<Vec<Shift>> {
    let delta = pointer - drag.origin;
    let mut week = drag.week.clone();
    match drag.grab {
        Grab::Draw { day, minute } => {
            let shift = shape::drawn(day, minute, layout.day(pointer.y), layout.minute(pointer.x))?;
            week.push(shift);
        }
        Grab::Move(i) => {
            let slot = week.get_mut(i)?;
            *slot = shape::moved(slot, layout.minutes(delta.x), Layout::days(delta.y));
        }
        Grab::Start(i) => {
            let slot = week.get_mut(i)?;
            *slot = shape::resized_start(slot, layout.minutes(delta.x));
        }
        Grab::End(i) => {
            let slot = week.get_mut(i)?;
            *slot = shape::resized_end(slot, layout.minutes(delta.x));
        }
    }
    Some(week)
}

fn paint_cells(ui: &Ui, layout: Layout) {
    let painter = ui.painter();
    let visuals = ui.visuals();
    let line = visuals.widgets.noninteractive.bg_stroke;
    let faint = Stroke::new(line.width, line.color.gamma_multiply(0.45));
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    let cells = layout.cells;
    painter.rect_filled(cells, 2.0, visuals.extreme_bg_color);
    for (day, label) in DAY_LABELS.iter().enumerate() {
        #[allow(clippy::cast_precision_loss, reason = "seven rows")]
        let top = cells.top() + day as f32 * ROW_HEIGHT;
        let row = Rect::from_min_max(
            pos2(cells.left(), top),
            pos2(cells.right(), top + ROW_HEIGHT),
        );
        if day >= 5 {
            painter.rect_filled(row, 0.0, visuals.faint_bg_color);
        }
        painter.text(
            pos2(cells.left() - 6.0, row.center().y),
            Align2::RIGHT_CENTER,
            *label,
            FontId::proportional(13.0),
            if day >= 5 { weak } else { text },
        );
        painter.hline(cells.x_range(), top, faint);
    }
    painter.hline(cells.x_range(), cells.bottom(), line);
    for hour in 0..=24u8 {
        let x = layout.x(f32::from(hour) * 60.0);
        let stroke = if hour % 6 == 0 { line } else { faint };
        painter.vline(x, cells.y_range(), stroke);
        if hour % 3 == 0 && hour < 24 {
            painter.text(
                pos2(x + 2.0, cells.top() - 2.0),
                Align2::LEFT_BOTTOM,
                format!("{hour:02}"),
                FontId::proportional(11.0),
                weak,
            );
        }
    }
}

fn paint_piece(
    ui: &Ui,
    rect: Rect,
    shift: &Shift,
    piece: Piece,
    index: usize,
    selected: bool,
    clash: Option<Rect>,
) {
    let overlapping = clash.is_some();
    let painter = ui.painter();
    let dark = ui.visuals().dark_mode;
    let colour = if overlapping {
        theme::ERROR
    } else {
        theme::SHIFT
    };
    let fill = theme::tint(colour, dark, if selected { 0.75 } else { 0.5 });
    let stroke = Stroke::new(if selected || overlapping { 2.0 } else { 1.0 }, colour);
    painter.rect(rect, 4.0, fill, stroke, egui::StrokeKind::Inside);
    // Under the label, so that the times stay readable.
    if let Some(part) = clash {
        paint_hatch(ui, part);
    }
    let ink = if dark { Color32::WHITE } else { Color32::BLACK };
    let mut label = format!("{}", index + 1);
    if piece.starts && piece.ends {
        label = format!("{label}  {}–{}", shift.from, shift.to);
    }
    if let Some(capacity) = shift.capacity {
        label = format!("{label}  ×{capacity}");
    }
    let galley = painter.layout_no_wrap(label, FontId::proportional(11.0), ink);
    let text = if galley.size().x + 8.0 <= rect.width() {
        galley
    } else {
        painter.layout_no_wrap(format!("{}", index + 1), FontId::proportional(11.0), ink)
    };
    if text.size().x + 4.0 <= rect.width() {
        let at = pos2(rect.left() + 4.0, rect.center().y - text.size().y / 2.0);
        painter.galley(at, text, ink);
    }
    for (edge, present) in [
        (rect.left() + 2.5, piece.starts),
        (rect.right() - 2.5, piece.ends),
    ] {
        if present && rect.width() > 12.0 {
            painter.vline(
                edge,
                rect.shrink2(vec2(0.0, 5.0)).y_range(),
                Stroke::new(1.5, colour),
            );
        }
    }
}

/// Red hatching over the part of a bar another shift also covers: "not valid" without relying
/// on colour alone.
fn paint_hatch(ui: &Ui, rect: Rect) {
    let painter = ui.painter_at(rect);
    let stroke = Stroke::new(1.2, theme::ERROR);
    let mut x = rect.left() - rect.height();
    while x < rect.right() {
        painter.line_segment(
            [pos2(x, rect.bottom()), pos2(x + rect.height(), rect.top())],
            stroke,
        );
        x += 6.0;
    }
    painter.rect_stroke(rect, 2.0, stroke, egui::StrokeKind::Inside);
}

/// The outline of a shift being drawn, on top of everything.
fn paint_piece_outline(ui: &Ui, layout: Layout, shift: &Shift) {
    for piece in shape::pieces(shift) {
        ui.painter().rect_stroke(
            layout.piece_rect(piece),
            4.0,
            Stroke::new(2.0, theme::ACCENT),
            egui::StrokeKind::Outside,
        );
    }
}
