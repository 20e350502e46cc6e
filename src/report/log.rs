//! Event logs written out: CSV (one row per activity instance) and XES (IEEE 1849, one
//! `<trace>` per case, a `start` and a `complete` event per activity instance), optionally
//! gzip-compressed. Used by `procmap simulate --log` for the simulator's trace; any
//! [`EventLog`] can be written (a read log too).
//!
//! Both writers stream to the `Write` they are given (buffered here); only an order of the events
//! (4 bytes per event) is built in memory. Timestamps are each event's wall clock (the instant
//! plus its zone offset, which is 0 for the simulator's log): CSV writes it without a zone, XES
//! with the offset (`+00:00`).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::model::log::{EventLog, LogEvent, NO_NAME, NO_TIME, format_instant};

/// The header of the CSV log.
pub const CSV_HEADER: &str = "case_id,activity,start_timestamp,complete_timestamp,resource,owner";

/// A file format for an event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Comma-separated values, RFC 4180 (`.csv`).
    Csv,
    /// XES, IEEE 1849 (`.xes`).
    Xes,
    /// XES, gzip-compressed (`.xes.gz`).
    XesGz,
}

impl LogFormat {
    /// The file endings the formats are chosen by, for messages.
    pub const ENDINGS: &'static str = ".csv, .xes or .xes.gz";

    /// The format a path's ending asks for (case-insensitive); `None` for any other ending.
    #[must_use]
    pub fn of_path(path: &Path) -> Option<Self> {
        let ending = |p: &Path| {
            p.extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
        };
        match ending(path)?.as_str() {
            "csv" => Some(Self::Csv),
            "xes" => Some(Self::Xes),
            "gz" => {
                let stem = Path::new(path.file_stem()?);
                (ending(stem)? == "xes").then_some(Self::XesGz)
            }
            _ => None,
        }
    }
}

/// Writes `log` in `format` to `out`.
///
/// # Errors
/// When writing to `out` fails.
pub fn write(log: &EventLog, format: LogFormat, out: impl Write) -> io::Result<()> {
    match format {
        LogFormat::Csv => write_csv(log, out),
        LogFormat::Xes => write_xes(log, out),
        LogFormat::XesGz => {
            // The fastest level: XES repeats itself so much that it still shrinks about
            // tenfold, at a fraction of the default level's time.
            let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
            write_xes(log, &mut gz)?;
            gz.finish()?.flush()
        }
    }
}

/// Writes `log` as CSV: the header [`CSV_HEADER`], then one row per event sorted by case (in the
/// log's case order) and start. Fields are quoted as RFC 4180 asks (when they hold a comma, a
/// quote or a line break); a missing start, resource or owner is an empty field.
///
/// # Errors
/// When writing to `out` fails.
pub fn write_csv(log: &EventLog, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    out.write_all(CSV_HEADER.as_bytes())?;
    out.write_all(b"\r\n")?;
    let mut order: Vec<u32> = (0..u32::try_from(log.events.len()).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| {
        let e = &log.events[i as usize];
        (e.case, e.first_time(), e.complete)
    });
    for i in order {
        let e = &log.events[i as usize];
        csv_field(&mut out, name(&log.cases, e.case))?;
        out.write_all(b",")?;
        csv_field(&mut out, name(&log.activities, e.activity))?;
        out.write_all(b",")?;
        if e.start != NO_TIME {
            out.write_all(format_instant(e.wall(e.start)).as_bytes())?;
        }
        out.write_all(b",")?;
        out.write_all(format_instant(e.wall(e.complete)).as_bytes())?;
        out.write_all(b",")?;
        csv_field(&mut out, name(&log.resources, e.resource))?;
        out.write_all(b",")?;
        csv_field(&mut out, name(&log.groups, e.group))?;
        out.write_all(b"\r\n")?;
    }
    out.flush()
}

/// Name `index` of `names`; empty for [`NO_NAME`] (or an index out of range).
fn name(names: &[String], index: u32) -> &str {
    if index == NO_NAME {
        return "";
    }
    names.get(index as usize).map_or("", String::as_str)
}

fn csv_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}

const XES_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
"#;

/// Writes `log` as XES (IEEE 1849-2016) with the concept, lifecycle, org and time extensions:
/// one `<trace>` per case with events (in the log's case order, `concept:name` the case id),
/// and per activity instance a `start` event (when it has a start) and a `complete` event, each
/// with `concept:name`, `lifecycle:transition`, `time:timestamp` and, when known,
/// `org:resource` and `org:group`. Events of a trace are in time order; at the same instant
/// the work that ends comes before the work that begins, and a zero-length instance starts
/// before it completes.
///
/// # Errors
/// When writing to `out` fails.
pub fn write_xes(log: &EventLog, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    out.write_all(XES_HEAD.as_bytes())?;
    // Instances by case; the events of one case sorted as they will be written.
    let mut order: Vec<u32> = (0..u32::try_from(log.events.len()).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| (log.events[i as usize].case, i));
    let mut lines: Vec<(i64, u8, i64, u32, bool)> = Vec::new();
    let mut at = 0;
    while at < order.len() {
        let case = log.events[order[at] as usize].case;
        let end = at + order[at..].partition_point(|&i| log.events[i as usize].case == case);
        lines.clear();
        for &i in &order[at..end] {
            let e = &log.events[i as usize];
            let first = e.first_time();
            if e.start != NO_TIME {
                lines.push((e.start, 1, first, i, true));
            }
            let rank = if e.start != NO_TIME && e.complete == e.start {
                2
            } else {
                0
            };
            lines.push((e.complete, rank, first, i, false));
        }
        lines.sort_unstable();
        out.write_all(b"  <trace>\n    <string key=\"concept:name\" value=\"")?;
        xml_text(&mut out, name(&log.cases, case))?;
        out.write_all(b"\"/>\n")?;
        for &(time, _, _, i, start) in &lines {
            xes_event(&mut out, log, &log.events[i as usize], time, start)?;
        }
        out.write_all(b"  </trace>\n")?;
        at = end;
    }
    out.write_all(b"</log>\n")?;
    out.flush()
}

fn xes_event(
    out: &mut impl Write,
    log: &EventLog,
    e: &LogEvent,
    time: i64,
    start: bool,
) -> io::Result<()> {
    out.write_all(b"    <event>\n      <string key=\"concept:name\" value=\"")?;
    xml_text(out, name(&log.activities, e.activity))?;
    out.write_all(b"\"/>\n      <string key=\"lifecycle:transition\" value=\"")?;
    out.write_all(if start {
        b"start" as &[u8]
    } else {
        b"complete"
    })?;
    out.write_all(b"\"/>\n      <date key=\"time:timestamp\" value=\"")?;
    out.write_all(format_instant(e.wall(time)).as_bytes())?;
    let offset = i32::from(e.offset_minutes);
    let sign = if offset < 0 { '-' } else { '+' };
    writeln!(
        out,
        "{sign}{:02}:{:02}\"/>",
        offset.abs() / 60,
        offset.abs() % 60
    )?;
    for (key, names, index) in [
        ("org:resource", &log.resources, e.resource),
        ("org:group", &log.groups, e.group),
    ] {
        let value = name(names, index);
        if !value.is_empty() {
            write!(out, "      <string key=\"{key}\" value=\"")?;
            xml_text(out, value)?;
            out.write_all(b"\"/>\n")?;
        }
    }
    out.write_all(b"    </event>\n")
}

/// Writes `text` escaped for an XML attribute value; characters XML 1.0 does not allow become
/// U+FFFD, and tabs and line breaks are written as references so they survive attribute-value
/// normalisation.
fn xml_text(out: &mut impl Write, text: &str) -> io::Result<()> {
    let mut plain = 0;
    for (i, c) in text.char_indices() {
        let escaped: &str = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => "\u{fffd}",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[plain..i])?;
        out.write_all(escaped.as_bytes())?;
        plain = i + c.len_utf8();
    }
    out.write_all(&text.as_bytes()[plain..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log::LogBuilder;

    fn two_events() -> EventLog {
        let mut b = LogBuilder::new();
        let case = b.case("c \"1\"");
        let activity = b.activity("Check, then <approve> & 'go'");
        let team = b.group("Team");
        let person = b.resource("Team 1");
        for (start, complete, resource, group) in [
            (5_000_000, 9_000_000, person, team),
            (1_000_000, 1_000_000, NO_NAME, NO_NAME),
        ] {
            b.push(LogEvent {
                case,
                activity,
                start,
                complete,
                resource,
                group,
                offset_minutes: 0,
            });
        }
        b.finish()
    }

    #[test]
    fn csv_rows_are_sorted_and_quoted() {
        let mut bytes = Vec::new();
        write_csv(&two_events(), &mut bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(bytes).unwrap_or_default();
        let rows: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(rows[0], CSV_HEADER);
        assert_eq!(
            rows[1],
            "\"c \"\"1\"\"\",\"Check, then <approve> & 'go'\",1970-01-01T00:00:01.000,\
             1970-01-01T00:00:01.000,,"
        );
        assert!(rows[2].ends_with("00:00:09.000,Team 1,Team"), "{}", rows[2]);
        assert_eq!(rows[3], "");
    }

    #[test]
    fn xes_escapes_and_orders_zero_length_work() {
        let mut bytes = Vec::new();
        write_xes(&two_events(), &mut bytes).unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert!(text.contains("value=\"c &quot;1&quot;\""));
        assert!(text.contains("Check, then &lt;approve&gt; &amp; &apos;go&apos;"));
        // After the header (whose global default is "complete").
        let events = &text[text.find("<trace>").unwrap_or(0)..];
        let first_start = events.find("value=\"start\"").unwrap_or(usize::MAX);
        let first_complete = events.find("value=\"complete\"").unwrap_or(0);
        assert!(first_start < first_complete, "start before its complete");
        assert!(text.contains("1970-01-01T00:00:09.000+00:00"));
    }

    #[test]
    fn control_characters_do_not_break_xml() {
        let mut bytes = Vec::new();
        xml_text(&mut bytes, "a\u{1}b\nc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            String::from_utf8(bytes).unwrap_or_default(),
            "a\u{fffd}b&#10;c"
        );
    }

    #[test]
    fn formats_follow_the_ending() {
        assert_eq!(
            LogFormat::of_path(Path::new("a/b.CSV")),
            Some(LogFormat::Csv)
        );
        assert_eq!(LogFormat::of_path(Path::new("b.xes")), Some(LogFormat::Xes));
        assert_eq!(
            LogFormat::of_path(Path::new("b.xes.gz")),
            Some(LogFormat::XesGz)
        );
        assert_eq!(LogFormat::of_path(Path::new("b.gz")), None);
        assert_eq!(LogFormat::of_path(Path::new("b.json")), None);
    }
}
