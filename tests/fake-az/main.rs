//! A fake Azure CLI that replays the recordings in `tests/fixtures/azure-cli/<state>/`.
//!
//! Not part of the test binary: `tests/support/fake_az.rs` compiles this file with `rustc`
//! once per test run and puts it on `PATH` as `az` (on Windows as `az.cmd`, a batch file that
//! starts this program, the way the real `az.cmd` starts Python).
//!
//! It is driven by environment variables, which reach it through feedctl and cargo unchanged:
//!
//! | variable | meaning |
//! |---|---|
//! | `FAKE_AZ_STATE` | the recorded state's folder to replay |
//! | `FAKE_AZ_TENANT_STATE` | the folder to replay instead when `--tenant` is given (default: `FAKE_AZ_STATE`) |
//! | `FAKE_AZ_LOG` | a file to which every call appends its arguments, one line per call |
//! | `FAKE_AZ_HANG` | hang: start a child that sleeps this many seconds holding stdout and stderr open, wait for it, then answer (like `az`'s shell wrapper waiting for a stuck Python) |
//! | `FAKE_AZ_PIDFILE` | with `FAKE_AZ_HANG`: where the sleeping child writes its process id |
//!
//! `az account get-access-token …` replays `get-access-token.{stdout,stderr,rc}`, `az account
//! show …` replays `account-show.*`. The recorded `expires_on` lies in the past by the time a
//! test runs, so it is replaced by "now + 3599 s", which is what a real az returns for a token
//! it has just fetched; every other byte is replayed as recorded.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os("FAKE_AZ_HANG_CHILD").is_some() {
        return sleeping_child();
    }
    if let Some(log) = std::env::var_os("FAKE_AZ_LOG") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("open FAKE_AZ_LOG");
        writeln!(file, "{}", args.join(" ")).expect("write FAKE_AZ_LOG");
    }
    if let Some(seconds) = std::env::var_os("FAKE_AZ_HANG") {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env("FAKE_AZ_HANG_CHILD", seconds)
            .status()
            .expect("start the sleeping child");
        assert!(status.success());
    }
    let command = match args.get(..2) {
        Some([a, b]) if a == "account" && b == "get-access-token" => "get-access-token",
        Some([a, b]) if a == "account" && b == "show" => "account-show",
        _ => {
            eprintln!("ERROR: the fake az does not replay `az {}`", args.join(" "));
            std::process::exit(2);
        }
    };
    let tenant_given = args.iter().any(|a| a == "--tenant");
    let state = std::env::var_os("FAKE_AZ_TENANT_STATE")
        .filter(|_| tenant_given)
        .or_else(|| std::env::var_os("FAKE_AZ_STATE"))
        .map(PathBuf::from)
        .expect("FAKE_AZ_STATE is set");
    let read = |ext: &str| {
        let path = state.join(format!("{command}.{ext}"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let stdout = fresh_expiry(&read("stdout"));
    std::io::stdout().write_all(stdout.as_bytes()).unwrap();
    std::io::stderr().write_all(read("stderr").as_bytes()).unwrap();
    let rc: i32 = read("rc").trim().parse().expect("a numeric .rc file");
    std::process::exit(rc);
}

/// `"expires_on": <recorded>` becomes `"expires_on": <now + 3599>`.
fn fresh_expiry(stdout: &str) -> String {
    const KEY: &str = "\"expires_on\": ";
    let Some(start) = stdout.find(KEY).map(|i| i + KEY.len()) else {
        return stdout.to_string();
    };
    let end = start
        + stdout[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(stdout.len() - start);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    format!("{}{}{}", &stdout[..start], now + 3599, &stdout[end..])
}

fn sleeping_child() {
    if let Some(pidfile) = std::env::var_os("FAKE_AZ_PIDFILE") {
        std::fs::write(pidfile, std::process::id().to_string()).expect("write FAKE_AZ_PIDFILE");
    }
    let seconds: u64 = std::env::var("FAKE_AZ_HANG_CHILD")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    std::thread::sleep(Duration::from_secs(seconds));
}
