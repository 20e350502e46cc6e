//! Discovery on small handcrafted logs with known answers: the directly-follows structure,
//! variants, handovers, owners and capacities, parallel blocks, and a map that always passes
//! `check`.

use procmap::analysis::discover::{self, Discovery, Options, Verdict};
use procmap::model::log::{EventLog, LogBuilder, LogEvent, NO_NAME, NO_TIME};
use procmap::model::{self, Node, ProcessMap};

const MIN: i64 = 60_000_000;
/// Monday 2026-01-05 00:00 as µs since the epoch.
const MONDAY: i64 = 20_458 * 24 * 60 * MIN;

/// (case, activity, start minute, end minute, resource) rows.
type Row<'a> = (&'a str, &'a str, i64, i64, &'a str);

fn log(rows: &[Row<'_>]) -> EventLog {
    let mut b = LogBuilder::new();
    for &(case, activity, start, end, resource) in rows {
        let event = LogEvent {
            case: b.case(case),
            activity: b.activity(activity),
            start: if start < 0 {
                NO_TIME
            } else {
                MONDAY + start * MIN
            },
            complete: MONDAY + end * MIN,
            resource: if resource.is_empty() {
                NO_NAME
            } else {
                b.resource(resource)
            },
            group: NO_NAME,
            offset_minutes: 0,
        };
        b.push(event);
    }
    b.finish()
}

fn discover_all(log: &EventLog) -> Discovery {
    let d = discover::discover(
        log,
        &Options {
            coverage: 1.0,
            ..Options::default()
        },
    )
    .expect("discovers");
    let problems = model::validate(&d.map);
    assert!(!model::has_errors(&problems), "{problems:?}");
    d
}

fn step_id(map: &ProcessMap, name: &str) -> String {
    map.nodes
        .iter()
        .find(|(_, n)| matches!(n, Node::Step { name: s, .. } if s == name))
        .map_or_else(|| panic!("no step {name}"), |(id, _)| id.clone())
}

/// The steps reachable from `from` through Decisions and Parallels only (its next steps).
pub fn next_steps(map: &ProcessMap, from: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![from.to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(id) = stack.pop() {
        for f in map.flows.iter().filter(|f| f.from == id) {
            match &map.nodes[&f.to] {
                Node::Step { name, .. } => out.push(name.clone()),
                Node::End { .. } => out.push("END".to_owned()),
                _ => {
                    if seen.insert(f.to.clone()) {
                        stack.push(f.to.clone());
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The probability of the flow from the Decision after `from` towards step `to`.
fn share(map: &ProcessMap, from: &str, to: &str) -> f64 {
    let from = step_id(map, from);
    let to = step_id(map, to);
    let decision = &map
        .flows
        .iter()
        .find(|f| f.from == from)
        .expect("way out")
        .to;
    map.flows
        .iter()
        .find(|f| &f.from == decision && f.to == to)
        .and_then(|f| f.probability)
        .expect("a probability")
}

#[test]
fn a_choice_and_a_loop_come_out_with_their_frequencies() {
    // Register -> Check -> (Approve | Reject); Check -> Fix -> Check loops.
    let mut rows = Vec::new();
    let names: Vec<String> = (0..10).map(|k| format!("c{k}")).collect();
    for (k, case) in names.iter().enumerate() {
        let k = i64::try_from(k).expect("small");
        let t = k * 100;
        rows.push((case.as_str(), "Register", t, t + 5, "ann"));
        rows.push((case.as_str(), "Check", t + 10, t + 20, "bob"));
        if k % 5 == 0 {
            rows.push((case.as_str(), "Fix", t + 25, t + 30, "ann"));
            rows.push((case.as_str(), "Check", t + 35, t + 40, "bob"));
        }
        let last = if k < 7 { "Approve" } else { "Reject" };
        rows.push((case.as_str(), last, t + 50, t + 60, "cem"));
    }
    let d = discover_all(&log(&rows));
    let map = &d.map;
    assert_eq!(next_steps(map, &step_id(map, "Register")), ["Check"]);
    assert_eq!(
        next_steps(map, &step_id(map, "Check")),
        ["Approve", "Fix", "Reject"]
    );
    assert_eq!(next_steps(map, &step_id(map, "Fix")), ["Check"]);
    assert_eq!(next_steps(map, &step_id(map, "Approve")), ["END"]);
    // Check is left 12 times: 2 to Fix, 7 to Approve, 3 to Reject.
    assert!((share(map, "Check", "Fix") - 2.0 / 12.0).abs() < 1e-4);
    assert!((share(map, "Check", "Approve") - 7.0 / 12.0).abs() < 1e-4);
    // Variants: approved without a fix (k = 1, 2, 3, 4, 6), rejected (7, 8, 9), fixed (0, 5).
    assert_eq!(d.summary.variants, 3);
    assert_eq!(d.variants[0].cases, 5);
    assert_eq!(d.variants[0].activities, ["Register", "Check", "Approve"]);
    assert_eq!(d.summary.parallel_blocks, 0);
    // Work times are exact: Check takes 10 or 5 minutes.
    let check = d
        .activities
        .iter()
        .find(|a| a.name == "Check")
        .expect("row");
    assert_eq!(check.events, 12);
    assert_eq!(check.cases, 10);
    let work = check.work.as_ref().expect("fit");
    assert!((work.mean_hours - (10.0 * 10.0 + 2.0 * 5.0) / 12.0 / 60.0).abs() < 1e-9);
    // Handovers: ann -> bob 12 times (10 registers, 2 fixes), bob -> ann 2, bob -> cem 10.
    let count = |from: &str, to: &str| {
        d.resource_handovers
            .iter()
            .find(|h| h.from == from && h.to == to)
            .map_or(0, |h| h.count)
    };
    assert_eq!(count("ann", "bob"), 12);
    assert_eq!(count("bob", "ann"), 2);
    assert_eq!(count("bob", "cem"), 10);
    assert_eq!(count("cem", "ann"), 0);
    // Register -> Check waits 5 minutes in every case.
    let h = d
        .resource_handovers
        .iter()
        .find(|h| h.from == "ann" && h.to == "bob")
        .expect("handover");
    assert!((h.median_delay_hours - 5.0 / 60.0).abs() < 1e-9);
}

#[test]
fn activities_in_both_orders_become_parallel_branches() {
    // Order -> (Pick -> Pack || Invoice) -> Close, with Invoice before, between and after.
    let mut rows = Vec::new();
    let names: Vec<String> = (0..9).map(|k| format!("o{k}")).collect();
    for (k, case) in names.iter().enumerate() {
        let t = i64::try_from(k).expect("small") * 200;
        rows.push((case.as_str(), "Order", t, t + 5, "sam"));
        let invoice_at = [t + 6, t + 16, t + 40][k % 3];
        rows.push((case.as_str(), "Pick", t + 10, t + 15, "wes"));
        rows.push((case.as_str(), "Pack", t + 20, t + 30, "wes"));
        rows.push((case.as_str(), "Invoice", invoice_at, invoice_at + 2, "fay"));
        rows.push((case.as_str(), "Close", t + 50, t + 55, "sam"));
    }
    let d = discover_all(&log(&rows));
    assert_eq!(d.summary.parallel_blocks, 1);
    let map = &d.map;
    let splits: Vec<&String> = map
        .nodes
        .iter()
        .filter(|(id, n)| {
            matches!(n, Node::Parallel { .. })
                && map.flows.iter().filter(|f| &&f.from == id).count() == 2
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(splits.len(), 1, "one split with two branches");
    assert_eq!(next_steps(map, &step_id(map, "Order")), ["Invoice", "Pick"]);
    assert_eq!(next_steps(map, &step_id(map, "Pick")), ["Pack"]);
    assert_eq!(next_steps(map, &step_id(map, "Pack")), ["Close"]);
    assert_eq!(next_steps(map, &step_id(map, "Invoice")), ["Close"]);
}

#[test]
fn owners_are_teams_of_resources_with_their_peak_concurrency() {
    // Two clerks register (overlapping), one approver.
    let rows: Vec<Row<'_>> = vec![
        ("1", "Register", 0, 30, "ann"),
        ("2", "Register", 10, 40, "ben"),
        ("3", "Register", 35, 50, "ann"),
        ("1", "Approve", 40, 45, "zoe"),
        ("2", "Approve", 45, 50, "zoe"),
        ("3", "Approve", 55, 60, "zoe"),
    ];
    let d = discover_all(&log(&rows));
    let owner = |name: &str| {
        d.map
            .owners
            .values()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no owner {name}: {:?}", d.map.owners))
    };
    assert_eq!(owner("Register team").capacity, 2);
    assert_eq!(owner("Approve team").capacity, 1);
    let register = step_id(&d.map, "Register");
    let Node::Step { owner: o, .. } = &d.map.nodes[&register] else {
        panic!()
    };
    assert_eq!(
        d.map.owners[o.as_deref().expect("owned")].name,
        "Register team"
    );
    let handover = &d.owner_handovers[0];
    assert_eq!(
        (handover.from.as_str(), handover.to.as_str()),
        ("Register team", "Approve team")
    );
    assert_eq!(handover.count, 3);
}

#[test]
fn completion_only_logs_estimate_work_from_the_previous_completion() {
    let rows: Vec<Row<'_>> = vec![
        ("1", "A", -1, 10, "r1"),
        ("1", "B", -1, 25, "r2"),
        ("2", "A", -1, 30, "r1"),
        ("2", "B", -1, 50, "r2"),
    ];
    let d = discover_all(&log(&rows));
    assert!(!d.summary.observed_starts);
    // B: from A's completion (10 -> 25, and 30 -> 50: r2 was free since 25).
    let b = d.activities.iter().find(|a| a.name == "B").expect("row");
    let work = b.work.as_ref().expect("fit");
    assert!(
        (work.mean_hours - 17.5 / 60.0).abs() < 1e-9,
        "(15 + 20) / 2 minutes"
    );
    // A of case 2: r1's previous completion at 10, so 20 minutes; case 1's A has no estimate.
    let a = d.activities.iter().find(|a| a.name == "A").expect("row");
    assert_eq!(a.work.as_ref().expect("fit").n, 1);
    assert!(d.notes.iter().any(|n| n.contains("completions only")));
}

#[test]
fn coverage_keeps_the_frequent_variants_and_lists_what_it_left_out() {
    let mut rows = Vec::new();
    let names: Vec<String> = (0..20).map(|k| format!("c{k}")).collect();
    for (k, case) in names.iter().enumerate() {
        let t = i64::try_from(k).expect("small") * 60;
        rows.push((case.as_str(), "A", t, t + 1, ""));
        if k == 0 {
            rows.push((case.as_str(), "Odd", t + 2, t + 3, ""));
        }
        rows.push((case.as_str(), "B", t + 4, t + 5, ""));
    }
    let log = log(&rows);
    let d = discover::discover(&log, &Options::default()).expect("discovers");
    assert_eq!(d.summary.kept_variants, 1);
    assert_eq!(d.summary.left_out, ["Odd"]);
    assert_eq!(d.summary.fitting_cases, 19);
    assert!(!model::has_errors(&model::validate(&d.map)));
    // Ownerless: delays without an owner.
    assert!(d.map.owners.is_empty());
    assert!(
        discover::discover(
            &log,
            &Options {
                coverage: 0.0,
                ..Options::default()
            }
        )
        .is_err()
    );
    assert!(discover::discover(&EventLog::default(), &Options::default()).is_err());
}

#[test]
fn a_log_compared_with_itself_matches_and_with_a_slower_one_differs() {
    let mut rows = Vec::new();
    let names: Vec<String> = (0..50).map(|k| format!("c{k}")).collect();
    for (k, case) in names.iter().enumerate() {
        let t = i64::try_from(k).expect("small") * 60;
        rows.push((case.as_str(), "A", t, t + 10 + t % 7, "r"));
    }
    let a = discover::profile(&log(&rows));
    assert_eq!(discover::compare(&a, &a).verdict, Verdict::Matches);
    let slower: Vec<Row<'_>> = rows
        .iter()
        .map(|&(c, n, s, e, r)| (c, n, s, e + 30, r))
        .collect();
    let b = discover::profile(&log(&slower));
    let c = discover::compare(&a, &b);
    assert_eq!(c.verdict, Verdict::Differs);
    assert!(
        (c.emd_hours - 0.5).abs() < 1e-9,
        "every case 30 minutes longer: {}",
        c.emd_hours
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever the log, discovery ends with a map that passes `check` (or says the log is
    /// empty), and every activity of a kept variant is a step.
    #[test]
    fn any_log_gives_a_valid_map(
        rows in proptest::collection::vec(
            (0u8..12, 0u8..6, 0i64..5_000, 0i64..300, proptest::option::of(0u8..4), proptest::bool::ANY),
            1..120,
        ),
        coverage in 0.05f64..=1.0,
    ) {
        let mut b = LogBuilder::new();
        for &(case, activity, at, length, resource, completion_only) in &rows {
            let event = LogEvent {
                case: b.case(&format!("c{case}")),
                activity: b.activity(&format!("A{activity}")),
                start: if completion_only { NO_TIME } else { MONDAY + at * MIN },
                complete: MONDAY + (at + length) * MIN,
                resource: resource.map_or(NO_NAME, |r| b.resource(&format!("r{r}"))),
                group: NO_NAME,
                offset_minutes: 0,
            };
            b.push(event);
        }
        let log = b.finish();
        let d = discover::discover(&log, &Options { coverage, ..Options::default() })
            .expect("a log with events discovers");
        let problems = model::validate(&d.map);
        proptest::prop_assert!(!model::has_errors(&problems), "{:?}\n{:?}", problems, d.map.flows);
        let steps = d.map.nodes.values().filter(|n| matches!(n, Node::Step { .. })).count();
        proptest::prop_assert_eq!(steps + d.summary.left_out.len(), d.summary.activities);
    }
}

/// `procmap` as a user runs it on a log.
fn procmap(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs procmap")
}

#[test]
fn the_cli_discovers_validates_and_prints_the_evidence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/change-request.ron");
    let log = dir.path().join("changes.csv");
    let made = procmap(
        dir.path(),
        &[
            "simulate",
            sample,
            "--cases",
            "3000",
            "--replications",
            "1",
            "--log",
            "changes.csv",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // Map to a file, the evidence as JSON with the check against the log.
    let out = procmap(
        dir.path(),
        &[
            "discover",
            "changes.csv",
            "-o",
            "found.ron",
            "--json",
            "--validate",
            "--handbook",
            "found.md",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("read ") && stderr.contains("The map matches the log"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for key in [
        "summary",
        "variants",
        "activities",
        "owners",
        "arrivals",
        "handovers",
        "validation",
    ] {
        assert!(json.get(key).is_some(), "no {key}");
    }
    assert_eq!(json["validation"]["verdict"], "matches");
    // 3,000 measured cases and the sample's 500 warm-up cases: the log has them all.
    assert_eq!(json["summary"]["cases"], 3500);
    let found = dir.path().join("found.ron");
    let check = procmap(dir.path(), &["check", &found.to_string_lossy()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let handbook = std::fs::read_to_string(dir.path().join("found.md")).expect("handbook");
    assert!(handbook.contains("As-is evidence") && handbook.contains("Handover of work"));
    // The evidence of an edited map: export --evidence compares the map as it is.
    let export = procmap(
        dir.path(),
        &[
            "export",
            sample,
            "--markdown",
            "book.md",
            "--evidence",
            &log.to_string_lossy(),
        ],
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let book = std::fs::read_to_string(dir.path().join("book.md")).expect("book");
    assert!(
        book.contains("The map against the log"),
        "the comparison is printed"
    );
    // Without -o the map goes to stdout; the readable report with --report.
    let plain = procmap(dir.path(), &["discover", "changes.csv"]);
    assert!(String::from_utf8_lossy(&plain.stdout).starts_with("ProcessMap("));
    let report = procmap(dir.path(), &["discover", "changes.csv", "--report"]);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(
        text.contains("Variants") && text.contains("Handovers between owners"),
        "{text}"
    );
    // Errors: not a log, an unknown column, a bad coverage.
    std::fs::write(
        dir.path().join("page.csv"),
        "<html><body>hello</body></html>",
    )
    .expect("writes");
    let bad = procmap(dir.path(), &["discover", "page.csv"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an event log"));
    let unknown = procmap(dir.path(), &["discover", "changes.csv", "--case", "ticket"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--case"));
    let coverage = procmap(dir.path(), &["discover", "changes.csv", "--coverage", "0"]);
    assert_eq!(coverage.status.code(), Some(1));
    let missing = procmap(dir.path(), &["discover", "nothing.csv"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn xes_logs_discover_the_same_map_as_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/employee-onboarding.ron"
    );
    for file in ["log.csv", "log.xes.gz"] {
        let made = procmap(
            dir.path(),
            &[
                "simulate",
                sample,
                "--cases",
                "1500",
                "--replications",
                "1",
                "--log",
                file,
            ],
        );
        assert!(made.status.success());
    }
    let a = procmap(dir.path(), &["discover", "log.csv", "--title", "T"]);
    let b = procmap(dir.path(), &["discover", "log.xes.gz", "--title", "T"]);
    assert!(
        a.status.success() && b.status.success(),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout),
        "the same events give the same map"
    );
}
