//! `feedctl disconnect`: remove what `connect` added. The flags become
//! [`disconnect::Options`], the use case runs in [`crate::ops::disconnect`], and this renders
//! what it did.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::cli::DisconnectArgs;
use crate::environment::Environment;
use crate::ops::disconnect::{self, Done, Outcome};
use crate::ops::project::Restored;
use crate::ui;

/// `disconnect --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Report {
    dry_run: bool,
    /// The registry removed (`null` when the file has no Azure Artifacts registry).
    registry: Option<String>,
    files: Vec<FileReport>,
    /// Settings `connect --force` had replaced, now back.
    restored: Vec<Restored>,
    /// Whether `--logout` removed a stored token (`null` without `--logout`).
    logged_out: Option<bool>,
    /// The authorization ids of the PATs feedctl minted for the registry that `--logout`
    /// revoked (empty when none).
    revoked: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    changed: bool,
    /// Whether the file itself is (or would be) removed, because `connect` created it.
    removed: bool,
    diff: Option<String>,
}

pub fn run(args: &DisconnectArgs, env: &Environment) -> Result<()> {
    let options = disconnect::Options {
        name: args.name.as_deref(),
        config: args.config.as_deref(),
        user: args.user,
        logout: args.logout,
        dry_run: args.dry_run,
    };
    match disconnect::run(&options, env)? {
        Outcome::Nothing { path, still_seen } => {
            report_nothing(args, &path)?;
            warn(&still_seen);
            Ok(())
        }
        Outcome::Done(done) if args.json => {
            warn(&done.still_seen);
            ui::json(&json_report(&done))
        }
        Outcome::Done(done) => match &done.diffs {
            Some(diffs) => {
                for diff in diffs {
                    ui::stdout(diff)?;
                }
                ui::note("dry run: nothing was changed");
                Ok(())
            }
            None => {
                report(&done);
                warn(&done.still_seen);
                Ok(())
            }
        },
    }
}

fn warn(warnings: &[String]) {
    for warning in warnings {
        ui::warn(warning);
    }
}

fn json_report(done: &Done) -> Report {
    let diffs = done.diffs.as_ref();
    Report {
        dry_run: diffs.is_some(),
        registry: Some(done.registry.clone()),
        files: done
            .files
            .iter()
            .enumerate()
            .map(|(i, updated)| FileReport {
                path: updated.file.path().display().to_string(),
                changed: updated.changed,
                removed: done.removes(updated),
                diff: diffs.map(|d| d[i].clone()),
            })
            .collect(),
        restored: done.restored.clone(),
        logged_out: done.logged_out,
        revoked: done.revoked.clone(),
    }
}

fn report(done: &Done) {
    let [project, home] = &done.files;
    let name = &done.registry;
    let shown = project.file.path().display();
    if project.changed {
        ui::status("Removed", format!("registry `{name}` from `{shown}`"));
        for restored in &done.restored {
            ui::status(
                "Restored",
                format!(
                    "`{} = \"{}\"` in `{shown}`, as it was before `connect --force`",
                    restored.key, restored.value
                ),
            );
        }
    } else {
        ui::status("Unchanged", format!("`{shown}` has no registry `{name}`"));
    }
    if home.changed {
        ui::status(
            "Removed",
            format!(
                "feedctl as the credential provider of `{name}` from `{}`",
                home.file.path().display()
            ),
        );
        ui::note(format!(
            "that file is shared by every project on this machine: another project with a \
             registry named `{name}` now uses the global credential providers"
        ));
    }
}

fn report_nothing(args: &DisconnectArgs, path: &Path) -> Result<()> {
    if args.json {
        return ui::json(&Report {
            dry_run: args.dry_run,
            registry: None,
            files: Vec::new(),
            restored: Vec::new(),
            logged_out: None,
            revoked: Vec::new(),
        });
    }
    ui::status(
        "Unchanged",
        format!("`{}` has no Azure Artifacts registry", path.display()),
    );
    Ok(())
}
