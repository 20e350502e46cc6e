//! The desktop editor (eframe/egui). It edits the document only through [`history::Document`]
//! commits; the canvas is a view of the document, never the other way round. Work that takes
//! long runs as a [`job::Job`] off the UI thread.

pub mod app;
pub mod calendar;
pub mod canvas;
pub mod commands;
pub mod discover;
pub mod history;
pub mod inspector;
pub mod job;
pub mod plan;
pub mod sidebar;
pub mod simulation;
pub mod theme;

use std::path::{Path, PathBuf};

use crate::model::{ProcessMap, io};
pub use app::App;

/// Which map the editor starts on: the file given, else the most recent file that still loads,
/// else the bundled sample. A file that cannot be loaded leaves the sample open with the error
/// shown.
fn initial_map(
    file: Option<&Path>,
    recent: &[PathBuf],
) -> (ProcessMap, Option<PathBuf>, Option<String>) {
    let sample =
        || io::from_str(app::DEFAULT_SAMPLE, Path::new("order-to-cash.ron")).unwrap_or_default();
    if let Some(path) = file {
        return match crate::interop::open(path) {
            Ok(opened) => {
                let path = opened.format.native.then(|| path.to_owned());
                (opened.map, path, None)
            }
            Err(error) => (
                sample(),
                None,
                Some(format!("Cannot open the map.\n\n{error}")),
            ),
        };
    }
    for path in recent {
        if let Ok(map) = io::load(path) {
            return (map, Some(path.clone()), None);
        }
    }
    (sample(), None, None)
}

/// The window icon (the same picture as `assets/icons/procmap.png` for desktop menus).
fn app_icon() -> egui::IconData {
    // A bundled PNG that does not decode is a build mistake; the window then has no icon
    // rather than no window.
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/procmap.png"))
        .unwrap_or_default()
}

/// Runs the editor window until the user quits.
///
/// # Errors
/// When no window can be opened (no display, no graphics driver).
pub fn run(file: Option<&Path>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Procmap")
            .with_app_id("procmap")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true)
            .with_icon(app_icon()),
        ..eframe::NativeOptions::default()
    };
    // An event log opens the import dialog over the usual start-up map.
    let (file, log) = match file {
        Some(path) if crate::interop::log::is_log_path(path) => (None, Some(path.to_owned())),
        other => (other.map(Path::to_owned), None),
    };
    eframe::run_native(
        "procmap",
        options,
        Box::new(move |cc| {
            let settings: app::Persisted = cc
                .storage
                .and_then(|s| eframe::get_value(s, "procmap"))
                .unwrap_or_default();
            let (map, path, error) = initial_map(file.as_deref(), &settings.recent);
            let recovery = eframe::storage_dir("procmap");
            let mut editor = App::new(map, path.clone(), settings, recovery);
            if let Some(error) = error {
                editor.dialog = Some(app::Dialog::Error(error));
            }
            match (path, &editor.dialog, file.as_deref()) {
                (Some(path), None, _) => {
                    editor.status = Some(format!("Opened {}", path.display()));
                }
                // An imported file: open it the way File > Open does (unsaved, with its
                // import warnings in the problems panel).
                (None, None, Some(imported)) => editor.open_path(imported),
                _ => {}
            }
            if let Some(log) = &log {
                editor.open_import(log);
            }
            Ok(Box::new(editor))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the Procmap window: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_icon_decodes() {
        let icon = app_icon();
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }

    #[test]
    fn starts_on_the_file_else_a_recent_one_else_the_sample() {
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let good = folder.path().join("good.ron");
        let bad = folder.path().join("bad.ron");
        let map = ProcessMap {
            title: "Mine".into(),
            ..ProcessMap::default()
        };
        io::save(&map, &good).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&bad, "ProcessMap(").unwrap_or_else(|e| panic!("{e}"));

        let (map, path, error) = initial_map(Some(&good), &[]);
        assert_eq!(
            (map.title.as_str(), path.as_deref(), error),
            ("Mine", Some(good.as_path()), None)
        );

        let (map, path, error) = initial_map(Some(&bad), std::slice::from_ref(&good));
        assert_eq!(map.title, "Order to cash");
        assert!(path.is_none());
        assert!(error.is_some_and(|e| e.contains("bad.ron:1:")));

        let missing = folder.path().join("gone.ron");
        let (map, path, _) = initial_map(None, &[missing, good.clone()]);
        assert_eq!((map.title.as_str(), path), ("Mine", Some(good)));

        let (map, path, error) = initial_map(None, &[]);
        assert_eq!(
            (map.title.as_str(), path, error),
            ("Order to cash", None, None)
        );
    }
}
