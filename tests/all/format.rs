//! The file format contract: the reference document loads as written, saves are canonical and
//! stable, and no input (random, truncated or mutated) makes the loader or validator panic.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use procmap::model::{
    self, Calendar, Date, DateTime, Days, Dist, Duration, Flow, Node, Owner, Point, ProcessMap,
    Rate, Service, Severity, Shift, Simulation, Sla, TimeOfDay, io,
};

use super::{parse, samples};

/// The document from the format's specification, verbatim.
pub const REFERENCE: &str = r#"ProcessMap(
    format: 1,
    title: "Order to cash",
    description: "From a customer's order to cash collected.",
    owners: {
        "sales": Owner(name: "Sales desk", capacity: 3, cost_per_hour: 40.0),
        "warehouse": Owner(name: "Warehouse", capacity: 4),
    },
    services: {
        "erp": Service(name: "ERP", availability: 0.995, mean_repair: "2h", depends_on: ["db"], at: (200, 300)),
        "db": Service(name: "Database", at: (400, 300)),
    },
    nodes: {
        "order": Start(name: "Order received", arrivals: Exponential(mean: "6m"), at: (0, 0)),
        "check": Step(name: "Check credit", owner: "sales",
                      work: Triangular(min: "5m", mode: "10m", max: "30m"),
                      sla: Sla(target: "1h", within: 0.9), uses: ["erp"], at: (200, 0),
                      notes: "Use the credit policy."),
        "credit_ok": Decision(name: "Credit OK?", at: (400, 0)),
        "fork": Parallel(name: "Ship and invoice", at: (600, 0)),
        "ship": Step(name: "Pick and ship", owner: "warehouse", work: Exponential(mean: "40m"), at: (800, -80)),
        "invoice": Step(name: "Send invoice", owner: "sales", work: Fixed("5m"), at: (800, 80)),
        "join": Parallel(name: "Both done", at: (1000, 0)),
        "reject": End(name: "Order rejected", at: (600, 150)),
        "done": End(name: "Cash collected", at: (1200, 0)),
    },
    flows: [
        Flow(from: "order", to: "check"),
        Flow(from: "check", to: "credit_ok"),
        Flow(from: "credit_ok", to: "fork", probability: 0.8, label: "yes"),
        Flow(from: "credit_ok", to: "reject", probability: 0.2, label: "no"),
        Flow(from: "fork", to: "ship"), Flow(from: "fork", to: "invoice"),
        Flow(from: "ship", to: "join"), Flow(from: "invoice", to: "join"),
        Flow(from: "join", to: "done"),
    ],
    sla: Sla(target: "2d", within: 0.95),
    simulation: Simulation(cases: 10000, warmup: 500, replications: 10, seed: 7),
)
"#;

#[test]
fn reference_document_loads_exactly_and_checks_clean() {
    let map = parse(REFERENCE);
    assert_eq!(map.title, "Order to cash");
    assert_eq!(map.owners["sales"].capacity, 3);
    assert_eq!(map.owners["warehouse"].capacity, 4);
    assert_eq!(map.owners["warehouse"].cost_per_hour, 0.0);
    assert_eq!(map.services["db"].availability, 1.0);
    assert_eq!(
        map.services["erp"].mean_repair,
        Some("2h".parse().unwrap_or_default())
    );
    assert_eq!(map.nodes.len(), 9);
    assert_eq!(map.flows.len(), 9);
    assert_eq!(map.flows[2].probability, Some(0.8));
    assert_eq!(map.flows[2].label, "yes");
    assert_eq!(map.sla.as_ref().map(|s| s.within), Some(0.95));
    assert_eq!(
        map.simulation,
        Simulation {
            cases: 10_000,
            warmup: 500,
            replications: 10,
            seed: 7,
            outages: true,
            start: None,
        }
    );
    match &map.nodes["check"] {
        Node::Step {
            owner,
            work,
            sla,
            uses,
            notes,
            at,
            ..
        } => {
            assert_eq!(owner.as_deref(), Some("sales"));
            assert_eq!(work.kind(), procmap::model::DistKind::Triangular);
            assert!((work.mean_hours() - 0.25).abs() < 1e-12);
            assert_eq!(sla.as_ref().map(|s| s.target.as_hours()), Some(1.0));
            assert_eq!(uses, &vec!["erp".to_owned()]);
            assert_eq!(notes, "Use the credit policy.");
            assert_eq!(*at, Point::new(200.0, 0.0));
        }
        other => panic!("check is not a step: {other:?}"),
    }
    let problems = model::validate(&map);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn misspelt_owner_is_reported_on_its_node() {
    let map = parse(&REFERENCE.replace(
        r#"owner: "sales",
"#,
        r#"owner: "salez",
"#,
    ));
    let problems = model::validate(&map);
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        vec!["node 'check': error: owner 'salez' is not defined (did you mean 'sales'?)"]
    );
}

#[test]
fn truncated_documents_report_line_and_column() {
    for cut in [10, 100, 500, 1000, REFERENCE.len() - 3] {
        let Some(text) = REFERENCE.get(..cut) else {
            continue;
        };
        match io::from_str(text, Path::new("cut.ron")) {
            Err(model::LoadError::Syntax { line, column, .. }) => {
                assert!(line >= 1 && column >= 1);
            }
            other => panic!("cut at {cut}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_and_bad_durations_say_what_was_expected() {
    let error = io::from_str(
        &REFERENCE.replace("capacity: 3", "capacityy: 3"),
        Path::new("typo.ron"),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(error.starts_with("typo.ron:6:"), "{error}");
    assert!(error.contains("capacityy"), "{error}");
    let error = io::from_str(
        &REFERENCE.replace("\"40m\"", "\"40 minutes\""),
        Path::new("d.ron"),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.starts_with("d.ron:21:") && error.contains("\"40 minutes\""),
        "{error}"
    );
}

#[test]
fn samples_are_canonical_and_save_load_save_is_byte_identical() {
    for (name, text) in samples() {
        let map = parse(&text);
        let saved = io::to_string(&map).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            saved, text,
            "{name} is not in canonical form (run procmap fmt)"
        );
        let again = io::to_string(&parse(&saved)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            saved, again,
            "{name}: save -> load -> save changed the text"
        );
        assert!(io::find_comments(&text).is_empty(), "{name} has comments");
        let problems = model::validate(&map);
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
}

#[test]
fn reference_document_saves_canonically_and_stably() {
    let map = parse(REFERENCE);
    let first = io::to_string(&map).unwrap_or_else(|e| panic!("{e}"));
    let reloaded = parse(&first);
    assert_eq!(reloaded, map);
    assert_eq!(
        io::to_string(&reloaded).unwrap_or_else(|e| panic!("{e}")),
        first
    );
    // Sorted keys, one element per line, readable durations and no Some(..).
    assert!(
        first.contains(r#"        "db": Service(name: "Database", at: (400, 300)),"#),
        "{first}"
    );
    assert!(
        first.contains(r#"    sla: Sla(target: "2d", within: 0.95),"#),
        "{first}"
    );
    assert!(
        first.contains("customer's"),
        "apostrophes are not escaped: {first}"
    );
    assert!(!first.contains("Some("));
}

#[test]
fn atomic_save_writes_and_leaves_no_temporary_files() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = folder.path().join("map.ron");
    let map = parse(REFERENCE);
    io::save(&map, &path).unwrap_or_else(|e| panic!("{e}"));
    io::save(&map, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(io::load(&path).unwrap_or_else(|e| panic!("{e}")), map);
    let names: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("map.ron")]);
    // A folder that does not exist is an error naming the file, not a panic.
    let missing = folder.path().join("no/such/dir/map.ron");
    let error = io::save(&map, &missing)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("map.ron"), "{error}");
}

#[test]
fn newer_formats_are_refused_clearly() {
    let error = io::from_str(
        &REFERENCE.replace("format: 1", "format: 2"),
        Path::new("new.ron"),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(error.contains("format 2 is newer"), "{error}");
}

// --- Property tests -------------------------------------------------------------------------

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,6}"
}

fn text() -> impl Strategy<Value = String> {
    // Anything a user might type, including quotes, backslashes, apostrophes and new lines.
    prop_oneof![
        "[ -~]{0,20}",
        "[a-zA-Z '\"\\\\\n\té€😀#/*]{0,20}",
        any::<String>(),
    ]
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![0u64..100_000_000, 0u64..=model::MAX_MS].prop_map(Duration::from_ms)
}

fn dist() -> impl Strategy<Value = Dist> {
    prop_oneof![
        duration().prop_map(Dist::Fixed),
        duration().prop_map(|mean| Dist::Exponential { mean }),
        (duration(), duration()).prop_map(|(min, max)| Dist::Uniform { min, max }),
        (duration(), duration(), duration()).prop_map(|(min, mode, max)| Dist::Triangular {
            min,
            mode,
            max
        }),
        (duration(), duration()).prop_map(|(mean, sd)| Dist::Normal { mean, sd }),
        (duration(), duration()).prop_map(|(mean, sd)| Dist::LogNormal { mean, sd }),
    ]
}

fn point() -> impl Strategy<Value = Point> {
    prop_oneof![
        (-5000i32..5000, -5000i32..5000).prop_map(|(x, y)| Point::new(f64::from(x), f64::from(y))),
        (-1e6f64..1e6, -1e6f64..1e6).prop_map(|(x, y)| Point::new(x, y)),
    ]
}

fn sla() -> impl Strategy<Value = Option<Sla>> {
    proptest::option::of(
        (duration(), 0.0f64..=1.0, proptest::option::of(id())).prop_map(
            |(target, within, calendar)| Sla {
                target,
                within,
                calendar,
            },
        ),
    )
}

fn days() -> impl Strategy<Value = Days> {
    (1u8..128).prop_map(|bits| {
        (0..7u8).fold(Days::default(), |d, day| {
            d.with(day, bits & (1 << day) != 0)
        })
    })
}

fn time_of_day() -> impl Strategy<Value = TimeOfDay> {
    (0u16..=1440).prop_map(|m| TimeOfDay::hm(0, m))
}

fn calendar() -> impl Strategy<Value = Calendar> {
    let shift = (
        days(),
        time_of_day(),
        time_of_day(),
        proptest::option::of(1u32..20),
    )
        .prop_map(|(days, from, to, capacity)| Shift {
            days,
            from,
            to,
            capacity,
        });
    (
        text(),
        proptest::collection::vec(shift, 0..4),
        proptest::collection::vec((0i64..40_000).prop_map(Date::from_days), 0..3),
    )
        .prop_map(|(name, week, closed)| Calendar { name, week, closed })
}

fn rate() -> impl Strategy<Value = Rate> {
    (days(), time_of_day(), time_of_day(), 0.0f64..100.0).prop_map(|(days, from, to, per_hour)| {
        Rate {
            days,
            from,
            to,
            per_hour,
        }
    })
}

fn node() -> impl Strategy<Value = Node> {
    prop_oneof![
        (
            text(),
            proptest::option::of(dist()),
            proptest::collection::vec(rate(), 0..3),
            proptest::option::of(id()),
            text(),
            point()
        )
            .prop_map(|(name, arrivals, rates, calendar, notes, at)| Node::Start {
                name,
                arrivals,
                rates,
                calendar,
                notes,
                at
            }),
        (
            text(),
            proptest::option::of(id()),
            dist(),
            sla(),
            (
                proptest::collection::vec(id(), 0..3),
                proptest::option::of(id())
            ),
            text(),
            point()
        )
            .prop_map(
                |(name, owner, work, sla, (uses, calendar), notes, at)| Node::Step {
                    name,
                    owner,
                    work,
                    sla,
                    calendar,
                    uses,
                    notes,
                    at
                }
            ),
        (text(), text(), point()).prop_map(|(name, notes, at)| Node::Decision { name, notes, at }),
        (text(), text(), point()).prop_map(|(name, notes, at)| Node::Parallel { name, notes, at }),
        (text(), text(), point()).prop_map(|(name, notes, at)| Node::End { name, notes, at }),
    ]
}

fn process_map() -> impl Strategy<Value = ProcessMap> {
    let owner = (
        text(),
        0u32..20,
        prop_oneof![Just(0.0), 0.0f64..500.0],
        proptest::option::of(id()),
        proptest::option::of((1u32..5, 5u32..20)),
    )
        .prop_map(
            |(name, capacity, cost_per_hour, calendar, capacity_range)| Owner {
                cost_per_hour,
                calendar,
                capacity_range,
                ..Owner::new(name, capacity)
            },
        );
    let service = (
        text(),
        prop_oneof![Just(1.0), 0.0f64..=1.0],
        (proptest::option::of(duration()), proptest::option::of(id())),
        proptest::collection::vec(id(), 0..3),
        text(),
        point(),
    )
        .prop_map(
            |(name, availability, (mean_repair, maintenance), depends_on, notes, at)| Service {
                name,
                availability,
                mean_repair,
                maintenance,
                depends_on,
                notes,
                at,
            },
        );
    let flow = (id(), id(), proptest::option::of(0.0f64..=1.0), text()).prop_map(
        |(from, to, probability, label)| Flow {
            from,
            to,
            probability,
            label,
        },
    );
    (
        text(),
        text(),
        proptest::collection::btree_map(id(), owner, 0..4),
        proptest::collection::btree_map(id(), service, 0..4),
        proptest::collection::btree_map(id(), node(), 0..8),
        proptest::collection::vec(flow, 0..10),
        sla(),
        (1u64..1_000_000, 0u64..1000, 1u32..50, any::<u64>()),
        (
            proptest::collection::btree_map(id(), calendar(), 0..3),
            proptest::option::of((0i64..40_000, 0u16..1440).prop_map(|(d, m)| DateTime {
                date: Date::from_days(d),
                time: TimeOfDay::hm(0, m),
            })),
        ),
    )
        .prop_map(
            |(title, description, owners, services, nodes, flows, sla, sim, (calendars, start))| {
                ProcessMap {
                    format: 1,
                    title,
                    description,
                    calendars,
                    owners,
                    services,
                    nodes,
                    flows,
                    sla,
                    simulation: Simulation {
                        cases: sim.0,
                        warmup: sim.1,
                        replications: sim.2,
                        seed: sim.3,
                        outages: sim.3 % 2 == 0,
                        start,
                    },
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn save_then_load_is_identity(map in process_map()) {
        let text = io::to_string(&map).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loaded = io::from_str(&text, Path::new("gen.ron"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&loaded, &map);
        let again = io::to_string(&loaded).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, text);
    }

    #[test]
    fn random_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(map) = io::from_str(&text, Path::new("fuzz.ron")) {
            let _ = model::validate(&map);
            let _ = procmap::analysis::estimate(&map);
        }
    }

    #[test]
    fn mutated_documents_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..12, any::<u8>()), 1..6),
        seed in any::<u64>(),
    ) {
        // Delete, duplicate or replace pieces of a real document, then load, validate, estimate
        // and (when valid) simulate a few cases.
        let mut text: Vec<u8> = REFERENCE.as_bytes().to_vec();
        for (at, len, byte) in edits {
            let start = at.index(text.len().max(1)).min(text.len());
            let end = (start + len).min(text.len());
            match byte % 4 {
                0 => { text.drain(start..end); }
                1 => { let piece: Vec<u8> = text[start..end].to_vec(); text.splice(start..start, piece); }
                2 => { if let Some(b) = text.get_mut(start) { *b = byte; } }
                _ => { text.insert(start, b"0123456789.-,:()[]{}\"hms"[usize::from(byte) % 24]); }
            }
        }
        let text = String::from_utf8_lossy(&text);
        if let Ok(map) = io::from_str(&text, Path::new("mutant.ron")) {
            let problems = model::validate(&map);
            let _ = procmap::analysis::estimate(&map);
            if !model::has_errors(&problems) {
                let settings = Simulation { cases: 50, warmup: 5, replications: 1, seed, outages: true, start: None };
                let result = procmap::sim::simulate(&map, &settings, Some(1), &procmap::sim::Control::default());
                prop_assert!(result.is_ok(), "{:?}", result.err());
            }
        }
    }
}

#[test]
fn durations_in_files_are_canonicalised() {
    let map = parse(
        &REFERENCE
            .replace("\"6m\"", "\"0.1h\"")
            .replace("\"40m\"", "\"2400s\""),
    );
    let text = io::to_string(&map).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains(r#"arrivals: Exponential(mean: "6m")"#),
        "{text}"
    );
    assert!(text.contains(r#"work: Exponential(mean: "40m")"#), "{text}");
    let _: BTreeMap<String, Owner> = map.owners;
}

fn edit() -> impl Strategy<Value = model::Edit> {
    use model::Edit;
    let single = prop_oneof![
        (id(), proptest::option::of(node())).prop_map(|(id, node)| Edit::Node { id, node }),
        (0usize..12, id(), id()).prop_map(|(index, from, to)| Edit::InsertFlow {
            index,
            flow: Flow::new(from, to)
        }),
        (0usize..12).prop_map(|index| Edit::RemoveFlow { index }),
        (0usize..12, text()).prop_map(|(index, label)| Edit::SetFlow {
            index,
            flow: Flow {
                label,
                ..Flow::new("a", "b")
            }
        }),
        text().prop_map(Edit::Title),
        sla().prop_map(Edit::Sla),
    ];
    proptest::collection::vec(single, 1..6).prop_map(Edit::Batch)
}

#[test]
fn apply_then_inverse_restores_the_document() {
    // The combined strategy is deep; debug builds need more than a test thread's 2 MB stack.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut runner =
                proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
            runner
                .run(&(process_map(), edit()), |(map, edit)| {
                    let mut changed = map.clone();
                    let inverse = changed.apply(edit);
                    let redo = changed.clone();
                    let forward = changed.apply(inverse);
                    prop_assert_eq!(&changed, &map);
                    changed.apply(forward);
                    prop_assert_eq!(&changed, &redo);
                    Ok(())
                })
                .map_err(|e| e.to_string())
        })
        .expect("spawn the property test");
    let outcome = worker.join().expect("the property test thread");
    assert!(outcome.is_ok(), "{outcome:?}");
}

/// A domain edit built by `model::edit` on the map it will be applied to (ids picked from
/// the map by index, so most of them exist).
#[derive(Clone, Debug)]
enum Builder {
    Connect(usize, usize, u8),
    Disconnect(usize, usize, u8),
    DropLinks(usize, u8),
    DeleteNodes(usize),
    DeleteService(usize),
    DeleteOwner(usize),
    Add(usize, usize),
    SetCapacities(usize, u32, u32),
}

fn builder() -> impl Strategy<Value = Builder> {
    prop_oneof![
        (any::<usize>(), any::<usize>(), any::<u8>())
            .prop_map(|(a, b, k)| Builder::Connect(a, b, k)),
        (any::<usize>(), any::<usize>(), any::<u8>())
            .prop_map(|(a, b, k)| Builder::Disconnect(a, b, k)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, k)| Builder::DropLinks(a, k)),
        any::<usize>().prop_map(Builder::DeleteNodes),
        any::<usize>().prop_map(Builder::DeleteService),
        any::<usize>().prop_map(Builder::DeleteOwner),
        (any::<usize>(), any::<usize>()).prop_map(|(k, a)| Builder::Add(k, a)),
        (any::<usize>(), 1u32..30, 1u32..30).prop_map(|(a, c, d)| Builder::SetCapacities(a, c, d)),
    ]
}

fn build(map: &ProcessMap, builder: &Builder) -> model::Edit {
    use model::{ElementKind, ElementRef, Link, LinkSide, edit};
    let pick = |ids: Vec<&String>, i: usize| -> String {
        if ids.is_empty() {
            "missing".to_owned()
        } else {
            ids[i % ids.len()].clone()
        }
    };
    let node = |i| pick(map.nodes.keys().collect(), i);
    let service = |i| pick(map.services.keys().collect(), i);
    let link = |a: usize, b: usize, kind: u8| match kind % 3 {
        0 => Link::Flow {
            from: node(a),
            to: node(b),
        },
        1 => Link::Uses {
            service: service(a),
            step: node(b),
        },
        _ => Link::DependsOn {
            service: service(a),
            on: service(b),
        },
    };
    match builder {
        Builder::Connect(a, b, k) => {
            edit::connect(map, &link(*a, *b, *k)).unwrap_or_else(model::Edit::none)
        }
        Builder::Disconnect(a, b, k) => {
            edit::disconnect(map, &link(*a, *b, *k)).unwrap_or_else(model::Edit::none)
        }
        Builder::DropLinks(a, k) => {
            let sides = [
                LinkSide::Outgoing,
                LinkSide::IncomingFlows,
                LinkSide::UsedServices,
                LinkSide::Dependencies,
            ];
            let side = sides[usize::from(*k) % 4];
            let element = if k % 2 == 0 {
                ElementRef::Node(node(*a))
            } else {
                ElementRef::Service(service(*a))
            };
            edit::drop_links(map, &element, side)
        }
        Builder::DeleteNodes(a) => edit::delete_nodes(map, &[node(*a)].into()),
        Builder::DeleteService(a) => edit::delete_service(map, &service(*a)),
        Builder::DeleteOwner(a) => edit::delete_owner(map, &pick(map.owners.keys().collect(), *a)),
        Builder::Add(k, a) => {
            let kind = ElementKind::ALL[k % ElementKind::ALL.len()];
            let from = ElementRef::Node(node(*a));
            edit::add_element(map, kind, model::Point::new(1.0, 2.0), Some(&from), None).0
        }
        Builder::SetCapacities(a, c, d) => {
            // Two owners (maybe the same one) at once, rosters scaled or copied.
            let ids: Vec<&String> = map.owners.keys().collect();
            let wanted = [(pick(ids.clone(), *a), *c), (pick(ids, a / 2), *d)].into();
            edit::set_capacities(map, &wanted).edit
        }
    }
}

#[test]
fn edits_built_by_the_model_undo_exactly() {
    // The editor's connect, disconnect, drop-links, delete and add all come from model::edit:
    // each must be undone exactly by its inverse, and redone by the inverse of that.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut runner =
                proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
            runner
                .run(
                    &(process_map(), proptest::collection::vec(builder(), 1..5)),
                    |(map, builders)| {
                        let mut changed = map.clone();
                        let mut inverses = Vec::new();
                        for b in &builders {
                            let edit = build(&changed, b);
                            inverses.push(changed.apply(edit));
                        }
                        let after = changed.clone();
                        let mut redo = Vec::new();
                        for inverse in inverses.into_iter().rev() {
                            redo.push(changed.apply(inverse));
                        }
                        prop_assert_eq!(&changed, &map);
                        for forward in redo.into_iter().rev() {
                            changed.apply(forward);
                        }
                        prop_assert_eq!(&changed, &after);
                        Ok(())
                    },
                )
                .map_err(|e| e.to_string())
        })
        .expect("spawn the property test");
    let outcome = worker.join().expect("the property test thread");
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[test]
fn distribution_slips_get_an_example() {
    for (slip, example) in [
        (r#"Exponential("1h")"#, r#"Exponential(mean: "10m")"#),
        (r#"Fixed(mean: "1h")"#, r#"Fixed("10m")"#),
        (
            r#"LogNormal(mean: "1h")"#,
            r#"LogNormal(mean: "10m", sd: "5m")"#,
        ),
    ] {
        let text = REFERENCE.replace(r#"Exponential(mean: "6m")"#, slip);
        assert_ne!(text, REFERENCE, "the reference has the arrivals to replace");
        let error = io::from_str(&text, Path::new("slip.ron"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains(example), "{slip}: {error}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hostile edits of a real map, of the kinds that once broke the CLI (control characters
    /// and duplicates in ids, huge or non-finite numbers, byte-order marks, version 0, long
    /// names): every loader and consumer must end with a value or an error, never a panic.
    #[test]
    fn hostile_edits_never_panic(
        edits in proptest::collection::vec((0usize..9, any::<prop::sample::Index>()), 1..4),
        seed in any::<u64>(),
    ) {
        let mut text = REFERENCE.to_owned();
        for (kind, at) in edits {
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
            let Some(&quote) = quotes.get(at.index(quotes.len().max(1))) else { continue };
            let insert = |text: &mut String, piece: &str| text.insert_str(quote + 1, piece);
            match kind {
                0 => insert(&mut text, "a\nb"),
                1 => insert(&mut text, "\u{1b}[2J"),
                2 => insert(&mut text, &"x".repeat(5_000)),
                3 => text = text.replacen("capacity: 3", "capacity: 4294967295", 1),
                4 => text = text.replacen("cost_per_hour: 40.0", "cost_per_hour: 1e308", 1),
                5 => text = format!("\u{feff}{text}"),
                6 => text = text.replacen("format: 1", "format: 0", 1),
                7 => text = text.replacen("at: (", "at: (1e308, ", 1),
                _ => {
                    // Duplicate the first node line.
                    if let Some(line) = text.lines().find(|l| l.contains("Step(")).map(str::to_owned) {
                        text = text.replacen(&line, &format!("{line}\n{line}"), 1);
                    }
                }
            }
        }
        if let Ok(map) = io::from_str(&text, Path::new("hostile.ron")) {
            let problems = model::validate(&map);
            let _ = procmap::analysis::estimate(&map);
            let _ = procmap::analysis::impact(&map);
            let _ = procmap::model::size_problems(&map);
            for problem in &problems {
                prop_assert!(!problem.to_string().contains('\n'), "{problem}");
            }
            if !model::has_errors(&problems) {
                let settings = Simulation { cases: 30, warmup: 3, replications: 1, seed, outages: true, start: None };
                let result = procmap::sim::simulate(&map, &settings, Some(1), &procmap::sim::Control::default());
                prop_assert!(result.is_ok(), "{:?}", result.err());
                let _ = procmap::report::svg::diagram(&map);
            }
        }
    }
}
