//! The map document: types, durations, distributions, RON load/save and validation.
//!
//! Nothing here knows about the UI, the simulator or the terminal: it is the file format and the
//! rules of a valid map, used by every other module.

mod dist;
mod doc;
mod duration;
pub mod edit;
pub mod graph;
pub mod io;
mod validate;

pub use dist::{DIST_KINDS, Dist};
pub use doc::{
    FORMAT_VERSION, Flow, Node, NodeKind, Owner, Point, ProcessMap, Service, Simulation, Sla,
    flow_captions,
};
pub use duration::{Duration, DurationError, MAX_MS};
pub use edit::{Edit, Fragment};
pub use io::LoadError;
pub use validate::{Problem, Severity, Subject, has_errors, validate};
