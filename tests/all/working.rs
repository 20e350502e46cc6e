//! Working time in the simulator: exact cases with fixed times on calendars, rosters, closed
//! dates, shifts past midnight, business-hours SLAs and maintenance windows; and theory:
//! office hours as an M/M/1 in open time, and rate profiles against their integral.

use procmap::model::{ProcessMap, Simulation};
use procmap::sim::{self, Control, SimResult};

use super::parse;

fn run(map: &ProcessMap, cases: u64, replications: u32) -> SimResult {
    let settings = Simulation {
        cases,
        warmup: 0,
        replications,
        seed: 11,
        outages: true,
        start: map.simulation.start,
    };
    sim::simulate(map, &settings, Some(2), &Control::default()).unwrap_or_else(|e| panic!("{e}"))
}

const OFFICE: &str = r#""office": Calendar(name: "Office", week: [Shift(days: "Mon-Fri", from: "09:00", to: "17:00")]"#;

/// One Start, one Step of `work` by an owner on calendar `calendar` (or none), one End.
fn line(
    calendars: &str,
    owner: &str,
    start: &str,
    arrivals: &str,
    work: &str,
    extra: &str,
) -> ProcessMap {
    parse(&format!(
        r#"ProcessMap(format: 1, title: "line",
            calendars: {{ {calendars} }},
            owners: {{"team": Owner(name: "Team", {owner})}},
            nodes: {{
                "in": Start(name: "In", {arrivals}),
                "work": Step(name: "Work", owner: "team", work: {work}),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            {extra}
            simulation: Simulation(start: "{start}"),
        )"#
    ))
}

fn hours_close(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() < 1e-6,
        "{what}: {got} h, expected {want} h"
    );
}

#[test]
fn two_hours_started_friday_at_four_finish_monday_at_ten() {
    // Friday 2026-01-09 15:00 + a fixed 1 h gap: the case arrives Friday 16:00.
    let map = line(
        &format!("{OFFICE})"),
        r#"calendar: "office""#,
        "2026-01-09 15:00",
        r#"arrivals: Fixed("1h")"#,
        r#"Fixed("2h")"#,
        "",
    );
    let result = run(&map, 1, 1);
    // Friday 16:00 -> Monday 10:00 is 66 hours.
    hours_close("cycle time", result.cycle_time.mean.mean, 66.0);
    // A closed Monday moves it to Tuesday 10:00.
    let closed = line(
        &format!(r#"{OFFICE}, closed: ["2026-01-12"])"#),
        r#"calendar: "office""#,
        "2026-01-09 15:00",
        r#"arrivals: Fixed("1h")"#,
        r#"Fixed("2h")"#,
        "",
    );
    hours_close(
        "with a closed Monday",
        run(&closed, 1, 1).cycle_time.mean.mean,
        90.0,
    );
}

#[test]
fn a_shift_past_midnight_carries_work_into_the_next_night() {
    // Night shifts start Mon-Fri at 22:00 and end at 06:00 the next morning. The case arrives
    // Tuesday 05:00 (inside Monday's shift) with 2 h of work: one hour until 06:00, the second
    // from 22:00, done Tuesday 23:00.
    let map = line(
        r#""night": Calendar(name: "Night", week: [Shift(days: "Mon-Fri", from: "22:00", to: "06:00")])"#,
        r#"calendar: "night""#,
        "2026-01-06 04:00",
        r#"arrivals: Fixed("1h")"#,
        r#"Fixed("2h")"#,
        "",
    );
    hours_close("cycle time", run(&map, 1, 1).cycle_time.mean.mean, 18.0);
    // On Monday 05:00 no shift runs (Sunday has none): work starts Monday 22:00, done 24:00.
    let monday = line(
        r#""night": Calendar(name: "Night", week: [Shift(days: "Mon-Fri", from: "22:00", to: "06:00")])"#,
        r#"calendar: "night""#,
        "2026-01-05 04:00",
        r#"arrivals: Fixed("1h")"#,
        r#"Fixed("2h")"#,
        "",
    );
    hours_close("from Monday", run(&monday, 1, 1).cycle_time.mean.mean, 19.0);
}

#[test]
fn a_roster_dropping_from_four_to_two_finishes_work_in_progress_first() {
    // Capacity 4 until 12:00, then 2. Six cases arrive 11:01..11:06 (the Start's clock runs
    // only from 11:00), each with 2 h of work. Four start at once and keep working past
    // 12:00; the fifth may start only when busy < 2: at 13:03 (third finish), the sixth at
    // 13:04. Waits: 0, 0, 0, 0, 118 m, 118 m.
    let map = parse(
        r#"ProcessMap(format: 1, title: "roster",
            calendars: {
                "roster": Calendar(name: "Roster", week: [
                    Shift(days: "Mon", from: "08:00", to: "12:00", capacity: 4),
                    Shift(days: "Mon", from: "12:00", to: "16:00", capacity: 2),
                ]),
                "door": Calendar(name: "Door", week: [Shift(days: "Mon", from: "11:00", to: "12:00")]),
            },
            owners: {"team": Owner(name: "Team", capacity: 9, calendar: "roster")},
            nodes: {
                "in": Start(name: "In", arrivals: Fixed("1m"), calendar: "door"),
                "work": Step(name: "Work", owner: "team", work: Fixed("2h")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let result = run(&map, 6, 1);
    let wait_minutes = result.steps["work"].wait_mean * 60.0;
    assert!(
        (wait_minutes - 236.0 / 6.0).abs() < 1e-6,
        "mean wait {wait_minutes} min"
    );
    // The last case: arrived 11:06, started 13:04, done 15:04.
    hours_close("longest cycle", result.cycle_time.max, 4.0 - 2.0 / 60.0);
}

#[test]
fn a_business_hours_sla_counts_only_open_time() {
    // A case arriving Friday 16:30 with 1 h of work by an office-hours team: 30 minutes on
    // Friday, 30 on Monday, done 09:30. One business hour: met, exactly at the limit.
    let map = |target: &str| {
        line(
            &format!("{OFFICE})"),
            r#"calendar: "office""#,
            "2026-01-09 16:00",
            r#"arrivals: Fixed("30m")"#,
            r#"Fixed("1h")"#,
            &format!(r#"sla: Sla(target: "{target}", within: 1.0, calendar: "office"),"#),
        )
    };
    let on_time = run(&map("1h"), 1, 1);
    hours_close("elapsed cycle time", on_time.cycle_time.mean.mean, 65.0);
    let sla = on_time
        .sla
        .clone()
        .unwrap_or_else(|| panic!("an SLA result"));
    assert_eq!(
        sla.met_fraction.mean, 1.0,
        "1 business hour is met at Monday 09:30"
    );
    assert_eq!(sla.calendar.as_deref(), Some("office"));
    let late = run(&map("59m"), 1, 1)
        .sla
        .unwrap_or_else(|| panic!("an SLA result"));
    assert_eq!(late.met_fraction.mean, 0.0, "59 business minutes are not");
}

#[test]
fn a_maintenance_window_blocks_the_step_exactly_then() {
    // Database maintenance Sunday 02:00-04:00. Cases arrive Sunday 03:00 and 03:30 (clock
    // starts 02:30, fixed 30 m gaps) and wait until 04:00: 60 and 30 minutes.
    let map = parse(
        r#"ProcessMap(format: 1, title: "maintenance",
            calendars: {"maint": Calendar(name: "Sunday maintenance", week: [Shift(days: "Sun", from: "02:00", to: "04:00")])},
            owners: {"team": Owner(name: "Team", capacity: 5)},
            services: {"db": Service(name: "Database", maintenance: "maint")},
            nodes: {
                "in": Start(name: "In", arrivals: Fixed("30m")),
                "work": Step(name: "Work", owner: "team", work: Fixed("10m"), uses: ["db"]),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            simulation: Simulation(start: "2026-01-11 02:30"),
        )"#,
    );
    let result = run(&map, 3, 1);
    // The third case arrives 04:00, when the window closes: no wait.
    let wait_minutes = result.steps["work"].wait_mean * 60.0;
    assert!(
        (wait_minutes - 30.0).abs() < 1e-6,
        "mean wait {wait_minutes} min"
    );
    assert_eq!(result.services["db"].cases_delayed, 2);
}

#[test]
fn office_hours_in_open_time_are_an_mm1() {
    // Arrivals and work both only in office hours: measured in open time the queue is an
    // M/M/1 with λ = 1/h, μ = 1.25/h, ρ = 0.8, so Wq = ρ/(μ-λ) = 3.2 h of working time.
    let map = parse(&format!(
        r#"ProcessMap(format: 1, title: "office mm1",
            calendars: {{ {OFFICE}) }},
            owners: {{"team": Owner(name: "Team", calendar: "office")}},
            nodes: {{
                "in": Start(name: "In", arrivals: Exponential(mean: "1h"), calendar: "office"),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "48m")),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#
    ));
    let settings = Simulation {
        cases: 60_000,
        warmup: 5_000,
        replications: 12,
        seed: 5,
        outages: true,
        start: None,
    };
    let result =
        sim::simulate(&map, &settings, None, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    let step = &result.steps["work"];
    let wait = step
        .wait_working_mean
        .unwrap_or_else(|| panic!("a working-time wait"));
    let ci = step.wait_working_mean_ci95.unwrap_or(0.0);
    assert!(
        (wait - 3.2).abs() <= 3.0 * ci,
        "working-time wait {wait:.3} ± {ci:.3} h, theory 3.2 h"
    );
    // Utilisation is of available time: 0.8 of the 40 open hours.
    let utilization = result.owners["team"].utilization;
    assert!(
        (utilization.mean - 0.8).abs() <= 3.0 * utilization.ci95.unwrap_or(0.0),
        "utilisation {utilization:?}"
    );
    assert!((result.owners["team"].available_hours_per_week - 40.0).abs() < 1e-9);
    // The elapsed wait is much longer: nights and weekends count.
    assert!(
        step.wait_mean > 3.0 * wait,
        "elapsed wait {}",
        step.wait_mean
    );
    // The estimate divides by available capacity too.
    assert!((result.owners["team"].estimated_utilization - 0.8).abs() < 1e-9);
    // By hour of week: capacity 1 exactly in office hours, none outside; the hours' work in
    // progress and busy time add up to the run's.
    let week = result
        .by_hour_of_week
        .unwrap_or_else(|| panic!("a week profile"));
    let team = &week.owners["team"];
    for b in 0..168 {
        let open = b / 24 < 5 && (9..17).contains(&(b % 24));
        let want = if open { 1.0 } else { 0.0 };
        assert!(
            (team.capacity[b] - want).abs() < 1e-9,
            "capacity at {b}: {}",
            team.capacity[b]
        );
        if !open {
            assert_eq!(team.utilization[b], 0.0, "busy off shift at {b}");
        }
    }
    let mean_wip = week.wip.iter().sum::<f64>() / 168.0;
    assert!(
        (mean_wip - result.wip_mean.mean).abs() < 0.01 * result.wip_mean.mean,
        "hourly WIP {mean_wip} vs {}",
        result.wip_mean.mean
    );
    let busy: f64 = team
        .utilization
        .iter()
        .zip(&team.capacity)
        .map(|(u, c)| u * c)
        .sum();
    let capacity: f64 = team.capacity.iter().sum();
    assert!(
        (busy / capacity - utilization.mean).abs() < 0.01,
        "{} vs {}",
        busy / capacity,
        utilization.mean
    );
}

#[test]
fn rate_profiles_arrive_as_given_by_hour_of_week() {
    // 12/h Monday 08-12, 4/h Mon-Fri 12-18: 48 + 120 = 168 cases a week.
    let map = parse(
        r#"ProcessMap(format: 1, title: "rates",
            owners: {"team": Owner(name: "Team", capacity: 100)},
            nodes: {
                "in": Start(name: "In", rates: [
                    Rate(days: "Mon", from: "08:00", to: "12:00", per_hour: 12.0),
                    Rate(days: "Mon-Fri", from: "12:00", to: "18:00", per_hour: 4.0),
                ]),
                "work": Step(name: "Work", owner: "team", work: Fixed("1m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let result = run(&map, 40_000, 2);
    let week = result
        .by_hour_of_week
        .unwrap_or_else(|| panic!("a week profile"));
    assert_eq!(week.arrivals.len(), 168);
    // Weeks of window time per bucket, for the Poisson error of each bucket's count.
    let weeks: f64 = 40_000.0 * 2.0 / 168.0;
    for (b, &rate) in week.arrivals.iter().enumerate() {
        let (day, hour) = (b / 24, b % 24);
        let expected = match (day, hour) {
            (0, 8..=11) => 12.0,
            (0..=4, 12..=17) => 4.0,
            _ => 0.0,
        };
        let sd = (expected / weeks).sqrt();
        assert!(
            (rate - expected).abs() <= 4.5 * sd + 1e-9,
            "bucket {b} (day {day}, {hour}:00): {rate:.3}/h, expected {expected}"
        );
    }
    // The total is the integral: 168 a week, one an hour on average.
    let mean: f64 = week.arrivals.iter().sum::<f64>() / 168.0;
    assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
    let estimate = procmap::analysis::estimate(&map);
    assert!((estimate.arrivals_per_hour - 1.0).abs() < 1e-9);
}

#[test]
fn maps_without_calendars_keep_no_week_profile() {
    let map = line(
        "",
        "capacity: 1",
        "2026-01-05 00:00",
        r#"arrivals: Exponential(mean: "1h")"#,
        r#"Exponential(mean: "30m")"#,
        "",
    );
    let result = run(&map, 1_000, 2);
    assert!(result.by_hour_of_week.is_none());
    assert!(result.steps["work"].wait_working_mean.is_none());
    assert!((result.owners["team"].available_hours_per_week - 168.0).abs() < 1e-9);
}

#[test]
fn the_handbook_prints_working_time_and_the_week() {
    use procmap::report::handbook::{self, Block};
    use procmap::report::{markdown, pdf};
    let (_, text) = super::samples()
        .into_iter()
        .find(|(name, _)| name == "it-incident.ron")
        .unwrap_or_else(|| panic!("the IT incident sample"));
    let map = parse(&text);
    let result = run(&map, 3_000, 2);
    let book = handbook::build(&map, Some(&result), "2026-12-01".into());
    let section = book
        .sections
        .iter()
        .find(|s| s.title == "Working time")
        .unwrap_or_else(|| panic!("a Working time section"));
    assert!(section.blocks.contains(&Block::Week("desk_roster".into())));
    assert!(section.blocks.contains(&Block::WeekHeat));
    let md = markdown::render(&book, "diagram.svg");
    assert!(md.contains("| Mon-Fri | 07:00 | 15:00 | 3 |"), "{md}");
    assert!(md.contains("| Second-line support | "), "{md}");
    assert!(md.contains("Office hours (40.0 h/week)"), "{md}");
    let bytes = pdf::render(&book, pdf::Paper::A4).unwrap_or_else(|e| panic!("{e}"));
    let text = super::export::pdf_text(&bytes);
    for expected in [
        "Working time",
        "Service desk roster",
        "Results by time of week",
        "3 people",
    ] {
        assert!(text.contains(expected), "the PDF lacks {expected:?}");
    }
    // A map that works around the clock has no such section.
    let plain = line(
        "",
        "capacity: 1",
        "2026-01-05 00:00",
        r#"arrivals: Exponential(mean: "1h")"#,
        r#"Fixed("10m")"#,
        "",
    );
    let book = handbook::build(&plain, None, "2026-12-01".into());
    assert!(book.sections.iter().all(|s| s.title != "Working time"));
}
