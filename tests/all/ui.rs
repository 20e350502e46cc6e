//! The editor driven like a user would: `egui_kittest` finds widgets by label, clicks and types,
//! and the tests assert on the app state. A few rendered snapshots keep the look in check.

use std::path::Path;

use egui::{Key as K, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use procmap::model::ElementRef;
use procmap::model::{Node, ProcessMap, io};
use procmap::ui::App;
use procmap::ui::app::{Dialog, Pending, Persisted};
use procmap::ui::canvas::{Action, link_between};

use super::parse;

fn sample() -> ProcessMap {
    parse(include_str!("../../samples/order-to-cash.ron"))
}

fn harness_with(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

fn harness(map: ProcessMap) -> Harness<'static, App> {
    harness_with(App::new(map, None, Persisted::default(), None))
}

fn settle(h: &mut Harness<'_, App>) {
    h.run_steps(4);
}

#[test]
fn add_a_step_set_owner_and_sla_connect_undo_redo_and_save() {
    let mut h = harness(sample());
    settle(&mut h);
    let before = h.state().doc.map().nodes.len();

    // Add a step from the palette: it is created and selected.
    h.get_all_by_label("Step")
        .next()
        .expect("palette Step button")
        .click();
    settle(&mut h);
    let map = h.state().doc.map();
    assert_eq!(map.nodes.len(), before + 1);
    let id = "step".to_owned();
    assert!(
        map.nodes.contains_key(&id),
        "{:?}",
        map.nodes.keys().collect::<Vec<_>>()
    );
    assert!(h.state().selection.contains(&ElementRef::Node(id.clone())));

    // Set its owner in the inspector.
    h.get_by_value("(none: a pure delay)").click();
    settle(&mut h);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Warehouse crew")
        .click();
    settle(&mut h);
    assert_eq!(h.state().doc.map().nodes[&id].owner(), Some("warehouse"));

    // Give it an SLA.
    h.get_by_label("Has an SLA").click();
    settle(&mut h);
    assert!(matches!(
        &h.state().doc.map().nodes[&id],
        Node::Step { sla: Some(_), .. }
    ));

    // Connect it after "Post payment" (the canvas sends the same action when a wire is drawn).
    let flows = h.state().doc.map().flows.len();
    let wire = link_between(
        &ElementRef::Node("post".into()),
        &ElementRef::Node(id.clone()),
        0,
    );
    assert!(wire.is_some(), "output to flow input is a flow");
    if let Some(link) = wire {
        h.state_mut().apply_action(Action::Connect(link));
    }
    settle(&mut h);
    assert_eq!(h.state().doc.map().flows.len(), flows + 1);

    // Undo everything back to the sample, one user action at a time, then redo one.
    for _ in 0..4 {
        h.key_press_modifiers(Modifiers::COMMAND, K::Z);
        settle(&mut h);
    }
    assert_eq!(*h.state().doc.map(), sample());
    assert!(!h.state().doc.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, K::Z);
    settle(&mut h);
    assert_eq!(h.state().doc.map().nodes.len(), before + 1);
    assert!(h.state().doc.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, K::Y);
    settle(&mut h);
    assert_eq!(h.state().doc.map().nodes[&id].owner(), Some("warehouse"));

    // Save, and the file loads back equal.
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("saved.ron");
    assert!(h.state_mut().save_to(&path));
    settle(&mut h);
    assert!(!h.state().doc.is_dirty());
    assert!(!h.state().window_title().ends_with('•'));
    assert_eq!(io::load(&path).expect("reload"), *h.state().doc.map());
    assert_eq!(
        h.state().recent().first().map(|p| p.ends_with("saved.ron")),
        Some(true)
    );
}

#[test]
fn malformed_file_shows_the_error_and_keeps_the_map() {
    let mut h = harness(sample());
    settle(&mut h);
    let folder = tempfile::tempdir().expect("temp dir");
    let bad = folder.path().join("bad.ron");
    std::fs::write(&bad, "ProcessMap(format: 1, nodes: {").expect("write");
    h.state_mut().open_path(&bad);
    settle(&mut h);
    h.get_by_label_contains("bad.ron:1:");
    assert_eq!(*h.state().doc.map(), sample());
    h.get_by_label("OK").click();
    settle(&mut h);
    assert!(h.state().dialog.is_none());
}

#[test]
fn unsaved_changes_ask_before_they_are_lost() {
    let mut h = harness(sample());
    settle(&mut h);
    h.get_all_by_label("End")
        .next()
        .expect("palette End")
        .click();
    settle(&mut h);
    assert!(h.state().doc.is_dirty());
    assert!(h.state().window_title().ends_with('•'));
    let ctx = h.ctx.clone();
    h.state_mut().guard(Pending::New, &ctx);
    settle(&mut h);
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert_eq!(h.state().doc.map().title, "Order to cash");
    h.state_mut().guard(Pending::New, &ctx);
    settle(&mut h);
    h.get_by_label("Discard").click();
    settle(&mut h);
    assert_eq!(h.state().doc.map().title, "New process");
    assert!(h.state().doc.map().nodes.is_empty());
}

#[test]
fn delete_copy_paste_duplicate_and_select_all() {
    let mut h = harness(sample());
    settle(&mut h);
    let count = h.state().doc.map().nodes.len();
    h.state_mut().select([
        ElementRef::Node("pick".into()),
        ElementRef::Node("ship".into()),
    ]);
    settle(&mut h);
    // Duplicate keeps the flow between the two copies and gives fresh ids.
    h.key_press_modifiers(Modifiers::COMMAND, K::D);
    settle(&mut h);
    let map = h.state().doc.map();
    assert_eq!(map.nodes.len(), count + 2);
    assert!(
        map.flows
            .iter()
            .any(|f| f.from == "pick_2" && f.to == "ship_2")
    );
    // Delete removes the copies and their flows.
    h.key_press(K::Delete);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), sample());
    // Select all, copy, delete, paste.
    h.key_press_modifiers(Modifiers::COMMAND, K::A);
    settle(&mut h);
    assert_eq!(
        h.state().selection.len(),
        count + h.state().doc.map().services.len()
    );
    let ctx = h.ctx.clone();
    h.state_mut()
        .run(procmap::ui::commands::UiCommand::Copy, &ctx);
    h.key_press(K::Delete);
    settle(&mut h);
    assert!(h.state().doc.map().nodes.is_empty());
    assert!(h.state().doc.map().flows.is_empty());
    h.state_mut()
        .run(procmap::ui::commands::UiCommand::Paste, &ctx);
    settle(&mut h);
    assert_eq!(h.state().doc.map().nodes.len(), count);
    assert_eq!(h.state().doc.map().flows.len(), sample().flows.len());
    // Services came back too, and the pasted steps use the pasted services.
    let map = h.state().doc.map();
    assert_eq!(map.services.len(), sample().services.len());
    assert!(
        map.services
            .values()
            .any(|s| s.name == "ERP" && s.depends_on.iter().all(|d| map.services.contains_key(d)))
    );
    assert!(
        procmap::model::validate(map)
            .iter()
            .all(|p| p.severity != procmap::model::Severity::Error)
    );
}

#[test]
fn find_selects_by_name_or_owner() {
    let mut h = harness(sample());
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, K::F);
    settle(&mut h);
    assert!(h.state().find.is_some());
    h.state_mut().find = Some("warehouse crew".into());
    settle(&mut h);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Label and hand to carrier")
        .click();
    settle(&mut h);
    assert_eq!(
        h.state().selection,
        [ElementRef::Node("ship".into())].into()
    );
}

#[test]
fn problems_panel_lists_errors_and_selects_the_node() {
    let mut map = sample();
    if let Some(Node::Step { owner, .. }) = map.nodes.get_mut("check") {
        *owner = Some("credits".into());
    }
    let mut h = harness(map);
    settle(&mut h);
    let problem = "node 'check': owner 'credits' is not defined (did you mean 'credit'?)";
    h.get_by_label(problem).click();
    settle(&mut h);
    assert_eq!(
        h.state().selection,
        [ElementRef::Node("check".into())].into()
    );
}

#[test]
fn recovery_copy_is_offered_after_a_crash() {
    let folder = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(
        sample(),
        Some("orders.ron".into()),
        Persisted::default(),
        Some(folder.path().to_owned()),
    );
    app.commit("Rename map", procmap::model::Edit::Title("Changed".into()));
    app.write_recovery();
    drop(app); // the "crash": nothing was saved
    let mut h = harness_with(App::new(
        sample(),
        None,
        Persisted::default(),
        Some(folder.path().to_owned()),
    ));
    settle(&mut h);
    assert!(matches!(h.state().dialog, Some(Dialog::Recover { .. })));
    h.get_by_label("Restore").click();
    settle(&mut h);
    assert_eq!(h.state().doc.map().title, "Changed");
    assert!(h.state().doc.is_dirty());
    assert_eq!(h.state().doc.path.as_deref(), Some(Path::new("orders.ron")));
}

#[test]
fn a_large_map_is_windowed_and_overviewed() {
    let map = super::generated_map(5_000);
    let mut h = harness(map);
    settle(&mut h);
    // Opened at a readable zoom: only the elements near the viewport are in the snarl.
    assert!(!h.state().canvas.overview);
    let windowed = h.state().canvas.snarl_len();
    assert!(
        windowed > 0 && windowed < 300,
        "{windowed} elements in the snarl"
    );
    // Fit: far too small to read, so the painter overview takes over.
    h.key_press(K::F);
    settle(&mut h);
    assert!(h.state().canvas.overview);
}

#[test]
fn snapshots_of_the_editor() {
    // Software rendering differs by a few anti-aliased pixels between machines.
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(200);
    let mut h = harness(sample());
    h.run_steps(12);
    h.snapshot_options("editor_order_to_cash", &options);
    h.state_mut().select([ElementRef::Node("check".into())]);
    h.run_steps(12);
    h.snapshot_options("editor_step_selected", &options);
}

/// Steps the UI until `done` holds (the simulation runs on its own thread), at most 60 s.
fn wait_for(h: &mut Harness<'_, App>, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed().as_secs() < 60, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run_steps(3);
}

fn small_settings(h: &mut Harness<'_, App>, cases: u64) {
    let mut settings = h.state().doc.map().simulation;
    settings.cases = cases;
    settings.replications = 4;
    h.state_mut()
        .commit("settings", procmap::model::Edit::Simulation(settings));
}

#[test]
fn simulate_from_the_app_names_the_bottleneck_and_marks_stale_results() {
    let mut h = harness(sample());
    settle(&mut h);
    small_settings(&mut h, 5_000);
    h.key_press(K::F5);
    wait_for(&mut h, |app| app.sim.outcome.is_some());
    let outcome = h.state().sim.outcome.clone().expect("results");
    assert_eq!(
        outcome.result.bottlenecks.first().map(String::as_str),
        Some("warehouse")
    );
    assert!(h.state().show_results);
    // The bottleneck card and the finding are on screen.
    h.get_by_label_contains("Warehouse crew is the bottleneck");
    h.get_by_label("Bottleneck");
    assert!(!h.state().sim.is_stale(h.state().doc.revision()));
    // Heat on the map.
    h.get_by_label("Heat on map").click();
    settle(&mut h);
    assert!(h.state().sim.heat);
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(200);
    h.run_steps(8);
    h.snapshot_options("results_with_heat", &options);
    // Edit: the results become stale and say so.
    h.state_mut()
        .commit("Rename map", procmap::model::Edit::Title("Changed".into()));
    settle(&mut h);
    assert!(h.state().sim.is_stale(h.state().doc.revision()));
    h.get_by_label_contains("Stale");
}

#[test]
fn what_if_scenarios_compare_runs() {
    let mut h = harness(sample());
    settle(&mut h);
    small_settings(&mut h, 5_000);
    h.key_press(K::F5);
    wait_for(&mut h, |app| app.sim.outcome.is_some());
    h.get_by_label("Save as scenario").click();
    settle(&mut h);
    assert_eq!(h.state().sim.scenarios.len(), 1);
    // One more warehouse worker.
    let mut owner = h.state().doc.map().owners["warehouse"].clone();
    owner.capacity += 1;
    h.state_mut().commit(
        "Change capacity",
        procmap::model::Edit::Owner {
            id: "warehouse".into(),
            owner: Some(owner),
        },
    );
    let before = h.state().sim.outcome.as_ref().map(|o| o.revision);
    h.key_press(K::F5);
    wait_for(&mut h, |app| {
        app.sim.outcome.as_ref().map(|o| o.revision) != before
    });
    let sentence = procmap::ui::simulation::compare_sentence(
        &h.state().sim.scenarios[0],
        h.state().sim.outcome.as_ref().expect("results"),
    );
    assert!(sentence.contains("+1 Warehouse crew"), "{sentence}");
    let csv = procmap::ui::simulation::comparison_csv(
        &h.state().sim.scenarios,
        h.state().sim.outcome.as_ref().expect("results"),
    );
    assert!(csv.starts_with("figure,Scenario 1,latest\n"), "{csv}");
    assert!(csv.contains("Warehouse crew busy,"), "{csv}");
    let json = procmap::ui::simulation::scenarios_json(
        &h.state().sim.scenarios,
        h.state().sim.outcome.as_ref().expect("results"),
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("scenarios JSON");
    assert_eq!(parsed.as_array().map(Vec::len), Some(2));
    h.get_by_label(&sentence);
    // The payment wait dominates this map's cycle time, but the warehouse queue must shrink.
    let old_wait = h.state().sim.scenarios[0].outcome.result.owners["warehouse"].wait_mean;
    let new_wait = h
        .state()
        .sim
        .outcome
        .as_ref()
        .expect("results")
        .result
        .owners["warehouse"]
        .wait_mean;
    assert!(new_wait < old_wait * 0.7, "{old_wait} -> {new_wait}");
}

#[test]
fn cancel_stops_a_long_simulation() {
    let mut h = harness(sample());
    settle(&mut h);
    small_settings(&mut h, procmap::model::limits::MAX_CASES);
    h.key_press(K::F5);
    h.run_steps(2);
    assert!(h.state().sim.running.is_some());
    let start = std::time::Instant::now();
    h.get_by_label("Cancel").click();
    wait_for(&mut h, |app| app.sim.running.is_none());
    assert!(
        start.elapsed().as_secs_f64() < 2.0,
        "cancel took {:?}",
        start.elapsed()
    );
    assert!(h.state().sim.outcome.is_none());
    assert_eq!(
        h.state().sim.message.as_deref(),
        Some("Simulation cancelled.")
    );
}

#[test]
fn an_invalid_map_opens_the_problems_instead_of_running() {
    let mut map = sample();
    map.flows.retain(|f| f.to != "done");
    let mut h = harness(map);
    settle(&mut h);
    h.key_press(K::F5);
    settle(&mut h);
    assert!(h.state().sim.running.is_none());
    assert!(!h.state().show_results);
    assert!(
        h.state()
            .status
            .as_deref()
            .is_some_and(|s| s.starts_with("Not simulated"))
    );
}

#[test]
fn print_renders_the_handbook_to_a_temporary_pdf() {
    let mut map = sample();
    map.title = "Print test map".into();
    let mut h = harness(map);
    settle(&mut h);
    let path = std::env::temp_dir().join("procmap-print_test_map.pdf");
    let _ = std::fs::remove_file(&path);
    let ctx = h.ctx.clone();
    h.state_mut()
        .run(procmap::ui::commands::UiCommand::Print, &ctx);
    wait_for(&mut h, |app| {
        app.status
            .as_deref()
            .is_some_and(|s| !s.starts_with("Preparing"))
    });
    let status = h.state().status.clone().unwrap_or_default();
    assert!(status.contains("procmap-print_test_map.pdf"), "{status}");
    let bytes = std::fs::read(&path).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn selecting_a_service_shows_its_impact_and_highlights_what_stops() {
    let mut h = harness(parse(include_str!("../../samples/it-incident.ron")));
    settle(&mut h);
    h.state_mut().select([ElementRef::Service("db".into())]);
    settle(&mut h);
    h.get_by_label("Steps that stop (highlighted on the map):");
    h.get_by_label_contains("Down too: Service desk tool (ITSM)");
}

#[test]
fn typing_a_name_commits_on_enter_and_a_drag_is_one_undo_step() {
    let mut h = harness(sample());
    settle(&mut h);
    h.state_mut().select([ElementRef::Node("check".into())]);
    settle(&mut h);
    let text_input =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    let field = h
        .get_all_by_value("Check credit")
        .find(text_input)
        .expect("the name field");
    field.focus();
    field.type_text(" (manual)");
    settle(&mut h);
    h.key_press(K::Enter);
    settle(&mut h);
    assert_eq!(
        h.state().doc.map().nodes["check"].name(),
        "Check credit (manual)"
    );
    // An invalid duration is shown, not committed.
    let max = h
        .get_all_by_value("30m")
        .find(text_input)
        .expect("the max field");
    max.focus();
    max.type_text("x");
    settle(&mut h);
    h.key_press(K::Enter);
    settle(&mut h);
    h.get_by_label_contains("cannot read '30mx'");
    assert!(
        matches!(&h.state().doc.map().nodes["check"], Node::Step { work, .. } if work.summary() == "5m / 10m / 30m")
    );
    // Moving two nodes with the mouse arrives as one action: one undo puts both back.
    let before = h.state().doc.map().clone();
    let depth = h.state().doc.undo_len();
    h.state_mut().apply_action(Action::Move(vec![
        (
            ElementRef::Node("enter".into()),
            procmap::model::Point::new(300.0, 40.0),
        ),
        (
            ElementRef::Node("order".into()),
            procmap::model::Point::new(10.0, 40.0),
        ),
    ]));
    settle(&mut h);
    assert_eq!(h.state().doc.undo_len(), depth + 1);
    assert_ne!(*h.state().doc.map(), before);
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), before);
}

#[test]
fn dragging_one_element_of_a_selection_moves_them_all() {
    let mut h = harness(sample());
    settle(&mut h);
    h.state_mut().select([
        ElementRef::Node("pick".into()),
        ElementRef::Node("ship".into()),
        ElementRef::Service("wms".into()),
    ]);
    settle(&mut h);
    let before = h.state().doc.map().clone();
    let at = before.nodes["pick"].at();
    h.state_mut().apply_action(Action::Move(vec![(
        ElementRef::Node("pick".into()),
        procmap::model::Point::new(at.x + 100.0, at.y + 50.0),
    )]));
    settle(&mut h);
    let map = h.state().doc.map();
    for id in ["pick", "ship"] {
        let (old, new) = (before.nodes[id].at(), map.nodes[id].at());
        assert_eq!((new.x - old.x, new.y - old.y), (100.0, 50.0), "{id}");
    }
    let (old, new) = (before.services["wms"].at, map.services["wms"].at);
    assert_eq!((new.x - old.x, new.y - old.y), (100.0, 50.0));
    assert_eq!(map.nodes["check"].at(), before.nodes["check"].at());
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), before);
}

#[test]
fn a_plain_click_selects_the_node_under_the_pointer_and_the_background_clears() {
    let mut h = harness(sample());
    h.run_steps(6);
    // "Check credit" is drawn at (440, 0) on the canvas: click inside its card.
    let view = h.state().canvas.view;
    let pos = view * egui::pos2(440.0 + 60.0, 0.0 + 30.0);
    h.event(egui::Event::PointerMoved(pos));
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(3);
    assert_eq!(
        h.state().selection,
        [ElementRef::Node("check".into())].into()
    );
    h.get_by_label_contains("id: check");
    // A click on empty canvas clears the selection.
    let empty = view * egui::pos2(440.0 + 60.0, 220.0);
    h.event(egui::Event::PointerMoved(empty));
    h.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    h.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(3);
    assert!(h.state().selection.is_empty());
}

#[test]
fn a_fit_asked_for_before_the_first_view_wins() {
    // Far apart: the first view of this map would be its start at 70%; Fit shows it whole.
    let map = super::parse(
        r#"ProcessMap(
            format: 1,
            title: "Wide",
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h"), at: (0, 0)),
                "far": Step(name: "Far", work: Fixed("1m"), at: (20000, 0)),
                "out": End(name: "Out", at: (40000, 0)),
            },
            flows: [Flow(from: "in", to: "far"), Flow(from: "far", to: "out")],
        )"#,
    );
    let mut h = harness(map.clone());
    settle(&mut h);
    assert!(
        (h.state().canvas.zoom() - 0.7).abs() < 1e-3,
        "opens at its start"
    );
    // Asked for before the first frame (as the frame bench and F right after opening do).
    let mut app = App::new(map, None, Persisted::default(), None);
    app.canvas.request_fit();
    let mut h = harness_with(app);
    settle(&mut h);
    assert!(h.state().canvas.zoom() < 0.1, "{}", h.state().canvas.zoom());
}

#[test]
fn view_arrange_lays_the_map_out_as_one_undo_step() {
    let mut h = harness(sample());
    settle(&mut h);
    let ctx = h.ctx.clone();
    h.state_mut()
        .run(procmap::ui::commands::UiCommand::Arrange, &ctx);
    settle(&mut h);
    let mut expected = sample();
    procmap::model::layout::apply(&mut expected);
    assert_ne!(expected, sample());
    assert_eq!(*h.state().doc.map(), expected);
    h.state_mut()
        .run(procmap::ui::commands::UiCommand::Undo, &ctx);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), sample());
}

#[test]
fn a_bpmn_file_opens_unsaved_with_its_import_warnings_in_the_problems() {
    let mut h = harness(sample());
    settle(&mut h);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/bpmn-miwg/reference/A.4.0.bpmn");
    h.state_mut().open_path(&path);
    settle(&mut h);
    let app = h.state();
    assert!(
        app.doc.path.is_none(),
        "an imported map has no file to save to"
    );
    assert!(app.doc.is_dirty());
    assert!(
        app.doc
            .map()
            .nodes
            .contains_key("_ee35fa2c-dfea-40cf-a469-845b765a7b50")
    );
    assert!(
        app.import_warnings
            .iter()
            .any(|w| w.contains("messageFlow")),
        "{:?}",
        app.import_warnings
    );
    let _ = h.get_by_label_contains("Import: ");
    // Opening a native map again clears them.
    let ron = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/order-to-cash.ron");
    h.state_mut().open_path(&ron);
    settle(&mut h);
    assert!(h.state().import_warnings.is_empty());
}

/// A MIWG reference model opened as an imported map, rendered: compare with
/// `../shared/bpmn-miwg/reference/<model>.png`.
fn snapshot_of_imported(model: &str) {
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(200);
    let path = std::path::PathBuf::from(format!("../shared/bpmn-miwg/reference/{model}.bpmn"));
    let opened = procmap::interop::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut app = App::new(opened.map, None, Persisted::default(), None);
    app.import_warnings = opened.warnings;
    let mut h = harness_with(app);
    h.run_steps(12);
    h.snapshot_options(format!("imported_{}", model.replace('.', "_")), &options);
}

#[test]
fn snapshot_of_imported_a_4_0_pools_lanes_sub_processes() {
    snapshot_of_imported("A.4.0");
}

#[test]
fn snapshot_of_imported_b_1_0_task_and_gateway_types() {
    snapshot_of_imported("B.1.0");
}
