//! The documentation exports: every sample becomes a PDF with the expected pages and real text,
//! a well-formed SVG, and Markdown with its diagram beside it.

use std::path::Path;
use std::process::Command;

use procmap::report::{handbook, markdown, pdf, svg};
use procmap::sim::{self, Control};

use super::{parse, samples};

/// Text of a PDF via poppler's pdftotext (installed by .ci/run).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("book.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    let output = Command::new("pdftotext")
        .args(["-layout", &path.to_string_lossy(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn page_count(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page ").count()
        + text.matches("/Type/Page/").count()
}

#[test]
fn every_sample_exports_pdf_svg_and_markdown() {
    for (name, text) in samples() {
        let map = parse(&text);
        let book = handbook::build(&map, None, "2026-11-25".into());
        let bytes = pdf::render(&book, pdf::Paper::A4).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.starts_with(b"%PDF"), "{name}");
        let text = pdf_text(&bytes);
        // Title page, contents and every section title are real text.
        assert!(text.contains(&map.title), "{name}: no title");
        for section in &book.sections {
            assert!(
                text.contains(&section.title),
                "{name}: no section {}",
                section.title
            );
        }
        assert!(text.contains("Contents"));
        // Every step is in the catalogue, and so is its owner.
        for node in map.nodes.values() {
            if let procmap::model::Node::Step { name: step, .. } = node {
                assert!(text.contains(step.as_str()), "{name}: step {step} missing");
            }
        }
        assert!(text.contains("Page 2 of"), "{name}: no page numbers");

        let svg = svg::diagram(&map);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.matches("<rect").count() >= map.nodes.len());
        well_formed(&svg);

        let md = markdown::render(&book, "diagram.svg");
        assert!(md.starts_with(&format!("# {}", map.title)));
        assert!(md.contains("![") && md.contains("(diagram.svg)"));
        assert!(md.contains("## 2. Step catalogue"));
    }
}

/// A minimal XML well-formedness check: tags balance and attributes are quoted.
fn well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            panic!("unclosed tag")
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or_default().to_owned();
            stack.push(name);
        }
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn pdf_with_results_has_the_simulation_section() {
    let map = parse(include_str!("../../samples/change-request.ron"));
    let mut settings = map.simulation;
    settings.cases = 3_000;
    settings.replications = 3;
    let result = sim::simulate(&map, &settings, None, &Control::default()).expect("simulate");
    let book = handbook::build(&map, Some(&result), "2026-11-25".into());
    let bytes = pdf::render(&book, pdf::Paper::Letter).expect("pdf");
    let text = pdf_text(&bytes);
    assert!(text.contains("Simulation results"));
    assert!(
        text.contains("Change Advisory Board is the bottleneck"),
        "{text}"
    );
    assert!(text.contains("Utilisation by owner"));
    assert!(page_count(&bytes) >= 8, "{} pages", page_count(&bytes));
}

#[test]
fn a_large_map_is_split_into_sheets_not_shrunk() {
    let map = super::generated_map(300);
    let book = handbook::build(&map, None, "2026-11-25".into());
    let started = std::time::Instant::now();
    let bytes = pdf::render(&book, pdf::Paper::A4).expect("pdf");
    let elapsed = started.elapsed();
    let text = pdf_text(&bytes);
    assert!(text.contains("overview"), "no overview page");
    assert!(
        text.contains("sheet B1") || text.contains("sheet A2"),
        "no detail sheets"
    );
    // A debug build; the release figure is in the bench. Generous, so this is not a timing test.
    assert!(elapsed.as_secs() < 60, "{elapsed:?}");
}

#[test]
fn export_command_writes_all_three() {
    let folder = tempfile::tempdir().expect("temp dir");
    let out = |name: &str| folder.path().join(name).to_string_lossy().into_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_procmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "export",
            "samples/employee-onboarding.ron",
            "--pdf",
            &out("book.pdf"),
            "--svg",
            &out("map.svg"),
            "--markdown",
            &out("book.md"),
            "--paper",
            "letter",
        ])
        .output()
        .expect("run procmap");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for name in ["book.pdf", "map.svg", "book.md", "book-diagram.svg"] {
        assert!(Path::new(&out(name)).exists(), "{name} missing");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(["export", "no/such.ron", "--pdf", &out("x.pdf")])
        .output()
        .expect("run procmap");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn the_handbook_is_a_tagged_pdf_with_headings_tables_and_described_figures() {
    let (_, text) = samples()
        .into_iter()
        .find(|(name, _)| name == "order-to-cash.ron")
        .expect("the order-to-cash sample");
    let map = parse(&text);
    let settings = procmap::model::Simulation {
        cases: 500,
        warmup: 50,
        replications: 2,
        seed: 3,
        outages: true,
        start: None,
    };
    let results = sim::simulate(&map, &settings, Some(1), &Control::default()).expect("simulates");
    let book = handbook::build(&map, Some(&results), "2026-12-01".into());
    let bytes = pdf::render(&book, pdf::Paper::A4).expect("renders");
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("book.pdf");
    std::fs::write(&path, &bytes).expect("write pdf");
    let info = |flag: &str| {
        let mut command = Command::new("pdfinfo");
        if !flag.is_empty() {
            command.arg(flag);
        }
        let output = command
            .arg(&path)
            .output()
            .expect("pdfinfo (poppler-utils)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(info("").contains("Tagged:          yes"), "{}", info(""));
    let tree = info("-struct-text");
    for role in ["H1", "H2", "P (block)", "Table", "TR", "TH", "TD", "Figure"] {
        assert!(
            tree.contains(role),
            "no {role} in the structure tree:\n{tree}"
        );
    }
    // Reading order: the first section heading comes before the step catalogue's.
    let first = tree
        .find("1. Process map")
        .expect("section 1 heading is tagged");
    let second = tree
        .find("2. Step catalogue")
        .expect("section 2 heading is tagged");
    assert!(first < second);
    // Figures carry alternative text.
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Alt"), "figures have alt text");
}

#[test]
fn export_plan_adds_the_capacity_plan_section_to_pdf_and_markdown() {
    let folder = tempfile::tempdir().expect("temp dir");
    let map = folder.path().join("two.ron");
    std::fs::write(
        &map,
        r#"ProcessMap(format: 1, title: "two owners",
            owners: {
                "desk": Owner(name: "Desk", capacity: 1, cost_per_hour: 30.0, capacity_range: (1, 6)),
                "back": Owner(name: "Back office", capacity: 5, cost_per_hour: 20.0, capacity_range: (1, 6)),
            },
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "front": Step(name: "Front", owner: "desk", work: Exponential(mean: "50m"), sla: Sla(target: "2h", within: 0.9)),
                "file": Step(name: "File", owner: "back", work: Exponential(mean: "20m")),
                "out": End(name: "Out"),
            },
            flows: [Flow(from: "in", to: "front"), Flow(from: "front", to: "file"), Flow(from: "file", to: "out")],
            simulation: Simulation(cases: 2000, warmup: 200, replications: 4, seed: 3),
        )"#,
    )
    .expect("write the map");
    let (pdf, md) = (folder.path().join("b.pdf"), folder.path().join("b.md"));
    let output = Command::new(env!("CARGO_BIN_EXE_procmap"))
        .arg("export")
        .arg(&map)
        .arg("--plan")
        .arg("--pdf")
        .arg(&pdf)
        .arg("--markdown")
        .arg(&md)
        .output()
        .expect("run procmap");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = pdf_text(&std::fs::read(&pdf).expect("the PDF"));
    for wanted in [
        "Capacity plan",
        "Recommended staffing",
        "SLAs before and after",
        "Headroom",
        "What to improve first",
        "saturates first: at 1.20x",
        "Desk 1 -> 2",
    ] {
        assert!(text.contains(wanted), "{wanted} in the PDF:\n{text}");
    }
    let markdown = std::fs::read_to_string(&md).expect("markdown");
    let section = markdown
        .split("\n## ")
        .find(|s| s.contains("Capacity plan\n"))
        .expect("a Capacity plan section");
    assert!(
        section.contains("| Owner | Capacity | Cost per hour | Utilisation |"),
        "{section}"
    );
    assert!(section.contains("| Desk | 1 -> "), "{section}");
    assert!(
        section.contains("| Step Front | 90.0% within 2.00h |"),
        "{section}"
    );
    assert!(
        section.contains("| Load | Arrivals per hour |"),
        "{section}"
    );
    assert!(section.contains("| Change | p90 |"), "{section}");
    // Without --plan there is no such section.
    let plain = folder.path().join("plain.md");
    let output = Command::new(env!("CARGO_BIN_EXE_procmap"))
        .arg("export")
        .arg(&map)
        .arg("--markdown")
        .arg(&plain)
        .output()
        .expect("run procmap");
    assert!(output.status.success());
    let plain = std::fs::read_to_string(&plain).expect("markdown");
    assert!(!plain.contains("Capacity plan"), "{plain}");
}
