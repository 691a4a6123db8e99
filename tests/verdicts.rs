//! "Verified" means cargo will succeed: every way a feed (or the network in between) refuses
//! a token is named, makes `login`, `connect` and `env --verify` fail with the documented exit
//! code and store or emit nothing — and the real cargo fails on the same answers, while it
//! succeeds where feedctl said "Verified".

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::config::foreign_store;
use crate::support::json::{check, json_of};
use crate::support::output::Streams;
use crate::support::sandbox;
use crate::support::tls::{self, TlsFront};
use crate::support::{FakeFeed, FeedSpec, Refusal, Sandbox, TOKEN_PROVIDERS, basic};

const GOOD: &str = "verdict-good-pat-0123456789abcdefghijklmnopqrstuv";
const BAD: &str = "verdict-bad-pat-zyxwvutsrqponmlkjihgfedcba9876";

/// Each refusal, the exit code feedctl must use, and words its message must contain.
fn cases() -> Vec<(Refusal, i32, &'static str)> {
    vec![
        (Refusal::Unauthorized, 4, "HTTP 401"),
        (Refusal::SignInPage, 4, "sign-in page (HTTP 203)"),
        (
            Refusal::RedirectToSignIn,
            4,
            "after a redirect to `127.0.0.1",
        ),
        (Refusal::ProxyPage, 6, "not a feed"),
        (Refusal::Status(431), 4, "too large (HTTP 431)"),
        (Refusal::Status(429), 6, "retry after 30 s"),
        (Refusal::Status(407), 6, "HTTP 407"),
        (Refusal::Status(503), 6, "HTTP 503"),
        (Refusal::Status(410), 5, "HTTP 410"),
    ]
}

fn refusing_feed(refusal: Refusal) -> FakeFeed {
    FakeFeed::start(
        FeedSpec::new("Coll", Some("web"), "crates")
            .accept(basic(GOOD))
            .refuse_with(refusal),
    )
}

/// The oracle: the real `cargo generate-lockfile` with `pat` in the registry's token variable.
fn lockfile_with_pat(sandbox: &Sandbox, pat: &str) -> Command {
    let mut cmd = sandbox.cargo();
    cmd.arg("generate-lockfile")
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(pat));
    cmd
}

#[test]
fn login_never_says_verified_for_a_refused_token() {
    for (refusal, code, words) in cases() {
        let feed = refusing_feed(refusal.clone());
        let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
        let out = sandbox.feedctl_pat(["login"], BAD).output().unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(code), "{refusal:?}: {stderr}");
        assert!(stderr.contains(words), "{refusal:?}: {stderr}");
        assert!(!stderr.contains("Verified"), "{refusal:?}: {stderr}");
        assert!(
            stderr.contains("Nothing was stored"),
            "{refusal:?}: {stderr}"
        );
        assert!(
            sandbox.read_cargo_home_file("credentials.toml").is_none(),
            "{refusal:?}: a refused token was stored"
        );
        // The oracle: cargo, given the same token, fails on the same answer.
        lockfile_with_pat(&sandbox, BAD).assert().failure();
    }
}

#[test]
fn connect_is_not_ready_when_the_feed_answers_with_a_sign_in_page() {
    for refusal in [
        Refusal::SignInPage,
        Refusal::RedirectToSignIn,
        Refusal::ProxyPage,
    ] {
        let feed = refusing_feed(refusal.clone());
        let sandbox = Sandbox::new();
        sandbox.write_home_config(TOKEN_PROVIDERS);
        let out = sandbox
            .feedctl_pat(["connect", &feed.index_url(), "--no-providers"], BAD)
            .output()
            .unwrap();
        let stderr = out.stderr_text();
        assert!(!out.status.success(), "{refusal:?}: {stderr}");
        assert!(
            !stderr.contains("Verified") && !stderr.contains("Ready"),
            "{refusal:?}: {stderr}"
        );
        assert!(
            stderr.contains("sign-in page") || stderr.contains("not a feed"),
            "{refusal:?}: {stderr}"
        );
    }
}

#[test]
fn where_feedctl_says_verified_cargo_builds() {
    // The feeds that answer a wrong token with a sign-in page still take the right one.
    for refusal in [Refusal::SignInPage, Refusal::RedirectToSignIn] {
        let feed = refusing_feed(refusal.clone());
        let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
        sandbox
            .feedctl_pat(["login"], GOOD)
            .assert()
            .success()
            .stderr(predicate::str::contains("Verified"));
        sandbox.cargo().arg("build").assert().success();
        assert_eq!(feed.download_authorizations(), [Some(basic(GOOD))]);
    }
}

#[test]
fn a_pasted_authorization_header_is_not_encoded_twice() {
    let feed = refusing_feed(Refusal::SignInPage);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl()
        .args(["login", "--pat-stdin"])
        .write_stdin(format!("Authorization: {}\n", basic(GOOD)))
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("already an `Authorization` value"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(GOOD) && !stderr.contains(&basic(GOOD)),
        "{stderr}"
    );
    sandbox.cargo().arg("generate-lockfile").assert().success();
}

#[test]
fn env_verify_fails_the_step_and_emits_nothing() {
    for (refusal, code, words) in cases() {
        let feed = refusing_feed(refusal.clone());
        let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
        let github_env = sandbox.home().join("github_env");
        for format in ["sh", "github"] {
            let out = sandbox
                .feedctl()
                .args(["env", "--verify", "--pat-env", "PAT", "--format", format])
                .env("PAT", BAD)
                .env("GITHUB_ENV", &github_env)
                .output()
                .unwrap();
            let stderr = out.stderr_text();
            assert_eq!(out.status.code(), Some(code), "{refusal:?}: {stderr}");
            assert!(stderr.contains(words), "{refusal:?}: {stderr}");
            assert!(
                stderr.contains("Nothing was emitted"),
                "{refusal:?}: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{refusal:?} printed something");
            assert!(!github_env.exists(), "{refusal:?} appended to $GITHUB_ENV");
        }
    }
    // With the right token: verified, emitted, and cargo builds with what was emitted.
    let feed = refusing_feed(Refusal::SignInPage);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl()
        .args(["env", "--verify", "--pat-env", "PAT", "--format", "dotenv"])
        .env("PAT", GOOD)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Verified"), "{stderr}");
    let mut cargo = sandbox.cargo();
    cargo.arg("build");
    for line in out.stdout_text().lines() {
        let (name, value) = line.split_once('=').unwrap();
        cargo.env(name, value);
    }
    cargo.assert().success();
}

#[test]
fn an_unexpanded_pipeline_macro_is_refused_with_the_mapping() {
    let feed = refusing_feed(Refusal::Unauthorized);
    let sandbox = Sandbox::connected(&feed, TOKEN_PROVIDERS);
    for (args, var) in [
        (vec!["env"], "SYSTEM_ACCESSTOKEN"),
        (vec!["env", "--pat-env", "PAT"], "PAT"),
        (vec!["login", "--pat-env", "PAT"], "PAT"),
    ] {
        sandbox
            .feedctl()
            .args(&args)
            .env(var, "$(System.AccessToken)")
            .assert()
            .code(4)
            .stdout("")
            .stderr(
                predicate::str::contains("unexpanded Azure Pipelines macro").and(
                    predicate::str::contains("SYSTEM_ACCESSTOKEN: $(System.AccessToken)"),
                ),
            );
    }
    sandbox
        .feedctl()
        .args(["login", "--pat-stdin"])
        .write_stdin("$(System.AccessToken)\n")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("unexpanded"));
    assert!(feed.requests().is_empty(), "a macro was sent to the feed");
}

#[test]
fn a_private_ca_that_cargo_trusts_through_http_cainfo_works_for_feedctl_too() {
    let feed = refusing_feed(Refusal::Unauthorized);
    let front = TlsFront::start(&feed);
    let index = front.index_url(&feed);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.configure(&[&index]);
    // Untrusted: feedctl and cargo both fail, and feedctl points at `http.cainfo`.
    sandbox
        .feedctl_pat(["login"], GOOD)
        .assert()
        .code(6)
        .stderr(
            predicate::str::contains("certificate")
                .and(predicate::str::contains("http.cainfo"))
                .and(predicate::str::contains("Verified").not()),
        );
    lockfile_with_pat(&sandbox, GOOD).assert().failure();
    // `CARGO_HTTP_CAINFO`, then `http.cainfo` in cargo's config: feedctl trusts what cargo does.
    sandbox
        .feedctl()
        .args(["doctor", "--json"])
        .env("CARGO_HTTP_CAINFO", tls::test_ca())
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(GOOD))
        .assert()
        .success();
    sandbox.write_home_config(&format!(
        "{TOKEN_PROVIDERS}\n[http]\ncainfo = {:?}\n",
        tls::test_ca().display().to_string()
    ));
    sandbox
        .feedctl_pat(["login"], GOOD)
        .assert()
        .success()
        .stderr(predicate::str::contains("Verified"));
    sandbox.cargo().arg("generate-lockfile").assert().success();
}

#[test]
fn offline_cargo_gets_no_verified_and_a_doctor_warning() {
    let feed = refusing_feed(Refusal::Unauthorized);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    // Offline from the environment: connect refuses before checking the token (`cargo login`
    // would fail after "Verified") and writes nothing.
    let files = || [sandbox.project(), sandbox.cargo_home()].map(sandbox::text_under);
    let before = files();
    let out = sandbox
        .feedctl_pat(["connect", &feed.index_url()], GOOD)
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`CARGO_NET_OFFLINE=true`"), "{stderr}");
    assert!(
        !stderr.contains("Verified") && !stderr.contains("Ready"),
        "{stderr}"
    );
    assert_eq!(files(), before);
    assert!(feed.requests().is_empty(), "{:?}", feed.requests());

    // Offline from a config file, with a good token stored: doctor warns, and cargo (the
    // oracle) cannot resolve the feed's crate with an empty cache.
    sandbox
        .feedctl_pat(["connect", &feed.index_url(), "--no-providers"], GOOD)
        .assert()
        .success();
    let offline = "[net]\noffline = true\n";
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "{}{offline}",
            sandbox.read_project_file(".cargo/config.toml")
        ),
    );
    sandbox
        .feedctl_pat(["login"], GOOD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`net.offline = true` in `"));
    let out = sandbox
        .feedctl()
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let report = json_of(&out);
    let check = check(&report, "net.offline");
    assert_eq!(check["status"], "warn");
    sandbox.cargo().arg("generate-lockfile").assert().failure();

    // A variable set to `false` beats the file, for cargo and for feedctl.
    sandbox
        .feedctl()
        .arg("doctor")
        .env("CARGO_NET_OFFLINE", "false")
        .assert()
        .success()
        .stdout(predicate::str::contains("offline").not());
    sandbox
        .cargo()
        .arg("generate-lockfile")
        .env("CARGO_NET_OFFLINE", "false")
        .assert()
        .success();
}

#[test]
fn a_registry_provider_that_cannot_store_stops_connect_and_login_before_verified() {
    let feed = refusing_feed(Refusal::Unauthorized);
    let sandbox = Sandbox::new();
    // Another OS's store as the registry's own provider: `cargo login` would fail on it.
    let foreign = foreign_store();
    let home =
        format!("{TOKEN_PROVIDERS}\n[registries.crates]\ncredential-provider = \"{foreign}\"\n");
    sandbox.write_home_config(&home);
    let files = || [sandbox.project(), sandbox.cargo_home()].map(sandbox::text_under);
    let before = files();
    let out = sandbox
        .feedctl_pat(["connect", &feed.index_url()], GOOD)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!("own credential provider `{foreign}`")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Verified") && !stderr.contains("Ready"),
        "{stderr}"
    );
    assert_eq!(files(), before);
    assert!(feed.requests().is_empty(), "{:?}", feed.requests());

    // The same from a variable, for `login`.
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.configure(&[&feed.index_url()]);
    sandbox
        .feedctl_pat(["login"], GOOD)
        .env("CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER", foreign)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "unset `CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER`",
        ))
        .stderr(predicate::str::contains("Verified").not());
    assert!(sandbox.read_cargo_home_file("credentials.toml").is_none());
    // The oracle: cargo cannot get a token through that provider either.
    lockfile_with_pat(&sandbox, GOOD)
        .env("CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER", foreign)
        .assert()
        .failure();
}

#[test]
fn connect_is_not_ready_where_an_env_token_overrides_the_verified_one() {
    let feed = refusing_feed(Refusal::Unauthorized);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let connect = |env_token: &str| {
        sandbox
            .feedctl_pat(["connect", &feed.index_url(), "--no-providers"], GOOD)
            .env("CARGO_REGISTRIES_CRATES_TOKEN", env_token)
            .output()
            .unwrap()
    };
    let out = connect(&basic(BAD));
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Verified"), "{stderr}");
    assert!(!stderr.contains("Ready"), "{stderr}");
    assert!(
        stderr
            .contains("not ready in this environment: cargo sends `CARGO_REGISTRIES_CRATES_TOKEN`"),
        "{stderr}"
    );
    // The oracle: cargo in that environment fails, without the variable it builds.
    lockfile_with_pat(&sandbox, BAD).assert().failure();
    sandbox.cargo().arg("generate-lockfile").assert().success();
    // The variable holding the same token is no obstacle.
    let out = connect(&basic(GOOD));
    let stderr = out.stderr_text();
    assert!(stderr.contains("Ready"), "{stderr}");
    assert!(!stderr.contains("is set in this environment"), "{stderr}");
}
