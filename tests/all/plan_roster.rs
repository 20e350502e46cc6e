//! Capacity planning shift by shift: a rostered owner against brute force, Apply of a
//! per-shift plan, and the per-shift keys of `optimize --json`.

use procmap::model::ProcessMap;
use procmap::sim::plan::{self, Objective, PlanOptions};
use procmap::sim::{self, Control};

use super::parse;
use super::plan::{json_of, procmap, settings, single_queue, write_map};

/// One owner on a 24/7 roster of three shifts (night 22-06, day 06-16, evening 16-22), each
/// with its own capacity, bounded 1 to 4; arrivals follow the shifts (0.3, 2 and 1.2 an hour);
/// an SLA on the step's lead time.
fn rostered(within: f64) -> ProcessMap {
    parse(&format!(
        r#"ProcessMap(format: 1, title: "roster",
            calendars: {{"roster": Calendar(name: "Roster", week: [
                Shift(days: "Mon-Sun", from: "22:00", to: "06:00", capacity: 1),
                Shift(days: "Mon-Sun", from: "06:00", to: "16:00", capacity: 2),
                Shift(days: "Mon-Sun", from: "16:00", to: "22:00", capacity: 1),
            ])}},
            owners: {{"desk": Owner(name: "Desk", capacity: 2, cost_per_hour: 42.0, calendar: "roster", capacity_range: (1, 4))}},
            nodes: {{
                "in": Start(name: "In", rates: [
                    Rate(days: "Mon-Sun", from: "00:00", to: "06:00", per_hour: 0.3),
                    Rate(days: "Mon-Sun", from: "06:00", to: "16:00", per_hour: 2.0),
                    Rate(days: "Mon-Sun", from: "16:00", to: "22:00", per_hour: 1.2),
                    Rate(days: "Mon-Sun", from: "22:00", to: "24:00", per_hour: 0.3),
                ]),
                "work": Step(name: "Work", owner: "desk", work: Exponential(mean: "1h"), sla: Sla(target: "3h", within: {within})),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#
    ))
}

/// Staff cost per hour of a roster vector (night, day, evening people): people x hours on
/// shift per week / 168 x 42.
fn roster_cost(levels: [u32; 3]) -> f64 {
    let hours = [56.0, 70.0, 42.0];
    levels
        .iter()
        .zip(hours)
        .map(|(&c, h)| 42.0 * (h / 168.0) * f64::from(c))
        .sum()
}

#[test]
fn the_optimiser_finds_the_cheapest_feasible_roster_of_a_brute_force() {
    for within in [0.86, 0.88, 0.9, 0.92] {
        roster_brute_force(within);
    }
}

fn roster_brute_force(within: f64) {
    let map = rostered(within);
    let run = settings(3_000, 300, 4, 7);
    // Every shift vector in the bounds, judged by the documented rule; a vector whose weekly
    // capacity-hours do not exceed the weekly work (29.6 h a day) is unstable, infeasible.
    let mut cheapest: Option<(f64, [u32; 3])> = None;
    let mut feasible = Vec::new();
    for night in 1..=4u32 {
        for day in 1..=4u32 {
            for evening in 1..=4u32 {
                let levels = [night, day, evening];
                if f64::from(8 * night + 10 * day + 6 * evening) <= 29.6 {
                    continue;
                }
                let mut candidate = map.clone();
                if let Some(calendar) = candidate.calendars.get_mut("roster") {
                    for (shift, c) in calendar.week.iter_mut().zip(levels) {
                        shift.capacity = Some(c);
                    }
                }
                if let Some(owner) = candidate.owners.get_mut("desk") {
                    owner.capacity = night.max(day).max(evening);
                }
                let result = sim::simulate(&candidate, &run, None, &Control::default())
                    .unwrap_or_else(|e| panic!("{e}"));
                let sla = result.steps["work"]
                    .sla
                    .as_ref()
                    .unwrap_or_else(|| panic!("a step SLA"));
                let meets = sla.met_fraction.mean - sla.met_fraction.ci95.unwrap_or(0.0) >= within;
                let cost = roster_cost(levels);
                if meets {
                    feasible.push(levels);
                    if cheapest.is_none_or(|(c, _)| cost < c - 1e-9) {
                        cheapest = Some((cost, levels));
                    }
                }
            }
        }
    }
    let Some((cost, levels)) = cheapest else {
        panic!("the brute force found nothing feasible: the test map is wrong");
    };
    // Neither today's roster nor the top corner: the search has something to find.
    assert_ne!(levels, [1, 2, 1]);
    assert_ne!(levels, [4, 4, 4]);
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: run,
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.feasible, "{}", found.note);
    let desk = found.owners.first().unwrap_or_else(|| panic!("one owner"));
    let shifts: Vec<u32> = desk.shifts.iter().map(|s| s.recommended).collect();
    assert!(
        (found.cost_recommended - cost).abs() < 1e-9,
        "{shifts:?} vs {levels:?}"
    );
    assert!(
        feasible.iter().any(|f| f.as_slice() == shifts.as_slice()),
        "{shifts:?} is not feasible by the brute force"
    );
    // The owner's capacity is the peak shift; today's cost is people x hours on shift.
    assert_eq!(
        found.recommended.get("desk").copied(),
        shifts.iter().copied().max()
    );
    assert!((found.cost_now - roster_cost([1, 2, 1])).abs() < 1e-9);
    assert_eq!(
        desk.shifts.iter().map(|s| s.now).collect::<Vec<_>>(),
        vec![1, 2, 1]
    );
    assert!(desk.shifts.iter().all(|s| s.range == (1, 4)));
}

#[test]
fn applying_a_roster_plan_writes_every_shift_and_undoes_in_one_step() {
    let mut map = rostered(0.9);
    let before = map.clone();
    let run = settings(3_000, 300, 4, 7);
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: run,
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    let shifts: Vec<u32> = found.owners[0]
        .shifts
        .iter()
        .map(|s| s.recommended)
        .collect();
    assert_ne!(shifts, vec![1, 2, 1], "the plan changes the roster");
    let change = found.change(&map);
    let inverse = map.apply(change.edit);
    // The roster is the desk's alone: changed in place, shift by shift.
    let levels: Vec<Option<u32>> = map.calendars["roster"]
        .week
        .iter()
        .map(|s| s.capacity)
        .collect();
    assert_eq!(levels, shifts.iter().map(|&c| Some(c)).collect::<Vec<_>>());
    assert_eq!(
        Some(map.owners["desk"].capacity),
        shifts.iter().copied().max()
    );
    assert!(
        change.notes[0].contains("shift by shift"),
        "{:?}",
        change.notes
    );
    // Apply leaves the map exactly as the plan simulated it.
    let result =
        sim::simulate(&map, &run, None, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(Some(result.cycle_time.p90), found.p90_after);
    assert!((plan::map_staff_cost(&map) - found.cost_recommended).abs() < 1e-9);
    assert!((plan::map_staff_cost(&before) - found.cost_now).abs() < 1e-9);
    map.apply(inverse);
    assert_eq!(map, before);
}

#[test]
fn optimize_json_has_per_shift_recommendations_for_a_roster() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = write_map(folder.path(), "roster.ron", &rostered(0.9));
    let small = ["--cases", "2000", "--replications", "3"];
    let mut args = vec!["optimize", &file, "--json"];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json = json_of(&output);
    assert!(json["recommended"]["desk"].is_u64(), "{json}");
    let shifts = json["recommended_shifts"]["desk"]
        .as_array()
        .unwrap_or_else(|| panic!("no recommended_shifts.desk in {json}"));
    assert_eq!(shifts.len(), 3);
    for key in ["days", "from", "to", "now", "recommended"] {
        assert!(
            shifts[0].get(key).is_some(),
            "no recommended_shifts[].{key}"
        );
    }
    assert_eq!(shifts[1]["days"], "Mon-Sun");
    assert_eq!(shifts[1]["from"], "06:00");
    assert_eq!(shifts[1]["to"], "16:00");
    assert_eq!(shifts[1]["now"], 2);
    assert_eq!(
        json["owners"][0]["shifts"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(json["front"][0]["shifts"]["desk"].is_array(), "{json}");
    // A map without rosters has the key, empty.
    let plain = write_map(
        folder.path(),
        "plain.ron",
        &single_queue("1h 15m", "1h", "4h", 0.9),
    );
    let mut args = vec!["optimize", &plain, "--json"];
    args.extend(small);
    let json = json_of(&procmap(&args));
    assert_eq!(json["recommended_shifts"], serde_json::json!({}));
    // Text: one row per shift under the owner.
    let mut args = vec!["optimize", &file];
    args.extend(small);
    let text = String::from_utf8_lossy(&procmap(&args).stdout).into_owned();
    for part in [
        "Desk",
        "  Mon-Sun 22:00-06:00",
        "  Mon-Sun 06:00-16:00",
        "shift by shift",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
}
