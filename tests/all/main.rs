//! All integration tests, built into one binary (faster to link than one binary per file).

// Exact float comparisons are intended in tests of exact arithmetic (defaults, fixed times).
#![allow(clippy::float_cmp)]

mod architecture;
mod bpmn;
mod cli;
mod export;
mod format;
mod hostile;
mod logread;
mod plan;
mod plan_roster;
mod simlog;
mod theory;
mod ui;
mod ui_calendars;
mod ui_discover;
mod ui_plan;
mod working;

use std::path::Path;

use procmap::model::{ProcessMap, io};

/// Parses a map from text, panicking with the loader's message on failure.
fn parse(text: &str) -> ProcessMap {
    io::from_str(text, Path::new("<test>")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every sample map: (file name, text).
fn samples() -> Vec<(String, String)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected at least four samples");
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            (
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text,
            )
        })
        .collect()
}

/// A generated map of `steps` steps in lanes of 50 (with a rework decision every tenth step),
/// for scale tests.
fn generated_map(steps: usize) -> ProcessMap {
    use procmap::model::{Flow, Node, NodeKind, Owner, Point};
    let mut map = ProcessMap {
        title: format!("Generated {steps}"),
        ..ProcessMap::default()
    };
    map.owners.insert("team".into(), Owner::new("Team", 50));
    map.nodes.insert(
        "start".into(),
        Node::new(NodeKind::Start, "Start", Point::new(-240.0, 0.0)),
    );
    let mut previous = "start".to_owned();
    for s in 0..steps {
        let id = format!("s{s:05}");
        #[allow(clippy::cast_precision_loss)]
        let at = Point::new((s % 50) as f64 * 240.0, (s / 50) as f64 * 160.0);
        let mut node = Node::new(NodeKind::Step, format!("Step {s}"), at);
        if let Node::Step { owner, .. } = &mut node {
            *owner = Some("team".into());
        }
        map.nodes.insert(id.clone(), node);
        map.flows.push(Flow::new(previous.clone(), id.clone()));
        previous = id;
    }
    map.nodes.insert(
        "end".into(),
        Node::new(NodeKind::End, "End", Point::new(-240.0, 200.0)),
    );
    map.flows.push(Flow::new(previous, "end"));
    map
}
mod discover;
mod discover_samples;
