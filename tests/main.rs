//! feedctl's integration tests: one test binary (faster to link than one per file).
//!
//! `support` holds the harness (a fake Azure Artifacts feed and a hermetic sandbox);
//! every other module is a group of tests. Add new groups as `mod <name>;` here.

// The tests set up real processes from the real environment; the one-reader rule in
// clippy.toml is for feedctl itself.
#![allow(clippy::disallowed_methods)]

mod support;

mod architecture;
mod azure_cli;
mod ci;
mod config_model;
mod connect;
mod connect_pick;
mod contracts;
mod credentials;
mod diagnosis;
mod edge_files;
mod entra;
mod entra_hosts;
mod expiry;
mod feed_doctor;
mod feeds;
mod harness;
mod help;
mod human_output;
mod json_contract;
mod leaks;
mod mint;
mod nothing_false;
mod nothing_lost;
mod properties;
mod save;
mod secrets;
mod stress;
mod transactions;
mod verdicts;
