//! Loading and validating a large map: a generated map of 9,000 steps (about 2.4 MB of RON),
//! parsed, validated and estimated, best of five runs.
//!
//! `cargo bench --bench load` (or `-- --steps N`).

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use procmap::model::{self, io};

/// A long process in lanes: every tenth step is followed by a decision that sends 10% back
/// three steps (rework), so the validator and the traffic equations meet loops, not just a line.
fn generate(steps: usize) -> String {
    let mut text =
        String::from("ProcessMap(\n    format: 1,\n    title: \"Generated\",\n    owners: {\n");
    for o in 0..50 {
        let _ = writeln!(
            text,
            "        \"team_{o:02}\": Owner(name: \"Team {o}\", capacity: 3, cost_per_hour: 50.0),"
        );
    }
    text.push_str("    },\n    nodes: {\n");
    let mut chain = vec!["start".to_owned()];
    let mut redo = Vec::new();
    text.push_str(
        "        \"start\": Start(name: \"Start\", arrivals: Exponential(mean: \"30m\"), at: (0, 0)),\n",
    );
    for s in 0..steps {
        let (x, y) = ((s % 100) * 220, (s / 100) * 140);
        let id = format!("step_{s:05}");
        let _ = writeln!(
            text,
            "        \"{id}\": Step(name: \"Step number {s} of the generated process\", owner: \"team_{:02}\", \
             work: Triangular(min: \"5m\", mode: \"10m\", max: \"30m\"), sla: Sla(target: \"4h\", within: 0.9), \
             notes: \"Generated step {s}.\", at: ({x}, {y})),",
            s % 50
        );
        chain.push(id);
        if s % 10 == 9 {
            let decision = format!("ok_{s:05}");
            let _ = writeln!(
                text,
                "        \"{decision}\": Decision(name: \"Check {s}\", at: ({}, {})),",
                x + 110,
                y + 70
            );
            redo.push((decision.clone(), format!("step_{:05}", s - 3)));
            chain.push(decision);
        }
    }
    text.push_str("        \"end\": End(name: \"End\", at: (0, 20000)),\n    },\n    flows: [\n");
    chain.push("end".to_owned());
    for pair in chain.windows(2) {
        let (from, to) = (&pair[0], &pair[1]);
        if from.starts_with("ok_") {
            let _ = writeln!(
                text,
                "        Flow(from: \"{from}\", to: \"{to}\", probability: 0.9, label: \"ok\"),"
            );
        } else {
            let _ = writeln!(text, "        Flow(from: \"{from}\", to: \"{to}\"),");
        }
    }
    for (from, to) in redo {
        let _ = writeln!(
            text,
            "        Flow(from: \"{from}\", to: \"{to}\", probability: 0.1, label: \"redo\"),"
        );
    }
    text.push_str("    ],\n)\n");
    text
}

/// Exports the handbook of a generated map of `steps` steps; prints the time.
fn export(steps: usize) {
    let text = generate(steps);
    let map = io::from_str(&text, Path::new("generated.ron")).unwrap_or_else(|e| panic!("{e}"));
    let mut best = f64::INFINITY;
    let mut size = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        let book = procmap::report::handbook::build(&map, None, "2026-11-25".into());
        let pdf = procmap::report::pdf::render(&book, procmap::report::pdf::Paper::A4)
            .unwrap_or_else(|e| panic!("{e}"));
        let svg = procmap::report::svg::diagram(&map);
        let markdown = procmap::report::markdown::render(&book, "map.svg");
        best = best.min(t0.elapsed().as_secs_f64());
        size = pdf.len() + svg.len() + markdown.len();
    }
    println!("{steps}-step map: PDF + SVG + Markdown export {best:.3} s ({size} bytes)");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let steps = args
        .iter()
        .position(|a| a == "--steps")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(9_000);
    let text = generate(steps);
    #[allow(clippy::cast_precision_loss, reason = "sizes for display")]
    let megabytes = text.len() as f64 / 1e6;
    let mut best = [f64::INFINITY; 4];
    let mut problems = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let map = io::from_str(&text, Path::new("generated.ron")).unwrap_or_else(|e| panic!("{e}"));
        let t1 = Instant::now();
        let found = model::validate(&map);
        let t2 = Instant::now();
        let estimate = procmap::analysis::estimate(&map);
        let t3 = Instant::now();
        let saved = io::to_string(&map).unwrap_or_else(|e| panic!("{e}"));
        let t4 = Instant::now();
        assert!(estimate.arrivals_per_hour > 0.0 && !saved.is_empty());
        problems = found.len();
        for (slot, span) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
            *slot = slot.min(span.as_secs_f64());
        }
    }
    println!(
        "{steps} steps, {megabytes:.2} MB: load {:.3} s, validate {:.3} s (load + validate {:.3} s), \
         estimate {:.3} s, save {:.3} s; {problems} problems",
        best[0],
        best[1],
        best[0] + best[1],
        best[2],
        best[3]
    );
    export(300);
}
