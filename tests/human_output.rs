//! What people read, as snapshots under `tests/snapshots/human/`: whole transcripts (exit
//! code, stdout, stderr) of runs whose output is the same every time once the sandbox's temp
//! dir, the feed's port and cargo's version are redacted. The other tests check the facts in
//! these texts; these show the wording and layout as a whole.
//! `SNAPSHOTS=overwrite cargo test --test feedctl human_output::` rewrites them.

// Unix only: the transcripts show paths, and the snapshots hold them with Unix's separator.
#![cfg(unix)]

use snapbox::{Data, file};

use crate::support::snapshot::{Redact, assert_snapshot, transcript};
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "snapshot-pat-0123456789abcdefghijklmnopqrstuv";

/// A feed connected with `TOKEN_PROVIDERS`, and the redactions that make its runs repeatable.
fn connected_world() -> (FakeFeed, Sandbox, Redact) {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let redact = Redact::sandbox(&sandbox)
        .feed(&feed)
        .value("[CARGO]", cargo_version(&sandbox));
    (feed, sandbox, redact)
}

/// The version line of the real cargo (`cargo 1.95.0 (f2d3ce0bd 2026-03-21)`), which doctor
/// shows.
fn cargo_version(sandbox: &Sandbox) -> String {
    let out = sandbox.cargo().arg("--version").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn connect_dry_run_shows_the_diff_of_each_file() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config.toml", "# team\n[build]\njobs = 2\n");
    sandbox.write_home_config("[net]\nretry = 3\n");
    let out = sandbox
        .feedctl()
        .args([
            "connect",
            "https://dev.azure.com/contoso/web/_artifacts/feed/crates",
        ])
        .args(["--store", "file", "--dry-run"])
        .output()
        .unwrap();
    assert_snapshot(
        transcript(&out),
        file!["snapshots/human/connect-dry-run.txt"],
        Redact::sandbox(&sandbox),
    );
}

#[test]
fn connect_without_credentials_says_what_to_do_next() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl()
        .args([
            "connect",
            "--org",
            "contoso",
            "--project",
            "web",
            "--feed",
            "crates",
        ])
        .args(["--store", "file"])
        .output()
        .unwrap();
    assert_snapshot(
        transcript(&out),
        file!["snapshots/human/connect-no-token.txt"],
        Redact::sandbox(&sandbox),
    );
}

#[test]
fn connect_with_a_pat_is_verified_and_ready() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl_pat(["connect", &feed.index_url(), "--store", "file"], PAT)
        .output()
        .unwrap();
    assert_snapshot(
        transcript(&out),
        file!["snapshots/human/connect-pat.txt"],
        Redact::sandbox(&sandbox).feed(&feed),
    );
}

#[test]
fn login_with_a_rejected_pat_stores_nothing() {
    let (_feed, sandbox, redact) = connected_world();
    let out = sandbox
        .feedctl_pat(["login"], "not-the-pat")
        .output()
        .unwrap();
    assert_snapshot(
        transcript(&out),
        file!["snapshots/human/login-rejected.txt"],
        redact,
    );
}

/// Runs feedctl with `args` in a [`connected_world`], with `token` (if any) in
/// `CARGO_REGISTRIES_CRATES_TOKEN`, and compares the transcript with `expected`.
#[track_caller]
fn assert_connected_run(args: &[&str], token: Option<&str>, expected: Data) {
    let (_feed, sandbox, redact) = connected_world();
    let mut cmd = sandbox.feedctl();
    cmd.args(args);
    if let Some(token) = token {
        cmd.env("CARGO_REGISTRIES_CRATES_TOKEN", basic(token));
    }
    assert_snapshot(transcript(&cmd.output().unwrap()), expected, redact);
}

#[test]
fn status_of_a_connected_project() {
    assert_connected_run(&["status"], Some(PAT), file!["snapshots/human/status.txt"]);
}

#[test]
fn doctor_on_a_healthy_setup() {
    assert_connected_run(
        &["doctor"],
        Some(PAT),
        file!["snapshots/human/doctor-healthy.txt"],
    );
}

#[test]
fn doctor_on_a_rejected_token() {
    assert_connected_run(
        &["doctor"],
        Some("expired-pat"),
        file!["snapshots/human/doctor-rejected.txt"],
    );
}

#[test]
fn doctor_offline_without_a_token() {
    assert_connected_run(
        &["doctor", "--offline"],
        None,
        file!["snapshots/human/doctor-offline-no-token.txt"],
    );
}

#[test]
fn disconnect_dry_run_shows_what_goes() {
    assert_connected_run(
        &["disconnect", "--dry-run"],
        None,
        file!["snapshots/human/disconnect-dry-run.txt"],
    );
}
