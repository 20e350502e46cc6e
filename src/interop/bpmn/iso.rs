//! ISO 8601 durations (`PT15M`, `P1DT2H`, `PT0.5S`), as BPMN timers and BPSim write them.

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

/// Writes a duration as ISO 8601 (`PT1H30M`, `PT0.25S`).
#[must_use]
pub fn format(duration: Duration) -> String {
    let ms = duration.as_ms();
    let (s, ms) = (ms / 1000, ms % 1000);
    let (d, s) = (s / 86_400, s % 86_400);
    let (h, s) = (s / 3600, s % 3600);
    let (m, s) = (s / 60, s % 60);
    let mut out = String::from("P");
    if d > 0 {
        out.push_str(&format!("{d}D"));
    }
    if h > 0 || m > 0 || s > 0 || ms > 0 || d == 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if ms > 0 {
            out.push_str(&format!("{s}.{ms:03}S"));
        } else if s > 0 || (h == 0 && m == 0) {
            out.push_str(&format!("{s}S"));
        }
    }
    out
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
        for t in ["PT1H30M", "P1DT0.250S", "PT0S", "P3D", "PT59M59S"] {
            let d = duration(t).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(format(d), t);
        }
    }
}
