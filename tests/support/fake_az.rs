//! [`FakeAz`]: the Azure CLI as recorded, on `PATH` as `az` (`az.cmd` on Windows).
//!
//! The program is `tests/fake-az/main.rs`, compiled with `rustc` once per test run into
//! cargo's per-target temp dir. It replays `tests/fixtures/azure-cli/<state>/` (real az 2.91
//! and 2.53 outputs, see the README there) for the state a test picks:
//!
//! ```ignore
//! let az = FakeAz::new(&sandbox, "user-ok-other-tenant").tenant_state("user-ok");
//! sandbox.cargo().arg("build").envs(az.vars()).assert().success();
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

use super::Sandbox;

/// The recorded states, as the folder names in `tests/fixtures/azure-cli/`.
pub const STATES: [&str; 19] = [
    "az-too-old",
    "managed-identity-error",
    "managed-identity-ok",
    "not-logged-in",
    "offline",
    "service-principal-ok",
    "service-principal-ok-tenant-level",
    "sp-secret-expired",
    "tls-intercepted",
    "user-cache-missing",
    "user-conditional-access",
    "user-mfa-required",
    "user-ok",
    "user-ok-other-tenant",
    "user-ok-tz-new-york",
    "user-refresh-expired",
    "user-tenant-not-found",
    "wif-assertion-expired",
    "wif-subject-mismatch",
];

pub use super::feed::ORG_TENANT;
/// The other tenant in the recordings (Fabrikam).
pub const OTHER_TENANT: &str = "0b1f6471-0000-4000-8000-00000000bbbb";

/// `tests/fixtures/azure-cli`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/azure-cli")
}

/// One recorded file of a state, e.g. `recorded("user-ok", "get-access-token.stdout")`.
pub fn recorded(state: &str, file: &str) -> String {
    let path = fixtures().join(state).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `Authorization` value feedctl hands cargo for a state's recorded token.
pub fn bearer_of(state: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&recorded(state, "get-access-token.stdout")).unwrap();
    format!("Bearer {}", json["accessToken"].as_str().unwrap())
}

/// A fake `az` in its own bin dir, replaying one state.
pub struct FakeAz {
    bin: PathBuf,
    log: PathBuf,
    state: String,
    tenant_state: Option<String>,
    hang: Option<u32>,
    pidfile: PathBuf,
}

impl FakeAz {
    pub fn new(sandbox: &Sandbox, state: &str) -> FakeAz {
        assert!(STATES.contains(&state), "no recorded state `{state}`");
        let bin = sandbox.home().join("fake-az-bin");
        std::fs::create_dir_all(&bin).unwrap();
        install(&bin);
        FakeAz {
            log: sandbox.home().join("az-calls.log"),
            pidfile: sandbox.home().join("az-hung.pid"),
            bin,
            state: state.to_string(),
            tenant_state: None,
            hang: None,
        }
    }

    /// Replay `state` for calls with `--tenant` (az minting a token for another tenant).
    pub fn tenant_state(mut self, state: &str) -> FakeAz {
        assert!(STATES.contains(&state), "no recorded state `{state}`");
        self.tenant_state = Some(state.to_string());
        self
    }

    /// Hang for `seconds` before answering, in a child process that holds az's output open.
    pub fn hang(mut self, seconds: u32) -> FakeAz {
        self.hang = Some(seconds);
        self
    }

    /// The variables that put this az first on `PATH` and select its state.
    pub fn vars(&self) -> Vec<(String, String)> {
        let path = std::env::join_paths(std::iter::once(self.bin.clone()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .unwrap();
        let mut vars = vec![
            ("PATH".to_string(), path.to_string_lossy().into_owned()),
            ("FAKE_AZ_STATE".to_string(), dir_of(&self.state)),
            ("FAKE_AZ_LOG".to_string(), self.log.display().to_string()),
        ];
        if let Some(state) = &self.tenant_state {
            vars.push(("FAKE_AZ_TENANT_STATE".to_string(), dir_of(state)));
        }
        if let Some(seconds) = self.hang {
            vars.push(("FAKE_AZ_HANG".to_string(), seconds.to_string()));
            vars.push((
                "FAKE_AZ_PIDFILE".to_string(),
                self.pidfile.display().to_string(),
            ));
        }
        vars
    }

    /// The sandbox's feedctl with this az first on its `PATH`.
    pub fn feedctl(&self, sandbox: &Sandbox) -> Command {
        sandbox.feedctl_with(&self.vars())
    }

    /// The sandbox's real cargo with this az first on its `PATH` (for feedctl as its
    /// credential provider).
    pub fn cargo(&self, sandbox: &Sandbox) -> Command {
        sandbox.cargo_with(&self.vars())
    }

    /// `feedctl connect <index_url> --auth azure-cli` with this az.
    pub fn connect(&self, sandbox: &Sandbox, index_url: &str) -> Command {
        let mut cmd = self.feedctl(sandbox);
        cmd.args(["connect", index_url, "--auth", "azure-cli"]);
        cmd
    }

    /// Every call so far, its arguments joined by spaces.
    pub fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    /// The process id of the hung child, once it has started.
    #[allow(dead_code)] // read only by the unix-only check that the hung child was killed
    pub fn hung_pid(&self) -> Option<u32> {
        std::fs::read_to_string(&self.pidfile)
            .ok()?
            .trim()
            .parse()
            .ok()
    }
}

fn dir_of(state: &str) -> String {
    fixtures().join(state).display().to_string()
}

/// Puts `az` (a copy of the compiled program) or, on Windows, `az.cmd` (a batch file that
/// runs it, as the real one runs Python) into `bin`.
fn install(bin: &Path) {
    let program = compiled();
    if cfg!(windows) {
        let script = format!("@\"{}\" %*\r\n@exit /b %ERRORLEVEL%\r\n", program.display());
        std::fs::write(bin.join("az.cmd"), script).unwrap();
    } else {
        let az = bin.join("az");
        // A second fake in the same sandbox: replace the link (copying onto it would
        // truncate the shared program).
        let _ = std::fs::remove_file(&az);
        if std::fs::hard_link(program, &az).is_err() {
            std::fs::copy(program, &az).unwrap();
        }
    }
}

/// Compiles `tests/fake-az/main.rs` once per test run.
fn compiled() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-az/main.rs");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fake-az");
        std::fs::create_dir_all(&dir).unwrap();
        // Earlier runs' builds (one per process, so parallel runs never share one).
        for old in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let age = old
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok());
            if age.is_some_and(|age| age.as_secs() > 3600) {
                let _ = std::fs::remove_file(old.path());
            }
        }
        let name = format!(
            "fake-az-{}{}",
            std::process::id(),
            std::env::consts::EXE_SUFFIX
        );
        let output = dir.join(name);
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let result = std::process::Command::new(rustc)
            .args(["--edition", "2021", "--crate-name", "fake_az", "-o"])
            .arg(&output)
            .arg(&source)
            .output()
            .expect("run rustc to build the fake az");
        assert!(
            result.status.success(),
            "building the fake az failed:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        output
    })
}
