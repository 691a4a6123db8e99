//! Proof under stress: many feedctl processes racing on one config file, and feedctl killed
//! with SIGKILL at every stage of a write.
//!
//! - 16 `connect`s adding different registries to one project config all land, with every
//!   key and comment that was there, and no temporary file left behind (also when the file
//!   and its `.cargo` directory do not exist yet).
//! - 16 `providers --store file` racing on `$CARGO_HOME/config.toml` give exactly what one
//!   run gives, losing none of the other keys.
//! - A `connect` SIGKILLed at spread-out moments — while starting, while reading, and from
//!   the moment its temporary file appears (mid-write, mid-fsync, around the rename) —
//!   leaves the config as exactly the old bytes or exactly the new complete file, and the
//!   next successful run removes the temporary files the killed ones could not.

use std::fs;
use std::path::Path;
#[cfg(unix)] // the SIGKILL and leftover tests below (reasons there)
use std::path::PathBuf;
#[cfg(unix)]
use std::process::Stdio;
use std::process::{Child, Command};
#[cfg(unix)]
use std::thread;
#[cfg(unix)]
use std::time::{Duration, Instant};

use toml_edit::DocumentMut;

use crate::support::Sandbox;
#[cfg(unix)]
use crate::support::config::temp_files;
use crate::support::config::{contoso_index, edit_args, leaves, registries_config};
use crate::support::output::Streams;

const WRITERS: usize = 16;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `feed` added to `config` as registry `name`, without replacing crates.io.
fn connect(sandbox: &Sandbox, feed: &str, name: &str, config: &Path) -> Command {
    let mut cmd = sandbox.feedctl_process();
    cmd.args(edit_args(feed, config))
        .args(["--name", name, "--no-replace-crates-io"]);
    cmd
}

/// Waits for every child; all must succeed.
fn wait_all(children: Vec<Child>) {
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "writer {i}: {:?}\n{}",
            out.status,
            out.stderr_text()
        );
    }
}

/// 16 connects of different feeds to `config` at once; all must land, next to everything
/// that was in `before` (`""`: no file yet), and leave nothing else in the directory.
fn racing_connects(sandbox: &Sandbox, config: &Path, before: &str) {
    let children: Vec<Child> = (0..WRITERS)
        .map(|i| {
            connect(sandbox, &format!("crates{i}"), &format!("feed{i}"), config)
                .spawn()
                .unwrap()
        })
        .collect();
    wait_all(children);
    let after = fs::read_to_string(config).unwrap();
    let doc: DocumentMut = after.parse().expect("the result parses");
    let mut after_leaves = leaves(&doc);
    for i in 0..WRITERS {
        let key = ["registries", &format!("feed{i}"), "index"].map(String::from);
        assert_eq!(
            after_leaves.remove(key.as_slice()),
            Some(format!("{:?}", contoso_index(&format!("crates{i}")))),
            "feed{i} lost:\n{after}"
        );
        after_leaves.remove(&key[..2]);
    }
    let mut before_leaves = leaves(&before.parse().unwrap());
    let registries = ["registries".to_string()];
    before_leaves.remove(registries.as_slice());
    after_leaves.remove(registries.as_slice());
    assert_eq!(before_leaves, after_leaves, "other keys changed");
    for line in before.lines().filter(|l| l.starts_with('#')) {
        assert!(after.lines().any(|l| l == line), "{line:?} lost");
    }
    let dir = config.parent().unwrap();
    assert_eq!(names_in(dir), ["config.toml"], "left behind in {dir:?}");
}

#[test]
fn sixteen_concurrent_connects_all_land() {
    let sandbox = Sandbox::new();
    // Big enough that every process is still planning when the first ones take the lock.
    let before = format!(
        "# shared\n[build]\njobs = 4 # CI\n\n{}\n[source.mirror]\nregistry = \"sparse+https://m/\" # keep\n",
        registries_config(300)
    );
    sandbox.write_project_file(".cargo/config.toml", &before);
    let config = sandbox.project().join(".cargo/config.toml");
    racing_connects(&sandbox, &config, &before);
}

#[test]
fn sixteen_concurrent_connects_create_the_file_together() {
    let sandbox = Sandbox::new();
    let config = sandbox.project().join("new/.cargo/config.toml");
    racing_connects(&sandbox, &config, "");
}

#[test]
fn sixteen_concurrent_providers_lose_nothing() {
    const BEFORE: &str = "# my cargo home\n[registry]\ndefault = \"feed0\" # mine\nglobal-credential-providers = [\"my-provider\"]\n\n[net]\nretry = 5\n\n[alias]\nb = \"build\"\n";
    // What one run makes of it, in a world of its own.
    let reference = Sandbox::new();
    reference.write_home_config(BEFORE);
    let out = reference
        .feedctl_process()
        .args(["providers", "--store", "file"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let expected = reference.read_cargo_home_file("config.toml").unwrap();
    assert!(
        expected.contains("[\"cargo:token\", \"my-provider\"]") && expected.contains("retry = 5"),
        "{expected}"
    );

    let sandbox = Sandbox::new();
    sandbox.write_home_config(BEFORE);
    let children: Vec<Child> = (0..WRITERS)
        .map(|_| {
            sandbox
                .feedctl_process()
                .args(["providers", "--store", "file"])
                .spawn()
                .unwrap()
        })
        .collect();
    wait_all(children);
    assert_eq!(
        sandbox.read_cargo_home_file("config.toml").unwrap(),
        expected
    );
    assert_eq!(names_in(sandbox.cargo_home()), ["config.toml"]);
}

// ---------------------------------------------------------------------------------------
// SIGKILL (Unix only, reasons at each test)

/// Registries in the crash-test config (~0.4 MB). Sized for the debug binary the tests run,
/// which needs ~0.25 s for it; the kills are aimed at the write itself (see below), so a
/// bigger file would add run time, not coverage. `scripts/bench.sh` times 20,000.
#[cfg(unix)]
const CRASH_REGISTRIES: usize = 4_000;
#[cfg(unix)]
const KILLS_EARLY: u32 = 10;
#[cfg(unix)]
const KILLS_IN_WRITE: u32 = 20;

#[cfg(unix)]
#[derive(Debug, Default)]
struct Tally {
    old: u32,
    new: u32,
    finished: u32,
    saw_temp: u32,
}

// Unix only: the verdict tells a kill from a normal exit by the signal in the exit status;
// Windows' TerminateProcess leaves only an exit code, which the program could also return.
#[cfg(unix)]
#[test]
fn sigkill_at_any_moment_leaves_the_old_or_the_new_file() {
    use std::os::unix::process::ExitStatusExt;

    let sandbox = Sandbox::new();
    let dir = sandbox.project().join(".cargo");
    let config = dir.join("config.toml");
    let old = registries_config(CRASH_REGISTRIES);
    sandbox.write_project_file(".cargo/config.toml", &old);
    let run = || connect(&sandbox, "crates", "crates", &config);
    assert!(run().status().unwrap().success());
    let new = fs::read_to_string(&config).unwrap();
    assert!(new.starts_with(&old) && new.len() > old.len());

    let mut tally = Tally::default();
    for i in 0..KILLS_EARLY + KILLS_IN_WRITE {
        fs::write(&config, &old).unwrap();
        let temps_before = temp_files(&dir);
        let mut child = run().stderr(Stdio::null()).spawn().unwrap();
        if i < KILLS_EARLY {
            // While starting up and reading: 0 to 2.7 ms after the spawn.
            thread::sleep(Duration::from_micros(u64::from(i) * 300));
        } else {
            // From the moment the temporary file appears: mid-write, fsync, rename, exit.
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if temp_files(&dir).difference(&temps_before).next().is_some() {
                    tally.saw_temp += 1;
                    break;
                }
                if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                    break;
                }
                thread::sleep(Duration::from_micros(50));
            }
            thread::sleep(Duration::from_micros(u64::from(i - KILLS_EARLY) * 600));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let now = fs::read(&config).unwrap();
        if status.signal() == Some(libc::SIGKILL) {
            if now == old.as_bytes() {
                tally.old += 1;
            } else if now == new.as_bytes() {
                tally.new += 1;
            } else {
                panic!(
                    "kill {i}: the file is neither the old nor the new one ({} bytes):\n{}",
                    now.len(),
                    String::from_utf8_lossy(&now[now.len().saturating_sub(300)..])
                );
            }
        } else {
            assert!(status.success(), "kill {i}: {status:?}");
            assert!(now == new.as_bytes(), "kill {i}: finished with other bytes");
            tally.finished += 1;
        }
    }
    eprintln!(
        "{tally:?}; temporary files left by the kills: {}",
        temp_files(&dir).len()
    );
    assert!(tally.old >= 1, "no kill landed before the write: {tally:?}");

    // The killed writers' temporary files are gone after the next successful write.
    fs::write(&config, &old).unwrap();
    assert!(run().status().unwrap().success());
    assert_eq!(fs::read_to_string(&config).unwrap(), new);
    assert_eq!(names_in(&dir), ["config.toml"]);
}

/// What a writer killed between creating its temporary file and the rename leaves behind,
/// the way `tempfile` names it.
#[cfg(unix)]
fn plant_leftover(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, "x".repeat(size)).unwrap();
    path
}

/// Unix only: elsewhere the lock is per file, so only leftovers older than a minute go.
#[cfg(unix)]
#[test]
fn leftover_temporary_files_do_not_pile_up() {
    let sandbox = Sandbox::new();
    sandbox.write_project_file(".cargo/config.toml", "[build]\njobs = 1\n");
    let dir = sandbox.project().join(".cargo");
    let config = dir.join("config.toml");
    for name in [".feedctl-a1B2c3.tmp", ".feedctl-ZZZZZZ.tmp"] {
        plant_leftover(&dir, name, 1 << 20);
    }
    // Not ours: similar names stay.
    let keep = [
        plant_leftover(&dir, ".feedctl-notes.txt", 10),
        plant_leftover(&dir, "feedctl-a1B2c3.tmp", 10),
        plant_leftover(&dir, ".feedctl-a1B2c3.tmp.bak", 10),
        plant_leftover(&dir, "config.toml.tmp", 10),
    ];
    let out = connect(&sandbox, "crates", "crates", &config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        fs::read_to_string(&config)
            .unwrap()
            .contains("[registries]")
    );
    assert!(temp_files(&dir).is_empty(), "{:?}", names_in(&dir));
    for path in keep {
        assert!(path.exists(), "{} was removed", path.display());
    }

    // The same in `$CARGO_HOME`, through `providers`.
    plant_leftover(sandbox.cargo_home(), ".feedctl-q9W8e7.tmp", 100);
    let out = sandbox
        .feedctl_process()
        .args(["providers", "--store", "file"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(names_in(sandbox.cargo_home()), ["config.toml"]);
}
