//! ISO 8601 durations (`PT15M`, `P1DT2H`, `PT0.5S`), as BPMN timers and `BPSim` write them.

use crate::model::Duration;

/// Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds. Years and months
/// have no fixed length and are refused.
#[must_use]
pub fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let rest = text.strip_prefix('P').or_else(|| text.strip_prefix('p'))?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut seconds = 0.0;
    let mut parts = 0;
    for (part, units) in [
        (date, &[('W', 604_800.0), ('D', 86_400.0)][..]),
        (
            time.unwrap_or(""),
            &[('H', 3600.0), ('M', 60.0), ('S', 1.0)][..],
        ),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                number.push(if c == ',' { '.' } else { c });
                continue;
            }
            let scale = units
                .iter()
                .find(|(u, _)| *u == c.to_ascii_uppercase())
                .map(|(_, s)| *s)?;
            let value: f64 = number.parse().ok()?;
            seconds += value * scale;
            parts += 1;
            number.clear();
        }
        if !number.is_empty() {
            return None;
        }
    }
    if parts == 0 || time == Some("") || !(seconds.is_finite() && seconds < 3.0e9) {
        return None;
    }
    Some(Duration::from_hours(seconds / 3600.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations_parse_and_print() {
        let ms = |t: &str| duration(t).map(Duration::as_ms);
        assert_eq!(ms("PT15M"), Some(900_000));
        assert_eq!(ms("P1DT2H"), Some(93_600_000));
        assert_eq!(ms("PT0.5S"), Some(500));
        assert_eq!(ms("P2W"), Some(1_209_600_000));
        assert_eq!(ms("P1Y"), None);
        assert_eq!(ms("PT"), None);
        assert_eq!(ms("15 minutes"), None);
        assert_eq!(ms("PT5"), None);
    }
}
