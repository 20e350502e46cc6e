//! Owners from a log's resources: teams, their capacity and their working hours.
//!
//! - **Teams**: with a group column (team, role, owner), each group is a team and a resource
//!   belongs to the group it appears with most. Without one, resources that do the same
//!   activities form a team: a resource's *profile* is the set of activities that make at
//!   least [`PROFILE_SHARE`] of its events, and resources with the same profile are one team,
//!   named after its most frequent activity.
//! - **Owner of a step**: the team that did most of the activity's events.
//! - **Capacity**: the largest number of distinct resources of the team at work at the same
//!   moment, counted when a piece of work starts (so work carried over a shift change does not
//!   count twice); per shift when the team has working hours.
//! - **Working hours**: the quarter-hours (half hours or hours when the log is thin) of the week
//!   in which the team starts or completes work, at least [`OPEN_SHARE`] of a busy slot's count
//!   (the 75th percentile of the slots with any); single empty slots between open ones are
//!   filled; days whose open slots mostly agree (Jaccard index from [`SAME_DAY`]) are pooled
//!   and read again from their summed counts, so Monday to Friday get one set of shifts. Open
//!   nearly all week means no calendar. A weekday date with no work at all where that weekday
//!   normally has at least [`CLOSED_EXPECTED`] events, between two normal working days, is a
//!   closed date. A team at work around the clock whose peak
//!   concurrency differs by hour (a roster) gets shifts covering the week with their own
//!   capacity.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::log::{DAY, EventLog, NO_NAME, NO_TIME, WEEK, day_of, week_minute};
use crate::model::{Date, Days, Shift, TimeOfDay};

/// An activity belongs to a resource's profile from this share of its events.
pub const PROFILE_SHARE: f64 = 0.1;
/// A slot of the week is open from this share of the busiest slot's events.
pub const OPEN_SHARE: f64 = 0.02;
/// Open this share of the week or more is around the clock (no calendar).
pub const AROUND_THE_CLOCK: f64 = 0.97;
/// Days pool when their open slots agree this much (shared / either).
pub const SAME_DAY: f64 = 0.8;
/// A date is closed when it has no events but its weekday averages at least this many.
pub const CLOSED_EXPECTED: f64 = 20.0;
/// Roster runs shorter than this many hours join a neighbour.
pub const MIN_ROSTER_HOURS: usize = 2;
/// Fewer events than this give no working hours (too little evidence).
const MIN_EVENTS_FOR_HOURS: usize = 100;

/// A discovered team.
#[derive(Clone, Debug, PartialEq)]
pub struct Team {
    /// Display name.
    pub name: String,
    /// Its resources (indices into `EventLog::resources`).
    pub resources: Vec<u32>,
    /// Most distinct resources at work at once.
    pub capacity: u32,
    /// Distinct resources at work in a median week.
    pub per_week: u32,
    /// Working hours, when the team does not work around the clock.
    pub hours: Option<Hours>,
}

/// Inferred working hours of a team.
#[derive(Clone, Debug, PartialEq)]
pub struct Hours {
    /// The shifts, with their own capacity when they differ.
    pub shifts: Vec<Shift>,
    /// Dates without work on a normally busy weekday.
    pub closed: Vec<Date>,
    /// Resolution the hours were read at, minutes.
    pub slot_minutes: u32,
}

/// Teams of `log` and, per activity, the team that owns it (`None`: no resources).
pub fn teams(log: &EventLog, starts: &[i64]) -> (Vec<Team>, Vec<Option<usize>>) {
    let n_res = log.resources.len();
    let n_act = log.activities.len();
    let use_groups = log.events.iter().any(|e| e.group != NO_NAME);
    // Team key per resource, and team names.
    let mut team_of_resource: Vec<Option<usize>> = vec![None; n_res];
    let mut names: Vec<String> = Vec::new();
    if use_groups {
        let mut counts: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        for e in &log.events {
            if e.resource != NO_NAME && e.group != NO_NAME {
                *counts.entry((e.resource, e.group)).or_default() += 1;
            }
        }
        let mut best: Vec<(u64, u32)> = vec![(0, NO_NAME); n_res];
        for (&(r, g), &c) in &counts {
            if c > best[r as usize].0 {
                best[r as usize] = (c, g);
            }
        }
        let mut index: BTreeMap<u32, usize> = BTreeMap::new();
        for (r, &(_, g)) in best.iter().enumerate() {
            if g != NO_NAME {
                let next = index.len();
                let t = *index.entry(g).or_insert(next);
                team_of_resource[r] = Some(t);
            }
        }
        names = vec![String::new(); index.len()];
        for (&g, &t) in &index {
            names[t].clone_from(&log.groups[g as usize]);
        }
    }
    // Resources without a group (or logs without groups): by profile.
    let mut per_resource: Vec<BTreeMap<u32, u64>> = vec![BTreeMap::new(); n_res];
    for e in &log.events {
        if e.resource != NO_NAME {
            *per_resource[e.resource as usize]
                .entry(e.activity)
                .or_default() += 1;
        }
    }
    let mut by_profile: BTreeMap<Vec<u32>, usize> = BTreeMap::new();
    for r in 0..n_res {
        if team_of_resource[r].is_some() || per_resource[r].is_empty() {
            continue;
        }
        let total: u64 = per_resource[r].values().sum();
        #[allow(clippy::cast_precision_loss, reason = "counts")]
        let mut profile: Vec<u32> = per_resource[r]
            .iter()
            .filter(|&(_, &c)| c as f64 >= PROFILE_SHARE * total as f64)
            .map(|(&a, _)| a)
            .collect();
        if profile.is_empty() {
            profile.extend(per_resource[r].keys().next());
        }
        let next = names.len();
        let t = *by_profile.entry(profile).or_insert_with(|| {
            names.push(String::new());
            next
        });
        team_of_resource[r] = Some(t);
    }
    let n_team = names.len();
    // Activity counts per team; owner per activity.
    let mut act_team: Vec<BTreeMap<usize, u64>> = vec![BTreeMap::new(); n_act];
    let mut team_acts: Vec<BTreeMap<u32, u64>> = vec![BTreeMap::new(); n_team];
    for e in &log.events {
        if e.resource != NO_NAME {
            if let Some(t) = team_of_resource[e.resource as usize] {
                *act_team[e.activity as usize].entry(t).or_default() += 1;
                *team_acts[t].entry(e.activity).or_default() += 1;
            }
        }
    }
    let owner: Vec<Option<usize>> = act_team
        .iter()
        .map(|m| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&t, _)| t)
        })
        .collect();
    // Names of profile teams: after their most frequent activity, unique.
    let mut taken: BTreeSet<String> = names.iter().filter(|n| !n.is_empty()).cloned().collect();
    for t in 0..n_team {
        if names[t].is_empty() {
            let main = team_acts[t]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map_or("Work", |(&a, _)| log.activities[a as usize].as_str());
            let base = format!("{main} team");
            let mut name = base.clone();
            let mut k = 2;
            while taken.contains(&name) {
                name = format!("{base} {k}");
                k += 1;
            }
            taken.insert(name.clone());
            names[t] = name;
        }
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_team];
    for (r, t) in team_of_resource.iter().enumerate() {
        if let Some(t) = *t {
            members[t].push(u32::try_from(r).unwrap_or(NO_NAME));
        }
    }
    let teams = names
        .into_iter()
        .zip(members)
        .enumerate()
        .map(|(t, (name, resources))| {
            let events: Vec<usize> = (0..log.events.len())
                .filter(|&i| {
                    let r = log.events[i].resource;
                    r != NO_NAME && team_of_resource[r as usize] == Some(t)
                })
                .collect();
            measure(log, starts, name, resources, &events)
        })
        .collect();
    (teams, owner)
}

/// Capacity, people per week and working hours of one team from its events.
fn measure(
    log: &EventLog,
    starts: &[i64],
    name: String,
    resources: Vec<u32>,
    events: &[usize],
) -> Team {
    // Slot of the week per instant, on the event's wall clock, at 15-minute resolution.
    let slot = |i: usize, t: i64| -> usize { week_minute(log.events[i].wall(t)) / 15 };
    // Concurrency at each start, by 15-minute slot.
    let mut marks: Vec<(i64, bool, usize)> = Vec::with_capacity(events.len() * 2);
    for &i in events {
        let e = &log.events[i];
        marks.push((starts[i].min(e.complete), true, i));
        marks.push((e.complete, false, i));
    }
    marks.sort_unstable_by_key(|&(t, is_start, i)| (t, is_start, i));
    let mut active: BTreeMap<u32, u32> = BTreeMap::new();
    let mut at_start_max = [0u32; 672];
    for &(t, is_start, i) in &marks {
        let r = log.events[i].resource;
        if is_start {
            *active.entry(r).or_default() += 1;
            let s = slot(i, t);
            #[allow(clippy::cast_possible_truncation, reason = "resources < 2^32")]
            let n = active.len() as u32;
            at_start_max[s] = at_start_max[s].max(n);
        } else if let Some(c) = active.get_mut(&r) {
            *c -= 1;
            if *c == 0 {
                active.remove(&r);
            }
        }
    }
    let capacity = at_start_max.iter().copied().max().unwrap_or(0).max(1);
    // Distinct resources per calendar week (median).
    let mut weeks: BTreeMap<i64, BTreeSet<u32>> = BTreeMap::new();
    for &i in events {
        let e = &log.events[i];
        weeks
            .entry((e.wall(e.complete) + 3 * DAY).div_euclid(WEEK))
            .or_default()
            .insert(e.resource);
    }
    let mut sizes: Vec<usize> = weeks.values().map(BTreeSet::len).collect();
    sizes.sort_unstable();
    let per_week = u32::try_from(sizes.get(sizes.len() / 2).copied().unwrap_or(0)).unwrap_or(0);
    // Working hours from starts and completions.
    let mut counts = [0u64; 672];
    let mut times: Vec<i64> = Vec::with_capacity(events.len() * 2);
    for &i in events {
        let e = &log.events[i];
        counts[slot(i, e.complete)] += 1;
        times.push(e.wall(e.complete));
        if e.start != NO_TIME {
            counts[slot(i, e.start)] += 1;
            times.push(e.wall(e.start));
        }
    }
    let hours = if events.len() >= MIN_EVENTS_FOR_HOURS {
        infer_hours(&counts, Some(&at_start_max), &times).or_else(|| roster(&at_start_max))
    } else {
        None
    };
    let capacity = hours
        .as_ref()
        .and_then(|h| h.shifts.iter().filter_map(|s| s.capacity).max())
        .unwrap_or(capacity);
    Team {
        name,
        resources,
        capacity,
        per_week,
        hours,
    }
}

/// Working hours of an activity done without resources (a delay that counts working time, such
/// as waiting for users who answer in office hours): from its completions only, since it starts
/// whenever the case gets there.
pub fn activity_hours(log: &EventLog, activity: u32) -> Option<Hours> {
    let mut counts = [0u64; 672];
    let mut times = Vec::new();
    for e in log.events.iter().filter(|e| e.activity == activity) {
        let wall = e.wall(e.complete);
        counts[week_minute(wall) / 15] += 1;
        times.push(wall);
    }
    if times.len() < MIN_EVENTS_FOR_HOURS {
        return None;
    }
    infer_hours(&counts, None, &times)
}

/// Working hours from counts per 15-minute slot of the week; `None` when open all week.
fn infer_hours(counts: &[u64; 672], peaks: Option<&[u32; 672]>, times: &[i64]) -> Option<Hours> {
    let total: u64 = counts.iter().sum();
    // The finest resolution at which open slots average at least 8 events.
    let mut width = 4; // in quarter-hours
    for w in [1usize, 2, 4] {
        let slots: Vec<u64> = counts.chunks(w).map(|c| c.iter().sum()).collect();
        let busy = slots.iter().filter(|&&c| c > 0).count().max(1) as u64;
        if total / busy >= 8 {
            width = w;
            break;
        }
    }
    let slots: Vec<u64> = counts.chunks(width).map(|c| c.iter().sum()).collect();
    // The reference is a busy slot, not the busiest: a morning burst (work queued overnight
    // all starting at opening time) would otherwise make quiet open hours look closed.
    let mut busy: Vec<u64> = slots.iter().copied().filter(|&c| c > 0).collect();
    busy.sort_unstable();
    let reference = busy.get(busy.len() * 3 / 4).copied().unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let mut open: Vec<bool> = slots
        .iter()
        .map(|&c| c > 0 && c as f64 >= OPEN_SHARE * reference as f64)
        .collect();
    let n = open.len();
    let fill = |open: &mut Vec<bool>| {
        let m = open.len();
        let filled: Vec<bool> = (0..m)
            .map(|i| open[i] || (open[(i + m - 1) % m] && open[(i + 1) % m]))
            .collect();
        *open = filled;
    };
    fill(&mut open);
    // Pool days with mostly the same open slots and read them again from their summed counts.
    let per_day = n / 7;
    let day_set =
        |d: usize| -> BTreeSet<usize> { (0..per_day).filter(|&k| open[d * per_day + k]).collect() };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for d in 0..7 {
        let set = day_set(d);
        if set.is_empty() {
            continue;
        }
        let similar = |g: &Vec<usize>| {
            let other = day_set(g[0]);
            #[allow(clippy::cast_precision_loss, reason = "slot counts")]
            let jaccard =
                set.intersection(&other).count() as f64 / set.union(&other).count().max(1) as f64;
            jaccard >= SAME_DAY
        };
        match groups.iter_mut().find(|g| similar(g)) {
            Some(g) => g.push(d),
            None => groups.push(vec![d]),
        }
    }
    for group in &groups {
        let mut pooled: Vec<bool> = (0..per_day)
            .map(|k| {
                let sum: u64 = group.iter().map(|&d| slots[d * per_day + k]).sum();
                #[allow(clippy::cast_precision_loss, reason = "counts")]
                let threshold = OPEN_SHARE * reference as f64 * group.len() as f64;
                #[allow(clippy::cast_precision_loss, reason = "counts")]
                let sum_f = sum as f64;
                sum > 0 && sum_f >= threshold
            })
            .collect();
        // Fill single gaps within the day only.
        let within: Vec<bool> = (0..per_day)
            .map(|k| pooled[k] || (k > 0 && k + 1 < per_day && pooled[k - 1] && pooled[k + 1]))
            .collect();
        pooled = within;
        for &d in group {
            open[d * per_day..(d + 1) * per_day].copy_from_slice(&pooled);
        }
    }
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    if open.iter().filter(|&&o| o).count() as f64 >= AROUND_THE_CLOCK * n as f64 {
        return None;
    }
    let minutes = u16::try_from(width * 15).unwrap_or(60);
    // Open runs per day; days with the same runs share shifts.
    let mut shapes: BTreeMap<(u16, u16), Days> = BTreeMap::new();
    for day in 0..7u8 {
        let base = usize::from(day) * per_day;
        let mut k = 0;
        while k < per_day {
            if !open[base + k] {
                k += 1;
                continue;
            }
            let from = k;
            while k < per_day && open[base + k] {
                k += 1;
            }
            #[allow(clippy::cast_possible_truncation, reason = "below 1440")]
            let key = (from as u16 * minutes, k as u16 * minutes);
            let days = shapes.entry(key).or_insert(Days::day(day));
            *days = days.with(day, true);
        }
    }
    // Each shift's capacity: the peak concurrency at starts inside it, on its days.
    let mut shifts: Vec<Shift> = shapes
        .into_iter()
        .map(|((from, to), days)| {
            let peak = (0..7u8)
                .filter(|&d| days.contains(d))
                .flat_map(|d| {
                    let base = usize::from(d) * 96;
                    (base + usize::from(from) / 15)..(base + usize::from(to) / 15)
                })
                .map(|q| peaks.map_or(0, |p| p[q]))
                .max()
                .unwrap_or(0)
                .max(1);
            Shift {
                days,
                from: TimeOfDay::hm(from / 60, from % 60),
                to: TimeOfDay::hm(to / 60, to % 60),
                capacity: peaks.map(|_| peak),
            }
        })
        .collect();
    shifts.sort_by_key(|s| (first_day(s.days), s.from.minutes()));
    let caps: BTreeSet<Option<u32>> = shifts.iter().map(|s| s.capacity).collect();
    if caps.len() <= 1 {
        // One capacity for every shift: it is the owner's, not the shifts'.
        for s in &mut shifts {
            s.capacity = None;
        }
    }
    let closed = closed_dates(times, &shifts);
    Some(Hours {
        shifts,
        closed,
        slot_minutes: u32::from(minutes),
    })
}

/// A team at work around the clock with fewer people at some hours (a roster): shifts
/// covering the week with the peak concurrency of each run of hours; runs shorter than
/// [`MIN_ROSTER_HOURS`] join the busier neighbour. `None` when the peak is the same all week.
fn roster(peaks: &[u32; 672]) -> Option<Hours> {
    let mut hourly: Vec<u32> = peaks
        .chunks(4)
        .map(|q| q.iter().copied().max().unwrap_or(0).max(1))
        .collect();
    // Merge short runs (repeat until stable; each pass only raises hours to a neighbour's).
    for _ in 0..8 {
        let runs = runs(&hourly);
        let mut changed = false;
        for &(from, len, level) in &runs {
            if len >= MIN_ROSTER_HOURS || runs.len() < 2 {
                continue;
            }
            let before = hourly[(from + 168 - 1) % 168];
            let after = hourly[(from + len) % 168];
            let to = before.max(after);
            if to != level {
                for h in from..from + len {
                    hourly[h % 168] = to;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let levels: BTreeSet<u32> = hourly.iter().copied().collect();
    if levels.len() < 2 {
        return None;
    }
    let mut shapes: BTreeMap<(u16, u16, u32), Days> = BTreeMap::new();
    for day in 0..7u8 {
        let base = usize::from(day) * 24;
        let mut h = 0;
        while h < 24 {
            let level = hourly[base + h];
            let from = h;
            while h < 24 && hourly[base + h] == level {
                h += 1;
            }
            #[allow(clippy::cast_possible_truncation, reason = "below 24")]
            let key = (from as u16 * 60, h as u16 * 60, level);
            let days = shapes.entry(key).or_insert(Days::day(day));
            *days = days.with(day, true);
        }
    }
    let mut shifts: Vec<Shift> = shapes
        .into_iter()
        .map(|((from, to, level), days)| Shift {
            days,
            from: TimeOfDay::hm(from / 60, 0),
            to: TimeOfDay::hm(to / 60, 0),
            capacity: Some(level),
        })
        .collect();
    shifts.sort_by_key(|s| (first_day(s.days), s.from.minutes()));
    Some(Hours {
        shifts,
        closed: Vec::new(),
        slot_minutes: 60,
    })
}

/// Runs of equal values over the circular week of hours: (first hour, length, value).
fn runs(hourly: &[u32]) -> Vec<(usize, usize, u32)> {
    let n = hourly.len();
    // Start at a change so no run wraps around unseen.
    let Some(start) = (0..n).find(|&h| hourly[h] != hourly[(h + n - 1) % n]) else {
        return vec![(0, n, hourly.first().copied().unwrap_or(0))];
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < n {
        let from = (start + k) % n;
        let level = hourly[from];
        let mut len = 0;
        while k < n && hourly[(start + k) % n] == level {
            k += 1;
            len += 1;
        }
        out.push((from, len, level));
    }
    out
}

fn first_day(days: Days) -> u8 {
    (0..7).find(|&d| days.contains(d)).unwrap_or(7)
}

/// Dates with no events whose weekday is open and averages [`CLOSED_EXPECTED`] events.
fn closed_dates(times: &[i64], shifts: &[Shift]) -> Vec<Date> {
    let Some((&first, &last)) = times.iter().min().zip(times.iter().max()) else {
        return Vec::new();
    };
    let day = day_of;
    let (d0, d1) = (day(first), day(last));
    let mut per_date: BTreeMap<i64, u64> = BTreeMap::new();
    for &t in times {
        *per_date.entry(day(t)).or_default() += 1;
    }
    let mut per_weekday = [0u64; 7];
    let mut weekday_dates = [0u64; 7];
    for d in d0..=d1 {
        let wd = Date::from_days(d).weekday() as usize;
        weekday_dates[wd] += 1;
        per_weekday[wd] += per_date.get(&d).copied().unwrap_or(0);
    }
    let open_day = |wd: u8| shifts.iter().any(|s| s.days.contains(wd));
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let expected = |d: i64| {
        let wd = Date::from_days(d).weekday() as usize;
        per_weekday[wd] as f64 / weekday_dates[wd].max(1) as f64
    };
    // A normal day: at least half its weekday's average (so the thin start and end of a log,
    // where few cases are still in progress, close nothing).
    #[allow(clippy::cast_precision_loss, reason = "counts")]
    let normal = |d: i64| {
        per_date
            .get(&d)
            .is_some_and(|&c| c as f64 >= 0.5 * expected(d))
    };
    // The nearest open weekday before and after `d` (at most two weeks away).
    let neighbour = |d: i64, step: i64| {
        (1..=14)
            .map(|k| d + k * step)
            .find(|&n| open_day(Date::from_days(n).weekday()) && per_date.contains_key(&n))
    };
    // Whole days inside the log only (the first and last dates are partial).
    ((d0 + 1)..d1)
        .filter(|&d| {
            let wd = Date::from_days(d).weekday();
            open_day(wd)
                && expected(d) >= CLOSED_EXPECTED
                && !per_date.contains_key(&d)
                && neighbour(d, -1).is_some_and(normal)
                && neighbour(d, 1).is_some_and(normal)
        })
        .map(Date::from_days)
        .take(crate::model::limits::MAX_CLOSED_DATES)
        .collect()
}
