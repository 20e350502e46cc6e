//! What a map (or a command-line flag) may ask for. Every resource a file can request has a
//! bound here, so that a hostile or mistyped file gets a clear problem instead of exhausting
//! memory or time. Validation reports a problem past each bound; the CLI checks its flags
//! against the same numbers.

/// Cases measured per replication.
pub const MAX_CASES: u64 = 10_000_000;
/// Warm-up cases per replication.
pub const MAX_WARMUP: u64 = 10_000_000;
/// Replications of one run.
pub const MAX_REPLICATIONS: u32 = 10_000;
/// Cases over all replications (measured and warm-up).
pub const MAX_TOTAL_CASES: u64 = 200_000_000;
/// Nodes plus services in a map (and, separately, owners).
pub const MAX_ELEMENTS: usize = 200_000;
/// Flows in a map.
pub const MAX_FLOWS: usize = 400_000;
/// Nodes plus services in a map printed as a PDF handbook (about a page per ten steps).
pub const MAX_PDF_ELEMENTS: usize = 5_000;
/// Characters in a name or an id.
pub const MAX_NAME_CHARS: usize = 1_000;
/// Characters in notes or a description.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Distance of a position from the origin on either axis, in canvas units.
pub const MAX_COORDINATE: f64 = 1_000_000.0;
/// People in one owner.
pub const MAX_CAPACITY: u32 = 100_000;
/// Candidate staffings one `optimize` run may try (each is a whole simulation).
pub const MAX_PLAN_CANDIDATES: usize = 2_000;
/// Cost per hour of one owner.
pub const MAX_COST_PER_HOUR: f64 = 1e9;
/// Shifts in one calendar, and rate windows of one Start.
pub const MAX_SHIFTS: usize = 1_000;
/// Closed dates of one calendar.
pub const MAX_CLOSED_DATES: usize = 10_000;
/// Arrivals per hour in one rate window.
pub const MAX_RATE_PER_HOUR: f64 = 1e6;
/// Rows of one event log (CSV records or XES events), so its events stay under about 800 MB.
pub const MAX_LOG_ROWS: u64 = 20_000_000;
/// Bytes of the distinct names (cases, activities, resources, groups) of one event log.
pub const MAX_LOG_NAME_BYTES: usize = 256 << 20;
/// Columns of one CSV event log (and distinct attribute keys an XES preview lists).
pub const MAX_LOG_COLUMNS: usize = 1_000;
/// Bytes of one CSV record or one XML tag of an event log (an unclosed quote ends here, not at
/// the end of memory).
pub const MAX_LOG_RECORD_BYTES: u64 = 1 << 20;
/// Events of one XES trace (they wait in memory until the trace ends).
pub const MAX_LOG_TRACE_EVENTS: usize = 1_000_000;
/// Nesting of XML elements in an XES log.
pub const MAX_LOG_XML_DEPTH: usize = 256;
/// Bytes of an event log after decompression.
pub const MAX_LOG_BYTES: u64 = 16 << 30;
/// Events in the simulator's event log (`simulate --log`): 40 bytes each in memory, about
/// 100 bytes each as CSV.
pub const MAX_LOG_EVENTS: usize = 20_000_000;

/// Why a simulation request is too big, or `None` when it fits.
#[must_use]
pub fn simulation_too_big(cases: u64, warmup: u64, replications: u32) -> Option<String> {
    if cases > MAX_CASES {
        return Some(format!(
            "cases is {cases}; at most {MAX_CASES} per replication"
        ));
    }
    if warmup > MAX_WARMUP {
        return Some(format!("warmup is {warmup}; at most {MAX_WARMUP}"));
    }
    if replications > MAX_REPLICATIONS {
        return Some(format!(
            "replications is {replications}; at most {MAX_REPLICATIONS}"
        ));
    }
    let total = cases
        .saturating_add(warmup)
        .saturating_mul(u64::from(replications));
    if total > MAX_TOTAL_CASES {
        return Some(format!(
            "{replications} replications x {} cases is {total} cases; at most {MAX_TOTAL_CASES} in one run",
            cases.saturating_add(warmup)
        ));
    }
    None
}

/// An id or name as it may be shown on one line: control characters (line breaks, tabs,
/// escapes) written as `\n`, `\t`, `\u{1b}`, so no message can be forged by an id.
#[must_use]
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}
