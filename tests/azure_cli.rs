//! `--auth azure-cli`: feedctl hands cargo Entra ID tokens from `az`. The `az` here replays
//! the real Azure CLI's recorded outputs (`tests/fixtures/azure-cli/`, one folder per state),
//! and every state is checked for what the user is told: through the credential-provider
//! protocol, `connect --auth azure-cli`, `env --azure-cli` and `doctor` (also `--offline`),
//! and the important ones end to end with the real cargo against the loopback feed.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::fake_az::{self, FakeAz, ORG_TENANT, OTHER_TENANT, STATES, bearer_of};
use crate::support::json::json_of;
use crate::support::output::{Streams, assert_env_verify_refused, assert_says};
use crate::support::sandbox::text_under;
use crate::support::secrets::assert_not_stored;
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS};

const RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// The states in which az hands out a token for the organization's tenant.
const TOKEN_STATES: [&str; 6] = [
    "user-ok",
    "user-ok-tz-new-york",
    "service-principal-ok",
    "service-principal-ok-tenant-level",
    "managed-identity-ok",
    "az-too-old",
];

/// What the user must be told in each state that yields no usable token (all of it, in any
/// order), and what must never be said there.
fn advice(state: &str) -> (Vec<String>, Vec<&'static str>) {
    let scoped_login =
        format!("az login --tenant \"{ORG_TENANT}\" --scope \"{RESOURCE}/.default\"");
    let (told, never): (Vec<String>, Vec<&str>) = match state {
        "not-logged-in" => (
            vec![
                "not logged in".into(),
                format!("az login --tenant {ORG_TENANT}"),
            ],
            vec![],
        ),
        "user-ok-other-tenant" => (
            vec![
                OTHER_TENANT.into(),
                ORG_TENANT.into(),
                format!("az login --tenant {ORG_TENANT}"),
            ],
            vec!["PAT"],
        ),
        "managed-identity-error" => (
            vec![
                "managed identity".into(),
                "az login --identity".into(),
                "added to the Azure DevOps organization".into(),
                "ERROR: 400, Unable to load the proper Managed Identity.".into(),
            ],
            vec!["az logout", "`az login`"],
        ),
        "user-refresh-expired" => (
            vec!["expired".into(), "AADSTS700082".into(), scoped_login],
            vec![],
        ),
        "user-mfa-required" => (
            vec!["multi-factor".into(), "-u/-p".into(), scoped_login],
            vec![],
        ),
        "user-conditional-access" => (
            vec![
                "Conditional Access".into(),
                "logging in again does not help".into(),
                "92ffc35d-4dd3-4436-9aa3-82f667ff3dc3".into(),
            ],
            vec!["az logout", "run `az login"],
        ),
        "user-tenant-not-found" => (
            vec![
                "AADSTS90002".into(),
                format!("az login --tenant {ORG_TENANT}"),
                "AzureCloud".into(),
            ],
            vec![],
        ),
        "user-cache-missing" => (
            vec![
                "token cache".into(),
                "az account clear".into(),
                "az login".into(),
            ],
            vec![],
        ),
        "sp-secret-expired" => (
            vec![
                "secret".into(),
                "AADSTS7000222".into(),
                "az ad app credential reset --id 22222222-0000-4000-8000-000000000002 --append"
                    .into(),
                format!(
                    "az login --service-principal -u 22222222-0000-4000-8000-000000000002 -p <new-secret> --tenant {ORG_TENANT}"
                ),
            ],
            vec!["az logout", "interactively"],
        ),
        "wif-assertion-expired" => (
            vec![
                "federated".into(),
                "AADSTS700024".into(),
                "--federated-token <fresh-token>".into(),
            ],
            vec!["az logout"],
        ),
        "wif-subject-mismatch" => (
            vec![
                "`repo:contoso/web:ref:refs/heads/main`".into(),
                "api://AzureADTokenExchange".into(),
                "https://token.actions.githubusercontent.com".into(),
            ],
            vec!["az logout"],
        ),
        "offline" => (
            vec![
                "could not reach `login.microsoftonline.com`".into(),
                "HTTPS_PROXY".into(),
                "No new login is needed".into(),
                "Connection refused".into(),
            ],
            vec!["tenant", "Traceback", "az login"],
        ),
        "tls-intercepted" => (
            vec![
                "REQUESTS_CA_BUNDLE".into(),
                "do not turn certificate verification off".into(),
                "CERTIFICATE_VERIFY_FAILED".into(),
            ],
            vec!["tenant", "az login"],
        ),
        other => panic!("no advice listed for `{other}`"),
    };
    (told, never)
}

fn assert_told(state: &str, via: &str, text: &str) {
    let (told, never) = advice(state);
    for phrase in told {
        assert!(
            text.contains(&phrase),
            "{state} via {via}: missing {phrase:?} in:\n{text}"
        );
    }
    for phrase in never {
        assert!(
            !text.contains(phrase),
            "{state} via {via}: must not say {phrase:?}:\n{text}"
        );
    }
}

/// A feed that accepts the token of every state that has one.
fn every_token_feed() -> FakeFeed {
    let mut spec = FeedSpec::new("Coll", Some("web"), "crates");
    for state in TOKEN_STATES {
        spec = spec.accept(bearer_of(state));
    }
    FakeFeed::start(spec)
}

/// Where most tests here start: [`every_token_feed`], a fresh sandbox, and az in `state`.
fn start(state: &str) -> (FakeFeed, Sandbox, FakeAz) {
    let feed = every_token_feed();
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, state);
    (feed, sandbox, az)
}

/// `connect --store file --no-login`: the feed set up for a PAT, stored later.
fn connect_for_a_pat(sandbox: &Sandbox, feed: &FakeFeed) -> assert_cmd::Command {
    let mut cmd = sandbox.feedctl();
    cmd.args([
        "connect",
        &feed.index_url(),
        "--store",
        "file",
        "--no-login",
    ]);
    cmd
}

/// `connect --auth azure-cli --no-verify`: the registry configured as a failed check would
/// have, to see what cargo then says.
fn configure_unchecked(sandbox: &Sandbox, az: &FakeAz, index_url: &str) {
    az.connect(sandbox, index_url)
        .arg("--no-verify")
        .assert()
        .success();
}

/// The real `cargo build --quiet` in the sandbox's project, with `az` on its `PATH`.
fn build(sandbox: &Sandbox, az: &FakeAz) -> std::process::Output {
    az.cargo(sandbox)
        .args(["build", "--quiet"])
        .output()
        .unwrap()
}

/// One `get` through the protocol, as cargo sends it after the feed's 401 (whose headers
/// it passes along). Returns the answer and feedctl's stderr.
fn plugin_get(sandbox: &Sandbox, az: &FakeAz, index_url: &str) -> (serde_json::Value, String) {
    let request = serde_json::json!({
        "v": 1,
        "registry": {
            "index-url": index_url,
            "name": "crates",
            "headers": [
                format!("WWW-Authenticate: Bearer authorization_uri=https://login.microsoftonline.com/{ORG_TENANT}"),
                "WWW-Authenticate: Basic realm=\"https://pkgsprodeus21.pkgs.visualstudio.com/\"",
                format!("X-VSS-ResourceTenant: {ORG_TENANT}"),
            ],
        },
        "kind": "get",
        "operation": "read",
        "args": [],
    });
    let out = az
        .feedctl(sandbox)
        .arg("--cargo-plugin")
        .write_stdin(format!("{request}\n"))
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some(r#"{"v":[1]}"#));
    let answer = serde_json::from_str(lines.next().expect("an answer")).unwrap();
    (answer, out.stderr_text())
}

#[test]
fn the_recorded_fixtures_are_the_shared_ones() {
    // CI has the shared folder beside the clone; a fresh clone elsewhere has only the copy.
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/azure-cli");
    if shared.is_dir() {
        assert_eq!(text_under(&shared), text_under(&fake_az::fixtures()));
    }
    let folders = std::fs::read_dir(fake_az::fixtures())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(folders, STATES.len());
}

#[test]
fn every_state_through_the_plugin() {
    let feed = every_token_feed();
    for state in STATES {
        let sandbox = Sandbox::new();
        let az = FakeAz::new(&sandbox, state);
        let (answer, stderr) = plugin_get(&sandbox, &az, &feed.index_url());
        if TOKEN_STATES.contains(&state) {
            let ok = &answer["Ok"];
            assert_eq!(ok["token"], bearer_of(state), "{state}: {answer}");
            let cache = if state == "az-too-old" {
                "session"
            } else {
                "expires"
            };
            assert_eq!(ok["cache"], cache, "{state}: {answer}");
            let upgrade = stderr.contains("older than 2.54.0");
            assert_eq!(upgrade, state == "az-too-old", "{state}: {stderr}");
        } else {
            assert_eq!(answer["Err"]["kind"], "other", "{state}: {answer}");
            let message = answer["Err"]["message"].as_str().unwrap();
            assert_told(state, "the plugin", message);
        }
        let calls = az.calls();
        assert!(
            calls[0].starts_with(&format!("account get-access-token --resource {RESOURCE}")),
            "{state}: {calls:?}"
        );
    }
}

#[test]
fn every_state_through_connect_env_and_doctor() {
    let feed = every_token_feed();
    for state in STATES {
        let sandbox = Sandbox::new();
        let az = FakeAz::new(&sandbox, state);
        let ok = TOKEN_STATES.contains(&state);

        let connect = az.connect(&sandbox, &feed.index_url()).output().unwrap();
        let stderr = connect.stderr_text();
        if ok {
            assert!(
                !stderr.contains(&bearer_of(state)[7..]),
                "{state}: the token leaked"
            );
            assert!(connect.status.success(), "{state}: {stderr}");
            assert!(stderr.contains("Verified"), "{state}: {stderr}");
        } else {
            assert_eq!(connect.status.code(), Some(4), "{state}: {stderr}");
            assert_told(state, "connect", &stderr);
            assert!(
                !sandbox.project().join(".cargo").exists(),
                "{state}: nothing written"
            );
            configure_unchecked(&sandbox, &az, &feed.index_url());
        }

        let env = az
            .feedctl(&sandbox)
            .args(["env", "--azure-cli"])
            .output()
            .unwrap();
        let stderr = env.stderr_text();
        if ok {
            assert!(env.status.success(), "{state}: {stderr}");
            let stdout = env.stdout_text();
            assert!(stdout.contains(&bearer_of(state)), "{state}: {stdout}");
        } else {
            assert_eq!(env.status.code(), Some(4), "{state}: {stderr}");
            assert_told(state, "env", &stderr);
        }

        let doctor = az.feedctl(&sandbox).arg("doctor").output().unwrap();
        let stdout = doctor.stdout_text();
        if ok {
            assert!(doctor.status.success(), "{state}: {stdout}");
            assert!(stdout.contains("is accepted"), "{state}: {stdout}");
            if state == "az-too-old" {
                assert!(
                    stdout.contains("warn") && stdout.contains("az upgrade"),
                    "{stdout}"
                );
            }
        } else {
            assert_eq!(doctor.status.code(), Some(7), "{state}: {stdout}");
            // The failing check and its fix (the `ok` lines above may name az's tenant).
            let failing = &stdout[stdout.find("FAIL").unwrap_or(0)..];
            assert_told(state, "doctor", failing);
        }

        // Offline, doctor still knows who az is logged in as (a local, fast `az account show`).
        let offline = az
            .feedctl(&sandbox)
            .args(["doctor", "--offline"])
            .output()
            .unwrap();
        let stdout = offline.stdout_text();
        let kind = match state {
            "not-logged-in" => "FAIL  azure-cli `crates`: the Azure CLI is not logged in",
            s if s.starts_with("managed-identity") => "(a system-assigned managed identity)",
            s if s.starts_with("service-principal")
                || s.starts_with("sp-")
                || s.starts_with("wif-") =>
            {
                "22222222-0000-4000-8000-000000000002 (a service principal)"
            }
            "user-ok-other-tenant" => {
                "alice@contoso.com (a user) in tenant 0b1f6471-0000-4000-8000-00000000bbbb"
            }
            _ => "alice@contoso.com (a user) in tenant 72f988bf-0000-4000-8000-00000000aaaa",
        };
        assert!(stdout.contains(kind), "{state}: {stdout}");
        assert_eq!(
            offline.status.success(),
            state != "not-logged-in",
            "{state}: {stdout}"
        );
    }
}

#[test]
fn cargo_builds_with_fresh_tokens_and_nothing_is_stored() {
    let (feed, sandbox, az) = start("user-ok");
    let token = bearer_of("user-ok");
    let out = az.connect(&sandbox, &feed.index_url()).output().unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Verified") && stderr.contains("feedctl as the credential provider"),
        "{stderr}"
    );
    assert!(!stderr.contains(&token[7..]));
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
    assert_eq!(calls_after_connect, 1, "connect asks az once");

    az.cargo(&sandbox)
        .args(["build", "--quiet"])
        .assert()
        .success();
    assert_eq!(feed.download_authorizations(), [Some(token.clone())]);
    let calls = az.calls();
    assert_eq!(
        calls.len() - calls_after_connect,
        1,
        "one cargo run asks az at most once: {calls:?}"
    );
    assert_not_stored(&sandbox, &[&token[7..]]);

    let status = az
        .feedctl(&sandbox)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let json = json_of(&status);
    assert_eq!(json["registries"][0]["token"]["source"], "azure_cli");
    // Nothing stored can expire: az gives a fresh token each time.
    assert_eq!(
        json["registries"][0]["expiry"]["kind"], "per_use",
        "{json:#}"
    );
    az.feedctl(&sandbox)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the Azure CLI's token (tenant 72f988bf-0000-4000-8000-00000000aaaa) is accepted",
        ));
}

/// A login to another tenant is no az error: az returns a token that the feed rejects. Where
/// az can get one for the organization's tenant, feedctl asks for it and the build works.
#[test]
fn a_login_to_another_tenant_gets_a_token_for_the_organizations_tenant() {
    let feed = every_token_feed();
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, "user-ok-other-tenant").tenant_state("user-ok");
    let out = az.connect(&sandbox, &feed.index_url()).output().unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("az is logged in to tenant {OTHER_TENANT}")),
        "{stderr}"
    );
    az.cargo(&sandbox)
        .args(["build", "--quiet"])
        .assert()
        .success();
    assert_eq!(feed.download_authorizations(), [Some(bearer_of("user-ok"))]);
    let asked = az.calls();
    assert!(
        asked.contains(&format!(
            "account get-access-token --resource {RESOURCE} --tenant {ORG_TENANT} --output json"
        )),
        "{asked:?}"
    );
}

/// Where az cannot, cargo's error names both tenants and the exact `az login`.
#[test]
fn a_login_to_another_tenant_is_named_end_to_end_with_real_cargo() {
    let (feed, sandbox, az) = start("user-ok-other-tenant");
    az.connect(&sandbox, &feed.index_url()).assert().code(4);
    // A failed connect writes nothing; configure without the check to see what cargo says.
    configure_unchecked(&sandbox, &az, &feed.index_url());
    let out = build(&sandbox, &az);
    assert!(!out.status.success());
    let stderr = out.stderr_text();
    assert_told("user-ok-other-tenant", "cargo build", &stderr);
    assert!(
        feed.requests().iter().all(|r| r.authorization.is_none()),
        "the other tenant's token is never sent"
    );
}

/// The right tenant, and still a 401: the identity is not in the organization. cargo would
/// suggest `cargo login`; feedctl tries the token first and says what is really wrong.
#[test]
fn a_token_the_organization_rejects_is_explained_in_az_terms() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, "service-principal-ok");
    let connect = az.connect(&sandbox, &feed.index_url()).output().unwrap();
    assert_eq!(connect.status.code(), Some(4));
    // A failed connect writes nothing; configure without the check to see what cargo says.
    configure_unchecked(&sandbox, &az, &feed.index_url());
    let out = build(&sandbox, &az);
    assert!(!out.status.success());
    let connect = connect.stderr_text();
    let connect_error = &connect[connect.find("error:").expect("connect fails")..];
    for (via, text) in [
        ("connect", connect_error),
        ("cargo build", &out.stderr_text()),
    ] {
        assert!(
            text.contains("not a member of the organization")
                && text.contains("Organization settings > Users")
                && !text.contains("PAT")
                && !text.contains("cargo login"),
            "{via}: {text}"
        );
    }
}

/// A feed that does not say its tenant: the 401 still gets az's wording, with both causes.
#[test]
fn a_rejection_without_a_named_tenant_names_both_causes() {
    let feed = FakeFeed::start(
        FeedSpec::new("Coll", Some("web"), "crates")
            .accept(bearer_of("user-ok"))
            .tenant(None),
    );
    let sandbox = Sandbox::new();
    let az = FakeAz::new(&sandbox, "user-ok-other-tenant");
    let out = az.connect(&sandbox, &feed.index_url()).output().unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_says(
        "connect",
        &stderr,
        &[
            &format!("az's token is for tenant {OTHER_TENANT}"),
            "az login --tenant <that tenant>",
            "not a member of the organization",
        ],
    );
    assert!(
        !az.calls().iter().any(|c| c.contains("--tenant")),
        "no tenant to ask for"
    );
}

/// `login --azure-cli` stores a token for the organization's tenant, checked in az's terms.
#[test]
fn login_with_the_azure_cli_stores_a_token_for_the_organizations_tenant() {
    let feed = every_token_feed();
    let sandbox = Sandbox::new();
    connect_for_a_pat(&sandbox, &feed).assert().success();
    let az = FakeAz::new(&sandbox, "user-ok-other-tenant").tenant_state("user-ok");
    az.feedctl(&sandbox)
        .args(["login", "--azure-cli"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Verified"));
    let stored = sandbox.read_cargo_home_file("credentials.toml").unwrap();
    assert!(
        stored.contains(&bearer_of("user-ok")),
        "the org tenant's token"
    );
    sandbox.cargo_build().assert().success();
}

#[test]
fn a_logged_out_az_stops_connect_before_anything_is_written() {
    let (feed, sandbox, az) = start("not-logged-in");
    az.connect(&sandbox, &feed.index_url())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("az login"));
    // The check comes before any write: nothing to undo, and a re-run after `az login`
    // needs no `--force`.
    assert!(!sandbox.project().join(".cargo").exists());
    assert!(sandbox.read_cargo_home_file("config.toml").is_none());
    let az = FakeAz::new(&sandbox, "user-ok");
    az.connect(&sandbox, &feed.index_url())
        .assert()
        .success()
        .stderr(predicate::str::contains("Ready"));
    az.cargo(&sandbox)
        .args(["build", "--quiet"])
        .assert()
        .success();
}

#[test]
fn an_az_too_old_to_say_when_tokens_expire_still_builds_and_says_upgrade_once() {
    let (feed, sandbox, az) = start("az-too-old");
    az.connect(&sandbox, &feed.index_url())
        .assert()
        .success()
        .stderr(predicate::str::contains("older than 2.54.0"));
    let before = az.calls().len();
    let out = az.cargo(&sandbox).args(["build"]).output().unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("older than 2.54.0").count(), 1, "{stderr}");
    assert_eq!(az.calls().len() - before, 1, "cached for the cargo run");
}

#[test]
fn a_hung_az_ends_with_a_clear_error_instead_of_hanging_cargo() {
    let (feed, sandbox, ok) = start("user-ok");
    ok.connect(&sandbox, &feed.index_url()).assert().success();
    let hung = FakeAz::new(&sandbox, "user-ok").hang(300);
    let started = Instant::now();
    let out = hung
        .cargo(&sandbox)
        .args(["build", "--quiet"])
        .env("FEEDCTL_AZ_TIMEOUT", "2")
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = out.stderr_text();
    assert!(!out.status.success());
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(
        stderr.contains("`az account get-access-token` hung: it did not finish within 2 s")
            && stderr.contains("FEEDCTL_AZ_TIMEOUT"),
        "{stderr}"
    );
    // The child az started (like Python behind az's shell wrapper) was ended with it.
    #[cfg(unix)] // `kill -0` asks whether a process still exists; Windows has no equivalent command
    {
        let pid = hung.hung_pid().expect("the hung child wrote its pid");
        let alive = || {
            std::process::Command::new("kill")
                .args(["-0", &pid.to_string()])
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success()
        };
        // A killed process lingers for a moment until it is reaped.
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!alive(), "the hung az child {pid} is still running");
    }
}

#[test]
fn ci_advice_names_the_pipeline_way() {
    let feed = every_token_feed();
    let sandbox = Sandbox::new();
    configure_unchecked(
        &sandbox,
        &FakeAz::new(&sandbox, "user-ok"),
        &feed.index_url(),
    );
    let cases = [
        (
            "not-logged-in",
            "TF_BUILD",
            "True",
            vec![
                "AzureCLI@2",
                "clears the login",
                "SYSTEM_ACCESSTOKEN: $(System.AccessToken)",
                "feedctl env",
            ],
        ),
        (
            "not-logged-in",
            "GITHUB_ACTIONS",
            "true",
            vec!["azure/login", "allow-no-subscriptions: true"],
        ),
        (
            "wif-assertion-expired",
            "GITHUB_ACTIONS",
            "true",
            vec![
                "about 10 minutes",
                "az cannot renew them",
                "azure/login again",
            ],
        ),
        (
            "wif-assertion-expired",
            "TF_BUILD",
            "True",
            vec!["AzureCLI@2", "feedctl env"],
        ),
        (
            "user-mfa-required",
            "TF_BUILD",
            "True",
            vec!["cannot answer an MFA prompt"],
        ),
    ];
    for (state, var, value, told) in cases {
        let az = FakeAz::new(&sandbox, state);
        let out = az
            .cargo(&sandbox)
            .args(["build", "--quiet"])
            .env(var, value)
            .output()
            .unwrap();
        let stderr = out.stderr_text();
        assert_says(&format!("{state} {var}"), &stderr, &told);
    }
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
    let (feed, sandbox, az) = start("user-ok");
    az.connect(&sandbox, &feed.index_url()).assert().success();
    connect_for_a_pat(&sandbox, &feed)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no longer feedctl as the credential provider",
        ));
    let home_config = sandbox.read_cargo_home_file("config.toml").unwrap();
    assert_eq!(home_config, TOKEN_PROVIDERS);
}

/// The protocol itself: hello, then one JSON request per line, one answer per line.
#[test]
fn the_plugin_speaks_cargos_protocol() {
    let (feed, sandbox, az) = start("user-ok");
    let azure = feed.index_url();
    let requests = [
        format!(r#"{{"v":1,"registry":{{"index-url":"{azure}","name":"crates","headers":["X-VSS-ResourceTenant: {ORG_TENANT}"]}},"kind":"get","operation":"read","args":[]}}"#),
        r#"{"v":1,"registry":{"index-url":"sparse+https://index.crates.io/","name":"crates-io"},"kind":"get","operation":"read","args":[]}"#.to_string(),
        format!(r#"{{"v":1,"registry":{{"index-url":"{azure}","name":"crates"}},"kind":"login","args":[]}}"#),
    ];
    let mut child = sandbox
        .feedctl_process()
        .arg("--cargo-plugin")
        .envs(az.vars())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert_eq!(line.trim(), r#"{"v":[1]}"#);
    let mut answers = Vec::new();
    for request in requests {
        writeln!(stdin, "{request}").unwrap();
        line.clear();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        answers.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let get = &answers[0]["Ok"];
    assert_eq!(get["kind"], "get");
    assert_eq!(get["token"], bearer_of("user-ok"));
    assert_eq!(get["cache"], "expires");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expiration = get["expiration"].as_i64().unwrap();
    assert!(
        (now + 3599 - 300 - 5..=now + 3599 - 300).contains(&expiration),
        "five minutes before az's expires_on: {get}"
    );
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

#[test]
fn disconnect_removes_feedctl_as_the_provider_it_added() {
    let feed = every_token_feed();
    let sandbox = Sandbox::new();
    let home_before = "# mine\n[registry]\nglobal-credential-providers = [\"cargo:token\"]\n";
    sandbox.write_home_config(home_before);
    let az = FakeAz::new(&sandbox, "user-ok");
    az.feedctl(&sandbox)
        .args([
            "connect",
            &feed.index_url(),
            "--auth",
            "azure-cli",
            "--store",
            "file",
        ])
        .assert()
        .success();
    assert!(
        sandbox
            .read_cargo_home_file("config.toml")
            .unwrap()
            .contains("credential-provider")
    );
    sandbox
        .feedctl()
        .arg("disconnect")
        .assert()
        .success()
        .stderr(predicate::str::contains("another project"));
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        home_before
    );
    assert!(!sandbox.project().join(".cargo").exists());
}

/// `env --verify --azure-cli`: a 401 for az's token is explained in az's terms, never a PAT's,
/// and nothing is emitted.
#[test]
fn env_verify_explains_a_rejected_az_token_in_az_terms() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(&feed.index_url());
    let az = FakeAz::new(&sandbox, "service-principal-ok");
    let out = az
        .feedctl(&sandbox)
        .args(["env", "--verify", "--azure-cli"])
        .output()
        .unwrap();
    let stderr = assert_env_verify_refused(
        &out,
        &[
            "the feed rejected the Azure CLI's token for `crates`",
            "not a member of the organization",
        ],
    );
    assert!(!stderr.contains(&bearer_of("service-principal-ok")[7..]));
}
