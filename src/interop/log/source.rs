//! The bytes of a log file: opened, gunzipped when they start with gzip's magic bytes (whatever
//! the extension), a UTF-8 byte-order mark skipped, and told apart (XML, text, or not a log
//! at all) from the first bytes. The stream counts the file bytes read (for progress) and the
//! bytes consumed, and stops with an error when one record or tag grows past
//! [`limits::MAX_LOG_RECORD_BYTES`] or the whole past [`limits::MAX_LOG_BYTES`].

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use flate2::bufread::MultiGzDecoder;

use crate::model::limits;

use super::LogError;

/// Bytes looked at to tell the kind of file and sniff the delimiter.
pub(super) const HEAD_BYTES: usize = 64 << 10;
/// Read-ahead of the parsers on top of a record (csv's buffer, quick-xml reads through ours).
const SLACK: u64 = 256 << 10;

/// What the first bytes look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Starts with `<`: XES, or other XML refused later.
    Xml,
    /// Anything else that is text: read as CSV.
    Text,
}

/// Counters shared by the stream and its reader.
#[derive(Debug, Default)]
pub(super) struct Counters {
    /// Bytes of the file read (compressed, when gzip).
    pub(super) file_bytes: Cell<u64>,
    /// Bytes handed to the parser.
    consumed: Cell<u64>,
    /// Where the current record began (set by the reader after each record).
    mark: Cell<u64>,
}

impl Counters {
    /// A record ended: the next one may take up to the record bound again.
    pub(super) fn record_done(&self) {
        self.mark.set(self.consumed.get());
    }

    /// Bytes handed to the parser so far.
    pub(super) fn consumed(&self) -> u64 {
        self.consumed.get()
    }
}

/// The file as read so far, counting.
struct Counted {
    file: File,
    counters: Rc<Counters>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        let c = &self.counters.file_bytes;
        c.set(c.get() + n as u64);
        Ok(n)
    }
}

/// A reader's bound was passed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct Bound(pub(super) String);

/// The decoded bytes of a log, counted and bounded.
pub(super) struct Stream {
    inner: Box<dyn BufRead>,
    counters: Rc<Counters>,
}

impl Stream {
    fn check(&self) -> io::Result<()> {
        let consumed = self.counters.consumed.get();
        if consumed.saturating_sub(self.counters.mark.get()) > limits::MAX_LOG_RECORD_BYTES + SLACK
        {
            return Err(io::Error::other(Bound(format!(
                "one record or tag is longer than {} KB (an unclosed quote or tag?)",
                limits::MAX_LOG_RECORD_BYTES >> 10
            ))));
        }
        if consumed > limits::MAX_LOG_BYTES {
            return Err(io::Error::other(Bound(format!(
                "more than {} GB of text; Procmap reads at most that much",
                limits::MAX_LOG_BYTES >> 30
            ))));
        }
        Ok(())
    }
}

impl BufRead for Stream {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.check()?;
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        let c = &self.counters.consumed;
        c.set(c.get() + amount as u64);
        self.inner.consume(amount);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

/// An opened log file.
pub(super) struct Source {
    pub(super) stream: Stream,
    pub(super) counters: Rc<Counters>,
    pub(super) kind: Kind,
    pub(super) gzip: bool,
    /// Size of the file in bytes.
    pub(super) total: u64,
    /// The first decoded bytes (at most [`HEAD_BYTES`], after the byte-order mark).
    pub(super) head: Vec<u8>,
}

/// Opens `path` and looks at its first bytes.
///
/// # Errors
/// [`LogError::Io`] when it cannot be read (or is corrupt gzip), [`LogError::NotALog`] when it
/// is empty, binary, UTF-16 or an HTML page.
pub(super) fn open(path: &Path) -> Result<Source, LogError> {
    let io_error = |source| LogError::Io {
        path: path.to_owned(),
        source,
    };
    let not_a_log = |reason: &str| LogError::NotALog {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let file = File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(not_a_log("it is a folder"));
    }
    let counters = Rc::new(Counters::default());
    let mut raw = BufReader::with_capacity(
        256 << 10,
        Counted {
            file,
            counters: Rc::clone(&counters),
        },
    );
    let gzip = raw.fill_buf().map_err(io_error)?.starts_with(&[0x1f, 0x8b]);
    let mut decoded: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(
            256 << 10,
            MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut decoded)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    let skipped = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    head.drain(..skipped);
    let kind = kind_of(&head).map_err(not_a_log)?;
    let inner: Box<dyn BufRead> = Box::new(io::Cursor::new(head.clone()).chain(decoded));
    let stream = Stream {
        inner,
        counters: Rc::clone(&counters),
    };
    Ok(Source {
        stream,
        counters,
        kind,
        gzip,
        total: metadata.len(),
        head,
    })
}

/// The kind of log the first bytes show, or why they are no log.
fn kind_of(head: &[u8]) -> Result<Kind, &'static str> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err("it is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel)");
    }
    if head.contains(&0) {
        return Err("it holds binary data, not text (an event log is CSV or XES)");
    }
    let text = head.trim_ascii_start();
    if text.is_empty() {
        return Err("it is empty");
    }
    let lower: Vec<u8> = text.iter().take(64).map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return Err("it is an HTML page, not an event log (export the table as CSV)");
    }
    Ok(if text.starts_with(b"<") {
        Kind::Xml
    } else {
        Kind::Text
    })
}

/// True when `error` is a passed bound.
pub(super) fn is_bound(error: &io::Error) -> bool {
    matches!(error.get_ref(), Some(inner) if inner.is::<Bound>())
}

/// An I/O error of a parser as a [`LogError`]: a passed bound as [`LogError::TooBig`].
pub(super) fn io_failure(path: &Path, line: u64, error: io::Error) -> LogError {
    if let Some(bound) = error.get_ref().and_then(|e| e.downcast_ref::<Bound>()) {
        return LogError::TooBig {
            path: path.to_owned(),
            line,
            message: bound.0.clone(),
        };
    }
    LogError::Io {
        path: path.to_owned(),
        source: error,
    }
}

/// Bytes as text: UTF-8 when valid, else Latin-1 (every byte a character; the reader warns).
pub(super) fn text(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.into(), true),
        Err(_) => (
            bytes
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into(),
            false,
        ),
    }
}
