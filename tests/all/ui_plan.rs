//! Capacity planning in the editor, driven like a user: Simulate > Optimise staffing runs the
//! plan as a job, the result shows, Apply changes every owner in one undo step, Cancel stops
//! it; Headroom and What to improve first show their panels.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use procmap::model::ProcessMap;
use procmap::ui::App;
use procmap::ui::app::Persisted;
use procmap::ui::commands::UiCommand;

use super::parse;

/// Two owners on two steps: the desk (1 person, 50 min per case, an SLA of 2 h at 90%) is too
/// small, the back office (5 people, 20 min per case) far too large. Small settings keep every
/// candidate quick.
fn two_owners() -> ProcessMap {
    parse(
        r#"ProcessMap(format: 1, title: "two owners",
            owners: {
                "desk": Owner(name: "Desk", capacity: 1, cost_per_hour: 30.0, capacity_range: (1, 6)),
                "back": Owner(name: "Back office", capacity: 5, cost_per_hour: 20.0, capacity_range: (1, 6)),
            },
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "front": Step(name: "Front", owner: "desk", work: Exponential(mean: "50m"), sla: Sla(target: "2h", within: 0.9)),
                "file": Step(name: "File", owner: "back", work: Exponential(mean: "20m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "front"), Flow(from: "front", to: "file"), Flow(from: "file", to: "out")],
            simulation: Simulation(cases: 2000, warmup: 200, replications: 4, seed: 3),
        )"#,
    )
}

fn harness(map: ProcessMap) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(
            |ui, app: &mut App| app.ui(ui),
            App::new(map, None, Persisted::default(), None),
        )
}

/// Steps the UI until `done` holds (studies run on their own thread), at most 120 s.
fn wait_for(h: &mut Harness<'_, App>, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed().as_secs() < 120, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run_steps(4);
}

/// Runs a Simulate menu command (menus are the same `UiCommand`s).
fn open_from_menu(h: &mut Harness<'_, App>, command: UiCommand) {
    let ctx = h.ctx.clone();
    h.state_mut().run(command, &ctx);
    h.run_steps(3);
    assert!(
        h.state().plan.open,
        "{} opens the planning window",
        command.label()
    );
}

#[test]
fn optimise_from_the_app_then_apply_is_one_undo_step() {
    let mut h = harness(two_owners());
    h.run_steps(3);
    open_from_menu(&mut h, UiCommand::OptimiseStaffing);
    // The form starts from the map's settings.
    let form = h.state().plan.form.clone().expect("the form");
    assert_eq!((form.cases, form.replications), (2000, 4));
    h.get_by_label("Optimise").click();
    h.run_steps(2);
    assert!(h.state().plan.is_running());
    wait_for(&mut h, |app| !app.plan.is_running());
    let study = h.state().plan.staffing.clone().expect("a plan");
    let plan = &study.value.plan;
    assert!(plan.feasible, "{}", plan.note);
    let desk = plan.recommended["desk"];
    let back = plan.recommended["back"];
    assert!(desk >= 2, "the desk needs more people: {desk}");
    assert!(back < 5, "the back office needs fewer: {back}");
    // The result: verdict, owner table, SLA table, evaluated count.
    h.get_by_label_contains("Recommended staffing:");
    h.get_by_label(&format!("1 -> {desk}"));
    h.get_by_label(&format!("5 -> {back}"));
    h.get_by_label("Step Front");
    h.get_by_label_contains("candidates evaluated");
    // The recommendation is a what-if scenario beside today's run in Results.
    assert!(
        h.state()
            .sim
            .scenarios
            .iter()
            .any(|s| s.name == "Plan: recommended staffing"
                && s.outcome.map.owners["desk"].capacity == desk)
    );
    assert_eq!(
        h.state()
            .sim
            .outcome
            .as_ref()
            .map(|o| o.map.owners["desk"].capacity),
        Some(1)
    );
    assert!(h.state().show_results);
    // The comparison reads today -> recommended: the latest run is today's staffing.
    let scenario = h
        .state()
        .sim
        .scenarios
        .iter()
        .find(|s| s.name == "Plan: recommended staffing")
        .expect("the plan scenario");
    let sentence = procmap::ui::simulation::compare_sentence(
        scenario,
        h.state().sim.outcome.as_ref().expect("today's run"),
    );
    assert!(
        sentence.starts_with("latest -> Plan: recommended staffing ("),
        "{sentence}"
    );
    let more = i64::from(desk) - 1;
    assert!(sentence.contains(&format!("+{more} Desk")), "{sentence}");
    assert!(
        sentence.contains(&format!("-{} Back office", 5 - back)),
        "{sentence}"
    );

    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(300);
    h.run_steps(6);
    h.snapshot_options("plan_staffing_result", &options);

    // Apply: both owners change in one step; one Undo restores both.
    let undo_before = h.state().doc.undo_len();
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let map = h.state().doc.map();
    assert_eq!(
        (map.owners["desk"].capacity, map.owners["back"].capacity),
        (desk, back)
    );
    assert_eq!(h.state().doc.undo_len(), undo_before + 1);
    assert_eq!(h.state().doc.undo_label(), Some("Apply capacity plan"));
    // The plan is now stale and Apply is off.
    h.get_by_label_contains("Stale: the map changed since this plan");
    let ctx = h.ctx.clone();
    h.state_mut().run(UiCommand::Undo, &ctx);
    h.run_steps(3);
    assert_eq!(*h.state().doc.map(), two_owners());
}

#[test]
fn cancel_stops_the_staffing_search() {
    let mut h = harness(two_owners());
    h.run_steps(3);
    open_from_menu(&mut h, UiCommand::OptimiseStaffing);
    if let Some(form) = h.state_mut().plan.form.as_mut() {
        form.cases = procmap::model::limits::MAX_CASES;
    }
    h.get_by_label("Optimise").click();
    h.run_steps(3);
    assert!(h.state().plan.is_running());
    h.get_by_label_contains("cases simulated");
    let start = std::time::Instant::now();
    h.get_by_label("Cancel").click();
    wait_for(&mut h, |app| !app.plan.is_running());
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    assert!(h.state().plan.staffing.is_none());
    assert_eq!(h.state().plan.message.as_deref(), Some("Cancelled."));
    h.get_by_label("Cancelled.");
}

#[test]
fn headroom_and_sensitivity_show_their_panels() {
    let mut h = harness(two_owners());
    h.run_steps(3);
    open_from_menu(&mut h, UiCommand::Headroom);
    h.get_by_label("Run headroom").click();
    h.run_steps(2);
    wait_for(&mut h, |app| !app.plan.is_running());
    let headroom = h.state().plan.headroom.clone().expect("headroom");
    assert!(!headroom.value.rows.is_empty());
    // The desk (83% today) saturates first, at 1.2x.
    let (owner, factor) = headroom.value.saturates_first.clone().expect("an owner");
    assert_eq!(owner, "desk");
    assert!((factor - 1.2).abs() < 1e-9, "{factor}");
    h.get_by_label_contains("Desk saturates first");
    h.get_by_label("p90 cycle time (h) by arrival factor");

    h.get_by_label("What to improve first").click();
    h.run_steps(2);
    h.get_by_label("Rank changes").click();
    h.run_steps(2);
    wait_for(&mut h, |app| !app.plan.is_running());
    let sensitivity = h.state().plan.sensitivity.clone().expect("sensitivity");
    // One more person at the overloaded desk helps most.
    assert_eq!(
        sensitivity.value.effects.first().map(|e| e.change.clone()),
        Some(procmap::sim::plan::headroom::Change::MorePeople(
            "desk".into()
        ))
    );
    h.get_by_label_contains("Improve first: Desk 1 -> 2");
}

/// One owner on a two-shift roster (day 3, evening 1) with a step SLA the evening misses.
fn roster() -> ProcessMap {
    parse(
        r#"ProcessMap(format: 1, title: "roster",
            calendars: {"roster": Calendar(name: "Roster", week: [
                Shift(days: "Mon-Sun", from: "06:00", to: "18:00", capacity: 3),
                Shift(days: "Mon-Sun", from: "18:00", to: "06:00", capacity: 1),
            ])},
            owners: {"desk": Owner(name: "Desk", capacity: 3, cost_per_hour: 40.0, calendar: "roster", capacity_range: (1, 4))},
            nodes: {
                "in": Start(name: "In", rates: [
                    Rate(days: "Mon-Sun", from: "06:00", to: "18:00", per_hour: 1.0),
                    Rate(days: "Mon-Sun", from: "18:00", to: "24:00", per_hour: 1.2),
                    Rate(days: "Mon-Sun", from: "00:00", to: "06:00", per_hour: 1.2),
                ]),
                "work": Step(name: "Work", owner: "desk", work: Exponential(mean: "40m"), sla: Sla(target: "2h", within: 0.85)),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            simulation: Simulation(cases: 2000, warmup: 200, replications: 4, seed: 3),
        )"#,
    )
}

#[test]
fn a_roster_plan_shows_a_row_per_shift_and_applies_in_one_undo_step() {
    let mut h = harness(roster());
    h.run_steps(3);
    open_from_menu(&mut h, UiCommand::OptimiseStaffing);
    h.get_by_label("Optimise").click();
    h.run_steps(2);
    wait_for(&mut h, |app| !app.plan.is_running());
    let study = h.state().plan.staffing.clone().expect("a plan");
    let plan = &study.value.plan;
    assert!(plan.feasible, "{}", plan.note);
    let shifts: Vec<(u32, u32)> = plan.owners[0]
        .shifts
        .iter()
        .map(|s| (s.now, s.recommended))
        .collect();
    assert_eq!(shifts.len(), 2);
    // The evening shift (1 person for 1.2 cases of 40 min an hour) needs more; the day
    // (3 people for 1 case an hour) fewer.
    assert!(shifts[1].1 > 1 && shifts[0].1 < 3, "{shifts:?}");
    h.get_by_label("Desk, Mon-Sun 06:00-18:00");
    h.get_by_label("Desk, Mon-Sun 18:00-06:00");
    h.get_by_label(&format!("1 -> {}", shifts[1].1));
    let undo_before = h.state().doc.undo_len();
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let map = h.state().doc.map();
    let levels: Vec<Option<u32>> = map.calendars["roster"]
        .week
        .iter()
        .map(|s| s.capacity)
        .collect();
    assert_eq!(levels, vec![Some(shifts[0].1), Some(shifts[1].1)]);
    assert_eq!(h.state().doc.undo_len(), undo_before + 1);
    let ctx = h.ctx.clone();
    h.state_mut().run(UiCommand::Undo, &ctx);
    h.run_steps(3);
    assert_eq!(*h.state().doc.map(), roster());
}
