//! `feedctl env`: one line of CI setup, checked by evaluating it in a real shell and building
//! with the real cargo against the loopback feed.

use std::fs;

use predicates::prelude::*;

use crate::support::output::Streams;
use crate::support::{FakeFeed, FeedSpec, Sandbox, basic};

const JOB_TOKEN: &str = "job-access-token-eyJ0eXAiOiJKV1QiLCJhbGciOi";

/// A sandbox whose project uses the feed under the dashed registry name `my-feed`.
fn connected_as_my_feed(feed: &FakeFeed) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.configure(&[&feed.index_url(), "--name", "my-feed"]);
    sandbox
}

#[test]
fn eval_of_env_makes_cargo_build_work_on_a_fresh_machine() {
    let feed = FakeFeed::start(
        FeedSpec::new("Coll", Some("web"), "crates").accept(format!("Bearer {JOB_TOKEN}")),
    );
    let sandbox = connected_as_my_feed(&feed);
    // No providers in CARGO_HOME at all: the emitted per-registry provider is enough.
    assert!(sandbox.read_cargo_home_file("config.toml").is_none());
    let feedctl = assert_cmd::cargo::cargo_bin!("feedctl");
    // The shell a CI job on this OS runs: PowerShell on Windows, sh elsewhere.
    let (shell, flag, script) = if cfg!(windows) {
        let script = format!(
            "$ErrorActionPreference = 'Stop'; & '{}' env --format powershell | Invoke-Expression; \
             cargo build --quiet; exit $LASTEXITCODE",
            feedctl.display()
        );
        ("powershell", "-Command", script)
    } else {
        let script = format!(
            "set -e; eval \"$('{}' env)\"; cargo build --quiet",
            feedctl.display()
        );
        ("sh", "-c", script)
    };
    let out = sandbox
        .command(shell)
        .args(
            ["-NoProfile", "-NonInteractive"]
                .iter()
                .filter(|_| cfg!(windows)),
        )
        .args([flag, &script])
        .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains(JOB_TOKEN), "{stderr}");
    assert_eq!(
        feed.download_authorizations(),
        [Some(format!("Bearer {JOB_TOKEN}"))]
    );
}

#[test]
fn a_missing_or_empty_token_fails_loudly() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates"));
    let sandbox = connected_as_my_feed(&feed);
    for value in [None, Some(""), Some("  ")] {
        let mut cmd = sandbox.feedctl();
        cmd.arg("env");
        if let Some(value) = value {
            cmd.env("SYSTEM_ACCESSTOKEN", value);
        }
        cmd.assert()
            .code(4)
            .stdout("")
            .stderr(predicate::str::contains(
                "SYSTEM_ACCESSTOKEN: $(System.AccessToken)",
            ));
    }
    sandbox
        .feedctl()
        .args(["env", "--pat-env", "EMPTY"])
        .env("EMPTY", "")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("`EMPTY` is unset or empty"));
}

#[test]
fn every_format_says_the_same_thing_in_its_own_syntax() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates"));
    let sandbox = connected_as_my_feed(&feed);
    let cases = [
        (
            "sh",
            format!(
                "export CARGO_REGISTRIES_MY_FEED_TOKEN='Bearer {JOB_TOKEN}'\nexport CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER='cargo:token'\n"
            ),
        ),
        (
            "powershell",
            format!(
                "$env:CARGO_REGISTRIES_MY_FEED_TOKEN = 'Bearer {JOB_TOKEN}'\n$env:CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER = 'cargo:token'\n"
            ),
        ),
        (
            "dotenv",
            format!(
                "CARGO_REGISTRIES_MY_FEED_TOKEN=Bearer {JOB_TOKEN}\nCARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER=cargo:token\n"
            ),
        ),
        (
            "azure-pipelines",
            format!(
                "##vso[task.setvariable variable=CARGO_REGISTRIES_MY_FEED_TOKEN;issecret=true]Bearer {JOB_TOKEN}\n##vso[task.setvariable variable=CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER]cargo:token\n"
            ),
        ),
    ];
    for (format, expected) in cases {
        let out = sandbox
            .feedctl()
            .args(["env", "--format", format])
            .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}");
        assert_eq!(out.stdout_text(), expected, "{format}");
        assert!(!out.stderr_text().contains(JOB_TOKEN), "{format}");
    }
    let out = sandbox
        .feedctl()
        .args(["env", "--pat-env", "MY_PAT"])
        .env("MY_PAT", "p4t")
        .output()
        .unwrap();
    assert!(
        out.stdout_text()
            .contains(&format!("TOKEN='{}'", basic("p4t")))
    );
}

#[test]
fn github_format_appends_to_github_env_and_masks() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", None, "crates"));
    let sandbox = connected_as_my_feed(&feed);
    let github_env = sandbox.home().join("github_env");
    fs::write(&github_env, "EXISTING=1\n").unwrap();
    let out = sandbox
        .feedctl()
        .args(["env", "--format", "github"])
        .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
        .env("GITHUB_ENV", &github_env)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = out.stdout_text();
    assert_eq!(
        stdout,
        format!("::add-mask::Bearer {JOB_TOKEN}\n::add-mask::{JOB_TOKEN}\n")
    );
    assert!(!out.stderr_text().contains(JOB_TOKEN));
    let written = fs::read_to_string(&github_env).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "EXISTING=1");
    let delimiter = lines[1]
        .strip_prefix("CARGO_REGISTRIES_MY_FEED_TOKEN<<")
        .expect("heredoc syntax");
    assert!(delimiter.starts_with("ghadelimiter_"));
    assert_eq!(lines[2], format!("Bearer {JOB_TOKEN}"));
    assert_eq!(lines[3], delimiter);
    assert!(lines[4].starts_with("CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER<<"));
    assert_eq!(lines[5], "cargo:token");
    // Without `$GITHUB_ENV` it fails before reading or verifying the token: no "Verified"
    // followed by a failure, no request.
    let before = feed.requests().len();
    sandbox
        .feedctl()
        .args(["env", "--format", "github", "--verify"])
        .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("$GITHUB_ENV"))
        .stderr(predicate::str::contains("Verified").not());
    assert_eq!(feed.requests().len(), before);
}

#[test]
fn registries_that_share_a_variable_are_called_out() {
    let sandbox = Sandbox::new();
    for name in ["my-feed", "my_feed"] {
        sandbox.configure(&["--org", "contoso", "--feed", name, "--no-replace-crates-io"]);
    }
    sandbox
        .feedctl()
        .arg("env")
        .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`my-feed` and `my_feed` read the same variable `CARGO_REGISTRIES_MY_FEED_TOKEN`",
        ));
}

/// `env --verify` with the job token: a refusal names the build service identity and its
/// role, never a PAT, and nothing is emitted.
#[test]
fn a_refused_job_token_names_the_build_service_not_a_pat() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates").accept(basic("other")));
    let sandbox = connected_as_my_feed(&feed);
    let out = sandbox
        .feedctl()
        .args(["env", "--verify"])
        .env("SYSTEM_ACCESSTOKEN", JOB_TOKEN)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("Build Service") && stderr.contains("Feed Reader"),
        "{stderr}"
    );
    assert!(!stderr.contains("PAT expired"), "{stderr}");
    assert!(!stderr.contains(JOB_TOKEN), "{stderr}");
    assert!(out.stdout.is_empty());
}
