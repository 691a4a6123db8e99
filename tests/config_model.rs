//! feedctl's model of what cargo reads (issue 9, items 1 and 5), with cargo as the oracle:
//! `feedctl status --json` is compared with `cargo config get` (unstable, reached on stable
//! through cargo's test-only channel override) over config hierarchies with `include`s,
//! environment overrides, a member's closer config, legacy files and a workspace member
//! whose root is not above it; and where it matters, the real `cargo generate-lockfile` /
//! `cargo build` against the loopback feed decides.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::config::contoso_index;
use crate::support::json::{check, checks, json_of};
use crate::support::output::Streams;
use crate::support::sandbox::write_file;
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "model-pat-0123456789abcdefghijklmnopqrstuvwx";

/// `cargo config get KEY` in `dir` as JSON; `None` when cargo says it is not set.
fn cargo_get(sandbox: &Sandbox, dir: &Path, key: &str, env: &[(&str, &str)]) -> Option<Value> {
    let mut cmd = sandbox.cargo();
    cmd.current_dir(dir)
        .env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
        .args([
            "-Zunstable-options",
            "config",
            "get",
            "--format",
            "json-value",
            key,
        ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = out.stderr_text();
    if !out.status.success() {
        assert!(
            stderr.contains("is not set"),
            "cargo config get {key}: {stderr}"
        );
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// The file cargo names as the origin of `key` (`--show-origin`), canonicalized.
fn cargo_origin(sandbox: &Sandbox, dir: &Path, key: &str) -> PathBuf {
    let out = sandbox
        .cargo()
        .current_dir(dir)
        .env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
        .args(["-Zunstable-options", "config", "get", "--show-origin", key])
        .output()
        .unwrap();
    let text = out.stdout_text();
    let origin = text.split(" # ").nth(1).expect("an origin").trim();
    PathBuf::from(origin).canonicalize().unwrap()
}

fn status(sandbox: &Sandbox, dir: &Path, env: &[(&str, &str)]) -> Value {
    let mut cmd = sandbox.feedctl();
    cmd.current_dir(dir).args(["status", "--json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", out.stderr_text());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn registry<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["registries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no registry `{name}` in {status:#}"))
}

/// Asserts that feedctl and cargo agree, from `dir`, on the crates.io replacement (and the file
/// setting it), on each Azure registry's index, and on the provider lists.
fn assert_agree(sandbox: &Sandbox, dir: &Path, env: &[(&str, &str)]) -> Value {
    let ours = status(sandbox, dir, env);
    let replaced = cargo_get(sandbox, dir, "source.crates-io.replace-with", env);
    assert_eq!(
        ours["crates_io_replaced_with"],
        replaced.clone().unwrap_or(Value::Null),
        "{ours:#}"
    );
    if replaced.is_some() {
        let ours_in = PathBuf::from(ours["crates_io_replaced_in"].as_str().unwrap());
        assert_eq!(
            ours_in.canonicalize().unwrap(),
            cargo_origin(sandbox, dir, "source.crates-io.replace-with")
        );
    }
    for r in ours["registries"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let index = cargo_get(sandbox, dir, &format!("registries.{name}.index"), env);
        assert_eq!(Some(&r["index_url"]), index.as_ref(), "registry `{name}`");
        let own = cargo_get(
            sandbox,
            dir,
            &format!("registries.{name}.credential-provider"),
            env,
        );
        if let Some(own) = own {
            let argv: Vec<&str> = match &own {
                Value::String(s) => s.split_whitespace().collect(),
                list => list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect(),
            };
            assert_eq!(
                r["credential_providers"],
                serde_json::json!([argv.join(" ")])
            );
        }
    }
    let global = cargo_get(sandbox, dir, "registry.global-credential-providers", env);
    assert_eq!(ours["credential_providers_configured"], global.is_some());
    assert_eq!(
        ours["credential_providers"],
        global.unwrap_or(serde_json::json!([]))
    );
    ours
}

#[test]
fn an_included_file_that_replaces_crates_io_is_seen_as_cargo_sees_it() {
    let sandbox = Sandbox::new();
    let p = sandbox.project();
    write_file(
        &p.join(".cargo/config.toml"),
        "include = [\"../shared/feed.toml\", { path = \"local.toml\", optional = true }]\n\
         [registries.corp]\nindex = \"INDEX_OWN\"\n"
            .replace("INDEX_OWN", &contoso_index("own"))
            .as_str(),
    );
    write_file(
        &p.join("shared/feed.toml"),
        &format!(
            "include = [\"nested/more.toml\"]\n[registries.corp]\nindex = \"{}\"\n\
             [registries.team]\nindex = \"{}\"\n[source.crates-io]\nreplace-with = \"team\"\n",
            contoso_index("included"),
            contoso_index("team")
        ),
    );
    write_file(
        &p.join("shared/nested/more.toml"),
        &format!(
            "[registries.deep]\nindex = \"{}\"\n[registry]\nglobal-credential-providers = [\"cargo:token\"]\n",
            contoso_index("deep")
        ),
    );
    sandbox.write_home_config("[registry]\nglobal-credential-providers = [\"cargo:libsecret\"]\n");
    let ours = assert_agree(&sandbox, p, &[]);
    assert_eq!(ours["crates_io_replaced_with"], "team");
    // The including file beats its includes.
    assert_eq!(registry(&ours, "corp")["index_url"], contoso_index("own"));
    assert_eq!(registry(&ours, "deep")["index_url"], contoso_index("deep"));
    assert_eq!(
        ours["credential_providers"],
        serde_json::json!(["cargo:libsecret", "cargo:token"])
    );

    // Once the optional file exists, it counts, and a later include beats an earlier one.
    write_file(
        &p.join(".cargo/local.toml"),
        "[source.crates-io]\nreplace-with = \"deep\"\n",
    );
    let ours = assert_agree(&sandbox, p, &[]);
    assert_eq!(ours["crates_io_replaced_with"], "deep");
}

#[test]
fn a_member_config_shadows_the_root_and_a_legacy_file_wins() {
    let sandbox = Sandbox::new();
    let p = sandbox.project();
    write_file(
        &p.join(".cargo/config.toml"),
        &format!(
            "[registries.corp]\nindex = \"{}\"\n[source.crates-io]\nreplace-with = \"corp\"\n",
            contoso_index("root")
        ),
    );
    let member = p.join("member");
    write_file(
        &member.join("Cargo.toml"),
        "[package]\nname = \"member\"\nversion = \"0.1.0\"\n",
    );
    write_file(
        &member.join(".cargo/config.toml"),
        &format!(
            "[registries.other]\nindex = \"{}\"\n[source.crates-io]\nreplace-with = \"other\"\n",
            contoso_index("member")
        ),
    );
    let ours = assert_agree(&sandbox, &member, &[]);
    assert_eq!(ours["crates_io_replaced_with"], "other");
    assert_agree(&sandbox, p, &[]);

    // Both `config` and `config.toml`: cargo reads the legacy one.
    write_file(
        &member.join(".cargo/config"),
        &format!(
            "[registries.legacy]\nindex = \"{}\"\n[source.crates-io]\nreplace-with = \"legacy\"\n",
            contoso_index("legacy")
        ),
    );
    let ours = assert_agree(&sandbox, &member, &[]);
    assert_eq!(ours["crates_io_replaced_with"], "legacy");
    let doctor = sandbox
        .feedctl()
        .current_dir(&member)
        .args(["doctor", "--offline"])
        .output()
        .unwrap();
    let stdout = doctor.stdout_text();
    assert!(
        stdout.contains(&format!(
            "warn  config: `{}` exists, so cargo ignores `{}`",
            member.join(".cargo/config").display(),
            member.join(".cargo/config.toml").display()
        )),
        "{stdout}"
    );
    assert!(
        ours["registries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "other"),
        "{ours:#}"
    );
}

#[test]
fn environment_overrides_are_seen_as_cargo_sees_them() {
    let sandbox = Sandbox::new();
    let p = sandbox.project();
    write_file(
        &p.join(".cargo/config.toml"),
        &format!(
            "[registries.my-feed]\nindex = \"{}\"\ncredential-provider = \"cargo:libsecret\"\n\
             [source.crates-io]\nreplace-with = \"envonly\"\n",
            contoso_index("file")
        ),
    );
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let env_index = contoso_index("from-env");
    let only_index = contoso_index("only-env");
    let env = [
        ("CARGO_REGISTRIES_MY_FEED_INDEX", env_index.as_str()),
        (
            "CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER",
            "cargo:token",
        ),
        ("CARGO_REGISTRIES_ENVONLY_INDEX", only_index.as_str()),
        (
            "CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS",
            "cargo:libsecret cargo:wincred",
        ),
    ];
    let ours = assert_agree(&sandbox, p, &env);
    let my_feed = registry(&ours, "my-feed");
    assert_eq!(my_feed["index_url"], env_index);
    assert_eq!(my_feed["defined_in"], "env:CARGO_REGISTRIES_MY_FEED_INDEX");
    assert_eq!(
        my_feed["credential_provider_from"],
        "env:CARGO_REGISTRIES_MY_FEED_CREDENTIAL_PROVIDER"
    );
    assert_eq!(registry(&ours, "envonly")["index_url"], only_index);
    assert_eq!(
        ours["credential_providers"],
        serde_json::json!(["cargo:token", "cargo:libsecret", "cargo:wincred"])
    );
}

#[test]
fn http_settings_resolve_relative_paths_as_cargo_does() {
    let sandbox = Sandbox::new();
    let p = sandbox.project();
    write_file(
        &p.join(".cargo/config.toml"),
        "include = [\"net/http.toml\"]\n[http]\ntimeout = 7\n",
    );
    write_file(
        &p.join(".cargo/net/http.toml"),
        "[http]\ncainfo = \"certs/ca.pem\"\nproxy = \"http://me:pw-123@127.0.0.1:9\"\ncheck-revoke = false\n",
    );
    let ours = status(&sandbox, p, &[]);
    // cargo takes a relative path from the directory holding the `.cargo` directory of the
    // defining file: for `.cargo/net/http.toml` that is `.cargo/` itself.
    assert_eq!(
        ours["http"]["cainfo"],
        p.join(".cargo/certs/ca.pem").display().to_string()
    );
    assert_eq!(ours["http"]["timeout"], 7);
    assert_eq!(ours["http"]["check_revoke"], false);
    assert_eq!(ours["http"]["proxy"], "http://me:***@127.0.0.1:9");
    let sub = p.join("src");
    let ours = status(
        &sandbox,
        &sub,
        &[("CARGO_HTTP_CAINFO", "ca.pem"), ("CARGO_HTTP_TIMEOUT", "3")],
    );
    assert_eq!(
        ours["http"]["cainfo"],
        sub.join("ca.pem").display().to_string()
    );
    assert_eq!(ours["http"]["timeout"], 3);
}

#[test]
fn configs_cargo_rejects_are_rejected_too() {
    let sandbox = Sandbox::new();
    let p = sandbox.project();
    for (text, expected) in [
        ("include = \"other.toml\"\n", "list of strings"),
        ("include = [\"other\"]\n", "ending with `.toml`"),
        ("include = [\"missing.toml\"]\n", "missing.toml"),
        ("include = [\"config.toml\"]\n", "cycle"),
    ] {
        write_file(&p.join(".cargo/config.toml"), text);
        let cargo = cargo_get_output(&sandbox, p);
        assert!(!cargo.status.success(), "cargo accepted {text}");
        let out = sandbox
            .feedctl()
            .args(["status", "--json"])
            .output()
            .unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(1), "{text}: {stderr}");
        assert!(stderr.contains(expected), "{text}: {stderr}");
    }
}

fn cargo_get_output(sandbox: &Sandbox, dir: &Path) -> Output {
    sandbox
        .cargo()
        .current_dir(dir)
        .args(["generate-lockfile", "--offline"])
        .output()
        .unwrap()
}

#[test]
fn doctor_agrees_with_cargo_after_the_ci_recipe() {
    let feed =
        FakeFeed::start(FeedSpec::new("DefaultCollection", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::new();
    // No global providers: the CI recipe sets them per registry through the environment.
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "[registries.crates]\nindex = \"{}\"\n[source.crates-io]\nreplace-with = \"crates\"\n",
            feed.index_url()
        ),
    );
    let token = basic(PAT);
    let env = [
        ("CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER", "cargo:token"),
        ("CARGO_REGISTRIES_CRATES_TOKEN", token.as_str()),
    ];
    let mut cargo = sandbox.cargo();
    cargo.args(["generate-lockfile"]).envs(env);
    cargo.assert().success();
    let mut doctor = sandbox.feedctl();
    doctor.args(["doctor", "--offline", "--json"]).envs(env);
    let out = doctor.output().unwrap();
    let report = json_of(&out);
    assert_eq!(report["ok"], true, "{report:#}");
    let providers = check(&report, "providers.configured");
    assert_eq!(providers["status"], "ok", "{report:#}");

    // Without the variables cargo fails, and doctor says so.
    sandbox
        .cargo()
        .args(["generate-lockfile"])
        .assert()
        .failure();
    sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .assert()
        .code(7);
}

#[test]
fn an_index_without_sparse_fails_in_doctor_as_in_cargo() {
    let feed =
        FakeFeed::start(FeedSpec::new("DefaultCollection", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let git_style = feed.index_url().replacen("sparse+", "", 1);
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "[registries.crates]\nindex = \"{git_style}\"\n[source.crates-io]\nreplace-with = \"crates\"\n"
        ),
    );
    let token = basic(PAT);
    sandbox
        .cargo()
        .args(["generate-lockfile"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", &token)
        .assert()
        .failure();
    let out = sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", &token)
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    assert_eq!(out.status.code(), Some(7), "{stdout}");
    assert!(
        stdout.contains("FAIL  index `crates`") && stdout.contains("no `sparse+` prefix"),
        "{stdout}"
    );
}

#[test]
fn connect_in_a_member_whose_root_is_elsewhere_writes_where_cargo_reads() {
    let feed =
        FakeFeed::start(FeedSpec::new("DefaultCollection", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    // The project is a member of `../ws`, which is not above it.
    let ws = sandbox.project().parent().unwrap().join("ws");
    write_file(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"../project\"]\nresolver = \"2\"\n",
    );
    let manifest = sandbox.read_project_file("Cargo.toml");
    sandbox.write_project_file(
        "Cargo.toml",
        &manifest.replace(
            "edition = \"2021\"\n",
            "edition = \"2021\"\nworkspace = \"../ws\"\n",
        ),
    );
    sandbox
        .feedctl()
        .args(["connect", "--server-url", &feed.server_url()])
        .args(["--collection", "DefaultCollection", "--feed", "crates"])
        .args(["--no-providers", "--no-login"])
        .assert()
        .success()
        .stderr(predicates::str::contains("not above"));
    assert!(!ws.join(".cargo").exists());
    assert!(
        sandbox
            .read_project_file(".cargo/config.toml")
            .contains(&feed.index_url())
    );
    sandbox
        .cargo_build()
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .assert()
        .success();
}

#[test]
fn config_flags_cargo_would_not_read_are_refused_before_anything_is_written() {
    let sandbox = Sandbox::new();
    let before = sandbox.read_project_file("Cargo.toml");
    for (value, expected) in [
        ("Cargo.toml", "`--config Cargo.toml`"),
        ("feed.toml", "`--config feed.toml`"),
        ("C:\\proj\\.cargo\\config.toml", "Windows path"),
    ] {
        if cfg!(windows) && expected == "Windows path" {
            continue; // a Windows path is a path there
        }
        let out = sandbox
            .feedctl()
            .args([
                "connect", "--org", "contoso", "--feed", "crates", "--config", value,
            ])
            .args(["--no-providers", "--no-login"])
            .output()
            .unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains(expected), "{value}: {stderr}");
    }
    assert_eq!(sandbox.read_project_file("Cargo.toml"), before);
    assert!(!sandbox.project().join(".cargo").exists());
    assert!(!sandbox.project().join("feed.toml").exists());
}

#[test]
fn connect_outside_a_project_needs_user_which_writes_cargo_home() {
    let sandbox = Sandbox::new();
    let home = sandbox.home();
    let out = sandbox
        .feedctl()
        .current_dir(home)
        .args(["connect", "--org", "contoso", "--feed", "crates"])
        .args(["--no-providers", "--no-login"])
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--user"), "{stderr}");
    assert!(
        fs::read_dir(home).unwrap().next().is_none(),
        "nothing written in $HOME"
    );
    assert!(sandbox.read_cargo_home_file("config.toml").is_none());

    sandbox
        .feedctl()
        .current_dir(home)
        .args(["connect", "--org", "contoso", "--feed", "crates", "--user"])
        .args(["--no-providers", "--no-login"])
        .assert()
        .success();
    // cargo reads it everywhere, e.g. in `$HOME`, where `cargo install` would run.
    assert_eq!(
        cargo_get(&sandbox, home, "registries.crates.index", &[]),
        Some(Value::String(contoso_index("crates")))
    );
    assert_eq!(
        cargo_get(&sandbox, home, "source.crates-io.replace-with", &[]),
        Some(Value::String("crates".into()))
    );
    sandbox
        .feedctl()
        .current_dir(home)
        .args(["disconnect", "--user"])
        .assert()
        .success();
    assert_eq!(
        cargo_get(&sandbox, home, "registries.crates.index", &[]),
        None
    );
}

#[cfg(target_os = "linux")] // cargo:libsecret is a Linux provider
#[test]
fn doctor_names_the_project_file_that_lists_libsecret() {
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "[registries.crates]\nindex = \"{}\"\n[registry]\nglobal-credential-providers = [\"cargo:libsecret\"]\n",
            contoso_index("crates")
        ),
    );
    let out = sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    assert_eq!(out.status.code(), Some(7), "{stdout}");
    let project_config = sandbox.project().join(".cargo/config.toml");
    assert!(
        stdout.contains(&format!(
            "fix: remove `cargo:libsecret` from `{}`",
            project_config.display()
        )),
        "{stdout}"
    );
}

#[test]
fn doctor_reports_a_config_cargo_cannot_load_as_a_failed_check() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config.toml", "include = [\"gone.toml\"]\n");
    let out = sandbox
        .feedctl()
        .args(["doctor", "--offline", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let report = json_of(&out);
    let check = checks(&report).last().unwrap();
    assert_eq!(check["id"], "config.loadable");
    assert_eq!(check["status"], "fail");
    assert!(
        check["message"].as_str().unwrap().contains("gone.toml"),
        "{report:#}"
    );
}

#[test]
fn connect_refuses_an_edit_that_a_closer_config_would_shadow() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"member\"]\nresolver = \"2\"\n",
    );
    let member = sandbox.project().join("member");
    write_file(
        &member.join("Cargo.toml"),
        "[package]\nname = \"member\"\nversion = \"0.1.0\"\n",
    );
    let closer = member.join(".cargo/config.toml");
    write_file(
        &closer,
        "[registries.mirror]\nindex = \"sparse+http://127.0.0.1:9/index/\"\n[source.crates-io]\nreplace-with = \"mirror\"\n",
    );
    let connect = |env: &[(&str, &str)]| {
        let mut cmd = sandbox.feedctl();
        cmd.current_dir(&member)
            .args(["connect", "--org", "contoso", "--feed", "crates"])
            .args(["--no-providers", "--no-login"])
            .envs(env.iter().copied());
        cmd.output().unwrap()
    };
    let out = connect(&[]);
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("replaced with `mirror`") && stderr.contains(&closer.display().to_string()),
        "{stderr}"
    );
    assert!(
        !sandbox.project().join(".cargo").exists(),
        "nothing written"
    );
    // cargo agrees: from the member, crates.io still goes to `mirror`.
    assert_eq!(
        cargo_get(&sandbox, &member, "source.crates-io.replace-with", &[]),
        Some(Value::String("mirror".into()))
    );

    // A variable that redefines the registry shadows it just as well.
    fs::remove_file(&closer).unwrap();
    let other = contoso_index("elsewhere");
    let out = connect(&[("CARGO_REGISTRIES_CRATES_INDEX", other.as_str())]);
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("CARGO_REGISTRIES_CRATES_INDEX"), "{stderr}");
    assert!(
        !sandbox.project().join(".cargo").exists(),
        "nothing written"
    );

    // Without either, the root config is written and cargo sees it from the member.
    assert!(connect(&[]).status.success());
    assert_eq!(
        cargo_get(&sandbox, &member, "registries.crates.index", &[]),
        Some(Value::String(contoso_index("crates")))
    );
}
