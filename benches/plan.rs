//! Capacity planning speed: `optimize` (lowest cost meeting every SLA) on every sample in
//! `samples/`, with each sample's own simulation settings, on all cores. Prints seconds,
//! candidates simulated and cases simulated. The target is under 10 s for
//! `samples/order-to-cash.ron` on a 2-core machine.
//!
//! `cargo bench --bench plan`; `--only NAME` runs one sample (file stem), `--cases N` and
//! `--replications N` override the samples' settings.

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::Path;

use procmap::model::io;
use procmap::sim::Control;
use procmap::sim::plan::{self, Objective, PlanOptions};

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only: Option<String> = flag(&args, "--only");
    let cases: Option<u64> = flag(&args, "--cases");
    let replications: Option<u32> = flag(&args, "--replications");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    println!(
        "procmap optimize --objective cost, {} threads",
        rayon::current_num_threads()
    );
    println!(
        "{:24} {:>9} {:>10} {:>12} {:>9} {:>8}",
        "sample", "seconds", "evaluated", "cases", "feasible", "cost/h"
    );
    for file in files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        let map = io::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut settings = map.simulation;
        if let Some(cases) = cases {
            settings.cases = cases;
        }
        if let Some(replications) = replications {
            settings.replications = replications;
        }
        let options = PlanOptions {
            objective: Objective::Cost,
            settings,
            max_capacity: None,
        };
        let found = plan::optimize(&map, &options, &Control::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        println!(
            "{name:24} {:>9.2} {:>10} {:>12} {:>9} {:>8.2}",
            found.wall_seconds,
            found.evaluated,
            found.cases_simulated,
            found.feasible,
            found.cost_recommended
        );
    }
}
