//! Small helpers with no knowledge of cargo or Azure, each written once: crash-safe file
//! replacement ([`atomic_file`]), the unified diff of two texts ([`diff`]), reading a JWT's
//! claims ([`jwt`]), telling whether two paths name one file ([`paths`]) and finding a
//! program on `PATH` ([`which`]).

pub mod atomic_file;
pub mod diff;
pub mod jwt;
pub mod paths;
pub mod which;
