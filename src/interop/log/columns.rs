//! Which column (or XES attribute) holds the case, the activity, the timestamps, the resource,
//! the group and the lifecycle transition: recognised from common names, or named by the user.

use crate::model::limits::printable;

/// The column of each role, by its name in the file. In [`super::read_log`] a `Some` names the
/// column to use (an override; `Some("")` means "do not use one" for the optional roles) and
/// `None` asks for recognition; in reports and previews `Some` is the column used.
///
/// For XES, names are attribute keys: `case:KEY` is the trace's attribute `KEY`, anything else
/// an event's attribute (the trace's `concept:name` is `case:concept:name`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// The case identifier (`case_id`, `case:concept:name`, ...).
    pub case: Option<String>,
    /// The activity name (`activity`, `concept:name`, ...).
    pub activity: Option<String>,
    /// The completion timestamp, or the only timestamp of each row.
    pub timestamp: Option<String>,
    /// The start timestamp, when each row has both.
    pub start: Option<String>,
    /// The resource (person or system) doing the work.
    pub resource: Option<String>,
    /// The team, role or owner.
    pub group: Option<String>,
    /// The lifecycle transition (`start`, `complete`, ...), when start and completion are
    /// separate rows.
    pub lifecycle: Option<String>,
}

/// One of the columns an event log has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Case,
    Activity,
    Lifecycle,
    Start,
    Timestamp,
    Resource,
    Group,
}

impl Role {
    /// In the order columns are claimed: a column serves one role.
    pub(super) const ALL: [Self; 7] = [
        Self::Case,
        Self::Activity,
        Self::Lifecycle,
        Self::Start,
        Self::Timestamp,
        Self::Resource,
        Self::Group,
    ];

    /// The command-line flag that names this column.
    pub(super) const fn flag(self) -> &'static str {
        match self {
            Self::Case => "--case",
            Self::Activity => "--activity",
            Self::Lifecycle => "--lifecycle",
            Self::Start => "--start",
            Self::Timestamp => "--timestamp",
            Self::Resource => "--resource",
            Self::Group => "--group",
        }
    }

    /// What the column holds, for messages.
    pub(super) const fn what(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Activity => "activity",
            Self::Lifecycle => "lifecycle",
            Self::Start => "start timestamp",
            Self::Timestamp => "timestamp",
            Self::Resource => "resource",
            Self::Group => "group",
        }
    }

    /// Recognised names, normalised (see [`normalise`]), best first.
    pub(super) const fn names(self) -> &'static [&'static str] {
        match self {
            Self::Case => &[
                "case:concept:name",
                "caseid",
                "case",
                "casename",
                "casenumber",
                "caseconceptname",
                "ticket",
                "ticketid",
                "ticketnumber",
                "incident",
                "incidentid",
                "incidentnumber",
                "processinstance",
                "instanceid",
            ],
            Self::Activity => &[
                "activity",
                "concept:name",
                "activityname",
                "activityid",
                "task",
                "taskname",
                "event",
                "eventname",
                "action",
            ],
            Self::Lifecycle => &[
                "lifecycle:transition",
                "lifecycle",
                "lifecycletransition",
                "eventtype",
                "transition",
            ],
            Self::Start => &[
                "starttimestamp",
                "start",
                "starttime",
                "startdate",
                "startdatetime",
                "time:start",
                "started",
            ],
            Self::Timestamp => &[
                "time:timestamp",
                "timestamp",
                "completetimestamp",
                "complete",
                "completed",
                "completetime",
                "completiontime",
                "endtimestamp",
                "end",
                "endtime",
                "enddate",
                "enddatetime",
                "time",
                "datetime",
            ],
            Self::Resource => &[
                "org:resource",
                "resource",
                "user",
                "username",
                "agent",
                "performer",
                "assignee",
                "employee",
            ],
            Self::Group => &[
                "org:group",
                "group",
                "team",
                "org:role",
                "role",
                "owner",
                "department",
                "assignmentgroup",
            ],
        }
    }

    pub(super) fn get(self, columns: &Columns) -> Option<&str> {
        match self {
            Self::Case => columns.case.as_deref(),
            Self::Activity => columns.activity.as_deref(),
            Self::Lifecycle => columns.lifecycle.as_deref(),
            Self::Start => columns.start.as_deref(),
            Self::Timestamp => columns.timestamp.as_deref(),
            Self::Resource => columns.resource.as_deref(),
            Self::Group => columns.group.as_deref(),
        }
    }

    pub(super) fn set(self, columns: &mut Columns, name: Option<String>) {
        let slot = match self {
            Self::Case => &mut columns.case,
            Self::Activity => &mut columns.activity,
            Self::Lifecycle => &mut columns.lifecycle,
            Self::Start => &mut columns.start,
            Self::Timestamp => &mut columns.timestamp,
            Self::Resource => &mut columns.resource,
            Self::Group => &mut columns.group,
        };
        *slot = name;
    }

    pub(super) const fn required(self) -> bool {
        matches!(self, Self::Case | Self::Activity | Self::Timestamp)
    }
}

/// A header as compared with the recognised names: trimmed, lower case, without spaces,
/// underscores, hyphens and dots (`Case ID`, `case_id` and `caseid` are the same).
pub(super) fn normalise(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column index of each role (indices into the headers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Indices {
    pub(super) case: Option<usize>,
    pub(super) activity: Option<usize>,
    pub(super) lifecycle: Option<usize>,
    pub(super) start: Option<usize>,
    pub(super) timestamp: Option<usize>,
    pub(super) resource: Option<usize>,
    pub(super) group: Option<usize>,
}

impl Indices {
    pub(super) fn get(&self, role: Role) -> Option<usize> {
        match role {
            Role::Case => self.case,
            Role::Activity => self.activity,
            Role::Lifecycle => self.lifecycle,
            Role::Start => self.start,
            Role::Timestamp => self.timestamp,
            Role::Resource => self.resource,
            Role::Group => self.group,
        }
    }

    fn set(&mut self, role: Role, index: Option<usize>) {
        let slot = match role {
            Role::Case => &mut self.case,
            Role::Activity => &mut self.activity,
            Role::Lifecycle => &mut self.lifecycle,
            Role::Start => &mut self.start,
            Role::Timestamp => &mut self.timestamp,
            Role::Resource => &mut self.resource,
            Role::Group => &mut self.group,
        };
        *slot = index;
    }

    /// The columns by name.
    pub(super) fn named(&self, headers: &[String]) -> Columns {
        let mut columns = Columns::default();
        for role in Role::ALL {
            let name = self.get(role).and_then(|i| headers.get(i)).cloned();
            role.set(&mut columns, name);
        }
        columns
    }
}

/// Why the columns could not be found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ColumnProblem {
    /// An override names no column.
    Unknown { role: Role, name: String },
    /// Required roles without a column.
    Missing(Vec<Role>),
}

/// The column of each role: overrides first (exact name, else the same normalised name), then
/// recognition among the columns no override took. A file with only a start column reads it as
/// the timestamp (the returned flag is true).
pub(super) fn resolve(
    headers: &[String],
    overrides: &Columns,
) -> Result<(Indices, bool), ColumnProblem> {
    let mut indices = assign(headers, overrides)?;
    let mut start_as_timestamp = false;
    if indices.timestamp.is_none() && overrides.timestamp.is_none() && indices.start.is_some() {
        indices.timestamp = indices.start.take();
        start_as_timestamp = true;
    }
    let missing: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| r.required() && indices.get(*r).is_none())
        .collect();
    if missing.is_empty() {
        Ok((indices, start_as_timestamp))
    } else {
        Err(ColumnProblem::Missing(missing))
    }
}

/// The columns recognised by name, whichever are missing.
pub(super) fn recognise_partly(headers: &[String]) -> Indices {
    assign(headers, &Columns::default()).unwrap_or_default()
}

fn assign(headers: &[String], overrides: &Columns) -> Result<Indices, ColumnProblem> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut indices = Indices::default();
    let mut taken = vec![false; headers.len()];
    for role in Role::ALL {
        let Some(name) = role.get(overrides) else {
            continue;
        };
        if name.is_empty() && !role.required() {
            continue;
        }
        let found = headers
            .iter()
            .position(|h| h == name)
            .or_else(|| headers.iter().position(|h| h.trim() == name.trim()))
            .or_else(|| {
                let wanted = normalise(name);
                normalised.iter().position(|h| *h == wanted)
            });
        let Some(index) = found else {
            return Err(ColumnProblem::Unknown {
                role,
                name: name.to_owned(),
            });
        };
        indices.set(role, Some(index));
        if let Some(t) = taken.get_mut(index) {
            *t = true;
        }
    }
    for role in Role::ALL {
        if role.get(overrides).is_some() {
            continue;
        }
        let found = role.names().iter().find_map(|wanted| {
            normalised
                .iter()
                .enumerate()
                .find(|&(i, h)| h == wanted && !taken.get(i).copied().unwrap_or(true))
                .map(|(i, _)| i)
        });
        if let Some(index) = found {
            indices.set(role, Some(index));
            if let Some(t) = taken.get_mut(index) {
                *t = true;
            }
        }
    }
    Ok(indices)
}

/// The columns of a file, for messages: at most 30, each at most 40 characters, printable.
pub(super) fn listed(headers: &[String]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .take(30)
        .map(|h| {
            let short: String = h.chars().take(40).collect();
            let cut = if short.len() < h.len() { "..." } else { "" };
            format!("\"{}{cut}\"", printable(&short))
        })
        .collect();
    if headers.len() > 30 {
        names.push(format!("and {} more", headers.len() - 30));
    }
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|&n| n.to_owned()).collect()
    }

    #[test]
    fn the_simulators_columns_are_recognised() {
        let h = headers(&[
            "case_id",
            "activity",
            "start_timestamp",
            "complete_timestamp",
            "resource",
            "owner",
        ]);
        let (i, start_only) = resolve(&h, &Columns::default()).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!start_only);
        let named = i.named(&h);
        assert_eq!(named.case.as_deref(), Some("case_id"));
        assert_eq!(named.start.as_deref(), Some("start_timestamp"));
        assert_eq!(named.timestamp.as_deref(), Some("complete_timestamp"));
        assert_eq!(named.group.as_deref(), Some("owner"));
        assert_eq!(named.lifecycle, None);
    }

    #[test]
    fn pm4py_names_split_case_and_activity() {
        let h = headers(&[
            "concept:name",
            "case:concept:name",
            "time:timestamp",
            "Org:Resource",
        ]);
        let (i, _) = resolve(&h, &Columns::default()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (i.case, i.activity, i.timestamp, i.resource),
            (Some(1), Some(0), Some(2), Some(3))
        );
    }

    #[test]
    fn overrides_win_and_unknown_ones_are_named() {
        let h = headers(&["Ticket", "Step", "When", "Case ID"]);
        let missing = resolve(&h, &Columns::default());
        assert_eq!(
            missing,
            Err(ColumnProblem::Missing(vec![
                Role::Activity,
                Role::Timestamp
            ]))
        );
        let overrides = Columns {
            case: Some("ticket".into()),
            activity: Some("Step".into()),
            timestamp: Some("WHEN".into()),
            ..Columns::default()
        };
        let (i, _) = resolve(&h, &overrides).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (i.case, i.activity, i.timestamp),
            (Some(0), Some(1), Some(2))
        );
        let wrong = Columns {
            case: Some("nope".into()),
            ..Columns::default()
        };
        assert!(matches!(
            resolve(&h, &wrong),
            Err(ColumnProblem::Unknown {
                role: Role::Case,
                ..
            })
        ));
    }

    #[test]
    fn a_lone_start_column_is_the_timestamp() {
        let h = headers(&["case", "activity", "Start Time"]);
        let (i, start_only) = resolve(&h, &Columns::default()).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(start_only);
        assert_eq!((i.timestamp, i.start), (Some(2), None));
    }
}
