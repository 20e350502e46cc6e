//! The simulator writes event logs: `sim::trace`, `report::log` and `procmap simulate --log`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use procmap::model::log::{EventLog, NO_NAME, format_instant};
use procmap::model::{ProcessMap, Simulation};
use procmap::report::log::{self as writers, CSV_HEADER, LogFormat};
use procmap::sim::{self, Control};

use super::{parse, samples};

/// Two people, then one reviewer: cases every 10 minutes, 25 minutes of work, 15 of review.
const TEAM_AND_BOSS: &str = r#"ProcessMap(
    format: 1,
    title: "Two and one",
    owners: {
        "boss": Owner(name: "Boss", capacity: 1),
        "team": Owner(name: "Team", capacity: 2),
    },
    nodes: {
        "in": Start(name: "In", arrivals: Fixed("10m")),
        "work": Step(name: "Work", owner: "team", work: Fixed("25m")),
        "check": Step(name: "Check, \"quick\"", owner: "boss", work: Fixed("15m")),
        "out": End(name: "Out"),
    },
    flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "check"), Flow(from: "check", to: "out")],
)"#;

fn settings(cases: u64, seed: u64) -> Simulation {
    Simulation {
        cases,
        warmup: 0,
        replications: 1,
        seed,
        outages: true,
        start: None,
    }
}

fn trace(map: &ProcessMap, settings: &Simulation) -> EventLog {
    sim::trace(map, settings, &Control::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn csv(log: &EventLog) -> String {
    let mut bytes = Vec::new();
    writers::write_csv(log, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn xes(log: &EventLog) -> String {
    let mut bytes = Vec::new();
    writers::write_xes(log, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// The name at `index` of `names`, "" for none.
fn name(names: &[String], index: u32) -> &str {
    if index == NO_NAME {
        ""
    } else {
        &names[index as usize]
    }
}

#[test]
fn a_tiny_map_gives_the_exact_rows() {
    let log = trace(&parse(TEAM_AND_BOSS), &settings(4, 1));
    let expected = [
        CSV_HEADER,
        // Cases 1 and 2 overlap at Work: two people. Case 3 waits for Team 1 (arrived 00:30).
        "1,Work,2026-01-05T00:10:00.000,2026-01-05T00:35:00.000,Team 1,Team",
        "1,\"Check, \"\"quick\"\"\",2026-01-05T00:35:00.000,2026-01-05T00:50:00.000,Boss 1,Boss",
        "2,Work,2026-01-05T00:20:00.000,2026-01-05T00:45:00.000,Team 2,Team",
        // Waiting for the boss: start 00:50 after Work completed at 00:45.
        "2,\"Check, \"\"quick\"\"\",2026-01-05T00:50:00.000,2026-01-05T01:05:00.000,Boss 1,Boss",
        "3,Work,2026-01-05T00:35:00.000,2026-01-05T01:00:00.000,Team 1,Team",
        "3,\"Check, \"\"quick\"\"\",2026-01-05T01:05:00.000,2026-01-05T01:20:00.000,Boss 1,Boss",
        "4,Work,2026-01-05T00:45:00.000,2026-01-05T01:10:00.000,Team 2,Team",
        "4,\"Check, \"\"quick\"\"\",2026-01-05T01:20:00.000,2026-01-05T01:35:00.000,Boss 1,Boss",
        "",
    ];
    assert_eq!(csv(&log), expected.join("\r\n"));
    assert_eq!(log.cases, ["1", "2", "3", "4"]);
    assert_eq!(log.events.len(), 8);
    assert!(log.events.iter().all(|e| e.offset_minutes == 0));
}

#[test]
fn warm_up_cases_are_in_the_log() {
    let mut with_warmup = settings(3, 1);
    with_warmup.warmup = 2;
    let log = trace(&parse(TEAM_AND_BOSS), &with_warmup);
    assert_eq!(log.cases, ["1", "2", "3", "4", "5"]);
    assert_eq!(log.events.len(), 10);
}

#[test]
fn a_loop_gives_one_event_per_visit() {
    let map = parse(
        r#"ProcessMap(
        format: 1,
        title: "Rework",
        owners: {"o": Owner(name: "Desk", capacity: 3)},
        nodes: {
            "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
            "fix": Step(name: "Fix", owner: "o", work: Exponential(mean: "20m")),
            "ok": Decision(name: "OK?"),
            "out": End(name: "Out"),
        },
        flows: [
            Flow(from: "in", to: "fix"), Flow(from: "fix", to: "ok"),
            Flow(from: "ok", to: "fix", probability: 0.5), Flow(from: "ok", to: "out", probability: 0.5),
        ],
    )"#,
    );
    let s = settings(400, 3);
    let log = trace(&map, &s);
    let result =
        sim::simulate(&map, &s, Some(1), &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.events.len() as u64, result.steps["fix"].count);
    let mut per_case: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    for e in &log.events {
        per_case
            .entry(e.case)
            .or_default()
            .push((e.start, e.complete));
    }
    assert_eq!(per_case.len(), 400, "every case fixed at least once");
    let twice = per_case.values().filter(|v| v.len() == 2).count();
    assert!(
        twice > 50,
        "about a quarter of the cases loop once: {twice}"
    );
    for visits in per_case.values_mut() {
        visits.sort_unstable();
        for pair in visits.windows(2) {
            assert!(
                pair[1].0 >= pair[0].1,
                "visits of one case follow each other"
            );
        }
    }
}

#[test]
fn parallel_branches_overlap_within_a_case() {
    let map = parse(
        r#"ProcessMap(
        format: 1,
        title: "Both",
        owners: {"x": Owner(name: "X", capacity: 1), "y": Owner(name: "Y", capacity: 1)},
        nodes: {
            "in": Start(name: "In", arrivals: Fixed("10h")),
            "split": Parallel(name: "Split"),
            "a": Step(name: "A", owner: "x", work: Fixed("1h")),
            "b": Step(name: "B", owner: "y", work: Fixed("2h")),
            "join": Parallel(name: "Join"),
            "out": End(name: "Out"),
        },
        flows: [
            Flow(from: "in", to: "split"), Flow(from: "split", to: "a"), Flow(from: "split", to: "b"),
            Flow(from: "a", to: "join"), Flow(from: "b", to: "join"), Flow(from: "join", to: "out"),
        ],
    )"#,
    );
    let log = trace(&map, &settings(3, 1));
    assert_eq!(log.events.len(), 6);
    for case in 0..3 {
        let events: Vec<_> = log.events.iter().filter(|e| e.case == case).collect();
        assert_eq!(events.len(), 2);
        let (a, b) = (events[0], events[1]);
        assert_eq!(a.start, b.start, "both branches start on arrival");
        assert!(a.start < b.complete && b.start < a.complete, "they overlap");
        assert_ne!(a.group, b.group);
    }
}

#[test]
fn work_on_a_calendar_has_dates_of_the_simulated_clock() {
    let map = parse(
        r#"ProcessMap(
        format: 1,
        title: "Office",
        calendars: {"office": Calendar(name: "Office", week: [Shift(days: "Mon-Fri", from: "09:00", to: "17:00")])},
        owners: {"o": Owner(name: "Clerk", capacity: 1, calendar: "office")},
        nodes: {
            "in": Start(name: "In", arrivals: Fixed("1h")),
            "w": Step(name: "File", owner: "o", work: Fixed("10h")),
            "wait": Step(name: "Cool off", work: Fixed("30m")),
            "out": End(name: "Out"),
        },
        flows: [Flow(from: "in", to: "w"), Flow(from: "w", to: "wait"), Flow(from: "wait", to: "out")],
        simulation: Simulation(start: "2026-03-02 00:00"),
    )"#,
    );
    let mut s = map.simulation;
    s.cases = 1;
    s.replications = 1;
    let log = trace(&map, &s);
    // Arrives Monday 01:00, waits for 09:00, works 8 h to 17:00 and 2 h on Tuesday: the pause
    // off shift is inside the interval. Then half an hour of waiting without an owner.
    let rows: Vec<String> = csv(&log).lines().skip(1).map(str::to_owned).collect();
    assert_eq!(
        rows,
        [
            "1,File,2026-03-02T09:00:00.000,2026-03-03T11:00:00.000,Clerk 1,Clerk",
            "1,Cool off,2026-03-03T11:00:00.000,2026-03-03T11:30:00.000,,",
        ]
    );
    assert_eq!(log.events[1].resource, NO_NAME);
    assert_eq!(log.events[1].group, NO_NAME);
}

#[test]
fn the_seed_decides_the_log() {
    let Some((_, text)) = samples()
        .into_iter()
        .find(|(name, _)| name == "it-incident.ron")
    else {
        panic!("the it-incident sample");
    };
    let map = parse(&text);
    let first = trace(&map, &settings(300, 7));
    assert_eq!(first, trace(&map, &settings(300, 7)));
    assert_ne!(first, trace(&map, &settings(300, 8)));
}

#[test]
fn tracing_changes_no_figure() {
    let map = parse(TEAM_AND_BOSS);
    for (_, text) in samples().into_iter().take(2) {
        let sample = parse(&text);
        let mut s = sample.simulation;
        s.cases = 500;
        s.warmup = 50;
        s.replications = 3;
        compare(&sample, &s);
    }
    compare(&map, &settings(50, 1));
}

fn compare(map: &ProcessMap, s: &Simulation) {
    let mut plain =
        sim::simulate(map, s, Some(2), &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    let (mut traced, log) = sim::simulate_traced(map, s, Some(2), &Control::default())
        .unwrap_or_else(|e| panic!("{e}"));
    plain.wall_seconds = 0.0;
    traced.wall_seconds = 0.0;
    assert_eq!(format!("{plain:?}"), format!("{traced:?}"));
    assert_eq!(log, trace(map, s), "the log is replication 1's");
}

#[test]
fn every_sample_traces_one_event_per_step_visit() {
    for (file, text) in samples() {
        let map = parse(&text);
        let mut s = map.simulation;
        s.cases = 2_000;
        s.warmup = 0;
        s.replications = 1;
        let (result, log) = sim::simulate_traced(&map, &s, Some(1), &Control::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!result.truncated, "{file}");
        let visits: u64 = result.steps.values().map(|r| r.count).sum();
        assert_eq!(log.events.len() as u64, visits, "{file}");
        for (id, step) in &result.steps {
            let name = map.nodes[id].name();
            let Some(activity) = log.activities.iter().position(|a| a == name) else {
                assert_eq!(step.count, 0, "{file}: {id} never visited");
                continue;
            };
            let events = log
                .events
                .iter()
                .filter(|e| e.activity as usize == activity)
                .count() as u64;
            let same_name: u64 = result
                .steps
                .iter()
                .filter(|(other, _)| map.nodes[*other].name() == name)
                .map(|(_, r)| r.count)
                .sum();
            assert_eq!(events, same_name, "{file}: {name}");
        }
        people_are_never_in_two_places(&file, &map, &log);
        assert!(
            log.events.iter().all(|e| e.start <= e.complete),
            "{file}: work ends after it starts"
        );
    }
}

/// Each person's work never overlaps, and an owner never shows more people than its largest
/// capacity (its own, or that of a shift of its calendar).
fn people_are_never_in_two_places(file: &str, map: &ProcessMap, log: &EventLog) {
    let mut by_person: BTreeMap<u32, Vec<(i64, i64)>> = BTreeMap::new();
    let mut people: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for e in &log.events {
        if e.resource != NO_NAME {
            by_person
                .entry(e.resource)
                .or_default()
                .push((e.start, e.complete));
            people
                .entry(name(&log.groups, e.group))
                .or_default()
                .insert(e.resource);
        }
    }
    for (person, mut work) in by_person {
        work.sort_unstable();
        for pair in work.windows(2) {
            assert!(
                pair[1].0 >= pair[0].1,
                "{file}: {} works twice at {}",
                name(&log.resources, person),
                format_instant(pair[1].0)
            );
        }
    }
    for (group, persons) in people {
        let Some(owner) = map.owners.values().find(|o| o.name == group) else {
            panic!("{file}: group {group} is no owner");
        };
        let most = owner
            .calendar
            .as_ref()
            .and_then(|c| map.calendars.get(c))
            .map_or(owner.capacity, |c| {
                c.week
                    .iter()
                    .map(|s| s.capacity.unwrap_or(owner.capacity))
                    .max()
                    .unwrap_or(owner.capacity)
            });
        assert!(
            persons.len() <= most as usize,
            "{file}: {group} shows {} people, capacity {most}",
            persons.len()
        );
        for person in persons {
            let label = name(&log.resources, person);
            let k: u32 = label
                .strip_prefix(&format!("{group} "))
                .and_then(|k| k.parse().ok())
                .unwrap_or_else(|| panic!("{file}: resource {label} of {group}"));
            assert!((1..=most).contains(&k), "{file}: {label}");
        }
    }
}

#[test]
fn xes_parses_back_with_lifecycle_pairs() {
    let map = parse(TEAM_AND_BOSS);
    let log = trace(&map, &settings(20, 1));
    let text = xes(&log);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "log");
    let prefixes: BTreeSet<&str> = root
        .children()
        .filter(|n| n.has_tag_name("extension"))
        .filter_map(|n| n.attribute("prefix"))
        .collect();
    assert_eq!(
        prefixes,
        BTreeSet::from(["concept", "lifecycle", "org", "time"])
    );
    let traces: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("trace"))
        .collect();
    assert_eq!(traces.len(), 20);
    let mut events = 0;
    for (i, trace) in traces.iter().enumerate() {
        let value = |node: roxmltree::Node<'_, '_>, key: &str| -> String {
            node.children()
                .find(|c| c.attribute("key") == Some(key))
                .and_then(|c| c.attribute("value"))
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(value(*trace, "concept:name"), (i + 1).to_string());
        let mut open: BTreeMap<String, i32> = BTreeMap::new();
        let mut last = String::new();
        for event in trace.children().filter(|n| n.has_tag_name("event")) {
            events += 1;
            let activity = value(event, "concept:name");
            let time = value(event, "time:timestamp");
            assert!(
                time.ends_with("+00:00") && time.starts_with("2026-01-05T"),
                "{time}"
            );
            assert!(time >= last, "events of a trace in time order");
            last = time;
            assert!(value(event, "org:resource").starts_with(&value(event, "org:group")));
            let count = open.entry(activity).or_default();
            match value(event, "lifecycle:transition").as_str() {
                "start" => *count += 1,
                "complete" => {
                    *count -= 1;
                    assert!(*count >= 0, "complete after its start");
                }
                other => panic!("transition {other}"),
            }
        }
        assert!(open.values().all(|&c| c == 0), "every start completes");
    }
    assert_eq!(events, 2 * log.events.len());
    assert!(text.contains("Check, &quot;quick&quot;"));
}

#[test]
fn xes_gz_decompresses_to_the_xes() {
    let log = trace(&parse(TEAM_AND_BOSS), &settings(10, 1));
    let mut gz = Vec::new();
    writers::write(&log, LogFormat::XesGz, &mut gz).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&gz[..2], [0x1f, 0x8b], "gzip magic");
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, xes(&log));
}

fn procmap(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run procmap: {e}"))
}

#[test]
fn simulate_log_writes_the_file_and_still_reports() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let map = folder.path().join("map.ron");
    std::fs::write(&map, TEAM_AND_BOSS).unwrap_or_else(|e| panic!("{e}"));
    let map = map.to_string_lossy().into_owned();
    for ending in ["csv", "xes", "xes.gz"] {
        let out = folder.path().join(format!("log.{ending}"));
        let output = procmap(&[
            "simulate",
            &map,
            "--cases",
            "6",
            "--replications",
            "2",
            "--log",
            &out.to_string_lossy(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Cycle time"),
            "the report is printed"
        );
        assert!(
            stderr.contains(&format!("wrote 12 events of 6 cases to {}", out.display())),
            "{stderr}"
        );
        let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
        match ending {
            "csv" => assert!(bytes.starts_with(CSV_HEADER.as_bytes())),
            "xes" => assert!(bytes.starts_with(b"<?xml")),
            _ => assert!(bytes.starts_with(&[0x1f, 0x8b])),
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");

    let wrong = folder.path().join("log.json");
    let output = procmap(&["simulate", &map, "--log", &wrong.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(".csv, .xes or .xes.gz"), "{stderr}");
    assert!(!Path::new(&wrong).exists());
    assert!(output.stdout.is_empty(), "nothing simulated");
}
