//! `--auth azure-cli`: feedctl as cargo's credential provider, handing out fresh Entra ID
//! tokens from a fake `az` placed first on PATH, with the real cargo and the loopback feed.

// Unix only: the fake `az` is a sh script that logs its arguments (on Windows `az` is
// `az.cmd`, found and run in scripts/platform/wine-smoke.sh).
#![cfg(unix)]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::support::sandbox::text_under;
use crate::support::{FakeFeed, FeedSpec, Sandbox};

const ENTRA_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-entra-id-token.signature";
const RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// A fake `az` in its own bin dir: logs its arguments, one line per call, and either prints
/// a token like `az account get-access-token --output json` or fails like a logged-out CLI.
struct FakeAz {
    bin: PathBuf,
    log: PathBuf,
}

impl FakeAz {
    fn new(sandbox: &Sandbox, logged_in: bool) -> FakeAz {
        let bin = sandbox.home().join("fake-bin");
        fs::create_dir_all(&bin).unwrap();
        let log = sandbox.home().join("az-calls.log");
        let answer = if logged_in {
            format!(
                "printf '{{\"accessToken\": \"{ENTRA_TOKEN}\", \"expiresOn\": \"2099-01-01 00:00:00.000000\", \
                 \"expires_on\": 4070908800, \"subscription\": \"0000\", \"tenant\": \"1111\", \"tokenType\": \"Bearer\"}}\\n'"
            )
        } else {
            "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1".to_string()
        };
        let script = format!("#!/bin/sh\necho \"$*\" >> '{}'\n{answer}\n", log.display());
        let az = bin.join("az");
        fs::write(&az, script).unwrap();
        fs::set_permissions(&az, fs::Permissions::from_mode(0o755)).unwrap();
        FakeAz { bin, log }
    }

    fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    fn calls(&self) -> Vec<String> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

fn feed() -> FakeFeed {
    FakeFeed::start(
        FeedSpec::new("Coll", Some("web"), "crates").accept(format!("Bearer {ENTRA_TOKEN}")),
    )
}

#[test]
fn cargo_builds_with_fresh_tokens_and_nothing_is_stored() {
    let feed = feed();
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, true);
    let out = sandbox
        .feedctl()
        .args(["connect", &feed.index_url(), "--auth", "azure-cli"])
        .env("PATH", az.path_env())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Verified") && stderr.contains("feedctl as the credential provider"),
        "{stderr}"
    );
    assert!(!stderr.contains(ENTRA_TOKEN));
    let home_config = sandbox.read_cargo_home_file("config.toml").unwrap();
    assert!(
        home_config.contains("[registries.crates]\ncredential-provider = [\""),
        "{home_config}"
    );
    assert!(
        !sandbox
            .read_project_file(".cargo/config.toml")
            .contains("credential-provider"),
        "the committed file stays clean"
    );
    let calls_after_connect = az.calls().len();
    assert_eq!(calls_after_connect, 1, "connect verifies once");

    sandbox
        .cargo()
        .args(["build", "--quiet"])
        .env("PATH", az.path_env())
        .assert()
        .success();
    assert_eq!(
        feed.download_authorizations(),
        [Some(format!("Bearer {ENTRA_TOKEN}"))]
    );
    let calls = az.calls();
    assert_eq!(
        calls.len() - calls_after_connect,
        1,
        "one cargo run asks az at most once: {calls:?}"
    );
    assert!(
        calls
            .iter()
            .all(|c| c.contains(&format!("--resource {RESOURCE}"))),
        "{calls:?}"
    );
    for (what, dir) in [
        ("CARGO_HOME", sandbox.cargo_home()),
        ("the project's .cargo/", &sandbox.project().join(".cargo")),
    ] {
        assert!(
            !text_under(dir).contains(ENTRA_TOKEN),
            "a token was stored in {what}"
        );
    }

    let status = sandbox
        .feedctl()
        .args(["status", "--json"])
        .env("PATH", az.path_env())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(
        json["registries"][0]["token"]
            .as_str()
            .unwrap()
            .contains("fresh token from `az`")
    );
    sandbox
        .feedctl()
        .arg("doctor")
        .env("PATH", az.path_env())
        .assert()
        .success()
        .stdout(predicate::str::contains("Azure CLI's token is accepted"));
}

#[test]
fn a_logged_out_az_makes_cargo_say_az_login() {
    let feed = feed();
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, false);
    sandbox
        .feedctl()
        .args(["connect", &feed.index_url(), "--auth", "azure-cli"])
        .env("PATH", az.path_env())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("run `az login`"));
    // Configured anyway (the check comes last); the build then fails with the same advice.
    let out = sandbox
        .cargo()
        .args(["build", "--quiet"])
        .env("PATH", az.path_env())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("az login"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sandbox
        .feedctl()
        .arg("doctor")
        .env("PATH", az.path_env())
        .assert()
        .code(7)
        .stdout(predicate::str::contains("az login"));
}

#[test]
fn without_az_connect_refuses_and_writes_nothing() {
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args([
            "connect",
            "--org",
            "contoso",
            "--feed",
            "crates",
            "--auth",
            "azure-cli",
        ])
        .env("PATH", "/usr/bin:/bin")
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("`az` is not on PATH")
                .and(predicate::str::contains("never falls back")),
        );
    assert!(!sandbox.project().join(".cargo").exists());
    assert!(sandbox.read_cargo_home_file("config.toml").is_none());
}

#[test]
fn switching_back_to_a_pat_removes_the_provider() {
    let feed = feed();
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, true);
    sandbox
        .feedctl()
        .args(["connect", &feed.index_url(), "--auth", "azure-cli"])
        .env("PATH", az.path_env())
        .assert()
        .success();
    sandbox
        .feedctl()
        .args([
            "connect",
            &feed.index_url(),
            "--store",
            "file",
            "--no-login",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no longer feedctl as the credential provider",
        ));
    let home_config = sandbox.read_cargo_home_file("config.toml").unwrap();
    assert_eq!(
        home_config,
        "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n"
    );
}

/// The protocol itself: hello, then one JSON request per line, one answer per line.
#[test]
fn the_plugin_speaks_cargos_protocol() {
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, true);
    let requests = [
        r#"{"v":1,"registry":{"index-url":"sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/","name":"crates"},"kind":"get","operation":"read","args":[]}"#,
        r#"{"v":1,"registry":{"index-url":"sparse+https://index.crates.io/","name":"crates-io"},"kind":"get","operation":"read","args":[]}"#,
        r#"{"v":1,"registry":{"index-url":"sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/","name":"crates"},"kind":"login","args":[]}"#,
    ];
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("feedctl"))
        .arg("--cargo-plugin")
        .env("PATH", az.path_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), r#"{"v":[1]}"#);
    let mut answers = Vec::new();
    for request in requests {
        writeln!(stdin, "{request}").unwrap();
        line.clear();
        stdout.read_line(&mut line).unwrap();
        answers.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let get = &answers[0]["Ok"];
    assert_eq!(get["kind"], "get");
    assert_eq!(get["token"], format!("Bearer {ENTRA_TOKEN}"));
    assert_eq!(get["cache"], "expires");
    assert_eq!(get["expiration"], 4070908800i64 - 300);
    assert_eq!(get["operation_independent"], true);
    assert_eq!(answers[1]["Err"]["kind"], "url-not-supported");
    assert_eq!(answers[2]["Err"]["kind"], "other");
    assert!(
        answers[2]["Err"]["message"]
            .as_str()
            .unwrap()
            .contains("az login"),
        "{}",
        answers[2]
    );
    assert_eq!(az.calls().len(), 1, "only the Azure `get` asks az");
}
