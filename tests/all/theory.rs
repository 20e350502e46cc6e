//! The simulator against closed-form queueing results. Each run uses a fixed seed, so a test
//! is deterministic; tolerances are multiples of the run's own 95% confidence half-width (plus
//! a small absolute floor for the 0.4% resolution of the percentile histogram), so they follow
//! from the sampling error rather than from a guess.

use procmap::model::{ProcessMap, Simulation};
use procmap::sim::{self, Control, SimResult};

use super::parse;

fn run(map: &ProcessMap, cases: u64, warmup: u64, replications: u32, seed: u64) -> SimResult {
    let settings = Simulation {
        cases,
        warmup,
        replications,
        seed,
        outages: true,
        start: None,
    };
    sim::simulate(map, &settings, None, &Control::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts `estimate` is within `k` confidence half-widths (or `floor`) of `exact`.
fn close(what: &str, estimate: sim::MeanCi, exact: f64, k: f64, floor: f64) {
    let tolerance = (k * estimate.ci95.unwrap_or(0.0)).max(floor);
    assert!(
        (estimate.mean - exact).abs() <= tolerance,
        "{what}: simulated {:.4} ± {:.4}, theory {exact:.4} (tolerance {tolerance:.4})",
        estimate.mean,
        estimate.ci95.unwrap_or(0.0)
    );
}

/// One queue: Poisson arrivals (mean gap `gap`), exponential service (mean `service`), `c`
/// servers.
fn single_queue(gap: &str, service: &str, c: u32) -> ProcessMap {
    parse(&format!(
        r#"ProcessMap(format: 1, title: "queue",
            owners: {{"team": Owner(name: "Team", capacity: {c})}},
            nodes: {{
                "in": Start(name: "In", arrivals: Exponential(mean: "{gap}")),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "{service}")),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#
    ))
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load `a` = λ/μ.
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

#[test]
fn mm1_at_80_percent_waits_4_hours() {
    // λ = 0.8/h, μ = 1/h: Wq = ρ/(μ-λ) = 4 h, W = 5 h, utilisation 0.8.
    let result = run(&single_queue("1h 15m", "1h", 1), 50_000, 5_000, 20, 1);
    close("cycle time", result.cycle_time.mean, 5.0, 3.0, 0.0);
    close(
        "utilisation",
        result.owners["team"].utilization,
        0.8,
        3.0,
        0.0,
    );
    let wait = result.steps["work"].wait_mean;
    assert!((wait - 4.0).abs() < 0.25, "mean wait {wait}");
    // The analytic estimate agrees with the simulation.
    let estimated = result.owners["team"].estimated_utilization;
    assert!((estimated - 0.8).abs() < 1e-9);
    // Exponential sojourn time in M/M/1: p90 = W ln 10.
    let p90 = result.cycle_time.p90;
    assert!((p90 - 5.0 * 10f64.ln()).abs() / p90 < 0.03, "p90 {p90}");
}

#[test]
fn mmc_with_three_servers_at_90_percent_matches_erlang_c() {
    // λ = 2.7/h, μ = 1/h, c = 3: Wq = C(3, 2.7) / (cμ - λ).
    let gap_minutes = 60.0 / 2.7;
    let gap = format!("{:.3}s", gap_minutes * 60.0);
    let result = run(&single_queue(&gap, "1h", 3), 50_000, 5_000, 20, 2);
    let wq = erlang_c(3, 2.7) / (3.0 - 2.7);
    close("cycle time", result.cycle_time.mean, wq + 1.0, 3.0, 0.0);
    close(
        "utilisation",
        result.owners["team"].utilization,
        0.9,
        3.0,
        0.0,
    );
}

#[test]
fn tandem_stations_are_independent_jackson() {
    // λ = 1/h; station a: μ = 2/h (W = 1 h), station b: μ = 4/3 per hour (W = 3 h).
    let map = parse(
        r#"ProcessMap(format: 1, title: "tandem",
            owners: {"a": Owner(name: "A"), "b": Owner(name: "B")},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "s1": Step(name: "One", owner: "a", work: Exponential(mean: "30m")),
                "s2": Step(name: "Two", owner: "b", work: Exponential(mean: "45m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "s1"), Flow(from: "s1", to: "s2"), Flow(from: "s2", to: "out")],
        )"#,
    );
    let result = run(&map, 50_000, 5_000, 20, 3);
    close("cycle time", result.cycle_time.mean, 4.0, 3.0, 0.0);
    close(
        "utilisation a",
        result.owners["a"].utilization,
        0.5,
        3.0,
        0.0,
    );
    close(
        "utilisation b",
        result.owners["b"].utilization,
        0.75,
        3.0,
        0.0,
    );
    // Station b waits 3 - 0.75 = 2.25 h on average; it is the bottleneck.
    assert_eq!(result.bottlenecks.first().map(String::as_str), Some("b"));
    assert!(
        result.finding.starts_with("B is the bottleneck"),
        "{}",
        result.finding
    );
}

#[test]
fn deterministic_service_never_waits() {
    // D/D/1: an arrival every 10 minutes, 8 minutes of work: no case ever waits.
    let map = parse(
        r#"ProcessMap(format: 1, title: "dd1",
            owners: {"team": Owner(name: "Team")},
            nodes: {
                "in": Start(name: "In", arrivals: Fixed("10m")),
                "work": Step(name: "Work", owner: "team", work: Fixed("8m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let result = run(&map, 10_000, 0, 2, 4);
    assert_eq!(result.steps["work"].wait_mean, 0.0);
    assert!((result.cycle_time.mean.mean - 8.0 / 60.0).abs() < 1e-9);
    assert!((result.cycle_time.max - 8.0 / 60.0).abs() < 1e-9);
    assert!((result.owners["team"].utilization.mean - 0.8).abs() < 1e-3);
    assert_eq!(result.owners["team"].queue_max, 0);
}

#[test]
fn decision_splits_70_30() {
    let map = parse(
        r#"ProcessMap(format: 1, title: "split",
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "d": Decision(name: "Which?"),
                "a": Step(name: "A", work: Fixed("1m")),
                "b": Step(name: "B", work: Fixed("1m")),
                "out": End(name: "Out"),
            },
            flows: [
                Flow(from: "in", to: "d"),
                Flow(from: "d", to: "a", probability: 0.7), Flow(from: "d", to: "b", probability: 0.3),
                Flow(from: "a", to: "out"), Flow(from: "b", to: "out"),
            ],
        )"#,
    );
    let result = run(&map, 100_000, 0, 1, 5);
    let a = result.steps["a"].visits_per_case;
    // Binomial: sd of the share is sqrt(0.21 / 100000) = 0.00145; allow 4 sd.
    assert!((a - 0.7).abs() < 4.0 * 0.00145, "share {a}");
    assert_eq!(result.steps["a"].count + result.steps["b"].count, 100_000);
}

#[test]
fn rework_loop_visits_are_geometric() {
    let map = parse(
        r#"ProcessMap(format: 1, title: "rework",
            owners: {"team": Owner(name: "Team", capacity: 2)},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "w": Step(name: "Work", owner: "team", work: Exponential(mean: "20m")),
                "ok": Decision(name: "OK?"),
                "out": End(name: "Out"),
            },
            flows: [
                Flow(from: "in", to: "w"), Flow(from: "w", to: "ok"),
                Flow(from: "ok", to: "w", probability: 0.2, label: "redo"),
                Flow(from: "ok", to: "out", probability: 0.8),
            ],
        )"#,
    );
    let result = run(&map, 100_000, 1_000, 1, 6);
    let visits = result.steps["w"].visits_per_case;
    // Geometric with p = 0.8: mean 1.25, variance 0.3125; sd of the mean over 1e5 cases 0.0018.
    assert!((visits - 1.25).abs() < 4.0 * 0.0018, "visits {visits}");
    let estimated = result.owners["team"].estimated_utilization;
    close(
        "utilisation",
        result.owners["team"].utilization,
        estimated,
        3.0,
        0.005,
    );
}

#[test]
fn parallel_join_waits_for_the_longest_branch() {
    // Fixed branch times 1 h, 2 h and a nested split of 30 m / 3 h: cycle time is exactly 3 h.
    let map = parse(
        r#"ProcessMap(format: 1, title: "parallel",
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "split": Parallel(name: "Split"),
                "a": Step(name: "A", work: Fixed("1h")),
                "b": Step(name: "B", work: Fixed("2h")),
                "inner": Parallel(name: "Inner split"),
                "c1": Step(name: "C1", work: Fixed("30m")),
                "c2": Step(name: "C2", work: Fixed("3h")),
                "inner_join": Parallel(name: "Inner join"),
                "join": Parallel(name: "Join"),
                "out": End(name: "Out"),
            },
            flows: [
                Flow(from: "in", to: "split"),
                Flow(from: "split", to: "a"), Flow(from: "split", to: "b"), Flow(from: "split", to: "inner"),
                Flow(from: "inner", to: "c1"), Flow(from: "inner", to: "c2"),
                Flow(from: "c1", to: "inner_join"), Flow(from: "c2", to: "inner_join"),
                Flow(from: "a", to: "join"), Flow(from: "b", to: "join"), Flow(from: "inner_join", to: "join"),
                Flow(from: "join", to: "out"),
            ],
        )"#,
    );
    let result = run(&map, 5_000, 0, 2, 7);
    assert!(
        (result.cycle_time.mean.mean - 3.0).abs() < 1e-9,
        "{:?}",
        result.cycle_time.mean
    );
    assert!((result.cycle_time.max - 3.0).abs() < 1e-9);
    assert_eq!(result.cases_measured, 10_000);
    assert_eq!(result.steps["c2"].count, 10_000);
}

#[test]
fn same_seed_same_result_on_any_thread_count() {
    let map = parse(include_str!("../../samples/order-to-cash.ron"));
    let settings = Simulation {
        cases: 3_000,
        warmup: 200,
        replications: 4,
        seed: 99,
        outages: true,
        start: None,
    };
    let json = |threads| {
        let result = sim::simulate(&map, &settings, Some(threads), &Control::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut value = procmap::report::json::simulation(&map, &result);
        if let Some(object) = value.as_object_mut() {
            object.remove("wall_seconds");
        }
        value.to_string()
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert_eq!(one, json(1));
    let other_seed = sim::simulate(
        &map,
        &Simulation {
            seed: 100,
            ..settings
        },
        Some(1),
        &Control::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut other = procmap::report::json::simulation(&map, &other_seed);
    if let Some(object) = other.as_object_mut() {
        object.remove("wall_seconds");
    }
    assert_ne!(
        one,
        other.to_string(),
        "a different seed must give different figures"
    );
}

#[test]
fn samples_simulate_and_agree_with_the_estimate() {
    for (name, text) in super::samples() {
        let map = parse(&text);
        let result = run(&map, 20_000, map.simulation.warmup, 4, 8);
        assert!(result.warnings.is_empty(), "{name}: {:?}", result.warnings);
        assert!(result.unstable.is_empty(), "{name}: {:?}", result.unstable);
        for (id, owner) in &result.owners {
            let tolerance = (4.0 * owner.utilization.ci95.unwrap_or(0.0)).max(0.02);
            assert!(
                (owner.utilization.mean - owner.estimated_utilization).abs() <= tolerance,
                "{name}: owner {id}: simulated {:.3} ± {:.3}, estimated {:.3}",
                owner.utilization.mean,
                owner.utilization.ci95.unwrap_or(0.0),
                owner.estimated_utilization
            );
        }
        assert!(
            result.finding.contains("bottleneck"),
            "{name}: {}",
            result.finding
        );
    }
}

#[test]
fn unstable_model_finishes_and_says_where() {
    // Offered load 1.5: the queue grows, the run still ends, and the result says why.
    let result = run(&single_queue("40m", "1h", 1), 5_000, 0, 2, 9);
    assert_eq!(result.unstable, vec!["team".to_owned()]);
    assert!(
        result.finding.contains("cannot keep up"),
        "{}",
        result.finding
    );
    assert!(result.owners["team"].utilization.mean > 0.99);
}

#[test]
fn invalid_model_is_refused_with_its_problems() {
    let map = parse(
        r#"ProcessMap(format: 1, title: "bad",
            nodes: {"in": Start(name: "In"), "w": Step(name: "W", owner: "nobody")},
            flows: [Flow(from: "in", to: "w")],
        )"#,
    );
    match sim::simulate(&map, &Simulation::default(), None, &Control::default()) {
        Err(sim::SimError::Invalid(problems)) => {
            assert!(
                problems.iter().any(|p| p.message.contains("'nobody'")),
                "{problems:?}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn degenerate_models_do_not_panic() {
    let maps = [
        // Start straight to End.
        r#"ProcessMap(format: 1, nodes: {"s": Start(name: "S"), "e": End(name: "E")}, flows: [Flow(from: "s", to: "e")])"#,
        // Zero work everywhere, arrivals a millisecond apart.
        r#"ProcessMap(format: 1, owners: {"o": Owner(name: "O")},
            nodes: {"s": Start(name: "S", arrivals: Fixed("1ms")), "w": Step(name: "W", owner: "o"), "e": End(name: "E")},
            flows: [Flow(from: "s", to: "w"), Flow(from: "w", to: "e")])"#,
        // A loop that almost never exits, through zero-time nodes only.
        r#"ProcessMap(format: 1, nodes: {"s": Start(name: "S"), "d": Decision(name: "D"), "e": End(name: "E")},
            flows: [Flow(from: "s", to: "d"), Flow(from: "d", to: "d", probability: 0.999), Flow(from: "d", to: "e", probability: 0.001)])"#,
        // Huge work times, and a split whose branches end separately (no join).
        r#"ProcessMap(format: 1, nodes: {"s": Start(name: "S", arrivals: Exponential(mean: "1w")), "p": Parallel(name: "P"),
            "a": Step(name: "A", work: Normal(mean: "50w", sd: "100w")), "b": Step(name: "B", work: LogNormal(mean: "1h", sd: "100h")),
            "e1": End(name: "E1"), "e2": End(name: "E2")},
            flows: [Flow(from: "s", to: "p"), Flow(from: "p", to: "a"), Flow(from: "p", to: "b"), Flow(from: "a", to: "e1"), Flow(from: "b", to: "e2")])"#,
    ];
    for text in maps {
        let map = parse(text);
        let result = run(&map, 2_000, 10, 2, 10);
        assert_eq!(result.cases_measured, 4_000, "{text}");
        assert!(result.cycle_time.mean.mean.is_finite());
    }
}

#[test]
fn warmup_cases_are_not_counted() {
    let result = run(&single_queue("1h", "30m", 1), 1_000, 500, 3, 11);
    assert_eq!(result.cases_measured, 3_000);
    assert_eq!(result.steps["work"].count, 3_000);
    assert_eq!(
        result.cycle_time.histogram.counts.iter().sum::<u64>() + result.cycle_time.histogram.beyond,
        3_000
    );
}

#[test]
fn cancel_stops_the_run() {
    let control = Control::default();
    control.cancel();
    let settings = Simulation {
        cases: 5_000_000,
        warmup: 0,
        replications: 2,
        seed: 1,
        outages: true,
        start: None,
    };
    let started = std::time::Instant::now();
    let outcome = sim::simulate(&single_queue("1h", "30m", 1), &settings, None, &control);
    assert!(matches!(outcome, Err(sim::SimError::Cancelled)));
    assert!(
        started.elapsed().as_secs_f64() < 2.0,
        "cancel took {:?}",
        started.elapsed()
    );
}

fn outage_map(services: &str, uses: &str) -> ProcessMap {
    parse(&format!(
        r#"ProcessMap(format: 1, title: "outages",
            services: {{{services}}},
            nodes: {{
                "in": Start(name: "In", arrivals: Exponential(mean: "10m")),
                "work": Step(name: "Work", work: Fixed("1s"), uses: [{uses}]),
                "out": End(name: "Out"),
            }},
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#
    ))
}

#[test]
fn arrivals_see_time_averages_and_repairs_are_memoryless() {
    // One service up 90% of the time, repairs of 1 h on average. Poisson arrivals find it down
    // 10% of the time (PASTA), and wait the residual repair time, which is again 1 h.
    let map = outage_map(
        r#""app": Service(name: "App", availability: 0.9, mean_repair: "1h")"#,
        r#""app""#,
    );
    let result = run(&map, 50_000, 1_000, 4, 21);
    let app = &result.services["app"];
    // About 830 outages per replication: the share found down has a relative sd near
    // sqrt(2 / 3300) (clustered arrivals), so 0.1 +- 0.01 is about 4 sd.
    #[allow(clippy::cast_precision_loss)]
    let share = app.cases_delayed as f64 / result.cases_measured as f64;
    assert!((share - 0.1).abs() < 0.01, "share delayed {share}");
    assert!(
        (app.delay_mean - 1.0).abs() < 0.1,
        "mean delay {}",
        app.delay_mean
    );
    close("availability", app.availability_observed, 0.9, 4.0, 0.005);
    #[allow(clippy::cast_precision_loss)]
    let per_replication = app.outages as f64 / 4.0;
    assert!(
        (per_replication - 833.0).abs() < 120.0,
        "outages {per_replication}"
    );
    // Without outages nothing waits.
    let settings = Simulation {
        cases: 10_000,
        warmup: 0,
        replications: 2,
        seed: 21,
        outages: false,
        start: None,
    };
    let calm =
        sim::simulate(&map, &settings, None, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(calm.services["app"].cases_delayed, 0);
    assert!((calm.cycle_time.mean.mean - 1.0 / 3600.0).abs() < 1e-9);
}

#[test]
fn a_chain_of_services_multiplies_availability() {
    let map = outage_map(
        r#""front": Service(name: "Front", availability: 0.95, mean_repair: "1h", depends_on: ["back"]),
           "back": Service(name: "Back", availability: 0.9, mean_repair: "1h")"#,
        r#""front""#,
    );
    let result = run(&map, 50_000, 1_000, 4, 22);
    close(
        "effective availability",
        result.services["front"].availability_observed,
        0.95 * 0.9,
        4.0,
        0.006,
    );
    close(
        "back availability",
        result.services["back"].availability_observed,
        0.9,
        4.0,
        0.006,
    );
    let delayed = result.services["front"].cases_delayed + result.services["back"].cases_delayed;
    #[allow(clippy::cast_precision_loss)]
    let share = delayed as f64 / result.cases_measured as f64;
    assert!(
        (share - (1.0 - 0.95 * 0.9)).abs() < 0.012,
        "share delayed {share}"
    );
    // The analysis agrees.
    let impact = procmap::analysis::impact(&map);
    assert!((impact.services["front"].availability_effective - 0.855).abs() < 1e-12);
    assert!((impact.services["back"].case_share - 1.0).abs() < 1e-9);
}

#[test]
fn two_services_down_at_once_are_charged_by_name_independent_rules() {
    // A step needs s1 (up 90%) and s2 (up 80%). Each counts every case that found it down
    // (PASTA: 10% and 20%), whatever their names; the delay is split by how long each held the
    // case up, so the parts add up to the whole.
    let services = |a: &str, b: &str| {
        outage_map(
            &format!(
                r#""{a}": Service(name: "A", availability: 0.9, mean_repair: "1h"),
                   "{b}": Service(name: "B", availability: 0.8, mean_repair: "1h")"#
            ),
            &format!(r#""{a}", "{b}""#),
        )
    };
    #[allow(clippy::cast_precision_loss)]
    let share = |result: &sim::SimResult, id: &str| {
        result.services[id].cases_delayed as f64 / result.cases_measured as f64
    };
    let first = run(&services("s1", "s2"), 40_000, 1_000, 4, 31);
    let renamed = run(&services("z1", "a2"), 40_000, 1_000, 4, 31);
    assert!(
        (share(&first, "s1") - 0.1).abs() < 0.012,
        "{}",
        share(&first, "s1")
    );
    assert!(
        (share(&first, "s2") - 0.2).abs() < 0.015,
        "{}",
        share(&first, "s2")
    );
    // Renamed, the 80% service comes first in id order: its share stays 20% (charging the
    // first down service in id order gave the second one 18%).
    assert!(
        (share(&renamed, "z1") - 0.1).abs() < 0.012,
        "{}",
        share(&renamed, "z1")
    );
    assert!(
        (share(&renamed, "a2") - 0.2).abs() < 0.015,
        "{}",
        share(&renamed, "a2")
    );
    // Totals: the split delay adds up to the time cases waited for services.
    let charged: f64 = first.services.values().map(|s| s.delay_hours).sum::<f64>();
    #[allow(clippy::cast_precision_loss)]
    let waited = first.steps["work"].wait_mean * first.steps["work"].count as f64 / 4.0;
    assert!(
        (charged - waited).abs() < 0.01 * waited.max(1.0),
        "charged {charged} vs waited {waited}"
    );
}

#[test]
fn more_than_64_services_all_count() {
    let list: Vec<String> = (0..70)
        .map(|i| {
            format!(r#""svc{i:02}": Service(name: "S{i}", availability: 0.9, mean_repair: "1h")"#)
        })
        .collect();
    let ids: Vec<String> = (0..70).map(|i| format!(r#""svc{i:02}""#)).collect();
    let map = outage_map(&list.join(",\n"), &ids.join(", "));
    let result = run(&map, 3_000, 100, 2, 41);
    let last = &result.services["svc69"];
    assert!(last.cases_delayed > 0, "service 70 counts too: {last:?}");
    assert!(last.delay_mean > 0.0);
}

#[test]
fn warmup_advice_follows_the_relaxation_time_of_a_busy_queue() {
    // M/M/5 at 95%: the relaxation time E[S] / (c (1 - sqrt(rho))^2) is about 312 h, so three
    // of them at 4.75 arrivals per hour ask for some 4,400 warm-up cases, where "twice the
    // cycle time" asked for 42.
    let map = super::parse(
        r#"ProcessMap(
            format: 1,
            title: "M/M/5 at 0.95",
            owners: {"team": Owner(name: "Team", capacity: 5)},
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "12m 38s")),
                "work": Step(name: "Work", owner: "team", work: Exponential(mean: "1h")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
        )"#,
    );
    let result = run(&map, 5_000, 42, 4, 51);
    let advice = result
        .warnings
        .iter()
        .find(|w| w.contains("warm-up"))
        .unwrap_or_else(|| panic!("no warm-up advice: {:?}", result.warnings));
    let needed: f64 = advice
        .split("at least ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number in {advice}"));
    assert!((3_000.0..7_000.0).contains(&needed), "{advice}");
    assert!(advice.contains("Team"), "{advice}");
}
