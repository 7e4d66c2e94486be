//! Hand-written flows over EnKash's operations: what takes more than one call, or a call
//! with code pairs nobody should have to remember. They use only the generated builders
//! and the public runtime; the runtime itself knows nothing of them.

pub mod allocation;
pub mod orders;
pub mod sso;
