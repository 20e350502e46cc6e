//! Event-log reading speed and memory: a generated log of 1,000,000 events in the simulator's
//! format (`case_id,activity,start_timestamp,complete_timestamp,resource,owner`; 100,000 cases of
//! ten activities, 50 resources in 5 teams) written to a temporary folder as CSV (about 80 MB)
//! and as XES (each event a start and a complete element, 2,000,000 elements), then read with
//! `interop::log::read_log`. Prints seconds, events per second and the peak resident memory
//! (`VmHWM`, reset before each read where the kernel allows). Target: CSV well under 2 s.
//!
//! `cargo bench --bench logread` (or `-- --events N`).

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![allow(
    clippy::cast_precision_loss,
    reason = "sizes and rates shown to three digits"
)]

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::time::Instant;

use procmap::interop::log::{self, Columns};
use procmap::model::log::{US_PER_SECOND, format_instant};

/// Start of the generated log: 2026-01-05 00:00 UTC.
const ORIGIN: i64 = 1_767_571_200 * US_PER_SECOND;

/// The generated events: (case, activity, start, complete, resource, team), in file order.
fn events(count: usize) -> impl Iterator<Item = (usize, usize, i64, i64, usize, usize)> {
    (0..count).map(|i| {
        let (case, step) = (i / 10, i % 10);
        let arrival = ORIGIN + i64::try_from(case).unwrap_or(0) * 90 * US_PER_SECOND;
        let at = |n: usize| {
            arrival
                + i64::try_from(n * 1_300 + case % 7 * 11).unwrap_or(0) * US_PER_SECOND
                + 123_000
        };
        let resource = (case * 7 + step * 3) % 50;
        (
            case,
            step,
            at(step),
            at(step) + 900 * US_PER_SECOND,
            resource,
            resource / 10,
        )
    })
}

fn write_csv(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        out,
        "case_id,activity,start_timestamp,complete_timestamp,resource,owner"
    )?;
    for (case, step, start, complete, resource, team) in events(count) {
        writeln!(
            out,
            "{case},Activity {step},{},{},Person {resource},Team {team}",
            format_instant(start),
            format_instant(complete)
        )?;
    }
    out.flush()
}

fn write_xes(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log xes.version=\"1.0\">"
    )?;
    let mut open = None;
    for (case, step, start, complete, resource, team) in events(count) {
        if open != Some(case) {
            if open.is_some() {
                writeln!(out, "</trace>")?;
            }
            writeln!(
                out,
                "<trace><string key=\"concept:name\" value=\"{case}\"/>"
            )?;
            open = Some(case);
        }
        for (transition, at) in [("start", start), ("complete", complete)] {
            writeln!(
                out,
                "<event><string key=\"concept:name\" value=\"Activity {step}\"/><string key=\"lifecycle:transition\" value=\"{transition}\"/><date key=\"time:timestamp\" value=\"{}Z\"/><string key=\"org:resource\" value=\"Person {resource}\"/><string key=\"org:group\" value=\"Team {team}\"/></event>",
                format_instant(at)
            )?;
        }
    }
    if open.is_some() {
        writeln!(out, "</trace>")?;
    }
    writeln!(out, "</log>")?;
    out.flush()
}

/// Peak resident memory of this process in MB (`VmHWM`).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Resets the peak (Linux: writing 5 to `clear_refs`); false when the kernel refuses.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn measure(name: &str, path: &Path, expected: usize) {
    let size_mb = std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1e6;
    let reset = reset_peak();
    let before = peak_mb();
    let started = Instant::now();
    let read = match log::read_log(path, &Columns::default(), &|_, _| true) {
        Ok(read) => read,
        Err(e) => {
            println!("{name}: {e}");
            std::process::exit(1);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_mb();
    let events = read.log.events.len();
    assert_eq!(events, expected, "{name}: {:?}", read.report.warnings);
    assert_eq!(read.report.bad_rows, 0);
    let rate = events as f64 / seconds;
    println!(
        "{name:4} {size_mb:7.1} MB  {events} events  {seconds:.3} s  {:.2} M events/s  peak RSS {peak:.0} MB{}",
        rate / 1e6,
        if reset {
            format!(" (was {before:.0} MB before the read)")
        } else {
            " (process peak, not reset)".to_owned()
        }
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = args
        .iter()
        .position(|a| a == "--events")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let csv = folder.path().join("log.csv");
    let xes = folder.path().join("log.xes");
    let started = Instant::now();
    write_csv(&csv, count).unwrap_or_else(|e| panic!("{e}"));
    write_xes(&xes, count).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "generated {count} events as CSV and XES in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    measure("CSV", &csv, count);
    measure("XES", &xes, count);
}
