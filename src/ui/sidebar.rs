//! The left panel: the palette of node kinds (click to add, or drag onto the canvas), the owners
//! with their live utilization estimate, and the services.

use crate::ui::history::{Field, MergeKey, MergeTarget};
use egui::{RichText, Ui};

use super::calendar::{calendar_picker, hours_per_week_text};
use super::inspector::Change;
use super::theme;
use crate::analysis::LoadEstimate;
use crate::model::ElementRef;
use crate::model::{Edit, ElementKind, Owner, ProcessMap, edit::fresh_id};

/// A palette entry being dragged onto the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaletteItem(pub ElementKind);

/// What the user asked for in the sidebar.
#[allow(clippy::large_enum_variant, reason = "a handful per frame at most")]
pub enum SidebarAction {
    /// Add an element at the centre of the view.
    Add(ElementKind),
    /// Commit a change.
    Change(Change),
    /// Delete an owner (the app asks first when steps use it).
    DeleteOwner(String),
    /// Delete a service.
    DeleteService(String),
    /// Select an element.
    Select(ElementRef),
    /// Add a calendar and open it in the editor.
    AddCalendar,
    /// Open a calendar in the editor.
    EditCalendar(String),
    /// Delete a calendar (what uses it works around the clock again).
    DeleteCalendar(String),
}

/// Shows the sidebar.
pub fn ui(
    ui: &mut Ui,
    map: &ProcessMap,
    estimate: &LoadEstimate,
    impact: &crate::analysis::Impact,
) -> Vec<SidebarAction> {
    let mut actions = Vec::new();
    ui.heading("Palette");
    ui.label(
        RichText::new("Click to add, or drag onto the canvas")
            .small()
            .weak(),
    );
    egui::Grid::new("palette")
        .num_columns(3)
        .spacing([6.0, 6.0])
        .show(ui, |ui| {
            for (n, kind) in ElementKind::ALL.into_iter().enumerate() {
                let label = kind.label();
                let colour = match kind {
                    ElementKind::Node(kind) => theme::kind_colour(kind),
                    ElementKind::Service => theme::SERVICE,
                };
                let response = ui.add(
                    egui::Button::new(label)
                        .stroke(egui::Stroke::new(1.5, colour))
                        .corner_radius(6.0)
                        .min_size(egui::vec2(68.0, 24.0))
                        .sense(egui::Sense::click_and_drag()),
                );
                if response.drag_started() {
                    egui::DragAndDrop::set_payload(ui.ctx(), PaletteItem(kind));
                }
                if response.dragged() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
                    if let Some(pointer) = ui.ctx().pointer_latest_pos() {
                        egui::Area::new(egui::Id::new(("palette-drag", label)))
                            .fixed_pos(pointer + egui::vec2(12.0, 12.0))
                            .order(egui::Order::Tooltip)
                            .interactable(false)
                            .show(ui.ctx(), |ui| {
                                egui::Frame::popup(ui.style())
                                    .stroke(egui::Stroke::new(1.5, colour))
                                    .show(ui, |ui| ui.label(label));
                            });
                    }
                }
                if response.clicked() {
                    actions.push(SidebarAction::Add(kind));
                }
                response
                    .on_hover_text(format!("Add a {label} (click), or drag it onto the canvas"));
                if n % 3 == 2 {
                    ui.end_row();
                }
            }
        });
    ui.separator();
    owners_ui(ui, map, estimate, &mut actions);
    ui.separator();
    super::calendar::calendars_ui(ui, map, &mut actions);
    ui.separator();
    services_ui(ui, map, impact, &mut actions);
    actions
}

fn owners_ui(
    ui: &mut Ui,
    map: &ProcessMap,
    estimate: &LoadEstimate,
    actions: &mut Vec<SidebarAction>,
) {
    ui.horizontal(|ui| {
        ui.heading("Owners");
        if ui
            .button("+ Add")
            .on_hover_text("Add an owner (a team or role)")
            .clicked()
        {
            let id = fresh_id("team", |c| map.owners.contains_key(c));
            actions.push(SidebarAction::Change(Change {
                label: "Add owner".into(),
                edit: Edit::Owner {
                    id,
                    owner: Some(Owner::new("New team", 1)),
                },
                merge: None,
            }));
        }
    });
    if map.owners.is_empty() {
        ui.label(
            RichText::new("No owners yet: steps without one are pure delays.")
                .weak()
                .small(),
        );
    }
    for (index, (id, owner)) in map.owners.iter().enumerate() {
        let colour = theme::owner_colour(index);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 3.0, colour);
                let mut name = owner.name.clone();
                let response = ui.add(
                    egui::TextEdit::singleline(&mut name)
                        .desired_width(ui.available_width() - 30.0)
                        .id_salt(("owner-name", id)),
                );
                if response.changed() {
                    actions.push(SidebarAction::Change(Change {
                        label: "Rename owner".into(),
                        edit: Edit::Owner {
                            id: id.clone(),
                            owner: Some(Owner {
                                name,
                                ..owner.clone()
                            }),
                        },
                        merge: Some(MergeKey::new(MergeTarget::Owner(id.clone()), Field::Name)),
                    }));
                }
                if ui
                    .small_button("🗑")
                    .on_hover_text("Delete this owner")
                    .clicked()
                {
                    actions.push(SidebarAction::DeleteOwner(id.clone()));
                }
            });
            ui.horizontal(|ui| {
                let mut capacity = owner.capacity;
                ui.label("capacity");
                if ui
                    .add(egui::DragValue::new(&mut capacity).range(1..=10_000))
                    .changed()
                {
                    actions.push(SidebarAction::Change(Change {
                        label: "Change capacity".into(),
                        edit: Edit::Owner {
                            id: id.clone(),
                            owner: Some(Owner {
                                capacity,
                                ..owner.clone()
                            }),
                        },
                        merge: Some(MergeKey::new(
                            MergeTarget::Owner(id.clone()),
                            Field::Capacity,
                        )),
                    }));
                }
                let mut cost = owner.cost_per_hour;
                ui.label("cost/h");
                if ui
                    .add(
                        egui::DragValue::new(&mut cost)
                            .range(0.0..=100_000.0)
                            .speed(1.0),
                    )
                    .changed()
                {
                    actions.push(SidebarAction::Change(Change {
                        label: "Change cost".into(),
                        edit: Edit::Owner {
                            id: id.clone(),
                            owner: Some(Owner {
                                cost_per_hour: cost,
                                ..owner.clone()
                            }),
                        },
                        merge: Some(MergeKey::new(MergeTarget::Owner(id.clone()), Field::Cost)),
                    }));
                }
            });
            ui.horizontal(|ui| {
                ui.label("works");
                if let Some(calendar) = calendar_picker(
                    ui,
                    ("owner", id),
                    map,
                    owner.calendar.as_deref(),
                    "Always",
                    110.0,
                ) {
                    actions.push(SidebarAction::Change(Change {
                        label: "Set owner calendar".into(),
                        edit: Edit::Owner {
                            id: id.clone(),
                            owner: Some(Owner {
                                calendar,
                                ..owner.clone()
                            }),
                        },
                        merge: None,
                    }));
                }
                ui.label(hours_per_week_text(map.owner_hours_per_week(owner)))
                    .on_hover_text(format!(
                        "Working hours per week; {:.1} people on average over the week",
                        map.mean_capacity(owner)
                    ));
            });
            // A roster whose every shift names its people makes the capacity above unused:
            // say so, or a what-if on it would change nothing.
            if map
                .calendar(owner.calendar.as_deref())
                .is_some_and(|c| !c.week.is_empty() && c.week.iter().all(|s| s.capacity.is_some()))
            {
                ui.label(
                    RichText::new("capacity unused: every shift of its calendar sets its people")
                        .small()
                        .weak(),
                );
            }
            if let Some(load) = estimate.owners.get(id) {
                let utilization = load.utilization;
                let of = if owner.calendar.is_some() {
                    " of working time"
                } else {
                    ""
                };
                let text = if utilization >= 1.0 {
                    format!("{:.0}% offered{of}: cannot keep up", utilization * 100.0)
                } else {
                    format!("{:.0}% busy{of} (estimate)", utilization * 100.0)
                };
                ui.add(
                    #[allow(clippy::cast_possible_truncation, reason = "a fraction in [0, 1]")]
                    egui::ProgressBar::new(utilization.min(1.0) as f32)
                        .text(RichText::new(text).small())
                        .fill(theme::utilization_colour(utilization)),
                );
            }
        });
    }
}

fn services_ui(
    ui: &mut Ui,
    map: &ProcessMap,
    impact: &crate::analysis::Impact,
    actions: &mut Vec<SidebarAction>,
) {
    ui.horizontal(|ui| {
        ui.heading("Services");
        if ui
            .button("+ Add")
            .on_hover_text("Add an IT or business service")
            .clicked()
        {
            actions.push(SidebarAction::Add(ElementKind::Service));
        }
    });
    if map.services.is_empty() {
        ui.label(RichText::new("No services yet.").weak().small());
    }
    for (id, service) in &map.services {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 6.0, theme::SERVICE);
            let (effective, criticality) = impact
                .services
                .get(id)
                .map_or((service.availability, 0.0), |s| {
                    (s.availability_effective, s.criticality)
                });
            if ui
                .selectable_label(
                    false,
                    format!("{}  {:.2}%", service.name, effective * 100.0),
                )
                .on_hover_text(format!(
                    "Effective availability {:.3}% (with its dependencies); criticality {:.4} \
                     (share of cases that meet it down). Click to select.",
                    effective * 100.0,
                    criticality
                ))
                .clicked()
            {
                actions.push(SidebarAction::Select(ElementRef::Service(id.clone())));
            }
            if ui
                .small_button("🗑")
                .on_hover_text("Delete this service")
                .clicked()
            {
                actions.push(SidebarAction::DeleteService(id.clone()));
            }
        });
    }
}
