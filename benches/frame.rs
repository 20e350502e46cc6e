//! The editor's own frame time on generated maps: `Context::run_ui` of the whole app plus
//! tessellation, headless, 1600x1000, for 100 / 1,000 / 5,000 nodes, fitted (whole map on screen)
//! and zoomed in (100%). The target is under 16 ms per frame.
//!
//! `cargo bench --bench frame`

#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::time::Instant;

use procmap::model::{Flow, Node, NodeKind, Owner, Point, ProcessMap};
use procmap::ui::App;
use procmap::ui::app::Persisted;

/// Steps in lanes of 40, each with an owner, work time and SLA, one flow to the next, and a
/// decision with a rework flow every tenth step.
fn generated(nodes: usize) -> ProcessMap {
    let mut map = ProcessMap {
        title: format!("Generated {nodes}"),
        ..ProcessMap::default()
    };
    for o in 0..8 {
        map.owners.insert(
            format!("team_{o}"),
            Owner {
                cost_per_hour: 40.0,
                ..Owner::new(format!("Team {o}"), 20)
            },
        );
    }
    map.nodes.insert(
        "start".into(),
        Node::new(NodeKind::Start, "Start", Point::new(-240.0, 0.0)),
    );
    let mut previous = "start".to_owned();
    let place = |i: usize| {
        #[allow(clippy::cast_precision_loss, reason = "small grid coordinates")]
        Point::new((i % 40) as f64 * 240.0, (i / 40) as f64 * 160.0)
    };
    let mut i = 0;
    while i + 2 < nodes {
        let id = format!("s{i:05}");
        let mut node = Node::new(NodeKind::Step, format!("Step {i}"), place(i));
        if let Node::Step { owner, .. } = &mut node {
            *owner = Some(format!("team_{}", i % 8));
        }
        map.nodes.insert(id.clone(), node);
        map.flows.push(Flow::new(previous.clone(), id.clone()));
        previous = id;
        i += 1;
        if i % 10 == 0 && i + 2 < nodes {
            let d = format!("d{i:05}");
            map.nodes.insert(
                d.clone(),
                Node::new(NodeKind::Decision, format!("OK {i}?"), place(i)),
            );
            map.flows.push(Flow::new(previous.clone(), d.clone()));
            map.flows.push(Flow {
                probability: Some(0.1),
                ..Flow::new(d.clone(), format!("s{:05}", i - 5))
            });
            previous = d;
            i += 1;
            if let Some(last) = map.flows.last_mut() {
                last.label = "redo".into();
            }
        }
    }
    map.nodes
        .insert("end".into(), Node::new(NodeKind::End, "End", place(i)));
    map.flows.push(Flow::new(previous, "end"));
    map
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        ..egui::RawInput::default()
    }
}

/// Median and worst frame in milliseconds over `frames` frames after a warm-up.
fn measure(ctx: &egui::Context, app: &mut App, frames: usize) -> (f64, f64, usize) {
    for _ in 0..5 {
        let output = ctx.run_ui(input(), |ui| app.ui(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
    }
    let mut times: Vec<f64> = (0..frames)
        .map(|_| {
            let start = Instant::now();
            let output = ctx.run_ui(input(), |ui| app.ui(ui));
            let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (
        times[times.len() / 2],
        times[times.len() - 1],
        app.canvas.snarl_len(),
    )
}

/// Frames of the order-to-cash sample while a 1,000,000-case simulation runs in the background.
fn while_simulating() {
    let mut map = procmap::model::io::from_str(
        procmap::ui::app::DEFAULT_SAMPLE,
        std::path::Path::new("sample"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    map.simulation.cases = 100_000;
    map.simulation.warmup = 0;
    map.simulation.replications = 10;
    let ctx = egui::Context::default();
    let mut app = App::new(map, None, Persisted::default(), None);
    let _ = measure(&ctx, &mut app, 5);
    app.run_simulation();
    let started = Instant::now();
    let mut times = Vec::new();
    while app.sim.running.is_some() && times.len() < 2_000 {
        let start = Instant::now();
        let output = ctx.run_ui(input(), |ui| app.ui(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(std::time::Duration::from_millis(16));
    }
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        return;
    }
    println!(
        "while simulating 10 x 100,000 cases ({:.1} s): {} frames, median {:.2} ms, p99 {:.2} ms, worst {:.2} ms",
        started.elapsed().as_secs_f64(),
        times.len(),
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        times[times.len() - 1]
    );
}

fn main() {
    println!("editor frame (run_ui + tessellate), 1600x1000, median / worst of 30 frames");
    for nodes in [100, 1_000, 5_000] {
        let map = generated(nodes);
        let count = map.nodes.len();
        let ctx = egui::Context::default();
        let mut app = App::new(map, None, Persisted::default(), None);
        // Fitted: the whole map on screen.
        app.canvas.request_fit();
        let (fit_median, fit_worst, fit_snarl) = measure(&ctx, &mut app, 30);
        let fit_zoom = app.canvas.zoom();
        let mode = if app.canvas.overview {
            "overview"
        } else {
            "snarl"
        };
        // Zoomed in to 100% at the centre.
        app.canvas.set_scaling(1.0);
        let (zoom_median, zoom_worst, zoom_snarl) = measure(&ctx, &mut app, 30);
        println!(
            "{count:>5} nodes: fitted ({mode}, zoom {:.0}%, {fit_snarl} in snarl) {fit_median:6.2} / {fit_worst:6.2} ms; \
             zoomed 100% ({zoom_snarl} in snarl) {zoom_median:6.2} / {zoom_worst:6.2} ms",
            fit_zoom * 100.0
        );
    }
    while_simulating();
}
