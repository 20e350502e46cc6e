//! Round trips on every sample: simulate -> log -> discover gives the same steps and flows,
//! decision shares and visit counts within sampling error, work-time means within 5%, the
//! arrival rate within 5%, the owners' capacities, and a validation verdict of "matches".

use std::collections::{BTreeMap, BTreeSet};

use procmap::analysis::discover::{self, Options, Verdict};
use procmap::model::{DateTime, Node, ProcessMap};
use procmap::sim::{self, Control};

use super::discover::next_steps;

/// Cases simulated per sample.
const CASES: u64 = 12_000;

fn steps(map: &ProcessMap) -> BTreeMap<String, String> {
    map.nodes
        .iter()
        .filter(|(_, n)| matches!(n, Node::Step { .. }))
        .map(|(id, n)| (n.name().to_owned(), id.clone()))
        .collect()
}

/// From step `from`, the probability of reaching each next step (or "END") through Decisions
/// only; `None` when a Parallel is on the way (shares do not apply there).
fn transitions(map: &ProcessMap, from: &str) -> Option<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(from.to_owned(), 1.0, 0)];
    while let Some((id, p, depth)) = stack.pop() {
        if depth > 20 {
            return None;
        }
        let flows: Vec<_> = map.flows.iter().filter(|f| f.from == id).collect();
        for f in &flows {
            let q = if flows.len() > 1 { f.probability? } else { 1.0 };
            match &map.nodes[&f.to] {
                Node::Step { name, .. } => *out.entry(name.clone()).or_insert(0.0) += p * q,
                Node::End { .. } => *out.entry("END".to_owned()).or_insert(0.0) += p * q,
                Node::Decision { .. } => stack.push((f.to.clone(), p * q, depth + 1)),
                _ => return None,
            }
        }
    }
    Some(out)
}

#[test]
fn every_sample_comes_back_from_its_log() {
    for (file, text) in super::samples() {
        let map = super::parse(&text);
        let mut settings = map.simulation;
        settings.cases = CASES;
        settings.warmup = 0;
        let log = sim::trace(&map, &settings, &Control::default()).expect("simulates");
        let found = discover::discover(
            &log,
            &Options {
                coverage: 1.0,
                ..Options::default()
            },
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let d = &found.map;
        if let Some(dir) = std::env::var_os("PROCMAP_DUMP") {
            let text = procmap::model::io::to_string(d).expect("writes");
            std::fs::write(std::path::Path::new(&dir).join(&file), text).expect("dumps");
        }
        // Same steps.
        let (a, b) = (steps(&map), steps(d));
        assert_eq!(
            a.keys().collect::<BTreeSet<_>>(),
            b.keys().collect::<BTreeSet<_>>(),
            "{file}: steps"
        );
        // Same flows between steps (through decisions and parallels).
        for (name, id) in &a {
            assert_eq!(
                next_steps(&map, id),
                next_steps(d, &b[name]),
                "{file}: what follows {name}"
            );
        }
        // Decision shares within 4 standard errors of the visits.
        let visits: BTreeMap<String, usize> = found
            .activities
            .iter()
            .map(|r| (r.name.clone(), r.events))
            .collect();
        for (name, id) in &a {
            let (Some(truth), Some(seen)) = (transitions(&map, id), transitions(d, &b[name]))
            else {
                continue;
            };
            #[allow(clippy::cast_precision_loss, reason = "counts")]
            let n = visits[name].max(1) as f64;
            for (to, p) in &truth {
                let q = seen.get(to).copied().unwrap_or(0.0);
                let se = (p * (1.0 - p) / n).sqrt().max(1e-4);
                assert!(
                    (p - q).abs() <= 4.0 * se + 1e-4,
                    "{file}: {name} -> {to}: {q} vs {p} (se {se})"
                );
            }
        }
        // Work-time means within 5%.
        for (name, id) in &a {
            let (Node::Step { work: w1, .. }, Node::Step { work: w2, .. }) =
                (&map.nodes[id], &d.nodes[&b[name]])
            else {
                unreachable!()
            };
            let (m1, m2) = (w1.mean_hours(), w2.mean_hours());
            assert!(
                (m1 - m2).abs() <= 0.05 * m1 + 1e-9,
                "{file}: {name}: work mean {m2} h vs {m1} h ({w2:?} for {w1:?})"
            );
        }
        // Arrival rate within 5%.
        let rate = |m: &ProcessMap| {
            m.nodes
                .values()
                .filter(|n| matches!(n, Node::Start { .. }))
                .map(|n| m.arrivals_per_hour(n))
                .sum::<f64>()
        };
        let (r1, r2) = (rate(&map), rate(d));
        assert!(
            (r1 - r2).abs() <= 0.05 * r1,
            "{file}: arrivals {r2}/h vs {r1}/h"
        );
        // Owners' capacities.
        for owner in map.owners.values() {
            let found_owner = d
                .owners
                .values()
                .find(|o| o.name == owner.name)
                .unwrap_or_else(|| panic!("{file}: no owner {}", owner.name));
            let most = |o: &procmap::model::Owner, m: &ProcessMap| {
                m.calendar(o.calendar.as_deref())
                    .and_then(|c| c.week.iter().filter_map(|s| s.capacity).max())
                    .unwrap_or(o.capacity)
            };
            assert_eq!(
                most(found_owner, d),
                most(owner, &map),
                "{file}: capacity of {}",
                owner.name
            );
            // A roster comes back hour by hour (people on shift at each half hour of the week).
            let roster = |o: &procmap::model::Owner, m: &ProcessMap| {
                m.calendar(o.calendar.as_deref())
                    .filter(|c| c.week.iter().any(|s| s.capacity.is_some()))
                    .map(|c| {
                        let t = c.timeline(o.capacity, DateTime::DEFAULT_START);
                        (0..336u64)
                            .map(|k| t.level_at(k * 1_800_000_000 + 900_000_000))
                            .collect::<Vec<_>>()
                    })
            };
            if let Some(truth) = roster(owner, &map) {
                assert_eq!(
                    roster(found_owner, d),
                    Some(truth),
                    "{file}: roster of {}",
                    owner.name
                );
            }
        }
        // The discovered map simulates like the log.
        let check =
            sim::against_log(d, &discover::profile(&log), &Control::default()).expect("simulates");
        assert_eq!(
            check.verdict,
            Verdict::Matches,
            "{file}: {}\n{:#?}",
            check.line,
            check.measures
        );
    }
}
