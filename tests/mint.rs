//! `login --mint`, `login --renew`, `connect --mint`, `logout`'s revoke and `--no-store`
//! against the loopback Azure DevOps stand-in's PAT API ([`DevOps`], [`PatPolicy`]) with the
//! fake az logged in as a user: real cargo builds with the minted PAT, a PAT is revoked
//! only after its successor works, a failing step leaves every file byte-for-byte as it was,
//! and the minted secret shows up nowhere but the credential store and the `--output` file.

use std::path::PathBuf;

use assert_cmd::Command;

use crate::contracts::assert_documented_keys;
use crate::support::Sandbox;
use crate::support::devops::{
    DevOps, DevOpsSpec, Kind, PatPolicy, Role, StandFeed, StandPat, User,
};
use crate::support::fake_az::{FakeAz, bearer_of};
use crate::support::json::json_of;
use crate::support::output::assert_says;
use crate::support::sandbox::text_under;
use crate::support::secrets::{assert_hidden, pat_forms};

const DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";
const FEED: [&str; 6] = ["--org", "contoso", "--project", "web", "--feed", "crates"];

struct World {
    devops: DevOps,
    sandbox: Sandbox,
    az: FakeAz,
}

/// Organization `contoso` with feed `crates`, where Alice (az's recorded user) is a
/// Collaborator, and the fake az logged in as `az_state`.
fn world_as(policy: PatPolicy, az_state: &str) -> World {
    let alice = User::entra("alice", &bearer_of("user-ok"));
    let app = User::entra("robot", &bearer_of("service-principal-ok"));
    let spec = DevOpsSpec::new("contoso", &["web"])
        .user(alice.clone())
        .user(app.clone())
        .feed(
            StandFeed::new("crates", Some("web"))
                .role(&alice, Role::Collaborator)
                .role(&app, Role::Collaborator),
        )
        .pat_policy(policy);
    let devops = DevOps::start(spec);
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, az_state);
    World {
        devops,
        sandbox,
        az,
    }
}

fn world(policy: PatPolicy) -> World {
    world_as(policy, "user-ok")
}

impl World {
    fn feedctl(&self) -> Command {
        let mut cmd = self.az.feedctl(&self.sandbox);
        cmd.env(DEVOPS_VAR, self.devops.url())
            .env("HOSTNAME", "build-01");
        cmd
    }

    /// The project connected to the feed with a file store, no token yet.
    fn connected(&self) -> &World {
        self.feedctl()
            .args(["connect"])
            .args(FEED)
            .args(["--store", "file", "--no-login"])
            .assert()
            .success();
        self
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.feedctl().args(args).output().unwrap()
    }

    /// Every form of every PAT the stand-in minted.
    fn secrets(&self) -> Vec<String> {
        self.devops
            .pats()
            .iter()
            .flat_map(|p| pat_forms(&p.token))
            .collect()
    }

    /// stdout, stderr and az's argv show no minted secret.
    fn assert_hidden_in(&self, out: &std::process::Output) {
        let secrets = self.secrets();
        assert_hidden("stdout", &String::from_utf8_lossy(&out.stdout), &secrets);
        assert_hidden("stderr", &String::from_utf8_lossy(&out.stderr), &secrets);
        assert_hidden("az's argv", &self.az.calls().join("\n"), &secrets);
    }

    /// No minted secret in any file of the sandbox but cargo's credentials file (and the
    /// `--output` file, kept outside these folders).
    fn assert_only_in_the_store(&self) {
        let secrets = self.secrets();
        for dir in [self.sandbox.project(), self.sandbox.home()] {
            assert_hidden(&dir.display().to_string(), &text_under(dir), &secrets);
        }
        for entry in std::fs::read_dir(self.sandbox.cargo_home())
            .unwrap()
            .flatten()
        {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "credentials.toml") {
                continue;
            }
            let text = if path.is_dir() {
                text_under(&path)
            } else {
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
            };
            assert_hidden(&path.display().to_string(), &text, &secrets);
        }
    }

    /// Every file of `CARGO_HOME` and the project's `.cargo/`, for byte comparisons.
    fn files(&self) -> String {
        text_under(self.sandbox.cargo_home()) + &text_under(&self.sandbox.project().join(".cargo"))
    }

    fn records(&self) -> serde_json::Value {
        let text = self
            .sandbox
            .read_cargo_home_file("feedctl/minted-pats.json")
            .unwrap_or_else(|| r#"{"pats": []}"#.into());
        serde_json::from_str(&text).unwrap()
    }

    /// `out` (a `--json` report) revoked `pat`, which left the records and cargo's store,
    /// and showed no minted secret.
    fn assert_revoked_and_gone(&self, out: &std::process::Output, pat: &StandPat) {
        assert_eq!(
            json_of(out)["revoked"],
            serde_json::json!([pat.authorization_id])
        );
        assert_eq!(self.records()["pats"], serde_json::json!([]));
        assert!(!self.credentials().contains(&pat_forms(&pat.token)[2]));
        self.assert_hidden_in(out);
    }

    fn credentials(&self) -> String {
        self.sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap_or_default()
    }

    fn posts(&self) -> usize {
        self.devops
            .writes()
            .iter()
            .filter(|w| w.method == "POST" && w.url.contains("tokens/pats"))
            .count()
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn connect_mint_stores_an_organization_scoped_pat_that_real_cargo_builds_with() {
    let w = world(PatPolicy::default());
    let out = w
        .feedctl()
        .args(["connect"])
        .args(FEED)
        // `-v` shows every request and answer status: never the PAT.
        .args(["--store", "file", "--mint", "--json", "--verbose"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_of(&out);
    let pats = w.devops.pats();
    assert_eq!(pats.len(), 1);
    let pat = &pats[0];
    assert_eq!(
        pat.display_name,
        "feedctl: cargo registry crates on build-01"
    );
    assert_eq!(pat.scope, "vso.packaging_write");
    assert_eq!(report["minted"]["authorization_id"], pat.authorization_id);
    assert_eq!(report["minted"]["organization"], "contoso");
    // The documented shape (docs/json.md), `minted` included.
    let levels = assert_documented_keys("connect", "connect --mint", &report);
    assert!(levels.contains(&"connect.minted".to_string()), "{levels:?}");
    assert_eq!(report["ready"], true);
    // Asked for this organization only, with the user's Bearer token.
    let post = w
        .devops
        .writes()
        .into_iter()
        .find(|r| r.url.contains("tokens/pats"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(body["allOrgs"], false);
    assert_eq!(
        post.authorization.as_deref(),
        Some(bearer_of("user-ok").as_str())
    );
    w.assert_hidden_in(&out);
    // The record: no secret, the fingerprint of the stored value.
    let records = w.records();
    assert_eq!(records["pats"][0]["authorization-id"], pat.authorization_id);
    assert_eq!(records["pats"][0]["destination"]["kind"], "cargo");
    assert_hidden("the records", &records.to_string(), &w.secrets());
    assert!(w.credentials().contains(&pat_forms(&pat.token)[2]));
    assert_hidden(
        "the project's config",
        &text_under(&w.sandbox.project().join(".cargo")),
        &w.secrets(),
    );
    // Real cargo is the judge.
    w.sandbox.cargo_build().assert().success();
    assert_eq!(w.devops.feed("crates").unwrap().saved.len(), 1);
    w.assert_only_in_the_store();
}

#[test]
fn login_mint_takes_scope_and_days_and_a_dry_run_sends_nothing() {
    let w = world(PatPolicy::default());
    w.connected();
    let before = w.files();
    let out = w.run(&[
        "login",
        "--mint",
        "--scope",
        "read",
        "--days",
        "30",
        "--dry-run",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["minted"]["scope"], "vso.packaging");
    assert_eq!(
        report["minted"]["authorization_id"],
        serde_json::Value::Null
    );
    assert_eq!(w.posts(), 0);
    assert_eq!(w.files(), before);

    let out = w.run(&[
        "login", "--mint", "--scope", "read", "--days", "30", "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_of(&out);
    let pat = &w.devops.pats()[0];
    assert_eq!(pat.scope, "vso.packaging");
    let valid_to = time::OffsetDateTime::parse(
        &pat.valid_to,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let days = (valid_to - time::OffsetDateTime::now_utc()).whole_days();
    assert!((29..=30).contains(&days), "{days}");
    assert_eq!(report["verified"], true);
    assert_eq!(report["revoked"], serde_json::json!([]));
    assert_eq!(report["token_provider"], "cargo:token");
    let levels = assert_documented_keys("login", "login --mint", &report);
    assert!(levels.contains(&"login.minted".to_string()), "{levels:?}");
    w.assert_hidden_in(&out);

    for bad in ["0", "366"] {
        let out = w.run(&["login", "--mint", "--days", bad]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_says("--days", &stderr(&out), &["--days", bad]);
    }
}

#[test]
fn an_organization_policy_refusal_names_the_policy_and_changes_nothing() {
    let cases = [
        (
            PatPolicy {
                max_days: Some(7),
                ..PatPolicy::default()
            },
            "maximum personal access token lifespan",
            "smaller `--days`",
        ),
        (
            PatPolicy {
                refuse_create: Some("accessDenied".into()),
                ..PatPolicy::default()
            },
            "Restrict personal access token creation",
            "ask an administrator",
        ),
        (
            PatPolicy {
                refuse_create: Some("fullScopePatPolicyViolation".into()),
                ..PatPolicy::default()
            },
            "full-scoped",
            "ask an administrator",
        ),
    ];
    for (policy, names, fix) in cases {
        let w = world(policy);
        w.connected();
        let before = w.files();
        let out = w.run(&["login", "--mint", "--days", "30"]);
        assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
        assert_says("policy refusal", &stderr(&out), &[names, fix, "`contoso`"]);
        assert_eq!(w.files(), before);
        assert!(w.devops.pats().is_empty());
    }
}

#[test]
fn an_app_identity_is_refused_before_any_request_and_pointed_at_bearer_tokens() {
    for state in ["service-principal-ok", "managed-identity-ok"] {
        let w = world_as(PatPolicy::default(), state);
        w.connected();
        let before = w.files();
        let out = w.run(&["login", "--mint"]);
        assert_eq!(out.status.code(), Some(4), "{state}: {}", stderr(&out));
        assert_says(
            state,
            &stderr(&out),
            &["no app identity", "--auth entra", "--auth azure-cli"],
        );
        assert_eq!(w.posts(), 0, "{state}");
        assert_eq!(w.files(), before);
    }
}

#[test]
fn renew_revokes_the_old_pat_only_after_the_new_one_is_stored() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl()
        .args(["login", "--mint", "--scope", "read"])
        .assert()
        .success();
    let out = w.run(&["login", "--renew", "--days", "14", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_of(&out);
    let pats = w.devops.pats();
    assert_eq!(pats.len(), 2);
    assert!(pats[0].revoked && !pats[1].revoked);
    // The recorded scope is kept.
    assert_eq!(pats[1].scope, "vso.packaging");
    assert_eq!(
        report["revoked"],
        serde_json::json!([pats[0].authorization_id])
    );
    let records = w.records();
    assert_eq!(records["pats"].as_array().unwrap().len(), 1);
    assert_eq!(
        records["pats"][0]["authorization-id"],
        pats[1].authorization_id
    );
    assert!(w.credentials().contains(&pat_forms(&pats[1].token)[2]));
    // The revoke came after the new PAT was checked against the feed.
    let log = w.devops.requests();
    let revoke = log.iter().position(|r| r.method == "DELETE").unwrap();
    let new_checked = log
        .iter()
        .position(|r| r.authorization.as_deref() == Some(pat_forms(&pats[1].token)[2].as_str()))
        .unwrap();
    assert!(new_checked < revoke);
    w.assert_hidden_in(&out);

    // `login --mint` and `connect --mint` replace a minted PAT the same way.
    let out = w.run(&["login", "--mint", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["revoked"],
        serde_json::json!([pats[1].authorization_id])
    );
    let out = w.run(&[
        "connect", FEED[0], FEED[1], FEED[2], FEED[3], FEED[4], FEED[5], "--mint", "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pats = w.devops.pats();
    assert_eq!(
        json_of(&out)["revoked"],
        serde_json::json!([pats[2].authorization_id])
    );
    assert_eq!(pats.iter().filter(|p| !p.revoked).count(), 1);
    assert_eq!(w.records()["pats"].as_array().unwrap().len(), 1);
    w.sandbox.cargo_build().assert().success();

    // Nothing to renew elsewhere: a usage error naming `--mint`.
    let other = world(PatPolicy::default());
    other.connected();
    let out = other.run(&["login", "--renew"]);
    assert_eq!(out.status.code(), Some(2));
    assert_says("renew", &stderr(&out), &["feedctl login --mint"]);
}

#[test]
fn a_renewal_that_fails_keeps_the_old_pat_stored_and_working() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let before = w.files();
    w.devops.set_pat_policy(|p| p.feed_rejects_minted = true);
    let out = w.run(&["login", "--renew"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_says("failed renew", &stderr(&out), &["was revoked again"]);
    assert_eq!(w.files(), before);
    let pats = w.devops.pats();
    assert!(!pats[0].revoked, "the old PAT must stay valid");
    assert!(pats[1].revoked, "the new PAT must be revoked again");
    w.assert_hidden_in(&out);
    w.sandbox.cargo_build().assert().success();
}

#[test]
fn connect_mint_with_a_pat_the_feed_refuses_revokes_it_and_writes_nothing() {
    let w = world(PatPolicy {
        feed_rejects_minted: true,
        ..PatPolicy::default()
    });
    let before = w.files();
    let out = w.run(&[
        "connect", FEED[0], FEED[1], FEED[2], FEED[3], FEED[4], FEED[5], "--store", "file",
        "--mint",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_says("connect refused", &stderr(&out), &["was revoked again"]);
    assert!(w.devops.pats()[0].revoked);
    assert_eq!(w.files(), before);
    assert!(!w.sandbox.project().join(".cargo").exists());
    w.assert_hidden_in(&out);
}

#[test]
fn a_new_pat_that_cannot_be_revoked_after_a_failure_is_named_with_where_to_revoke_it() {
    let w = world(PatPolicy {
        feed_rejects_minted: true,
        fail_revoke: true,
        ..PatPolicy::default()
    });
    w.connected();
    let before = w.files();
    let out = w.run(&["login", "--mint"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let id = w.devops.pats()[0].authorization_id.clone();
    assert_says(
        "unrevoked",
        &stderr(&out),
        &[
            id.as_str(),
            "could not be revoked either",
            "https://dev.azure.com/contoso/_usersSettings/tokens",
        ],
    );
    assert_eq!(w.files(), before);
}

#[test]
fn logout_revokes_the_minted_pat_and_a_failing_revoke_loses_nothing() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    w.devops.set_pat_policy(|p| p.fail_revoke = true);
    let before = w.files();
    let out = w.run(&["logout"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_says(
        "failed revoke",
        &stderr(&out),
        &["--keep-pat", "still stored"],
    );
    assert_eq!(w.files(), before);
    w.sandbox.cargo_build().assert().success();

    w.devops.set_pat_policy(|p| p.fail_revoke = false);
    let out = w.run(&["logout", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pat = &w.devops.pats()[0];
    assert!(pat.revoked);
    w.assert_revoked_and_gone(&out, pat);
}

#[test]
fn a_pat_revoked_by_hand_counts_as_revoked() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let id = w.devops.pats()[0].authorization_id.clone();
    w.devops.revoke_by_hand(&id);
    let out = w.run(&["logout", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["revoked"], serde_json::json!([id]));
    assert_eq!(w.records()["pats"], serde_json::json!([]));
}

#[test]
fn logout_keep_pat_forgets_without_revoking_and_a_pasted_pat_is_never_revoked() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let out = w.run(&["logout", "--keep-pat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_says("keep", &stderr(&out), &["stays valid until"]);
    assert!(!w.devops.pats()[0].revoked);
    assert_eq!(w.records()["pats"], serde_json::json!([]));

    // A PAT pasted over a minted one: login says the minted one stays valid, and logout
    // revokes only that one (it has a record), never the pasted one.
    w.feedctl().args(["login", "--mint"]).assert().success();
    let minted = w.devops.pats()[1].clone();
    let out = w
        .feedctl()
        .args(["login", "--pat-env", "MY_PAT", "--no-verify"])
        .env("MY_PAT", "pasted-pat-not-minted")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_says(
        "pasted over",
        &stderr(&out),
        &[
            "no longer stored for cargo",
            minted.authorization_id.as_str(),
        ],
    );
    let out = w.run(&["logout", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_says("pasted", &stderr(&out), &["not a PAT feedctl minted"]);
    assert_eq!(
        json_of(&out)["revoked"],
        serde_json::json!([minted.authorization_id])
    );
    // cargo logout removed the pasted token; it was never sent to the PAT API.
    let pasted = &pat_forms("pasted-pat-not-minted")[2];
    assert!(!w.credentials().contains(pasted.as_str()));
    assert!(
        w.devops
            .requests()
            .iter()
            .all(|r| !r.url.contains("pasted"))
    );
}

#[test]
fn disconnect_logout_revokes_the_minted_pat_last_and_a_failing_revoke_puts_every_file_back() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let pat = w.devops.pats()[0].clone();
    w.devops.set_pat_policy(|p| p.fail_revoke = true);
    let before = w.files();
    let out = w.run(&["disconnect", "--logout"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_says(
        "failed revoke",
        &stderr(&out),
        &["every file is back", "could not be revoked", "--keep-pat"],
    );
    // Nothing that was put back is reported done.
    assert!(!stderr(&out).contains("Logged out"), "{}", stderr(&out));
    assert_eq!(w.files(), before);
    assert!(!w.devops.pats()[0].revoked);
    w.sandbox.cargo_build().assert().success();

    w.devops.set_pat_policy(|p| p.fail_revoke = false);
    let out = w.run(&["disconnect", "--logout", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("does not revoke"),
        "{}",
        stderr(&out)
    );
    assert!(w.devops.pats()[0].revoked);
    w.assert_revoked_and_gone(&out, &pat);
}

#[test]
fn pat_revoke_revokes_only_recorded_pats_that_cargo_does_not_use() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let held = w.devops.pats()[0].clone();
    let deletes = |w: &World| {
        w.devops
            .writes()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count()
    };

    // The PAT cargo uses is refused, with the commands that replace or remove it.
    let out = w.run(&["pat", "revoke", &held.authorization_id[..8]]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_says("held", &stderr(&out), &["logout --name crates", "--renew"]);
    // An id feedctl has no record of is never sent.
    let out = w.run(&["pat", "revoke", "0000dead-0000-0000-0000-000000000000"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_says(
        "unknown",
        &stderr(&out),
        &["feedctl pat list", "only PATs it minted"],
    );
    assert_eq!(deletes(&w), 0);

    // A pasted token over it leaves the minted PAT valid: login names `pat revoke`.
    let out = w
        .feedctl()
        .args(["login", "--pat-env", "MY_PAT", "--no-verify"])
        .env("MY_PAT", "pasted-pat-not-minted")
        .output()
        .unwrap();
    assert_says(
        "pasted over",
        &stderr(&out),
        &[&format!("feedctl pat revoke {}", held.authorization_id)],
    );
    let before = w.files();
    let out = w.run(&[
        "pat",
        "revoke",
        &held.authorization_id,
        "--dry-run",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["dry_run"], serde_json::json!(true));
    assert_eq!(deletes(&w), 0);
    assert_eq!(w.files(), before);

    let out = w.run(&[
        "pat",
        "revoke",
        &held.authorization_id.to_uppercase(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_of(&out);
    assert_documented_keys("pat revoke", "pat revoke", &report);
    assert_eq!(
        report["revoked"],
        serde_json::json!([held.authorization_id])
    );
    assert!(w.devops.pats()[0].revoked);
    assert_eq!(w.records()["pats"], serde_json::json!([]));
    // The pasted token is still cargo's.
    assert!(
        w.credentials()
            .contains(&pat_forms("pasted-pat-not-minted")[2])
    );
    w.assert_hidden_in(&out);
}

#[test]
fn no_store_writes_a_private_file_or_a_pipe_and_never_the_credential_store() {
    let w = world(PatPolicy::default());
    w.connected();
    let path: PathBuf = w.sandbox.root().join("cargo-token.txt");
    let out = w.run(&[
        "login",
        "--mint",
        "--no-store",
        "--output",
        path.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pat = w.devops.pats()[0].clone();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written,
        pat_forms(&pat.token)[2],
        "the whole `Basic …` value"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(json_of(&out)["written_to"], path.display().to_string());
    assert_eq!(w.records()["pats"][0]["destination"]["kind"], "file");
    assert!(!w.credentials().contains(&pat_forms(&pat.token)[2]));
    w.assert_hidden_in(&out);

    // A file feedctl did not write is refused before anything is minted.
    let foreign = w.sandbox.root().join("notes.txt");
    std::fs::write(&foreign, "mine").unwrap();
    let out = w.run(&[
        "login",
        "--mint",
        "--no-store",
        "--output",
        foreign.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "mine");
    assert_eq!(w.devops.pats().len(), 1);

    // A pipe gets the raw PAT when asked, and nothing else on stdout.
    let out = w.run(&["login", "--mint", "--no-store", "--raw"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let piped = w.devops.pats()[1].token.clone();
    assert_eq!(String::from_utf8_lossy(&out.stdout), piped);
    assert_hidden("stderr", &stderr(&out), &pat_forms(&piped));
    assert!(!w.credentials().contains(&piped));
    w.assert_only_in_the_store();
}

#[test]
fn azure_devops_server_has_no_pat_api_and_says_where_to_create_one() {
    let devops = DevOps::start(DevOpsSpec::new("DefaultCollection", &[]).kind(Kind::Server));
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, "user-ok");
    sandbox.configure(&[
        "--server-url",
        devops.url(),
        "--collection",
        "DefaultCollection",
        "--feed",
        "crates",
    ]);
    let out = az
        .feedctl(&sandbox)
        .args(["login", "--mint"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_says(
        "server",
        &stderr(&out),
        &[
            "Azure DevOps Server has no API to create PATs",
            &format!("{}/DefaultCollection/_usersSettings/tokens", devops.url()),
            "--pat-stdin",
        ],
    );
    assert!(az.calls().is_empty());
    assert!(devops.requests().is_empty());

    // `connect --mint` says the same before writing anything.
    let fresh = Sandbox::new();
    let out = az
        .feedctl(&fresh)
        .args([
            "connect",
            "--server-url",
            devops.url(),
            "--collection",
            "DefaultCollection",
        ])
        .args(["--feed", "crates", "--store", "file", "--mint"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_says(
        "connect on server",
        &stderr(&out),
        &["no API to create PATs", "--pat-stdin"],
    );
    assert!(!fresh.project().join(".cargo").exists());
    assert!(fresh.read_cargo_home_file("config.toml").is_none());
}

/// A cargo (found through `$CARGO`) whose `login` empties `credentials.toml`, as a full disk
/// leaves it, and fails; anything else goes to the real cargo.
#[cfg(unix)]
const FAILING_LOGIN: &str = r#"#!/bin/sh
if [ "$1" = login ]; then
  : > "$CARGO_HOME/credentials.toml"
  echo "error: failed to write credentials: No space left on device (os error 28)" >&2
  exit 101
fi
exec "$REAL_CARGO" "$@"
"#;

#[cfg(unix)]
#[test]
fn a_renewal_whose_store_fails_revokes_the_new_pat_and_keeps_the_old_one_working() {
    use std::os::unix::fs::PermissionsExt;
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let before = w.files();
    let cargo = w.sandbox.root().join("failing-cargo");
    std::fs::write(&cargo, FAILING_LOGIN).unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = w
        .feedctl()
        .args(["login", "--renew"])
        .env("CARGO", &cargo)
        .env("REAL_CARGO", crate::support::sandbox::real_cargo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_says(
        "failed store",
        &stderr(&out),
        &[
            "No space left on device",
            "was revoked again",
            "credentials.toml",
        ],
    );
    assert_eq!(w.files(), before, "every file is back as it was");
    let pats = w.devops.pats();
    assert!(!pats[0].revoked && pats[1].revoked);
    w.assert_hidden_in(&out);
    w.sandbox.cargo_build().assert().success();
}

#[test]
fn a_leftover_minted_pat_that_cannot_be_revoked_never_blocks_logging_out_a_pasted_token() {
    let w = world(PatPolicy::default());
    w.connected();
    w.feedctl().args(["login", "--mint"]).assert().success();
    let minted = w.devops.pats()[0].clone();
    w.feedctl()
        .args(["login", "--pat-env", "MY_PAT", "--no-verify"])
        .env("MY_PAT", "pasted-pat-not-minted")
        .assert()
        .success();
    // az's login lapsed: feedctl cannot even ask Azure DevOps to revoke the leftover.
    let lapsed = crate::support::fake_az::fixtures().join("not-logged-in");
    let out = w
        .feedctl()
        .args(["logout", "--json"])
        .env("FAKE_AZ_STATE", &lapsed)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_says(
        "leftover",
        &err,
        &["not a PAT feedctl minted", "feedctl pat revoke"],
    );
    assert!(!err.contains("did not log out"), "{err}");
    assert_eq!(json_of(&out)["revoked"], serde_json::json!([]));
    assert!(!w.devops.pats()[0].revoked);
    assert_eq!(
        w.records()["pats"][0]["authorization-id"],
        serde_json::json!(minted.authorization_id)
    );
    assert!(
        !w.credentials()
            .contains(&pat_forms("pasted-pat-not-minted")[2])
    );
}
