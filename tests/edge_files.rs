//! Edge files: every odd thing a config path can be, for `connect` and `providers`.
//!
//! Each case ends in either a correct result or a clear error — a non-zero exit and a
//! message naming the path — with nothing lost: read-only files and directories, symlinks
//! (chains, dangling), missing parent directories, a directory where the file should be,
//! non-UTF-8 bytes, a BOM, CRLF and mixed line endings, already connected files spelled
//! differently from how feedctl writes them, a 10 MB config, no `HOME`/`CARGO_HOME`, a
//! `CARGO_HOME` that does not exist yet, and one that cannot exist.
//!
//! These tests run as root on the CI machine, and root ignores file permissions. The
//! permission cases therefore run feedctl as an unprivileged user (uid 65534) when the
//! tests are root, and as the current user otherwise; what root itself gets is asserted
//! separately and said so.

use std::fs;
use std::path::Path;
#[cfg(unix)] // used by the Unix-only tests (reasons there)
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

#[cfg(unix)]
use crate::support::config::temp_files;
use crate::support::config::{edit_args, registries_config};
use crate::support::output::Streams;
use crate::support::{Sandbox, TOKEN_PROVIDERS};

const INDEX: &str = "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/";
const CONNECTED: &str = "[registries]\ncrates = { index = \"sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/\" }\n\n[source.crates-io]\nreplace-with = \"crates\"\n";

fn run(cmd: &mut Command) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.output().expect("run feedctl")
}

/// A failure with exit code 1 whose message names `path` and contains `words`.
fn assert_clear_error(out: &Output, path: &Path, words: &[&str]) {
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&path.display().to_string()),
        "`{}` not named in:\n{stderr}",
        path.display()
    );
    for word in words {
        assert!(stderr.contains(word), "`{word}` missing from:\n{stderr}");
    }
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{:?}\n{}",
        out.status,
        out.stderr_text()
    );
}

#[test]
fn missing_parent_directories_are_created() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .feedctl_process()
        .args(edit_args("crates", Path::new("a/b/c/.cargo/config.toml"))));
    assert_success(&out);
    assert_eq!(
        sandbox.read_project_file("a/b/c/.cargo/config.toml"),
        CONNECTED
    );
}

#[test]
fn a_directory_where_the_config_should_be_is_refused() {
    let sandbox = Sandbox::new();
    let config = sandbox.project().join(".cargo/config.toml");
    fs::create_dir_all(&config).unwrap();
    let out = run(sandbox.feedctl_process().args(edit_args("crates", &config)));
    assert_clear_error(&out, &config, &["is a directory"]);
    assert_eq!(fs::read_dir(&config).unwrap().count(), 0);

    let home_config = sandbox.cargo_home().join("config.toml");
    fs::create_dir(&home_config).unwrap();
    let out = run(sandbox
        .feedctl_process()
        .args(["providers", "--store", "file"]));
    assert_clear_error(&out, &home_config, &["is a directory"]);
    assert_eq!(fs::read_dir(&home_config).unwrap().count(), 0);
}

#[test]
fn non_utf8_bytes_are_refused_and_kept() {
    let sandbox = Sandbox::new();
    let bytes: &[u8] = b"# caf\xe9 (latin-1)\n[build]\njobs = 1\n";
    let config = sandbox.project().join(".cargo/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(&config, bytes).unwrap();
    let out = run(sandbox.feedctl_process().args(edit_args("crates", &config)));
    assert_clear_error(&out, &config, &["not valid UTF-8", "offset 5"]);
    assert_eq!(fs::read(&config).unwrap(), bytes);

    let home_config = sandbox.cargo_home().join("config.toml");
    fs::write(&home_config, bytes).unwrap();
    let out = run(sandbox
        .feedctl_process()
        .args(["providers", "--store", "file"]));
    assert_clear_error(&out, &home_config, &["not valid UTF-8"]);
    assert_eq!(fs::read(&home_config).unwrap(), bytes);
}

#[test]
fn line_endings_and_bom_are_kept() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let cases = [
        (
            "\u{feff}# team\n[build]\njobs = 2\n".to_string(),
            format!("\u{feff}# team\n[build]\njobs = 2\n\n{CONNECTED}"),
        ),
        (
            crlf("# team\n[build]\njobs = 2\n"),
            crlf(&format!("# team\n[build]\njobs = 2\n\n{CONNECTED}")),
        ),
        (
            format!("\u{feff}{}", crlf("[build]\njobs = 2")),
            format!(
                "\u{feff}{}",
                crlf(&format!(
                    "[build]\njobs = 2\n\n{CONNECTED}# feedctl(crates): before connect, this \
                     file had no final newline\n"
                ))
            ),
        ),
        // Mixed: the user's lines keep their endings; new lines get LF.
        (
            "# lf\n[build]\r\njobs = 2\n".to_string(),
            format!("# lf\n[build]\r\njobs = 2\n\n{CONNECTED}"),
        ),
    ];
    for (before, after) in cases {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", &before);
        let config = sandbox.project().join(".cargo/config.toml");
        // The second run finds the file connected and keeps it as it is.
        for _ in 0..2 {
            assert_success(&run(sandbox
                .feedctl_process()
                .args(edit_args("crates", &config))));
            assert_eq!(
                sandbox.read_project_file(".cargo/config.toml"),
                after,
                "{before:?}"
            );
        }
    }
}

/// Regression: these files already say everything connect would write, spelled in ways
/// feedctl does not write or toml_edit does not render back byte for byte; they used to be
/// rewritten (and reported as `Configured`).
#[test]
fn already_connected_files_are_never_rewritten() {
    let spellings = [
        CONNECTED.replace('"', "'"),
        CONNECTED.replace("\"sparse", "\"\\u0073parse"),
        format!("# lf\n{}", CONNECTED.replacen('\n', "\r\n", 2)),
        format!("[a]\nx = 1\n[a . b]\ny = 2\n\n{CONNECTED}"),
        format!(
            "{}\n\n[registries.crates]\nindex = '{INDEX}'\n",
            "[build]\njobs = 1"
        ),
    ];
    for before in spellings {
        let sandbox = Sandbox::new();
        sandbox.write_project_file(".cargo/config.toml", &before);
        let config = sandbox.project().join(".cargo/config.toml");
        let mut args = edit_args("crates", &config);
        if before.contains("[registries.crates]") {
            args.push("--no-replace-crates-io".into());
        }
        let out = run(sandbox.feedctl_process().args(&args).arg("--dry-run"));
        assert_success(&out);
        assert!(out.stdout.is_empty(), "a diff for {before:?}");
        let out = run(sandbox.feedctl_process().args(&args));
        assert_success(&out);
        assert!(
            out.stderr_text().contains("Unchanged"),
            "{}",
            out.stderr_text()
        );
        assert_eq!(sandbox.read_project_file(".cargo/config.toml"), before);
    }
}

#[cfg(unix)] // creating a symlink needs Developer Mode or admin rights on Windows
#[test]
fn symlinks_are_followed_to_their_target() {
    use std::os::unix::fs::symlink;
    let sandbox = Sandbox::new();
    let shared = sandbox.home().join("dotfiles/cargo.toml");
    fs::create_dir_all(shared.parent().unwrap()).unwrap();
    fs::write(&shared, "[build]\njobs = 1\n").unwrap();
    // .cargo/config.toml -> ../link2.toml -> (absolute) dotfiles/cargo.toml
    let link2 = sandbox.project().join("link2.toml");
    symlink(&shared, &link2).unwrap();
    let config = sandbox.project().join(".cargo/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    symlink("../link2.toml", &config).unwrap();
    let out = run(sandbox.feedctl_process().args(edit_args("crates", &config)));
    assert_success(&out);
    assert!(out.stderr_text().contains(&shared.display().to_string()));
    for link in [&config, &link2] {
        assert!(fs::symlink_metadata(link).unwrap().file_type().is_symlink());
    }
    assert_eq!(
        fs::read_to_string(&shared).unwrap(),
        format!("[build]\njobs = 1\n\n{CONNECTED}")
    );
    assert!(temp_files(sandbox.project()).is_empty());
    assert!(temp_files(shared.parent().unwrap()).is_empty());

    // A dangling link: the target is created, the link stays.
    let dangling = sandbox.project().join("d/.cargo/config.toml");
    let target = sandbox.home().join("not-yet/there.toml");
    fs::create_dir_all(dangling.parent().unwrap()).unwrap();
    symlink(&target, &dangling).unwrap();
    assert_success(&run(sandbox
        .feedctl_process()
        .args(edit_args("crates", &dangling))));
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), CONNECTED);

    // A loop is an error naming the link.
    let a = sandbox.project().join("l/.cargo/config.toml");
    fs::create_dir_all(a.parent().unwrap()).unwrap();
    symlink("loop-b.toml", &a).unwrap();
    symlink("config.toml", a.with_file_name("loop-b.toml")).unwrap();
    assert_clear_error(
        &run(sandbox.feedctl_process().args(edit_args("crates", &a))),
        &a,
        &["symlink loop"],
    );
}

#[test]
fn a_10_mb_config_is_edited_quickly_and_completely() {
    let sandbox = Sandbox::new();
    // 100,000 registries in one inline table: ~10 MB, the new one is appended.
    let before = registries_config(100_000);
    assert!(before.len() > 10_000_000, "{}", before.len());
    sandbox.write_project_file(".cargo/config.toml", &before);
    let config = sandbox.project().join(".cargo/config.toml");
    let started = Instant::now();
    let out = run(sandbox
        .feedctl_process()
        .args(edit_args("crates", &config))
        .arg("--no-replace-crates-io"));
    let took = started.elapsed();
    assert_success(&out);
    let after = fs::read_to_string(&config).unwrap();
    assert_eq!(
        after,
        format!("{before}crates = {{ index = \"{INDEX}\" }}\n"),
        "the 10 MB file was not extended exactly"
    );
    eprintln!("connect on a 10 MB config took {took:?} (debug build)");
    // Linear work is ~5 s in a debug build on a slow 2-core box, ~1 s in release; a
    // quadratic step would take minutes.
    assert!(took.as_secs() < 60, "took {took:?}");
}

#[test]
fn providers_creates_a_missing_cargo_home() {
    let sandbox = Sandbox::new();
    let cargo_home = sandbox.home().join("not/yet/cargo-home");
    let out = run(sandbox
        .feedctl_process()
        .env("CARGO_HOME", &cargo_home)
        .args(["providers", "--store", "file"]));
    assert_success(&out);
    assert_eq!(
        fs::read_to_string(cargo_home.join("config.toml")).unwrap(),
        TOKEN_PROVIDERS
    );
}

#[cfg(unix)] // the OS error text differs elsewhere
#[test]
fn a_cargo_home_under_a_regular_file_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let file = sandbox.home().join("plain-file");
    fs::write(&file, "not a directory").unwrap();
    let cargo_home = file.join("sub");
    let out = run(sandbox
        .feedctl_process()
        .env("CARGO_HOME", &cargo_home)
        .args(["providers", "--store", "file"]));
    assert_clear_error(&out, &cargo_home.join("config.toml"), &["Not a directory"]);
    let config = file.join(".cargo/config.toml");
    let out = run(sandbox.feedctl_process().args(edit_args("crates", &config)));
    assert_clear_error(&out, &file.join(".cargo"), &["Not a directory"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
}

// ---------------------------------------------------------------------------------------
// Permissions and identity (Unix)

#[cfg(unix)] // file modes, owners and running as another uid are Unix's permission model
mod unix {
    use std::os::unix::fs::{PermissionsExt, chown};
    use std::os::unix::process::CommandExt;
    use std::sync::OnceLock;

    use tempfile::TempDir;

    use super::*;
    use crate::support::sandbox::LOOPBACK_ONLY;

    /// An unprivileged uid/gid for the permission cases when the tests run as root.
    const NOBODY: u32 = 65_534;

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A directory every user can enter, owned by `uid` (the test's own when not root).
    fn world(uid: Option<u32>) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix("feedctl-edge-")
            .tempdir()
            .unwrap();
        set_mode(dir.path(), 0o755);
        if let Some(uid) = uid {
            chown(dir.path(), Some(uid), Some(uid)).unwrap();
        }
        dir
    }

    /// The feedctl binary, copied where `other` users can run it if its own path is closed
    /// to them (e.g. a checkout under a 0700 home).
    fn binary_for_others() -> &'static Path {
        static BINARY: OnceLock<(Option<TempDir>, PathBuf)> = OnceLock::new();
        let (_, path) = BINARY.get_or_init(|| {
            let built = PathBuf::from(assert_cmd::cargo::cargo_bin!("feedctl"));
            let open = built
                .ancestors()
                .skip(1)
                .all(|dir| dir.as_os_str().is_empty() || mode(dir) & 0o001 != 0)
                && mode(&built) & 0o005 == 0o005;
            if open {
                return (None, built);
            }
            let dir = world(None);
            let copy = dir.path().join("feedctl");
            fs::copy(&built, &copy).unwrap();
            set_mode(&copy, 0o755);
            (Some(dir), copy)
        });
        path
    }

    /// feedctl as `uid` (when root; as ourselves otherwise), with a minimal environment:
    /// PATH only, plus what the caller adds.
    fn feedctl_as(uid: Option<u32>, cwd: &Path) -> Command {
        let mut cmd = Command::new(binary_for_others());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUST_BACKTRACE", "0")
            .envs(LOOPBACK_ONLY)
            .current_dir(cwd);
        if let Some(uid) = uid {
            // std drops the supplementary groups when root switches uid.
            cmd.uid(uid).gid(uid);
        }
        cmd
    }

    fn unprivileged() -> Option<u32> {
        is_root().then_some(NOBODY)
    }

    #[test]
    fn a_read_only_file_is_replaced_and_stays_read_only() {
        // The file is replaced by a rename, which needs write permission on the directory,
        // not on the file (like `sed -i` or an editor's atomic save); the 0444 mode is kept.
        let uid = unprivileged();
        let world = world(uid);
        let config = world.path().join(".cargo/config.toml");
        fs::create_dir(config.parent().unwrap()).unwrap();
        fs::write(&config, "[build]\njobs = 1\n").unwrap();
        if let Some(uid) = uid {
            chown(config.parent().unwrap(), Some(uid), Some(uid)).unwrap();
            chown(&config, Some(uid), Some(uid)).unwrap();
        }
        set_mode(&config, 0o444);
        let out = run(feedctl_as(uid, world.path()).args(edit_args("crates", &config)));
        assert_success(&out);
        assert_eq!(
            fs::read_to_string(&config).unwrap(),
            format!("[build]\njobs = 1\n\n{CONNECTED}")
        );
        assert_eq!(mode(&config), 0o444);
        assert!(temp_files(config.parent().unwrap()).is_empty());
    }

    #[test]
    fn a_read_only_directory_is_a_clear_error() {
        let uid = unprivileged();
        let world = world(uid);
        let dir = world.path().join("ro/.cargo");
        fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config.toml");
        fs::write(&config, "[build]\njobs = 1\n").unwrap();
        if let Some(uid) = uid {
            chown(&dir, Some(uid), Some(uid)).unwrap();
            chown(&config, Some(uid), Some(uid)).unwrap();
        }
        set_mode(&dir, 0o555);
        let out = run(feedctl_as(uid, world.path()).args(edit_args("crates", &config)));
        assert_clear_error(&out, &dir, &["Permission denied"]);
        assert_eq!(fs::read_to_string(&config).unwrap(), "[build]\njobs = 1\n");
        assert!(temp_files(&dir).is_empty());

        // A CARGO_HOME that cannot be created is the same kind of error.
        let cargo_home = dir.join("cargo-home");
        let out = run(feedctl_as(uid, world.path())
            .env("CARGO_HOME", &cargo_home)
            .args(["providers", "--store", "file"]));
        assert_clear_error(&out, &cargo_home, &["Permission denied"]);

        if is_root() {
            // Root ignores the directory's mode: the same run as root succeeds. This is
            // what happens, not a promise; it is why the checks above run as uid 65534.
            let out = run(feedctl_as(None, world.path()).args(edit_args("crates", &config)));
            assert_success(&out);
            assert!(fs::read_to_string(&config).unwrap().contains(INDEX));
        }
        set_mode(&dir, 0o755);
    }

    /// A uid without an entry in the user database, so that there is no home directory to
    /// fall back on.
    fn uid_without_passwd_entry() -> u32 {
        (4_200_000..4_200_100)
            // SAFETY: getpwuid returns a pointer into static storage or null; only
            // compared with null here.
            .find(|&uid| unsafe { libc::getpwuid(uid).is_null() })
            .expect("a free uid")
    }

    #[test]
    fn providers_without_home_or_cargo_home_is_a_clear_error() {
        // With `HOME` unset, feedctl — like cargo, through the same std/`dirs` lookup —
        // falls back to the home directory in the user database. Only when that fails too
        // is there nowhere to write; the tests can only arrange that as root, with a uid
        // that has no passwd entry.
        if !is_root() {
            eprintln!("skipped: needs root to run as a uid without a passwd entry");
            return;
        }
        let uid = uid_without_passwd_entry();
        let world = world(Some(uid));
        for empty in [false, true] {
            let mut cmd = feedctl_as(Some(uid), world.path());
            if empty {
                cmd.env("HOME", "").env("CARGO_HOME", "");
            }
            let out = run(cmd.args(["providers", "--store", "file"]));
            let stderr = out.stderr_text();
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("neither `CARGO_HOME` nor `HOME` is set"),
                "{stderr}"
            );
        }
        assert_eq!(fs::read_dir(world.path()).unwrap().count(), 0);
    }
}
