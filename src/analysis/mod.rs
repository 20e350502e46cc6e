//! Answers computed from a map without simulating it. No UI, no I/O.

mod impact;
mod traffic;

pub use impact::{DEFAULT_REPAIR_HOURS, Impact, ServiceImpact, closure, impact};
pub use traffic::{Estimate, OwnerLoad, estimate};
