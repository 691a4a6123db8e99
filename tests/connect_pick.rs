//! `connect` without `--feed`, against the loopback Azure DevOps stand-in: without a
//! terminal it exits 2 listing the feeds you can read with the command for each; on a
//! terminal (a pseudo-terminal here) it offers them by number; a feed that does not exist
//! stays exit 5, now with the list and the closest names; with no token for the listing it
//! says how to give one. Nothing is written before a feed is picked.

use std::process::Command as Process;

use crate::support::Sandbox;
use crate::support::devops::{DevOps, DevOpsSpec, Role, Scope, StandFeed, User};
use crate::support::output::assert_says;
use crate::support::secrets::assert_hidden;

const PAT: &str = "picker-pat-0123456789abcdefghijklmnopqrstuvwx";
const DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";

/// Organization `contoso`: `crates` in project `web`, `tools` organization-wide, and Ada,
/// Collaborator on both with a Read & write PAT.
fn contoso() -> DevOps {
    let ada = User::new("ada", PAT, Scope::Write);
    DevOps::start(
        DevOpsSpec::new("contoso", &["web"])
            .user(ada.clone())
            .feed(StandFeed::new("crates", Some("web")).role(&ada, Role::Collaborator))
            .feed(StandFeed::new("tools", None).role(&ada, Role::Collaborator)),
    )
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn without_a_terminal_the_feeds_are_listed_with_the_command_for_each() {
    let devops = contoso();
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url()), ("AZURE_DEVOPS_PAT", PAT)])
        .args(["connect", "--org", "contoso", "--project", "web"])
        .args(["--pat-env", "AZURE_DEVOPS_PAT", "--store", "file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_says(
        "no --feed",
        &err,
        &[
            "missing `--feed`",
            "feedctl connect --org contoso --project web --feed crates --pat-env AZURE_DEVOPS_PAT",
            "feedctl connect --org contoso --feed tools --pat-env AZURE_DEVOPS_PAT",
        ],
    );
    assert_hidden("no --feed", &err, &[PAT]);
    assert!(
        !sandbox.project().join(".cargo").exists(),
        "nothing written"
    );
    assert!(devops.writes().is_empty());

    // The printed command runs as printed.
    let line = err
        .lines()
        .find(|l| l.contains("--feed crates"))
        .unwrap()
        .trim();
    let argv: Vec<&str> = line.split(' ').skip(1).collect();
    sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url()), ("AZURE_DEVOPS_PAT", PAT)])
        .args(&argv)
        .args(["--store", "file"])
        .assert()
        .success();
    sandbox.cargo_build().assert().success();
}

#[test]
fn a_feed_that_does_not_exist_gets_the_list_and_the_closest_name() {
    let devops = contoso();
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url()), ("AZURE_DEVOPS_PAT", PAT)])
        .args([
            "connect",
            "--org",
            "contoso",
            "--project",
            "web",
            "--feed",
            "crtaes",
        ])
        .args(["--pat-env", "AZURE_DEVOPS_PAT", "--store", "file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_says(
        "typo",
        &stderr(&out),
        &[
            "did you mean `crates`?",
            "the feeds you can read:",
            "feedctl connect --org contoso --feed tools --pat-env AZURE_DEVOPS_PAT",
        ],
    );
    assert!(
        !sandbox.project().join(".cargo").exists(),
        "nothing written"
    );
}

#[test]
fn with_no_token_for_the_listing_it_says_how_to_give_one() {
    let devops = contoso();
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["connect", "--org", "contoso"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_says("no token", &stderr(&out), &["--pat-env", "--azure-cli"]);
}

/// Runs feedctl on a pseudo-terminal, answering `answer` to the picker's question.
const PTY: &str = r#"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, answered = b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not answered and b"Feed to connect" in out:
        os.write(fd, os.environ["ANSWER"].encode() + b"\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

#[test]
fn on_a_terminal_the_feeds_are_offered_by_number() {
    if Process::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: no python3 for a pseudo-terminal");
        return;
    }
    let devops = contoso();
    let sandbox = Sandbox::new();
    let feedctl = assert_cmd::cargo::cargo_bin!("feedctl");
    let out = sandbox
        .command("python3")
        .env(DEVOPS_VAR, devops.url())
        .env("AZURE_DEVOPS_PAT", PAT)
        .env("ANSWER", "2")
        .args(["-c", PTY])
        .arg(feedctl)
        .args(["connect", "--org", "contoso", "--project", "web"])
        .args(["--pat-env", "AZURE_DEVOPS_PAT", "--store", "file"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert_says(
        "picker",
        &text,
        &[
            "1. crates (project `web`)",
            "2. tools (organization-scoped)",
        ],
    );
    assert_hidden("picker", &text, &[PAT]);
    let config = sandbox.read_project_file(".cargo/config.toml");
    assert!(
        config.contains(&format!(
            "{}/contoso/_packaging/tools/Cargo/index/",
            devops.url()
        )),
        "{config}"
    );

    // `--json` never asks, terminal or not: the list and exit 2.
    let other = Sandbox::new();
    let out = other
        .command("python3")
        .env(DEVOPS_VAR, devops.url())
        .env("AZURE_DEVOPS_PAT", PAT)
        .env("ANSWER", "1")
        .args(["-c", PTY])
        .arg(feedctl)
        .args(["connect", "--org", "contoso", "--json"])
        .args(["--pat-env", "AZURE_DEVOPS_PAT", "--store", "file"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(!text.contains("Feed to connect"), "{text}");
    assert_says(
        "--json",
        &text,
        &["feedctl connect --org contoso --feed tools"],
    );
    assert!(!other.project().join(".cargo").exists());
}
