//! Answers computed from a map without simulating it. No UI, no I/O.

pub mod discover;
mod impact;
mod traffic;

pub use impact::{Impact, ServiceImpact, closure, impact};
pub use traffic::{LoadEstimate, OwnerLoad, estimate};
