//! Answers computed from a map without simulating it. No UI, no I/O.

mod traffic;

pub use traffic::{Estimate, OwnerLoad, estimate};
