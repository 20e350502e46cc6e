//! Editing: the one path from what the user did (canvas actions, sidebar actions, clipboard,
//! delete) to document edits. The rules of what an edit means live in `model::edit`; this
//! file picks the edit and commits it.

use std::collections::BTreeSet;

use super::{App, Dialog};
use crate::model::edit::{self, Fragment};
use crate::model::{
    Calendar, Days, Edit, ElementKind, ElementRef, Node, Point, Service, Shift, TimeOfDay,
};
use crate::ui::canvas::{Action, element_pos};
use crate::ui::inspector::Change;
use crate::ui::sidebar::SidebarAction;

/// Said when a wire joins pins that do not belong together.
const REFUSED: &str =
    "Those pins do not connect: flows join flow pins, services join \"uses\" and \"needs\" pins.";
/// Said when a wire repeats a link the map has.
const ALREADY_LINKED: &str = "Those two are linked already.";

impl App {
    pub(super) fn free_spot(&self, near: egui::Pos2) -> Point {
        let map = self.doc.map();
        let mut at = near;
        for _ in 0..50 {
            let taken = map
                .nodes
                .values()
                .map(Node::at)
                .chain(map.services.values().map(|s| s.at))
                .any(|p| {
                    #[allow(clippy::cast_possible_truncation, reason = "canvas coordinates")]
                    let d = (egui::pos2(p.x as f32, p.y as f32) - at).length();
                    d < 30.0
                });
            if !taken {
                break;
            }
            at += egui::vec2(40.0, 40.0);
        }
        Point::new(f64::from(at.x).round(), f64::from(at.y).round())
    }

    /// Adds an element of `kind` at `at`, optionally connected; selects it and returns it.
    pub fn add_element(
        &mut self,
        kind: ElementKind,
        at: Point,
        connect_from: Option<&ElementRef>,
        connect_to: Option<&ElementRef>,
    ) -> ElementRef {
        let (edit, element) = edit::add_element(self.doc.map(), kind, at, connect_from, connect_to);
        self.commit(&format!("Add {}", kind.label()), edit);
        self.select([element.clone()]);
        element
    }

    pub(super) fn selected_nodes(&self) -> BTreeSet<String> {
        self.selection
            .iter()
            .filter_map(|k| match k {
                ElementRef::Node(id) => Some(id.clone()),
                ElementRef::Service(_) => None,
            })
            .collect()
    }

    pub(super) fn delete_selection(&mut self) {
        // Each part is computed on the map as the previous parts left it, so that removing a
        // service does not resurrect a step deleted in the same action.
        let mut scratch = self.doc.map().clone();
        let mut edits = Vec::new();
        let nodes = edit::delete_nodes(&scratch, &self.selected_nodes());
        scratch.apply(nodes.clone());
        edits.push(nodes);
        for key in &self.selection {
            if let ElementRef::Service(id) = key {
                let service = edit::delete_service(&scratch, id);
                scratch.apply(service.clone());
                edits.push(service);
            }
        }
        let edit = Edit::Batch(edits);
        if !edit.is_empty() {
            self.commit("Delete", edit);
            self.select([]);
        }
    }

    pub(super) fn selected_services(&self) -> BTreeSet<String> {
        self.selection
            .iter()
            .filter_map(|k| match k {
                ElementRef::Service(id) => Some(id.clone()),
                ElementRef::Node(_) => None,
            })
            .collect()
    }

    pub(super) fn copy_selection(&mut self, ctx: &egui::Context) {
        let fragment = Fragment::copy(
            self.doc.map(),
            &self.selected_nodes(),
            &self.selected_services(),
        );
        if fragment.is_empty() {
            return;
        }
        if let Ok(text) = ron::to_string(&fragment) {
            ctx.copy_text(text);
        }
        self.status = Some(format!(
            "Copied {} node(s) and {} service(s)",
            fragment.nodes.len(),
            fragment.services.len()
        ));
        self.clipboard = Some(fragment);
        self.paste_count = 0;
    }

    pub(super) fn paste(&mut self, fragment: &Fragment, label: &str) {
        self.paste_count += 1;
        let offset = 40.0 * f64::from(self.paste_count);
        let (edit, pasted) = fragment.paste(self.doc.map(), (offset, offset));
        self.commit(label, edit);
        self.select(
            pasted
                .nodes
                .into_iter()
                .map(ElementRef::Node)
                .chain(pasted.services.into_iter().map(ElementRef::Service)),
        );
    }

    /// View > Arrange (in owner lanes): lays the whole map out again as one undo step, then
    /// frames it.
    pub fn arrange(&mut self, options: crate::model::layout::Options) {
        let edit = crate::model::layout::edit_with(self.doc.map(), options);
        if edit.is_empty() {
            self.status = Some("Already arranged.".to_owned());
            return;
        }
        self.doc.commit("Arrange", edit);
        self.canvas.request_fit();
        self.status = Some("Arranged the map (undo restores the old layout).".to_owned());
    }

    /// Turns a canvas action into a document edit (the same path the canvas uses).
    pub fn apply_action(&mut self, action: Action) {
        let map = self.doc.map();
        match action {
            Action::Connect(link) => match edit::connect(map, &link) {
                Some(edit) => self.commit("Connect", edit),
                None => self.status = Some(ALREADY_LINKED.into()),
            },
            Action::Refused => self.status = Some(REFUSED.into()),
            Action::Disconnect(link) => {
                if let Some(edit) = edit::disconnect(map, &link) {
                    self.commit("Disconnect", edit);
                }
            }
            Action::DropLinks(element, side) => {
                let edit = edit::drop_links(map, &element, side);
                if !edit.is_empty() {
                    self.commit("Remove links", edit);
                }
            }
            Action::Add {
                kind,
                at,
                connect_from,
                connect_to,
            } => {
                self.add_element(kind, at, connect_from.as_ref(), connect_to.as_ref());
            }
            Action::Move(mut moves) => {
                // Dragging one element of a selection the canvas does not know about (made by
                // Select All, Find or Paste) moves the whole selection by the same amount.
                if let [(dragged, to)] = moves.as_slice() {
                    if self.selection.len() > 1 && self.selection.contains(dragged) {
                        if let Some(from) = element_pos(map, dragged) {
                            let (dx, dy) = (to.x - f64::from(from.x), to.y - f64::from(from.y));
                            let others: Vec<(ElementRef, Point)> = self
                                .selection
                                .iter()
                                .filter(|k| *k != dragged)
                                .filter_map(|k| {
                                    let at = element_pos(map, k)?;
                                    Some((
                                        k.clone(),
                                        Point::new(
                                            (f64::from(at.x) + dx).round(),
                                            (f64::from(at.y) + dy).round(),
                                        ),
                                    ))
                                })
                                .collect();
                            moves.extend(others);
                        }
                    }
                }
                let nodes: Vec<(String, Point)> = moves
                    .iter()
                    .filter_map(|(k, p)| match k {
                        ElementRef::Node(id) => Some((id.clone(), *p)),
                        ElementRef::Service(_) => None,
                    })
                    .collect();
                let mut edits = vec![edit::move_nodes(map, &nodes)];
                for (key, at) in &moves {
                    if let ElementRef::Service(id) = key {
                        if let Some(service) = map.services.get(id) {
                            edits.push(Edit::Service {
                                id: id.clone(),
                                service: Some(Service {
                                    at: *at,
                                    ..service.clone()
                                }),
                            });
                        }
                    }
                }
                self.commit("Move", Edit::Batch(edits));
            }
            Action::Delete(key) => {
                self.selection = [key].into();
                self.delete_selection();
            }
            Action::Duplicate(key) => {
                let fragment = match key {
                    ElementRef::Node(id) => Fragment::copy(map, &[id].into(), &BTreeSet::new()),
                    ElementRef::Service(id) => Fragment::copy(map, &BTreeSet::new(), &[id].into()),
                };
                self.paste_count = 0;
                self.paste(&fragment, "Duplicate");
            }
            Action::Select(key) => self.select([key]),
        }
    }

    pub(super) fn prune_selection(&mut self) {
        let map = self.doc.map();
        let before = self.selection.len();
        self.selection.retain(|k| element_pos(map, k).is_some());
        if self.selection.len() != before {
            self.canvas.reset();
        }
    }

    pub(super) fn sidebar_action(&mut self, action: SidebarAction) {
        match action {
            SidebarAction::Add(kind) => {
                let at = self.free_spot(self.canvas.centre());
                self.add_element(kind, at, None, None);
            }
            SidebarAction::Change(Change { label, edit, merge }) => {
                self.doc.commit_merging(label, edit, merge);
            }
            SidebarAction::DeleteOwner(id) => {
                let in_use = self
                    .doc
                    .map()
                    .nodes
                    .values()
                    .any(|n| n.owner() == Some(id.as_str()));
                if in_use {
                    self.dialog = Some(Dialog::DeleteOwner(id));
                } else {
                    let edit = edit::delete_owner(self.doc.map(), &id);
                    self.commit("Delete owner", edit);
                }
            }
            SidebarAction::DeleteService(id) => {
                let edit = edit::delete_service(self.doc.map(), &id);
                self.commit("Delete service", edit);
                self.prune_selection();
            }
            SidebarAction::Select(key) => self.select_and_centre(key),
            SidebarAction::AddCalendar => {
                let map = self.doc.map();
                let id = edit::fresh_id("calendar", |c| map.calendars.contains_key(c));
                let mut calendar = Calendar::new("New calendar");
                calendar.week.push(Shift::new(
                    Days::WEEKDAYS,
                    TimeOfDay::hm(9, 0),
                    TimeOfDay::hm(17, 0),
                ));
                self.commit(
                    "Add calendar",
                    Edit::Calendar {
                        id: id.clone(),
                        calendar: Some(calendar),
                    },
                );
                self.calendars.open(&id);
            }
            SidebarAction::EditCalendar(id) => self.calendars.open(&id),
            SidebarAction::DeleteCalendar(id) => {
                let edit = edit::delete_calendar(self.doc.map(), &id);
                self.commit("Delete calendar", edit);
            }
        }
    }

    /// Selects an element and centres the view on it.
    pub fn select_and_centre(&mut self, key: ElementRef) {
        if let Some(pos) = element_pos(self.doc.map(), &key) {
            self.canvas.centre_on(pos + egui::vec2(90.0, 40.0));
        }
        self.select([key]);
    }
}
