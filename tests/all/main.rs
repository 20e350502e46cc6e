//! All integration tests, built into one binary (faster to link than one binary per file).

// Exact float comparisons are intended in tests of exact arithmetic (defaults, fixed times).
#![allow(clippy::float_cmp)]

mod architecture;
mod cli;
mod format;
mod theory;

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
