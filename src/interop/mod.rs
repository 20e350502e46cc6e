//! Other formats in and out of Procmap. This is the seam every reader plugs into: [`open`]
//! picks the reader for a file by its extension (or, without a known one, by its content), and
//! [`INPUTS`] lists the formats for File > Open, drag-and-drop and the command line. Readers:
//! Procmap's own RON map and BPMN 2.0 XML ([`bpmn`]); event logs add an entry here and a
//! module beside these. No UI, no simulation.

use std::path::{Path, PathBuf};

use crate::model::{LoadError, ProcessMap, io};

pub mod bpmn;
pub mod log;

/// A file format Procmap reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputFormat {
    /// The name shown in file dialogs ("Procmap map").
    pub name: &'static str,
    /// File extensions, lower case, without the dot.
    pub extensions: &'static [&'static str],
    /// True when a map read from it can be saved back to the same file (Procmap's own format);
    /// imported maps open as new, unsaved documents.
    pub native: bool,
}

/// Procmap's own map format.
pub const RON: InputFormat = InputFormat {
    name: "Procmap map",
    extensions: &["ron"],
    native: true,
};

/// BPMN 2.0 XML from other modelers (and from Procmap's BPMN export).
pub const BPMN: InputFormat = InputFormat {
    name: "BPMN 2.0",
    extensions: &["bpmn", "bpmn2"],
    native: false,
};

/// Extensions whose format [`open`] finds from the content (`.xml`: BPMN or refused), for
/// file-dialog filters.
pub const SNIFFED: &[&str] = &["xml"];

/// Every format [`open`] reads, native first. (`.xml` files are opened when their content is
/// BPMN.)
pub const INPUTS: &[InputFormat] = &[RON, BPMN];

/// A map read from a file.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The map.
    pub map: ProcessMap,
    /// The format it was read from.
    pub format: InputFormat,
    /// What the reader approximated or left out (empty for native maps).
    pub warnings: Vec<String>,
}

/// Why a file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be read or is not a valid map (the message names file, line, column).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The file is BPMN (or claims to be) and cannot be read as such.
    #[error(transparent)]
    Bpmn(#[from] bpmn::BpmnError),
    /// The file is in a format Procmap does not read.
    #[error("{}: {what} files cannot be opened yet (Procmap reads {known})", path.display(), known = known_formats())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What it looks like ("XML").
        what: &'static str,
    },
}

fn known_formats() -> String {
    INPUTS
        .iter()
        .map(|f| format!("{} (.{})", f.name, f.extensions.join(", .")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every extension [`open`] knows, for an "all maps" dialog filter.
#[must_use]
pub fn all_extensions() -> Vec<&'static str> {
    INPUTS
        .iter()
        .flat_map(|f| f.extensions.iter().copied())
        .collect()
}

/// The format a file's extension names, if any.
#[must_use]
pub fn format_of(path: &Path) -> Option<InputFormat> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    INPUTS
        .iter()
        .copied()
        .find(|f| f.extensions.contains(&extension.as_str()))
}

/// Reads the map in `path`, choosing the reader by extension, else by content.
///
/// # Errors
/// [`OpenError::Load`] when the file cannot be read or parsed, [`OpenError::Unsupported`] when
/// it holds a format Procmap does not read.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let format = match format_of(path) {
        Some(format) => format,
        None => sniff(path, &bytes)?,
    };
    if format == BPMN {
        let imported = bpmn::import(&bytes, path)?;
        return Ok(Opened {
            map: imported.map,
            format,
            warnings: imported.warnings.iter().map(ToString::to_string).collect(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| LoadError::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })?;
    let map = io::from_str(&text, path)?;
    Ok(Opened {
        map,
        format,
        warnings: Vec::new(),
    })
}

/// Guesses the format of a file without a known extension (`.xml`, none) from its content.
fn sniff(path: &Path, bytes: &[u8]) -> Result<InputFormat, OpenError> {
    if bpmn::looks_like_bpmn(bytes) {
        return Ok(BPMN);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let start = head.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('<') {
        return Err(OpenError::Unsupported {
            path: path.to_owned(),
            what: "XML (not BPMN 2.0)",
        });
    }
    Ok(RON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_by_extension_and_refuses_xml_by_content() {
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let map = ProcessMap {
            title: "Seam".into(),
            ..ProcessMap::default()
        };
        let ron = folder.path().join("a.RON");
        io::save(&map, &ron).unwrap_or_else(|e| panic!("{e}"));
        let opened = open(&ron).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((opened.map.title.as_str(), opened.format), ("Seam", RON));

        let xml = folder.path().join("process.xml");
        std::fs::write(&xml, "<?xml version=\"1.0\"?><definitions/>")
            .unwrap_or_else(|e| panic!("{e}"));
        let error = open(&xml).map(|_| ()).err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(
                |e| e.contains("process.xml: XML (not BPMN 2.0) files cannot be opened")
            ),
            "{error:?}"
        );
        assert_eq!(all_extensions(), ["ron", "bpmn", "bpmn2"]);
    }
}
