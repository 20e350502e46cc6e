//! The JSON Schema of `procmap simulate --json`, generated from the same metric tables that
//! write the output (`report::metrics`) plus the run's fixed fields, so the schema cannot fall
//! behind the output. `docs/simulate.schema.json` is this schema, checked by a test.

use serde_json::{Map, Value, json};

use super::metrics::{self, Metric, Unit};

/// The JSON type of a metric's value (nullable when it may be absent).
fn metric_type<R>(metric: &Metric<R>, nullable: bool) -> Value {
    let base = match metric.unit {
        Unit::Count => "integer",
        Unit::Flag => "boolean",
        _ => "number",
    };
    let mut schema = if nullable {
        json!({"type": [base, "null"]})
    } else {
        json!({"type": base})
    };
    if let Value::Object(object) = &mut schema {
        object.insert("description".into(), Value::from(metric.label));
    }
    schema
}

/// Properties and required keys of one metric table; `nullable` lists keys that may be null.
fn table<R>(table: &[Metric<R>], nullable: &[&str]) -> (Map<String, Value>, Vec<String>) {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for metric in table {
        properties.insert(
            metric.key.to_owned(),
            metric_type(metric, nullable.contains(&metric.key)),
        );
        required.push(metric.key.to_owned());
        if metric.ci95.is_some() {
            let key = format!("{}_ci95", metric.key);
            properties.insert(
                key.clone(),
                json!({
                    "type": ["number", "null"],
                    "description": format!(
                        "Half-width of the 95% confidence interval of {} (null with one replication)",
                        metric.key
                    ),
                }),
            );
            required.push(key);
        }
    }
    (properties, required)
}

fn object(properties: Map<String, Value>, required: Vec<String>) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::from(required));
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

fn by_id(item: Value) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("additionalProperties".into(), item);
    Value::Object(schema)
}

/// The schema of the `simulate --json` object.
#[must_use]
pub fn simulation() -> Value {
    let (mut top, mut required) = table(metrics::RUN, &[]);
    let (mut cycle, mut cycle_required) = table(metrics::CYCLE_TIME, &[]);
    cycle.insert(
        "histogram".into(),
        json!({
            "type": "object",
            "properties": {
                "bin_hours": {"type": "number"},
                "counts": {"type": "array", "items": {"type": "integer"}},
                "beyond": {"type": "integer"},
            },
            "required": ["bin_hours", "counts", "beyond"],
            "additionalProperties": false,
        }),
    );
    cycle_required.push("histogram".into());
    let (mut sla, mut sla_required) = table(metrics::SLA, &[]);
    sla.insert(
        "clock".into(),
        json!({"type": "string", "description": "What the target counts: \"elapsed\" time, or the open time of this calendar id"}),
    );
    sla_required.push("clock".into());
    let mut sla = object(sla, sla_required);
    if let Value::Object(o) = &mut sla {
        o.insert("type".into(), json!(["object", "null"]));
    }
    let nullable_step = ["sla_met_fraction", "sla_met", "wait_working_mean"];
    let (mut step, mut step_required) = table(metrics::STEP, &nullable_step);
    step.insert(
        "sla_clock".into(),
        json!({"type": ["string", "null"], "description": "What the step's SLA counts: \"elapsed\" or a calendar id; null without an SLA"}),
    );
    step_required.push("sla_clock".into());
    let week = |items: Value| json!({"type": "array", "items": items});
    let numbers = week(json!({"type": "number"}));
    let by_hour = json!({
        "type": ["object", "null"],
        "description": "168 buckets each, bucket 0 = Monday 00:00-01:00 of the simulated clock; null for maps without calendars or rate profiles",
        "properties": {
            "arrivals": numbers.clone(),
            "wip": numbers.clone(),
            "sla_met": week(json!({"type": ["number", "null"]})),
            "owners": by_id(object(
                [("queue".to_owned(), numbers.clone()), ("utilization".to_owned(), numbers.clone()), ("capacity".to_owned(), numbers)].into_iter().collect(),
                vec!["queue".into(), "utilization".into(), "capacity".into()],
            )),
        },
        "required": ["arrivals", "wip", "sla_met", "owners"],
        "additionalProperties": false,
    });
    let (owner, owner_required) = table(metrics::OWNER, &[]);
    let (service, service_required) = table(metrics::SERVICE, &[]);
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let fixed = [
        (
            "model",
            json!({"type": "string", "description": "The map's title"}),
        ),
        (
            "cases",
            json!({"type": "integer", "description": "Measured cases per replication"}),
        ),
        ("replications", json!({"type": "integer"})),
        ("seed", json!({"type": "integer"})),
        (
            "warmup",
            json!({"type": "integer", "description": "Warm-up cases per replication"}),
        ),
        ("cycle_time", object(cycle, cycle_required)),
        ("sla", sla),
        (
            "start",
            json!({"type": "string", "description": "When the simulated clock starts (YYYY-MM-DD HH:MM)"}),
        ),
        ("by_hour_of_week", by_hour),
        ("steps", by_id(object(step, step_required))),
        ("owners", by_id(object(owner, owner_required))),
        ("services", by_id(object(service, service_required))),
        (
            "outages",
            json!({"type": "boolean", "description": "Service outages were simulated"}),
        ),
        ("bottlenecks", strings.clone()),
        ("finding", json!({"type": "string"})),
        ("unstable", strings.clone()),
        ("truncated", json!({"type": "boolean"})),
        ("warnings", strings),
        ("cases_measured", json!({"type": "integer"})),
        ("events", json!({"type": "integer"})),
        ("wall_seconds", json!({"type": "number"})),
    ];
    for (key, schema) in fixed {
        top.insert(key.to_owned(), schema);
        required.push(key.to_owned());
    }
    let mut schema = object(top, required);
    if let Value::Object(o) = &mut schema {
        o.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        o.insert("title".into(), json!("procmap simulate --json"));
        o.insert(
            "description".into(),
            json!("One simulation run; durations in hours, shares in [0, 1]."),
        );
    }
    schema
}

/// Checks `value` against the subset of JSON Schema that [`simulation`] uses (`type`,
/// `properties`, `required`, `additionalProperties`, `items`); returns every mismatch with its
/// path.
#[must_use]
pub fn check(schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_at(schema, value, "$", &mut problems);
    problems
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn check_at(schema: &Value, value: &Value, path: &str, problems: &mut Vec<String>) {
    if let Some(expected) = schema.get("type") {
        let names: Vec<&str> = match expected {
            Value::String(s) => vec![s.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|n| type_matches(n, value)) {
            problems.push(format!(
                "{path}: expected {}, found {value}",
                names.join(" or ")
            ));
            return;
        }
    }
    if let (Some(Value::Object(object)), Value::Object(props)) = (
        Some(value).filter(|v| v.is_object()),
        schema.get("properties").unwrap_or(&Value::Null),
    ) {
        for (key, sub) in props {
            if let Some(v) = object.get(key) {
                check_at(sub, v, &format!("{path}.{key}"), problems);
            }
        }
    }
    if let Value::Object(object) = value {
        if let Some(Value::Array(required)) = schema.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    problems.push(format!("{path}: missing key {key:?}"));
                }
            }
        }
        let declared = schema.get("properties").and_then(Value::as_object);
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                for key in object.keys() {
                    if !declared.is_some_and(|d| d.contains_key(key)) {
                        problems.push(format!("{path}: key {key:?} is not in the schema"));
                    }
                }
            }
            Some(extra @ Value::Object(_)) => {
                for (key, v) in object {
                    if !declared.is_some_and(|d| d.contains_key(key)) {
                        check_at(extra, v, &format!("{path}.{key}"), problems);
                    }
                }
            }
            _ => {}
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check_at(item_schema, item, &format!("{path}[{i}]"), problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_finds_wrong_types_missing_and_unknown_keys() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": ["string", "null"]}},
            "required": ["a", "b"],
            "additionalProperties": false,
        });
        assert!(check(&schema, &json!({"a": 1, "b": null})).is_empty());
        let problems = check(&schema, &json!({"a": 1.5, "c": true}));
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}
