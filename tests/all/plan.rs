//! Capacity planning (`sim::plan`) against queueing theory and brute force, and the planning
//! commands of the real binary.
//!
//! Each run uses a fixed seed, so every test is deterministic. The SLA targets are chosen so
//! that the exact compliance at the right answer is at least 4 points above `within` and at one
//! person fewer far below it: the optimiser judges by the lower end of a 95% interval, whose
//! half-width with these case counts is well under one point, so the rule is decisive.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use procmap::model::{ProcessMap, Simulation};
use procmap::sim::plan::headroom::{self, FACTORS};
use procmap::sim::plan::{self, Objective, PlanOptions};
use procmap::sim::{self, Control};

use super::parse;

pub(super) fn settings(cases: u64, warmup: u64, replications: u32, seed: u64) -> Simulation {
    Simulation {
        cases,
        warmup,
        replications,
        seed,
        outages: true,
        start: None,
    }
}

/// Copied from `theory.rs`: one queue, Poisson arrivals (mean gap `gap`), exponential work
/// (mean `service`), here with an SLA on the step (lead time = wait + work, which for a
/// one-step map is also the whole case) and a search range.
pub(super) fn single_queue(gap: &str, service: &str, target: &str, within: f64) -> ProcessMap {
    parse(&format!(
        r#"ProcessMap(format: 1, title: "queue",
            owners: {{"team": Owner(name: "Team", capacity: 2, cost_per_hour: 30.0, capacity_range: (1, 10))}},
            nodes: {{
                "in": Start(name: "In", arrivals: Exponential(mean: "{gap}")),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "{service}"), sla: Sla(target: "{target}", within: {within})),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#
    ))
}

/// Copied from `theory.rs`: Erlang C, the probability that an arrival waits in M/M/c with
/// offered load `a` = λ/μ.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    last / (sum + last)
}

/// P(T <= t) for the sojourn time T = W + S of M/M/c. W is 0 with probability 1 - C and
/// otherwise exponential with rate θ = cμ - λ; S is exponential with rate μ. For θ ≠ μ,
/// P(W' + S > t) = (θ e^{-μt} - μ e^{-θt}) / (θ - μ) (hypoexponential); for θ = μ it is
/// (1 + μt) e^{-μt} (Erlang-2).
fn sojourn_cdf(c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    if lambda >= f64::from(c) * mu {
        return 0.0;
    }
    let waits = erlang_c(c, lambda / mu);
    let theta = f64::from(c) * mu - lambda;
    let busy_tail = if (theta - mu).abs() < 1e-12 {
        (1.0 + mu * t) * (-mu * t).exp()
    } else {
        (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu)
    };
    1.0 - ((1.0 - waits) * (-mu * t).exp() + waits * busy_tail)
}

#[test]
fn sojourn_cdf_matches_mm1() {
    // M/M/1: T is exponential with rate μ - λ.
    let exact = 1.0 - (-(1.0f64 - 0.8) * 3.0).exp();
    assert!((sojourn_cdf(1, 0.8, 1.0, 3.0) - exact).abs() < 1e-12);
}

#[test]
fn one_owner_gets_exactly_the_smallest_capacity_meeting_the_sla() {
    // (mean gap, λ per hour, target hours, within); μ = 1/h throughout.
    let pairs = [
        // Answer 4: one more than the stability bound 3 (P = 0.534 at 3, 0.912 at 4).
        ("22m 13s 333ms", 2.7, 3.0, 0.85),
        // Answer 2: one more than the stability bound 1 (P = 0.551 at 1, 0.970 at 2).
        ("1h 15m", 0.8, 4.0, 0.9),
        // Answer 1: the stability bound itself (P = 0.699 at 1).
        ("1h 15m", 0.8, 6.0, 0.6),
        // Answer 6, from a start at 5 (P = 0.606 at 5, 0.869 at 6).
        ("13m 20s", 4.5, 2.5, 0.8),
    ];
    for (gap, lambda, target, within) in pairs {
        let stable = (1..=10).find(|&c| lambda < f64::from(c)).unwrap_or(10);
        let answer = (stable..=10)
            .find(|&c| sojourn_cdf(c, lambda, 1.0, target) >= within)
            .unwrap_or_else(|| panic!("no answer for λ {lambda}"));
        // The margins the module comment promises.
        assert!(sojourn_cdf(answer, lambda, 1.0, target) >= within + 0.04);
        if answer > stable {
            assert!(sojourn_cdf(answer - 1, lambda, 1.0, target) <= within - 0.04);
        }
        let map = single_queue(gap, "1h", &format!("{target}h"), within);
        let options = PlanOptions {
            objective: Objective::Cost,
            settings: settings(20_000, 2_000, 10, 11),
            max_capacity: None,
        };
        let found =
            plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(found.feasible, "λ {lambda}: {}", found.note);
        assert_eq!(
            found.recommended.get("team").copied(),
            Some(answer),
            "λ {lambda}, target {target}h within {within}: {:?}",
            found.slas
        );
        assert_eq!(found.cost_recommended, 30.0 * f64::from(answer));
        let sla = found.slas.first().unwrap_or_else(|| panic!("one SLA"));
        assert_eq!(sla.scope, "work");
        assert!(sla.met_after);
        assert!(sla.lower_ci.is_some_and(|l| l >= within));
        assert!(found.evaluated >= 1 && found.cases_simulated > 0);
        // The front is sorted by cost with p90 falling.
        assert!(
            found
                .front
                .windows(2)
                .all(|w| w[0].cost_per_hour < w[1].cost_per_hour && w[0].p90 > w[1].p90)
        );
        // Each point says whether it meets the SLA: below the answer it does not (the answer
        // is the smallest that does), from the answer up it does (one owner: compliance grows).
        for point in found.front.iter().chain(&found.candidates) {
            let team = point.capacities.get("team").copied().unwrap_or(0);
            assert_eq!(point.meets_slas, team >= answer, "{point:?}");
        }
        assert!(found.candidates.len() >= found.front.len());
        assert_eq!(found.candidates.len(), found.evaluated);
    }
}

/// Two stations in tandem with step SLAs and an end-to-end one, each owner with its own cost.
fn tandem() -> ProcessMap {
    parse(
        r#"ProcessMap(format: 1, title: "tandem",
            owners: {
                "a": Owner(name: "A", capacity: 2, cost_per_hour: 30.0, capacity_range: (1, 5)),
                "b": Owner(name: "B", capacity: 1, cost_per_hour: 50.0, capacity_range: (1, 4)),
            },
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "37m 30s")),
                "s1": Step(name: "One", owner: "a", work: Exponential(mean: "1h"), sla: Sla(target: "3h", within: 0.8)),
                "s2": Step(name: "Two", owner: "b", work: Exponential(mean: "30m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "s1"), Flow(from: "s1", to: "s2"), Flow(from: "s2", to: "out")],
            sla: Sla(target: "3h 30m", within: 0.8),
        )"#,
    )
}

#[test]
fn the_optimiser_finds_the_cheapest_feasible_staffing_of_a_brute_force() {
    let map = tandem();
    let run = settings(4_000, 500, 6, 5);
    // Every capacity vector in the bounds, judged by the documented rule: each SLA's mean met
    // fraction minus its 95% half-width reaches `within`; unstable vectors are infeasible.
    let mut cheapest: Option<(f64, BTreeMap<String, u32>)> = None;
    for a in 1..=5u32 {
        for b in 1..=4u32 {
            // λ = 1.6/h: A needs a > 1.6, B needs b > 0.8.
            if f64::from(a) <= 1.6 || f64::from(b) <= 0.8 {
                continue;
            }
            let mut candidate = map.clone();
            for (id, c) in [("a", a), ("b", b)] {
                if let Some(owner) = candidate.owners.get_mut(id) {
                    owner.capacity = c;
                }
            }
            let result = sim::simulate(&candidate, &run, None, &Control::default())
                .unwrap_or_else(|e| panic!("{e}"));
            let mut slas: Vec<&sim::SlaResult> = result.sla.iter().collect();
            slas.extend(result.steps.values().filter_map(|s| s.sla.as_ref()));
            assert_eq!(slas.len(), 2);
            let meets = slas
                .iter()
                .all(|s| s.met_fraction.mean - s.met_fraction.ci95.unwrap_or(0.0) >= s.within);
            let cost = 30.0 * f64::from(a) + 50.0 * f64::from(b);
            if meets && cheapest.as_ref().is_none_or(|(c, _)| cost < *c) {
                cheapest = Some((cost, [("a".into(), a), ("b".into(), b)].into()));
            }
        }
    }
    let Some((cost, capacities)) = cheapest else {
        panic!("the brute force found nothing feasible: the test map is wrong");
    };
    // Not a corner of the box: the search has something to find.
    assert_ne!(capacities, [("a".into(), 5), ("b".into(), 4)].into());
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: run,
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.feasible, "{}", found.note);
    assert_eq!(found.recommended, capacities, "{:?}", found.slas);
    assert_eq!(found.cost_recommended, cost);
    assert_eq!(found.cost_now, 2.0 * 30.0 + 50.0);
    assert!(found.slas.iter().all(|s| s.met_after));
}

#[test]
fn a_budget_buys_the_shortest_p90_it_allows() {
    let map = tandem();
    let run = settings(4_000, 500, 6, 5);
    let budget = 170.0;
    let options = PlanOptions {
        objective: Objective::P90 {
            budget_per_hour: budget,
        },
        settings: run,
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.feasible);
    assert!(found.cost_recommended <= budget);
    // Every capacity vector within the budget that the search simulated is on or behind the
    // front, and the recommendation is the front's fastest point within the budget.
    let fastest = found
        .front
        .iter()
        .filter(|p| p.cost_per_hour <= budget)
        .map(|p| p.p90)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(found.p90_after, Some(fastest));
    // A budget below the cheapest stable staffing (a 2, b 1: 110) is infeasible.
    let poor = PlanOptions {
        objective: Objective::P90 {
            budget_per_hour: 100.0,
        },
        ..options
    };
    let found = plan::optimize(&map, &poor, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!found.feasible);
    assert!(found.note.contains("infeasible within the bounds"));
}

#[test]
fn an_sla_no_staffing_can_meet_is_infeasible_with_the_best_candidate() {
    // Two hours of fixed work can never meet a one-hour lead-time target.
    let map = parse(
        r#"ProcessMap(format: 1, title: "impossible",
            owners: {"team": Owner(name: "Team", capacity: 2)},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "work": Step(name: "Work", owner: "team", work: Fixed("2h"), sla: Sla(target: "1h", within: 0.5)),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: settings(1_000, 100, 3, 1),
        max_capacity: Some(5),
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!found.feasible);
    assert!(found.note.contains("infeasible"), "{}", found.note);
    assert!(
        found.owners.iter().all(|o| o.range.1 <= 5),
        "{:?}",
        found.owners
    );
    // Without a cost, a person counts 1.
    assert_eq!(found.cost_now, 2.0);
    // The SLA is out of reach even at 5 people, so the plan is the cheapest stable staffing
    // (2 h of work an hour needs 3 people below 100%).
    assert!(found.slas.iter().all(|s| !s.reachable && !s.met_after));
    assert!(found.note.contains("step 'Work'"), "{}", found.note);
    assert_eq!(found.recommended.get("team").copied(), Some(3));
}

#[test]
fn a_roster_is_planned_shift_by_shift() {
    // A roster whose shifts give their own capacity: each shift is a decision variable.
    let map = parse(
        r#"ProcessMap(format: 1, title: "roster",
            calendars: {"roster": Calendar(name: "Roster", week: [
                Shift(days: "Mon-Fri", from: "08:00", to: "16:00", capacity: 4),
                Shift(days: "Mon-Fri", from: "16:00", to: "24:00", capacity: 2),
            ])},
            owners: {"desk": Owner(name: "Desk", capacity: 4, calendar: "roster")},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h"), calendar: "roster"),
                "work": Step(name: "Work", owner: "desk", work: Exponential(mean: "30m"), sla: Sla(target: "2h", within: 0.8)),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: settings(2_000, 200, 4, 3),
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    let desk = found.owners.first().unwrap_or_else(|| panic!("one owner"));
    assert!(found.feasible, "{}", found.note);
    assert_eq!(desk.shifts.len(), 2, "{desk:?}");
    // Bounds per shift: 1 to 3x today's (12 and 6).
    assert_eq!(desk.shifts[0].range, (1, 12));
    assert_eq!(desk.shifts[1].range, (1, 6));
    // Work 0.5 h per case arriving in open hours only: one person on each shift suffices for
    // stability and, with a 2 h target at 80%, for the SLA; the plan never pays for more.
    assert!(
        desk.shifts.iter().all(|s| s.recommended <= s.now),
        "{:?}",
        desk.shifts
    );
    assert!(found.cost_recommended <= found.cost_now);
    // The calendar copies never leak into ids shown to the user.
    assert!(found.recommended.keys().all(|k| k == "desk"));
    assert!(
        found
            .front
            .iter()
            .all(|p| p.shifts.keys().all(|k| k == "desk"))
    );
}

#[test]
fn headroom_of_mm1_breaks_where_theory_says() {
    // λ = 0.5/h, μ = 1/h. At factor f the sojourn time is exponential with rate 1 - 0.5 f, so
    // P(T <= 5.85 h) = 1 - exp(-(1 - 0.5 f) 5.85) falls below 0.8 between 1.4 (0.827) and
    // 1.5 (0.768); the owner saturates at f = 2, where the estimate stops the scan.
    let target = 5.85;
    let within = 0.8;
    let map = parse(&format!(
        r#"ProcessMap(format: 1, title: "mm1",
            owners: {{"team": Owner(name: "Team")}},
            nodes: {{
                "in": Start(name: "In", arrivals: Exponential(mean: "2h")),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "1h")),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            sla: Sla(target: "5h 51m", within: {within}),
        )"#
    ));
    let exact = |f: f64| 1.0 - (-(1.0 - 0.5 * f) * target).exp();
    let expected = FACTORS
        .iter()
        .copied()
        .find(|&f| exact(f) < within)
        .unwrap_or_else(|| panic!("theory breaks somewhere"));
    assert!((expected - 1.5).abs() < 1e-9);
    let found = headroom::headroom(&map, &settings(20_000, 2_000, 10, 9), &Control::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let (factor, scope) = found
        .sla_breaks_at
        .clone()
        .unwrap_or_else(|| panic!("it breaks: {:?}", found.rows));
    assert!((factor - expected).abs() < 1e-9, "broke at {factor}");
    assert_eq!(scope, "case");
    let (owner, saturates) = found
        .saturates_first
        .clone()
        .unwrap_or_else(|| panic!("saturates"));
    assert_eq!(owner, "team");
    assert!((saturates - 2.0).abs() < 1e-9);
    // It stopped before the unstable factor 2.0 and rose monotonically in p90 before that.
    let last = found.rows.last().map_or(0.0, |r| r.factor);
    assert!((last - 1.9).abs() < 1e-9, "last factor {last}");
    assert!(found.rows.windows(2).all(|w| w[0].p90 < w[1].p90));
    // Arrivals scale with the factor.
    let first = &found.rows[0];
    assert!((first.arrivals_per_hour - 0.25).abs() < 1e-9);
    assert_eq!(first.busiest.as_ref().map(|b| b.0.as_str()), Some("team"));
}

#[test]
fn rates_scale_by_the_factor_too() {
    let map = parse(
        r#"ProcessMap(format: 1, title: "rates",
            nodes: {
                "in": Start(name: "In", rates: [Rate(days: "Mon-Fri", from: "09:00", to: "17:00", per_hour: 3.0)]),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "out")],
        )"#,
    );
    let before = procmap::analysis::estimate(&map).arrivals_per_hour;
    let after = procmap::analysis::estimate(&headroom::scale_arrivals(&map, 1.5)).arrivals_per_hour;
    assert!((after - 1.5 * before).abs() < 1e-9);
}

#[test]
fn sensitivity_ranks_the_bottleneck_first() {
    // Station b (90% busy) dominates the cycle time; a person more there helps most.
    let map = parse(
        r#"ProcessMap(format: 1, title: "tandem",
            owners: {"a": Owner(name: "A"), "b": Owner(name: "B")},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "s1": Step(name: "One", owner: "a", work: Exponential(mean: "20m")),
                "s2": Step(name: "Two", owner: "b", work: Exponential(mean: "54m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "s1"), Flow(from: "s1", to: "s2"), Flow(from: "s2", to: "out")],
        )"#,
    );
    let found = headroom::sensitivity(&map, &settings(10_000, 1_000, 4, 2), &Control::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.effects.len(), 4);
    assert_eq!(
        found.effects.first().map(|e| e.change.clone()),
        Some(headroom::Change::MorePeople("b".into()))
    );
    assert!(
        found
            .effects
            .windows(2)
            .all(|w| w[0].p90_change <= w[1].p90_change)
    );
    assert!(found.effects.first().is_some_and(|e| e.p90_change < 0.0));
}

pub(super) fn procmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run procmap: {e}"))
}

pub(super) fn write_map(folder: &Path, name: &str, map: &ProcessMap) -> String {
    let path = folder.join(name);
    let text = procmap::model::io::to_string(map).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

pub(super) fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn optimize_json_has_the_documented_keys_and_exit_codes() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write_map(
        folder.path(),
        "queue.ron",
        &single_queue("1h 15m", "1h", "4h", 0.9),
    );
    let small = ["--cases", "3000", "--replications", "4"];
    let mut args = vec!["optimize", &good, "--json"];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json = json_of(&output);
    for key in [
        "recommended",
        "cost_per_hour",
        "slas",
        "front",
        "evaluated",
        "wall_seconds",
        "cases_simulated",
        "feasible",
    ] {
        assert!(json.get(key).is_some(), "no {key} in {json}");
    }
    assert_eq!(json["recommended"]["team"], 2);
    assert_eq!(json["cost_per_hour"]["now"], 60.0);
    assert_eq!(json["cost_per_hour"]["recommended"], 60.0);
    for key in [
        "scope",
        "target",
        "within",
        "met_before",
        "met_after",
        "lower_ci",
    ] {
        assert!(json["slas"][0].get(key).is_some(), "no slas[].{key}");
    }
    for key in ["cost_per_hour", "p90", "capacities"] {
        assert!(json["front"][0].get(key).is_some(), "no front[].{key}");
    }
    assert_eq!(json["feasible"], true);

    // Text: the owners table, the SLAs and the front.
    let mut args = vec!["optimize", &good];
    args.extend(small);
    let output = procmap(&args);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    for part in [
        "Team",
        "2 -> 2",
        "step Work",
        "trade-off",
        "candidates simulated",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }

    // Infeasible within the bounds: exit 1, with the best candidate in the JSON.
    let hopeless = write_map(
        folder.path(),
        "hopeless.ron",
        &single_queue("1h 15m", "1h", "1m", 0.9),
    );
    let mut args = vec!["optimize", &hopeless, "--json", "--max-capacity", "3"];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(json_of(&output)["feasible"], false);

    // Usage errors: exit 2.
    for bad in [
        vec!["optimize", good.as_str(), "--objective", "p90"],
        vec!["optimize", good.as_str(), "--budget", "100"],
        vec![
            "optimize",
            good.as_str(),
            "--objective",
            "p90",
            "--budget",
            "-5",
        ],
        vec!["optimize", good.as_str(), "--max-capacity", "0"],
        vec!["optimize", good.as_str(), "--objective", "fast"],
    ] {
        let output = procmap(&bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {output:?}");
    }
    // An invalid map: exit 1, nothing simulated.
    let invalid = folder.path().join("invalid.ron");
    std::fs::write(
        &invalid,
        super::format::REFERENCE.replace("owner: \"sales\"", "owner: \"salse\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let output = procmap(&["optimize", &invalid.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");

    // A budget: exit 0.
    let mut args = vec![
        "optimize",
        &good,
        "--objective",
        "p90",
        "--budget",
        "90",
        "--json",
    ];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(json_of(&output)["cost_per_hour"]["recommended"].as_f64() <= Some(90.0));
}

#[test]
fn headroom_and_sensitivity_print_json_and_text() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write_map(
        folder.path(),
        "queue.ron",
        &single_queue("2h", "1h", "6h", 0.8),
    );
    let small = ["--cases", "2000", "--replications", "3"];
    let mut args = vec!["headroom", &good, "--json"];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json = json_of(&output);
    for key in ["rows", "sla_breaks_at", "saturates_first", "saturates_at"] {
        assert!(json.get(key).is_some(), "no {key} in {json}");
    }
    assert_eq!(json["saturates_first"], "team");
    let mut args = vec!["sensitivity", &good, "--json"];
    args.extend(small);
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json = json_of(&output);
    assert_eq!(json["effects"].as_array().map(Vec::len), Some(2));
    let mut args = vec!["headroom", &good];
    args.extend(small);
    let text = String::from_utf8_lossy(&procmap(&args).stdout).into_owned();
    assert!(text.contains("saturates first"), "{text}");
    let mut args = vec!["sensitivity", &good];
    args.extend(small);
    let text = String::from_utf8_lossy(&procmap(&args).stdout).into_owned();
    assert!(text.contains("Work 10% faster"), "{text}");
}

#[test]
fn a_capacity_range_that_leaves_out_today_is_respected() {
    // Today's one person meets the loose SLA (P(T <= 6 h) = 0.70 at 1), but the range asks for
    // 2 to 4: the plan is 2, never today's 1.
    let map = parse(
        r#"ProcessMap(format: 1, title: "range",
            owners: {"team": Owner(name: "Team", capacity: 1, capacity_range: (2, 4))},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h 15m")),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "1h"), sla: Sla(target: "6h", within: 0.6)),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let options = PlanOptions {
        objective: Objective::Cost,
        settings: settings(10_000, 1_000, 6, 4),
        max_capacity: None,
    };
    let found =
        plan::optimize(&map, &options, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.feasible, "{}", found.note);
    assert!(found.slas.iter().all(|s| s.met_before), "today meets it");
    assert_eq!(found.recommended.get("team").copied(), Some(2));
    assert_eq!(found.owners.first().map(|o| o.range), Some((2, 4)));
}
