//! `feedctl connect`: the project config it writes, what it refuses, and the real cargo
//! building through the result.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::json::json_of;
use crate::support::output::Streams;
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "e2e-pat-0123456789abcdefghijklmnopqrstuvwxyz";
const INDEX: &str = "sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/";
/// The feed whose index is [`INDEX`].
const FEED: [&str; 6] = ["--org", "contoso", "--project", "web", "--feed", "crates"];

/// `connect` to [`FEED`] without the credential steps; callers add flags.
fn connect(sandbox: &Sandbox) -> Command {
    sandbox.configure_cmd(&FEED)
}

#[test]
fn cargo_builds_through_what_connect_wrote() {
    let feed = FakeFeed::start(
        FeedSpec::new("DefaultCollection", Some("Web Team"), "crates").accept(basic(PAT)),
    );
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox
        .feedctl()
        .args([
            "connect",
            "--server-url",
            &feed.server_url(),
            "--collection",
            "DefaultCollection",
        ])
        .args([
            "--project",
            "Web Team",
            "--feed",
            "crates",
            "--no-providers",
            "--no-login",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("Configured registry `crates`"));
    let config = sandbox.read_project_file(".cargo/config.toml");
    assert_eq!(
        config,
        format!(
            "[registries]\ncrates = {{ index = \"{}\" }}\n\n[source.crates-io]\nreplace-with = \"crates\"\n",
            feed.index_url()
        )
    );
    sandbox
        .cargo_build()
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .assert()
        .success();
    let seen = feed.requests();
    assert!(
        seen.iter().any(|r| r.path.ends_with("/download")
            && r.authorization.as_deref() == Some(basic(PAT).as_str())),
        "{seen:#?}"
    );
    assert!(
        seen.iter().all(|r| r
            .path
            .contains("/DefaultCollection/Web%20Team/_packaging/crates/")),
        "{seen:#?}"
    );
}

#[test]
fn running_twice_changes_nothing_the_second_time() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(
        ".cargo/config.toml",
        "# team settings\n[build]\njobs = 4 # CI box\n",
    );
    sandbox.configure(&FEED);
    let first = sandbox.read_project_file(".cargo/config.toml");
    assert_eq!(
        first,
        format!(
            "# team settings\n[build]\njobs = 4 # CI box\n\n[registries]\ncrates = {{ index = \"{INDEX}\" }}\n\n[source.crates-io]\nreplace-with = \"crates\"\n"
        )
    );
    let mtime = fs::metadata(sandbox.project().join(".cargo/config.toml"))
        .unwrap()
        .modified()
        .unwrap();
    connect(&sandbox)
        .assert()
        .success()
        .stderr(predicate::str::contains("already uses registry `crates`"));
    assert_eq!(sandbox.read_project_file(".cargo/config.toml"), first);
    let again = fs::metadata(sandbox.project().join(".cargo/config.toml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(mtime, again, "an unchanged file must not be rewritten");
}

/// (name, file before, extra args, file after) — edits that must keep everything else.
const EDITS: &[(&str, &str, &[&str], &str)] = &[
    (
        "inline registries table gets a sibling",
        "[registries]\nother = { index = \"sparse+https://o/\" } # theirs\n",
        &[],
        "[registries]\nother = { index = \"sparse+https://o/\" } # theirs\ncrates = { index = \"INDEX\" }\n\n[source.crates-io]\nreplace-with = \"crates\"\n",
    ),
    (
        "standard table for the same registry is updated in place",
        "[registries.crates]\n# pinned by ops\nindex = \"INDEX\"\n",
        &["--no-replace-crates-io"],
        "[registries.crates]\n# pinned by ops\nindex = \"INDEX\"\n",
    ),
    (
        "no-replace-crates-io writes only the registry",
        "",
        &["--no-replace-crates-io"],
        // The record lets `disconnect` keep the (empty) file the user had.
        "[registries]\ncrates = { index = \"INDEX\" }\n# feedctl(crates): before connect, this file was empty\n",
    ),
    (
        "force replaces a conflicting replacement and keeps its comment",
        "[source.crates-io]\nreplace-with = \"mirror\" # old mirror\n\n[source.mirror]\nregistry = \"sparse+https://m/\"\n",
        &["--force"],
        "[source.crates-io]\nreplace-with = \"crates\" # old mirror\n\n[source.mirror]\nregistry = \"sparse+https://m/\"\n\n[registries]\ncrates = { index = \"INDEX\" }\n# feedctl(crates): before connect, source.crates-io.replace-with = \"mirror\"\n",
    ),
    (
        "crlf files stay crlf",
        "[build]\r\njobs = 2\r\n",
        &["--no-replace-crates-io"],
        "[build]\r\njobs = 2\r\n\r\n[registries]\r\ncrates = { index = \"INDEX\" }\r\n",
    ),
];

#[test]
fn edits_keep_the_users_file() {
    for (name, before, args, after) in EDITS {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", &before.replace("INDEX", INDEX));
        connect(&sandbox).args(*args).assert().success();
        assert_eq!(
            sandbox.read_project_file(".cargo/config.toml"),
            after.replace("INDEX", INDEX),
            "{name}"
        );
    }
}

/// A run that must fail and leave the file as it was.
struct Refusal {
    name: &'static str,
    before: &'static str,
    args: &'static [&'static str],
    code: i32,
    /// Words the error must contain.
    words: &'static [&'static str],
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        name: "registry points elsewhere",
        before: "[registries]\ncrates = { index = \"sparse+https://elsewhere/\" }\n",
        args: &[],
        code: 3,
        words: &["registry `crates`", "sparse+https://elsewhere/", "--force"],
    },
    Refusal {
        name: "crates.io replaced by another source",
        before: "[source.crates-io]\nreplace-with = \"vendored\"\n",
        args: &[],
        code: 3,
        words: &["replaced with `vendored`", "--no-replace-crates-io"],
    },
    Refusal {
        name: "malformed toml",
        before: "[registries\ncrates = 1\n",
        args: &[],
        code: 1,
        words: &["failed to parse", "config.toml", "line 1, column"],
    },
    Refusal {
        name: "registries is not a table",
        before: "registries = \"nope\"\n",
        args: &[],
        code: 1,
        words: &["`registries`", "not a table"],
    },
    Refusal {
        name: "invalid registry name",
        before: "",
        args: &["--name", "my.feed"],
        code: 2,
        words: &["`my.feed`", "--name my-feed"],
    },
    Refusal {
        name: "crates-io name",
        before: "",
        args: &["--name", "crates-io"],
        code: 2,
        words: &["crates.io itself"],
    },
];

#[test]
fn refusals_leave_the_file_byte_for_byte() {
    for Refusal {
        name,
        before,
        args,
        code,
        words,
    } in REFUSALS
    {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", before);
        let assert = connect(&sandbox).args(*args).assert().code(*code);
        let stderr = assert.get_output().stderr_text();
        for word in *words {
            assert!(
                stderr.contains(word),
                "{name}: `{word}` missing from:\n{stderr}"
            );
        }
        assert_eq!(
            sandbox.read_project_file(".cargo/config.toml"),
            *before,
            "{name}"
        );
    }
}

#[test]
fn bad_flags_create_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["connect", "--org", "contoso", "--feed", "a/b"],
            "not a valid feed name",
        ),
        (
            &["connect", "--org", "con toso", "--feed", "f"],
            "organization name",
        ),
        (
            &[
                "connect",
                "--server-url",
                "http://tfs.contoso.com",
                "--collection",
                "C",
                "--feed",
                "f",
            ],
            "plain http",
        ),
        (
            &["connect", "https://example.com/feed"],
            "not an Azure Artifacts feed URL",
        ),
        (
            &[
                "connect",
                "--org",
                "contoso",
                "--project",
                "",
                "--feed",
                "f",
            ],
            "project",
        ),
        // Without an organization nothing can be listed (with one, the feeds are offered:
        // tests/connect_pick.rs, against the stand-in).
        (&["connect", "--project", "web"], "--feed"),
        (
            &["connect", "--collection", "C", "--feed", "f"],
            "--server-url",
        ),
    ];
    for (args, words) in cases {
        let sandbox = Sandbox::new();
        let assert = sandbox.feedctl().args(*args).assert().code(2);
        let stderr = assert.get_output().stderr_text();
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(
            !sandbox.project().join(".cargo").exists(),
            "{args:?} created .cargo/"
        );
    }
}

#[test]
fn dry_run_prints_a_diff_and_touches_nothing() {
    let sandbox = Sandbox::new();
    sandbox
        .feedctl()
        .args([
            "connect",
            "https://dev.azure.com/contoso/web/_artifacts/feed/crates/connect/cargo",
            "--dry-run",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("--- /dev/null"))
        .stdout(predicate::str::contains(format!(
            "+crates = {{ index = \"{INDEX}\" }}"
        )))
        .stdout(predicate::str::contains("+replace-with = \"crates\""));
    assert!(!sandbox.project().join(".cargo").exists());
    assert!(!sandbox.cargo_home().join("config.toml").exists());
}

#[test]
fn json_reports_the_result() {
    let sandbox = Sandbox::new();
    let out = connect(&sandbox).arg("--json").output().unwrap();
    assert!(out.status.success());
    let json = json_of(&out);
    assert_eq!(json["registry"], "crates");
    assert_eq!(json["index_url"], INDEX);
    assert_eq!(json["changed"], true);
    assert_eq!(json["scope"], "project");
    assert!(
        json["file"]
            .as_str()
            .unwrap()
            .ends_with(".cargo/config.toml")
    );
    let again = connect(&sandbox).arg("--json").output().unwrap();
    let json = json_of(&again);
    assert_eq!(json["changed"], false);
}

#[test]
fn the_workspace_root_config_is_used_from_a_member() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    sandbox.write_project_file(
        "crates/lib/Cargo.toml",
        "[package]\nname = \"lib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    sandbox.write_project_file("crates/lib/src/lib.rs", "");
    connect(&sandbox)
        .current_dir(sandbox.project().join("crates/lib/src"))
        .assert()
        .success();
    assert!(
        sandbox
            .read_project_file(".cargo/config.toml")
            .contains(INDEX)
    );
    assert!(!sandbox.project().join("crates/lib/.cargo").exists());
}

#[test]
fn a_legacy_config_file_is_edited_where_cargo_reads_it() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config", "[build]\njobs = 1\n");
    sandbox.configure(&FEED);
    assert!(sandbox.read_project_file(".cargo/config").contains(INDEX));
    assert!(!sandbox.project().join(".cargo/config.toml").exists());
}

#[cfg(unix)] // creating a symlink needs Developer Mode or admin rights on Windows
#[test]
fn a_symlinked_config_is_edited_through_the_link() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file("shared/cargo.toml", "[build]\njobs = 1\n");
    fs::create_dir_all(sandbox.project().join(".cargo")).unwrap();
    std::os::unix::fs::symlink(
        "../shared/cargo.toml",
        sandbox.project().join(".cargo/config.toml"),
    )
    .unwrap();
    sandbox.configure(&FEED);
    let link = fs::symlink_metadata(sandbox.project().join(".cargo/config.toml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        sandbox
            .read_project_file("shared/cargo.toml")
            .contains(INDEX)
    );
}

#[test]
fn concurrent_connects_all_land() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config.toml", "# shared\n");
    let children: Vec<_> = (0..8)
        .map(|i| {
            sandbox
                .feedctl_process()
                .args(["connect", "--org", "contoso", "--feed", &format!("feed{i}")])
                .args(["--no-replace-crates-io", "--no-providers", "--no-login"])
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let config = sandbox.read_project_file(".cargo/config.toml");
    for i in 0..8 {
        assert!(
            config.contains(&format!("feed{i} = {{ index = ")),
            "feed{i} lost:\n{config}"
        );
    }
    let leftovers: Vec<_> = fs::read_dir(sandbox.project().join(".cargo"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["config.toml"]);
}
