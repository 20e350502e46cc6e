//! Validation of sizes: the bounds of `model::limits` on what a file may ask for (elements,
//! names, texts, positions, capacities, costs), and ids that would break a message line.

use super::{Report, Subject};
use crate::model::{Point, ProcessMap, limits};

/// The bounds of `model::limits`: sizes, names, positions, capacities and costs a file may ask
/// for, and ids that would break a message line.
pub(super) fn check_sizes(map: &ProcessMap, report: &mut Report) {
    let elements = map.nodes.len() + map.services.len();
    if elements > limits::MAX_ELEMENTS {
        report.error(
            Subject::Map,
            format!(
                "has {elements} nodes and services; Procmap handles at most {}",
                limits::MAX_ELEMENTS
            ),
        );
    }
    if map.flows.len() > limits::MAX_FLOWS || map.owners.len() > limits::MAX_ELEMENTS {
        report.error(
            Subject::Map,
            format!(
                "has {} flows and {} owners; Procmap handles at most {} flows and {} owners",
                map.flows.len(),
                map.owners.len(),
                limits::MAX_FLOWS,
                limits::MAX_ELEMENTS
            ),
        );
    }
    let text = |report: &mut Report, subject: &Subject, what: &str, value: &str, max: usize| {
        let chars = value.chars().count();
        if chars > max {
            report.error(
                subject.clone(),
                format!("{what} is {chars} characters long; at most {max}"),
            );
        }
    };
    let id = |report: &mut Report, subject: &Subject, id: &str| {
        if id.chars().any(char::is_control) {
            report.error(
                subject.clone(),
                "the id contains a control character (a line break, tab or escape); use \
                 letters, digits, '_' or '-'"
                    .to_owned(),
            );
        }
        text(report, subject, "the id", id, limits::MAX_NAME_CHARS);
    };
    let position = |report: &mut Report, subject: &Subject, at: Point| {
        let far = |v: f64| !v.is_finite() || v.abs() > limits::MAX_COORDINATE;
        if far(at.x) || far(at.y) {
            report.error(
                subject.clone(),
                format!(
                    "position ({}, {}) is too far out; positions are within ±{} on each axis",
                    at.x,
                    at.y,
                    limits::MAX_COORDINATE
                ),
            );
        }
    };
    text(
        report,
        &Subject::Map,
        "the title",
        &map.title,
        limits::MAX_NAME_CHARS,
    );
    text(
        report,
        &Subject::Map,
        "the description",
        &map.description,
        limits::MAX_TEXT_CHARS,
    );
    for (key, node) in &map.nodes {
        let subject = Subject::Node(key.clone());
        id(report, &subject, key);
        text(
            report,
            &subject,
            "the name",
            node.name(),
            limits::MAX_NAME_CHARS,
        );
        text(
            report,
            &subject,
            "the notes",
            node.notes(),
            limits::MAX_TEXT_CHARS,
        );
        position(report, &subject, node.at());
    }
    for (key, service) in &map.services {
        let subject = Subject::Service(key.clone());
        id(report, &subject, key);
        text(
            report,
            &subject,
            "the name",
            &service.name,
            limits::MAX_NAME_CHARS,
        );
        text(
            report,
            &subject,
            "the notes",
            &service.notes,
            limits::MAX_TEXT_CHARS,
        );
        position(report, &subject, service.at);
    }
    for (index, flow) in map.flows.iter().enumerate() {
        let subject = Subject::Flow {
            index,
            from: flow.from.clone(),
            to: flow.to.clone(),
        };
        text(
            report,
            &subject,
            "the label",
            &flow.label,
            limits::MAX_NAME_CHARS,
        );
    }
    if map.calendars.len() > limits::MAX_ELEMENTS {
        report.error(
            Subject::Map,
            format!(
                "has {} calendars; Procmap handles at most {}",
                map.calendars.len(),
                limits::MAX_ELEMENTS
            ),
        );
    }
    for (key, calendar) in &map.calendars {
        let subject = Subject::Calendar(key.clone());
        id(report, &subject, key);
        text(
            report,
            &subject,
            "the name",
            &calendar.name,
            limits::MAX_NAME_CHARS,
        );
    }
    for (key, owner) in &map.owners {
        let subject = Subject::Owner(key.clone());
        id(report, &subject, key);
        text(
            report,
            &subject,
            "the name",
            &owner.name,
            limits::MAX_NAME_CHARS,
        );
        if owner.capacity > limits::MAX_CAPACITY {
            report.error(
                subject.clone(),
                format!(
                    "capacity is {}; at most {}",
                    owner.capacity,
                    limits::MAX_CAPACITY
                ),
            );
        }
        if let Some((min, max)) = owner.capacity_range {
            if min == 0 || min > max || max > limits::MAX_CAPACITY {
                report.error(
                    subject.clone(),
                    format!(
                        "capacity_range is ({min}, {max}); it needs 1 <= min <= max <= {}",
                        limits::MAX_CAPACITY
                    ),
                );
            }
        }
        if owner.cost_per_hour > limits::MAX_COST_PER_HOUR {
            report.error(
                subject,
                format!(
                    "cost_per_hour is {}; at most {}",
                    owner.cost_per_hour,
                    limits::MAX_COST_PER_HOUR
                ),
            );
        }
    }
}
