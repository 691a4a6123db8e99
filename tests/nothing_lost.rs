//! Nothing lost when a program feedctl starts fails half-way: a `cargo login` or `cargo
//! logout` that truncates cargo's credentials file (a full disk) and then fails, or is
//! killed, leaves every file byte-identical (permissions too), whichever command ran it, and
//! the error names exactly the files feedctl put back.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::output::Streams;
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS};

const PAT: &str = "lost-pat-0123456789abcdefghijklmnopqrstuvwxyz0123456789";
/// Another registry's token, which a truncated `credentials.toml` would lose.
const OTHER: &str = "[registries.other]\ntoken = \"Basic b3RoZXItdG9rZW4tbm90LWZlZWRjdGxz\"\n";

/// A stand-in for cargo (found through `$CARGO`, as feedctl looks for it) that, for `login`
/// and `logout`, empties `$CARGO_HOME/$STANDIN_FILE` (`credentials.toml` unless set) the
/// way an interrupted rewrite leaves it, then fails, or is killed with `STANDIN_KILL=1`.
/// With `STANDIN_TOUCH=0` it fails without touching anything. Anything else goes to the real
/// cargo.
const STANDIN: &str = r#"#!/bin/sh
case "$1" in
  login|logout) ;;
  *) exec "$REAL_CARGO" "$@" ;;
esac
if [ "${STANDIN_TOUCH:-1}" = 1 ]; then
  : > "$CARGO_HOME/${STANDIN_FILE:-credentials.toml}"
fi
if [ "${STANDIN_KILL:-0}" = 1 ]; then
  kill -9 $$
fi
echo "error: failed to write credentials: No space left on device (os error 28)" >&2
exit 101
"#;

/// Every file and directory below the project and `$CARGO_HOME`, with its bytes and mode;
/// except cargo's caches.
fn tree(sandbox: &Sandbox) -> BTreeMap<PathBuf, (Option<Vec<u8>>, u32)> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (Option<Vec<u8>>, u32)>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".package-cache") || name == "registry" || name == "standin" {
                continue;
            }
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            if path.is_dir() {
                out.insert(path.clone(), (None, mode));
                walk(&path, out);
            } else {
                out.insert(path.clone(), (Some(fs::read(&path).unwrap()), mode));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(sandbox.project(), &mut out);
    walk(sandbox.cargo_home(), &mut out);
    out
}

fn standin(sandbox: &Sandbox) -> PathBuf {
    let dir = sandbox.root().join("standin");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cargo");
    fs::write(&path, STANDIN).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A project connected to `feed` with the token stored (by the real cargo) next to another
/// registry's, `credentials.toml` being 0600 as cargo leaves it.
fn logged_in(feed: &FakeFeed) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let credentials = sandbox.cargo_home().join("credentials.toml");
    fs::write(&credentials, OTHER).unwrap();
    fs::set_permissions(&credentials, fs::Permissions::from_mode(0o600)).unwrap();
    sandbox
        .feedctl_pat(["connect", &feed.index_url()], PAT)
        .assert()
        .success();
    assert!(fs::read_to_string(&credentials).unwrap().contains("other"));
    sandbox
}

/// Runs feedctl with the stand-in cargo and `vars`; returns its exit code and stderr.
fn run_failing(
    sandbox: &Sandbox,
    args: &[&str],
    stdin: Option<&str>,
    vars: &[(&str, &str)],
) -> (Option<i32>, String) {
    let mut cmd = sandbox.feedctl();
    cmd.args(args)
        .env("CARGO", standin(sandbox))
        .env("REAL_CARGO", crate::support::sandbox::real_cargo());
    cmd.envs(vars.iter().copied());
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), out.stderr_text())
}

#[test]
fn a_cargo_that_truncates_the_credentials_and_fails_loses_nothing() {
    let feed = FakeFeed::with_pat(PAT);
    let pat = format!("{PAT}\n");
    let url = feed.index_url();
    // (what, arguments, stdin, whether the project config is written before cargo runs)
    let commands: [(&str, Vec<&str>, Option<&str>, bool); 4] = [
        ("login", vec!["login", "--pat-stdin"], Some(&pat), false),
        ("logout", vec!["logout"], None, false),
        ("disconnect", vec!["disconnect", "--logout"], None, true),
        (
            "connect",
            vec!["connect", &url, "--name", "second", "--pat-stdin"],
            Some(&pat),
            true,
        ),
    ];
    for (what, args, stdin, writes_config) in &commands {
        for (how, vars) in [
            ("fails", vec![]),
            ("is killed", vec![("STANDIN_KILL", "1")]),
            (
                "fails on the legacy file",
                vec![("STANDIN_FILE", "credentials")],
            ),
        ] {
            let case = format!("{what}: cargo {how}");
            let sandbox = logged_in(&feed);
            if how.contains("legacy") {
                // cargo writes the legacy `credentials` when it exists.
                let home = sandbox.cargo_home();
                fs::rename(home.join("credentials.toml"), home.join("credentials")).unwrap();
            }
            if *what == "connect" {
                // A second connect of the same feed reuses the registry; give it another.
                sandbox.write_project_file(".cargo/config.toml", "# team\n");
            }
            let before = tree(&sandbox);
            let (code, stderr) = run_failing(&sandbox, args, *stdin, &vars);
            assert_eq!(code, Some(1), "{case}: {stderr}");
            assert!(
                tree(&sandbox) == before,
                "{case}: files differ afterwards; {stderr}"
            );
            let file = if how.contains("legacy") {
                "credentials`"
            } else {
                "credentials.toml`"
            };
            assert!(
                stderr.contains("every file is back as it was") && stderr.contains(file),
                "{case}: the message must name what was put back: {stderr}"
            );
            assert_eq!(
                stderr.contains("config.toml`"),
                *writes_config,
                "{case}: {stderr}"
            );
            assert!(!stderr.contains(PAT), "{case}: {stderr}");
        }
    }
}

#[test]
fn a_cargo_that_creates_a_credentials_file_and_fails_leaves_none() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.configure(&[&feed.index_url()]);
    let before = tree(&sandbox);
    let (code, stderr) = run_failing(
        &sandbox,
        &["login", "--pat-stdin"],
        Some(&format!("{PAT}\n")),
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(tree(&sandbox) == before, "{stderr}");
    assert!(!sandbox.cargo_home().join("credentials.toml").exists());
    assert!(stderr.contains("credentials.toml`"), "{stderr}");
}

#[test]
fn a_failure_that_changed_nothing_claims_no_restore() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = logged_in(&feed);
    let before = tree(&sandbox);
    let (code, stderr) = run_failing(&sandbox, &["logout"], None, &[("STANDIN_TOUCH", "0")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(tree(&sandbox) == before, "{stderr}");
    assert!(
        stderr.contains("`cargo logout --registry crates` failed")
            && stderr.contains("No space left")
            && !stderr.contains("restored"),
        "{stderr}"
    );
}

/// Runs feedctl with `stdin` as its standard input; returns its exit code, stdout and stderr.
fn run_with_stdin(
    sandbox: &Sandbox,
    args: &[&str],
    stdin: std::process::Stdio,
    vars: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let out = sandbox
        .feedctl_process()
        .args(args)
        .envs(vars.iter().copied())
        .stdin(stdin)
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    (out.status.code(), out.stdout_text(), out.stderr_text())
}

#[test]
fn an_endless_standard_input_is_refused_with_the_flag_and_the_limit() {
    let feed = FakeFeed::with_pat(PAT);
    let url = feed.index_url();
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.configure(&[&url]);
    let commands: [&[&str]; 3] = [
        &["login", "--pat-stdin"],
        &["connect", &url, "--pat-stdin"],
        &["env", "--pat-stdin"],
    ];
    for args in commands {
        for endless in ["/dev/zero", "a big file"] {
            let stdin = if endless == "/dev/zero" {
                fs::File::open("/dev/zero").unwrap()
            } else {
                let big = sandbox.root().join("big");
                fs::write(&big, "y".repeat(3 * 1024 * 1024)).unwrap();
                fs::File::open(big).unwrap()
            };
            let before = tree(&sandbox);
            let (code, stdout, stderr) = run_with_stdin(&sandbox, args, stdin.into(), &[]);
            assert_eq!(code, Some(2), "{args:?} < {endless}: {stderr}");
            assert!(
                stderr.contains("`--pat-stdin`") && stderr.contains("64 KiB"),
                "{args:?} < {endless}: {stderr}"
            );
            assert!(stdout.is_empty(), "{args:?}: {stdout}");
            assert!(tree(&sandbox) == before, "{args:?}: files changed");
        }
    }
}

#[test]
fn an_endless_service_account_token_file_is_refused() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    let before = tree(&sandbox);
    let vars = [
        ("AZURE_FEDERATED_TOKEN_FILE", "/dev/zero"),
        ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-0000000000c1"),
        ("AZURE_TENANT_ID", "00000000-0000-0000-0000-0000000000a1"),
        ("AZURE_AUTHORITY_HOST", "http://127.0.0.1:9"),
    ];
    let (code, _, stderr) = run_with_stdin(
        &sandbox,
        &["connect", &feed.index_url(), "--auth", "entra"],
        std::process::Stdio::null(),
        &vars,
    );
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("/dev/zero") && stderr.contains("64 KiB"),
        "{stderr}"
    );
    assert!(tree(&sandbox) == before, "files changed: {stderr}");
}

/// `cargo config get KEY --format json-value` in the project: what cargo makes of the file.
fn cargo_get(sandbox: &Sandbox, key: &str) -> String {
    let out = sandbox
        .cargo()
        .env("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly")
        .args([
            "-Zunstable-options",
            "config",
            "get",
            "--format",
            "json-value",
            key,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo config get {key}: {}",
        out.stderr_text()
    );
    out.stdout_text().trim().to_string()
}

#[test]
fn connect_then_disconnect_gives_back_every_shape_of_file_byte_for_byte() {
    let shapes = [
        "[registries.other]\nindex = \"sparse+https://o.example/\"\n",
        "[registries.other]\r\nindex = \"sparse+https://o.example/\"\r\n",
        "[registries.other]\nindex = \"sparse+https://o.example/\"",
        "registries.other.index = \"sparse+https://o.example/\"\n",
        "registries = { other = { index = \"sparse+https://o.example/\" } }\n",
        "# only a comment\n",
        "# only a comment",
        "# a comment\n\n",
        "\u{feff}# a comment\n",
        "# c\r\n",
        "[build]\njobs = 2\n# a comment after the last table\n",
        "[source.vendored]\ndirectory = \"vendor\"\n",
        "[source.vendored]\ndirectory = \"vendor\"",
        "source = { vendored = { directory = \"vendor\" } }\n",
        "",
        "\u{feff}",
        "  \n\n",
        "\t\n",
        "[build]\njobs = 2\n\n\n",
        "# top\n[registries]\n# inside\n",
        "# mixed\n[build]\r\njobs = 2\n",
        "# mixed\r\n[build]\njobs = 2",
        "[build]\r\njobs = 2\n# mixed\r\n\n[registries]\r\nother = { index = \"sparse+https://o.example/\" }\n",
    ];
    for before in shapes {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", before);
        sandbox.configure(&["--org", "contoso", "--feed", "crates"]);
        let connected = sandbox.read_project_file(".cargo/config.toml");
        assert_eq!(
            cargo_get(&sandbox, "registries.crates.index"),
            "\"sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/\"",
            "{before:?} gave {connected:?}"
        );
        assert_eq!(
            cargo_get(&sandbox, "source.crates-io.replace-with"),
            "\"crates\"",
            "{connected:?}"
        );
        // The user's comments stay above what connect adds (below a `[registries]` header
        // that it extends, a comment stays in that table).
        let first_new = connected.find("crates").unwrap();
        for comment in before
            .lines()
            .filter(|_| !before.contains("[registries]"))
            .filter(|l| l.trim_start_matches('\u{feff}').starts_with('#'))
        {
            let at = connected.find(comment.trim_end()).unwrap();
            assert!(at < first_new, "{before:?} gave {connected:?}");
        }
        assert!(
            !connected.contains("[registries]\n[registries.") && !connected.starts_with('\n'),
            "{before:?} gave {connected:?}"
        );
        sandbox.feedctl().arg("disconnect").assert().success();
        let path = sandbox.project().join(".cargo/config.toml");
        assert_eq!(
            fs::read(&path).unwrap(),
            before.as_bytes(),
            "{before:?} connected as {connected:?}"
        );
    }
}

/// Runs `feedctl login` in a shell on a new pseudo-terminal (python3's `pty`), presses
/// Ctrl-C at the hidden prompt after typing a few characters, and returns what the terminal
/// showed: the shell then prints feedctl's exit status and `stty -a`. `None` without python3.
fn interrupted_prompt(sandbox: &Sandbox, shell: &str) -> Option<String> {
    const DRIVER: &str = r#"
import os, pty, sys, time
shell, script = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(shell, [shell, "-c", script])
seen = b""
def read_until(marker, seconds):
    global seen
    deadline = time.time() + seconds
    while marker not in seen and time.time() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
read_until(b"input hidden", 60)
time.sleep(0.3)
os.write(fd, b"abc")
time.sleep(0.2)
os.write(fd, b"\x03")
read_until(b"END-OF-STTY", 60)
os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
"#;
    let feedctl = sandbox.feedctl();
    let mut cmd = std::process::Command::new("python3");
    cmd.env_clear();
    for (key, value) in feedctl.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    let script = format!(
        "'{}' login; echo \"exit=$?\"; stty -a; echo END-OF-STTY",
        feedctl.get_program().to_string_lossy()
    );
    let out = cmd
        .current_dir(sandbox.project())
        .args(["-c", DRIVER, shell, &script])
        .output()
        .ok()?;
    out.status.success().then(|| out.stdout_text())
}

#[test]
fn ctrl_c_at_the_hidden_prompt_leaves_echo_on_and_exits_130() {
    let feed = FakeFeed::with_pat(PAT);
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.configure(&[&feed.index_url()]);
    let before = tree(&sandbox);
    let shells: Vec<&str> = ["dash", "bash", "sh"]
        .into_iter()
        .filter(|s| {
            std::process::Command::new(s)
                .args(["-c", "exit 0"])
                .status()
                .is_ok_and(|st| st.success())
        })
        .collect();
    for shell in shells {
        let Some(screen) = interrupted_prompt(&sandbox, shell) else {
            eprintln!("skipped: no python3 or no pseudo-terminal here");
            return;
        };
        assert!(screen.contains("exit=130"), "{shell}: {screen}");
        assert!(
            screen.contains("interrupted at the token prompt"),
            "{shell}: {screen}"
        );
        let stty = &screen[screen.find("exit=130").unwrap()..];
        let flags: Vec<&str> = stty.split_whitespace().collect();
        for flag in ["echo", "icanon", "isig"] {
            assert!(
                flags.contains(&flag),
                "{shell}: `{flag}` is off after the prompt: {screen}"
            );
        }
        assert!(
            !screen.contains("abc"),
            "{shell}: the input was echoed: {screen}"
        );
        assert!(tree(&sandbox) == before, "{shell}: files changed");
    }
}
