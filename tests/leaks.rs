//! The token-leak scan: every subcommand, in every mode, with `-v`, with recognisable secrets;
//! the secrets (raw and base64) must never appear in stdout (except where the format exists
//! to carry them), stderr, the project's `.cargo/`, or the argv of any child process —
//! recorded by a logging `cargo` and `az` placed first on PATH.

// Unix only: the logging stand-ins for `cargo` and `az` are sh scripts (on Windows, `az` is
// a batch file; scripts/platform/wine-smoke.sh runs feedctl with one).
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::support::output::Streams;
use crate::support::sandbox::{real_cargo, text_under};
use crate::support::secrets::pat_forms;
use crate::support::{FakeFeed, FeedSpec, Sandbox, basic};

const PAT: &str = "LEAKCANARYpat0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCD";
const ENTRA: &str = "LEAKCANARYentra.eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.sig";

/// Every form a secret could leak in.
fn secrets() -> Vec<String> {
    let mut secrets = pat_forms(PAT);
    secrets.push(ENTRA.to_string());
    secrets
}

/// `cargo` and `az` wrappers that append their argv to a log before doing their job.
struct Spies {
    bin: PathBuf,
    argv_log: PathBuf,
}

impl Spies {
    fn new(sandbox: &Sandbox) -> Spies {
        let bin = sandbox.home().join("spy-bin");
        fs::create_dir_all(&bin).unwrap();
        let argv_log = sandbox.home().join("argv.log");
        let cargo = format!(
            "#!/bin/sh\necho \"cargo $*\" >> '{log}'\nexec '{real}' \"$@\"\n",
            log = argv_log.display(),
            real = real_cargo().to_string_lossy()
        );
        let az = format!(
            "#!/bin/sh\necho \"az $*\" >> '{log}'\nprintf '{{\"accessToken\": \"{ENTRA}\", \"expires_on\": 4070908800}}\\n'\n",
            log = argv_log.display()
        );
        for (name, script) in [("cargo", cargo), ("az", az)] {
            let path = bin.join(name);
            fs::write(&path, script).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Spies { bin, argv_log }
    }

    fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

/// One run: arguments, stdin, whether stdout may carry the token by design (`env`).
struct Run {
    args: Vec<String>,
    stdin: Option<String>,
    stdout_carries_token: bool,
}

fn run(args: &[&str]) -> Run {
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: None,
        stdout_carries_token: false,
    }
}

impl Run {
    fn stdin(mut self, text: String) -> Run {
        self.stdin = Some(text);
        self
    }

    fn carrying(mut self) -> Run {
        self.stdout_carries_token = true;
        self
    }
}

#[test]
fn no_secret_leaks_from_any_subcommand() {
    let feed = FakeFeed::start(
        FeedSpec::new("Coll", Some("web"), "crates")
            .accept(basic(PAT))
            .accept(format!("Bearer {ENTRA}")),
    );
    let sandbox = Sandbox::new();
    let spies = Spies::new(&sandbox);
    let github_env = sandbox.home().join("github_env");
    let index = feed.index_url();
    let pat = format!("{PAT}\n");
    let runs: Vec<Run> = vec![
        run(&["-v", "connect", &index, "--pat-stdin", "--store", "file"]).stdin(pat.clone()),
        run(&["-v", "login", "--pat-stdin"]).stdin(format!("{PAT}x\n")),
        run(&["-v", "login", "--pat-stdin", "--no-verify"]).stdin(pat.clone()),
        run(&["-v", "login", "--pat-env", "MY_PAT"]),
        run(&["-v", "login", "--azure-cli"]),
        run(&["-v", "status"]),
        run(&["-v", "status", "--json"]),
        run(&["-v", "doctor"]),
        run(&["-v", "doctor", "--json"]),
        run(&["-v", "providers", "--dry-run"]),
        run(&["-v", "env"]).carrying(),
        run(&["-v", "env", "--format", "powershell", "--pat-env", "MY_PAT"]).carrying(),
        run(&["-v", "env", "--format", "dotenv", "--azure-cli"]).carrying(),
        run(&["-v", "env", "--format", "azure-pipelines"]).carrying(),
        run(&["-v", "env", "--format", "github", "--pat-env", "MY_PAT"]).carrying(),
        run(&["-v", "env", "--pat-stdin"])
            .stdin(pat.clone())
            .carrying(),
        run(&["-v", "env", "--verify"]).carrying(),
        // A refused token: nothing is emitted, so stdout must not carry it either.
        run(&["-v", "env", "--verify", "--pat-stdin"]).stdin(format!("{PAT}x\n")),
        run(&["-v", "login", "--pat-stdin"]).stdin(format!("Authorization: {}\n", basic(PAT))),
        run(&["-v", "logout"]),
        run(&["-v", "connect", &index, "--auth", "azure-cli"]),
        run(&["-v", "disconnect", "--logout", "--dry-run"]),
        run(&["-v", "disconnect", "--logout"]),
    ];
    for Run {
        args,
        stdin,
        stdout_carries_token,
    } in runs
    {
        let mut cmd = sandbox.feedctl();
        cmd.args(&args)
            .env("PATH", spies.path_env())
            .env("MY_PAT", PAT)
            .env("SYSTEM_ACCESSTOKEN", ENTRA)
            .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
            .env("GITHUB_ENV", &github_env);
        if let Some(stdin) = stdin {
            cmd.write_stdin(stdin);
        }
        let out = cmd.output().unwrap();
        let stdout = out.stdout_text();
        let stderr = out.stderr_text();
        for secret in secrets() {
            assert!(
                !stderr.contains(&secret),
                "`feedctl {}` leaked to stderr:\n{stderr}",
                args.join(" ")
            );
            if !stdout_carries_token {
                assert!(
                    !stdout.contains(&secret),
                    "`feedctl {}` leaked to stdout:\n{stdout}",
                    args.join(" ")
                );
            }
        }
        assert!(
            !stderr.contains("panicked"),
            "`feedctl {}` panicked:\n{stderr}",
            args.join(" ")
        );
        assert!(
            out.status.code() != Some(2),
            "`feedctl {}` was refused:\n{stderr}",
            args.join(" ")
        );
    }
    let argv = fs::read_to_string(&spies.argv_log).unwrap();
    assert!(
        argv.contains("cargo login --registry crates"),
        "the spies saw no login:\n{argv}"
    );
    assert!(
        argv.contains("az account get-access-token"),
        "the spies saw no az call:\n{argv}"
    );
    let project_cargo = text_under(&sandbox.project().join(".cargo"));
    for secret in secrets() {
        assert!(
            !argv.contains(&secret),
            "a child process got a secret in argv:\n{argv}"
        );
        assert!(
            !project_cargo.contains(&secret),
            "the project's .cargo/ holds a secret"
        );
    }
}

#[test]
fn the_plugin_never_writes_a_token_to_stderr() {
    let sandbox = Sandbox::new();
    let spies = Spies::new(&sandbox);
    let request = r#"{"v":1,"registry":{"index-url":"sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/","name":"f"},"kind":"get","operation":"read","args":[]}"#;
    let out = sandbox
        .feedctl()
        .args(["-v", "--cargo-plugin"])
        .env("PATH", spies.path_env())
        .write_stdin(format!("{request}\n"))
        .output()
        .unwrap();
    assert!(
        out.stdout_text().contains(ENTRA),
        "the protocol answer carries the token"
    );
    assert!(!out.stderr_text().contains(ENTRA));
}
