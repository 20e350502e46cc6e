//! XES logs, streamed with quick-xml (no DOM: a million events would not fit one comfortably).
//! A trace's attribute `concept:name` is the case (traces without one are "trace N"); an
//! event's attributes give the activity, timestamps, resource, group and lifecycle. Only the
//! attributes directly inside a `<trace>` or `<event>` count; extensions, globals, classifiers,
//! nested and unknown elements are skipped. Events wait until their trace ends, so a trace's
//! attributes may come after its events.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::model::limits;

use super::assemble::{Assembler, Row, Transition};
use super::columns::Role;
use super::csv::stamp;
use super::source::{self, Source};
use super::{Head, LogError, LogFormat, PROGRESS_EVERY, Pass, Plan};

/// The elements that hold one attribute.
const ATTRIBUTES: [&[u8]; 8] = [
    b"string",
    b"date",
    b"int",
    b"float",
    b"boolean",
    b"id",
    b"list",
    b"container",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Log,
    Trace,
    Event,
    Skip,
}

/// Whether an attribute belongs to the trace or to the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Scope {
    Trace,
    Event,
}

/// What the walk tells its visitor.
trait Visit {
    /// True when the attribute's value is wanted (else it is not even unescaped).
    fn wants(&self, scope: Scope, key: &str) -> bool;
    fn trace_start(&mut self);
    fn attribute(&mut self, scope: Scope, key: &str, value: &str);
    /// Fails past a bound.
    fn event_start(&mut self, line: u64) -> Result<(), LogError>;
    /// False to stop the walk.
    fn event_end(&mut self) -> Result<bool, LogError>;
    /// False to stop the walk.
    fn trace_end(&mut self) -> Result<bool, LogError>;
}

fn parse_error(path: &Path, line: u64, message: impl Into<String>) -> LogError {
    LogError::Parse {
        path: path.to_owned(),
        line,
        column: 0,
        message: message.into(),
    }
}

/// The bytes of an event as read (without its `<`, `>` and other delimiters).
fn bytes_of<'a>(event: &'a Event<'_>) -> Option<&'a [u8]> {
    Some(match event {
        Event::Start(e) | Event::Empty(e) => e,
        Event::End(e) => e,
        Event::Text(e) | Event::Comment(e) | Event::DocType(e) => e,
        Event::CData(e) => e,
        Event::PI(e) => e,
        Event::GeneralRef(e) => e,
        Event::Decl(_) | Event::Eof => return None,
    })
}

/// The unescaped text of raw attribute bytes (Latin-1 when not UTF-8), borrowed when it has
/// no escapes.
fn unescaped(raw: &[u8]) -> Result<(Cow<'_, str>, bool), String> {
    let (text, utf8) = source::text(raw);
    if !text.contains('&') {
        return Ok((text, utf8));
    }
    let value = quick_xml::escape::unescape(&text).map_err(|e| e.to_string())?;
    Ok((Cow::Owned(value.into_owned()), utf8))
}

/// Raw bytes of an attribute value, borrowed from the element.
type Raw<'a> = Option<Cow<'a, [u8]>>;

/// The raw `key` and `value` of an attribute element.
fn key_value<'a>(element: &'a BytesStart<'_>) -> Result<(Raw<'a>, Raw<'a>), String> {
    let (mut key, mut value) = (None, None);
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        match attribute.key.as_ref() {
            b"key" => key = Some(attribute.value),
            b"value" => value = Some(attribute.value),
            _ => {}
        }
    }
    Ok((key, value))
}

/// What a walk counted.
struct Walked {
    /// Keys and values that were not UTF-8 (read as Latin-1).
    latin1: u64,
    /// Events outside any trace (skipped).
    orphans: u64,
}

/// Walks the XES in `source`, telling `visit`.
fn walk(
    path: &Path,
    source: Source,
    visit: &mut dyn Visit,
    progress: &dyn Fn(u64, u64) -> bool,
) -> Result<Walked, LogError> {
    let counters = Rc::clone(&source.counters);
    let total = source.total;
    let mut reader = Reader::from_reader(source.stream);
    let mut buf = Vec::new();
    // Line feeds are counted in the events' bytes (the markup around them has none), so a line
    // is the one an element starts on.
    let mut newlines = 0u64;
    let mut stack: Vec<Tag> = Vec::new();
    let mut rooted = false;
    let mut events = 0u64;
    let mut latin1 = 0u64;
    let mut orphans = 0u64;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::Io(io)) => {
                let io = std::sync::Arc::try_unwrap(io).unwrap_or_else(|shared| {
                    match shared
                        .get_ref()
                        .and_then(|e| e.downcast_ref::<source::Bound>())
                    {
                        Some(bound) => std::io::Error::other(source::Bound(bound.0.clone())),
                        None => std::io::Error::new(shared.kind(), shared.to_string()),
                    }
                });
                return Err(source::io_failure(path, newlines + 1, io));
            }
            Err(e) => {
                return Err(parse_error(path, newlines + 1, e.to_string()));
            }
        };
        counters.record_done();
        let line = newlines + 1;
        newlines += bytes_of(&event).map_or(0, super::csv::newlines);
        let (element, opens) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                let go_on = match stack.pop() {
                    Some(Tag::Event) => {
                        events += 1;
                        if events.is_multiple_of(PROGRESS_EVERY)
                            && !progress(counters.file_bytes.get(), total)
                        {
                            return Err(LogError::Cancelled);
                        }
                        visit.event_end()?
                    }
                    Some(Tag::Trace) => visit.trace_end()?,
                    Some(Tag::Log) => false,
                    _ => true,
                };
                if !go_on {
                    return Ok(Walked { latin1, orphans });
                }
                continue;
            }
            Event::Eof => {
                if !rooted {
                    return Err(LogError::NotALog {
                        path: path.to_owned(),
                        reason: "it is XML without an XES <log> element".to_owned(),
                    });
                }
                if !stack.is_empty() {
                    return Err(parse_error(path, line, "the file ends inside an element"));
                }
                return Ok(Walked { latin1, orphans });
            }
            _ => continue,
        };
        let name = element.local_name();
        let name = name.as_ref();
        let parent = stack.last().copied();
        let tag = match parent {
            None if rooted => {
                return Err(parse_error(path, line, "a second root element"));
            }
            None if name == b"log" => {
                rooted = true;
                Tag::Log
            }
            None => {
                return Err(LogError::NotALog {
                    path: path.to_owned(),
                    reason: format!(
                        "it is XML whose root is <{}>, not an XES <log>",
                        limits::printable(
                            &String::from_utf8_lossy(name)
                                .chars()
                                .take(40)
                                .collect::<String>()
                        )
                    ),
                });
            }
            Some(Tag::Log) if name == b"event" => {
                orphans += 1;
                Tag::Skip
            }
            Some(Tag::Log) if name == b"trace" => {
                visit.trace_start();
                Tag::Trace
            }
            Some(Tag::Trace) if name == b"event" => {
                visit.event_start(line)?;
                Tag::Event
            }
            Some(scope @ (Tag::Trace | Tag::Event)) if ATTRIBUTES.contains(&name) => {
                let scope = if scope == Tag::Trace {
                    Scope::Trace
                } else {
                    Scope::Event
                };
                let (key, value) = key_value(element).map_err(|m| parse_error(path, line, m))?;
                if let (Some(key), Some(value)) = (key, value) {
                    let (key, key_utf8) =
                        unescaped(&key).map_err(|m| parse_error(path, line, m))?;
                    if visit.wants(scope, &key) {
                        let (value, utf8) =
                            unescaped(&value).map_err(|m| parse_error(path, line, m))?;
                        latin1 += u64::from(!utf8) + u64::from(!key_utf8);
                        visit.attribute(scope, &key, &value);
                    }
                }
                Tag::Skip
            }
            Some(_) => Tag::Skip,
        };
        if opens {
            if stack.len() >= limits::MAX_LOG_XML_DEPTH {
                return Err(LogError::TooBig {
                    path: path.to_owned(),
                    line,
                    message: format!("elements nested deeper than {}", limits::MAX_LOG_XML_DEPTH),
                });
            }
            stack.push(tag);
        } else {
            match tag {
                Tag::Event => {
                    events += 1;
                    if !visit.event_end()? {
                        return Ok(Walked { latin1, orphans });
                    }
                }
                Tag::Trace => {
                    if !visit.trace_end()? {
                        return Ok(Walked { latin1, orphans });
                    }
                }
                Tag::Log => return Ok(Walked { latin1, orphans }),
                Tag::Skip => {}
            }
        }
    }
}

/// Collects headers and rows for a preview.
struct Sampler {
    headers: Vec<String>,
    columns: HashMap<(Scope, String), usize>,
    rows: Vec<Vec<String>>,
    trace: Vec<(usize, String)>,
    trace_first_row: usize,
    wanted: usize,
}

impl Sampler {
    fn column(&mut self, scope: Scope, key: &str) -> Option<usize> {
        if let Some(&i) = self.columns.get(&(scope, key.to_owned())) {
            return Some(i);
        }
        if self.headers.len() >= limits::MAX_LOG_COLUMNS {
            return None;
        }
        let i = self.headers.len();
        self.headers.push(match scope {
            Scope::Trace => format!("case:{key}"),
            Scope::Event => key.to_owned(),
        });
        self.columns.insert((scope, key.to_owned()), i);
        Some(i)
    }

    fn fill_trace(&mut self) {
        for row in self.rows.iter_mut().skip(self.trace_first_row) {
            for (i, value) in &self.trace {
                if let Some(cell) = row.get_mut(*i).filter(|c| c.is_empty()) {
                    cell.clone_from(value);
                } else if row.len() <= *i {
                    row.resize(*i + 1, String::new());
                    if let Some(cell) = row.get_mut(*i) {
                        cell.clone_from(value);
                    }
                }
            }
        }
    }
}

impl Visit for Sampler {
    fn wants(&self, _: Scope, _: &str) -> bool {
        true
    }

    fn trace_start(&mut self) {
        self.trace.clear();
        self.trace_first_row = self.rows.len();
    }

    fn attribute(&mut self, scope: Scope, key: &str, value: &str) {
        let Some(i) = self.column(scope, key) else {
            return;
        };
        match scope {
            Scope::Trace => self.trace.push((i, value.to_owned())),
            Scope::Event => {
                if let Some(row) = self.rows.last_mut() {
                    if row.len() <= i {
                        row.resize(i + 1, String::new());
                    }
                    if let Some(cell) = row.get_mut(i) {
                        value.clone_into(cell);
                    }
                }
            }
        }
    }

    fn event_start(&mut self, _: u64) -> Result<(), LogError> {
        self.rows.push(Vec::new());
        Ok(())
    }

    fn event_end(&mut self) -> Result<bool, LogError> {
        if self.rows.len() >= self.wanted {
            self.fill_trace();
            return Ok(false);
        }
        Ok(true)
    }

    fn trace_end(&mut self) -> Result<bool, LogError> {
        self.fill_trace();
        Ok(true)
    }
}

pub(super) fn head(path: &Path, source: Source, rows: usize) -> Result<Head, LogError> {
    let gzip = source.gzip;
    let counters = Rc::clone(&source.counters);
    let mut sampler = Sampler {
        headers: Vec::new(),
        columns: HashMap::new(),
        rows: Vec::new(),
        trace: Vec::new(),
        trace_first_row: 0,
        wanted: rows.max(1),
    };
    // Traces without a name still have a case (see `Streamer::trace_end`).
    sampler.column(Scope::Trace, "concept:name");
    walk(path, source, &mut sampler, &|_, _| true)?;
    let width = sampler.headers.len();
    for row in &mut sampler.rows {
        row.resize(width, String::new());
    }
    #[allow(clippy::cast_precision_loss, reason = "an estimate")]
    let bytes_per_row = (!gzip && sampler.rows.len() > 1)
        .then(|| counters.consumed() as f64 / sampler.rows.len() as f64);
    Ok(Head {
        format: LogFormat::Xes { gzip },
        headers: sampler.headers,
        rows: sampler.rows,
        bytes_per_row: bytes_per_row.map(|b| b.max(1.0)),
    })
}

/// The roles read from attributes, in [`Role::ALL`] order.
const ROLES: usize = 7;

/// One event of the current trace: its line and the values of the roles read from events.
#[derive(Default)]
struct Slots {
    line: u64,
    values: [String; ROLES],
}

/// Streams events into an [`Assembler`].
struct Streamer<'p> {
    plan: &'p Plan,
    keys: [Option<(Scope, String)>; ROLES],
    trace_values: [String; ROLES],
    traces: u64,
    pool: Vec<Slots>,
    used: usize,
    assembler: Assembler,
    swap: Option<(Role, u64)>,
    path: &'p Path,
}

impl Streamer<'_> {
    fn role_of(&self, scope: Scope, key: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.as_ref().is_some_and(|(s, k)| *s == scope && k == key))
    }
}

impl Visit for Streamer<'_> {
    fn wants(&self, scope: Scope, key: &str) -> bool {
        self.role_of(scope, key).is_some()
    }

    fn trace_start(&mut self) {
        self.traces += 1;
        self.used = 0;
        for value in &mut self.trace_values {
            value.clear();
        }
    }

    fn attribute(&mut self, scope: Scope, key: &str, value: &str) {
        // One key may serve several roles only through overrides; each gets the value.
        for (i, k) in self.keys.iter().enumerate() {
            if k.as_ref().is_some_and(|(s, k)| *s == scope && k == key) {
                let slot = match scope {
                    Scope::Trace => self.trace_values.get_mut(i),
                    Scope::Event => self
                        .pool
                        .get_mut(self.used)
                        .and_then(|s| s.values.get_mut(i)),
                };
                if let Some(slot) = slot {
                    value.clone_into(slot);
                }
            }
        }
    }

    fn event_start(&mut self, line: u64) -> Result<(), LogError> {
        if self.used >= limits::MAX_LOG_TRACE_EVENTS {
            return Err(LogError::TooBig {
                path: self.path.to_owned(),
                line,
                message: format!(
                    "a trace of more than {} events",
                    limits::MAX_LOG_TRACE_EVENTS
                ),
            });
        }
        if self.used == self.pool.len() {
            self.pool.push(Slots::default());
        }
        if let Some(slots) = self.pool.get_mut(self.used) {
            slots.line = line;
            for value in &mut slots.values {
                value.clear();
            }
        }
        Ok(())
    }

    fn event_end(&mut self) -> Result<bool, LogError> {
        self.used += 1;
        Ok(true)
    }

    fn trace_end(&mut self) -> Result<bool, LogError> {
        let fallback = format!("trace {}", self.traces);
        let Self {
            plan,
            keys,
            trace_values,
            pool,
            used,
            assembler,
            swap,
            path,
            ..
        } = self;
        let case_in_trace = keys
            .first()
            .and_then(Option::as_ref)
            .is_some_and(|(s, _)| *s == Scope::Trace);
        for slots in pool.get(..*used).unwrap_or_default() {
            let value = |role| role_value(keys, trace_values, slots, role);
            let mut times = [None, None];
            let mut problem = None;
            for (slot, role, detected) in [
                (0, Role::Timestamp, Some(plan.timestamp)),
                (1, Role::Start, plan.start),
            ] {
                let Some(detected) = detected else {
                    continue;
                };
                match stamp(detected, role, value(role)) {
                    Ok(found) => times[slot] = found,
                    Err(Err(())) => {
                        *swap = Some((role, slots.line));
                        return Ok(false);
                    }
                    Err(Ok(reason)) => problem = problem.or(Some(reason)),
                }
            }
            let too_big = |e: super::assemble::TooBig| LogError::TooBig {
                path: path.to_path_buf(),
                line: slots.line,
                message: e.0,
            };
            if let Some(reason) = problem {
                assembler.bad(slots.line, reason).map_err(too_big)?;
                continue;
            }
            let mut case = value(Role::Case);
            if case.trim().is_empty() && case_in_trace {
                case = &fallback;
            }
            let transition = if plan.indices.lifecycle.is_some() {
                Transition::of(value(Role::Lifecycle))
            } else {
                Transition::Complete
            };
            let (time, own_start) = match transition {
                Transition::Start => (times[0].or(times[1]), None),
                _ => (times[0], times[1]),
            };
            assembler
                .push(&Row {
                    line: slots.line,
                    case,
                    activity: value(Role::Activity),
                    resource: value(Role::Resource),
                    group: value(Role::Group),
                    transition,
                    time,
                    start: own_start,
                })
                .map_err(too_big)?;
        }
        *used = 0;
        Ok(true)
    }
}

/// The value of `role` for one event: from the trace or the event, as its key says.
fn role_value<'a>(
    keys: &[Option<(Scope, String)>; ROLES],
    trace: &'a [String; ROLES],
    slots: &'a Slots,
    role: Role,
) -> &'a str {
    let i = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    match keys.get(i).and_then(Option::as_ref) {
        Some((Scope::Trace, _)) => trace.get(i).map_or("", String::as_str),
        Some((Scope::Event, _)) => slots.values.get(i).map_or("", String::as_str),
        None => "",
    }
}

pub(super) fn read(
    path: &Path,
    source: Source,
    plan: &Plan,
    progress: &dyn Fn(u64, u64) -> bool,
) -> Result<Pass, LogError> {
    let total = source.total;
    let keys = Role::ALL.map(|role| {
        plan.indices
            .get(role)
            .and_then(|i| plan.headers.get(i))
            .map(|header| match header.strip_prefix("case:") {
                Some(key) => (Scope::Trace, key.to_owned()),
                None => (Scope::Event, header.clone()),
            })
    });
    let mut assembler = Assembler::new();
    assembler.reserve(plan.reserve);
    let mut reader = Streamer {
        plan,
        keys,
        trace_values: Default::default(),
        traces: 0,
        pool: Vec::new(),
        used: 0,
        assembler,
        swap: None,
        path,
    };
    let walked = walk(path, source, &mut reader, progress)?;
    if let Some((role, line)) = reader.swap {
        return Ok(Pass::Swap(role, line));
    }
    progress(total, total);
    let mut warnings = Vec::new();
    if walked.latin1 > 0 {
        warnings.push(format!(
            "{} values were not UTF-8 and were read as Latin-1",
            walked.latin1
        ));
    }
    if walked.orphans > 0 {
        warnings.push(format!(
            "{} events outside any trace were left out (they have no case)",
            walked.orphans
        ));
    }
    Ok(Pass::Done(Box::new(reader.assembler), warnings))
}
