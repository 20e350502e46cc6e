//! The map document: types, durations, distributions, RON load/save and validation.
//!
//! Nothing here knows about the UI, the simulator or the terminal: it is the file format and the
//! rules of a valid map, used by every other module.

pub mod calendar;
mod dist;
mod duration;
pub mod edit;
mod element;
mod forms;
pub mod graph;
pub mod io;
pub mod layout;
pub mod limits;
pub mod log;
mod map;
mod soundness;
mod validate;
mod working;

pub use calendar::{Calendar, Date, DateTime, Days, Rate, Shift, TimeOfDay};
pub(crate) use dist::normal_cdf;
pub use dist::{Dist, DistKind};
pub use duration::{Duration, DurationError, MAX_MS};
pub use edit::{Edit, Fragment};
pub use element::{ElementKind, ElementRef, Link, LinkSide};
pub use forms::Point;
pub use io::LoadError;
pub use map::{
    Arrivals, DEFAULT_ARRIVALS, DEFAULT_MEAN_REPAIR, FORMAT_VERSION, Flow, Node, NodeKind, Owner,
    ProcessMap, Service, Simulation, Sla, flow_captions,
};
pub use validate::{Problem, Severity, Subject, has_errors, size_problems, validate};
pub use working::{WEEK_HOURS, arrival_summary};
