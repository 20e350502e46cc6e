//! `procmap discover LOG`: an event log (CSV, XES) to a map, with the evidence it rests on and,
//! with `--validate`, how a simulation of the map compares with the log.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{EXIT_INVALID, EXIT_IO, EXIT_OK};
use crate::analysis::discover::{self, Comparison, Discovery, Options, Verdict};
use crate::interop::log::{self as logread, Columns, LogError};
use crate::model::ProcessMap;
use crate::model::io as mapio;
use crate::model::log::EventLog;
use crate::report;
use crate::sim::{self, Control};

/// Flags of `procmap discover`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiscoverArgs {
    /// The event log: CSV (any delimiter), XES or XES.gz.
    pub log: PathBuf,
    /// Write the map here (.ron); without it the map goes to stdout (unless --report/--json).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Share of cases whose variants (most frequent first) shape the map.
    #[arg(long, default_value_t = discover::DEFAULT_COVERAGE)]
    pub coverage: f64,
    /// Print the evidence: variants, activities with their fitted times, owners, handovers.
    #[arg(long)]
    pub report: bool,
    /// Print the evidence as one JSON object.
    #[arg(long, conflicts_with = "report")]
    pub json: bool,
    /// Simulate the map and compare it with the log (cycle times, frequencies, arrivals);
    /// exits 1 when they differ.
    #[arg(long)]
    pub validate: bool,
    /// Also write the handbook of the discovered map with its "As-is evidence" section (.pdf,
    /// or .md for Markdown with the diagram beside it).
    #[arg(long)]
    pub handbook: Option<PathBuf>,
    /// Title of the map (default: the log's file name).
    #[arg(long)]
    pub title: Option<String>,
    /// The case id column (default: recognised by name, e.g. `case_id`, `case:concept:name`).
    #[arg(long)]
    pub case: Option<String>,
    /// The activity column.
    #[arg(long)]
    pub activity: Option<String>,
    /// The completion (or only) timestamp column.
    #[arg(long)]
    pub timestamp: Option<String>,
    /// The start timestamp column.
    #[arg(long)]
    pub start: Option<String>,
    /// The resource column ("" for none).
    #[arg(long)]
    pub resource: Option<String>,
    /// The team / role / owner column ("" for none).
    #[arg(long)]
    pub group: Option<String>,
    /// The lifecycle transition column (start/complete rows).
    #[arg(long)]
    pub lifecycle: Option<String>,
}

impl DiscoverArgs {
    fn columns(&self) -> Columns {
        Columns {
            case: self.case.clone(),
            activity: self.activity.clone(),
            timestamp: self.timestamp.clone(),
            start: self.start.clone(),
            resource: self.resource.clone(),
            group: self.group.clone(),
            lifecycle: self.lifecycle.clone(),
        }
    }
}

/// Reads `log` and discovers its map, writing what was read and found to `err`; the exit code
/// when either fails.
fn read_and_discover(
    log: &Path,
    columns: &Columns,
    options: &Options,
    err: &mut dyn Write,
) -> io::Result<Result<(EventLog, Discovery), u8>> {
    let began = Instant::now();
    let read = match logread::read_log(log, columns, &|_, _| true) {
        Ok(read) => read,
        Err(error) => {
            writeln!(err, "error: {error}")?;
            return Ok(Err(match error {
                LogError::Io { .. } => EXIT_IO,
                _ => EXIT_INVALID,
            }));
        }
    };
    let r = &read.report;
    writeln!(
        err,
        "{}: read {} events of {} cases in {:.2} s{}",
        log.display(),
        r.events,
        read.log.cases.len(),
        began.elapsed().as_secs_f64(),
        if r.bad_rows == 0 {
            String::new()
        } else {
            format!(
                "; {} bad row{} left out",
                r.bad_rows,
                if r.bad_rows == 1 { "" } else { "s" }
            )
        }
    )?;
    for bad in &r.bad {
        writeln!(
            err,
            "{}:{}: bad row: {}",
            log.display(),
            bad.line,
            bad.reason
        )?;
    }
    for warning in &r.warnings {
        writeln!(err, "{}: warning: {warning}", log.display())?;
    }
    let found = match discover::discover(&read.log, options) {
        Ok(found) => found,
        Err(error) => {
            writeln!(err, "error: {}: {error}", log.display())?;
            return Ok(Err(EXIT_INVALID));
        }
    };
    writeln!(
        err,
        "discovered {} nodes, {} flows, {} owners in {:.2} s",
        found.map.nodes.len(),
        found.map.flows.len(),
        found.map.owners.len(),
        began.elapsed().as_secs_f64()
    )?;
    Ok(Ok((read.log, found)))
}

/// The evidence for `export --evidence LOG`: the log's discovery, and `map` (as exported,
/// perhaps edited since) simulated and compared with the log.
pub(super) fn evidence(
    log: &Path,
    map: &ProcessMap,
    err: &mut dyn Write,
) -> io::Result<Result<(Discovery, Comparison), u8>> {
    let options = Options {
        title: report::discover::title_of(log),
        ..Options::default()
    };
    let (events, found) = match read_and_discover(log, &Columns::default(), &options, err)? {
        Ok(pair) => pair,
        Err(code) => return Ok(Err(code)),
    };
    match sim::against_log(map, &discover::profile(&events), &Control::default()) {
        Ok(c) => {
            writeln!(err, "{}", c.line)?;
            Ok(Ok((found, c)))
        }
        Err(error) => {
            writeln!(err, "error: cannot simulate the map: {error}")?;
            Ok(Err(EXIT_INVALID))
        }
    }
}

/// Runs `procmap discover`.
pub fn discover(args: &DiscoverArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let options = Options {
        coverage: args.coverage,
        title: args
            .title
            .clone()
            .unwrap_or_else(|| report::discover::title_of(&args.log)),
    };
    let (events, found) = match read_and_discover(&args.log, &args.columns(), &options, err)? {
        Ok(pair) => pair,
        Err(code) => return Ok(code),
    };
    let comparison = if args.validate {
        let real = discover::profile(&events);
        match sim::against_log(&found.map, &real, &Control::default()) {
            Ok(c) => Some(c),
            Err(error) => {
                writeln!(err, "error: cannot simulate the discovered map: {error}")?;
                return Ok(EXIT_INVALID);
            }
        }
    } else {
        None
    };
    if let Some(c) = &comparison {
        writeln!(err, "{}", c.line)?;
    }
    let text = match mapio::to_string(&found.map) {
        Ok(text) => text,
        Err(error) => {
            writeln!(err, "error: {error}")?;
            return Ok(EXIT_INVALID);
        }
    };
    if let Some(path) = &args.output {
        if let Err(error) = mapio::write_atomic(path, text.as_bytes()) {
            writeln!(err, "error: {error}")?;
            return Ok(EXIT_IO);
        }
        writeln!(err, "wrote {}", path.display())?;
    }
    if let Some(path) = &args.handbook {
        if let Err(code) = write_handbook(&found, comparison.as_ref(), path, err)? {
            return Ok(code);
        }
    }
    if args.json {
        let value = report::discover::json(&found, comparison.as_ref());
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
    } else if args.report {
        write!(
            out,
            "{}",
            report::discover::text(&found, comparison.as_ref())
        )?;
    } else if args.output.is_none() {
        write!(out, "{text}")?;
    }
    Ok(match comparison.map(|c| c.verdict) {
        Some(Verdict::Differs) => EXIT_INVALID,
        _ => EXIT_OK,
    })
}

/// Writes the handbook of a discovery (PDF, or Markdown for `.md`) with its evidence.
fn write_handbook(
    found: &Discovery,
    comparison: Option<&Comparison>,
    path: &Path,
    err: &mut dyn Write,
) -> io::Result<Result<(), u8>> {
    use crate::report::export::{self, Format};
    use crate::report::{handbook, pdf};
    let format = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
    {
        Format::Markdown
    } else {
        Format::Pdf
    };
    let book =
        handbook::build(&found.map, None, handbook::today()).with_evidence(found, comparison);
    match export::export(&book, &found.map, format, path, pdf::Paper::A4) {
        Ok(written) => {
            for file in written {
                writeln!(err, "wrote {} {}", file.what, file.path.display())?;
            }
            Ok(Ok(()))
        }
        Err(error) => {
            writeln!(err, "error: {}: {error}", path.display())?;
            Ok(Err(EXIT_IO))
        }
    }
}
