//! `status`, `doctor`, `disconnect` and completions: what feedctl says about a setup, staged
//! broken on purpose against the loopback feed.

use std::fs;

use predicates::prelude::*;

use crate::support::config::foreign_store;
use crate::support::json::{checks, json_of};
use crate::support::output::Streams;
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "doctor-pat-00112233445566778899aabbccddeeff";

fn doctor(sandbox: &Sandbox, token: Option<&str>) -> (i32, String) {
    let mut cmd = sandbox.feedctl();
    cmd.arg("doctor");
    if let Some(token) = token {
        cmd.env("CARGO_REGISTRIES_CRATES_TOKEN", token);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap(), out.stdout_text())
}

#[test]
fn a_healthy_setup_passes_every_check() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let (code, out) = doctor(&sandbox, Some(&basic(PAT)));
    assert_eq!(code, 0, "{out}");
    // The fake feed is an Azure DevOps Server without the feed management REST API: that is
    // the one warning, and it says the rest is cargo's verdict.
    let warnings: Vec<&str> = out.lines().filter(|l| l.starts_with("warn")).collect();
    assert!(!out.contains("FAIL"), "{out}");
    assert!(
        warnings.len() == 1 && warnings[0].contains("has no feed management REST API"),
        "{out}"
    );
    assert!(out.contains("is accepted"), "{out}");
    assert!(!out.contains(PAT) && !out.contains(&basic(PAT)), "{out}");
}

#[test]
fn each_feed_answer_is_named_with_its_cause() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let (code, out) = doctor(&sandbox, Some(&basic("expired-pat")));
    assert_eq!(code, 7, "{out}");
    assert!(
        out.contains("HTTP 401")
            && out.contains("expired or was revoked")
            && out.contains("Packaging"),
        "{out}"
    );
    feed.set_forced_status(Some(403));
    let (code, out) = doctor(&sandbox, Some(&basic(PAT)));
    assert_eq!(code, 7, "{out}");
    assert!(
        out.contains("HTTP 403") && out.contains("fix: ask a feed owner"),
        "{out}"
    );
    feed.set_forced_status(Some(404));
    let (code, out) = doctor(&sandbox, Some(&basic(PAT)));
    assert_eq!(code, 7, "{out}");
    assert!(
        out.contains("HTTP 404") && out.contains("organization-scoped"),
        "{out}"
    );
    feed.set_forced_status(None);
    drop(feed);
    let (code, out) = doctor(&sandbox, Some(&basic(PAT)));
    assert_eq!(code, 7, "{out}");
    assert!(
        out.contains("could not reach") && out.contains("connection failed"),
        "{out}"
    );
}

#[test]
fn a_public_feed_without_force_auth_is_flagged() {
    let feed = FakeFeed::start(
        FeedSpec::new("Coll", None, "open")
            .public()
            .accept(basic(PAT)),
    );
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl()
        .arg("doctor")
        .env("CARGO_REGISTRIES_OPEN_TOKEN", basic(PAT))
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    assert!(
        stdout.contains("public feed") && stdout.contains("~force-auth"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&feed.force_auth_index_url()),
        "the fix must name the exact URL:\n{stdout}"
    );
}

#[test]
fn local_misconfigurations_are_named_offline() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "",
            Some("Basic x"),
            "authenticated registries require a credential-provider",
        ),
        (TOKEN_PROVIDERS, None, "no token for `crates`"),
        (
            TOKEN_PROVIDERS,
            Some("cGF0OnBhdA=="),
            "no `Basic ` or `Bearer ` scheme",
        ),
        (
            "[registry]\nglobal-credential-providers = [\"cargo:wincred\"]\n",
            Some("Basic x"),
            "cargo ignores it",
        ),
    ];
    for (home, token, expected) in cases {
        let sandbox = Sandbox::connected(&feed, home);
        let mut cmd = sandbox.feedctl();
        cmd.args(["doctor", "--offline"]);
        if let Some(token) = token {
            cmd.env("CARGO_REGISTRIES_CRATES_TOKEN", token);
        }
        cmd.assert()
            .code(7)
            .stdout(predicate::str::contains(*expected))
            .stdout(predicate::str::contains("fix: "));
    }
    assert!(feed.requests().is_empty(), "--offline made requests");
}

#[cfg(target_os = "linux")] // `cargo:libsecret` is the Linux OS store
#[test]
fn the_headless_libsecret_trap_is_diagnosed() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let sandbox = Sandbox::connected(
        &feed,
        "[registry]\nglobal-credential-providers = [\"cargo:token\", \"cargo:libsecret\"]\n",
    );
    sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .assert()
        .code(7)
        .stdout(
            predicate::str::contains("FAIL  libsecret")
                .and(predicate::str::contains("headless-Linux trap")),
        );
}

#[test]
fn status_json_describes_the_setup_without_the_token() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl()
        .args(["status", "--json"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = out.stdout_text();
    assert!(!text.contains(&basic(PAT)));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let registry = &json["registries"][0];
    assert_eq!(registry["name"], "crates");
    assert_eq!(registry["index_url"], feed.index_url());
    assert_eq!(registry["scope"], "project");
    assert_eq!(
        registry["token"],
        serde_json::json!({"source": "env_var", "location": "CARGO_REGISTRIES_CRATES_TOKEN"})
    );
    assert!(
        registry["defined_in"]
            .as_str()
            .unwrap()
            .ends_with(".cargo/config.toml")
    );
    assert_eq!(json["crates_io_replaced_with"], "crates");
    assert_eq!(
        json["credential_providers"],
        serde_json::json!(["cargo:token"])
    );
}

#[test]
fn disconnect_restores_the_file_byte_for_byte() {
    let before = "# team config\r\n[build]\r\njobs = 2 # ci\r\n\r\n[registries]\r\nother = { index = \"sparse+https://o/\" }\r\n";
    for existing in [Some(before), None] {
        let sandbox = Sandbox::new();
        if let Some(text) = existing {
            sandbox.write_project_file(".cargo/config.toml", text);
        }
        sandbox.configure(&["--org", "contoso", "--feed", "crates"]);
        sandbox
            .feedctl()
            .args(["disconnect", "--dry-run"])
            .assert()
            .success()
            .stdout(predicate::str::contains("-[source.crates-io]"));
        sandbox
            .feedctl()
            .arg("disconnect")
            .assert()
            .success()
            .stderr(predicate::str::contains("Removed registry `crates`"));
        match existing {
            Some(text) => assert_eq!(sandbox.read_project_file(".cargo/config.toml"), text),
            None => assert!(
                !sandbox.project().join(".cargo").exists(),
                "an emptied file and .cargo/ are removed"
            ),
        }
        sandbox
            .feedctl()
            .arg("disconnect")
            .assert()
            .success()
            .stderr(predicate::str::contains("Unchanged"));
    }
}

#[test]
fn disconnect_keeps_a_replacement_it_does_not_own_and_can_log_out() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    sandbox.feedctl_pat(["login"], PAT).assert().success();
    assert!(
        sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap()
            .contains("Basic")
    );
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!("[registries]\ncrates = {{ index = \"{}\" }}\n\n[source.crates-io]\nreplace-with = \"vendored\"\n", feed.index_url()),
    );
    sandbox
        .feedctl()
        .args(["disconnect", "--logout"])
        .assert()
        .success();
    assert_eq!(
        sandbox.read_project_file(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"vendored\"\n"
    );
    assert!(
        !sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap_or_default()
            .contains("Basic")
    );
}

#[test]
fn checked_in_completions_are_fresh() {
    let sandbox = Sandbox::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "feedctl.bash"),
        ("zsh", "_feedctl"),
        ("fish", "feedctl.fish"),
        ("powershell", "_feedctl.ps1"),
        ("elvish", "feedctl.elv"),
    ] {
        let out = sandbox
            .feedctl()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let checked_in = fs::read(root.join(file)).unwrap_or_default();
        assert!(
            out.stdout == checked_in,
            "completions/{file} is stale: run `cargo run -- completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn disconnect_says_when_cargo_still_uses_the_feed() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates").accept(basic(PAT)));
    let index = feed.index_url();
    // The feed in an `include`d file, which feedctl does not edit.
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.write_project_file(".cargo/config.toml", "include = [\"feed.toml\"]\n");
    sandbox.write_project_file(
        ".cargo/feed.toml",
        &format!(
            "[registries]\ncrates = {{ index = \"{index}\" }}\n\n[source.crates-io]\nreplace-with = \"crates\"\n"
        ),
    );
    for args in [&["disconnect"][..], &["disconnect", "--name", "crates"]] {
        sandbox
            .feedctl()
            .args(args)
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "cargo still uses registry `crates` here: it is defined in",
            ))
            .stderr(predicate::str::contains("feed.toml"));
    }
    // The oracle: cargo does still read the feed (and fails for want of a token).
    let out = sandbox.cargo().arg("generate-lockfile").output().unwrap();
    assert!(
        out.stderr_text().contains("crates"),
        "{}",
        out.stderr_text()
    );

    // The same feed also connected for the user: the project disconnect points at `--user`,
    // which then leaves nothing to warn about.
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    for extra in [&["--user"][..], &[]] {
        sandbox
            .feedctl()
            .args(["connect", &index, "--no-providers", "--no-login"])
            .args(extra)
            .assert()
            .success();
    }
    sandbox
        .feedctl()
        .arg("disconnect")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`feedctl disconnect --user` removes it",
        ));
    sandbox
        .feedctl()
        .args(["disconnect", "--user"])
        .assert()
        .success()
        .stderr(predicate::str::contains("still").not());
}

#[test]
fn a_token_cargo_never_asks_for_does_not_make_doctor_green() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    sandbox.feedctl_pat(["login"], PAT).assert().success();
    // Another OS's store (wherever the tests run, one of these two is foreign), a program that
    // does not exist: the good token in credentials.toml is never read by cargo.
    let foreign = foreign_store();
    let missing = "feedctl-test-no-such-provider";
    for (config, id) in [
        (
            format!(
                "{TOKEN_PROVIDERS}\n[registries.crates]\ncredential-provider = \"{foreign}\"\n"
            ),
            "token.provider",
        ),
        (
            format!(
                "{TOKEN_PROVIDERS}\n[registries.crates]\ncredential-provider = \"{missing}\"\n"
            ),
            "token.provider",
        ),
        (
            format!("[registry]\nglobal-credential-providers = [\"{foreign}\"]\n"),
            "token.present",
        ),
    ] {
        sandbox.write_home_config(&config);
        let out = sandbox
            .feedctl()
            .args(["doctor", "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{config}");
        let report = json_of(&out);
        assert!(
            checks(&report)
                .iter()
                .any(|c| c["id"] == id && c["status"] == "fail"),
            "{config}: {report}"
        );
        // The oracle.
        sandbox.cargo().arg("generate-lockfile").assert().failure();
    }
    // The registry's own list with cargo:token in it works, and doctor agrees.
    sandbox.write_home_config(&format!(
        "{TOKEN_PROVIDERS}\n[registries.crates]\ncredential-provider = \"cargo:token\"\n"
    ));
    sandbox.feedctl().arg("doctor").assert().success();
    sandbox.cargo().arg("generate-lockfile").assert().success();
}

#[test]
fn a_setting_cargo_cannot_parse_fails_doctor_as_it_fails_cargo() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    sandbox.feedctl_pat(["login"], PAT).assert().success();
    let config = sandbox.read_project_file(".cargo/config.toml");
    for (var, value, file_key) in [
        ("CARGO_HTTP_TIMEOUT", "abc", "[http]\ntimeout = \"30\"\n"),
        (
            "CARGO_HTTP_CHECK_REVOKE",
            "yes",
            "[http]\ncheck-revoke = 1\n",
        ),
        ("CARGO_NET_OFFLINE", "yes", "[net]\noffline = \"no\"\n"),
    ] {
        let out = sandbox
            .feedctl()
            .args(["doctor", "--json"])
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{var}");
        let text = out.stdout_text();
        assert!(
            text.contains("config.loadable") && text.contains(var),
            "{text}"
        );
        sandbox
            .cargo()
            .arg("generate-lockfile")
            .env(var, value)
            .assert()
            .failure();
        sandbox.write_project_file(".cargo/config.toml", &format!("{config}{file_key}"));
        let (code, text) = doctor(&sandbox, None);
        assert_eq!(code, 7, "{file_key}: {text}");
        sandbox.cargo().arg("generate-lockfile").assert().failure();
        sandbox.write_project_file(".cargo/config.toml", &config);
    }
    // Valid values are no obstacle, for either.
    for (var, value) in [("CARGO_HTTP_TIMEOUT", "30"), ("CARGO_NET_OFFLINE", "false")] {
        sandbox
            .feedctl()
            .arg("doctor")
            .env(var, value)
            .assert()
            .success();
        sandbox
            .cargo()
            .arg("generate-lockfile")
            .env(var, value)
            .assert()
            .success();
    }
}
