//! The layers stay apart: the document, the simulator, the analysis and the reports never use
//! the UI toolkit (one crate cannot check that with `cargo tree`, so this reads the sources).

use std::path::Path;

fn rust_files(folder: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The core's source files: every layer below the UI, and the shared palette.
fn core_files(src: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![src.join("palette.rs")];
    for layer in ["model", "sim", "analysis", "report", "interop"] {
        rust_files(&src.join(layer), &mut files);
    }
    files
}

/// Code lines (comments skipped) with their 1-based numbers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

#[test]
fn core_modules_do_not_use_the_ui() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = core_files(&src);
    assert!(files.len() > 20, "the core was not found: {files:?}");
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in code_lines(&text) {
            let code = line.trim_start();
            let toolkit = [
                "egui",
                "eframe",
                "egui_snarl",
                "egui_plot",
                "egui_extras",
                "rfd",
            ]
            .iter()
            .any(|name| {
                code.contains(&format!("{name}::")) || code.contains(&format!("use {name}"))
            });
            let upward = ["crate::ui", "crate::cli"]
                .iter()
                .any(|name| code.contains(name));
            if toolkit || upward {
                offenders.push(format!("{}:{n}: {line}", file.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "UI code in core layers:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn each_layer_imports_only_the_layers_below() {
    // What each layer must not import (docs/ARCHITECTURE.md has the same table).
    let rules: [(&str, &[&str]); 5] = [
        (
            "model",
            &["analysis", "sim", "report", "interop", "palette"],
        ),
        ("analysis", &["sim", "report", "interop", "palette"]),
        ("sim", &["report", "interop", "palette"]),
        ("interop", &["sim", "report", "analysis", "palette"]),
        ("report", &["interop"]),
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for (layer, banned) in rules {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (n, line) in code_lines(&text) {
                for above in banned {
                    let grouped = line.contains("crate::{") && line.contains(&format!("{above}::"));
                    if line.contains(&format!("crate::{above}")) || grouped {
                        offenders.push(format!(
                            "{}:{n}: {layer} uses {above}: {line}",
                            file.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn no_source_file_is_a_big_room() {
    // Files past the limit must say why in their module comment ("Longer than 800 lines
    // because ...").
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut big = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let lines = text.lines().count();
        if lines > 800 && !text.contains("Longer than 800 lines because") {
            big.push(format!("{}: {lines} lines", file.display()));
        }
    }
    assert!(
        big.is_empty(),
        "split these by responsibility:\n{}",
        big.join("\n")
    );
}

#[test]
fn the_simulator_does_no_io() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim"),
        &mut files,
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for banned in ["std::fs", "std::io", "println!", "eprintln!", "std::env"] {
            assert!(!text.contains(banned), "{} uses {banned}", file.display());
        }
    }
}
