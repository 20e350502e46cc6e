//! Simulation speed: events and cases per second on one thread, 1,000,000 cases, for an `M/M/1`
//! queue and the order-to-cash model; optionally side by side with the `SimPy` peer.
//!
//! `cargo bench --bench sim` (Rust only), or `cargo bench --bench sim -- --peer` to also run
//! `python3 benches/peers/simpy_peer.py` on the same models and print the speed ratio.
//! `--cases N` changes the case count; `--only NAME` runs one model (for a profiler); `--log`
//! also times tracing each model (`sim::trace`) and writing its event log as CSV, XES and XES.gz.

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::Path;
use std::process::Command;

use procmap::model::{Simulation, io};
use procmap::sim::{self, Control};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let peer = args.iter().any(|a| a == "--peer");
    let cases = args
        .iter()
        .position(|a| a == "--cases")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000_u64);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("procmap simulate, 1 thread, 1 replication, {cases} cases, no warm-up");
    let mut rust = Vec::new();
    let only_peer_models = peer;
    let models: &[(&str, &str)] = if only_peer_models {
        &[
            ("mm1", "benches/models/mm1.ron"),
            ("o2c", "benches/models/o2c-peer.ron"),
        ]
    } else {
        &[
            ("mm1", "benches/models/mm1.ron"),
            ("o2c", "benches/models/o2c-peer.ron"),
            ("rich", "benches/models/rich.ron"),
            ("mm1-office", "benches/models/mm1-office.ron"),
            ("rich-office", "benches/models/rich-office.ron"),
        ]
    };
    // `--only NAME` runs one model (for profilers).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let mut per_event = Vec::new();
    for &(name, file) in models {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let map = io::load(&root.join(file)).unwrap_or_else(|e| panic!("{e}"));
        let settings = Simulation {
            cases,
            warmup: 0,
            replications: 1,
            seed: 42,
            outages: true,
            start: None,
        };
        // Best of three runs, to keep a stray scheduler hiccup out of the figure.
        let mut best: Option<sim::SimResult> = None;
        for _ in 0..3 {
            let result = sim::simulate(&map, &settings, Some(1), &Control::default())
                .unwrap_or_else(|e| panic!("{e}"));
            if best
                .as_ref()
                .is_none_or(|b| result.wall_seconds < b.wall_seconds)
            {
                best = Some(result);
            }
        }
        let Some(result) = best else { continue };
        #[allow(clippy::cast_precision_loss, reason = "rates for display")]
        let (events_per_s, cases_per_s) = (
            result.events as f64 / result.wall_seconds,
            cases as f64 / result.wall_seconds,
        );
        let utils: Vec<String> = result
            .owners
            .iter()
            .map(|(id, o)| format!("{id} {:.3}", o.utilization.mean))
            .collect();
        #[allow(clippy::cast_precision_loss, reason = "rates for display")]
        per_event.push((name, result.wall_seconds / result.events as f64));
        println!(
            "{name:11} {:>7.3} s  {:>6.2} M events/s  {:>6.2} M cases/s  {} events  cycle mean {:.3} h  util {}",
            result.wall_seconds,
            events_per_s / 1e6,
            cases_per_s / 1e6,
            result.events,
            result.cycle_time.mean.mean,
            utils.join(", ")
        );
        rust.push((name, cases_per_s));
        if args.iter().any(|a| a == "--log") {
            time_log(name, &map, &settings);
        }
    }
    // Cost per event relative to M/M/1 and to the same map without calendars.
    let cost = |n: &str| per_event.iter().find(|(m, _)| *m == n).map(|(_, c)| *c);
    for (name, base) in [
        ("o2c", "mm1"),
        ("rich", "mm1"),
        ("mm1-office", "mm1"),
        ("rich-office", "rich"),
    ] {
        if let (Some(a), Some(b)) = (cost(name), cost(base)) {
            println!("{name:11} costs {:.2}x per event what {base} costs", a / b);
        }
    }
    if !peer {
        return;
    }
    let script = root.join("benches/peers/simpy_peer.py");
    println!(
        "SimPy peer ({}), same models and case count",
        script.display()
    );
    let output = Command::new("python3")
        .arg(&script)
        .args(["--cases", &cases.to_string()])
        .output();
    let Ok(output) = output.inspect_err(|e| println!("cannot run python3: {e}")) else {
        return;
    };
    if !output.status.success() {
        println!("SimPy failed: {}", String::from_utf8_lossy(&output.stderr));
        return;
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let name = value["model"].as_str().unwrap_or("?");
        let peer_rate = value["cases_per_second"].as_f64().unwrap_or(0.0);
        let ours = rust
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, r)| *r);
        println!(
            "{name:4} SimPy {:>9.3} s  {:>9.0} cases/s  cycle mean {:.3} h  -> procmap is {:.0}x faster",
            value["wall_seconds"].as_f64().unwrap_or(0.0),
            peer_rate,
            value["cycle_mean_hours"].as_f64().unwrap_or(0.0),
            if peer_rate > 0.0 {
                ours / peer_rate
            } else {
                0.0
            }
        );
    }
}

/// Times tracing one replication of `map` and writing its log as CSV, XES and XES.gz (to files in
/// the temporary folder, removed afterwards).
fn time_log(name: &str, map: &procmap::model::ProcessMap, settings: &Simulation) {
    use procmap::report::log::{self, LogFormat};
    let started = std::time::Instant::now();
    let trace = sim::trace(map, settings, &Control::default()).unwrap_or_else(|e| panic!("{e}"));
    let traced = started.elapsed().as_secs_f64();
    print!(
        "{name:11} log: {} events of {} cases traced in {traced:.3} s",
        trace.events.len(),
        trace.cases.len()
    );
    for (format, ending) in [
        (LogFormat::Csv, "csv"),
        (LogFormat::Xes, "xes"),
        (LogFormat::XesGz, "xes.gz"),
    ] {
        let path = std::env::temp_dir().join(format!("procmap-bench-log.{ending}"));
        let started = std::time::Instant::now();
        io::write_atomic_with(&path, |file| log::write(&trace, format, file))
            .unwrap_or_else(|e| panic!("{e}"));
        let seconds = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        let _ = std::fs::remove_file(&path);
        #[allow(clippy::cast_precision_loss, reason = "sizes for display")]
        let megabytes = bytes as f64 / 1e6;
        print!(", {ending} written in {seconds:.3} s ({megabytes:.1} MB)");
    }
    println!();
}
