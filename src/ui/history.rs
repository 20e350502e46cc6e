//! The open document: the map, where it lives on disk, and its undo history. Every change goes
//! through [`Document::commit`], so undo, the dirty mark and the views all follow from it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::model::{Edit, ProcessMap};

/// How many steps undo keeps.
pub const UNDO_DEPTH: usize = 1000;
/// What a run of quick edits changes (one field of one thing), so that typing into a field or
/// dragging a number becomes one undo step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeKey {
    /// What is changed.
    pub target: MergeTarget,
    /// Which of its fields.
    pub field: Field,
}

/// The thing a [`MergeKey`] names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeTarget {
    /// The map itself (title, SLA, simulation settings).
    Map,
    /// A node, by id.
    Node(String),
    /// A flow, by index.
    Flow(usize),
    /// A service, by id.
    Service(String),
    /// An owner, by id.
    Owner(String),
    /// A calendar, by id.
    Calendar(String),
}

/// The field a [`MergeKey`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// An SLA.
    Sla,
    /// The simulation settings.
    Simulation,
    /// A decision probability.
    Probability,
    /// A service's availability.
    Availability,
    /// A name.
    Name,
    /// An owner's capacity.
    Capacity,
    /// An owner's cost per hour.
    Cost,
    /// A calendar's shifts, changed by one gesture (a drag on the week grid) numbered by the
    /// editor: the whole gesture is one undo step however long it takes.
    Gesture(u64),
    /// A calendar's shift list, edited in its fields.
    Shifts,
    /// A Start's arrival rates.
    Rates,
}

impl MergeKey {
    /// The key of `field` of `target`.
    #[must_use]
    pub fn new(target: MergeTarget, field: Field) -> Self {
        Self { target, field }
    }
}

/// Edits with the same merge key within this time become one undo step (typing, dragging a
/// number).
const MERGE_WINDOW: Duration = Duration::from_millis(1500);

struct Step {
    id: u64,
    label: String,
    inverse: Edit,
    merge_key: Option<MergeKey>,
    at: Instant,
}

/// A map being edited.
pub struct Document {
    map: ProcessMap,
    /// The file it was loaded from or saved to last.
    pub path: Option<PathBuf>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Increases with every change (edit, undo, redo, load): views rebuild when it moves.
    revision: u64,
    /// The id of the top undo step when the document was last saved (`None`: the empty
    /// history). Undoing back to a saved state makes the document clean again.
    saved_step: Option<u64>,
    next_step_id: u64,
    /// Revision at which the last recovery copy was written.
    pub recovery_revision: u64,
}

impl Document {
    /// A document for `map`, unchanged since it was loaded from `path`.
    #[must_use]
    pub fn new(map: ProcessMap, path: Option<PathBuf>) -> Self {
        Self {
            map,
            path,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 1,
            saved_step: None,
            next_step_id: 1,
            recovery_revision: 1,
        }
    }

    /// The map (read-only: change it with [`Document::commit`]).
    #[must_use]
    pub fn map(&self) -> &ProcessMap {
        &self.map
    }

    /// Changes counter.
    #[must_use]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// True when there are changes not saved to `path`.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.undo.last().map(|s| s.id) != self.saved_step
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved_step = self.undo.last().map(|s| s.id);
    }

    /// Marks the document as changed even though the map is the same (e.g. restored from a
    /// recovery copy, which is not saved anywhere yet).
    pub fn mark_unsaved(&mut self) {
        self.saved_step = Some(u64::MAX);
    }

    /// Applies an edit as one undo step named `label`.
    pub fn commit(&mut self, label: impl Into<String>, edit: Edit) {
        self.commit_merging(label, edit, None);
    }

    /// Applies an edit; consecutive edits with the same `merge_key` in a short time become one
    /// undo step (the first one's inverse restores the state before all of them).
    pub fn commit_merging(
        &mut self,
        label: impl Into<String>,
        edit: Edit,
        merge_key: Option<MergeKey>,
    ) {
        if edit.is_empty() {
            return;
        }
        let inverse = self.map.apply(edit);
        self.revision += 1;
        self.redo.clear();
        let now = Instant::now();
        let saved = self.saved_step;
        if let (Some(key), Some(last)) = (&merge_key, self.undo.last_mut()) {
            // Never merge into the saved step: the document must turn dirty.
            let gesture = matches!(key.field, Field::Gesture(_));
            if last.merge_key.as_ref() == Some(key)
                && (gesture || now - last.at < MERGE_WINDOW)
                && saved != Some(last.id)
            {
                last.at = now;
                return;
            }
        }
        self.next_step_id += 1;
        self.undo.push(Step {
            id: self.next_step_id,
            label: label.into(),
            inverse,
            merge_key,
            at: now,
        });
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    /// Undoes the last step; returns its label.
    pub fn undo(&mut self) -> Option<String> {
        let step = self.undo.pop()?;
        let forward = self.map.apply(step.inverse);
        self.revision += 1;
        self.redo.push(Step {
            id: step.id,
            label: step.label.clone(),
            inverse: forward,
            merge_key: None,
            at: Instant::now(),
        });
        Some(step.label)
    }

    /// Redoes the last undone step; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        let step = self.redo.pop()?;
        let inverse = self.map.apply(step.inverse);
        self.revision += 1;
        self.undo.push(Step {
            id: step.id,
            label: step.label.clone(),
            inverse,
            merge_key: None,
            at: Instant::now(),
        });
        Some(step.label)
    }

    /// Label of the step undo would revert.
    #[must_use]
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// Label of the step redo would repeat.
    #[must_use]
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Number of undo steps available.
    #[must_use]
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_back_to_the_saved_state_is_clean() {
        let mut doc = Document::new(ProcessMap::default(), None);
        assert!(!doc.is_dirty());
        doc.commit("a", Edit::Title("A".into()));
        assert!(doc.is_dirty());
        doc.mark_saved(PathBuf::from("x.ron"));
        assert!(!doc.is_dirty());
        doc.commit("b", Edit::Title("B".into()));
        assert!(doc.is_dirty());
        doc.undo();
        assert!(!doc.is_dirty());
        doc.undo();
        assert!(doc.is_dirty());
        doc.redo();
        assert!(!doc.is_dirty());
        // A merged edit after saving still makes the document dirty.
        doc.commit_merging(
            "c",
            Edit::Title("C".into()),
            Some(MergeKey::new(MergeTarget::Map, Field::Name)),
        );
        doc.mark_saved(PathBuf::from("x.ron"));
        doc.commit_merging(
            "c",
            Edit::Title("D".into()),
            Some(MergeKey::new(MergeTarget::Map, Field::Name)),
        );
        assert!(doc.is_dirty());
    }

    #[test]
    fn one_gesture_is_one_step_however_long_it_takes() {
        let mut doc = Document::new(ProcessMap::default(), None);
        let gesture = |n| {
            Some(MergeKey::new(
                MergeTarget::Calendar("c".into()),
                Field::Gesture(n),
            ))
        };
        doc.commit_merging("drag", Edit::Title("A".into()), gesture(1));
        std::thread::sleep(MERGE_WINDOW + Duration::from_millis(100));
        doc.commit_merging("drag", Edit::Title("B".into()), gesture(1));
        assert_eq!(doc.undo_len(), 1, "a slow drag is still one step");
        doc.commit_merging("drag", Edit::Title("C".into()), gesture(2));
        assert_eq!(doc.undo_len(), 2, "the next drag is a step of its own");
        // Other merge keys keep their time window.
        let name = Some(MergeKey::new(MergeTarget::Map, Field::Name));
        doc.commit_merging("name", Edit::Title("D".into()), name.clone());
        std::thread::sleep(MERGE_WINDOW + Duration::from_millis(100));
        doc.commit_merging("name", Edit::Title("E".into()), name);
        assert_eq!(doc.undo_len(), 4);
        doc.undo();
        doc.undo();
        doc.undo();
        assert_eq!(doc.map().title, "B");
    }

    #[test]
    fn history_is_deep() {
        let mut doc = Document::new(ProcessMap::default(), None);
        for n in 0..300 {
            doc.commit("t", Edit::Title(n.to_string()));
        }
        for _ in 0..300 {
            assert!(doc.undo().is_some());
        }
        assert_eq!(doc.map().title, ProcessMap::default().title);
    }
}
