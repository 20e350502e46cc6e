//! The real `procmap` binary, as CI scripts and users run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::format::REFERENCE;

fn procmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run procmap: {e}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn sample_paths() -> Vec<String> {
    let mut paths: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .map(|e| format!("samples/{}", e.file_name().to_string_lossy()))
            .filter(|p| {
                Path::new(p)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
            })
            .collect();
    paths.sort();
    paths
}

fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
fn check_passes_every_sample() {
    let paths = sample_paths();
    let mut args = vec!["check"];
    args.extend(paths.iter().map(String::as_str));
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 errors"), "{}", stdout(&output));
}

#[test]
fn check_reports_a_misspelt_owner_and_exits_1() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write(folder.path(), "good.ron", REFERENCE);
    let output = procmap(&["check", &good.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let bad = write(
        folder.path(),
        "bad.ron",
        &REFERENCE.replace("owner: \"sales\",\n", "owner: \"salez\",\n"),
    );
    let output = procmap(&["check", &bad.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "{}: node 'check': error: owner 'salez' is not defined (did you mean 'sales'?)",
        bad.display()
    );
    assert!(
        stdout(&output).lines().any(|l| l == expected),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_reports_truncated_files_with_position_and_missing_files_with_2() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cut = write(folder.path(), "cut.ron", &REFERENCE[..REFERENCE.len() / 2]);
    let output = procmap(&["check", &cut.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let prefix = format!("{}:", cut.display());
    let line = text.lines().next().unwrap_or_default();
    assert!(line.starts_with(&prefix), "{text}");
    // file:line:col: error: ...
    let rest: Vec<&str> = line[prefix.len()..].splitn(3, ':').collect();
    assert!(
        rest.len() == 3 && rest[0].parse::<usize>().is_ok() && rest[1].parse::<usize>().is_ok(),
        "{line}"
    );
    assert!(line.contains("error:"), "{line}");

    let output = procmap(&["check", "no/such/file.ron"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("no/such/file.ron"));
}

#[test]
fn fmt_check_passes_on_samples_and_fmt_rewrites_hand_edits() {
    let paths = sample_paths();
    let mut args = vec!["fmt", "--check"];
    args.extend(paths.iter().map(String::as_str));
    let output = procmap(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = write(folder.path(), "hand.ron", REFERENCE);
    let p = path.to_string_lossy().into_owned();
    assert_eq!(procmap(&["fmt", "--check", &p]).status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        REFERENCE,
        "--check changed the file"
    );
    assert_eq!(procmap(&["fmt", &p]).status.code(), Some(0));
    assert_eq!(procmap(&["fmt", "--check", &p]).status.code(), Some(0));
    assert_eq!(procmap(&["check", &p]).status.code(), Some(0));
}

#[test]
fn fmt_refuses_to_drop_comments_unless_asked() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let commented = REFERENCE.replace(
        "    format: 1,\n",
        "    // Reviewed by QA.\n    format: 1,\n",
    );
    let path = write(folder.path(), "c.ron", &commented);
    let p = path.to_string_lossy().into_owned();
    let output = procmap(&["fmt", &p]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("line 2"), "{}", stdout(&output));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        commented
    );
    assert_eq!(
        procmap(&["fmt", "--drop-comments", &p]).status.code(),
        Some(0)
    );
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap_or_default()
            .contains("QA")
    );
}

#[test]
fn simulate_json_has_the_documented_keys_and_finds_the_bottleneck() {
    let output = procmap(&[
        "simulate",
        "samples/order-to-cash.ron",
        "--cases",
        "5000",
        "--replications",
        "4",
        "--json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    for key in [
        "model",
        "cases",
        "replications",
        "seed",
        "warmup",
        "cycle_time",
        "sla",
        "throughput_per_hour",
        "wip_mean",
        "cost_per_case",
        "steps",
        "owners",
        "bottlenecks",
        "finding",
        "unstable",
        "events",
        "wall_seconds",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    for key in ["mean", "mean_ci95", "p50", "p90", "p95", "max"] {
        assert!(json["cycle_time"][key].is_number(), "cycle_time.{key}");
    }
    for key in ["target", "within", "met_fraction", "met"] {
        assert!(json["sla"].get(key).is_some(), "sla.{key}");
    }
    for key in [
        "count",
        "wait_mean",
        "work_mean",
        "lead_mean",
        "sla_met_fraction",
    ] {
        assert!(
            json["steps"]["check"].get(key).is_some(),
            "steps.check.{key}"
        );
    }
    for key in [
        "utilization",
        "utilization_ci95",
        "estimated_utilization",
        "queue_mean",
        "queue_max",
        "wait_mean",
    ] {
        assert!(
            json["owners"]["warehouse"].get(key).is_some(),
            "owners.warehouse.{key}"
        );
    }
    assert_eq!(json["cases"], 5000);
    assert_eq!(json["replications"], 4);
    assert_eq!(json["seed"], 7);
    // The sample is designed with the warehouse at about 77% of its available (shift) capacity,
    // every other owner lower.
    assert_eq!(json["bottlenecks"][0], "warehouse", "{}", json["finding"]);
    let finding = json["finding"].as_str().unwrap_or_default();
    assert!(
        finding.starts_with("Warehouse crew is the bottleneck"),
        "{finding}"
    );
}

#[test]
fn simulate_text_report_leads_with_the_finding_and_refuses_invalid_maps() {
    let output = procmap(&[
        "simulate",
        "samples/it-incident.ron",
        "--cases",
        "2000",
        "--replications",
        "2",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.get(1).is_some_and(|l| l.contains("bottleneck")),
        "{text}"
    );

    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = write(
        folder.path(),
        "bad.ron",
        &REFERENCE.replace("to: \"done\"", "to: \"gone\""),
    );
    let output = procmap(&["simulate", &bad.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("'gone', which is not a node"), "{err}");
    assert!(err.contains("not simulated"), "{err}");
}

#[test]
fn impact_reports_every_service_and_json_has_the_keys() {
    let output = procmap(&["impact", "samples/it-incident.ron"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("If Database is down: Service desk tool (ITSM) is down too;"),
        "{text}"
    );
    assert!(text.contains("100% of cases wait"), "{text}");
    let output = procmap(&["impact", "samples/it-incident.ron", "--json"]);
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let db = &json["services"]["db"];
    for key in [
        "affected_services",
        "affected_steps",
        "case_share",
        "availability_effective",
        "criticality",
        "delay_hours_per_week",
    ] {
        assert!(db.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["ranking"].as_array().map(Vec::len), Some(5));
    let output = procmap(&["impact", "samples/it-incident.ron", "--service", "nope"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn simulate_reports_services_and_no_outages_removes_their_cost() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "simulate",
            "samples/it-incident.ron",
            "--cases",
            "4000",
            "--replications",
            "4",
            "--json",
        ];
        args.extend(extra);
        let output = procmap(&args);
        assert_eq!(output.status.code(), Some(0));
        serde_json::from_slice::<serde_json::Value>(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let with = run(&[]);
    let without = run(&["--no-outages"]);
    let itsm = &with["services"]["itsm"];
    for key in [
        "availability_observed",
        "outages",
        "cases_delayed",
        "delay_mean",
        "sla_missed_when_delayed",
    ] {
        assert!(itsm.get(key).is_some(), "missing {key}");
    }
    assert!(itsm["cases_delayed"].as_u64().unwrap_or(0) > 0);
    assert_eq!(without["services"]["itsm"]["cases_delayed"], 0);
    let mean = |v: &serde_json::Value| v["cycle_time"]["mean"].as_f64().unwrap_or(0.0);
    assert!(
        mean(&with) > mean(&without),
        "outages must cost time: {} vs {}",
        mean(&with),
        mean(&without)
    );
}

#[test]
fn simulate_json_matches_its_schema_and_the_schema_file_is_current() {
    let schema = procmap::report::schema::simulation();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/simulate.schema.json");
    let text = serde_json::to_string_pretty(&schema).expect("schema as JSON") + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &text).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/simulate.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test simulate_json"
    );
    for (name, _) in super::samples() {
        for replications in ["1", "3"] {
            let output = procmap(&[
                "simulate",
                &format!("samples/{name}"),
                "--json",
                "--cases",
                "300",
                "--warmup",
                "30",
                "--replications",
                replications,
            ]);
            let value: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("simulate --json prints JSON");
            let problems = procmap::report::schema::check(&schema, &value);
            assert!(problems.is_empty(), "{name}: {problems:#?}");
        }
    }
    // The checker is not blind: a renamed key fails.
    let output = procmap(&[
        "simulate",
        "samples/order-to-cash.ron",
        "--json",
        "--cases",
        "100",
    ]);
    let text = String::from_utf8_lossy(&output.stdout).replace("\"wip_mean\"", "\"wip\"");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(!procmap::report::schema::check(&schema, &value).is_empty());
}

#[test]
fn svg_and_markdown_exports_keep_apart() {
    let folder = tempfile::tempdir().expect("temp dir");
    let svg = folder.path().join("x.svg");
    let md = folder.path().join("x.md");
    let output = procmap(&[
        "export",
        "samples/order-to-cash.ron",
        "--svg",
        &svg.to_string_lossy(),
        "--markdown",
        &md.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let wrote: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("wrote SVG"))
        .collect();
    assert_eq!(wrote.len(), 2, "{text}");
    assert_ne!(wrote[0], wrote[1], "two different SVG files: {text}");
    assert!(folder.path().join("x-diagram.svg").is_file());
    assert!(svg.is_file());
}
