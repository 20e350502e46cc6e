//! The command-line interface: `procmap check|fmt|simulate ...`; the capacity-planning
//! commands (`optimize`, `headroom`, `sensitivity`) are in `cli/plan.rs`.
//!
//! Parsing is declared with clap; each command is a function that writes to the given output and
//! returns the process exit code, so tests can run commands without spawning a process.

use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod discover;
mod plan;
pub use discover::DiscoverArgs;
pub use plan::{EXIT_USAGE, ObjectiveArg, OptimizeArgs, RunArgs, StudyArgs};

use crate::model::{self, LoadError, ProcessMap, Severity, io as mapio, limits};
use crate::report::log::LogFormat;
use crate::{interop, report, sim};

/// Procmap: map how work flows, find where it piles up, print the handbook.
#[derive(Debug, Parser)]
#[command(
    name = "procmap",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A map to open in the desktop editor.
    pub file: Option<PathBuf>,
    /// A command to run instead of the editor.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands of the CLI.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check maps for problems; exits 1 when any has errors, 2 when a file cannot be read.
    Check {
        /// Map files (.ron, or .bpmn read through the importer).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite maps in the canonical layout the app saves (sorted ids, canonical durations).
    Fmt {
        /// Change nothing; exit 1 when a file is not in canonical form.
        #[arg(long)]
        check: bool,
        /// Format files even though their comments will be lost.
        #[arg(long)]
        drop_comments: bool,
        /// Lay the map out again (left to right along the flow, services below) before writing.
        #[arg(long)]
        arrange: bool,
        /// With --arrange: owners as horizontal lanes.
        #[arg(long, requires = "arrange")]
        lanes: bool,
        /// Map files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Simulate a map and report cycle times, SLAs, utilisation and the bottleneck.
    Simulate(SimulateArgs),
    /// Read a BPMN 2.0 file into a Procmap map; what was approximated goes to stderr.
    Import {
        /// The BPMN file (.bpmn, or .xml with BPMN content).
        file: PathBuf,
        /// Write the map here (.ron) instead of to stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write the process handbook (PDF), the diagram (SVG), the handbook as Markdown, or BPMN.
    Export(ExportArgs),
    /// Discover a map from an event log (CSV, XES): steps, decisions with probabilities,
    /// parallel branches, owners with capacity and hours, fitted times; `--report` for the
    /// evidence, `--validate` to compare a simulation of the map with the log.
    Discover(DiscoverArgs),
    /// The cheapest staffing that meets every SLA (or the fastest within a budget), found by
    /// simulating candidates; exits 1 when none is found within the bounds.
    Optimize(OptimizeArgs),
    /// How the map copes with 0.5x to 2x today's arrivals: p90, SLAs, the busiest owner.
    Headroom(StudyArgs),
    /// Which single change helps most: each step 10% faster, each owner one person larger.
    Sensitivity(StudyArgs),
    /// Business impact analysis: what stops when each service is down, and what it costs.
    Impact {
        /// The map file (.ron, or .bpmn read through the importer).
        file: PathBuf,
        /// Only this service (by id).
        #[arg(long)]
        service: Option<String>,
        /// Print one JSON object instead of the readable report.
        #[arg(long)]
        json: bool,
    },
}

/// Flags of `procmap export`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("output").required(true).multiple(true).args(["pdf", "svg", "markdown", "bpmn"])))]
pub struct ExportArgs {
    /// The map file (.ron, or .bpmn read through the importer).
    pub file: PathBuf,
    /// Write the PDF handbook here.
    #[arg(long)]
    pub pdf: Option<PathBuf>,
    /// Write the diagram as SVG here.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Write the handbook as Markdown here (the diagram goes beside it as an .svg).
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Write the map as BPMN 2.0 XML here (diagram, lanes, BPSim simulation data).
    #[arg(long)]
    pub bpmn: Option<PathBuf>,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: PaperArg,
    /// Simulate first (with the map's settings) and include the results.
    #[arg(long)]
    pub simulate: bool,
    /// Add a "Capacity plan" section to the PDF and Markdown handbook: the lowest-cost
    /// staffing that meets every SLA, headroom and what to improve first (simulated with the
    /// map's settings).
    #[arg(long)]
    pub plan: bool,
    /// Add an "As-is evidence" section from this event log (CSV, XES): variants, activities,
    /// owners, handovers, and the map simulated against the log.
    #[arg(long)]
    pub evidence: Option<PathBuf>,
}

/// Paper sizes on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaperArg {
    /// ISO A4.
    A4,
    /// US Letter.
    Letter,
}

/// Flags of `procmap simulate`; each overrides the document's `simulation` settings.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The map file (.ron, or .bpmn read through the importer).
    pub file: PathBuf,
    /// Cases measured per replication.
    #[arg(long)]
    pub cases: Option<u64>,
    /// Independent replications (run in parallel).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Random seed: the same seed gives the same results.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Cases simulated first and left out of the statistics.
    #[arg(long)]
    pub warmup: Option<u64>,
    /// Print one JSON object instead of the readable report.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Keep every service up (compare with a normal run to see what outages cost).
    #[arg(long)]
    pub no_outages: bool,
    /// Also write the event log of the simulated cases here (.csv, .xes or .xes.gz, by the
    /// ending): replication 1 only, every case of it including warm-up cases, one activity
    /// instance per step visit with its start, completion, person and owner, on the simulated
    /// calendar.
    #[arg(long, value_name = "PATH")]
    pub log: Option<PathBuf>,
}

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Worker threads a run may ask for.
const MAX_THREADS: usize = 1024;
/// Exit code: the input has errors.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: a file cannot be read (or written).
pub const EXIT_IO: u8 = 2;

/// Runs a parsed command line, writing results to `out` and diagnostics to `err`.
pub fn run(command: &Command, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let code = match command {
        Command::Check { files } => check(files, out),
        Command::Fmt {
            check,
            drop_comments,
            arrange,
            lanes,
            files,
        } => {
            let arrange = arrange.then_some(model::layout::Options { lanes: *lanes });
            fmt(files, *check, *drop_comments, arrange, out)
        }
        Command::Import { file, output } => import(file, output.as_deref(), out, err),
        Command::Simulate(args) => simulate(args, out, err),
        Command::Export(args) => export(args, out, err),
        Command::Discover(args) => discover::discover(args, out, err),
        Command::Optimize(args) => plan::optimize(args, out, err),
        Command::Headroom(args) => plan::headroom(args, out, err),
        Command::Sensitivity(args) => plan::sensitivity(args, out, err),
        Command::Impact {
            file,
            service,
            json,
        } => impact(file, service.as_deref(), *json, out, err),
    };
    // A closed pipe (e.g. `| head`) is not worth a panic: ignore failed writes of the last bytes.
    let _ = out.flush();
    ExitCode::from(code.unwrap_or(EXIT_IO))
}

/// Writes a loader error in `file:line:col: error: message` form; returns the exit code for it.
fn report_load_error(error: &LoadError, out: &mut dyn Write) -> io::Result<u8> {
    match error {
        LoadError::Syntax {
            path,
            line,
            column,
            message,
        } => {
            writeln!(out, "{}:{line}:{column}: error: {message}", path.display())?;
            Ok(EXIT_INVALID)
        }
        LoadError::Io { .. } => {
            writeln!(out, "{error}")?;
            Ok(EXIT_IO)
        }
        LoadError::TooNew { .. } | LoadError::Serialize(_) => {
            writeln!(out, "{error}")?;
            Ok(EXIT_INVALID)
        }
    }
}

fn check(files: &[PathBuf], out: &mut dyn Write) -> io::Result<u8> {
    let mut code = EXIT_OK;
    let (mut errors, mut warnings) = (0, 0);
    for path in files {
        let opened = match interop::open(path) {
            Ok(opened) => opened,
            Err(error) => {
                code = code.max(report_open_error(&error, out)?);
                errors += 1;
                continue;
            }
        };
        for warning in &opened.warnings {
            writeln!(out, "{}: import: warning: {warning}", path.display())?;
            warnings += 1;
        }
        let map = opened.map;
        for problem in model::validate(&map) {
            writeln!(out, "{}: {problem}", path.display())?;
            match problem.severity {
                Severity::Error => {
                    errors += 1;
                    code = code.max(EXIT_INVALID);
                }
                Severity::Warning => warnings += 1,
            }
        }
    }
    writeln!(
        out,
        "{} checked: {errors} error{}, {warnings} warning{}",
        plural(files.len(), "file"),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    )?;
    Ok(code)
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn fmt(
    files: &[PathBuf],
    check_only: bool,
    drop_comments: bool,
    arrange: Option<model::layout::Options>,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut code = EXIT_OK;
    for path in files {
        if interop::format_of(path).is_some_and(|f| !f.native) {
            writeln!(
                out,
                "{}: fmt rewrites Procmap maps (.ron); run: procmap import {} -o map.ron",
                path.display(),
                path.display()
            )?;
            code = code.max(EXIT_INVALID);
            continue;
        }
        let text = match mapio::read(path) {
            Ok(text) => text,
            Err(error) => {
                code = code.max(report_load_error(&error, out)?);
                continue;
            }
        };
        let mut map = match mapio::from_str(&text, path) {
            Ok(map) => map,
            Err(error) => {
                code = code.max(report_load_error(&error, out)?);
                continue;
            }
        };
        if let Some(options) = arrange {
            model::layout::apply_with(&mut map, options);
        }
        let canonical = match mapio::to_string(&map) {
            Ok(canonical) => canonical,
            Err(error) => {
                code = code.max(report_load_error(&error, out)?);
                continue;
            }
        };
        if canonical == text {
            continue;
        }
        if check_only {
            writeln!(
                out,
                "{}: not in canonical form (run: procmap fmt {})",
                path.display(),
                path.display()
            )?;
            code = code.max(EXIT_INVALID);
            continue;
        }
        let comments = mapio::find_comments(&text);
        if !comments.is_empty() && !drop_comments {
            let lines: Vec<String> = comments.iter().map(|c| c.line.to_string()).collect();
            writeln!(
                out,
                "{}: has comments on line{} {} that formatting would drop; move them into \
                 `notes` fields, or pass --drop-comments",
                path.display(),
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
            )?;
            code = code.max(EXIT_INVALID);
            continue;
        }
        match mapio::write_atomic(path, canonical.as_bytes()) {
            Ok(()) => writeln!(out, "formatted {}", path.display())?,
            Err(error) => code = code.max(report_load_error(&error, out)?),
        }
    }
    Ok(code)
}

/// Writes why a file could not be opened; returns the exit code for it.
fn report_open_error(error: &interop::OpenError, out: &mut dyn Write) -> io::Result<u8> {
    match error {
        interop::OpenError::Load(error) => report_load_error(error, out),
        other => {
            writeln!(out, "{other}")?;
            Ok(EXIT_INVALID)
        }
    }
}

/// Opens any map Procmap reads (RON or BPMN); an imported map's warnings are summed up on
/// `err`. `Err` carries the exit code.
fn load_any(path: &Path, err: &mut dyn Write) -> io::Result<Result<ProcessMap, u8>> {
    match interop::open(path) {
        Ok(opened) => {
            if !opened.warnings.is_empty() {
                writeln!(
                    err,
                    "{}: imported from {} with {} warning{} (see them with: procmap import {})",
                    path.display(),
                    opened.format.name,
                    opened.warnings.len(),
                    if opened.warnings.len() == 1 { "" } else { "s" },
                    path.display()
                )?;
            }
            Ok(Ok(opened.map))
        }
        Err(error) => Ok(Err(report_open_error(&error, err)?)),
    }
}

fn import(
    file: &Path,
    output: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let opened = match interop::open(file) {
        Ok(opened) => opened,
        Err(error) => return report_open_error(&error, err),
    };
    for warning in &opened.warnings {
        writeln!(err, "{}: warning: {warning}", file.display())?;
    }
    let text = match mapio::to_string(&opened.map) {
        Ok(text) => text,
        Err(error) => return report_load_error(&error, err),
    };
    match output {
        Some(path) => match mapio::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                writeln!(
                    err,
                    "wrote {} ({} nodes, {} flows, {} warning{})",
                    path.display(),
                    opened.map.nodes.len(),
                    opened.map.flows.len(),
                    opened.warnings.len(),
                    if opened.warnings.len() == 1 { "" } else { "s" }
                )?;
            }
            Err(error) => return report_load_error(&error, err),
        },
        None => out.write_all(text.as_bytes())?,
    }
    Ok(EXIT_OK)
}

/// Loads a map, or reports why not; `Err` carries the exit code.
fn load_valid(path: &Path, out: &mut dyn Write) -> io::Result<Result<ProcessMap, u8>> {
    let map = match load_any(path, out)? {
        Ok(map) => map,
        Err(code) => return Ok(Err(code)),
    };
    let problems = model::validate(&map);
    if model::has_errors(&problems) {
        for problem in problems.iter().filter(|p| p.severity == Severity::Error) {
            writeln!(out, "{}: {problem}", path.display())?;
        }
        writeln!(
            out,
            "{}: not simulated: fix the errors above first",
            path.display()
        )?;
        return Ok(Err(EXIT_INVALID));
    }
    Ok(Ok(map))
}

fn simulate(args: &SimulateArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let map = match load_valid(&args.file, err)? {
        Ok(map) => map,
        Err(code) => return Ok(code),
    };
    let mut settings = map.simulation;
    if let Some(cases) = args.cases {
        settings.cases = cases;
    }
    if let Some(replications) = args.replications {
        settings.replications = replications;
    }
    if let Some(seed) = args.seed {
        settings.seed = seed;
    }
    if let Some(warmup) = args.warmup {
        settings.warmup = warmup;
    }
    if args.no_outages {
        settings.outages = false;
    }
    if settings.cases == 0 || settings.replications == 0 {
        writeln!(err, "--cases and --replications must be at least 1")?;
        return Ok(EXIT_INVALID);
    }
    if let Some(why) =
        limits::simulation_too_big(settings.cases, settings.warmup, settings.replications)
    {
        writeln!(err, "{}: not simulated: {why}", args.file.display())?;
        return Ok(EXIT_INVALID);
    }
    if let Some(threads) = args.threads.filter(|t| *t > MAX_THREADS) {
        writeln!(
            err,
            "--threads {threads} is more than this tool uses (at most {MAX_THREADS})"
        )?;
        return Ok(EXIT_INVALID);
    }
    let log_format = match &args.log {
        None => None,
        Some(path) => match LogFormat::of_path(path) {
            Some(format) => Some((path, format)),
            None => {
                writeln!(
                    err,
                    "--log {}: unknown log format; the file name must end in {}",
                    path.display(),
                    LogFormat::ENDINGS
                )?;
                return Ok(EXIT_USAGE);
            }
        },
    };
    let control = sim::Control::default();
    let total = settings.cases.saturating_add(settings.warmup) * u64::from(settings.replications);
    let show_progress = io::stderr().is_terminal() && total >= 200_000;
    let result = std::thread::scope(|scope| {
        let progress = show_progress.then(|| {
            scope.spawn(|| {
                let mut stderr = io::stderr();
                while !control.is_finished() {
                    let done = control.cases_done();
                    #[allow(clippy::cast_precision_loss, reason = "a percentage for display")]
                    let percent = 100.0 * done as f64 / total.max(1) as f64;
                    let _ = write!(stderr, "\rsimulating: {percent:5.1}% of {total} cases");
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                let _ = write!(stderr, "\r{:60}\r", "");
            })
        });
        let result = if log_format.is_some() {
            sim::simulate_traced(&map, &settings, args.threads, &control)
                .map(|(result, log)| (result, Some(log)))
        } else {
            sim::simulate(&map, &settings, args.threads, &control).map(|result| (result, None))
        };
        control.finish();
        if let Some(handle) = progress {
            let _ = handle.join();
        }
        result
    });
    let (result, log) = match result {
        Ok(outcome) => outcome,
        Err(error) => {
            writeln!(err, "{}: {error}", args.file.display())?;
            return Ok(EXIT_INVALID);
        }
    };
    if let (Some((path, format)), Some(log)) = (log_format, log) {
        let written = mapio::write_atomic_with(path, |file| report::log::write(&log, format, file));
        match written {
            Ok(()) => writeln!(
                err,
                "wrote {} events of {} cases to {}",
                log.events.len(),
                log.cases.len(),
                path.display()
            )?,
            Err(error) => {
                writeln!(err, "{}: log not written: {error}", args.file.display())?;
                return Ok(EXIT_IO);
            }
        }
    }
    if args.json {
        let json = crate::report::json::simulation(&map, &result);
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        )?;
    } else {
        out.write_all(crate::report::text::simulation(&map, &result).as_bytes())?;
    }
    Ok(EXIT_OK)
}

fn impact(
    file: &Path,
    only: Option<&str>,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let map = match load_valid(file, err)? {
        Ok(map) => map,
        Err(code) => return Ok(code),
    };
    if let Some(id) = only {
        if !map.services.contains_key(id) {
            let known: Vec<&str> = map.services.keys().map(String::as_str).collect();
            writeln!(
                err,
                "{}: no service '{id}' (services: {})",
                file.display(),
                known.join(", ")
            )?;
            return Ok(EXIT_INVALID);
        }
    }
    let mut result = crate::analysis::impact(&map);
    if let Some(id) = only {
        result.services.retain(|s, _| s == id);
        result.ranking.retain(|s| s == id);
    }
    if json {
        let value = crate::report::json::impact(&result);
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
    } else {
        out.write_all(crate::report::text::impact(&map, &result).as_bytes())?;
    }
    Ok(EXIT_OK)
}

fn export(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    use crate::report::export::{self, Format};
    use crate::report::{handbook, pdf};
    let map = match load_any(&args.file, err)? {
        Ok(map) => map,
        Err(code) => return Ok(code),
    };
    let too_big = model::size_problems(&map);
    if !too_big.is_empty() {
        for problem in &too_big {
            writeln!(err, "{}: {problem}", args.file.display())?;
        }
        writeln!(
            err,
            "{}: not exported: the map is too large",
            args.file.display()
        )?;
        return Ok(EXIT_INVALID);
    }
    let elements = map.nodes.len() + map.services.len();
    if args.pdf.is_some() && elements > limits::MAX_PDF_ELEMENTS {
        // Say so before a long --simulate, not after it.
        writeln!(
            err,
            "{}: not exported: {elements} nodes and services; a PDF handbook holds at most {} \
             (export SVG or Markdown instead)",
            args.file.display(),
            limits::MAX_PDF_ELEMENTS
        )?;
        return Ok(EXIT_INVALID);
    }
    let results = if args.simulate {
        match sim::simulate(&map, &map.simulation, None, &sim::Control::default()) {
            Ok(result) => Some(result),
            Err(error) => {
                writeln!(err, "{}: not simulated: {error}", args.file.display())?;
                return Ok(EXIT_INVALID);
            }
        }
    } else {
        None
    };
    let capacity = if args.plan {
        match capacity_study(&map) {
            Ok(study) => Some(study),
            Err(error) => {
                writeln!(err, "{}: no capacity plan: {error}", args.file.display())?;
                return Ok(EXIT_INVALID);
            }
        }
    } else {
        None
    };
    let evidence = match &args.evidence {
        Some(log) => match discover::evidence(log, &map, err)? {
            Ok(found) => Some(found),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let mut book = handbook::build(&map, results.as_ref(), handbook::today());
    if let Some(study) = &capacity {
        book = book.with_capacity(study);
    }
    if let Some((found, comparison)) = &evidence {
        book = book.with_evidence(found, Some(comparison));
    }
    let paper = match args.paper {
        PaperArg::A4 => pdf::Paper::A4,
        PaperArg::Letter => pdf::Paper::Letter,
    };
    let targets = [
        (Format::Pdf, &args.pdf),
        (Format::Svg, &args.svg),
        (Format::Markdown, &args.markdown),
        (Format::Bpmn, &args.bpmn),
    ];
    for (format, path) in targets {
        let Some(path) = path else {
            continue;
        };
        match export::export(&book, &map, format, path, paper) {
            Ok(written) => {
                for file in written {
                    writeln!(out, "wrote {} {}", file.what, file.path.display())?;
                }
            }
            Err(error) => {
                writeln!(err, "{}: {error}", args.file.display())?;
                let code = if matches!(error, export::ExportError::TooBig { .. }) {
                    EXIT_INVALID
                } else {
                    EXIT_IO
                };
                return Ok(code);
            }
        }
    }
    Ok(EXIT_OK)
}

/// The three capacity studies of `export --plan`, each with its progress line.
fn capacity_study(
    map: &model::ProcessMap,
) -> Result<crate::report::handbook::CapacityStudy, crate::sim::plan::PlanError> {
    use crate::sim::plan::{self as planning, Objective, PlanOptions, headroom};
    let settings = map.simulation;
    let options = PlanOptions {
        objective: Objective::Cost,
        settings,
        max_capacity: None,
    };
    let found = plan::with_progress("optimize", |c| planning::optimize(map, &options, c))?;
    let room = plan::with_progress("headroom", |c| headroom::headroom(map, &settings, c))?;
    let ranked = plan::with_progress("sensitivity", |c| headroom::sensitivity(map, &settings, c))?;
    Ok(crate::report::handbook::CapacityStudy {
        plan: found,
        headroom: room,
        sensitivity: ranked,
    })
}

/// Opens the desktop editor on `file` (or the most recent file, or the bundled sample).
pub fn open_editor(file: Option<&Path>, err: &mut dyn Write) -> ExitCode {
    match crate::ui::run(file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(err, "procmap: {error:#}");
            ExitCode::from(EXIT_IO)
        }
    }
}
