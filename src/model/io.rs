//! Reading and writing `.ron` map files: parsing with positions in errors, format versions,
//! the canonical layout, comment detection and atomic saves.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{FORMAT_VERSION, ProcessMap};

/// Why a map could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read or written at all.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The text is not a valid map document.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file (or a name such as `<memory>`).
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The file was written by a newer Procmap.
    #[error(
        "{path}: format {found} is newer than this Procmap understands (format {FORMAT_VERSION}); \
         please update Procmap"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// The document could not be turned into text (should not happen for valid documents).
    #[error("cannot write the map: {0}")]
    Serialize(String),
}

impl LoadError {
    /// True when the file itself could not be read (as opposed to being read and found wrong).
    #[must_use]
    pub fn is_io(&self) -> bool {
        matches!(self, Self::Io { .. })
    }
}

/// Only the format version, read leniently before the full parse so that a file from a newer
/// Procmap gets a clear message instead of "unknown field".
#[derive(Deserialize)]
#[serde(rename = "ProcessMap")]
struct FormatProbe {
    format: u32,
}

/// Parses a map from text. `path` only names the source in error messages.
///
/// # Errors
/// [`LoadError::Syntax`] with line and column, or [`LoadError::TooNew`].
pub fn from_str(text: &str, path: &Path) -> Result<ProcessMap, LoadError> {
    // Windows editors start UTF-8 files with a byte-order mark; it carries no content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Ok(probe) = ron::from_str::<FormatProbe>(text) {
        if probe.format > FORMAT_VERSION {
            return Err(LoadError::TooNew {
                path: path.to_owned(),
                found: probe.format,
            });
        }
        // Migrations from older formats go here, keyed on `probe.format`. Format 1 is the first.
        if probe.format == 0 {
            let (line, column) = position_of(text, "format").unwrap_or((1, 1));
            return Err(LoadError::Syntax {
                path: path.to_owned(),
                line,
                column,
                message: format!(
                    "format 0 is not a Procmap format (expected format: {FORMAT_VERSION})"
                ),
            });
        }
    }
    ron::from_str::<ProcessMap>(text).map_err(|error| {
        let mut message = describe(&error.code);
        if let Some(hint) = distribution_hint(text, error.span.start.line, error.span.start.col) {
            message = format!("{message}; {hint}");
        }
        if let ron::error::Error::Message(text_of_error) = &error.code {
            if let Some(lines) = duplicate_lines(text, text_of_error) {
                message = format!("{message} (entries on lines {lines})");
            }
        }
        LoadError::Syntax {
            path: path.to_owned(),
            line: error.span.start.line,
            column: error.span.start.col,
            // Quoted input may hold line breaks: the message stays one line.
            message: super::limits::printable(&message).into_owned(),
        }
    })
}

/// When a syntax error sits inside a distribution (`Exponential("1h")`, `Fixed(mean: "1h")`),
/// what that distribution looks like, with an example.
fn distribution_hint(text: &str, line: usize, column: usize) -> Option<String> {
    let line_text = text.lines().nth(line.checked_sub(1)?)?;
    let before: String = line_text.chars().take(column).collect();
    let (start, kind) = super::DistKind::ALL
        .iter()
        .filter_map(|kind| {
            let needle = format!("{}(", kind.label());
            let at = before.rfind(&needle)?;
            // Not the tail of a longer name ("Normal(" inside "LogNormal(").
            let whole = before[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_');
            whole.then_some((at, *kind))
        })
        .max_by_key(|(at, _)| *at)?;
    // Only when the error is inside that distribution's parentheses.
    let inside = &before[start..];
    let open = inside.matches('(').count() > inside.matches(')').count();
    // Errors about missing fields point just past the closing parenthesis.
    let just_closed = inside.trim_end().ends_with(')') && inside.matches('(').count() == 1;
    if !open && !just_closed {
        return None;
    }
    Some(format!(
        "a {} distribution is written {}",
        kind.label(),
        kind.example()
    ))
}

/// The 1-based line and column of the first occurrence of `needle`.
fn position_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    let at = text.find(needle)?;
    let before = text.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

/// For a duplicate-id error, the lines where that id is a key (`"id":`), as "3 and 7".
fn duplicate_lines(text: &str, error: &str) -> Option<String> {
    let rest = error.strip_prefix(super::map::DUPLICATE_ID)?;
    let quoted = rest.split(" is used twice").next()?;
    let id: String = serde_json::from_str(quoted).ok()?;
    // As written in files: RON quoting, with apostrophes unescaped (see `to_string`).
    let key = ron::to_string(&id).ok()?.replace("\\'", "'");
    let mut lines = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line.get(from..).and_then(|l| l.find(&key)) {
            let after = line.get(from + at + key.len()..).unwrap_or_default();
            if after.trim_start().starts_with(':') {
                lines.push((n + 1).to_string());
                break;
            }
            from += at + key.len();
        }
    }
    (lines.len() >= 2).then(|| lines.join(" and "))
}

/// Reads and parses a map file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, else as [`from_str`].
pub fn load(path: &Path) -> Result<ProcessMap, LoadError> {
    let text = read(path)?;
    from_str(&text, path)
}

/// Reads a file as UTF-8 text.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read or is not UTF-8.
pub fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}

/// A readable message for a RON error, in the words a user can act on.
fn describe(code: &ron::error::Error) -> String {
    use ron::error::Error as E;
    match code {
        E::Eof => "the file ends too early (is it truncated? expected more, such as a closing ')')"
            .to_owned(),
        E::ExpectedStructLikeEnd => "expected ')' or ',' here".to_owned(),
        other => other.to_string(),
    }
}

/// The canonical text of a map: the layout the app saves and `procmap fmt` writes.
///
/// Top-level fields one per line; each owner, service, node and flow on one line of its own, so
/// that a change to one element changes one line in a diff.
///
/// # Errors
/// [`LoadError::Serialize`] if serialization fails (non-finite numbers cannot be written).
pub fn to_string(map: &ProcessMap) -> Result<String, LoadError> {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(true)
        .depth_limit(2)
        .indentor("    ")
        .new_line("\n")
        .separate_tuple_members(false);
    let text =
        ron::ser::to_string_pretty(map, config).map_err(|e| LoadError::Serialize(e.to_string()))?;
    // RON escapes apostrophes (`\'`), which reads badly in prose; they need no escape inside a
    // double-quoted string. Every `'` in the output is escaped, so a `\'` pair is always one.
    let text = text.replace("\\'", "'");
    let mut text = join_small_structs(&text);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Puts top-level struct values (`sla: Sla(..)`, `simulation: Simulation(..)`) on one line, as
/// owners, nodes and flows are: RON's depth limit alone would spread them over several lines.
/// Only whitespace changes, and only for blocks whose inner lines are plain `key: value,` lines.
fn join_small_structs(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let opens_block = line.starts_with("    ")
            && !line.starts_with("     ")
            && line.ends_with('(')
            && line.contains(": ");
        if opens_block {
            let inner: Vec<&str> = lines
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|l| l.starts_with("        "))
                .copied()
                .collect();
            let closes = lines.get(i + 1 + inner.len()) == Some(&"    ),");
            let simple = inner
                .iter()
                .all(|l| l.ends_with(',') && !l.trim_end_matches(',').ends_with(['(', '[', '{']));
            if closes && simple && !inner.is_empty() {
                let fields: Vec<&str> = inner
                    .iter()
                    .map(|l| l.trim().trim_end_matches(','))
                    .collect();
                out.push_str(line);
                out.push_str(&fields.join(", "));
                out.push_str("),\n");
                i += inner.len() + 2;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out
}

/// Saves a map atomically: writes a temporary file beside `path`, syncs it, then renames it over
/// `path`, so a crash leaves either the old file or the new one, never half of one.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be written, [`LoadError::Serialize`] as [`to_string`].
pub fn save(map: &ProcessMap, path: &Path) -> Result<(), LoadError> {
    let text = to_string(map)?;
    write_atomic(path, text.as_bytes())
}

/// Writes bytes to `path` atomically (temporary file in the same folder, then rename).
///
/// # Errors
/// [`LoadError::Io`] naming `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Writes `path` atomically as [`write_atomic`] does, streaming: `write` fills the temporary
/// file (buffer it, if it writes in small pieces), which replaces `path` only when `write`
/// succeeded; on failure the temporary file is removed and `path` is left as it was.
///
/// # Errors
/// [`LoadError::Io`] naming `path`, with the error `write` or the file system returned.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    // Write through a symbolic link to the file it names (replacing the link would leave the
    // real file unchanged), and keep the permissions of the file being replaced.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(io_error)?
        }
        _ => path.to_owned(),
    };
    let permissions = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map_or_else(|| "map".into(), |n| n.to_string_lossy().into_owned());
    let temp = folder.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        write(&mut file)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)
    })();
    if result.is_err() {
        // Best effort: the temporary file is ours and useless now.
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(io_error)
}

/// A comment found in a map file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// 1-based line where the comment starts.
    pub line: usize,
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)
    }
}

/// Finds `//` and `/* */` comments outside string literals (including raw strings `r#"..."#`).
/// Comments cannot survive a load/save round trip, so `fmt` refuses to drop them silently.
#[must_use]
pub fn find_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'"' => {
                // A normal string: skip to the closing quote, honouring escapes.
                i += 1;
                while let Some(&b) = bytes.get(i) {
                    match b {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' => {
                            line += 1;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#'))
                && !bytes
                    .get(i.wrapping_sub(1))
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') =>
            {
                // A raw string: r"..." or r#"..."#, any number of hashes.
                let mut hashes = 0;
                let mut j = i + 1;
                while bytes.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if bytes.get(j) != Some(&b'"') {
                    i = j;
                    continue;
                }
                j += 1;
                let closing: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < bytes.len() && !bytes[j..].starts_with(&closing) {
                    if bytes.get(j) == Some(&b'\n') {
                        line += 1;
                    }
                    j += 1;
                }
                i = j + closing.len();
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                comments.push(Comment { line });
                while bytes.get(i).is_some_and(|b| *b != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                comments.push(Comment { line });
                i += 2;
                while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                    if bytes.get(i) == Some(&b'\n') {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let text = "A(\n  // one\n  x: \"// not\", /* two\n */ y: r#\"/* no \"# // three\n)";
        let lines: Vec<usize> = find_comments(text).iter().map(|c| c.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }

    #[test]
    fn no_comments_in_plain_text() {
        assert!(find_comments("ProcessMap(format: 1, title: \"a \\\" // b\")").is_empty());
    }

    #[test]
    fn too_new_is_refused_with_a_message() {
        let error = from_str(
            "ProcessMap(format: 9, nodes: {}, flows: [], future: 1)",
            Path::new("x.ron"),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(error.contains("format 9 is newer"), "{error}");
    }

    #[test]
    fn truncated_file_names_line_and_column() {
        let error = from_str("ProcessMap(\n  format: 1,\n  nodes: {", Path::new("t.ron"));
        match error {
            Err(LoadError::Syntax { line, path, .. }) => {
                assert_eq!(line, 3);
                assert_eq!(path, Path::new("t.ron"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
