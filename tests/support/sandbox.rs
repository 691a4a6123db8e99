//! A throw-away world for one test: a cargo project, `CARGO_HOME`, `HOME` and a target dir,
//! all inside one [`TempDir`], plus commands that run feedctl and the real cargo in it with a
//! hermetic environment.
//!
//! Hermetic means: the child's environment is cleared, then only `PATH`, `HOME`,
//! `CARGO_HOME`, `RUSTUP_HOME`, `RUSTUP_TOOLCHAIN` (if set), `RUST_BACKTRACE=0`,
//! `CARGO_TERM_COLOR=never` and `CARGO_TARGET_DIR` are set (on Windows also `USERPROFILE`
//! and the system variables every program needs, such as `SystemRoot`), plus
//! `FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE` and `FEEDCTL_TEST_ARC_HIMDS_FILE` pointing at files
//! that do not exist, so that feedctl never takes the machine running the tests for an Azure VM
//! or an Arc server, and never asks IMDS or the Arc agent.
//! Nothing from the developer's `~/.cargo` (config, credentials, caches) can leak in, and
//! nothing is written there.
//! Tests add what they need (e.g. `CARGO_REGISTRIES_<NAME>_TOKEN`) with `.env(..)`.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use super::FakeFeed;
use tempfile::TempDir;

const APP_MANIFEST: &str = r#"[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
azdemo = "0.1"
"#;

const APP_MAIN: &str = "fn main() {\n    println!(\"{}\", azdemo::answer());\n}\n";

/// `$CARGO_HOME/config.toml` listing only `cargo:token`: tokens from env vars and
/// `credentials.toml`.
pub const TOKEN_PROVIDERS: &str = "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n";

/// A temp dir holding `project/` (the `app` binary crate depending on `azdemo = "0.1"`),
/// `cargo-home/`, `home/` and `target/`. Everything is deleted on drop.
pub struct Sandbox {
    root: TempDir,
    project: PathBuf,
    cargo_home: PathBuf,
    home: PathBuf,
    target: PathBuf,
}

impl Sandbox {
    /// Creates the world. The project is not built; no config files exist yet.
    pub fn new() -> Sandbox {
        let root = tempfile::Builder::new()
            .prefix("feedctl-sandbox-")
            .tempdir()
            .expect("create sandbox temp dir");
        let sandbox = Sandbox {
            project: root.path().join("project"),
            cargo_home: root.path().join("cargo-home"),
            home: root.path().join("home"),
            target: root.path().join("target"),
            root,
        };
        for dir in [&sandbox.cargo_home, &sandbox.home] {
            fs::create_dir_all(dir).expect("create sandbox dirs");
        }
        sandbox.write_project_file("Cargo.toml", APP_MANIFEST);
        sandbox.write_project_file("src/main.rs", APP_MAIN);
        sandbox
    }

    /// The `app` project directory (cwd of [`feedctl`](Self::feedctl) and [`cargo`](Self::cargo)).
    pub fn project(&self) -> &Path {
        &self.project
    }

    /// The sandbox's `CARGO_HOME` (holds `config.toml`, `credentials.toml`, registry caches).
    pub fn cargo_home(&self) -> &Path {
        &self.cargo_home
    }

    /// The temp dir holding everything else (what snapshots show as `[ROOT]`).
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// The sandbox's `HOME`.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The feedctl binary under test, run in the project dir with the hermetic environment.
    pub fn feedctl(&self) -> Command {
        self.command(assert_cmd::cargo::cargo_bin!("feedctl").as_os_str())
    }

    /// The real cargo (the one running this test suite), in the project dir with the hermetic
    /// environment.
    pub fn cargo(&self) -> Command {
        self.command(real_cargo())
    }

    /// The real `cargo build --quiet` in the project: the oracle for whether a setup works.
    pub fn cargo_build(&self) -> Command {
        let mut cmd = self.cargo();
        cmd.args(["build", "--quiet"]);
        cmd
    }

    /// A project connected to `feed` (no providers step, no login) with `home_config` as
    /// `$CARGO_HOME/config.toml`, e.g. [`TOKEN_PROVIDERS`].
    pub fn connected(feed: &FakeFeed, home_config: &str) -> Sandbox {
        let sandbox = Sandbox::new();
        sandbox.write_home_config(home_config);
        sandbox.configure(&[&feed.index_url()]);
        sandbox
    }

    /// `feedctl connect <target…> --no-providers --no-login`, which must succeed: the
    /// registry is configured and no credential step runs. `target` names the feed (an index
    /// URL, or `--org … --feed …`) and may add flags such as `--name`.
    pub fn configure(&self, target: &[&str]) {
        self.configure_cmd(target).assert().success();
    }

    /// The command [`Sandbox::configure`] runs, for a caller that expects another outcome or
    /// adds flags.
    pub fn configure_cmd(&self, target: &[&str]) -> Command {
        let mut cmd = self.feedctl();
        cmd.arg("connect")
            .args(target)
            .args(["--no-providers", "--no-login"]);
        cmd
    }

    /// feedctl with `vars` added to the hermetic environment (e.g. a fake `az` first on
    /// `PATH`, or a CI platform's variables).
    pub fn feedctl_with<K: AsRef<OsStr>, V: AsRef<OsStr>>(&self, vars: &[(K, V)]) -> Command {
        let mut cmd = self.feedctl();
        cmd.envs(vars.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// The real cargo with `vars` added to the hermetic environment.
    pub fn cargo_with<K: AsRef<OsStr>, V: AsRef<OsStr>>(&self, vars: &[(K, V)]) -> Command {
        let mut cmd = self.cargo();
        cmd.envs(vars.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// `feedctl <args…> --pat-stdin` with `pat` typed on stdin, as a person pastes it.
    pub fn feedctl_pat<A: AsRef<OsStr>>(
        &self,
        args: impl IntoIterator<Item = A>,
        pat: &str,
    ) -> Command {
        let mut cmd = self.feedctl();
        cmd.args(args)
            .arg("--pat-stdin")
            .write_stdin(format!("{pat}\n"));
        cmd
    }

    /// feedctl with the hermetic environment as a plain `std` command, which can be spawned,
    /// raced and killed (`assert_cmd`'s only runs to completion).
    pub fn feedctl_process(&self) -> std::process::Command {
        let hermetic = self.feedctl();
        let mut cmd = std::process::Command::new(hermetic.get_program());
        cmd.env_clear();
        for (key, value) in hermetic.get_envs() {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            };
        }
        if let Some(dir) = hermetic.get_current_dir() {
            cmd.current_dir(dir);
        }
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        cmd
    }

    /// Writes `$CARGO_HOME/config.toml`, replacing what was there.
    pub fn write_home_config(&self, toml: &str) {
        write_file(&self.cargo_home.join("config.toml"), toml);
    }

    /// Writes a file below the project dir, creating parent dirs (e.g. `.cargo/config.toml`).
    pub fn write_project_file(&self, rel: &str, contents: &str) {
        write_file(&self.project.join(rel), contents);
    }

    /// Writes a project `.cargo/config.toml` with one registry, `crates`, at `index_url`.
    pub fn write_project_registry(&self, index_url: &str) {
        self.write_project_file(
            ".cargo/config.toml",
            &format!("[registries]\ncrates = {{ index = \"{index_url}\" }}\n"),
        );
    }

    /// Reads a file below the project dir; panics with the path if it cannot.
    pub fn read_project_file(&self, rel: &str) -> String {
        read_file(&self.project.join(rel))
    }

    /// Reads a file below `$CARGO_HOME` (e.g. `credentials.toml`); `None` if it does not exist.
    pub fn read_cargo_home_file(&self, rel: &str) -> Option<String> {
        let path = self.cargo_home.join(rel);
        path.exists().then(|| read_file(&path))
    }

    /// Any program, in the project dir with the hermetic environment (e.g. a wrapper such as
    /// `dbus-run-session` that runs feedctl and cargo inside it).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let program = program.as_ref();
        let mut cmd = Command::new(program);
        apply_hermetic_env(&mut cmd, &self.home, &self.cargo_home, &self.target);
        cmd.current_dir(&self.project);
        cmd
    }
}

/// The real cargo binary: `$CARGO` as `cargo test` sets it for test processes, else `cargo`
/// from `PATH` (the rustup proxy, which works because `RUSTUP_HOME` is passed on).
pub fn real_cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The real cargo with the hermetic environment built from the given dirs (no cwd set).
pub(crate) fn hermetic_cargo(home: &Path, cargo_home: &Path, target: &Path) -> Command {
    let mut cmd = Command::new(real_cargo());
    apply_hermetic_env(&mut cmd, home, cargo_home, target);
    cmd
}

fn apply_hermetic_env(cmd: &mut Command, home: &Path, cargo_home: &Path, target: &Path) {
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    // rustup's proxies (`rustc` on PATH) look for their toolchains under `$HOME/.rustup`
    // unless told otherwise, and HOME is about to change.
    let rustup_home = std::env::var_os("RUSTUP_HOME").or_else(|| {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(".rustup").into_os_string())
    });
    if let Some(rustup_home) = rustup_home {
        cmd.env("RUSTUP_HOME", rustup_home);
    }
    if let Some(toolchain) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        cmd.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    if cfg!(windows) {
        // Windows programs need these to start at all (Winsock needs `SystemRoot`) and to run
        // batch files; none of them points at anyone's cargo setup. The profile is the home.
        for name in [
            "SystemRoot",
            "SystemDrive",
            "windir",
            "ComSpec",
            "PATHEXT",
            "TEMP",
            "TMP",
        ] {
            if let Some(value) = std::env::var_os(name) {
                cmd.env(name, value);
            }
        }
        cmd.env("USERPROFILE", home);
    }
    cmd.env("HOME", home)
        .env("CARGO_HOME", cargo_home)
        .env("CARGO_TARGET_DIR", target)
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_TERM_COLOR", "never")
        // Even on an Azure VM, `--auth entra` must never ask the real IMDS from a test.
        .env(
            "FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE",
            home.join("no-dmi-chassis-asset-tag"),
        )
        // Nor take a machine with the Azure Arc agent installed for an Arc server.
        .env("FEEDCTL_TEST_ARC_HIMDS_FILE", home.join("no-arc-agent"));
    cmd.envs(LOOPBACK_ONLY);
}

/// Nothing a test starts reaches past loopback, even by mistake (a feed named without the
/// loopback override, a default host): with these variables feedctl (reqwest) and cargo
/// (curl) send every other request to a proxy on a loopback port where nothing listens, so it
/// fails there, without even a DNS lookup. Tests that exercise `http.proxy` set it in cargo's
/// config, which wins.
pub const LOOPBACK_ONLY: [(&str, &str); 8] = [
    ("HTTPS_PROXY", NOWHERE_PROXY),
    ("https_proxy", NOWHERE_PROXY),
    ("HTTP_PROXY", NOWHERE_PROXY),
    ("http_proxy", NOWHERE_PROXY),
    ("ALL_PROXY", NOWHERE_PROXY),
    ("all_proxy", NOWHERE_PROXY),
    ("NO_PROXY", LOOPBACK_HOSTS),
    ("no_proxy", LOOPBACK_HOSTS),
];

/// A proxy address on loopback where nothing listens (port 9, discard, is never served here).
const NOWHERE_PROXY: &str = "http://127.0.0.1:9";
/// The hosts tests may reach directly.
const LOOPBACK_HOSTS: &str = "127.0.0.1,localhost,::1,[::1]";

/// Every file below `dir`, recursively, as one lossy text (empty when `dir` does not exist):
/// for asserting that a secret is nowhere in a tree.
pub fn text_under(dir: &Path) -> String {
    let mut text = String::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text += &text_under(&path);
        } else {
            text += &String::from_utf8_lossy(&fs::read(&path).unwrap_or_default());
        }
    }
    text
}

/// Writes `contents` to `path`, creating parent dirs; panics with the path if it cannot.
pub fn write_file(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn read_file(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
