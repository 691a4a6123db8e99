//! The output contracts: a dry run's diff applies with the `patch` command its note prints
//! (and with `git apply`) whatever the paths hold, and every `--json` report has exactly the
//! keys `docs/json.md` documents, `null` where a value does not apply; a failing command
//! under `--json` prints nothing on stdout and explains itself on stderr.

use std::fs;
use std::path::Path;

use crate::support::json::{json_of, keys};
use crate::support::minted::{Minted, write_records};
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
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
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

const PAT: &str = "contract-pat-0123456789abcdefghijklmnopqrstuvwxyz01234";

/// The rows of `docs/json.md`'s key table: (report path, e.g. `["connect", "files[]"]`,
/// its keys sorted).
fn documented() -> Vec<(Vec<String>, Vec<String>)> {
    let docs = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"))
        .expect("docs/json.md");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let rows: Vec<_> = docs
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            let mut keys = ticked(cells[2]);
            keys.sort();
            let path = ticked(cells[1])
                .iter()
                .flat_map(|part| part.split('.').map(str::to_string).collect::<Vec<_>>())
                .collect();
            (path, keys)
        })
        .collect();
    assert!(rows.len() >= 14, "the key table in docs/json.md: {rows:?}");
    rows
}

/// The objects at `path` below `value` (`name[]` walks into each element of an array).
fn objects_at<'a>(value: &'a serde_json::Value, path: &[String]) -> Vec<&'a serde_json::Value> {
    let Some((first, rest)) = path.split_first() else {
        return vec![value];
    };
    match first.strip_suffix("[]") {
        Some(name) => value[name]
            .as_array()
            .unwrap_or_else(|| panic!("`{name}` is not an array in {value}"))
            .iter()
            .flat_map(|item| objects_at(item, rest))
            .collect(),
        None => objects_at(&value[first.as_str()], rest),
    }
}

/// `json`, the report of `command`, has exactly the documented keys at every documented
/// level; returns the levels it found (an empty array has none to check).
#[track_caller]
pub fn assert_documented_keys(command: &str, case: &str, json: &serde_json::Value) -> Vec<String> {
    let rows = documented();
    let mine: Vec<_> = rows.iter().filter(|(path, _)| path[0] == command).collect();
    assert!(!mine.is_empty(), "no documented keys for `{command}`");
    let mut checked = Vec::new();
    for (path, expected) in mine {
        // An object that does not apply is `null` (e.g. `minted` without `--mint`).
        let found: Vec<_> = objects_at(json, &path[1..])
            .into_iter()
            .filter(|o| !o.is_null())
            .collect();
        if !found.is_empty() {
            checked.push(path.join("."));
        }
        for object in found {
            assert!(object.is_object(), "{case}: {path:?} in {json:#}");
            assert_eq!(keys(object), *expected, "{case}: {path:?} in {json:#}");
        }
    }
    checked
}

/// The command as docs/json.md's key table names it: one word, two for `pat`'s subcommands.
fn command_of(args: &[&str]) -> String {
    match args {
        ["pat", sub, ..] => format!("pat {sub}"),
        _ => args[0].to_string(),
    }
}

/// Runs `feedctl args… --json` (stdin `stdin`), which must succeed; returns the report.
fn report(sandbox: &Sandbox, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    let mut cmd = sandbox.feedctl();
    cmd.args(args).arg("--json");
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success() || (args[0] == "doctor" && out.status.code() == Some(7)),
        "{args:?}: {}",
        out.stderr_text()
    );
    json_of(&out)
}

#[test]
fn every_json_report_has_exactly_the_documented_keys() {
    let feed = FakeFeed::with_pat(PAT);
    let url = feed.index_url();
    let pat = format!("{PAT}\n");
    let sandbox = Sandbox::new();
    let checked = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let check = |case: &str, args: &[&str], stdin: Option<&str>| {
        let json = report(&sandbox, args, stdin);
        checked
            .borrow_mut()
            .extend(assert_documented_keys(&command_of(args), case, &json));
        json
    };
    check(
        "providers dry run",
        &["providers", "--store", "file", "--dry-run"],
        None,
    );
    let json = check("providers", &["providers", "--store", "file"], None);
    assert!(
        json["diff"].is_null() && json["registry"].is_null(),
        "{json}"
    );
    let json = check(
        "connect --dry-run",
        &["connect", &url, "--store", "file", "--dry-run"],
        None,
    );
    assert!(json["diff"].is_string() && json["files"][0]["diff"].is_string());
    let json = check(
        "connect --no-providers",
        &["connect", &url, "--no-providers", "--no-login"],
        None,
    );
    for key in ["providers_file", "providers_changed", "providers", "diff"] {
        assert!(json[key].is_null(), "`{key}` must be null: {json:#}");
    }
    assert!(json["files"][0]["diff"].is_null(), "{json:#}");
    let json = check(
        "connect with a token",
        &["connect", &url, "--store", "file", "--pat-stdin"],
        Some(&pat),
    );
    assert_eq!(json["providers"], serde_json::json!(["cargo:token"]));
    check("login", &["login", "--pat-stdin"], Some(&pat));
    let json = check("status", &["status"], None);
    assert!(json["registries"][0]["credential_provider_from"].is_null());
    let json = check("pat list, none minted", &["pat", "list"], None);
    assert!(json["pats"].as_array().unwrap().is_empty(), "{json}");
    let header = crate::support::basic("minted-elsewhere");
    let minted = Minted::for_cargo("crates", &url, &header, time::Duration::days(7));
    write_records(sandbox.cargo_home(), &[minted]);
    let json = check("pat list", &["pat", "list"], None);
    assert!(json["pats"][0]["path"].is_null(), "{json}");
    let json = check("status, a stale record", &["status"], None);
    assert_eq!(
        json["registries"][0]["expiry"]["kind"], "stale_record",
        "{json}"
    );
    assert!(json["http"]["proxy"].is_null(), "{json:#}");
    check("doctor", &["doctor", "--offline"], None);
    check("logout", &["logout"], None);
    check("disconnect --dry-run", &["disconnect", "--dry-run"], None);
    check("disconnect", &["disconnect"], None);
    let json = check("disconnect, nothing there", &["disconnect"], None);
    assert!(json["registry"].is_null(), "{json}");
    // `restored[]` needs what `--force` replaced.
    sandbox.write_project_file(
        ".cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"vendored\"\n\n[source.vendored]\ndirectory = \"v\"\n",
    );
    sandbox.configure(&[&url, "--force"]);
    let json = check("disconnect after --force", &["disconnect"], None);
    assert_eq!(json["restored"][0]["value"], "vendored", "{json}");
    // `minted` and `pat revoke` need the PAT API stand-in and az: tests/mint.rs checks them.
    let documented: std::collections::BTreeSet<String> = documented()
        .into_iter()
        .map(|(path, _)| path.join("."))
        .filter(|level| !level.ends_with(".minted") && level != "pat revoke")
        .collect();
    assert_eq!(
        *checked.borrow(),
        documented,
        "every documented level was seen"
    );
}

#[test]
fn a_failing_command_under_json_prints_nothing_on_stdout_and_explains_on_stderr() {
    let feed = FakeFeed::with_pat(PAT);
    let url = feed.index_url();
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    let missing = url.replace("/crates/", "/nope/");
    let cases: [(&[&str], Option<&str>, i32); 4] = [
        (&["connect", &missing, "--pat-stdin"], Some("some-pat\n"), 5),
        (&["logout"], None, 2),
        (&["login", "--pat-stdin"], Some("wrong-pat\n"), 4),
        (&["status"], None, 1),
    ];
    for (i, (args, stdin, code)) in cases.into_iter().enumerate() {
        match i {
            2 => sandbox.configure(&[&url]),
            3 => sandbox.write_project_file(".cargo/config.toml", "[registries\n"),
            _ => {}
        }
        let mut cmd = sandbox.feedctl();
        cmd.args(args).arg("--json");
        if let Some(stdin) = stdin {
            cmd.write_stdin(stdin);
        }
        let out = cmd.output().unwrap();
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout_text());
        assert!(stderr.contains("error: "), "{args:?}: {stderr}");
    }
}
