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

#[test]
fn core_modules_do_not_use_the_ui() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for layer in ["model", "sim", "analysis", "report", "interop"] {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                if ["egui", "eframe", "egui_snarl", "egui_plot", "egui_extras"]
                    .iter()
                    .any(|name| {
                        code.contains(&format!("{name}::")) || code.contains(&format!("use {name}"))
                    })
                {
                    offenders.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
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
