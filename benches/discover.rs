//! Discovery speed: simulate a sample until its log has about 1,000,000 events (`sim::trace`,
//! the same as `procmap simulate --log`), write it as CSV, then time reading it and discovering
//! the map (what `procmap discover LOG` does), and the `--validate` check separately. Prints
//! seconds and the peak memory of the read + discover phase (`VmHWM`, reset after generating).
//! Targets (issue 13): under 5 s and under 1 GB for 1,000,000 events on this 2-core machine.
//!
//! `cargo bench --bench discover`; `--sample NAME` (default order-to-cash), `--events N`,
//! `--xes` to write and read XES instead of CSV.

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::Path;
use std::time::Instant;

use procmap::analysis::discover::{self, Options};
use procmap::interop::log::{Columns, read_log};
use procmap::model::io;
use procmap::report::log as logwrite;
use procmap::sim::{self, Control};

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// Peak resident memory of this process so far, MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets the peak so the next reading covers only what follows (Linux `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sample: String = flag(&args, "--sample").unwrap_or_else(|| "order-to-cash".to_owned());
    let events: u64 = flag(&args, "--events").unwrap_or(1_000_000);
    let xes = args.iter().any(|a| a == "--xes");
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{sample}.ron"));
    let map = io::load(&file).unwrap_or_else(|e| panic!("{e}"));
    // Events per case from a short run, then enough cases for the requested events.
    let mut settings = map.simulation;
    settings.cases = 2_000;
    settings.warmup = 0;
    let probe = sim::trace(&map, &settings, &Control::default()).expect("simulates");
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let per_case = probe.events.len() as f64 / probe.cases.len().max(1) as f64;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "positive counts"
    )]
    let cases = (events as f64 / per_case).ceil() as u64;
    settings.cases = cases;
    let began = Instant::now();
    let log = sim::trace(&map, &settings, &Control::default()).expect("simulates");
    let simulated = began.elapsed().as_secs_f64();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(if xes { "log.xes" } else { "log.csv" });
    let began = Instant::now();
    let out = std::io::BufWriter::new(std::fs::File::create(&path).expect("creates"));
    if xes {
        logwrite::write_xes(&log, out).expect("writes");
    } else {
        logwrite::write_csv(&log, out).expect("writes");
    }
    let written = began.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    #[allow(clippy::cast_precision_loss, reason = "file sizes")]
    let megabytes = bytes as f64 / 1e6;
    println!(
        "{sample}: {} events of {} cases simulated in {simulated:.2} s, written in {written:.2} s \
         ({megabytes:.0} MB {})",
        log.events.len(),
        log.cases.len(),
        if xes { "XES" } else { "CSV" }
    );
    drop(log);
    reset_peak();
    let began = Instant::now();
    let read = read_log(&path, &Columns::default(), &|_, _| true).expect("reads");
    let t_read = began.elapsed().as_secs_f64();
    let found = discover::discover(&read.log, &Options::default()).expect("discovers");
    let t_total = began.elapsed().as_secs_f64();
    let peak = peak_mib();
    println!(
        "read {:.2} s + discover {:.2} s = {t_total:.2} s; peak memory {peak:.0} MiB; map: {} \
         nodes, {} owners, {} parallel blocks",
        t_read,
        t_total - t_read,
        found.map.nodes.len(),
        found.map.owners.len(),
        found.summary.parallel_blocks
    );
    let began = Instant::now();
    let profile = discover::profile(&read.log);
    let check = sim::against_log(&found.map, &profile, &Control::default()).expect("simulates");
    println!(
        "validate {:.2} s: {}",
        began.elapsed().as_secs_f64(),
        check.line
    );
}
