//! Never a false verdict (issue 16): where feedctl says something about a setup, the real
//! cargo agrees. Registries cargo finds through `include`d files, tokens cargo reads from
//! config files and from its legacy `credentials`, a logout with nothing stored, a linked
//! legacy config, a `--pat-env` variable that is set to bytes that are not UTF-8, and
//! `--auth pat` as the way back from `--auth azure-cli`.

use std::fs;

use predicates::prelude::*;

use crate::support::json::{check, checks, json_of};
use crate::support::output::Streams;
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "false-pat-0123456789abcdefghijklmnopqrstuv";

fn doctor_json(sandbox: &Sandbox, vars: &[(&str, &str)]) -> serde_json::Value {
    let out = sandbox
        .feedctl_with(vars)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    json_of(&out)
}

/// A registry defined in a file the project config `include`s is reused, not given a second
/// name; where two names exist already, cargo refuses and so do doctor and connect.
#[test]
fn a_registry_in_an_included_file_is_the_one_cargo_sees() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let shared = format!("[registries.company]\nindex = \"{}\"\n", feed.index_url());
    sandbox.write_project_file(".cargo/shared.toml", &shared);
    sandbox.write_project_file(".cargo/config.toml", "include = [\"shared.toml\"]\n");
    sandbox
        .feedctl_pat(["connect", &feed.index_url(), "--store", "file"], PAT)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("registry `company`")
                .and(predicate::str::contains("shared.toml")),
        );
    let config = sandbox.read_project_file(".cargo/config.toml");
    assert!(config.contains("replace-with = \"company\""), "{config}");
    assert!(!config.contains("crates ="), "{config}");
    sandbox.cargo_build().assert().success();

    // A second name next to it: real cargo fails as soon as it asks the feed, and says why.
    let second = format!(
        "{config}[registries.crates]\nindex = \"{}\"\n",
        feed.index_url()
    );
    sandbox.write_project_file(".cargo/config.toml", &second);
    sandbox
        .cargo()
        .arg("generate-lockfile")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "multiple registries are configured with the same index url",
        ));
    let report = doctor_json(&sandbox, &[]);
    let unique = check(&report, "index.unique");
    assert_eq!(unique["status"], "fail", "{report:#}");
    assert!(
        unique["message"]
            .as_str()
            .unwrap()
            .starts_with("company (from ")
            && unique["message"]
                .as_str()
                .unwrap()
                .contains(", crates (from "),
        "{unique}"
    );
    assert_eq!(report["ok"], false);
    // connect cannot settle it by itself: it says so and writes nothing.
    let before = sandbox.read_project_file(".cargo/config.toml");
    sandbox
        .configure_cmd(&[
            &feed.index_url(),
            "--name",
            "crates",
            "--no-replace-crates-io",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("multiple registries"));
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), before);
}

/// A variable naming the feed's index is what cargo looks the token up by.
#[test]
fn an_index_variable_is_reused_and_checked() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let index = feed.index_url();
    let vars = [("CARGO_REGISTRIES_CI_INDEX", index.as_str())];
    sandbox
        .feedctl_with(&vars)
        .args(["connect", &index, "--no-providers", "--no-login"])
        .assert()
        .success()
        .stderr(predicate::str::contains("registry `ci`"));
    let config = sandbox.read_project_file(".cargo/config.toml");
    assert!(config.contains("replace-with = \"ci\""), "{config}");
    // The token cargo sends for the index is `ci`'s: the build works with that variable.
    let token = basic(PAT);
    sandbox
        .cargo_with(&[vars[0], ("CARGO_REGISTRIES_CI_TOKEN", token.as_str())])
        .args(["build", "--quiet"])
        .assert()
        .success();
    let report = doctor_json(&sandbox, &vars);
    assert!(
        checks(&report).iter().all(|c| c["id"] != "index.unique"),
        "{report:#}"
    );
}

/// cargo sends a `token` from the project config (cargo:token reads every config file):
/// doctor says it is committed, never that there is no token.
#[test]
fn a_token_in_the_project_config_is_the_one_cargo_sends() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let config = sandbox.read_project_file(".cargo/config.toml");
    let with_token = config.replacen(
        "[registries.",
        &format!(
            "[registries.crates]\ntoken = \"{}\"\n\n[registries.",
            basic(PAT)
        ),
        1,
    );
    // The registry may be written as `[registries] crates = { … }`; add the token either way.
    let with_token = if with_token == config {
        config.replace(
            &format!("index = \"{}\"", feed.index_url()),
            &format!(
                "index = \"{}\", token = \"{}\"",
                feed.index_url(),
                basic(PAT)
            ),
        )
    } else {
        with_token
    };
    assert_ne!(with_token, config);
    sandbox.write_project_file(".cargo/config.toml", &with_token);
    sandbox.cargo_build().assert().success();
    let report = doctor_json(&sandbox, &[]);
    assert_eq!(check(&report, "config.token")["status"], "fail");
    assert!(
        checks(&report).iter().all(|c| c["id"] != "token.present"),
        "{report:#}"
    );
    assert_eq!(
        check(&report, "token.accepted")["status"],
        "ok",
        "{report:#}"
    );
    let status = json_of(
        &sandbox
            .feedctl()
            .args(["status", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        status["registries"][0]["token"]["source"], "config_file",
        "{status:#}"
    );
    // `cargo logout` leaves that token alone (though cargo:token says "removed"); feedctl
    // says nothing was removed and that cargo still sends it.
    let out = sandbox
        .feedctl()
        .args(["logout", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", out.stderr_text());
    assert_eq!(json_of(&out)["removed"], false);
    let stderr = out.stderr_text();
    assert!(
        stderr.contains("cargo still sends a token for `crates`") && !stderr.contains("Logged out"),
        "{stderr}"
    );
}

/// Nothing stored: logout says so, exits 0, and the JSON says `removed: false`.
#[test]
fn logout_with_nothing_stored_says_so() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl()
        .args(["logout", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", out.stderr_text());
    assert_eq!(json_of(&out)["removed"], false);
    let stderr = out.stderr_text();
    assert!(
        stderr.contains("no token for `crates` was stored"),
        "{stderr}"
    );
    assert!(!stderr.contains("Logged out"), "{stderr}");
}

/// With cargo's legacy `credentials` file, that is the file cargo reads and writes, and the
/// one feedctl names.
#[test]
fn the_legacy_credentials_file_is_named_as_cargo_uses_it() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let legacy = sandbox.cargo_home().join("credentials");
    fs::write(&legacy, "# mine\n").unwrap();
    let out = sandbox
        .feedctl_pat(
            ["connect", &feed.index_url(), "--no-providers", "--json"],
            PAT,
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", out.stderr_text());
    let stderr = out.stderr_text();
    let shown = legacy.display().to_string();
    assert!(
        stderr.contains(&format!("`{shown}` (cargo:token)")),
        "{stderr}"
    );
    assert!(!stderr.contains("credentials.toml"), "{stderr}");
    assert_eq!(json_of(&out)["token_file"], shown);
    assert!(fs::read_to_string(&legacy).unwrap().contains(&basic(PAT)));
    assert!(!sandbox.cargo_home().join("credentials.toml").exists());
    sandbox.cargo_build().assert().success();
    // A different credentials.toml beside it is ignored by cargo: doctor says so.
    fs::write(sandbox.cargo_home().join("credentials.toml"), "").unwrap();
    let report = doctor_json(&sandbox, &[]);
    let legacy_check = check(&report, "config.legacy");
    assert!(
        legacy_check["message"]
            .as_str()
            .unwrap()
            .contains("credentials.toml"),
        "{legacy_check}"
    );
    assert_eq!(check(&report, "token.accepted")["status"], "ok");
}

/// cargo's documented trick, `.cargo/config` a link to `config.toml`, is one file.
#[cfg(unix)]
#[test]
fn a_legacy_config_linked_to_config_toml_gets_no_warning() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let cargo_dir = sandbox.project().join(".cargo");
    std::os::unix::fs::symlink("config.toml", cargo_dir.join("config")).unwrap();
    let out = sandbox
        .configure_cmd(&[&feed.index_url()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(!out.stderr_text().contains("both"), "{}", out.stderr_text());
    let report = doctor_json(&sandbox, &[("CARGO_REGISTRIES_CRATES_TOKEN", &basic(PAT))]);
    assert!(
        checks(&report).iter().all(|c| c["id"] != "config.legacy"),
        "{report:#}"
    );
    // The real cargo warns about neither.
    let cargo = sandbox
        .cargo_with(&[("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))])
        .args(["build"])
        .output()
        .unwrap();
    assert!(cargo.status.success(), "{}", cargo.stderr_text());
    assert!(
        !cargo.stderr_text().contains("both"),
        "{}",
        cargo.stderr_text()
    );
}

/// A `--pat-env` variable set to bytes that are not UTF-8 is set, not missing.
#[cfg(unix)]
#[test]
fn a_pat_env_variable_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let value = std::ffi::OsStr::from_bytes(b"pat\xff");
    for args in [&["login"][..], &["env"][..]] {
        sandbox
            .feedctl_with(&[("MY_PAT", value)])
            .args(args)
            .args(["--pat-env", "MY_PAT"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "the variable `MY_PAT` is set, but its value is not valid UTF-8",
            ));
    }
    // cargo fails on its own variable so set (unless a config file sets the key too, which it
    // then uses); doctor says why, not merely "no token".
    let bad = [("CARGO_REGISTRIES_CRATES_TOKEN", value)];
    sandbox
        .cargo_with(&bad)
        .arg("generate-lockfile")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error in environment variable `CARGO_REGISTRIES_CRATES_TOKEN`",
        ));
    let out = sandbox
        .feedctl_with(&bad)
        .args(["doctor", "--offline", "--json"])
        .output()
        .unwrap();
    let report = json_of(&out);
    let unicode = check(&report, "env.unicode");
    assert_eq!(unicode["status"], "warn", "{report:#}");
    assert!(
        unicode["message"]
            .as_str()
            .unwrap()
            .contains("CARGO_REGISTRIES_CRATES_TOKEN"),
        "{unicode}"
    );
    assert_eq!(check(&report, "token.present")["status"], "fail");
}

/// `--auth pat` with a token flag, the way back from `--auth azure-cli` the docs give.
#[test]
fn auth_pat_takes_the_token_flags() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox
        .feedctl_pat(
            [
                "connect",
                &feed.index_url(),
                "--store",
                "file",
                "--auth",
                "pat",
            ],
            PAT,
        )
        .assert()
        .success()
        .stderr(predicate::str::contains("Stored"));
    sandbox.cargo_build().assert().success();
    sandbox
        .feedctl_pat(["connect", &feed.index_url(), "--auth", "entra"], PAT)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--pat-stdin` cannot be used with `--auth entra`",
        ));
}
