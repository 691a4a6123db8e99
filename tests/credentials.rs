//! Credentials: `providers`, `login`, `logout` and one-command onboarding with `connect`,
//! against the loopback feed and the real cargo — headless, and under a real Secret Service.

use std::fs;

use predicates::prelude::*;

use crate::support::output::Streams;
use crate::support::sandbox::text_under;
use crate::support::secrets::{assert_hidden, pat_forms};
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "onboard-pat-9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa99887766554433221100";

/// An Azure DevOps Server feed in its default collection, as these onboarding tests name it.
fn feed() -> FakeFeed {
    FakeFeed::start(FeedSpec::new("DefaultCollection", Some("web"), "crates").accept(basic(PAT)))
}

fn connect_by_server_args(feed: &FakeFeed) -> Vec<String> {
    [
        "connect",
        "--server-url",
        &feed.server_url(),
        "--collection",
        "DefaultCollection",
        "--project",
        "web",
        "--feed",
        "crates",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn one_connect_with_a_pat_on_stdin_makes_cargo_build_work() {
    let feed = feed();
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl_pat(connect_by_server_args(&feed), PAT)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert_hidden("stdout", &out.stdout_text(), &pat_forms(PAT));
    assert_hidden("stderr", &stderr, &pat_forms(PAT));
    assert_hidden(
        "the project's .cargo/",
        &text_under(&sandbox.project().join(".cargo")),
        &pat_forms(PAT),
    );
    // Headless (no D-Bus session in the sandbox): the file store, said out loud.
    assert!(
        stderr.contains("OS credential store cannot be used here"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Verified") && stderr.contains("credentials.toml"),
        "{stderr}"
    );
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        TOKEN_PROVIDERS
    );
    let credentials = sandbox.cargo_home().join("credentials.toml");
    assert!(
        fs::read_to_string(&credentials)
            .unwrap()
            .contains(&basic(PAT))
    );
    #[cfg(unix)] // Windows files have ACLs, not modes
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&credentials).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    sandbox.cargo_build().assert().success();
    assert_eq!(feed.download_authorizations(), [Some(basic(PAT))]);
}

#[test]
fn a_wrong_pat_is_refused_and_nothing_is_stored() {
    let feed = feed();
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl()
        .args(connect_by_server_args(&feed))
        .arg("--pat-stdin")
        .write_stdin("not-the-pat\n")
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("HTTP 401")
            && stderr.contains("Packaging")
            && stderr.contains("Nothing was stored"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-pat"), "{stderr}");
    assert!(sandbox.read_cargo_home_file("credentials.toml").is_none());
    assert!(
        feed.authorizations().contains(&basic("not-the-pat")),
        "the check must really ask the feed"
    );
}

#[test]
fn a_missing_feed_is_named_as_such() {
    let feed = feed();
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let mut args = connect_by_server_args(&feed);
    args[8] = "no-such-feed".into();
    sandbox
        .feedctl_pat(args, PAT)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("HTTP 404").and(predicate::str::contains("feed name")));
    assert!(sandbox.read_cargo_home_file("credentials.toml").is_none());
}

#[test]
fn without_a_token_source_connect_says_what_to_run_next() {
    let feed = feed();
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args(connect_by_server_args(&feed))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "feedctl login --name crates --pat-stdin",
        ));
    assert!(
        sandbox
            .read_project_file(".cargo/config.toml")
            .contains(&feed.index_url())
    );
    assert!(feed.requests().is_empty(), "no token, no request");
    sandbox.feedctl().arg("login").assert().code(4).stderr(
        predicate::str::contains("--pat-stdin")
            .and(predicate::str::contains("--pat-env"))
            .and(predicate::str::contains("--azure-cli")),
    );
}

#[test]
fn login_from_an_env_var_then_logout() {
    let feed = feed();
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args(connect_by_server_args(&feed))
        .args(["--store", "file"])
        .assert()
        .success();
    sandbox
        .feedctl()
        .args(["login", "--pat-env", "MY_PAT"])
        .env("MY_PAT", PAT)
        .env(
            "CARGO_REGISTRIES_CRATES_TOKEN",
            "Basic c29tZXRoaW5nOmVsc2U=",
        )
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`CARGO_REGISTRIES_CRATES_TOKEN` is set",
        ));
    assert!(
        sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap()
            .contains(&basic(PAT))
    );
    sandbox
        .feedctl()
        .args(["logout"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Logged out"));
    assert!(
        !sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap_or_default()
            .contains("Basic")
    );
    sandbox
        .feedctl()
        .args(["login", "--pat-env", "UNSET_VAR"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("`UNSET_VAR` is not set"));
}

#[test]
fn login_refuses_bad_tokens_before_any_request() {
    let feed = feed();
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args(connect_by_server_args(&feed))
        .arg("--no-login")
        .assert()
        .success();
    for (input, problem) in [("\n", "empty"), ("two words\n", "whitespace")] {
        sandbox
            .feedctl()
            .args(["login", "--pat-stdin"])
            .write_stdin(input)
            .assert()
            .code(4)
            .stderr(predicate::str::contains(problem));
    }
    assert!(feed.requests().is_empty());
    sandbox
        .feedctl()
        .args(["login", "--name", "nope", "--pat-stdin"])
        .write_stdin("x\n")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no registry `nope`")
                .and(predicate::str::contains("`crates`")),
        );
}

#[test]
fn providers_merge_into_the_users_list() {
    let sandbox = Sandbox::new();
    let before = "# my cargo home\n[registry]\nglobal-credential-providers = [\n    \"my-provider\", # corporate SSO\n]\n\n[net]\nretry = 5\n";
    sandbox.write_home_config(before);
    let out = sandbox
        .feedctl()
        .args(["providers", "--store", "file", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let diff = out.stdout_text();
    assert!(diff.contains("+    \"cargo:token\","), "{diff}");
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        before,
        "dry run wrote"
    );
    sandbox
        .feedctl()
        .args(["providers", "--store", "file"])
        .assert()
        .success();
    let after = sandbox.read_cargo_home_file("config.toml").unwrap();
    assert_eq!(
        after,
        "# my cargo home\n[registry]\nglobal-credential-providers = [\n    \"cargo:token\",\n    \"my-provider\", # corporate SSO\n]\n\n[net]\nretry = 5\n"
    );
    sandbox
        .feedctl()
        .args(["providers", "--store", "file"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Unchanged"));
    assert_eq!(sandbox.read_cargo_home_file("config.toml").unwrap(), after);
}

#[cfg(target_os = "linux")] // `cargo:libsecret` is the Linux OS store
#[test]
fn the_headless_trap_is_never_written_and_is_removed() {
    let sandbox = Sandbox::new();
    sandbox.write_home_config(
        "[registry]\nglobal-credential-providers = [\"cargo:token\", \"cargo:libsecret\"]\n",
    );
    sandbox
        .feedctl()
        .arg("providers")
        .assert()
        .success()
        .stderr(predicate::str::contains("removing `cargo:libsecret`"));
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        TOKEN_PROVIDERS
    );
    sandbox
        .feedctl()
        .args(["providers", "--store", "os"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "every authenticated cargo command will fail",
        ));
}

/// What the Secret Service test needs that a fresh machine may lack: the D-Bus session
/// launcher, gnome-keyring, and the `libsecret-1.so.0` that cargo's `cargo:libsecret` loads.
#[cfg(target_os = "linux")]
fn missing_secret_service_tools() -> Vec<&'static str> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = |tool: &str| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file());
    let mut missing: Vec<&str> = ["dbus-run-session", "gnome-keyring-daemon"]
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    // SAFETY: dlopen/dlclose with a valid C string; no symbol of the library is used.
    let libsecret = unsafe {
        let handle = libc::dlopen(c"libsecret-1.so.0".as_ptr(), libc::RTLD_LAZY);
        !handle.is_null() && libc::dlclose(handle) == 0
    };
    if !libsecret {
        missing.push("libsecret-1.so.0");
    }
    missing
}

/// The OS store for real: a private D-Bus session with an unlocked gnome-keyring. feedctl
/// must pick `cargo:libsecret`, cargo must store the token there (no credentials.toml) and
/// read it back for the build. Linux only: the Secret Service is the Linux OS store.
///
/// Without the tools the test is skipped with a line saying what to install, so `cargo
/// test` passes on any fresh machine; under `CI=true` (GitHub Actions, `.ci/run`) a missing
/// tool fails it, so CI always proves the keyring path.
#[cfg(target_os = "linux")]
#[test]
fn with_a_secret_service_the_token_goes_to_the_keyring() {
    let missing = missing_secret_service_tools();
    if !missing.is_empty() {
        let what = format!(
            "`{}` not found; on Debian/Ubuntu: `sudo apt-get install dbus gnome-keyring \
             libsecret-1-0` (elsewhere: dbus, gnome-keyring and libsecret)",
            missing.join("`, `")
        );
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        assert!(
            !ci,
            "CI=true and the Secret Service test cannot run: {what}"
        );
        // Straight to stderr: libtest hides `eprintln!` output of passing tests.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED credentials::with_a_secret_service_the_token_goes_to_the_keyring: {what}"
        );
        return;
    }
    let feed = feed();
    let sandbox = Sandbox::new();
    let runtime = sandbox.home().join("runtime");
    fs::create_dir_all(&runtime).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let feedctl = assert_cmd::cargo::cargo_bin!("feedctl");
    let connect = connect_by_server_args(&feed)
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let script = format!(
        "set -e\n\
         eval \"$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize)\"\n\
         export GNOME_KEYRING_CONTROL\n\
         printf '%s\\n' \"$FEEDCTL_TEST_PAT\" | '{feedctl}' {connect} --pat-stdin\n\
         unset FEEDCTL_TEST_PAT\n\
         cargo build --quiet\n",
        feedctl = feedctl.display()
    );
    let out = sandbox
        .command("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", sandbox.home().join("data"))
        .env("FEEDCTL_TEST_PAT", PAT)
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Secret Service keyring (cargo:libsecret)"),
        "{stderr}"
    );
    assert_hidden("stderr", &stderr, &pat_forms(PAT));
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        "[registry]\nglobal-credential-providers = [\"cargo:token\", \"cargo:libsecret\"]\n"
    );
    assert!(
        sandbox.read_cargo_home_file("credentials.toml").is_none(),
        "the token must not be on disk"
    );
    assert_eq!(feed.download_authorizations(), [Some(basic(PAT))]);
}

/// A person at a terminal: `script` gives feedctl a pseudo-terminal, so it prompts (hidden,
/// through /dev/tty) instead of asking for flags.
#[cfg(target_os = "linux")] // util-linux's `script` provides the pseudo-terminal
#[test]
fn at_a_terminal_login_prompts_without_echo() {
    let feed = feed();
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args(connect_by_server_args(&feed))
        .args(["--store", "file", "--no-login"])
        .assert()
        .success();
    let feedctl = assert_cmd::cargo::cargo_bin!("feedctl");
    // Type only once the prompt is up (a terminal echoes type-ahead before feedctl can turn
    // echo off), as a person would.
    let script = format!(
        "(sleep 1; printf '%s\\n' \"$TYPED\") | script -qec \"'{}' login\" /dev/null",
        feedctl.display()
    );
    let out = sandbox
        .command("sh")
        .args(["-c", &script])
        .env("TYPED", PAT)
        .output()
        .unwrap();
    let transcript = out.stdout_text();
    assert!(out.status.success(), "{transcript}");
    assert!(
        transcript.contains("Personal access token (input hidden):"),
        "{transcript}"
    );
    assert!(transcript.contains("Stored the token"), "{transcript}");
    assert_hidden("the terminal", &transcript, &pat_forms(PAT));
    assert!(
        sandbox
            .read_cargo_home_file("credentials.toml")
            .unwrap()
            .contains(&basic(PAT))
    );
}
