//! The checks, one file per area: pure functions from [`super::facts`] to checks in a
//! [`super::report::Report`]. None of them reads a file, a variable or the network, and no
//! check file uses another.

pub mod artifacts;
pub mod cargo;
pub mod confusion;
pub mod credentials;
pub mod expiry;
pub mod feed;
pub mod files;
pub mod index;
pub mod modes;
pub mod providers;
pub mod setup;

use crate::auth::azure_cli::Advice;

/// An az failure's summary with az's own line.
fn said(advice: &Advice) -> String {
    match &advice.quote {
        Some(quote) => format!("{} (az said: {quote})", advice.summary),
        None => advice.summary.clone(),
    }
}
