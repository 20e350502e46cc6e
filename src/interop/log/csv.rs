//! CSV logs: the delimiter sniffed from the first lines, records streamed by the `csv` crate
//! (quoted fields with delimiters and newlines inside, CRLF or LF), one header row.

use std::borrow::Cow;
use std::path::Path;

use csv::{ByteRecord, ReaderBuilder};

use crate::model::limits;

use super::assemble::{Assembler, Row, Transition};
use super::columns::Role;
use super::source::{self, HEAD_BYTES, Source};
use super::time::{self, Detected, Stamp};
use super::{Head, LogError, LogFormat, PROGRESS_EVERY, Pass, Plan};

/// The delimiters tried, preferred in this order when they score the same.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter that splits the first lines into the most columns, the same number on every
/// line (`,` when none splits them).
fn sniff(head: &[u8]) -> u8 {
    let sample = if head.len() >= HEAD_BYTES {
        head.iter().rposition(|&b| b == b'\n').map_or(head, |end| head.get(..end).unwrap_or(head))
    } else {
        head
    };
    let mut best = (b',', (0, 0));
    for delimiter in DELIMITERS {
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let counts: Vec<usize> = reader.byte_records().take(50).map_while(Result::ok).map(|r| r.len()).collect();
        let Some(&width) = counts.first() else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let same = counts.iter().filter(|&&c| c == width).count();
        let score = (same * 1000 / counts.len(), width);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

fn reader(source: Source, delimiter: u8) -> csv::Reader<source::Stream> {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 << 10)
        .from_reader(source.stream)
}

fn failure(path: &Path, line: u64, error: csv::Error) -> LogError {
    let line = error.position().map_or(line, csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(io) => source::io_failure(path, line, io),
        other => LogError::Parse {
            path: path.to_owned(),
            line,
            column: 0,
            message: format!("{other:?}"),
        },
    }
}

/// Reads the header row; fails past [`limits::MAX_LOG_COLUMNS`].
fn header(path: &Path, reader: &mut csv::Reader<source::Stream>, record: &mut ByteRecord) -> Result<Vec<String>, LogError> {
    if !reader.read_byte_record(record).map_err(|e| failure(path, 1, e))? {
        return Err(LogError::NotALog {
            path: path.to_owned(),
            reason: "it is empty".to_owned(),
        });
    }
    if record.len() > limits::MAX_LOG_COLUMNS {
        return Err(LogError::TooBig {
            path: path.to_owned(),
            line: 1,
            message: format!("{} columns; at most {}", record.len(), limits::MAX_LOG_COLUMNS),
        });
    }
    Ok(record.iter().map(|f| source::text(f).0.trim().to_owned()).collect())
}

pub(super) fn head(path: &Path, source: Source, rows: usize) -> Result<Head, LogError> {
    let delimiter = sniff(&source.head);
    let gzip = source.gzip;
    let counters = std::rc::Rc::clone(&source.counters);
    let mut reader = reader(source, delimiter);
    let mut record = ByteRecord::new();
    let headers = header(path, &mut reader, &mut record)?;
    counters.record_done();
    let mut found = Vec::new();
    let mut first_byte = None;
    let mut last_byte = 0;
    while found.len() < rows && reader.read_byte_record(&mut record).map_err(|e| failure(path, 0, e))? {
        counters.record_done();
        let byte = record.position().map_or(0, csv::Position::byte);
        first_byte.get_or_insert(byte);
        last_byte = byte;
        found.push(record.iter().map(|f| source::text(f).0.into_owned()).collect());
    }
    #[allow(clippy::cast_precision_loss, reason = "an estimate")]
    let bytes_per_row = match (gzip, first_byte) {
        (false, Some(first)) if found.len() > 1 => Some((last_byte - first) as f64 / (found.len() - 1) as f64),
        _ => None,
    };
    Ok(Head {
        format: LogFormat::Csv { delimiter, gzip },
        headers,
        rows: found,
        bytes_per_row,
    })
}

/// A timestamp field: `Ok(None)` when empty, `Err(Ok(reason))` when unreadable, `Err(Err(()))`
/// when it shows that the day-first/month-first guess was wrong.
pub(super) fn stamp(detected: Detected, role: Role, value: &str) -> Result<Option<Stamp>, Result<String, ()>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(stamp) = time::parse(detected.format, value) {
        return Ok(Some(stamp));
    }
    if detected.ambiguous && time::parse(detected.format.swapped(), value).is_some() {
        return Err(Err(()));
    }
    let shown: String = value.chars().take(60).collect();
    Err(Ok(format!(
        "the {} \"{}\" is not {}",
        role.what(),
        limits::printable(&shown),
        detected.format
    )))
}

pub(super) fn read(
    path: &Path,
    source: Source,
    delimiter: u8,
    plan: &Plan,
    progress: &dyn Fn(u64, u64) -> bool,
) -> Result<Pass, LogError> {
    let total = source.total;
    let counters = std::rc::Rc::clone(&source.counters);
    let mut reader = reader(source, delimiter);
    let mut record = ByteRecord::new();
    header(path, &mut reader, &mut record)?;
    counters.record_done();
    let mut assembler = Assembler::new();
    assembler.reserve(plan.reserve);
    let width = plan.headers.len();
    let ix = plan.indices;
    let mut latin1 = 0u64;
    let mut line = 1;
    loop {
        if assembler.rows % PROGRESS_EVERY == 0 && !progress(counters.file_bytes.get(), total) {
            return Err(LogError::Cancelled);
        }
        if !reader.read_byte_record(&mut record).map_err(|e| failure(path, line, e))? {
            break;
        }
        counters.record_done();
        line = record.position().map_or(line + 1, csv::Position::line);
        let too_big = |e: super::assemble::TooBig| LogError::TooBig {
            path: path.to_owned(),
            line,
            message: e.0,
        };
        if record.len() != width {
            assembler
                .bad(line, format!("{} fields where the header has {width}", record.len()))
                .map_err(too_big)?;
            continue;
        }
        let field = |index: Option<usize>| -> (Cow<'_, str>, bool) {
            index.and_then(|i| record.get(i)).map_or((Cow::Borrowed(""), true), source::text)
        };
        let fields = [ix.case, ix.activity, ix.resource, ix.group, ix.lifecycle, ix.timestamp, ix.start].map(field);
        latin1 += fields.iter().filter(|(_, utf8)| !utf8).count() as u64;
        let [case, activity, resource, group, lifecycle, complete, start] = fields.map(|(text, _)| text);
        let mut problem = None;
        let mut times = [None, None];
        for (slot, role, value, detected) in [
            (0, Role::Timestamp, &complete, Some(plan.timestamp)),
            (1, Role::Start, &start, plan.start),
        ] {
            let Some(detected) = detected else {
                continue;
            };
            match stamp(detected, role, value) {
                Ok(found) => times[slot] = found,
                Err(Err(())) => return Ok(Pass::Swap(role, line)),
                Err(Ok(reason)) => problem = problem.or(Some(reason)),
            }
        }
        if let Some(reason) = problem {
            assembler.bad(line, reason).map_err(too_big)?;
            continue;
        }
        let transition = if ix.lifecycle.is_some() {
            Transition::of(&lifecycle)
        } else {
            Transition::Complete
        };
        // A start row may carry its time in the start column only.
        let (time, own_start) = match transition {
            Transition::Start => (times[0].or(times[1]), None),
            _ => (times[0], times[1]),
        };
        assembler
            .push(&Row {
                line,
                case: &case,
                activity: &activity,
                resource: &resource,
                group: &group,
                transition,
                time,
                start: own_start,
            })
            .map_err(too_big)?;
    }
    progress(total, total);
    let mut warnings = Vec::new();
    if latin1 > 0 {
        warnings.push(format!(
            "{latin1} fields were not UTF-8 and were read as Latin-1 (save the file as UTF-8 to be sure)"
        ));
    }
    Ok(Pass::Done(assembler, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_delimiter_that_splits_consistently() {
        assert_eq!(sniff(b"a;b;c\n1;\"x;y\";3\n4;5;6\n"), b';');
        assert_eq!(sniff(b"a,b\tc\n1,2\t3\n"), b',');
        assert_eq!(sniff(b"a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff(b"a|b\n1|2\n"), b'|');
        assert_eq!(sniff(b"just one column\nvalue\n"), b',');
    }
}
