//! Compiling a map for simulation: nodes, owners, steps and services turned into indices, and
//! distributions into samplers, so the run loop never looks up a name.
//!
//! Runs once per simulation, before any replication; nothing here is on the hot path.

use super::{Model, NONE, Sampler, US_PER_HOUR};
use crate::model::calendar::Timeline;
use crate::model::graph::Graph;
use crate::model::{DateTime, Node, ProcessMap};

/// How a Start's cases arrive.
#[derive(Clone, Debug)]
pub(super) enum Arrival {
    /// Times between arrivals drawn from a distribution, counted in the open time of timeline
    /// `clock` (`NONE`: elapsed time).
    Gaps { sampler: Sampler, clock: u32 },
    /// A non-homogeneous Poisson process: exponential draws of the rate profile `clock`.
    Rates { clock: u32 },
}

/// A node of the compiled map; `u32` fields are node, owner, stat or service indices.
#[derive(Clone, Debug)]
pub(super) enum CNode {
    Start {
        next: u32,
    },
    Step {
        next: u32,
        owner: u32,
        stat: u32,
        work: Sampler,
        sla_us: u64,
        /// The timeline the step's SLA counts in (`NONE`: elapsed time).
        sla_clock: u32,
        /// The timeline whose open time the work or delay counts in: the owner's calendar, or
        /// an ownerless step's own (`NONE`: around the clock).
        clock: u32,
        cost_per_us: f64,
        /// Base services the step needs (its `uses` and everything they depend on).
        needs: Box<[u32]>,
    },
    /// Decision: cumulative probabilities with targets; a single entry means a plain pass.
    Route {
        choices: Box<[(f64, u32)]>,
    },
    Parallel {
        outs: Box<[u32]>,
        join: u32,
    },
    End,
}

impl Model {
    /// Compiles a validated map. Returns `None` when the structure cannot be simulated (the
    /// validator reports why).
    #[must_use]
    pub fn compile(map: &ProcessMap, outages: bool, start: DateTime) -> Option<Self> {
        let graph = Graph::new(map);
        let mut timelines: Vec<Timeline> = Vec::new();
        let mut add = |timeline: Option<Timeline>| -> u32 {
            match timeline {
                Some(t) => {
                    timelines.push(t);
                    u32::try_from(timelines.len() - 1).unwrap_or(NONE)
                }
                None => NONE,
            }
        };
        let owner_clocks: Vec<u32> = map
            .owners
            .values()
            .map(|o| add(map.timeline(o.calendar.as_deref(), o.capacity.max(1), start)))
            .collect();
        let maintenance: Vec<u32> = map
            .services
            .values()
            .map(|s| add(map.timeline(s.maintenance.as_deref(), 1, start)))
            .collect();
        let sla_clock = add(map.timeline(
            map.sla.as_ref().and_then(|s| s.calendar.as_deref()),
            1,
            start,
        ));
        let service_ids: Vec<String> = map.services.keys().cloned().collect();
        let service_index = |id: &str| {
            service_ids
                .binary_search_by(|s| s.as_str().cmp(id))
                .ok()
                .and_then(|i| u32::try_from(i).ok())
        };
        let closure_of = |id: &str| -> Box<[u32]> {
            crate::analysis::closure(map, id)
                .iter()
                .filter_map(|s| service_index(s))
                .collect()
        };
        let service_closures: Vec<Box<[u32]>> =
            service_ids.iter().map(|id| closure_of(id)).collect();
        let services = map
            .services
            .values()
            .map(|s| {
                let a = s.availability;
                if !(outages && a > 0.0 && a < 1.0) {
                    return None;
                }
                let repair = s.repair().as_hours() * US_PER_HOUR;
                Some((repair * a / (1.0 - a), repair))
            })
            .collect();
        let owner_ids: Vec<String> = map.owners.keys().cloned().collect();
        let owner_index = |id: &str| owner_ids.binary_search_by(|o| o.as_str().cmp(id)).ok();
        let index = |i: usize| u32::try_from(i).ok();
        let mut nodes = Vec::with_capacity(graph.len());
        let mut starts = Vec::new();
        let mut step_ids = Vec::new();
        let mut step_slas = Vec::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            let outs = &graph.out[i];
            let single = || outs.first().and_then(|e| index(e.node));
            let compiled = match node {
                Node::Start {
                    arrivals, rates, ..
                } => {
                    let arrival = if rates.is_empty() {
                        let arrivals = arrivals.as_ref().unwrap_or(&crate::model::DEFAULT_ARRIVALS);
                        Arrival::Gaps {
                            sampler: Sampler::new(arrivals),
                            clock: add(map.timeline(node.calendar(), 1, start)),
                        }
                    } else {
                        Arrival::Rates {
                            clock: add(map.rate_timeline(node, start)),
                        }
                    };
                    starts.push((index(i)?, arrival));
                    CNode::Start { next: single()? }
                }
                Node::Step {
                    owner,
                    work,
                    sla,
                    uses,
                    calendar,
                    ..
                } => {
                    let owner = match owner {
                        Some(id) => index(owner_index(id)?)?,
                        None => NONE,
                    };
                    let clock = match owner_clocks.get(owner as usize) {
                        Some(&clock) => clock,
                        None => add(map.timeline(calendar.as_deref(), 1, start)),
                    };
                    let sla_clock = add(map.timeline(
                        sla.as_ref().and_then(|s| s.calendar.as_deref()),
                        1,
                        start,
                    ));
                    let cost_per_hour = map
                        .owners
                        .get(owner_ids.get(owner as usize).map_or("", String::as_str))
                        .map_or(0.0, |o| o.cost_per_hour);
                    let stat = index(step_ids.len())?;
                    step_ids.push(graph.ids[i].to_owned());
                    step_slas.push(sla.as_ref().map(|s| (s.target.as_hours(), s.within)));
                    CNode::Step {
                        next: single()?,
                        owner,
                        stat,
                        work: Sampler::new(work),
                        sla_us: sla.as_ref().map_or(u64::MAX, |s| s.target.as_ms() * 1000),
                        sla_clock,
                        clock,
                        cost_per_us: cost_per_hour / US_PER_HOUR,
                        needs: {
                            let mut needs: Vec<u32> =
                                uses.iter().flat_map(|u| closure_of(u).into_vec()).collect();
                            needs.sort_unstable();
                            needs.dedup();
                            needs.into()
                        },
                    }
                }
                Node::Decision { .. } => {
                    let mut cumulative = 0.0;
                    let mut choices = Vec::with_capacity(outs.len());
                    for edge in outs {
                        let p = graph.branch_share(i, edge.flow)?;
                        cumulative += p;
                        choices.push((cumulative, index(edge.node)?));
                    }
                    // Guard against rounding: the last choice catches everything.
                    if let Some(last) = choices.last_mut() {
                        last.0 = f64::INFINITY;
                    }
                    CNode::Route {
                        choices: choices.into(),
                    }
                }
                Node::Parallel { .. } => CNode::Parallel {
                    outs: outs.iter().map(|e| index(e.node)).collect::<Option<_>>()?,
                    join: index(graph.inc[i].len())?,
                },
                Node::End { .. } => CNode::End,
            };
            if !matches!(compiled, CNode::End) && outs.is_empty() {
                return None;
            }
            nodes.push(compiled);
        }
        Some(Self {
            nodes,
            capacities: map.owners.values().map(|o| o.capacity.max(1)).collect(),
            starts,
            step_ids,
            step_slas,
            owner_ids,
            sla_us: map
                .sla
                .as_ref()
                .map_or(u64::MAX, |s| s.target.as_ms() * 1000),
            service_ids,
            services,
            service_closures,
            weekly: !timelines.is_empty(),
            week_offset: u64::from(start.minutes_into_week()) * 60_000_000,
            timelines,
            owner_clocks,
            maintenance,
            sla_clock,
        })
    }
}
