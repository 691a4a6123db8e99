//! What cargo reads and does, as cargo itself would: the effective configuration
//! ([`config::effective`]), the format-preserving editor of one config file
//! ([`config::edit`]), credential providers and their precedence ([`providers`]), where a
//! registry's token is ([`credentials`]), the project's lockfile ([`lockfile`]), and running the real cargo ([`process`]).

pub mod config;
pub mod credentials;
pub mod lockfile;
pub mod process;
pub mod providers;
