//! The output contracts: a dry run's diff applies with the `patch` command its note prints
//! (and with `git apply`) whatever the paths hold, and every `--json` report has exactly the
//! keys `docs/json.md` documents, `null` where a value does not apply; a failing command
//! under `--json` prints nothing on stdout and explains itself on stderr.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::json::{json_of, keys};
use crate::support::output::Streams;
use crate::support::{FakeFeed, Sandbox, TOKEN_PROVIDERS};

/// Runs `program args…` in `dir` with `patch` on stdin; fails showing the patch otherwise.
#[cfg(unix)]
fn apply(program: &str, args: &[&str], dir: &Path, patch: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("`{program}` is installed: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(patch.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?} in {}: {}{}\n{patch}",
        dir.display(),
        out.stdout_text(),
        out.stderr_text()
    );
}

/// Every file below `dir`, with its bytes.
#[cfg(unix)]
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                out.push((relative, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A dry run's diffs for paths holding a space (or a quote) apply with `patch -p0` (the
/// project's, relative) and `patch -d / -p1` (`$CARGO_HOME`'s, absolute), and with `git
/// apply`, to exactly what a real run writes, creating no stray file.
#[cfg(unix)]
#[test]
fn dry_run_diffs_with_spaces_in_paths_apply_with_patch_and_git() {
    let feed = FakeFeed::with_pat("unused-pat");
    for (dir, tool) in [
        ("team x", "patch"),
        ("team \"q\" y", "patch"),
        ("team x", "git"),
    ] {
        let case = format!("{dir:?} with {tool}");
        let run = |sandbox: &Sandbox, home: &Path, dry: bool| {
            let config = format!("{dir}/.cargo/config.toml");
            let mut cmd = sandbox.feedctl();
            cmd.env("CARGO_HOME", home)
                .args([
                    "connect",
                    &feed.index_url(),
                    "--store",
                    "file",
                    "--no-login",
                ])
                .args(["--config", &config]);
            if dry {
                cmd.arg("--dry-run");
            }
            cmd.output().unwrap()
        };
        let setup = |sandbox: &Sandbox| {
            let home = sandbox.root().join("cargo home");
            fs::create_dir_all(&home).unwrap();
            fs::write(home.join("config.toml"), "# mine\n").unwrap();
            sandbox.write_project_file(&format!("{dir}/.cargo/config.toml"), "# team\n");
            home
        };
        let dry = Sandbox::new();
        let dry_home = setup(&dry);
        let out = run(&dry, &dry_home, true);
        assert!(out.status.success(), "{case}: {}", out.stderr_text());
        assert!(out.stderr_text().contains("patch -p0"), "{case}");
        let diff = out.stdout_text();
        let starts: Vec<usize> = diff
            .match_indices("--- ")
            .map(|(i, _)| i)
            .filter(|&i| i == 0 || diff.as_bytes()[i - 1] == b'\n')
            .collect();
        assert_eq!(starts.len(), 2, "{case}: {diff}");
        let (project_diff, home_diff) = (&diff[starts[0]..starts[1]], &diff[starts[1]..]);
        let project_before = files(dry.project());
        match tool {
            "patch" => {
                apply("patch", &["-p0", "--batch"], dry.project(), project_diff);
                apply(
                    "patch",
                    &["-d", "/", "-p1", "--batch"],
                    dry.project(),
                    home_diff,
                );
            }
            _ => {
                apply("git", &["apply", "-p0", "-"], dry.project(), project_diff);
                apply("git", &["apply", "-p1", "-"], Path::new("/"), home_diff);
            }
        }
        let real = Sandbox::new();
        let real_home = setup(&real);
        let out = run(&real, &real_home, false);
        assert!(out.status.success(), "{case}: {}", out.stderr_text());
        let patched = files(dry.project());
        assert_eq!(patched, files(real.project()), "{case}: {diff}");
        assert_eq!(
            patched.len(),
            project_before.len(),
            "{case}: a stray file appeared"
        );
        assert_eq!(
            files(&dry_home),
            files(&real_home),
            "{case}: $CARGO_HOME: {diff}"
        );
    }
}
