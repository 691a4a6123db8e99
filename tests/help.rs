//! `--help` of feedctl and of each subcommand, as snapshots under `tests/snapshots/help/`:
//! the help text is the CLI's documentation, so any change to it shows up in review.
//! `SNAPSHOTS=overwrite cargo test --test feedctl help::` rewrites them.

use std::path::Path;

use snapbox::Data;

use crate::support::Sandbox;
use crate::support::snapshot::{Redact, assert_snapshot};

/// `feedctl <args…> --help` succeeds, prints nothing on stderr, and prints the snapshot
/// `<name>.txt`; its stdout is returned.
#[track_caller]
fn assert_help(sandbox: &Sandbox, args: &[&str], name: &str) -> String {
    let out = sandbox.feedctl().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_snapshot(
        stdout.clone(),
        Data::read_from(&dir.join(format!("{name}.txt")), None),
        Redact::sandbox(sandbox),
    );
    stdout
}

/// The commands `feedctl --help` lists, but `help`.
fn listed_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every command the top-level help lists has its own snapshot, and every snapshot is of a
/// command that exists: a new subcommand cannot ship without its help reviewed.
#[test]
fn feedctl_and_every_subcommand() {
    let sandbox = Sandbox::new();
    let commands = listed_commands(&assert_help(&sandbox, &[], "feedctl"));
    assert_eq!(commands.len(), 12, "{commands:?}");
    let mut expected = Vec::new();
    for command in &commands {
        let help = assert_help(&sandbox, &[command], command);
        expected.push(command.clone());
        // A command with subcommands (`feed`): each of those has its snapshot too.
        for sub in listed_commands(&help) {
            let name = format!("{command}-{sub}");
            assert_help(&sandbox, &[command, &sub], &name);
            expected.push(name);
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help");
    let mut snapshots: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".txt").map(str::to_string))
        .filter(|name| name != "feedctl")
        .collect();
    snapshots.sort();
    expected.sort();
    assert_eq!(
        snapshots, expected,
        "snapshots without a command, or the reverse"
    );
}
