//! `doctor` and the feed as an Azure Artifacts object, against the loopback Azure DevOps
//! stand-in with the real cargo: the three things that each make cargo's first download of a
//! crate new to the feed fail with the same `401 No local versions` (a Reader's role, a
//! disabled crates.io upstream, a read-only token) are three different warnings with three
//! different fixes; a right setup is all green and builds; a private crate open to
//! dependency confusion is a warning with its fix; `--offline` sends nothing.

use serde_json::Value;

use crate::support::Sandbox;
use crate::support::crates_io::CratesIo;
use crate::support::devops::{DevOps, DevOpsSpec, Role, Scope, StandFeed, User};
use crate::support::json::json_of;
use crate::support::secrets::assert_hidden;

const PAT: &str = "doctor-pat-0123456789abcdefghijklmnopqrstuvw";
const DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";

/// Organization `contoso` with project `web` and `feed`, where `user` has `role`.
fn start(user: &User, feed: StandFeed, role: Role) -> DevOps {
    DevOps::start(
        DevOpsSpec::new("contoso", &["web"])
            .user(user.clone())
            .feed(feed.role(user, role)),
    )
}

/// A project connected to feed `crates` of `contoso/web` with `user`'s PAT (file store).
fn connected(devops: &DevOps) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url()), ("AZURE_DEVOPS_PAT", PAT)])
        .args(["connect", "--org", "contoso", "--project", "web"])
        .args(["--feed", "crates", "--pat-env", "AZURE_DEVOPS_PAT"])
        .args(["--store", "file"])
        .assert()
        .success();
    sandbox
}

/// `doctor --json`'s exit code and checks, by id (registry `crates`'s, in order).
fn doctor(sandbox: &Sandbox, devops: &DevOps) -> (i32, Vec<Value>) {
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_hidden("doctor", &String::from_utf8_lossy(&out.stdout), &[PAT]);
    assert_hidden("doctor", &String::from_utf8_lossy(&out.stderr), &[PAT]);
    let report = json_of(&out);
    let checks = report["checks"].as_array().unwrap().clone();
    (out.status.code().unwrap_or(-1), checks)
}

fn find<'a>(checks: &'a [Value], id: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no `{id}` in {checks:#?}"))
}

const REST_CHECKS: [&str; 5] = [
    "token.identity",
    "feed.exists",
    "feed.upstream",
    "feed.role",
    "token.write",
];

/// The one REST check that warns, with phrases of its message and fix; the others are ok.
fn only_warning(checks: &[Value], id: &str, message: &[&str], fix: &[&str]) {
    for other in REST_CHECKS {
        let status = &find(checks, other)["status"];
        let want = if other == id { "warn" } else { "ok" };
        assert_eq!(status, want, "{other}: {checks:#?}");
    }
    let check = find(checks, id);
    let (text, remedy) = (
        check["message"].as_str().unwrap(),
        check["fix"].as_str().unwrap(),
    );
    for phrase in message {
        assert!(text.contains(phrase), "{id}: `{phrase}` not in {text}");
    }
    for phrase in fix {
        assert!(remedy.contains(phrase), "{id}: `{phrase}` not in {remedy}");
    }
}

#[test]
fn a_right_setup_is_green_and_builds_through_the_upstream() {
    let ada = User::new("ada", PAT, Scope::Write);
    let devops = start(
        &ada,
        StandFeed::new("crates", Some("web")),
        Role::Administrator,
    );
    let sandbox = connected(&devops);
    let (code, checks) = doctor(&sandbox, &devops);
    assert_eq!(code, 0, "{checks:#?}");
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{checks:#?}");
    assert!(
        find(&checks, "token.identity")["message"]
            .as_str()
            .unwrap()
            .contains("ada"),
        "{checks:#?}"
    );
    assert!(devops.writes().is_empty(), "doctor changed something");
    sandbox.cargo_build().assert().success();
    assert_eq!(devops.feed("crates").unwrap().saved.len(), 1);
}

#[test]
fn a_readers_role_is_named_with_who_can_grant_more() {
    let rae = User::new("rae", PAT, Scope::Write);
    let devops = start(&rae, StandFeed::new("crates", Some("web")), Role::Reader);
    let sandbox = connected(&devops);
    let (code, checks) = doctor(&sandbox, &devops);
    assert_eq!(code, 0, "warnings only: cargo's own checks pass");
    only_warning(
        &checks,
        "feed.role",
        &["Reader or Collaborator", "No local versions"],
        &[
            "feed Owner",
            "Feed and Upstream Reader (Collaborator)",
            "Permissions",
        ],
    );
    let out = sandbox.cargo_build().output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("No local versions"));
}

#[test]
fn a_disabled_upstream_is_named_with_azures_reason() {
    let ada = User::new("ada", PAT, Scope::Write);
    let devops = start(
        &ada,
        StandFeed::new("crates", Some("web")).failing_upstream("Upstream unreachable"),
        Role::Administrator,
    );
    let sandbox = connected(&devops);
    let (code, checks) = doctor(&sandbox, &devops);
    assert_eq!(code, 0);
    only_warning(
        &checks,
        "feed.upstream",
        &["disabled", "Upstream unreachable"],
        &["Upstream sources"],
    );
}

#[test]
fn a_read_only_token_is_named_with_the_scope_to_ask_for() {
    let ada = User::new("ada", PAT, Scope::Read);
    let devops = start(
        &ada,
        StandFeed::new("crates", Some("web")),
        Role::Administrator,
    );
    let sandbox = connected(&devops);
    let (code, checks) = doctor(&sandbox, &devops);
    assert_eq!(code, 0);
    only_warning(
        &checks,
        "token.write",
        &["may only read", "vso.packaging_write"],
        &["Packaging > Read & write", "feedctl login --name"],
    );
    let out = sandbox.cargo_build().output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("No local versions"));
}

#[test]
fn offline_doctor_sends_nothing_to_azure_devops() {
    let ada = User::new("ada", PAT, Scope::Write);
    let devops = start(
        &ada,
        StandFeed::new("crates", Some("web")),
        Role::Administrator,
    );
    let sandbox = connected(&devops);
    let before = devops.requests().len();
    sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["doctor", "--offline", "--json"])
        .assert()
        .success();
    assert_eq!(devops.requests().len(), before);
}

#[test]
fn a_private_crate_open_to_crates_io_is_a_warning_with_its_fix_and_offline_asks_nothing() {
    let ada = User::new("ada", PAT, Scope::Write);
    let devops = start(
        &ada,
        StandFeed::new("crates", Some("web"))
            .publish("mine", "0.3.0")
            .allow_external("mine"),
        Role::Administrator,
    );
    let crates_io = CratesIo::start(&["mine"]);
    let sandbox = connected(&devops);
    let index = format!(
        "sparse+{}/contoso/web/_packaging/crates/Cargo/index/",
        devops.url()
    );
    sandbox.write_project_file(
        "Cargo.lock",
        &format!(
            "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\
             dependencies = [\"mine\", \"serde\"]\n\n\
             [[package]]\nname = \"mine\"\nversion = \"0.3.0\"\nsource = \"{index}\"\n\n\
             [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ),
    );
    let doctor = |args: &[&str]| {
        sandbox
            .feedctl_with(&[
                (DEVOPS_VAR, devops.url()),
                ("FEEDCTL_TEST_CRATES_IO_URL", crates_io.url()),
            ])
            .arg("doctor")
            .args(args)
            .output()
            .unwrap()
    };

    let out = doctor(&["--json"]);
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let checks = json_of(&out)["checks"].as_array().unwrap().clone();
    for id in REST_CHECKS {
        assert_eq!(find(&checks, id)["status"], "ok", "{id}: {checks:#?}");
    }
    let confusion: Vec<&Value> = checks
        .iter()
        .filter(|c| c["id"] == "feed.confusion")
        .collect();
    assert_eq!(confusion.len(), 1, "one warning for `mine`: {confusion:#?}");
    let (message, fix) = (
        confusion[0]["message"].as_str().unwrap(),
        confusion[0]["fix"].as_str().unwrap(),
    );
    assert_eq!(confusion[0]["status"], "warn");
    for phrase in [
        "mine: feed crates may serve",
        "allowExternalVersions",
        "also exists on crates.io",
    ] {
        assert!(message.contains(phrase), "`{phrase}` not in {message}");
    }
    for phrase in [
        "feedctl save --protect",
        "Owner",
        "a name crates.io does not have",
    ] {
        assert!(fix.contains(phrase), "`{phrase}` not in {fix}");
    }
    // Only the private crate was asked about, and nothing was changed.
    let asked: Vec<String> = crates_io.requests().into_iter().map(|r| r.0).collect();
    assert!(
        asked.iter().all(|path| path.ends_with("/mine")),
        "{asked:?}"
    );
    assert!(devops.writes().is_empty(), "doctor changed something");

    let human = doctor(&[]);
    assert_eq!(human.status.code(), Some(0));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&human.stdout),
        String::from_utf8_lossy(&human.stderr)
    );
    assert!(said.contains("feedctl save --protect"), "{said}");

    let (azure, public) = (devops.requests().len(), crates_io.requests().len());
    let out = doctor(&["--offline", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let offline = json_of(&out)["checks"].to_string();
    assert!(!offline.contains("feed.confusion"), "{offline}");
    assert_eq!(devops.requests().len(), azure);
    assert_eq!(crates_io.requests().len(), public);
}
