//! BPSim 1.0 and 2.0 simulation parameters (`ElementParameters`), wherever a file keeps them: in
//! the extension elements of the definitions or a process, or in a `relationship` of type
//! `BPSimData`. Only the first scenario is read. Values without a `timeUnit` take the scenario's
//! `baseTimeUnit`, and seconds when it has none.

use std::collections::HashMap;

use roxmltree::Node as X;

use super::Warning;
use super::xml::{self, BPSIM_1, BPSIM_2};
use crate::model::{Dist, Duration};

/// The parameters of one element that Procmap uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// `TimeParameters/ProcessingTime`: the work of a step.
    pub processing: Option<Dist>,
    /// `ControlParameters/InterTriggerTimer`: the time between arrivals at a start.
    pub inter_trigger: Option<Dist>,
    /// `ControlParameters/Probability`: the share of a flow leaving a decision.
    pub probability: Option<f64>,
    /// `ResourceParameters/Quantity`: the capacity of an owner.
    pub quantity: Option<u32>,
    /// `CostParameters/UnitCost`, converted to a cost per hour: the cost of an owner.
    pub unit_cost: Option<f64>,
}

fn is_bpsim(node: X<'_, '_>, name: &str) -> bool {
    xml::is(node, BPSIM_2, name) || xml::is(node, BPSIM_1, name)
}

fn child<'a, 'i>(node: X<'a, 'i>, name: &str) -> Option<X<'a, 'i>> {
    node.children().find(|c| is_bpsim(*c, name))
}

/// Reads the first BPSim scenario in the document.
pub fn read(root: X<'_, '_>, warnings: &mut Vec<Warning>) -> HashMap<String, Params> {
    let mut out = HashMap::new();
    let scenarios: Vec<X<'_, '_>> = root
        .descendants()
        .filter(|n| is_bpsim(*n, "Scenario"))
        .collect();
    let Some(scenario) = scenarios.first().copied() else {
        return out;
    };
    if scenarios.len() > 1 {
        warnings.push(Warning::new(
            scenarios[1],
            &format!(
                "left out: only the first BPSim scenario ('{}') is read",
                xml::attr(scenario, "id").unwrap_or_default()
            ),
        ));
    }
    let base = child(scenario, "ScenarioParameters")
        .and_then(|p| xml::attr(p, "baseTimeUnit"))
        .unwrap_or("s")
        .to_owned();
    for element in scenario
        .children()
        .filter(|c| is_bpsim(*c, "ElementParameters"))
    {
        let Some(target) = xml::attr(element, "elementRef").map(xml::local_ref) else {
            continue;
        };
        let params: &mut Params = out.entry(target.to_owned()).or_default();
        let group = |g: &str, p: &str| child(element, g).and_then(|g| child(g, p));
        if let Some(p) = group("TimeParameters", "ProcessingTime") {
            params.processing = distribution(p, &base, warnings, target);
        }
        if let Some(p) = group("ControlParameters", "InterTriggerTimer") {
            params.inter_trigger = distribution(p, &base, warnings, target);
        }
        if let Some(p) = group("ControlParameters", "Probability") {
            params.probability = number(p).filter(|v| (0.0..=1.0).contains(v));
        }
        if let Some(p) = group("ResourceParameters", "Quantity") {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "rounded and clamped to a capacity"
            )]
            let quantity = number(p).map(|v| v.round().clamp(1.0, 100_000.0) as u32);
            params.quantity = quantity;
        }
        if let Some(p) = group("CostParameters", "UnitCost") {
            // Per base time unit; Procmap counts per hour.
            let per_hour = 3600.0 / seconds_per(&base).unwrap_or(1.0);
            params.unit_cost = number(p).filter(|v| *v >= 0.0).map(|v| v * per_hour);
        }
    }
    out
}

/// The value of a constant parameter (`NumericParameter`, `FloatingParameter`).
fn number(parameter: X<'_, '_>) -> Option<f64> {
    parameter
        .children()
        .filter(roxmltree::Node::is_element)
        .find_map(|c| xml::number(c, "value"))
}

fn seconds_per(unit: &str) -> Option<f64> {
    Some(match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "min" => 60.0,
        "hour" => 3600.0,
        "day" => 86_400.0,
        "year" => 365.0 * 86_400.0,
        _ => return None,
    })
}

fn duration(seconds: f64) -> Option<Duration> {
    (0.0..3.0e9)
        .contains(&seconds)
        .then(|| Duration::from_hours(seconds / 3600.0))
}

/// A distribution of durations, in the parameter's time unit.
fn distribution(
    parameter: X<'_, '_>,
    base: &str,
    warnings: &mut Vec<Warning>,
    target: &str,
) -> Option<Dist> {
    let value = parameter.children().find(roxmltree::Node::is_element)?;
    let unit = xml::attr(value, "timeUnit").unwrap_or(base);
    let scale = seconds_per(unit).unwrap_or(1.0);
    let get = |name: &str| xml::number(value, name).and_then(|v| duration(v * scale));
    let dist = match value.tag_name().name() {
        "TriangularDistribution" => Some(Dist::Triangular {
            min: get("min")?,
            mode: get("mode")?,
            max: get("max")?,
        }),
        "UniformDistribution" => Some(Dist::Uniform {
            min: get("min")?,
            max: get("max")?,
        }),
        "NormalDistribution" | "TruncatedNormalDistribution" => Some(Dist::Normal {
            mean: get("mean")?,
            sd: get("standardDeviation")?,
        }),
        "LogNormalDistribution" => Some(Dist::LogNormal {
            mean: get("mean")?,
            sd: get("standardDeviation")?,
        }),
        "ExponentialDistribution" | "PoissonDistribution" => {
            Some(Dist::Exponential { mean: get("mean")? })
        }
        "NumericParameter" | "FloatingParameter" => Some(Dist::Fixed(get("value")?)),
        "DurationParameter" => Some(Dist::Fixed(super::iso::duration(xml::attr(
            value, "value",
        )?)?)),
        _ => None,
    };
    if dist.is_none() {
        warnings.push(Warning {
            id: target.to_owned(),
            element: "ElementParameters".to_owned(),
            what: format!(
                "the BPSim {} is not one Procmap reads; the default time is used",
                value.tag_name().name()
            ),
        });
    }
    dist
}
