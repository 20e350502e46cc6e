//! Event-log readers (`interop::log`): CSV dialects, timestamps, columns, lifecycle pairing,
//! bad rows with their lines, XES with and without lifecycle, gzip, files that are no log, and
//! every hostile file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use procmap::interop::log::{self, Columns, LogError, LogFormat, LogRead};
use procmap::model::Date;
use procmap::model::log::{NO_NAME, NO_TIME};

/// Microseconds of a UTC date-time.
fn utc(y: i64, m: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
    let days = Date::ymd(y, m, d)
        .unwrap_or_else(|| panic!("{y}-{m}-{d}"))
        .days();
    ((days * 24 + h) * 60 + mi) * 60_000_000 + s * 1_000_000
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    encoder.finish().unwrap_or_else(|e| panic!("{e}"))
}

fn read_with(path: &Path, columns: &Columns) -> Result<LogRead, LogError> {
    log::read_log(path, columns, &|_, _| true)
}

fn read(path: &Path) -> LogRead {
    read_with(path, &Columns::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn folder() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

/// (case, activity, start, complete) of every event.
fn events(read: &LogRead) -> Vec<(String, String, i64, i64)> {
    let log = &read.log;
    log.events
        .iter()
        .map(|e| {
            (
                log.cases[e.case as usize].clone(),
                log.activities[e.activity as usize].clone(),
                e.start,
                e.complete,
            )
        })
        .collect()
}

#[test]
fn semicolons_quotes_with_delimiters_and_newlines_inside() {
    let dir = folder();
    let text = "\"Case ID\";Activity;Timestamp;Resource\r\n\
                c1;\"Check; then \"\"approve\"\"\";2024-03-14 10:00:00;\"Ann\"\r\n\
                c1;\"Multi\nline\";2024-03-14 11:00:00;Bob\r\n\
                c2;Check;2024-03-14T12:00:00Z;\r\n\
                c3;X;not a time;Ann\r\n";
    let path = write(dir.path(), "semi.csv", text.as_bytes());
    let read = read(&path);
    assert_eq!(
        log::preview(&path, 2).map(|p| p.format).ok(),
        Some(LogFormat::Csv {
            delimiter: b';',
            gzip: false
        })
    );
    assert_eq!(
        read.log.activities,
        ["Check; then \"approve\"", "Multi\nline", "Check"]
    );
    assert_eq!(read.log.resources, ["Ann", "Bob"]);
    assert_eq!(read.log.events[2].resource, NO_NAME);
    assert_eq!(read.log.events[0].complete, utc(2024, 3, 14, 10, 0, 0));
    assert_eq!(
        (read.report.rows, read.report.events, read.report.bad_rows),
        (4, 3, 1)
    );
    // The quoted newline makes the bad row the sixth line.
    assert_eq!(read.report.bad[0].line, 6);
    assert!(
        read.report.bad[0].reason.contains("\"not a time\""),
        "{:?}",
        read.report.bad
    );
    assert_eq!(read.report.columns.case.as_deref(), Some("Case ID"));
}

#[test]
fn a_byte_order_mark_and_tabs() {
    let dir = folder();
    let path = write(
        dir.path(),
        "bom.tsv",
        "\u{feff}case\tactivity\ttimestamp\nc1\tA\t2024-03-14T10:00:00\n".as_bytes(),
    );
    let read = read(&path);
    assert_eq!(read.report.columns.case.as_deref(), Some("case"));
    assert_eq!(
        events(&read),
        [("c1".into(), "A".into(), NO_TIME, utc(2024, 3, 14, 10, 0, 0))]
    );
}

#[test]
fn excel_dates_day_first_month_first_and_undecided() {
    let dir = folder();
    let day = write(
        dir.path(),
        "day.csv",
        b"case,activity,timestamp\nc,A,01/02/2024 10:00\nc,B,13/02/2024 09:30:15\n",
    );
    let read_day = read(&day);
    assert_eq!(read_day.log.events[0].complete, utc(2024, 2, 1, 10, 0, 0));
    assert_eq!(read_day.log.events[1].complete, utc(2024, 2, 13, 9, 30, 15));
    assert!(read_day.report.timestamp_format.contains("day first"));
    assert!(
        read_day.report.warnings.is_empty(),
        "{:?}",
        read_day.report.warnings
    );

    let month = write(
        dir.path(),
        "month.csv",
        b"case,activity,timestamp\nc,A,01/02/2024 10:00 AM\nc,B,02/13/2024 1:30 PM\n",
    );
    let read_month = read(&month);
    assert_eq!(read_month.log.events[0].complete, utc(2024, 1, 2, 10, 0, 0));
    assert_eq!(
        read_month.log.events[1].complete,
        utc(2024, 2, 13, 13, 30, 0)
    );

    let undecided = write(
        dir.path(),
        "undecided.csv",
        b"case,activity,timestamp\nc,A,01/02/2024\nc,B,03/04/2024\n",
    );
    let read_undecided = read(&undecided);
    assert_eq!(
        read_undecided.log.events[1].complete,
        utc(2024, 4, 3, 0, 0, 0)
    );
    assert!(
        read_undecided
            .report
            .warnings
            .iter()
            .any(|w| w.contains("day first")),
        "{:?}",
        read_undecided.report.warnings
    );

    // Undecided in the first thousand rows, decided later: read again month first.
    let mut late = String::from("case,activity,timestamp\n");
    for i in 0..1500 {
        let _ = writeln!(late, "c{i},A,01/02/2024 10:00");
    }
    late.push_str("c,B,02/13/2024 10:00\nc,C,03/04/2024\n");
    let late = write(dir.path(), "late.csv", late.as_bytes());
    let read_late = read(&late);
    assert_eq!(read_late.log.events[0].complete, utc(2024, 1, 2, 10, 0, 0));
    assert_eq!(
        read_late.log.events[1501].complete,
        utc(2024, 3, 4, 0, 0, 0)
    );
    assert_eq!(read_late.report.bad_rows, 0);
    assert!(
        read_late
            .report
            .warnings
            .iter()
            .any(|w| w.contains("line 1502") && w.contains("month first")),
        "{:?}",
        read_late.report.warnings
    );
}

#[test]
fn zones_give_the_instant_and_keep_the_offset() {
    let dir = folder();
    let path = write(
        dir.path(),
        "zones.csv",
        b"case,activity,timestamp\n\
          c,A,2024-03-14T10:00:00+01:00\n\
          c,B,2024-03-14 10:00:00.250-0500\n\
          c,C,2024-03-14T10:00:00Z\n\
          c,D,2024-03-14T10:00:00\n",
    );
    let read = read(&path);
    let got: Vec<(i64, i16)> = read
        .log
        .events
        .iter()
        .map(|e| (e.complete, e.offset_minutes))
        .collect();
    assert_eq!(
        got,
        [
            (utc(2024, 3, 14, 9, 0, 0), 60),
            (utc(2024, 3, 14, 15, 0, 0) + 250_000, -300),
            (utc(2024, 3, 14, 10, 0, 0), 0),
            (utc(2024, 3, 14, 10, 0, 0), 0),
        ]
    );
    assert_eq!(
        read.log.events[0].wall(read.log.events[0].complete),
        utc(2024, 3, 14, 10, 0, 0)
    );
}

#[test]
fn epoch_seconds_and_milliseconds() {
    let dir = folder();
    let seconds = write(
        dir.path(),
        "s.csv",
        b"case,activity,time\nc,A,1710410400\nc,B,1710410400.5\n",
    );
    let read_seconds = read(&seconds);
    assert_eq!(
        read_seconds.log.events[0].complete,
        utc(2024, 3, 14, 10, 0, 0)
    );
    assert_eq!(
        read_seconds.log.events[1].complete,
        utc(2024, 3, 14, 10, 0, 0) + 500_000
    );
    assert_eq!(read_seconds.report.timestamp_format, "epoch seconds");
    let millis = write(
        dir.path(),
        "ms.csv",
        b"case,activity,time\nc,A,1710410400123\n",
    );
    let read_millis = read(&millis);
    assert_eq!(
        read_millis.log.events[0].complete,
        utc(2024, 3, 14, 10, 0, 0) + 123_000
    );
    assert_eq!(read_millis.report.timestamp_format, "epoch milliseconds");
}

#[test]
fn the_simulators_two_timestamp_columns() {
    let dir = folder();
    let path = write(
        dir.path(),
        "sim.csv",
        b"case_id,activity,start_timestamp,complete_timestamp,resource,owner\n\
          1,Triage,2026-01-05T09:00:00.000,2026-01-05T09:20:00.500,Team 1,Team\n\
          1,Fix,2026-01-05T09:30:00.000,2026-01-05T11:00:00.000,,Team\n",
    );
    let read = read(&path);
    assert_eq!(
        events(&read),
        [
            (
                "1".into(),
                "Triage".into(),
                utc(2026, 1, 5, 9, 0, 0),
                utc(2026, 1, 5, 9, 20, 0) + 500_000
            ),
            (
                "1".into(),
                "Fix".into(),
                utc(2026, 1, 5, 9, 30, 0),
                utc(2026, 1, 5, 11, 0, 0)
            ),
        ]
    );
    assert!(read.log.has_starts());
    assert_eq!(read.log.groups, ["Team"]);
    assert_eq!(read.log.events[1].resource, NO_NAME);
    let c = &read.report.columns;
    assert_eq!(
        (
            c.start.as_deref(),
            c.timestamp.as_deref(),
            c.group.as_deref(),
            c.resource.as_deref()
        ),
        (
            Some("start_timestamp"),
            Some("complete_timestamp"),
            Some("owner"),
            Some("resource")
        )
    );
}

#[test]
fn lifecycle_rows_pair_first_in_first_out() {
    let dir = folder();
    let path = write(
        dir.path(),
        "life.csv",
        b"case,activity,timestamp,lifecycle:transition,resource\n\
          c1,A,2024-03-14 10:00,start,Ann\n\
          c1,A,2024-03-14 10:30,complete,\n\
          c1,B,2024-03-14 11:00,COMPLETE,Bob\n\
          c1,C,2024-03-14 12:00,start,Ann\n\
          c1,A,2024-03-14 12:05,schedule,Ann\n\
          c2,A,2024-03-14 09:00,start,Ann\n\
          c2,A,2024-03-14 09:10,start,Bob\n\
          c2,A,2024-03-14 09:20,complete,Ann\n\
          c2,A,2024-03-14 09:40,complete,Bob\n",
    );
    let read = read(&path);
    let t = |h, m| utc(2024, 3, 14, h, m, 0);
    assert_eq!(
        events(&read),
        [
            ("c1".into(), "A".into(), t(10, 0), t(10, 30)),
            ("c1".into(), "B".into(), NO_TIME, t(11, 0)),
            ("c2".into(), "A".into(), t(9, 0), t(9, 20)),
            ("c2".into(), "A".into(), t(9, 10), t(9, 40)),
        ]
    );
    // The completion without a resource takes its start's.
    assert_eq!(
        read.log.resources[read.log.events[0].resource as usize],
        "Ann"
    );
    let r = &read.report;
    assert_eq!(
        (
            r.rows,
            r.events,
            r.unpaired_starts,
            r.other_transitions,
            r.bad_rows
        ),
        (9, 4, 1, 1, 0)
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("1 starts were never completed")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("1 rows with another lifecycle")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn bad_rows_are_counted_with_their_lines() {
    let dir = folder();
    let mut text = String::from("case,activity,timestamp,resource\n");
    text.push_str("c1,A,2024-03-14 10:00,Ann\n"); // line 2: good
    text.push_str(",A,2024-03-14 10:00,Ann\n"); // 3: no case
    text.push_str("c1,,2024-03-14 10:00,Ann\n"); // 4: no activity
    text.push_str("c1,A,14th of March,Ann\n"); // 5: unreadable time
    text.push_str("c1,A,2024-03-14 10:00\n"); // 6: three fields
    text.push_str("c1,A,,Ann\n"); // 7: no timestamp
    text.push('\n'); // 8: blank lines are skipped
    for _ in 0..30 {
        text.push_str("c1,A,2024-02-30 10:00,Ann\n"); // 9..38: no such day
    }
    text.push_str("c2,B,2024-03-14 11:00,Bob\n"); // 39: good
    let path = write(dir.path(), "bad.csv", text.as_bytes());
    let read = read(&path);
    let r = &read.report;
    assert_eq!((r.rows, r.events, r.bad_rows), (37, 2, 35));
    assert_eq!(r.bad.len(), 20);
    let lines: Vec<u64> = r.bad.iter().take(6).map(|b| b.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 9]);
    let reasons: Vec<&str> = r.bad.iter().take(5).map(|b| b.reason.as_str()).collect();
    assert_eq!(reasons[0], "no case");
    assert_eq!(reasons[1], "no activity");
    assert!(
        reasons[2].contains("\"14th of March\" is not ISO 8601"),
        "{reasons:?}"
    );
    assert_eq!(reasons[3], "3 fields where the header has 4");
    assert_eq!(reasons[4], "no timestamp");
    assert_eq!(read.log.cases, ["c1", "c2"]);
}

#[test]
fn overrides_name_the_columns() {
    let dir = folder();
    let path = write(
        dir.path(),
        "odd.csv",
        b"Ticket,Step,When,Who\nT1,Open,2024-03-14 10:00,Ann\n",
    );
    let error = read_with(&path, &Columns::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("not an event log"), "{error}");
    assert!(
        error.contains("\"Step\"")
            && error.contains("--activity COLUMN")
            && error.contains("--timestamp COLUMN"),
        "{error}"
    );
    let overrides = Columns {
        activity: Some("step".into()),
        timestamp: Some("When".into()),
        resource: Some("Who".into()),
        ..Columns::default()
    };
    let read = read_with(&path, &overrides).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        events(&read),
        [(
            "T1".into(),
            "Open".into(),
            NO_TIME,
            utc(2024, 3, 14, 10, 0, 0)
        )]
    );
    assert_eq!(read.log.resources, ["Ann"]);
    assert_eq!(read.report.columns.activity.as_deref(), Some("Step"));

    let no_resource = Columns {
        resource: Some(String::new()),
        ..overrides.clone()
    };
    let read = read_with(&path, &no_resource).unwrap_or_else(|e| panic!("{e}"));
    assert!(read.log.resources.is_empty());
    let wrong = Columns {
        case: Some("Case".into()),
        ..overrides
    };
    let error = read_with(&path, &wrong)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("no column \"Case\" for the case (--case)") && error.contains("\"Ticket\""),
        "{error}"
    );
}

#[test]
fn files_that_are_no_log_say_why() {
    let dir = folder();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/it-incident.ron");
    let mut cases: Vec<(PathBuf, &str)> = vec![
        (samples, "no column for the case, activity or timestamp"),
        (write(dir.path(), "empty.csv", b""), "it is empty"),
        (write(dir.path(), "blank.csv", b" \n\n"), "it is empty"),
        (
            write(dir.path(), "binary.csv", &[0x50, 0x4b, 3, 4, 0, 0, 1, 2]),
            "binary",
        ),
        (
            write(
                dir.path(),
                "page.csv",
                b"<!DOCTYPE html><html><body>x</body></html>",
            ),
            "HTML page",
        ),
        (
            write(
                dir.path(),
                "other.xes",
                b"<?xml version=\"1.0\"?><definitions/>",
            ),
            "root is <definitions>",
        ),
        (
            write(dir.path(), "cols.csv", b"a,b,c\n1,2,3\n"),
            "--case COLUMN",
        ),
        (
            write(
                dir.path(),
                "times.csv",
                b"case,activity,timestamp\nc,A,soon\n",
            ),
            "holds no timestamps",
        ),
        (
            write(dir.path(), "utf16.csv", b"\xFF\xFEc\x00a\x00"),
            "UTF-16",
        ),
    ];
    let mut map = b"ProcessMap(\n  title: \"x\",\n  notes: \"".to_vec();
    map.extend(std::iter::repeat_n(b'x', 2 << 20));
    map.extend(b"\")\n");
    cases.push((
        write(dir.path(), "long.ron", &map),
        "among the columns \"ProcessMap(\"",
    ));
    for (path, expected) in cases {
        let error = read_with(&path, &Columns::default()).err();
        assert!(
            matches!(error, Some(LogError::NotALog { .. })),
            "{}: {error:?}",
            path.display()
        );
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(expected), "{}: {message}", path.display());
    }
    let header_only = write(dir.path(), "header.csv", b"case,activity,timestamp\n");
    let read = read(&header_only);
    assert_eq!(read.report.events, 0);
    assert!(read.report.warnings.iter().any(|w| w.contains("no events")));
    let missing = dir.path().join("missing.csv");
    assert!(matches!(
        read_with(&missing, &Columns::default()),
        Err(LogError::Io { .. })
    ));
}

const XES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log"/>
  <trace>
    <string key="concept:name" value="case &amp; 1"/>
    <event>
      <string key="concept:name" value="Check &lt;A&gt;"/>
      <string key="org:resource" value="Ann"/>
      <date key="time:timestamp" value="2024-03-14T10:00:00.000+01:00"/>
      <list key="items"><string key="concept:name" value="nested, ignored"/></list>
      <unknown><string key="concept:name" value="also ignored"/></unknown>
    </event>
    <event>
      <string key="concept:name" value="Fix"/>
      <string key="org:group" value="Team"/>
      <date key="time:timestamp" value="2024-03-14T11:00:00Z"/>
    </event>
  </trace>
  <trace>
    <event>
      <string key="concept:name" value="Fix"/>
      <date key="time:timestamp" value="2024-03-14T12:00:00Z"/>
    </event>
    <event><string key="concept:name" value="No time"/></event>
  </trace>
  <event><string key="concept:name" value="Orphan"/></event>
</log>
"#;

#[test]
fn xes_without_lifecycle() {
    let dir = folder();
    let path = write(dir.path(), "plain.xes", XES.as_bytes());
    let read = read(&path);
    assert_eq!(
        events(&read),
        [
            (
                "case & 1".into(),
                "Check <A>".into(),
                NO_TIME,
                utc(2024, 3, 14, 9, 0, 0)
            ),
            (
                "case & 1".into(),
                "Fix".into(),
                NO_TIME,
                utc(2024, 3, 14, 11, 0, 0)
            ),
            (
                "trace 2".into(),
                "Fix".into(),
                NO_TIME,
                utc(2024, 3, 14, 12, 0, 0)
            ),
        ]
    );
    assert_eq!(read.log.events[0].offset_minutes, 60);
    assert_eq!(read.log.resources, ["Ann"]);
    assert_eq!(read.log.groups, ["Team"]);
    assert_eq!((read.report.rows, read.report.bad_rows), (4, 1));
    assert_eq!(read.report.bad[0].line, 27);
    assert_eq!(read.report.bad[0].reason, "no timestamp");
    assert_eq!(
        read.report.columns.case.as_deref(),
        Some("case:concept:name")
    );

    let preview = log::preview(&path, 10).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(preview.format, LogFormat::Xes { gzip: false });
    assert_eq!(
        preview.headers,
        [
            "case:concept:name",
            "concept:name",
            "org:resource",
            "time:timestamp",
            "org:group"
        ]
    );
    assert_eq!(preview.rows.len(), 4);
    assert_eq!(preview.rows[0][0], "case & 1");
    assert_eq!(preview.rows[0][4], "");
    assert_eq!(preview.recognised.activity.as_deref(), Some("concept:name"));
    assert_eq!(
        preview.timestamp_format.as_deref(),
        Some("ISO 8601 (yyyy-mm-dd hh:mm:ss[.f][zone])")
    );
}

#[test]
fn xes_lifecycle_pairs_and_gzip_by_magic() {
    let event = |activity: &str, time: &str, transition: &str| {
        format!(
            r#"<event><string key="concept:name" value="{activity}"/><string key="lifecycle:transition" value="{transition}"/><date key="time:timestamp" value="{time}"/></event>"#
        )
    };
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<log>\n<trace><string key=\"concept:name\" value=\"c1\"/>\n",
    );
    text.push_str(&event("A", "2024-03-14T10:00:00Z", "schedule"));
    text.push_str(&event("A", "2024-03-14T10:05:00Z", "start"));
    text.push_str(&event("B", "2024-03-14T10:06:00Z", "start"));
    text.push_str(&event("A", "2024-03-14T10:30:00Z", "complete"));
    text.push_str(&event("C", "2024-03-14T10:40:00Z", "complete"));
    text.push_str("</trace>\n</log>\n");
    let dir = folder();
    for (name, bytes) in [
        ("life.xes", text.clone().into_bytes()),
        ("life.xes.gz", gzip(text.as_bytes())),
        ("gzipped-without-saying.xes", gzip(text.as_bytes())),
    ] {
        let path = write(dir.path(), name, &bytes);
        let read = read(&path);
        let t = |m| utc(2024, 3, 14, 10, m, 0);
        assert_eq!(
            events(&read),
            [
                ("c1".into(), "A".into(), t(5), t(30)),
                ("c1".into(), "C".into(), NO_TIME, t(40))
            ],
            "{name}"
        );
        let r = &read.report;
        assert_eq!(
            (r.rows, r.unpaired_starts, r.other_transitions),
            (5, 1, 1),
            "{name}"
        );
        let gz = name.contains("gz");
        assert_eq!(
            log::preview(&path, 1).map(|p| p.format).ok(),
            Some(LogFormat::Xes { gzip: gz })
        );
    }
    let csv = write(
        dir.path(),
        "log.csv",
        &gzip(b"case,activity,timestamp\nc,A,2024-03-14\n"),
    );
    assert_eq!(read(&csv).report.events, 1);
}

#[test]
fn broken_xml_names_its_line() {
    let dir = folder();
    let path = write(
        dir.path(),
        "broken.xes",
        b"<log>\n<trace>\n<event>\n<string key=\"concept:name\" value=\"A\"/>\n</trace>\n</log>\n",
    );
    let error = read_with(&path, &Columns::default()).err();
    assert!(
        matches!(error, Some(LogError::Parse { line: 5, .. })),
        "{error:?}"
    );
}

#[test]
fn progress_reaches_the_end_and_cancel_stops() {
    let dir = folder();
    let mut text = String::from("case,activity,timestamp\n");
    for i in 0..40_000 {
        let _ = writeln!(text, "c{},A{},2024-03-14T10:00:00", i / 10, i % 10);
    }
    let path = write(dir.path(), "big.csv", text.as_bytes());
    let seen = std::cell::Cell::new((0, 0, 0));
    let read = log::read_log(&path, &Columns::default(), &|done, total| {
        let (calls, _, _) = seen.get();
        seen.set((calls + 1, done, total));
        true
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.report.events, 40_000);
    let (calls, done, total) = seen.get();
    assert!(calls >= 3, "{calls}");
    assert_eq!((done, total), (text.len() as u64, text.len() as u64));
    let cancelled = log::read_log(&path, &Columns::default(), &|_, _| false);
    assert!(matches!(cancelled, Err(LogError::Cancelled)));
}

#[test]
fn an_unclosed_quote_stops_at_the_record_bound() {
    let dir = folder();
    let mut text = b"case,activity,timestamp\nc,\"A".to_vec();
    text.extend(std::iter::repeat_n(b'x', 3 << 20));
    text.extend(b"\nmore\nlines\n");
    let path = write(dir.path(), "quote.csv", &text);
    let error = read_with(&path, &Columns::default()).err();
    assert!(
        matches!(error, Some(LogError::TooBig { line: 2, .. })),
        "{error:?}"
    );
    let mut xml = b"<log>\n<trace>\n<string key=\"concept:name\" value=\"".to_vec();
    xml.extend(std::iter::repeat_n(b'x', 3 << 20));
    let path = write(dir.path(), "tag.xes", &xml);
    let error = read_with(&path, &Columns::default()).err();
    assert!(matches!(error, Some(LogError::TooBig { .. })), "{error:?}");
}

#[test]
fn log_paths_by_extension() {
    for yes in [
        "a.csv",
        "A.CSV",
        "x.tsv",
        "log.xes",
        "log.xes.gz",
        "log.csv.gz",
        "b.xez",
    ] {
        assert!(log::is_log_path(Path::new(yes)), "{yes}");
    }
    for no in ["map.ron", "a.txt", "log.gz", ".csv", "x.bpmn", "csv"] {
        assert!(!log::is_log_path(Path::new(no)), "{no}");
    }
}

#[test]
fn every_hostile_file_read_as_a_log_ends_in_an_error_or_a_report() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/hostile");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        panic!("{}: not found", folder.display());
    };
    let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() > 20, "{files:?}");
    for path in files {
        let started = std::time::Instant::now();
        let outcome = read_with(&path, &Columns::default());
        let preview = log::preview(&path, 20);
        let seconds = started.elapsed().as_secs_f64();
        assert!(seconds < 20.0, "{}: {seconds:.1} s", path.display());
        match outcome {
            Ok(read) => assert_eq!(read.report.events, read.log.events.len() as u64),
            Err(error) => {
                let message = error.to_string();
                assert!(
                    !message.is_empty() && message.contains(&*path.to_string_lossy()),
                    "{message}"
                );
            }
        }
        drop(preview);
    }
}
