//! The content of the process handbook, independent of the output format: sections of blocks
//! that the PDF and Markdown writers render. What the handbook says is decided once, here; how
//! it looks is up to the writers. The sections are built one function each, in their own files.

mod appendix;
mod capacity;
mod catalogue;
mod dates;
mod evidence;
mod levels;
mod notes;
mod owners;
mod services;
mod working;

use crate::analysis::{self, LoadEstimate};
use crate::model::graph::Graph;
use crate::model::{NodeKind, ProcessMap};
use crate::sim::SimResult;

pub use capacity::{CapacityStudy, capacity_plan, change_label, headroom_sentences};
pub use dates::today;
pub use evidence::as_is_evidence;
pub use notes::notes_blocks;
pub use working::hour_name;

/// A piece of a section.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A sub-heading.
    Heading(String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A paragraph in bold (findings).
    Strong(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// Label and value pairs.
    Fields(Vec<(String, String)>),
    /// A table: column headers with their share of the width, then rows.
    Table {
        /// (header, width fraction).
        columns: Vec<(String, f32)>,
        /// Cells, one row each.
        rows: Vec<Vec<String>>,
    },
    /// Free text written by users: paragraphs and "- " lists (Markdown-lite).
    Notes(String),
    /// The map diagram.
    Diagram,
    /// The cycle-time histogram of the results.
    Histogram,
    /// Utilisation by owner from the results.
    Utilization,
    /// The owner colours used in the diagram.
    Legend,
    /// A calendar's week (by calendar id): its shifts on a days x hours grid.
    Week(String),
    /// Utilisation of each owner by hour of the week, from the results.
    WeekHeat,
    /// p90 and the worst SLA's compliance against the arrival factor, from the capacity study.
    HeadroomChart,
    /// The effect of each single change on p90, ranked, from the capacity study.
    Tornado,
}

/// A numbered section of the handbook.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Title (also in the table of contents).
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// The whole handbook of a map.
pub struct Handbook<'a> {
    /// The map.
    pub map: &'a ProcessMap,
    /// Simulation results to include, if any.
    pub results: Option<&'a SimResult>,
    /// The capacity studies to include, if any (see [`Handbook::with_capacity`]).
    pub capacity: Option<&'a CapacityStudy>,
    /// Date printed on the title page (YYYY-MM-DD).
    pub date: String,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

/// Counts for the title page: (steps, owners, services).
#[must_use]
pub fn counts(map: &ProcessMap) -> (usize, usize, usize) {
    let steps = map
        .nodes
        .values()
        .filter(|n| n.kind() == NodeKind::Step)
        .count();
    (steps, map.owners.len(), map.services.len())
}
/// What every section needs: the map, the results, the estimate and the steps in flow order.
struct Context<'a> {
    map: &'a ProcessMap,
    results: Option<&'a SimResult>,
    estimate: LoadEstimate,
    /// Node ids in flow order (as the catalogue lists them).
    order: Vec<&'a str>,
}

impl<'a> Context<'a> {
    fn new(map: &'a ProcessMap, results: Option<&'a SimResult>) -> Self {
        let estimate = analysis::estimate(map);
        let graph = Graph::new(map);
        let order = graph
            .flow_order()
            .into_iter()
            .filter_map(|i| graph.ids.get(i).copied())
            .collect();
        Self {
            map,
            results,
            estimate,
            order,
        }
    }

    /// The name of an owner, or its id when it is unknown.
    fn owner_name(&self, id: &str) -> String {
        self.map.owner_name(id).to_owned()
    }

    /// The name of a node, or its id when it is unknown.
    fn node_name(&self, id: &str) -> String {
        self.map.node_name(id).to_owned()
    }

    /// The name of a service, or its id when it is unknown.
    fn service_name(&self, id: &str) -> String {
        self.map.service_name(id).to_owned()
    }
}

/// Builds the handbook of `map`, with `results` when a simulation was run.
#[must_use]
pub fn build<'a>(
    map: &'a ProcessMap,
    results: Option<&'a SimResult>,
    date: String,
) -> Handbook<'a> {
    let cx = Context::new(map, results);
    let mut sections = vec![
        catalogue::process_map(&cx),
        catalogue::step_catalogue(&cx),
        owners::owners_and_responsibilities(&cx),
        services::services_and_impact(&cx),
        levels::service_levels(&cx),
    ];
    sections.extend(working::working_time(&cx));
    sections.extend(levels::simulation_results(&cx));
    sections.push(appendix::validation(&cx));
    Handbook {
        map,
        results,
        capacity: None,
        date,
        sections,
    }
}

impl<'a> Handbook<'a> {
    /// Adds the "Capacity plan" section (before the validation appendix).
    #[must_use]
    pub fn with_capacity(mut self, study: &'a CapacityStudy) -> Self {
        let at = self.sections.len().saturating_sub(1);
        self.sections.insert(at, capacity_plan(self.map, study));
        self.capacity = Some(study);
        self
    }

    /// Adds the "As-is evidence" section of a discovery (before the validation appendix).
    #[must_use]
    pub fn with_evidence(
        mut self,
        discovery: &crate::analysis::discover::Discovery,
        comparison: Option<&crate::analysis::discover::Comparison>,
    ) -> Self {
        let at = self.sections.len().saturating_sub(1);
        self.sections
            .insert(at, as_is_evidence(discovery, comparison));
        self
    }
}
