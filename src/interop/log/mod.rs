//! Event logs in: CSV (any of `,` `;` tab `|`, quoted fields, UTF-8 with or without BOM) and
//! XES (`.xes`, gzipped or not), read into a [`model::log::EventLog`](crate::model::log::EventLog).
//!
//! Reading is two passes over the start and one over the rest: [`preview`] (also the first step
//! of [`read_log`]) reads the first rows, finds the columns ([`Columns`]) and the timestamp format
//! of each timestamp column (`time`); [`read_log`] then streams every row through
//! `assemble`, which pairs lifecycle starts with their completions and counts bad rows by line.
//! When a day-first/month-first guess made from the first rows is contradicted later, the file
//! is read again with the other order (at most once per timestamp column).

use std::path::{Path, PathBuf};

use crate::model::log::EventLog;

mod assemble;
mod columns;
mod csv;
mod source;
pub mod time;
mod xes;

pub use columns::Columns;

use assemble::Assembler;
use columns::{ColumnProblem, Indices, Role};
use time::{Detected, TimeFormat};

/// Rows of the start read to find the columns and timestamp formats.
const SAMPLE_ROWS: usize = 1_000;
/// Rows between two calls of the progress callback.
const PROGRESS_EVERY: u64 = 16_384;

/// The format of a log file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Delimited text.
    Csv {
        /// The field delimiter (`,`, `;`, tab or `|`).
        delimiter: u8,
        /// True when the file is gzipped.
        gzip: bool,
    },
    /// XES XML.
    Xes {
        /// True when the file is gzipped.
        gzip: bool,
    },
}

/// The first rows of a log, for an import dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// The format found.
    pub format: LogFormat,
    /// Column names (for XES, `case:KEY` for trace attributes, then event attribute keys, in
    /// the order first seen).
    pub headers: Vec<String>,
    /// The first rows, as text, one value per header (XES: empty where an event lacks one).
    pub rows: Vec<Vec<String>>,
    /// The columns recognised by name (`None` where none was).
    pub recognised: Columns,
    /// The format of the recognised timestamp column's values, when they are readable.
    pub timestamp_format: Option<String>,
}

/// A row that did not become an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// Line in the file (1-based; for XES the line of the `<event>`).
    pub line: u64,
    /// What was wrong.
    pub reason: String,
}

/// What reading a log found besides the events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadReport {
    /// Rows read (CSV records after the header, or XES events), good and bad.
    pub rows: u64,
    /// Events in the log.
    pub events: u64,
    /// Rows left out because they were bad.
    pub bad_rows: u64,
    /// The first bad rows, with line numbers (at most 20).
    pub bad: Vec<BadRow>,
    /// Rows with a lifecycle transition other than start and complete (schedule, assign,
    /// suspend, resume, abort...), ignored.
    pub other_transitions: u64,
    /// Starts that no completion followed (dropped).
    pub unpaired_starts: u64,
    /// The columns used.
    pub columns: Columns,
    /// The timestamp format(s) used, as text.
    pub timestamp_format: String,
    /// Everything the reader assumed or left out, one line each.
    pub warnings: Vec<String>,
}

/// A log read from a file.
#[derive(Clone, Debug)]
pub struct LogRead {
    /// The events.
    pub log: EventLog,
    /// What was read, assumed and left out.
    pub report: ReadReport,
}

/// Why a log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The file could not be read (or its gzip data is corrupt).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not an event log (empty, binary, HTML, another XML, or no case, activity or
    /// timestamp column).
    #[error("{}: not an event log: {reason}", path.display())]
    NotALog {
        /// The file.
        path: PathBuf,
        /// Why, with the columns found and the flag that names one.
        reason: String,
    },
    /// A column named by an override is not in the file.
    #[error("{}: no column \"{name}\" for the {what} ({flag}); the columns are {found}", path.display())]
    UnknownColumn {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        name: String,
        /// What it was to hold ("case", "start timestamp").
        what: &'static str,
        /// The flag that named it.
        flag: &'static str,
        /// The columns of the file, listed.
        found: String,
    },
    /// The file breaks its format (malformed XML, bad CSV quoting).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: u64,
        /// Column (1-based, bytes; 0 when unknown).
        column: u64,
        /// What was wrong.
        message: String,
    },
    /// The file asks for more than a bound of `model::limits` allows.
    #[error("{}:{line}: too big: {message}", path.display())]
    TooBig {
        /// The file.
        path: PathBuf,
        /// Line where it was found (1-based).
        line: u64,
        /// Which bound.
        message: String,
    },
    /// The progress callback asked to stop.
    #[error("cancelled")]
    Cancelled,
}

/// True for the extensions of event logs: `.csv`, `.tsv`, `.xes`, and those gzipped
/// (`.csv.gz`, `.tsv.gz`, `.xes.gz`, `.xez`). Any file can still be passed to [`read_log`].
#[must_use]
pub fn is_log_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".csv", ".tsv", ".xes", ".xez"]
        .iter()
        .any(|ext| name.ends_with(ext) && name.len() > ext.len())
}

/// The start of a log: what the readers find in the first rows.
struct Head {
    format: LogFormat,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// File bytes per row over the head, to reserve room for the events.
    bytes_per_row: Option<f64>,
}

fn head(path: &Path, rows: usize) -> Result<Head, LogError> {
    let source = source::open(path)?;
    match source.kind {
        source::Kind::Text => csv::head(path, source, rows),
        source::Kind::Xml => xes::head(path, source, rows),
    }
}

/// The first `rows` rows of the log in `path`, its format and the columns recognised.
///
/// # Errors
/// As [`read_log`], except that missing columns are no error here (the dialog lets the user
/// name them).
pub fn preview(path: &Path, rows: usize) -> Result<Preview, LogError> {
    let mut head = head(path, rows.max(SAMPLE_ROWS))?;
    let recognised = match columns::resolve(&head.headers, &Columns::default()) {
        Ok((indices, _)) => indices,
        Err(_) => columns::recognise_partly(&head.headers),
    };
    let timestamp_format = recognised
        .timestamp
        .and_then(|i| {
            time::detect(
                head.rows
                    .iter()
                    .filter_map(|r| r.get(i).map(String::as_str)),
            )
        })
        .map(|d| d.format.to_string());
    head.rows.truncate(rows);
    Ok(Preview {
        format: head.format,
        recognised: recognised.named(&head.headers),
        headers: head.headers,
        rows: head.rows,
        timestamp_format,
    })
}

/// How to read the rows: the columns and the timestamp formats.
#[derive(Clone, Debug)]
struct Plan {
    headers: Vec<String>,
    indices: Indices,
    timestamp: Detected,
    start: Option<Detected>,
    warnings: Vec<String>,
    reserve: usize,
}

fn plan(path: &Path, head: &Head, overrides: &Columns) -> Result<Plan, LogError> {
    let (indices, start_only) =
        columns::resolve(&head.headers, overrides).map_err(|problem| match problem {
            ColumnProblem::Unknown { role, name } => LogError::UnknownColumn {
                path: path.to_owned(),
                name,
                what: role.what(),
                flag: role.flag(),
                found: columns::listed(&head.headers),
            },
            ColumnProblem::Missing(roles) => LogError::NotALog {
                path: path.to_owned(),
                reason: format!(
                    "no column for the {} among the columns {} (name {} with {})",
                    or_list(&roles.iter().map(|r| r.what()).collect::<Vec<_>>()),
                    columns::listed(&head.headers),
                    if roles.len() == 1 { "it" } else { "them" },
                    roles
                        .iter()
                        .map(|r| format!("{} COLUMN", r.flag()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        })?;
    let mut warnings = Vec::new();
    if start_only {
        warnings.push(format!(
            "the only timestamp column is \"{}\", a start column: its times are read as the events' times (completion-only)",
            head.headers.get(indices.timestamp.unwrap_or(0)).map_or("", String::as_str)
        ));
    }
    let detect = |role: Role, required: bool| -> Result<Option<Detected>, LogError> {
        let Some(i) = indices.get(role) else {
            return Ok(None);
        };
        let values: Vec<&str> = head
            .rows
            .iter()
            .filter_map(|r| r.get(i).map(String::as_str))
            .collect();
        match time::detect(values.iter().copied()) {
            Some(found) => Ok(Some(found)),
            None if !required || values.iter().all(|v| v.trim().is_empty()) => Ok(Some(Detected {
                format: TimeFormat::YearFirst,
                ambiguous: false,
                parsed: 0,
                sampled: 0,
            })),
            None => Err(LogError::NotALog {
                path: path.to_owned(),
                reason: format!(
                    "the {} column \"{}\" holds no timestamps Procmap reads (first values: {}); it reads ISO 8601, dd/mm/yyyy, mm/dd/yyyy, yyyy/mm/dd, dd.mm.yyyy and epoch numbers (name another column with {} COLUMN)",
                    role.what(),
                    head.headers.get(i).map_or("", String::as_str),
                    columns::listed(
                        &values
                            .iter()
                            .take(3)
                            .map(|v| (*v).to_owned())
                            .collect::<Vec<_>>()
                    ),
                    role.flag()
                ),
            }),
        }
    };
    let timestamp = detect(Role::Timestamp, true)?.unwrap_or(Detected {
        format: TimeFormat::YearFirst,
        ambiguous: false,
        parsed: 0,
        sampled: 0,
    });
    let start = detect(Role::Start, false)?;
    for (role, found) in [(Role::Timestamp, Some(timestamp)), (Role::Start, start)] {
        if let Some(found) = found.filter(|f| f.ambiguous) {
            warnings.push(format!(
                "{} column: no day or month above 12 in the first {} values; day first (dd/mm/yyyy) assumed",
                role.what(),
                found.sampled
            ));
        }
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an estimate"
    )]
    let reserve = head.bytes_per_row.map_or(0, |per_row| {
        let total = std::fs::metadata(path).map_or(0, |m| m.len()) as f64;
        (total / per_row.max(1.0) * 1.02) as usize
    });
    Ok(Plan {
        headers: head.headers.clone(),
        indices,
        timestamp,
        start,
        warnings,
        reserve,
    })
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What one pass over the rows ended with.
enum Pass {
    /// Every row read.
    Done(Box<Assembler>, Vec<String>),
    /// A value (on this line) contradicted the day-first/month-first guess of this column:
    /// read again.
    Swap(Role, u64),
}

/// Reads the event log in `path`.
///
/// `columns` overrides recognition (see [`Columns`]). `progress(done, total)` is called every
/// few thousand rows with the file bytes read and the file size; when it returns false the read
/// stops with [`LogError::Cancelled`].
///
/// # Errors
/// [`LogError::Io`] when the file cannot be read, [`LogError::NotALog`] when it is not a log
/// (with the columns found), [`LogError::UnknownColumn`] when an override names no column,
/// [`LogError::Parse`] for malformed XML or CSV, [`LogError::TooBig`] past a bound, and
/// [`LogError::Cancelled`].
pub fn read_log(
    path: &Path,
    columns: &Columns,
    progress: &dyn Fn(u64, u64) -> bool,
) -> Result<LogRead, LogError> {
    let head = head(path, SAMPLE_ROWS)?;
    let mut plan = plan(path, &head, columns)?;
    for _ in 0..3 {
        let source = source::open(path)?;
        let pass = match head.format {
            LogFormat::Csv { delimiter, .. } => {
                csv::read(path, source, delimiter, &plan, progress)?
            }
            LogFormat::Xes { .. } => xes::read(path, source, &plan, progress)?,
        };
        match pass {
            Pass::Done(assembler, warnings) => {
                return Ok(finish(&head, &plan, *assembler, warnings));
            }
            Pass::Swap(role, line) => {
                let slot = if role == Role::Start {
                    plan.start.as_mut()
                } else {
                    Some(&mut plan.timestamp)
                };
                if let Some(found) = slot {
                    found.format = found.format.swapped();
                    found.ambiguous = false;
                    plan.warnings.retain(|w| !w.starts_with(role.what()));
                    plan.warnings.push(format!(
                        "{} column: the value on line {line} showed the dates are {}; the file was read that way",
                        role.what(),
                        found.format
                    ));
                }
            }
        }
    }
    Err(LogError::Parse {
        path: path.to_owned(),
        line: 0,
        column: 0,
        message: "the dates are neither consistently day first nor month first".to_owned(),
    })
}

fn finish(head: &Head, plan: &Plan, assembler: Assembler, extra: Vec<String>) -> LogRead {
    let mut warnings = plan.warnings.clone();
    warnings.extend(extra);
    let rows = assembler.rows;
    let bad_rows = assembler.bad_rows;
    let bad = assembler.bad.clone();
    let other = assembler.other_transitions;
    let reversed = assembler.reversed_pairs;
    let (log, unpaired_starts) = assembler.finish();
    if unpaired_starts > 0 {
        warnings.push(format!(
            "{unpaired_starts} starts were never completed and were left out"
        ));
    }
    if other > 0 {
        warnings.push(format!(
            "{other} rows with another lifecycle transition (schedule, assign, suspend, resume...) were ignored"
        ));
    }
    if reversed > 0 {
        warnings.push(format!(
            "{reversed} completions came before the start they were paired with; their work time is 0"
        ));
    }
    if bad_rows > 0 {
        warnings.push(if bad_rows == 1 {
            "1 bad row was left out (listed with its line)".to_owned()
        } else {
            format!("{bad_rows} bad rows were left out (the first are listed with their lines)")
        });
    }
    if log.events.is_empty() {
        warnings.push("the log has no events".to_owned());
    }
    let mut timestamp_format = plan.timestamp.format.to_string();
    if let Some(start) = plan.start.filter(|s| s.format != plan.timestamp.format) {
        timestamp_format = format!("{timestamp_format}; start: {}", start.format);
    }
    let report = ReadReport {
        rows,
        events: log.events.len() as u64,
        bad_rows,
        bad,
        other_transitions: other,
        unpaired_starts,
        columns: plan.indices.named(&head.headers),
        timestamp_format,
        warnings,
    };
    LogRead { log, report }
}
