//! The desktop editor (eframe/egui). It edits the document only through [`doc::Document`]
//! commits; the canvas is a view of the document, never the other way round.

pub mod app;
pub mod canvas;
pub mod commands;
pub mod doc;
pub mod inspector;
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
        return match io::load(path) {
            Ok(map) => (map, Some(path.to_owned()), None),
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
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    let file = file.map(Path::to_owned);
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
            if let (Some(path), None) = (path, &editor.dialog) {
                editor.status = Some(format!("Opened {}", path.display()));
            }
            Ok(Box::new(editor))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the Procmap window: {e}"))
}
