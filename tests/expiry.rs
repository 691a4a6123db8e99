//! Knowing when the token cargo uses expires: `status`, `doctor` and `pat list` over the records
//! of PATs feedctl minted (written here as `login --mint` writes them), with the real cargo as
//! the judge of whether a token still works; and the explanation of a refused PAT, which names
//! an expired minted PAT by its date and, from 2026-12-01, a retired global PAT — never for a
//! `Bearer` token. No output ever shows a token.

use std::process::Output;

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::support::devops::{DevOps, DevOpsSpec, Role, Scope, StandFeed, User};
use crate::support::json::{check, json_of, keys};
use crate::support::minted::{Minted, write_records};
use crate::support::output::Streams;
use crate::support::secrets::{assert_hidden, pat_forms};
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS, basic};

const MINTED: &str = "minted-pat-0123456789abcdefghijklmnopqrstuvwxyz0123";
const PASTED: &str = "pasted-pat-0123456789abcdefghijklmnopqrstuvwxyz0123";
const RENEW: &str = "feedctl login --renew --name crates";
const DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";

/// A project connected to `feed` as registry `crates`, with `pat` stored by `feedctl login`
/// in `credentials.toml`.
fn logged_in(feed: &FakeFeed, pat: &str) -> Sandbox {
    let sandbox = Sandbox::connected(feed, TOKEN_PROVIDERS);
    sandbox
        .feedctl_pat(["login", "--no-verify"], pat)
        .assert()
        .success();
    sandbox
}

/// The record of `MINTED` for the sandbox's registry, ending `left` from now.
fn minted_record(sandbox: &Sandbox, feed: &FakeFeed, left: Duration) {
    let index = feed.index_url();
    let header = basic(MINTED);
    write_records(
        sandbox.cargo_home(),
        &[Minted::for_cargo("crates", &index, &header, left)],
    );
}

/// Runs feedctl with `args`; every stream is checked for every form of both PATs.
fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let out = sandbox.feedctl().args(args).output().unwrap();
    let secrets: Vec<String> = [MINTED, PASTED].iter().flat_map(|p| pat_forms(p)).collect();
    assert_hidden(&format!("{args:?}"), &out.stdout_text(), &secrets);
    assert_hidden(&format!("{args:?}"), &out.stderr_text(), &secrets);
    out
}

fn status_expiry(sandbox: &Sandbox) -> Value {
    let out = run(sandbox, &["status", "--json"]);
    assert!(out.status.success(), "{}", out.stderr_text());
    json_of(&out)["registries"][0]["expiry"].clone()
}

fn status_text(sandbox: &Sandbox) -> String {
    let out = run(sandbox, &["status"]);
    assert!(out.status.success(), "{}", out.stderr_text());
    out.stdout_text()
}

/// `doctor --json`'s exit code and report.
fn doctor(sandbox: &Sandbox, offline: bool) -> (i32, Value) {
    let mut args = vec!["doctor", "--json"];
    if offline {
        args.push("--offline");
    }
    let out = run(sandbox, &args);
    (out.status.code().unwrap(), json_of(&out))
}

#[track_caller]
fn says(what: &str, text: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(text.contains(phrase), "{what}: `{phrase}` not in:\n{text}");
    }
}

#[test]
fn a_fresh_minted_pat_shows_its_end_and_builds() {
    let feed = FakeFeed::with_pat(MINTED);
    let sandbox = logged_in(&feed, MINTED);
    minted_record(&sandbox, &feed, Duration::days(6) + Duration::hours(1));
    let expiry = status_expiry(&sandbox);
    assert_eq!(expiry["kind"], "minted", "{expiry}");
    assert_eq!(expiry["days_left"], 6, "{expiry}");
    assert_eq!(expiry["expired"], false);
    assert_eq!(expiry["matches_stored_token"], true);
    let valid_to = expiry["valid_to"].as_str().unwrap();
    let parsed = OffsetDateTime::parse(valid_to, &time::format_description::well_known::Rfc3339);
    assert!(parsed.is_ok(), "{valid_to}");
    says(
        "status",
        &status_text(&sandbox),
        &["  expiry:      minted by feedctl, expires ", "(in 6 days)"],
    );
    let (code, report) = doctor(&sandbox, false);
    assert_eq!(code, 0, "{report:#}");
    let expiry = check(&report, "token.expiry");
    assert_eq!(expiry["status"], "ok", "{expiry}");
    says(
        "doctor",
        expiry["message"].as_str().unwrap(),
        &["the PAT feedctl minted for crates expires", "(in 6 days)"],
    );
    assert_eq!(check(&report, "token.accepted")["status"], "ok");
    sandbox.cargo_build().assert().success();
}

#[test]
fn a_minted_pat_near_its_end_warns_with_the_renew_command() {
    let feed = FakeFeed::with_pat(MINTED);
    let sandbox = logged_in(&feed, MINTED);
    minted_record(&sandbox, &feed, Duration::hours(5) + Duration::minutes(30));
    let expiry = status_expiry(&sandbox);
    assert_eq!(
        (&expiry["days_left"], &expiry["expired"]),
        (&0.into(), &false.into())
    );
    says(
        "status",
        &status_text(&sandbox),
        &["(in 5 hours): renew with `feedctl login --renew --name crates`"],
    );
    // Offline: the records are local, no request is needed to know.
    let (code, report) = doctor(&sandbox, true);
    assert_eq!(code, 0, "{report:#}");
    let expiry = check(&report, "token.expiry");
    assert_eq!(expiry["status"], "warn", "{expiry}");
    assert_eq!(expiry["fix"], RENEW);
    assert_eq!(report["warnings"], 1, "{report:#}");
    sandbox.cargo_build().assert().success();
}

/// The feed refuses the expired PAT (it accepts only a newer one), so doctor's failure is not
/// a guess: cargo fails on the same token.
#[test]
fn an_expired_minted_pat_fails_with_its_date_and_cargo_fails_too() {
    let feed = FakeFeed::with_pat("the-renewed-pat-0123456789abcdefghijklmnopqrstu");
    let sandbox = logged_in(&feed, MINTED);
    minted_record(&sandbox, &feed, -Duration::days(2));
    let expired_on = (OffsetDateTime::now_utc() - Duration::days(2))
        .date()
        .to_string();
    let expiry = status_expiry(&sandbox);
    assert_eq!(expiry["kind"], "minted");
    assert_eq!(expiry["expired"], true);
    assert_eq!(expiry["days_left"], -2);
    says(
        "status",
        &status_text(&sandbox),
        &[
            "EXPIRED",
            "(2 days ago): cargo gets HTTP 401 until you run `feedctl login --renew --name crates`",
        ],
    );
    let (code, report) = doctor(&sandbox, false);
    assert_eq!(code, 7, "{report:#}");
    let expiry = check(&report, "token.expiry");
    assert_eq!(
        (&expiry["status"], &expiry["fix"]),
        (&"fail".into(), &RENEW.into())
    );
    let accepted = check(&report, "token.accepted");
    assert_eq!(accepted["status"], "fail");
    assert_eq!(accepted["fix"], RENEW);
    let message = accepted["message"].as_str().unwrap();
    says(
        "token.accepted",
        message,
        &[&format!(
            "it is the PAT feedctl minted for crates, which expired on {expired_on}."
        )],
    );
    assert!(!message.contains("global"), "{message}");
    let build = sandbox.cargo_build().output().unwrap();
    assert!(!build.status.success());
    says("cargo build", &build.stderr_text(), &["401"]);
}

#[test]
fn a_pat_feedctl_did_not_mint_has_an_unknown_end() {
    let feed = FakeFeed::with_pat(PASTED);
    let sandbox = logged_in(&feed, PASTED);
    let expiry = status_expiry(&sandbox);
    assert_eq!(
        keys(&expiry),
        [
            "days_left",
            "expired",
            "kind",
            "matches_stored_token",
            "valid_from",
            "valid_to"
        ]
    );
    assert_eq!(expiry["kind"], "not_minted");
    for key in [
        "valid_from",
        "valid_to",
        "days_left",
        "expired",
        "matches_stored_token",
    ] {
        assert!(expiry[key].is_null(), "{key}: {expiry}");
    }
    says(
        "status",
        &status_text(&sandbox),
        &[
            "  expiry:      unknown (a PAT feedctl did not mint; `feedctl login --mint --name crates` makes one whose expiry feedctl tracks)",
        ],
    );
    let (code, report) = doctor(&sandbox, true);
    assert_eq!(code, 0, "{report:#}");
    let expiry = check(&report, "token.expiry");
    assert_eq!(expiry["status"], "ok");
    says(
        "doctor",
        expiry["message"].as_str().unwrap(),
        &["expiry unknown", "did not mint"],
    );
}

/// A PAT pasted over a minted one leaves the record behind: it no longer describes the token.
#[test]
fn a_record_of_another_token_is_stale() {
    let feed = FakeFeed::with_pat(PASTED);
    let sandbox = logged_in(&feed, PASTED);
    minted_record(&sandbox, &feed, Duration::days(3));
    let expiry = status_expiry(&sandbox);
    assert_eq!(expiry["kind"], "stale_record");
    assert_eq!(expiry["matches_stored_token"], false);
    assert!(expiry["valid_to"].is_null(), "{expiry}");
    says(
        "status",
        &status_text(&sandbox),
        &[
            "unknown: the token cargo uses is not the PAT feedctl minted on",
            "(a stale record",
        ],
    );
    let (code, report) = doctor(&sandbox, true);
    assert_eq!(code, 0, "{report:#}");
    says(
        "doctor",
        check(&report, "token.expiry")["message"].as_str().unwrap(),
        &["whose record is stale"],
    );
    sandbox.cargo_build().assert().success();
}

#[test]
fn an_unreadable_record_file_is_named_and_status_still_reports() {
    let feed = FakeFeed::with_pat(PASTED);
    let sandbox = logged_in(&feed, PASTED);
    let path = sandbox.cargo_home().join("feedctl/minted-pats.json");
    crate::support::sandbox::write_file(&path, "not json");
    let out = run(&sandbox, &["status"]);
    assert!(out.status.success(), "{}", out.stderr_text());
    says(
        "status",
        &out.stderr_text(),
        &["warning: ", "minted-pats.json"],
    );
    let (code, report) = doctor(&sandbox, true);
    assert_eq!(code, 7, "{report:#}");
    let failed: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == "token.expiry" && c["registry"].is_null())
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    says(
        "doctor",
        failed[0]["message"].as_str().unwrap(),
        &["minted-pats.json"],
    );
    let out = run(&sandbox, &["pat", "list"]);
    assert_eq!(out.status.code(), Some(1));
    says("pat list", &out.stderr_text(), &["minted-pats.json"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json");
}

#[test]
fn pat_list_shows_every_minted_pat_as_a_table_and_json() {
    let feed = FakeFeed::with_pat(MINTED);
    let sandbox = logged_in(&feed, MINTED);
    let out = run(&sandbox, &["pat", "list"]);
    assert!(out.status.success());
    says(
        "empty list",
        &out.stdout_text(),
        &["feedctl has minted no PAT here", "`feedctl login --mint`"],
    );
    let json = json_of(&run(&sandbox, &["pat", "list", "--json"]));
    assert_eq!(json["pats"], serde_json::json!([]));
    let index = feed.index_url();
    let (header, other) = (basic(MINTED), basic("a-pat-for-dependabot"));
    let secret_file = sandbox.root().join("dependabot-token");
    let secret_path = secret_file.display().to_string();
    write_records(
        sandbox.cargo_home(),
        &[
            Minted::for_cargo(
                "crates",
                &index,
                &header,
                Duration::days(6) + Duration::hours(1),
            ),
            Minted {
                destination: serde_json::json!({ "kind": "file", "path": secret_path }),
                ..Minted::for_cargo("crates", &index, &other, -Duration::days(1))
            },
        ],
    );
    let out = run(&sandbox, &["pat", "list"]);
    assert!(out.status.success(), "{}", out.stderr_text());
    let table = out.stdout_text();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    says(
        "header",
        lines[0],
        &[
            "REGISTRY  ORGANIZATION  SCOPE",
            "VALID FROM",
            "VALID TO",
            "LEFT",
            "WENT TO",
            "CARGO USES IT  NAME",
        ],
    );
    // Soonest end first: the expired one.
    says(
        "expired row",
        lines[1],
        &[
            "crates",
            "Coll",
            "Packaging Read & write",
            "expired 1 day ago",
            &secret_path,
            " no ",
            "feedctl crates on test-host",
        ],
    );
    says("current row", lines[2], &["6 days", "cargo", " yes "]);
    let json = json_of(&run(&sandbox, &["pat", "list", "--json"]));
    assert_eq!(keys(&json), ["file", "pats"]);
    let pats = json["pats"].as_array().unwrap();
    assert_eq!(pats.len(), 2);
    assert_eq!(
        keys(&pats[0]),
        [
            "authorization_id",
            "days_left",
            "destination",
            "display_name",
            "expired",
            "in_use",
            "index_url",
            "organization",
            "path",
            "registry",
            "scope",
            "scope_text",
            "valid_from",
            "valid_to"
        ]
    );
    assert_eq!(
        (
            &pats[0]["destination"],
            &pats[0]["path"],
            &pats[0]["in_use"],
            &pats[0]["expired"]
        ),
        (
            &"file".into(),
            &secret_path.clone().into(),
            &false.into(),
            &true.into()
        )
    );
    assert_eq!(
        (
            &pats[1]["destination"],
            &pats[1]["path"],
            &pats[1]["in_use"],
            &pats[1]["days_left"]
        ),
        (&"cargo".into(), &Value::Null, &true.into(), &6.into())
    );
    assert_eq!(pats[1]["scope_text"], "Packaging Read & write");
    assert_eq!(pats[1]["scope"], "vso.packaging_write");
}

/// A `Basic` PAT refused by Azure DevOps Services names the retired global PAT among its causes
/// (from 2026-12-01, which this machine's clock decides); a refused `Bearer` token never does,
/// nor a PAT refused by Azure DevOps Server, which has no global PATs. login, env --verify and
/// doctor read a refusal the same way.
#[test]
fn a_refused_pat_names_the_retired_global_pat_and_a_bearer_token_does_not() {
    let ada = User::new("ada", MINTED, Scope::Write);
    let devops = DevOps::start(
        DevOpsSpec::new("contoso", &["web"])
            .user(ada.clone())
            .feed(StandFeed::new("crates", Some("web")).role(&ada, Role::Administrator)),
    );
    let services = Sandbox::new();
    services.write_home_config(TOKEN_PROVIDERS);
    services
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args([
            "connect",
            "--org",
            "contoso",
            "--project",
            "web",
            "--feed",
            "crates",
        ])
        .args(["--no-providers", "--no-login"])
        .assert()
        .success();
    let feed = FakeFeed::with_pat(MINTED);
    let server = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let retired = OffsetDateTime::now_utc().date()
        >= time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
    // As data (`--json`) the backticks go, so they are compared without.
    let global = "One more cause since 2026-12-01: it is a global PAT (made for \"All accessible \
                  organizations\"), which Azure DevOps stopped accepting on 2026-12-01: \
                  feedctl login --mint makes one scoped to the feed's organization, or create a \
                  new PAT for that one organization.";
    let refusals = |sandbox: &Sandbox| {
        let with = |vars: &[(&str, &str)]| {
            let mut cmd = sandbox.feedctl_with(vars);
            cmd.env(DEVOPS_VAR, devops.url());
            cmd
        };
        let login = with(&[])
            .args(["login", "--pat-stdin"])
            .write_stdin(format!("{PASTED}\n"))
            .output()
            .unwrap();
        assert_eq!(login.status.code(), Some(4), "{}", login.stderr_text());
        let env = with(&[("THE_PAT", PASTED)])
            .args(["env", "--pat-env", "THE_PAT", "--verify"])
            .output()
            .unwrap();
        assert_eq!(env.status.code(), Some(4), "{}", env.stderr_text());
        let doctor = |header: &str| {
            let out = with(&[("CARGO_REGISTRIES_CRATES_TOKEN", header)])
                .args(["doctor", "--json"])
                .output()
                .unwrap();
            check(&json_of(&out), "token.accepted")["message"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let bearer = doctor("Bearer eyJ0eXAiOiJKV1QifQ.eyJleHAiOjEyM30.c2ln");
        let refused = [
            ("login", login.stderr_text()),
            ("env --verify", env.stderr_text()),
            ("doctor", doctor(&basic(PASTED))),
        ];
        (refused, bearer)
    };
    for (sandbox, expected) in [(&services, retired), (&server, false)] {
        let (refused, bearer) = refusals(sandbox);
        for (what, text) in refused {
            assert_hidden(what, &text, &pat_forms(PASTED));
            says(what, &text, &["the PAT expired"]);
            assert_eq!(
                text.replace('`', "").contains(global),
                expected,
                "{what}: {text}"
            );
        }
        says("Bearer", &bearer, &["rejected the token"]);
        assert!(!bearer.contains("global"), "{bearer}");
    }
}

/// cargo's OS store cannot be read by other programs: the record is all there is, and every
/// output says so instead of claiming a match.
#[test]
fn a_minted_pat_in_an_os_store_is_known_by_its_record_only() {
    let os = if cfg!(windows) {
        "cargo:wincred"
    } else if cfg!(target_os = "macos") {
        "cargo:macos-keychain"
    } else {
        "cargo:libsecret"
    };
    let feed = FakeFeed::with_pat(MINTED);
    let providers = format!("[registry]\nglobal-credential-providers = [\"{os}\"]\n");
    let sandbox = Sandbox::connected(&feed, &providers);
    minted_record(&sandbox, &feed, Duration::days(6) + Duration::hours(1));
    let expiry = status_expiry(&sandbox);
    assert_eq!(expiry["kind"], "minted", "{expiry}");
    assert!(expiry["matches_stored_token"].is_null(), "{expiry}");
    assert_eq!(expiry["days_left"], 6);
    says(
        "status",
        &status_text(&sandbox),
        &["minted by feedctl, says its record (the OS store cannot be read), expires"],
    );
    let json = json_of(&run(&sandbox, &["pat", "list", "--json"]));
    assert!(json["pats"][0]["in_use"].is_null(), "{json:#}");
    let table = run(&sandbox, &["pat", "list"]).stdout_text();
    says("pat list", &table, &[" unknown "]);
}
