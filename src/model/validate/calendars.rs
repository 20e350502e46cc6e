//! Validation of working time: calendars (shifts, capacities, overlaps, closed dates), arrival
//! rate profiles, the references to calendars from owners, Starts, Steps, services and SLAs,
//! and the warning that cases arrive while nobody works.

use super::{Report, Subject};
use crate::model::calendar::{Calendar, Window, first_overlap, intersect, rate_windows};
use crate::model::graph::Graph;
use crate::model::{Days, Node, ProcessMap, TimeOfDay, limits};

/// Every rule about calendars and rate profiles.
pub(super) fn check_calendars(map: &ProcessMap, report: &mut Report) {
    for (id, calendar) in &map.calendars {
        check_calendar(id, calendar, report);
    }
    check_references(map, report);
    check_rates(map, report);
    check_arrivals_off_shift(map, report);
}

fn describe(w: &Window) -> String {
    format!("{} {}-{}", w.days, w.from, w.to)
}

fn check_windows(windows: &[Window], what: &str, subject: &Subject, report: &mut Report) {
    for (i, w) in windows.iter().enumerate() {
        if w.from == w.to {
            report.error(
                subject.clone(),
                format!(
                    "{what} {} ({}) ends when it starts; for a whole day write 00:00-24:00",
                    i + 1,
                    describe(w)
                ),
            );
        }
    }
    if let Some((a, b, day)) = first_overlap(windows) {
        report.error(
            subject.clone(),
            format!(
                "{what} {} ({}) overlaps {what} {} ({}) on {day}; shifts of one calendar must \
                 not overlap",
                b + 1,
                describe(&windows[b]),
                a + 1,
                describe(&windows[a])
            ),
        );
    }
}

fn check_calendar(id: &str, calendar: &Calendar, report: &mut Report) {
    let subject = Subject::Calendar(id.to_owned());
    if calendar.week.len() > limits::MAX_SHIFTS || calendar.closed.len() > limits::MAX_CLOSED_DATES
    {
        report.error(
            subject,
            format!(
                "has {} shifts and {} closed dates; a calendar has at most {} shifts and {} \
                 closed dates",
                calendar.week.len(),
                calendar.closed.len(),
                limits::MAX_SHIFTS,
                limits::MAX_CLOSED_DATES
            ),
        );
        return;
    }
    if calendar.name.trim().is_empty() {
        report.warning(subject.clone(), "has no name".to_owned());
    }
    for (i, shift) in calendar.week.iter().enumerate() {
        match shift.capacity {
            Some(0) => report.error(
                subject.clone(),
                format!(
                    "shift {} has capacity 0; leave the time out of the calendar instead",
                    i + 1
                ),
            ),
            Some(c) if c > limits::MAX_CAPACITY => report.error(
                subject.clone(),
                format!(
                    "shift {} has capacity {c}; at most {}",
                    i + 1,
                    limits::MAX_CAPACITY
                ),
            ),
            _ => {}
        }
    }
    check_windows(&calendar.windows(1), "shift", &subject, report);
    if calendar.week.is_empty() {
        report.warning(
            subject.clone(),
            "has no shifts: it is never open".to_owned(),
        );
    }
    let mut dates = calendar.closed.clone();
    dates.sort_unstable();
    if let Some([twice, _]) = dates.windows(2).find(|p| p[0] == p[1]) {
        report.warning(subject, format!("closes {twice} twice"));
    }
}

/// What a calendar is used for, to word the messages.
#[derive(Clone, Copy)]
enum Use {
    Owner,
    Start,
    Step,
    Maintenance,
    Sla,
}

fn check_reference(map: &ProcessMap, id: &str, usage: Use, subject: &Subject, report: &mut Report) {
    let Some(calendar) = map.calendars.get(id) else {
        let hint = report.suggest(id, map.calendars.keys());
        report.error(
            subject.clone(),
            format!("uses the unknown calendar '{id}'{hint}"),
        );
        return;
    };
    if !calendar.week.is_empty() {
        if matches!(usage, Use::Maintenance) && (calendar.hours_per_week() - 168.0).abs() < 1e-9 {
            report.error(
                subject.clone(),
                format!(
                    "its maintenance calendar '{id}' is open all week: the service would never \
                     be up"
                ),
            );
        }
        return;
    }
    let what = match usage {
        Use::Owner => "is never on shift: its calendar",
        Use::Start => "would never see a case arrive: its calendar",
        Use::Step => "would never finish: its calendar",
        Use::Maintenance => return,
        Use::Sla => "could never be met: its calendar",
    };
    report.error(subject.clone(), format!("{what} '{id}' has no shifts"));
}

fn check_references(map: &ProcessMap, report: &mut Report) {
    for (id, owner) in &map.owners {
        if let Some(c) = &owner.calendar {
            check_reference(map, c, Use::Owner, &Subject::Owner(id.clone()), report);
        }
    }
    for (id, service) in &map.services {
        if let Some(c) = &service.maintenance {
            check_reference(
                map,
                c,
                Use::Maintenance,
                &Subject::Service(id.clone()),
                report,
            );
        }
    }
    if let Some(c) = map.sla.as_ref().and_then(|s| s.calendar.as_ref()) {
        check_reference(map, c, Use::Sla, &Subject::Map, report);
    }
    for (id, node) in &map.nodes {
        let subject = Subject::Node(id.clone());
        match node {
            Node::Start {
                calendar: Some(c), ..
            } => check_reference(map, c, Use::Start, &subject, report),
            Node::Step {
                owner,
                calendar,
                sla,
                ..
            } => {
                if let Some(c) = calendar {
                    if let Some(o) = owner {
                        report.error(
                            subject.clone(),
                            format!(
                                "has both an owner ('{o}') and a calendar ('{c}'); a step with \
                                 an owner works on the owner's calendar, so remove one"
                            ),
                        );
                    } else {
                        check_reference(map, c, Use::Step, &subject, report);
                    }
                }
                if let Some(c) = sla.as_ref().and_then(|s| s.calendar.as_ref()) {
                    check_reference(map, c, Use::Sla, &subject, report);
                }
                // The owner's calendar is checked once, on the owner; say it here too, where
                // the user looks at the step.
                let off = owner
                    .as_ref()
                    .and_then(|o| map.owners.get(o).map(|x| (o, x)))
                    .and_then(|(o, x)| Some((o, x.calendar.as_ref()?)))
                    .filter(|(_, c)| map.calendars.get(*c).is_some_and(|c| c.week.is_empty()));
                if let Some((o, c)) = off {
                    report.error(
                        subject,
                        format!(
                            "its owner '{o}' is never on shift (calendar '{c}' has no shifts): \
                             the step can never start"
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

fn check_rates(map: &ProcessMap, report: &mut Report) {
    for (id, node) in &map.nodes {
        let Node::Start {
            arrivals, rates, ..
        } = node
        else {
            continue;
        };
        if rates.is_empty() {
            continue;
        }
        let subject = Subject::Node(id.clone());
        if arrivals.is_some() {
            report.error(
                subject.clone(),
                "has both 'arrivals' and 'rates'; give the time between arrivals or the \
                 rates per window, not both"
                    .to_owned(),
            );
        }
        if rates.len() > limits::MAX_SHIFTS {
            report.error(
                subject,
                format!("has {} rates; at most {}", rates.len(), limits::MAX_SHIFTS),
            );
            continue;
        }
        for (i, r) in rates.iter().enumerate() {
            if !(r.per_hour.is_finite() && (0.0..=limits::MAX_RATE_PER_HOUR).contains(&r.per_hour))
            {
                report.error(
                    subject.clone(),
                    format!(
                        "rate {} must be between 0 and {} per hour (found {})",
                        i + 1,
                        limits::MAX_RATE_PER_HOUR,
                        r.per_hour
                    ),
                );
            }
        }
        check_windows(&rate_windows(rates), "rate", &subject, report);
        if rates
            .iter()
            .all(|r| r.per_hour.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
        {
            report.error(
                subject,
                "all its rates are zero: no case would ever arrive".to_owned(),
            );
        }
    }
}

/// The windows in which a Start's cases arrive, weighted by arrivals per hour.
fn arrival_windows(map: &ProcessMap, node: &Node) -> Vec<Window> {
    let always = Window {
        days: Days::ALL,
        from: TimeOfDay::MIDNIGHT,
        to: TimeOfDay::END_OF_DAY,
        level: 1,
        weight: 1.0,
    };
    let base = match node {
        Node::Start { rates, .. } if !rates.is_empty() => rate_windows(rates),
        _ => vec![always],
    };
    match map.calendar(node.calendar()) {
        Some(c) if !c.week.is_empty() => intersect(&base, &c.windows(1)),
        _ => base,
    }
}

fn weekly_weight(windows: &[Window]) -> f64 {
    windows
        .iter()
        .flat_map(|w| {
            w.week_minutes()
                .into_iter()
                .map(move |(a, b)| f64::from(b - a) * w.weight)
        })
        .sum()
}

/// Warns when a share of a Start's cases arrive while the owner of the first step they reach
/// is off shift: they pile up until the next shift.
fn check_arrivals_off_shift(map: &ProcessMap, report: &mut Report) {
    if map.calendars.is_empty() || map.nodes.len() > limits::MAX_PDF_ELEMENTS {
        return;
    }
    let graph = Graph::new(map);
    for (i, node) in graph.nodes.iter().enumerate() {
        if !matches!(node, Node::Start { .. }) {
            continue;
        }
        let arrivals = arrival_windows(map, node);
        let total = weekly_weight(&arrivals);
        if total <= 0.0 {
            continue;
        }
        for owner_id in first_owners(&graph, i) {
            let Some(owner) = map.owners.get(owner_id) else {
                continue;
            };
            let Some(calendar) = map.calendar(owner.calendar.as_deref()) else {
                continue;
            };
            if calendar.week.is_empty() {
                continue;
            }
            let inside = weekly_weight(&intersect(&arrivals, &calendar.windows(1)));
            let outside = (total - inside) / total;
            if outside > 0.005 {
                report.warning(
                    Subject::Node(graph.ids[i].to_owned()),
                    format!(
                        "{:.0}% of its cases arrive while '{}' is off shift (calendar '{}'); \
                         they wait for the next shift",
                        outside * 100.0,
                        map.owner_name(owner_id),
                        map.calendar_name(owner.calendar.as_deref().unwrap_or_default())
                    ),
                );
            }
        }
    }
}

/// The owners of the first owned steps reachable from node `from` through nodes without one.
fn first_owners<'a>(graph: &Graph<'a>, from: usize) -> Vec<&'a str> {
    let mut seen = vec![false; graph.len()];
    let mut stack = vec![from];
    let mut owners = Vec::new();
    while let Some(n) = stack.pop() {
        for edge in &graph.out[n] {
            let to = edge.node;
            if std::mem::replace(&mut seen[to], true) {
                continue;
            }
            match graph.nodes[to].owner() {
                Some(owner) => {
                    if !owners.contains(&owner) {
                        owners.push(owner);
                    }
                }
                None => stack.push(to),
            }
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::{io, validate};

    const MAP: &str = r#"(
        format: 1,
        title: "Working time",
        calendars: {
            "office": Calendar(name: "Office hours", week: [
                Shift(days: "Mon-Fri", from: "09:00", to: "12:30"),
                Shift(days: "Mon-Fri", from: "13:30", to: "17:30"),
            ], closed: ["2026-12-24", "2026-12-25", "2027-01-01"]),
            "desk_roster": Calendar(name: "Service desk roster", week: [
                Shift(days: "Mon-Fri", from: "07:00", to: "15:00", capacity: 4),
                Shift(days: "Mon-Fri", from: "15:00", to: "23:00", capacity: 2),
                Shift(days: "Sat-Sun", from: "00:00", to: "24:00", capacity: 1),
            ]),
            "slip": Calendar(name: "Overlapping", week: [
                Shift(days: "Mon-Fri", from: "09:00", to: "12:30"),
                Shift(days: "Fri", from: "12:00", to: "13:00"),
            ]),
            "never": Calendar(name: "Never"),
        },
        owners: {
            "second_line": Owner(name: "Second line", capacity: 4, calendar: "office"),
            "desk": Owner(name: "Desk", capacity: 4, calendar: "desk_roster"),
            "ghosts": Owner(name: "Ghosts", calendar: "never"),
        },
        nodes: {
            "in": Start(name: "Request", arrivals: Exponential(mean: "15m")),
            "web": Start(name: "Web form", arrivals: Exponential(mean: "15m"), rates: [
                Rate(days: "Mon", from: "08:00", to: "12:00", per_hour: 12.0),
                Rate(days: "Mon-Fri", from: "12:00", to: "18:00", per_hour: 4.0),
            ]),
            "a": Step(name: "A", owner: "second_line", work: Fixed("10m"), calendar: "office"),
            "b": Step(name: "B", owner: "ghosts", work: Fixed("10m")),
            "c": Step(name: "C", owner: "desk", work: Fixed("10m"), sla: Sla(target: "1h", calendar: "offfice")),
            "out": End(name: "Done"),
        },
        flows: [
            Flow(from: "in", to: "a"), Flow(from: "web", to: "c"),
            Flow(from: "a", to: "b"), Flow(from: "b", to: "c"), Flow(from: "c", to: "out"),
        ],
        sla: Sla(target: "16h", within: 0.9, calendar: "office"),
        simulation: Simulation(start: "2026-01-05 00:00"),
    )"#;

    #[test]
    fn calendar_rules_name_what_is_wrong() {
        let map = io::from_str(MAP, Path::new("working.ron")).unwrap_or_else(|e| panic!("{e}"));
        let found: Vec<String> = validate(&map).iter().map(ToString::to_string).collect();
        let has = |part: &str| {
            assert!(
                found.iter().any(|m| m.contains(part)),
                "no problem mentions {part:?}:\n{}",
                found.join("\n")
            );
        };
        has(
            "calendar 'slip': error: shift 2 (Fri 12:00-13:00) overlaps shift 1 (Mon-Fri 09:00-12:30) on Fri",
        );
        has("calendar 'never': warning: has no shifts");
        has("owner 'ghosts': error: is never on shift: its calendar 'never' has no shifts");
        has("node 'b': error: its owner 'ghosts' is never on shift");
        has("node 'a': error: has both an owner ('second_line') and a calendar ('office')");
        has("node 'c': error: uses the unknown calendar 'offfice' (did you mean 'office'?)");
        has("node 'web': error: has both 'arrivals' and 'rates'");
        has("node 'in': warning: 78% of its cases arrive while 'Second line' is off shift");
        // The desk roster covers Mon-Fri 07-23 and the weekend; the web form's rates fall in it.
        assert!(
            !found.iter().any(|m| m.contains("node 'web': warning")),
            "{found:?}"
        );
        let text = io::to_string(&map).unwrap_or_else(|e| panic!("{e}"));
        let again = io::from_str(&text, Path::new("again.ron")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, map);
        assert!(
            text.contains(r#"Shift(days: "Mon-Fri", from: "07:00", to: "15:00", capacity: 4)"#),
            "{text}"
        );
    }

    #[test]
    fn malformed_times_name_line_and_column() {
        let bad = MAP.replace(r#"to: "12:30"),"#, r#"to: "12:3"),"#);
        let err = io::from_str(&bad, Path::new("bad.ron")).expect_err("a bad time");
        let text = err.to_string();
        assert!(text.contains("bad.ron:6:"), "{text}");
        assert!(text.contains("is not a time of day"), "{text}");
    }
}
