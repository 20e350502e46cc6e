//! CSV logs: the delimiter sniffed from the first lines, records split by `csv-core`
//! (the parser under `BurntSushi`'s `csv` crate: quoted fields with delimiters and newlines inside, CRLF or LF), one
//! header row. The records are buffered here rather than by the `csv` crate, whose line numbers
//! miss the newlines inside quoted fields and count skipped blank lines into the next record:
//! here a record's line is exact, and a record past [`limits::MAX_LOG_RECORD_BYTES`] (an
//! unclosed quote) stops the read instead of growing without bound.

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::path::Path;

use csv_core::{ReadRecordResult, ReaderBuilder};

use crate::model::limits;

use super::assemble::{Assembler, Row, Transition};
use super::columns::Role;
use super::source::{self, Bound, HEAD_BYTES, Source};
use super::time::{self, Detected, Stamp};
use super::{Head, LogError, LogFormat, PROGRESS_EVERY, Pass, Plan};

/// The delimiters tried, preferred in this order when they score the same.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Records of delimited text, one at a time, with the line each starts on.
struct Records {
    core: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    /// Newlines consumed so far.
    newlines: u64,
    /// The line the last record starts on (1-based).
    line: u64,
    /// Bytes consumed so far.
    bytes: u64,
}

impl Records {
    fn new(delimiter: u8) -> Self {
        Self {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            fields: vec![0; 4096],
            ends: vec![0; 32],
            len: 0,
            newlines: 0,
            line: 0,
            bytes: 0,
        }
    }

    /// Reads the next record; false at the end.
    fn next(&mut self, input: &mut impl BufRead) -> io::Result<bool> {
        let (mut out, mut end) = (0, 0);
        let mut leading = true;
        let mut start = self.newlines;
        loop {
            // On an error, `line` is the line of the record that failed.
            self.line = start + 1;
            let buf = input.fill_buf()?;
            let (result, nin, nout, nend) = self.core.read_record(
                buf,
                self.fields.get_mut(out..).unwrap_or_default(),
                self.ends.get_mut(end..).unwrap_or_default(),
            );
            let taken = buf.get(..nin).unwrap_or_default();
            if leading {
                // Blank lines before a record belong to no record.
                let blank = taken
                    .iter()
                    .take_while(|&&b| b == b'\n' || b == b'\r')
                    .count();
                start += newlines(taken.get(..blank).unwrap_or_default());
                leading = blank == taken.len();
            }
            self.newlines += newlines(taken);
            self.bytes += nin as u64;
            input.consume(nin);
            out += nout;
            end += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.fields.len() as u64 >= limits::MAX_LOG_RECORD_BYTES {
                        return Err(io::Error::other(Bound(format!(
                            "a record longer than {} KB (an unclosed quote?)",
                            limits::MAX_LOG_RECORD_BYTES >> 10
                        ))));
                    }
                    self.fields.resize(self.fields.len() * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() > limits::MAX_LOG_COLUMNS {
                        return Err(io::Error::other(Bound(format!(
                            "a record with more than {} fields",
                            limits::MAX_LOG_COLUMNS
                        ))));
                    }
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                ReadRecordResult::Record => {
                    self.len = end;
                    self.line = start + 1;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let from = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.fields.get(from..*self.ends.get(i)?)
    }

    fn texts(&self) -> impl Iterator<Item = Cow<'_, str>> {
        (0..self.len).map(|i| source::text(self.get(i).unwrap_or_default()).0)
    }
}

/// Line feeds in `bytes`.
pub(super) fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The delimiter that splits the first lines into the most columns, the same number on every
/// line (`,` when none splits them).
fn sniff(head: &[u8]) -> u8 {
    let sample = if head.len() >= HEAD_BYTES {
        head.iter()
            .rposition(|&b| b == b'\n')
            .map_or(head, |end| head.get(..end).unwrap_or(head))
    } else {
        head
    };
    let mut best = (b',', (0, 0));
    for delimiter in DELIMITERS {
        let mut records = Records::new(delimiter);
        let mut input = sample;
        let mut counts = Vec::new();
        while counts.len() < 50 && records.next(&mut input).unwrap_or(false) {
            counts.push(records.len());
        }
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

/// Reads the header row.
fn header(
    path: &Path,
    records: &mut Records,
    input: &mut source::Stream,
) -> Result<Vec<String>, LogError> {
    if !records
        .next(input)
        .map_err(|e| source::io_failure(path, 1, e))?
    {
        return Err(LogError::NotALog {
            path: path.to_owned(),
            reason: "it is empty".to_owned(),
        });
    }
    Ok(records.texts().map(|f| f.trim().to_owned()).collect())
}

pub(super) fn head(path: &Path, mut source: Source, rows: usize) -> Result<Head, LogError> {
    let delimiter = sniff(&source.head);
    let gzip = source.gzip;
    let mut records = Records::new(delimiter);
    let headers = header(path, &mut records, &mut source.stream)?;
    source.counters.record_done();
    let first = records.bytes;
    let mut found = Vec::new();
    while found.len() < rows {
        match records.next(&mut source.stream) {
            Ok(true) => {}
            Ok(false) => break,
            // A record past the bound ends the sample: the columns may still show that this is
            // no log at all (a map with a long string); a log fails on that line when read.
            Err(e) if source::is_bound(&e) => break,
            Err(e) => return Err(source::io_failure(path, records.line, e)),
        }
        source.counters.record_done();
        found.push(records.texts().map(Cow::into_owned).collect());
    }
    #[allow(clippy::cast_precision_loss, reason = "an estimate")]
    let bytes_per_row =
        (!gzip && !found.is_empty()).then(|| (records.bytes - first) as f64 / found.len() as f64);
    Ok(Head {
        format: LogFormat::Csv { delimiter, gzip },
        headers,
        rows: found,
        bytes_per_row,
    })
}

/// A timestamp field: `Ok(None)` when empty, `Err(Ok(reason))` when unreadable, `Err(Err(()))`
/// when it shows that the day-first/month-first guess was wrong.
pub(super) fn stamp(
    detected: Detected,
    role: Role,
    value: &str,
) -> Result<Option<Stamp>, Result<String, ()>> {
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
    mut source: Source,
    delimiter: u8,
    plan: &Plan,
    progress: &dyn Fn(u64, u64) -> bool,
) -> Result<Pass, LogError> {
    let total = source.total;
    let counters = std::rc::Rc::clone(&source.counters);
    let mut records = Records::new(delimiter);
    header(path, &mut records, &mut source.stream)?;
    counters.record_done();
    let mut assembler = Assembler::new();
    assembler.reserve(plan.reserve);
    let width = plan.headers.len();
    let ix = plan.indices;
    let mut latin1 = 0u64;
    loop {
        if assembler.rows.is_multiple_of(PROGRESS_EVERY)
            && !progress(counters.file_bytes.get(), total)
        {
            return Err(LogError::Cancelled);
        }
        if !records
            .next(&mut source.stream)
            .map_err(|e| source::io_failure(path, records.line, e))?
        {
            break;
        }
        counters.record_done();
        let line = records.line;
        let record = &records;
        let too_big = |e: super::assemble::TooBig| LogError::TooBig {
            path: path.to_owned(),
            line,
            message: e.0,
        };
        if record.len() != width {
            assembler
                .bad(
                    line,
                    format!("{} fields where the header has {width}", record.len()),
                )
                .map_err(too_big)?;
            continue;
        }
        let field = |index: Option<usize>| -> (Cow<'_, str>, bool) {
            index
                .and_then(|i| record.get(i))
                .map_or((Cow::Borrowed(""), true), source::text)
        };
        let fields = [
            ix.case,
            ix.activity,
            ix.resource,
            ix.group,
            ix.lifecycle,
            ix.timestamp,
            ix.start,
        ]
        .map(field);
        latin1 += fields.iter().filter(|(_, utf8)| !utf8).count() as u64;
        let [case, activity, resource, group, lifecycle, complete, start] =
            fields.map(|(text, _)| text);
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
    Ok(Pass::Done(Box::new(assembler), warnings))
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
