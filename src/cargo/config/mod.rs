//! Cargo's config files: [`effective`] is the merged, read-only view of everything cargo
//! reads from here (files, `include`s, `CARGO_*` variables), with [`include`] following a
//! file's `include`s and [`index_url`] comparing index URLs as cargo does; [`edit`] finds,
//! loads and rewrites one file, keeping everything feedctl does not own byte for byte, with
//! [`layout`] deciding where its text goes and [`touched`] noting which registries an edit
//! may have changed.

pub mod edit;
pub mod effective;
pub mod env_names;
pub mod include;
pub mod index_url;
mod layout;
mod touched;
