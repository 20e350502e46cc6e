//! Event logs in the editor, driven like a user: the import dialog previews a log written by
//! the simulator and shows the columns it recognised, a combo box changes the mapping, Import
//! opens the discovered map as a new unsaved document with its evidence, Compare with the log
//! gives a verdict, a file that is not a log shows the error inline, and Cancel stops an
//! import.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use procmap::analysis::discover::Verdict;
use procmap::model::{Node, ProcessMap, Simulation};
use procmap::report;
use procmap::sim::{self, Control};
use procmap::ui::App;
use procmap::ui::app::Persisted;
use procmap::ui::discover::{EvidenceTab, IMPORT_CANCELLED};

use super::parse;

/// A desk (two people) takes each order, a back office (three) files it; office hours are not
/// modelled, so the log is around the clock.
fn orders() -> ProcessMap {
    parse(
        r#"ProcessMap(format: 1, title: "orders",
            owners: {
                "desk": Owner(name: "Desk", capacity: 2),
                "back": Owner(name: "Back office", capacity: 3),
            },
            nodes: {
                "in": Start(name: "Order in", arrivals: Exponential(mean: "20m")),
                "take": Step(name: "Take order", owner: "desk", work: Exponential(mean: "15m")),
                "file": Step(name: "File order", owner: "back", work: Triangular(min: "10m", mode: "20m", max: "40m")),
                "out": End(name: "Done"),
            },
            flows: [Flow(from: "in", to: "take"), Flow(from: "take", to: "file"), Flow(from: "file", to: "out")],
        )"#,
    )
}

/// Writes the simulated log of `cases` orders as CSV into `dir`.
fn write_log(dir: &Path, cases: u64) -> PathBuf {
    write_log_of(&orders(), dir, cases)
}

/// Writes the simulated log of `cases` cases of `map` as CSV into `dir`.
fn write_log_of(map: &ProcessMap, dir: &Path, cases: u64) -> PathBuf {
    let settings = Simulation {
        cases,
        warmup: 0,
        replications: 1,
        seed: 5,
        ..Simulation::default()
    };
    let log = sim::trace(map, &settings, &Control::default()).expect("simulates");
    let path = dir.join("order_log.csv");
    let file = std::fs::File::create(&path).expect("creates the log");
    report::log::write_csv(&log, std::io::BufWriter::new(file)).expect("writes the log");
    path
}

fn sample() -> ProcessMap {
    parse(include_str!("../../samples/order-to-cash.ron"))
}

fn harness() -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(
            |ui, app: &mut App| app.ui(ui),
            App::new(sample(), None, Persisted::default(), None),
        )
}

/// Steps the UI until `done` holds (imports and comparisons run on their own thread).
fn wait_for(h: &mut Harness<'_, App>, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed().as_secs() < 120, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run_steps(4);
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn step_names(map: &ProcessMap) -> Vec<String> {
    let mut names: Vec<String> = map
        .nodes
        .values()
        .filter_map(|n| match n {
            Node::Step { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    names.sort();
    names
}

#[test]
fn the_dialog_previews_the_log_with_its_recognised_columns_and_a_combo_changes_them() {
    let dir = tempdir();
    let path = write_log(dir.path(), 300);
    let mut h = harness();
    h.run_steps(3);
    h.state_mut().open_import(&path);
    h.run_steps(3);
    let dialog = h
        .state()
        .discover
        .import
        .as_ref()
        .expect("the dialog is open");
    let preview = dialog.preview.as_ref().expect("a preview");
    assert_eq!(preview.rows.len(), 20, "the first 20 rows");
    assert_eq!(
        preview.headers,
        [
            "case_id",
            "activity",
            "start_timestamp",
            "complete_timestamp",
            "resource",
            "owner"
        ]
    );
    let columns = dialog.columns.clone();
    assert_eq!(columns.case.as_deref(), Some("case_id"));
    assert_eq!(columns.activity.as_deref(), Some("activity"));
    assert_eq!(columns.timestamp.as_deref(), Some("complete_timestamp"));
    assert_eq!(columns.start.as_deref(), Some("start_timestamp"));
    assert_eq!(columns.resource.as_deref(), Some("resource"));
    assert_eq!(columns.group.as_deref(), Some("owner"));
    assert_eq!(
        columns.lifecycle.as_deref(),
        Some(""),
        "no lifecycle column: (none)"
    );
    // The file, the columns' roles under their headers, the timestamp format, the rows.
    h.get_by_label("order_log.csv");
    h.get_by_label("completed");
    h.get_by_label("started");
    h.get_by_label("group");
    h.get_by_label_contains("Completion (\"complete_timestamp\"): ISO 8601");
    assert!(h.get_all_by_label("Take order").count() >= 5);
    h.get_by_label("First 20 rows");

    // The resource combo: no resource column.
    h.get_all_by_value("resource")
        .find(|n| n.accesskit_node().role() == Role::ComboBox)
        .expect("the resource combo")
        .click();
    h.run_steps(2);
    h.get_all_by_role(Role::Button)
        .find(|n| n.accesskit_node().label().as_deref() == Some("(none)"))
        .expect("a (none) item")
        .click();
    h.run_steps(3);
    let columns = &h
        .state()
        .discover
        .import
        .as_ref()
        .expect("still open")
        .columns;
    assert_eq!(columns.resource.as_deref(), Some(""));
    assert_eq!(columns.case.as_deref(), Some("case_id"), "the others stay");
    // The column is no longer in use.
    assert!(
        h.get_all_by_label("resource").count() >= 1,
        "its header stays"
    );
    assert_eq!(h.get_all_by_label("not used").count(), 1);
}

#[test]
fn import_opens_the_discovered_map_with_its_evidence_and_compare_gives_the_verdict() {
    let dir = tempdir();
    let path = write_log(dir.path(), 1500);
    // One broken row (no activity, no timestamp): left out and reported with its line (the
    // number itself is checked in the reader's tests).
    let mut text = std::fs::read_to_string(&path).expect("reads");
    text.push_str("77,,,,,\n");
    std::fs::write(&path, &text).expect("writes");
    let mut h = harness();
    h.run_steps(3);
    h.state_mut().open_import(&path);
    h.run_steps(3);
    h.get_by_label("Import").click();
    h.run_steps(2);
    wait_for(&mut h, |app| !app.discover.is_importing());
    assert!(h.state().discover.import.is_none(), "the dialog closed");

    // A new unsaved document with the discovered steps and owners.
    let app = h.state();
    let map = app.doc.map();
    assert_eq!(step_names(map), ["File order", "Take order"]);
    let owners: Vec<&str> = map.owners.values().map(|o| o.name.as_str()).collect();
    assert_eq!(owners.len(), 2, "{owners:?}");
    assert!(
        owners.contains(&"Desk") && owners.contains(&"Back office"),
        "{owners:?}"
    );
    assert!(map.title.contains("order log"), "{}", map.title);
    assert!(app.doc.path.is_none());
    assert!(app.doc.is_dirty());
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("Imported"))
    );
    let evidence = app.discover.evidence.as_ref().expect("evidence kept");
    assert_eq!(evidence.discovery.summary.cases, 1500);
    assert!(app.discover.show_evidence, "the evidence window opened");
    assert!(app.export_evidence, "the handbook offers the evidence");
    assert!(
        app.import_warnings
            .iter()
            .any(|w| w.starts_with("order_log.csv:") && w.ends_with(": bad row: no activity")),
        "{:?}",
        app.import_warnings
    );

    // Variants: one, in the map.
    h.get_by_label_contains("As-is evidence");
    h.get_by_label_contains("1500 cases, ");
    h.get_by_label("Take order › File order");
    h.get_by_label("100.0%");
    // Activities with their fits; owners with their people.
    h.state_mut().discover.tab = EvidenceTab::Activities;
    h.run_steps(3);
    h.get_by_label("work time fit");
    assert_eq!(
        h.get_all_by_label_contains("(KS 0.").count(),
        2,
        "a fit per activity"
    );
    h.state_mut().discover.tab = EvidenceTab::Owners;
    h.run_steps(3);
    h.get_by_label("per week");
    assert!(h.get_all_by_label("Back office").count() >= 1);

    // The handover network, owners then people.
    h.state_mut().discover.tab = EvidenceTab::Handovers;
    h.run_steps(3);
    h.get_by_label("median wait");
    h.get_by_label("People (the 24 most frequent pairs)")
        .click();
    h.run_steps(3);
    assert!(h.state().discover.people);
    assert!(
        h.get_all_by_label("Desk 1").count() >= 1,
        "the people table"
    );
    h.state_mut().discover.people = false;
    h.run_steps(3);

    // Compare with the log: the current map simulated against the log.
    h.get_by_label("Compare with the log").click();
    h.run_steps(2);
    assert!(h.state().discover.is_comparing());
    wait_for(&mut h, |app| !app.discover.is_comparing());
    let checked = h
        .state()
        .discover
        .evidence
        .as_ref()
        .and_then(|e| e.checked.clone())
        .expect("a comparison");
    assert_ne!(
        checked.comparison.verdict,
        Verdict::Differs,
        "{}",
        checked.comparison.line
    );
    assert_eq!(checked.revision, h.state().doc.revision());
    assert_eq!(
        h.state().discover.tab,
        EvidenceTab::Check,
        "the measures show"
    );
    h.get_by_label("measure");
    assert!(h.get_all_by_label("ok").count() >= 5);
    assert!(h.get_all_by_label(&checked.comparison.line).count() >= 1);
}

#[test]
fn snapshot_of_the_evidence_network() {
    let dir = tempdir();
    let path = write_log_of(&sample(), dir.path(), 1500);
    let mut h = harness();
    h.run_steps(3);
    h.state_mut().open_import(&path);
    h.state_mut().discover.start_import();
    wait_for(&mut h, |app| !app.discover.is_importing());
    h.state_mut().discover.tab = EvidenceTab::Handovers;
    // The status names the temporary folder.
    h.state_mut().status = None;
    h.run_steps(8);
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(300);
    h.snapshot_options("evidence_handovers", &options);
}

#[test]
fn a_file_that_is_not_a_log_shows_the_error_inline() {
    let dir = tempdir();
    let page = dir.path().join("page.csv");
    std::fs::write(
        &page,
        "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
    )
    .expect("writes");
    let mut h = harness();
    h.run_steps(3);
    h.state_mut().open_import(&page);
    h.run_steps(3);
    assert!(
        h.state()
            .discover
            .import
            .as_ref()
            .is_some_and(|d| d.preview.is_err())
    );
    h.get_by_label_contains("not an event log");
    assert!(h.query_by_label("Import").is_none(), "nothing to import");
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().discover.import.is_none());

    // A log whose "completion timestamp" is set to a column of names: the reader's error,
    // with the columns, inline; the document stays.
    let log = write_log(dir.path(), 100);
    h.state_mut().open_import(&log);
    h.run_steps(2);
    if let Some(dialog) = &mut h.state_mut().discover.import {
        dialog.columns.timestamp = Some("activity".to_owned());
    }
    h.run_steps(2);
    h.get_by_label_contains("no timestamps Procmap reads");
    h.get_by_label("Import").click();
    h.run_steps(2);
    wait_for(&mut h, |app| !app.discover.is_importing());
    let error = h
        .state()
        .discover
        .import
        .as_ref()
        .and_then(|d| d.error.clone())
        .expect("an inline error");
    assert!(
        error.contains("not an event log") && error.contains("\"activity\""),
        "{error}"
    );
    h.get_by_label_contains("holds no timestamps");
    assert_eq!(h.state().doc.map().title, "Order to cash");
    assert!(h.state().discover.evidence.is_none());

    // A CSV without the required columns: the combos say so and Import waits.
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "colour,size\nred,3\nblue,4\n").expect("writes");
    h.state_mut().open_import(&odd);
    h.run_steps(3);
    assert!(h.get_all_by_value("(not found: choose)").count() >= 1);
    h.get_by_label_contains("column first");
}

#[test]
fn cancel_stops_an_import_and_keeps_the_document() {
    let dir = tempdir();
    let path = write_log(dir.path(), 30_000);
    let mut h = harness();
    h.run_steps(3);
    h.state_mut().open_import(&path);
    h.run_steps(2);
    h.get_by_label("Import").click();
    h.run_steps(2);
    assert!(h.state().discover.is_importing());
    h.get_by_label("Cancel").click();
    h.run_steps(1);
    wait_for(&mut h, |app| !app.discover.is_importing());
    let dialog = h
        .state()
        .discover
        .import
        .as_ref()
        .expect("the dialog stays");
    assert_eq!(dialog.error.as_deref(), Some(IMPORT_CANCELLED));
    h.get_by_label(IMPORT_CANCELLED);
    assert_eq!(h.state().doc.map().title, "Order to cash");
    assert!(h.state().discover.evidence.is_none());
}
