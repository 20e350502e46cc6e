//! `procmap optimize`, `procmap headroom` and `procmap sensitivity`: capacity planning on the
//! command line. The searches live in `sim::plan`, their reports in `report::plan`.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{EXIT_INVALID, EXIT_OK, load_valid};
use crate::model::{ProcessMap, Simulation, limits};
use crate::sim::plan::{self, Objective, PlanError, PlanOptions};
use crate::sim::{self, plan::headroom};

/// Exit code: the flags make no sense together (as clap's own usage errors).
pub const EXIT_USAGE: u8 = 2;

/// What `optimize` minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ObjectiveArg {
    /// The lowest staff cost per hour meeting every SLA.
    Cost,
    /// The lowest p90 cycle time within `--budget`.
    P90,
}

/// Simulation flags shared by the planning commands; each overrides the map's settings.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Cases measured per replication, for every candidate.
    #[arg(long)]
    pub cases: Option<u64>,
    /// Independent replications per candidate (at least 2 give confidence intervals).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Random seed, the same for every candidate.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print one JSON object instead of the readable report.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `procmap optimize`.
#[derive(Debug, clap::Args)]
pub struct OptimizeArgs {
    /// The map file (.ron).
    pub file: PathBuf,
    /// What to minimise.
    #[arg(long, value_enum, default_value = "cost")]
    pub objective: ObjectiveArg,
    /// Staff cost per hour allowed (with `--objective p90`).
    #[arg(long, required_if_eq("objective", "p90"))]
    pub budget: Option<f64>,
    /// Largest capacity any owner may get.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(limits::MAX_CAPACITY)))]
    pub max_capacity: Option<u32>,
    /// Simulation settings.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Flags of `procmap headroom` and `procmap sensitivity`.
#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// The map file (.ron).
    pub file: PathBuf,
    /// Simulation settings.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The map's settings with the flags applied, or the exit code of why not.
fn settings(
    map: &ProcessMap,
    args: &RunArgs,
    file: &std::path::Path,
    err: &mut dyn Write,
) -> io::Result<Result<Simulation, u8>> {
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
    if settings.cases == 0 || settings.replications == 0 {
        writeln!(err, "--cases and --replications must be at least 1")?;
        return Ok(Err(EXIT_INVALID));
    }
    if let Some(why) =
        limits::simulation_too_big(settings.cases, settings.warmup, settings.replications)
    {
        writeln!(err, "{}: not simulated: {why}", file.display())?;
        return Ok(Err(EXIT_INVALID));
    }
    Ok(Ok(settings))
}

/// Runs `work` with a line on a terminal's stderr counting the cases simulated so far.
pub(super) fn with_progress<T>(label: &str, work: impl FnOnce(&sim::Control) -> T) -> T {
    use std::io::IsTerminal as _;
    let control = sim::Control::default();
    if !io::stderr().is_terminal() {
        return work(&control);
    }
    std::thread::scope(|scope| {
        let progress = scope.spawn(|| {
            let mut stderr = io::stderr();
            while !control.is_finished() {
                let _ = write!(
                    stderr,
                    "\r{label}: {} cases simulated",
                    control.cases_done()
                );
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            let _ = write!(stderr, "\r{:60}\r", "");
        });
        let result = work(&control);
        control.finish();
        let _ = progress.join();
        result
    })
}

fn print_json(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

/// `procmap optimize`: exits 0 with a plan, 1 when it is infeasible within the bounds or the
/// map is invalid, 2 on flags that do not fit together.
pub(super) fn optimize(
    args: &OptimizeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let objective = match (args.objective, args.budget) {
        (ObjectiveArg::Cost, None) => Objective::Cost,
        (ObjectiveArg::Cost, Some(_)) => {
            writeln!(err, "--budget only applies with --objective p90")?;
            return Ok(EXIT_USAGE);
        }
        (ObjectiveArg::P90, Some(budget)) if budget.is_finite() && budget > 0.0 => Objective::P90 {
            budget_per_hour: budget,
        },
        (ObjectiveArg::P90, budget) => {
            writeln!(
                err,
                "--objective p90 needs --budget, a positive staff cost per hour (found {})",
                budget.map_or_else(|| "none".to_owned(), |b| b.to_string())
            )?;
            return Ok(EXIT_USAGE);
        }
    };
    let map = match load_valid(&args.file, err)? {
        Ok(map) => map,
        Err(code) => return Ok(code),
    };
    let settings = match settings(&map, &args.run, &args.file, err)? {
        Ok(settings) => settings,
        Err(code) => return Ok(code),
    };
    let options = PlanOptions {
        objective,
        settings,
        max_capacity: args.max_capacity,
    };
    let plan = match with_progress("optimising", |c| plan::optimize(&map, &options, c)) {
        Ok(plan) => plan,
        Err(error @ (PlanError::NoOwners | PlanError::BadBudget(_) | PlanError::Sim(_))) => {
            writeln!(err, "{}: {error}", args.file.display())?;
            return Ok(EXIT_INVALID);
        }
    };
    if args.run.json {
        print_json(out, &crate::report::plan::plan_json(&plan))?;
    } else {
        out.write_all(crate::report::plan::plan_text(&map, &plan).as_bytes())?;
    }
    Ok(if plan.feasible { EXIT_OK } else { EXIT_INVALID })
}

/// `procmap headroom`.
pub(super) fn headroom(
    args: &StudyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    study(
        args,
        "headroom",
        out,
        err,
        headroom::headroom,
        |map, found, json| {
            if json {
                serde_json::to_string_pretty(&crate::report::plan::headroom_json(found))
                    .unwrap_or_default()
            } else {
                crate::report::plan::headroom_text(map, found)
            }
        },
    )
}

/// `procmap sensitivity`.
pub(super) fn sensitivity(
    args: &StudyArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    study(
        args,
        "sensitivity",
        out,
        err,
        headroom::sensitivity,
        |map, found, json| {
            if json {
                serde_json::to_string_pretty(&crate::report::plan::sensitivity_json(map, found))
                    .unwrap_or_default()
            } else {
                crate::report::plan::sensitivity_text(map, found)
            }
        },
    )
}

/// The shared shape of `headroom` and `sensitivity`: load and validate the map, take the run
/// settings, run the study with progress, print it as JSON or text.
fn study<T, E: std::fmt::Display>(
    args: &StudyArgs,
    name: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
    run: impl FnOnce(&ProcessMap, &Simulation, &sim::Control) -> Result<T, E>,
    show: impl FnOnce(&ProcessMap, &T, bool) -> String,
) -> io::Result<u8> {
    let map = match load_valid(&args.file, err)? {
        Ok(map) => map,
        Err(code) => return Ok(code),
    };
    let settings = match settings(&map, &args.run, &args.file, err)? {
        Ok(settings) => settings,
        Err(code) => return Ok(code),
    };
    let found = match with_progress(name, |c| run(&map, &settings, c)) {
        Ok(found) => found,
        Err(error) => {
            writeln!(err, "{}: {error}", args.file.display())?;
            return Ok(EXIT_INVALID);
        }
    };
    if args.run.json {
        writeln!(out, "{}", show(&map, &found, true))?;
    } else {
        out.write_all(show(&map, &found, false).as_bytes())?;
    }
    Ok(EXIT_OK)
}
