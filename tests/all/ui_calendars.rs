//! Working time in the editor, driven like a user would: the calendars panel and editor (draw,
//! move and resize shifts on the week grid, capacities, closed dates), the calendar pickers,
//! the arrival pattern of a Start, and the week results.

use egui::{Event, Key as K, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use procmap::model::{Calendar, Days, Node, ProcessMap, Shift, TimeOfDay};
use procmap::ui::App;
use procmap::ui::app::Persisted;

use super::parse;

/// The order-to-cash sample as it was before working time: everyone around the clock, orders
/// every 6 minutes (so each test adds exactly the calendars it is about).
fn sample() -> ProcessMap {
    let mut map = parse(include_str!("../../samples/order-to-cash.ron"));
    let ids: Vec<String> = map.calendars.keys().cloned().collect();
    for id in ids {
        let edit = procmap::model::edit::delete_calendar(&map, &id);
        map.apply(edit);
    }
    for node in map.nodes.values_mut() {
        if let Node::Start {
            arrivals, rates, ..
        } = node
        {
            *arrivals = Some(procmap::model::Dist::Exponential {
                mean: "6m".parse().unwrap_or_default(),
            });
            rates.clear();
        }
    }
    for step in map.nodes.values_mut() {
        if let Node::Step { sla: Some(sla), .. } = step {
            sla.calendar = None;
        }
    }
    map
}

fn harness(map: ProcessMap) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(
            |ui, app: &mut App| app.ui(ui),
            App::new(map, None, Persisted::default(), None),
        )
}

fn settle(h: &mut Harness<'_, App>) {
    h.run_steps(4);
}

fn office() -> Calendar {
    Calendar {
        week: vec![Shift::new(
            Days::WEEKDAYS,
            TimeOfDay::hm(9, 0),
            TimeOfDay::hm(17, 0),
        )],
        ..Calendar::new("Office hours")
    }
}

/// The sample with an "Office hours" calendar (Mon-Fri 09:00-17:00).
fn with_office() -> ProcessMap {
    let mut map = sample();
    map.calendars.insert("office".into(), office());
    map
}

/// Where minute `minute` of day row `day` (0 is Monday) is on the week grid.
fn cell(h: &Harness<'_, App>, day: u8, minute: f32) -> Pos2 {
    let grid = h.get_by_label("Week grid").rect();
    // The grid's layout: 38 px of day labels, 16 px of hour labels, rows of 26 px.
    let left = grid.left() + 38.0;
    let hour = (grid.right() - left) / 24.0;
    pos2(
        left + minute / 60.0 * hour,
        grid.top() + 16.0 + (f32::from(day) + 0.5) * 26.0,
    )
}

/// Presses at `from`, moves to `to` in a few steps, releases.
fn drag(h: &mut Harness<'_, App>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.step();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    for n in 1..=5u8 {
        let t = f32::from(n) / 5.0;
        h.event(Event::PointerMoved(from + (to - from) * t));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(3);
}

/// Replaces the text of the focused field with `text` (select all, type).
fn replace_text(h: &mut Harness<'_, App>, text: &str) {
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, K::A);
    h.event(Event::Text(text.to_owned()));
    settle(h);
}

fn office_week(h: &Harness<'_, App>) -> Vec<String> {
    h.state().doc.map().calendars["office"]
        .week
        .iter()
        .map(|s| format!("{} {}-{}", s.days, s.from, s.to))
        .collect()
}

#[test]
fn add_a_calendar_from_the_sidebar_and_delete_it_in_one_undo_step() {
    let mut h = harness(sample());
    settle(&mut h);
    h.get_by_label("+ Add calendar").click();
    settle(&mut h);
    let map = h.state().doc.map();
    assert_eq!(map.calendars.len(), 1);
    let (id, calendar) = map.calendars.iter().next().expect("a calendar");
    let id = id.clone();
    assert_eq!(calendar.name, "New calendar");
    assert_eq!(calendar.hours_per_week(), 40.0);
    // The editor opened on it, and the sidebar shows its hours per week.
    assert_eq!(h.state().calendars.open.as_deref(), Some(id.as_str()));
    h.get_by_label("Week grid");
    h.get_by_label_contains("40 h/week · 1 shift");

    // An owner works on it; deleting the calendar clears that, and one undo brings both back.
    let mut owner = h.state().doc.map().owners["warehouse"].clone();
    owner.calendar = Some(id.clone());
    h.state_mut().commit(
        "set",
        procmap::model::Edit::Owner {
            id: "warehouse".into(),
            owner: Some(owner),
        },
    );
    settle(&mut h);
    let before = h.state().doc.map().clone();
    h.get_by_label("Delete calendar").click();
    settle(&mut h);
    let map = h.state().doc.map();
    assert!(map.calendars.is_empty());
    assert_eq!(map.owners["warehouse"].calendar, None);
    assert_eq!(h.state().calendars.open, None, "the editor closed");
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), before);
}

#[test]
fn draw_move_and_resize_shifts_on_the_week_grid_each_drag_one_undo_step() {
    let mut h = harness(with_office());
    h.state_mut().calendars.open("office");
    settle(&mut h);
    let depth = h.state().doc.undo_len();

    // Draw Saturday 09:00-13:00 on empty cells.
    let (a, b) = (cell(&h, 5, 9.0 * 60.0), cell(&h, 5, 13.0 * 60.0));
    drag(&mut h, a, b);
    assert_eq!(office_week(&h), ["Mon-Fri 09:00-17:00", "Sat 09:00-13:00"]);
    assert_eq!(h.state().doc.undo_len(), depth + 1, "one drag, one step");

    // Move the office shift one hour later (grab it in the middle of Tuesday).
    let (a, b) = (cell(&h, 1, 13.0 * 60.0), cell(&h, 1, 14.0 * 60.0));
    drag(&mut h, a, b);
    assert_eq!(office_week(&h)[0], "Mon-Fri 10:00-18:00");
    assert_eq!(h.state().doc.undo_len(), depth + 2);

    // Resize its end back to 17:30 (the handle is at its right edge).
    let (a, b) = (
        cell(&h, 2, 18.0 * 60.0 - 4.0),
        cell(&h, 2, 17.5 * 60.0 - 4.0),
    );
    drag(&mut h, a, b);
    assert_eq!(office_week(&h)[0], "Mon-Fri 10:00-17:30");
    assert_eq!(h.state().doc.undo_len(), depth + 3);

    // Each undo takes back one drag.
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(office_week(&h)[0], "Mon-Fri 10:00-18:00");
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(office_week(&h), ["Mon-Fri 09:00-17:00"]);
}

#[test]
fn shifts_capacities_and_closed_dates_are_edited_in_their_fields() {
    let mut h = harness(with_office());
    h.state_mut().calendars.open("office");
    settle(&mut h);
    h.get_by_label("+ Add shift").click();
    settle(&mut h);
    assert_eq!(office_week(&h), ["Mon-Fri 09:00-17:00", "Sat 09:00-13:00"]);

    // Give the Saturday shift its own capacity of 1 (the owner's otherwise).
    h.get_all_by_label("own")
        .nth(1)
        .expect("second shift")
        .click();
    settle(&mut h);
    assert_eq!(
        h.state().doc.map().calendars["office"].week[1].capacity,
        Some(1)
    );

    // Overlapping shifts are marked: type a Friday shift over the office hours.
    let text_input =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    let days = h
        .get_all_by_value("Sat")
        .find(text_input)
        .expect("the days field");
    days.focus();
    replace_text(&mut h, "Fri");
    h.key_press(K::Enter);
    settle(&mut h);
    assert_eq!(office_week(&h)[1], "Fri 09:00-13:00");
    h.get_by_label_contains("Shifts 1 and 2 overlap on Fri");
    // An unreadable day is shown, not committed.
    let days = h
        .get_all_by_value("Fri")
        .find(text_input)
        .expect("the days field");
    days.focus();
    days.type_text("x");
    settle(&mut h);
    h.key_press(K::Enter);
    settle(&mut h);
    h.get_by_label_contains("is not a set of days");
    assert_eq!(office_week(&h)[1], "Fri 09:00-13:00");

    // Closed dates: a wrong one is explained, a right one is added, then removed.
    let field = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.accesskit_node().placeholder() == Some("YYYY-MM-DD"))
        .expect("the closed date field");
    field.focus();
    field.type_text("2026-02-30");
    settle(&mut h);
    h.get_by_label("Add closed date").click();
    settle(&mut h);
    h.get_by_label_contains("is not a date");
    assert!(h.state().doc.map().calendars["office"].closed.is_empty());
    let field = h
        .get_all_by_value("2026-02-30")
        .find(text_input)
        .expect("the closed date field with the wrong date");
    field.focus();
    replace_text(&mut h, "2026-02-24");
    h.get_by_label("Add closed date").click();
    settle(&mut h);
    let closed: Vec<String> = h.state().doc.map().calendars["office"]
        .closed
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(closed, ["2026-02-24"]);
    h.get_by_label_contains("2026-02-24 Tue");
    h.get_by_label("×").click();
    settle(&mut h);
    assert!(h.state().doc.map().calendars["office"].closed.is_empty());
}

#[test]
fn snapshot_of_the_calendar_editor() {
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(200);
    let mut map = with_office();
    if let Some(calendar) = map.calendars.get_mut("office") {
        calendar.week.push(Shift {
            capacity: Some(2),
            ..Shift::new(
                "Sat".parse().expect("days"),
                TimeOfDay::hm(9, 0),
                TimeOfDay::hm(13, 0),
            )
        });
        calendar.week.push(Shift::new(
            "Sun-Thu".parse().expect("days"),
            TimeOfDay::hm(22, 0),
            TimeOfDay::hm(6, 0),
        ));
        calendar.week.push(Shift::new(
            "Fri".parse().expect("days"),
            TimeOfDay::hm(16, 0),
            TimeOfDay::hm(18, 0),
        ));
        calendar.closed.push("2026-12-24".parse().expect("date"));
    }
    let mut h = harness(map);
    h.state_mut().calendars.open("office");
    h.run_steps(12);
    h.snapshot_options("calendar_editor", &options);
}

#[test]
fn an_owner_works_on_a_calendar_picked_in_the_sidebar_and_one_undo_takes_it_back() {
    let mut h = harness(with_office());
    settle(&mut h);
    let before = h.state().doc.map().clone();
    // Owners are listed in id order: "credit" first. Its combo says "Always".
    h.get_all_by_value("Always")
        .next()
        .expect("the first owner's calendar combo")
        .click();
    settle(&mut h);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Office hours")
        .click();
    settle(&mut h);
    let map = h.state().doc.map();
    assert_eq!(map.owners["credit"].calendar.as_deref(), Some("office"));
    // The owner list shows its hours per week beside it.
    h.get_by_label("40 h/week");
    h.key_press_modifiers(Modifiers::COMMAND, K::Z);
    settle(&mut h);
    assert_eq!(*h.state().doc.map(), before);
}

#[test]
fn a_start_switches_to_rates_by_time_of_week_with_the_same_weekly_volume() {
    let mut h = harness(with_office());
    settle(&mut h);
    h.state_mut()
        .select([procmap::model::ElementRef::Node("order".into())]);
    settle(&mut h);
    let per_hour = {
        let map = h.state().doc.map();
        map.arrivals_per_hour(&map.nodes["order"])
    };
    assert!((per_hour - 10.0).abs() < 1e-9);
    h.get_by_label("Rates by time of week").click();
    settle(&mut h);
    let map = h.state().doc.map();
    let Node::Start {
        arrivals, rates, ..
    } = &map.nodes["order"]
    else {
        panic!("a start");
    };
    assert!(arrivals.is_none(), "rates and arrivals are never both set");
    assert_eq!(rates.len(), 1);
    assert_eq!(
        format!("{} {}-{}", rates[0].days, rates[0].from, rates[0].to),
        "Mon-Fri 09:00-17:00"
    );
    // 10 an hour round the clock is 1680 a week: 42 an hour in 40 office hours.
    assert!(
        (rates[0].per_hour - 42.0).abs() < 1e-9,
        "{}",
        rates[0].per_hour
    );
    assert!((map.arrivals_per_hour(&map.nodes["order"]) - 10.0).abs() < 1e-9);
    h.get_by_label("Week chart of arrivals per hour, peak 42.0");
    h.get_by_label("+ Add window").click();
    settle(&mut h);
    assert!(
        matches!(&h.state().doc.map().nodes["order"], Node::Start { rates, .. } if rates.len() == 2)
    );
    // The Start's clock runs in a calendar.
    h.get_all_by_value("Always")
        .last()
        .expect("the Start's calendar combo")
        .click();
    settle(&mut h);
    h.get_all_by_role(egui::accesskit::Role::Button)
        .rfind(|n| n.accesskit_node().label().as_deref() == Some("Office hours"))
        .expect("the calendar in the open combo")
        .click();
    settle(&mut h);
    assert_eq!(
        h.state().doc.map().nodes["order"].calendar(),
        Some("office")
    );
    // And back to a time between arrivals, keeping the mean.
    h.get_by_label("Time between arrivals").click();
    settle(&mut h);
    let map = h.state().doc.map();
    assert!(
        matches!(&map.nodes["order"], Node::Start { rates, arrivals: Some(_), .. } if rates.is_empty())
    );
}

#[test]
fn the_simulation_start_is_typed_with_its_weekday_and_errors_are_shown() {
    let mut h = harness(with_office());
    settle(&mut h);
    let text_input =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    let field = h
        .get_all_by_value("2026-01-05 00:00")
        .find(text_input)
        .expect("the clock start field");
    field.focus();
    replace_text(&mut h, "2026-01-07 08:30");
    h.key_press(K::Enter);
    settle(&mut h);
    assert_eq!(
        h.state()
            .doc
            .map()
            .simulation
            .start
            .map(|s| s.to_string())
            .as_deref(),
        Some("2026-01-07 08:30")
    );
    h.get_by_label("Wed");
    let field = h
        .get_all_by_value("2026-01-07 08:30")
        .find(text_input)
        .expect("the clock start field");
    field.focus();
    replace_text(&mut h, "2026-13-01 08:30");
    h.key_press(K::Enter);
    settle(&mut h);
    h.get_by_label_contains("is not a date and time");
    assert_eq!(
        h.state()
            .doc
            .map()
            .simulation
            .start
            .map(|s| s.to_string())
            .as_deref(),
        Some("2026-01-07 08:30")
    );
}

#[test]
fn results_of_a_map_with_calendars_show_the_week_and_say_utilisation_is_of_available_time() {
    let mut map = with_office();
    if let Some(owner) = map.owners.get_mut("warehouse") {
        owner.calendar = Some("office".into());
    }
    if let Some(Node::Start { calendar, .. }) = map.nodes.get_mut("order") {
        *calendar = Some("office".into());
    }
    map.simulation.cases = 2_000;
    map.simulation.warmup = 200;
    map.simulation.replications = 2;
    let mut h = harness(map);
    settle(&mut h);
    h.key_press(K::F5);
    let start = std::time::Instant::now();
    while h.state().sim.outcome.is_none() {
        assert!(start.elapsed().as_secs() < 120, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run_steps(4);
    let outcome = h.state().sim.outcome.clone().expect("results");
    let profile = outcome
        .result
        .by_hour_of_week
        .as_ref()
        .expect("a week profile");
    assert_eq!(profile.arrivals.len(), 168);
    // A heat strip per owner, queue first, then utilisation.
    h.get_by_label("Week heat strip warehouse");
    h.get_by_label("Week heat strip credit");
    h.get_by_label("Utilisation").click();
    settle(&mut h);
    h.get_by_label_contains("busy share of the people on shift");
    h.get_by_label("Arrivals and people on shift over the week");
    // The owner table has the available hours and says what busy means for Warehouse crew.
    h.get_by_label_contains("Avail. h/wk");
    h.get_by_label_contains(
        "share of available time (the people on shift) for owners with a calendar: Warehouse crew",
    );
    h.get_by_label_contains("Wait (working)");
}

#[test]
fn step_sla_and_service_calendars_are_picked_in_the_inspector() {
    let mut map = with_office();
    // An ownerless step to give a calendar to.
    if let Some(Node::Step { owner, .. }) = map.nodes.get_mut("check") {
        *owner = None;
    }
    let mut h = harness(map);
    settle(&mut h);
    h.state_mut()
        .select([procmap::model::ElementRef::Node("check".into())]);
    settle(&mut h);
    let pick = |h: &mut Harness<'_, App>, value: &str, nth: usize| {
        h.get_all_by_value(value)
            .nth(nth)
            .expect("a calendar combo")
            .click();
        h.run_steps(4);
        h.get_all_by_role(egui::accesskit::Role::Button)
            .rfind(|n| n.accesskit_node().label().as_deref() == Some("Office hours"))
            .expect("the calendar in the open combo")
            .click();
        h.run_steps(4);
    };
    // The sidebar's four owner combos come first; the step's own is the fifth "Always".
    pick(&mut h, "Always", 4);
    assert_eq!(
        h.state().doc.map().nodes["check"].calendar(),
        Some("office")
    );
    // Its SLA counts in office hours.
    pick(&mut h, "elapsed time", 0);
    let Node::Step { sla: Some(sla), .. } = &h.state().doc.map().nodes["check"] else {
        panic!("the step keeps its SLA");
    };
    assert_eq!(sla.calendar.as_deref(), Some("office"));

    // A step with an owner works on the owner's calendar: its own picker is disabled.
    h.state_mut()
        .select([procmap::model::ElementRef::Node("pick".into())]);
    settle(&mut h);
    h.get_by_label_contains("so it works on the owner's calendar (works around the clock)");

    // A service's maintenance calendar.
    h.state_mut()
        .select([procmap::model::ElementRef::Service("db".into())]);
    settle(&mut h);
    pick(&mut h, "none", 0);
    assert_eq!(
        h.state().doc.map().services["db"].maintenance.as_deref(),
        Some("office")
    );
    h.get_by_label_contains("Down for maintenance during that calendar's shifts");
}

#[test]
fn a_start_with_both_rates_and_a_time_between_arrivals_offers_to_keep_the_rates() {
    let mut map = with_office();
    if let Some(Node::Start { rates, .. }) = map.nodes.get_mut("order") {
        rates.push(procmap::model::Rate {
            days: Days::WEEKDAYS,
            from: TimeOfDay::hm(9, 0),
            to: TimeOfDay::hm(17, 0),
            per_hour: 5.0,
        });
    }
    let mut h = harness(map);
    settle(&mut h);
    h.state_mut()
        .select([procmap::model::ElementRef::Node("order".into())]);
    settle(&mut h);
    // A rate window's days are typed like a shift's; an unreadable one is explained.
    let text_input =
        |n: &egui_kittest::Node<'_>| n.accesskit_node().role() == egui::accesskit::Role::TextInput;
    let days = h
        .get_all_by_value("Mon-Fri")
        .find(text_input)
        .expect("the window's days");
    days.focus();
    replace_text(&mut h, "Mon-Thu");
    h.key_press(K::Enter);
    settle(&mut h);
    assert!(
        matches!(&h.state().doc.map().nodes["order"], Node::Start { rates, .. } if rates[0].days.count() == 4)
    );
    h.get_by_label("Keep the rates").click();
    settle(&mut h);
    assert!(matches!(
        &h.state().doc.map().nodes["order"],
        Node::Start { arrivals: None, rates, .. } if rates.len() == 1
    ));
    assert!(h.query_by_label("Keep the rates").is_none());
}
