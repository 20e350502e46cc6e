//! A discovered map checked against its log: simulate the map, write the simulated cases' log
//! (`trace`), and compare the two logs' profiles (`analysis::discover::compare`).

use super::{Control, SimError, trace};
use crate::analysis::discover::{self, Comparison, LogProfile};
use crate::model::ProcessMap;

/// At most this many cases are simulated for the comparison.
pub const MAX_CHECK_CASES: u64 = 200_000;

/// Simulates `map` for as many cases as the log has (at most [`MAX_CHECK_CASES`], without a
/// warm-up: the log's first cases did not have one either) and compares its log with `log`.
///
/// # Errors
/// What [`trace`] returns: an invalid map, or cancelled.
pub fn against_log(
    map: &ProcessMap,
    log: &LogProfile,
    control: &Control,
) -> Result<Comparison, SimError> {
    let mut settings = map.simulation;
    settings.cases = u64::try_from(log.cases)
        .unwrap_or(MAX_CHECK_CASES)
        .clamp(1, MAX_CHECK_CASES);
    settings.warmup = 0;
    settings.replications = 1;
    let simulated = trace(map, &settings, control)?;
    Ok(discover::compare(log, &discover::profile(&simulated)))
}
