//! `--help` of feedctl and of each subcommand, as snapshots under `tests/snapshots/help/`:
//! the help text is the CLI's documentation, so any change to it shows up in review.
//! `SNAPSHOTS=overwrite cargo test --test feedctl help::` rewrites them.

use snapbox::{Data, file};

use crate::support::Sandbox;
use crate::support::snapshot::{Redact, assert_snapshot};

/// `feedctl <args…> --help` succeeds, prints nothing on stderr, and prints `expected`.
#[track_caller]
fn assert_help(args: &[&str], expected: Data) {
    let sandbox = Sandbox::new();
    let out = sandbox.feedctl().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    assert_snapshot(out.stdout, expected, Redact::sandbox(&sandbox));
}

#[test]
fn feedctl() {
    assert_help(&[], file!["snapshots/help/feedctl.txt"]);
}

#[test]
fn connect() {
    assert_help(&["connect"], file!["snapshots/help/connect.txt"]);
}

#[test]
fn providers() {
    assert_help(&["providers"], file!["snapshots/help/providers.txt"]);
}

#[test]
fn login() {
    assert_help(&["login"], file!["snapshots/help/login.txt"]);
}

#[test]
fn logout() {
    assert_help(&["logout"], file!["snapshots/help/logout.txt"]);
}

#[test]
fn env() {
    assert_help(&["env"], file!["snapshots/help/env.txt"]);
}

#[test]
fn status() {
    assert_help(&["status"], file!["snapshots/help/status.txt"]);
}

#[test]
fn doctor() {
    assert_help(&["doctor"], file!["snapshots/help/doctor.txt"]);
}

#[test]
fn disconnect() {
    assert_help(&["disconnect"], file!["snapshots/help/disconnect.txt"]);
}

#[test]
fn completions() {
    assert_help(&["completions"], file!["snapshots/help/completions.txt"]);
}
