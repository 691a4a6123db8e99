//! All-or-nothing `connect` and exact `disconnect`: a failed step leaves every file
//! byte-identical, a re-run needs no `--force`, `disconnect` takes out exactly what
//! `connect` put in (and puts back what `--force` replaced), a dry run's diff applies to give
//! what a real run writes, and the JSON outputs keep their documented shape.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::config::foreign_store;
use crate::support::json::json_of;
use crate::support::output::Streams;
use crate::support::{FakeFeed, Sandbox};

const PAT: &str = "txn-pat-0123456789abcdefghijklmnopqrstuvwxyz0123456789";
/// The user's own `$CARGO_HOME/config.toml`, with a comment that must survive.
const USER_PROVIDERS: &str =
    "# mine\n[registry]\nglobal-credential-providers = [\"cargo:token\"]\n";

/// Every file and directory below the project and `$CARGO_HOME`, with its bytes; except
/// cargo's own lock files and caches (`.package-cache*`, `registry/`), which `cargo login`
/// creates while it fetches `config.json`, before it fails.
fn tree(sandbox: &Sandbox) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".package-cache") || name == "registry" {
                continue;
            }
            if path.is_dir() {
                out.insert(path.clone(), None);
                walk(&path, out);
            } else {
                out.insert(path.clone(), Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(sandbox.project(), &mut out);
    walk(sandbox.cargo_home(), &mut out);
    out
}

fn assert_same_tree(before: &BTreeMap<PathBuf, Option<Vec<u8>>>, sandbox: &Sandbox, what: &str) {
    let after = tree(sandbox);
    for (path, bytes) in before.iter() {
        assert!(
            after.get(path) == Some(bytes),
            "{what}: `{}` changed or vanished",
            path.display()
        );
    }
    for path in after.keys() {
        assert!(
            before.contains_key(path),
            "{what}: `{}` appeared",
            path.display()
        );
    }
}

/// Prepares a sandbox for one failure case and returns the `connect` arguments.
type Setup<'a> = dyn Fn(&Sandbox) -> Vec<String> + 'a;

fn file_store_connect_args(feed: &FakeFeed) -> Vec<String> {
    ["connect", &feed.index_url(), "--store", "file"]
        .map(String::from)
        .to_vec()
}

#[test]
fn failed_connects_leave_every_file_byte_identical_and_a_rerun_needs_no_force() {
    let feed = FakeFeed::with_pat(PAT);
    let user_project = "# team\n[build]\njobs = 2";
    let cases: [(&str, Box<Setup>, &str, i32); 3] = [
        (
            "404 feed",
            Box::new(|_| {
                let mut args = file_store_connect_args(&feed);
                args[1] = args[1].replace("/crates/", "/nope/");
                args
            }),
            PAT,
            5,
        ),
        (
            "rejected token",
            Box::new(|_| file_store_connect_args(&feed)),
            "wrong-pat",
            4,
        ),
        (
            "cargo login fails after the writes",
            Box::new(|sandbox| {
                // cargo cannot write `credentials.toml` when it is a directory.
                fs::create_dir_all(sandbox.cargo_home().join("credentials.toml")).unwrap();
                file_store_connect_args(&feed)
            }),
            PAT,
            1,
        ),
    ];
    for (what, args, pat, code) in cases {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", user_project);
        sandbox.write_home_config(USER_PROVIDERS);
        let args = args(&sandbox);
        let before = tree(&sandbox);
        let out = sandbox.feedctl_pat(&args, pat).output().unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
        assert!(!stderr.contains("Ready"), "{what}: {stderr}");
        assert_same_tree(&before, &sandbox, what);
        if what.starts_with("cargo login") {
            assert!(stderr.contains("restored"), "{stderr}");
            fs::remove_dir(sandbox.cargo_home().join("credentials.toml")).unwrap();
        }
        // The right input, no `--force`.
        sandbox
            .feedctl_pat(file_store_connect_args(&feed), PAT)
            .assert()
            .success()
            .stderr(predicate::str::contains("Ready"));
        sandbox.cargo_build().assert().success();
    }
}

#[test]
fn a_registry_with_the_same_index_is_reused_not_duplicated() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(USER_PROVIDERS);
    let before = format!(
        "[registries]\ncompany = {{ index = \"{}\" }}\n",
        feed.index_url()
    );
    sandbox.write_project_file(".cargo/config.toml", &before);
    sandbox
        .feedctl_pat(file_store_connect_args(&feed), PAT)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("registry `company`").and(predicate::str::contains("Ready")),
        );
    let after = sandbox.read_project_file(".cargo/config.toml");
    assert!(!after.contains("crates ="), "{after}");
    assert!(after.contains("replace-with = \"company\""), "{after}");
    sandbox.cargo_build().assert().success();
    sandbox.feedctl().arg("disconnect").assert().success();
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), before);
}

#[test]
fn force_is_undone_by_disconnect() {
    let before = "[registries]\ncrates = { index = \"sparse+https://old.example/index/\" } # ops\n\n[source.crates-io]\nreplace-with = \"vendored\" # offline\n\n[source.vendored]\ndirectory = \"vendor\"\n";
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config.toml", before);
    let feed = ["--org", "contoso", "--feed", "crates"];
    let with_force = [&feed[..], &["--force"]].concat();
    sandbox.configure_cmd(&feed).assert().code(3);
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), before);
    sandbox.configure(&with_force);
    let forced = sandbox.read_project_file(".cargo/config.toml");
    assert!(
        forced.contains("before connect, source.crates-io.replace-with = \"vendored\""),
        "{forced}"
    );
    // Running it again keeps the first record.
    sandbox.configure(&with_force);
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), forced);
    let out = sandbox
        .feedctl()
        .args(["disconnect", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json = json_of(&out);
    assert_eq!(json["restored"][0]["key"], "registries.crates.index");
    assert_eq!(json["restored"][1]["value"], "vendored");
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), before);
}

#[test]
fn disconnect_gives_back_the_users_file_exactly() {
    let cases = [
        "",
        "a = 1",
        "# only a comment\n[registries]\n",
        "[build]\r\njobs = 2",
        "\u{feff}# bom\n[source]\n",
        "[registries]\nother = { index = \"sparse+https://o.example/\" }\n[source.crates-io]\n",
    ];
    for before in cases {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", before);
        sandbox.configure(&["--org", "contoso", "--feed", "crates"]);
        sandbox.feedctl().arg("disconnect").assert().success();
        let path = sandbox.project().join(".cargo/config.toml");
        assert!(path.is_file(), "{before:?}: the user's file is gone");
        assert_eq!(fs::read_to_string(&path).unwrap(), before, "{before:?}");
    }
}

/// `patch` is a Unix tool; the diff's format is the same everywhere.
#[cfg(unix)]
#[test]
fn a_dry_run_diff_applies_to_what_a_real_run_writes() {
    let feed = FakeFeed::with_pat(PAT);
    let setup = |sandbox: &Sandbox| {
        sandbox.write_project_file(".cargo/config.toml", "# team\n[build]\njobs = 2");
        sandbox
            .write_home_config("[registry]\nglobal-credential-providers = [\"cargo:wincred\"]\n");
    };
    let dry = Sandbox::new();
    setup(&dry);
    let before = tree(&dry);
    let out = dry
        .feedctl()
        .args(file_store_connect_args(&feed))
        .args(["--no-login", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_same_tree(&before, &dry, "dry run");
    let diff = String::from_utf8(out.stdout).unwrap();
    // One diff per file; the project's is relative to the project dir, the home's absolute.
    let starts: Vec<usize> = diff
        .match_indices("--- ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || diff.as_bytes()[i - 1] == b'\n')
        .collect();
    assert_eq!(starts.len(), 2, "{diff}");
    let project_diff = &diff[starts[0]..starts[1]];
    let home_diff = &diff[starts[1]..];
    assert!(
        project_diff.starts_with("--- .cargo/config.toml\n+++ .cargo/config.toml\n"),
        "{project_diff}"
    );
    let apply = |dir: &Path, strip: &str, patch: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new("patch")
            .args([strip, "--batch", "--silent"])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("`patch` is installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(patch.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "{patch}");
    };
    apply(dry.project(), "-p0", project_diff);
    apply(Path::new("/"), "-p1", home_diff);

    let real = Sandbox::new();
    setup(&real);
    real.feedctl()
        .args(file_store_connect_args(&feed))
        .arg("--no-login")
        .assert()
        .success();
    assert_eq!(
        dry.read_project_file(".cargo/config.toml"),
        real.read_project_file(".cargo/config.toml")
    );
    assert_eq!(
        dry.read_cargo_home_file("config.toml"),
        real.read_cargo_home_file("config.toml")
    );

    let out = dry
        .feedctl()
        .args(["disconnect", "--dry-run", "--json"])
        .output()
        .unwrap();
    let json = json_of(&out);
    assert_eq!(json["dry_run"], true);
    assert!(
        json["files"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("-[registries]")
    );
}

#[test]
fn connect_dry_run_json_says_so_and_has_its_shape() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl()
        .args([
            "connect",
            "https://dev.azure.com/contoso/web/_artifacts/feed/crates",
        ])
        .args(["--store", "file", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json = json_of(&out);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["registry"], "crates");
    assert_eq!(json["feed"], "contoso/web/crates");
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
    assert_eq!(json["ready"], false);
    assert_eq!(json["providers"], serde_json::json!(["cargo:token"]));
    for key in [
        "verified",
        "token_stored",
        "token_provider",
        "token_file",
        "auth",
    ] {
        assert!(json.get(key).is_some(), "missing `{key}`: {json}");
    }
    let text = json.to_string();
    assert!(!text.contains("`"), "values are data, not Markdown: {text}");
    assert!(!sandbox.project().join(".cargo").exists());
}

#[test]
fn login_logout_and_providers_speak_json() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    let run_json = |args: &[&str], stdin: Option<String>| {
        let mut cmd = sandbox.feedctl();
        cmd.args(args);
        if let Some(stdin) = stdin {
            cmd.write_stdin(stdin);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", out.stderr_text());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('`') && !text.contains(PAT), "{text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let providers = run_json(&["providers", "--store", "file", "--json"], None);
    assert_eq!(providers["providers"], serde_json::json!(["cargo:token"]));
    assert_eq!(providers["token_provider"], "cargo:token");
    assert_eq!(providers["changed"], true);
    assert_eq!(providers["dry_run"], false);
    let connect = run_json(
        &[
            "connect",
            &feed.index_url(),
            "--no-providers",
            "--no-login",
            "--json",
        ],
        None,
    );
    assert_eq!(connect["dry_run"], false);
    assert_eq!(connect["ready"], false);
    let login = run_json(
        &["login", "--pat-stdin", "--json"],
        Some(format!("{PAT}\n")),
    );
    assert_eq!(login["registry"], "crates");
    assert_eq!(login["verified"], true);
    assert_eq!(login["token_provider"], "cargo:token");
    assert!(
        login["token_file"]
            .as_str()
            .unwrap()
            .ends_with("credentials.toml")
    );
    assert_eq!(login["overridden_by"], serde_json::Value::Null);
    let logout = run_json(&["logout", "--json"], None);
    assert_eq!(logout["registry"], "crates");
    assert_eq!(logout["removed"], true);
    let disconnect = run_json(&["disconnect", "--json"], None);
    assert_eq!(disconnect["registry"], "crates");
    assert_eq!(disconnect["files"][0]["removed"], true);
    assert_eq!(disconnect["logged_out"], serde_json::Value::Null);
}

#[test]
fn a_url_with_a_password_is_refused_and_never_echoed() {
    let sandbox = Sandbox::new();
    for url in [
        "https://me:s3cr3t-pw@dev.azure.com/contoso/_artifacts/feed/crates",
        "sparse+https://me:s3cr3t-pw@pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
        "me:s3cr3t-pw@dev.azure.com/contoso/_artifacts/feed/crates",
    ] {
        let out = sandbox
            .feedctl()
            .args(["-v", "connect", url, "--no-providers", "--no-login"])
            .output()
            .unwrap();
        let all = format!("{}{}", out.stdout_text(), out.stderr_text());
        assert_eq!(out.status.code(), Some(2), "{all}");
        assert!(!all.contains("s3cr3t"), "{all}");
        assert!(all.contains("password"), "{all}");
        assert!(!sandbox.project().join(".cargo").exists());
    }
}

#[test]
fn a_name_without_a_usable_env_var_is_refused_up_front() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .feedctl()
        .args([
            "connect", "--org", "contoso", "--feed", "crates", "--name", "données",
        ])
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("CARGO_REGISTRIES_") && stderr.contains("--name donn-es"),
        "{stderr}"
    );
    assert!(!sandbox.project().join(".cargo").exists());
    assert!(sandbox.read_cargo_home_file("config.toml").is_none());
}

#[test]
fn a_failed_disconnect_logout_puts_back_the_cargo_dir_connect_created() {
    let feed = FakeFeed::with_pat(PAT);
    let foreign = foreign_store();
    // `cargo logout` fails after the project file (and the `.cargo/` connect created) is
    // gone: on a credentials file it cannot parse (caught before any write), and on a provider
    // that cannot answer here (caught only by cargo, so the rollback brings both back).
    let broken = "[registries.crates]\ntoken = \"Basic unterminated\n";
    for broken_credentials in [true, false] {
        let sandbox = Sandbox::new();
        sandbox.write_home_config(USER_PROVIDERS);
        sandbox
            .feedctl_pat(file_store_connect_args(&feed), PAT)
            .assert()
            .success();
        if broken_credentials {
            fs::write(sandbox.cargo_home().join("credentials.toml"), broken).unwrap();
        }
        let before = tree(&sandbox);
        let mut cmd = sandbox.feedctl();
        cmd.args(["disconnect", "--logout"]);
        if !broken_credentials {
            cmd.env("CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER", foreign);
        }
        let out = cmd.output().unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("restore them by hand"), "{stderr}");
        assert!(!stderr.contains("unterminated"), "{stderr}");
        assert_same_tree(&before, &sandbox, &format!("broken {broken_credentials}"));
    }
}
