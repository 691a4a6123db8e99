//! Secrets only where they belong: a broken `credentials.toml` is named without being shown,
//! and a token in a committed project config is a failed check with the fix.

use predicates::prelude::*;

use crate::support::json::{check, json_of};
use crate::support::output::Streams;
use crate::support::secrets::{assert_hidden, pat_forms};
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "SECRETCANARY-pat-5f4e3d2c1b0a99887766554433221100";

/// The PAT in every form, and its marker (so that no piece of it shows either).
fn canaries() -> Vec<String> {
    let mut canaries = pat_forms(PAT);
    canaries.push("SECRETCANARY".to_owned());
    canaries
}

#[test]
fn a_broken_credentials_file_is_a_failed_check_that_never_shows_a_token() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    // A missing closing quote: toml_edit's own message would quote the line.
    let broken = format!(
        "[registries.crates]\ntoken = \"{}\n[registries.other]\ntoken = \"Basic {PAT}\"\n",
        basic(PAT)
    );
    std::fs::write(sandbox.cargo_home().join("credentials.toml"), &broken).unwrap();
    for json in [false, true] {
        let mut cmd = sandbox.feedctl();
        cmd.arg("doctor");
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        let (stdout, stderr) = (out.stdout_text(), out.stderr_text());
        assert_eq!(out.status.code(), Some(7), "{stdout}{stderr}");
        assert!(
            stdout.contains("credentials.readable") || stdout.contains("FAIL  credentials"),
            "{stdout}"
        );
        assert!(stdout.contains("line 2"), "{stdout}");
        assert_hidden("doctor stdout", &stdout, &canaries());
        assert_hidden("doctor stderr", &stderr, &canaries());
    }
    // Commands that need the file stop, naming it and the line, but not showing it.
    for args in [vec!["status"], vec!["login", "--pat-env", "PAT"]] {
        let out = sandbox
            .feedctl()
            .args(&args)
            .env("PAT", PAT)
            .output()
            .unwrap();
        let stderr = out.stderr_text();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains("credentials.toml") && stderr.contains("line 2"),
            "{args:?}: {stderr}"
        );
        assert_hidden("stderr", &stderr, &canaries());
        assert_hidden("stdout", &out.stdout_text(), &canaries());
    }
}

#[test]
fn a_broken_project_config_is_named_without_its_line() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!("[registries.crates]\nindex = \"sparse+https://x/\"\ntoken = \"{PAT}\n"),
    );
    let out = sandbox.feedctl().arg("status").output().unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("config.toml") && stderr.contains("line 3"),
        "{stderr}"
    );
    assert_hidden("stderr", &stderr, &canaries());
}

#[test]
fn a_token_in_the_project_config_fails_doctor_with_the_fix() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let config = sandbox.read_project_file(".cargo/config.toml");
    let with_token = config.replacen(
        "crates = { index = ",
        &format!("crates = {{ token = \"{}\", index = ", basic(PAT)),
        1,
    );
    assert_ne!(config, with_token, "{config}");
    sandbox.write_project_file(".cargo/config.toml", &with_token);
    let out = sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    assert_eq!(out.status.code(), Some(7), "{stdout}");
    assert!(
        stdout.contains("FAIL  config `crates`")
            && stdout.contains("registries.crates.token")
            && stdout.contains("git")
            && stdout.contains("feedctl login --name crates"),
        "{stdout}"
    );
    assert_hidden("stdout", &stdout, &canaries());
    let json = sandbox
        .feedctl()
        .args(["doctor", "--offline", "--json"])
        .output()
        .unwrap();
    let json = json_of(&json);
    let check = check(&json, "config.token");
    assert_eq!(check["registry"], "crates");
    assert_eq!(check["status"], "fail");
    // cargo really uses that token: this is not a harmless leftover.
    sandbox.cargo().arg("generate-lockfile").assert().success();
    sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .assert()
        .code(7)
        .stdout(predicate::str::contains(PAT).not());
}

#[test]
fn an_unexpanded_macro_in_the_env_token_fails_doctor() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .env(
            "CARGO_REGISTRIES_CRATES_TOKEN",
            "Bearer $(System.AccessToken)",
        )
        .assert()
        .code(7)
        .stdout(
            predicate::str::contains("FAIL  token `crates`")
                .and(predicate::str::contains("unexpanded Azure Pipelines macro"))
                .and(predicate::str::contains(
                    "SYSTEM_ACCESSTOKEN: $(System.AccessToken)",
                )),
        );
}
