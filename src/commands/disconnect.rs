//! `feedctl disconnect`: remove what `connect` added — the registry entry, the crates.io
//! replacement pointing at it (or put back what `connect --force` replaced), and feedctl as
//! the registry's credential provider in `$CARGO_HOME/config.toml` — leaving every other
//! byte of the files as it was.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::cargo::config::edit::{self, ConfigFile, Updated};
use crate::cargo::config::effective::{Definition, Registry, Settings};
use crate::cli::DisconnectArgs;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::project::{self, Restored};
use crate::ops::providers::{HomeEdit, RegistryProvider};
use crate::ops::{login, transaction};
use crate::ui;

/// `disconnect --json`; the shape is documented in the README.
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
}

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    changed: bool,
    /// Whether the file itself is (or would be) removed, because `connect` created it.
    removed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

pub fn run(args: &DisconnectArgs, env: &Environment) -> Result<()> {
    let path = if args.user {
        edit::user_config(&env.cargo_home()?)
    } else {
        edit::project_config(env.cwd(), args.config.as_deref())?
    };
    let before = ConfigFile::load(&path)?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => match single_azure_registry(&before)? {
            Some(name) => name,
            None => {
                report_nothing(args, &path)?;
                warn_still_seen(env, None);
                return Ok(());
            }
        },
    };
    let index = before
        .get_str(&["registries", &name, "index"])
        .map(str::to_string);
    // `cargo logout` stops at a credentials file it cannot parse: fail before any write.
    if args.logout && !args.dry_run {
        login::require_readable_credentials(env)?;
    }
    // Plan both edits first: a bad file fails before anything changes.
    let mut planned_copy = before.clone();
    let outcome = project::disconnect(&mut planned_copy, &name)?;
    let project_edit = |f: &mut ConfigFile| project::disconnect(f, &name).map(drop);
    let project_planned = edit::plan(&path, project_edit)?;
    let mut home = HomeEdit::new(env)?;
    home.registry = Some((name.clone(), RegistryProvider::NotFeedctl));
    let home_edit = |f: &mut ConfigFile| home.apply(f);
    let home_planned = edit::plan(&home.path, home_edit)?;
    if args.dry_run {
        let cwd = env.cwd();
        let planned = [&project_planned, &home_planned];
        let report = Report {
            dry_run: true,
            registry: Some(name.clone()),
            files: planned
                .iter()
                .map(|u| file_report(u, !outcome.keep_empty, Some(cwd)))
                .collect(),
            restored: outcome.restored.clone(),
            logged_out: None,
        };
        if args.json {
            return print_json(&report);
        }
        for u in planned {
            ui::stdout(transaction::diff(
                &u.file,
                removes(u, !outcome.keep_empty),
                cwd,
            ))?;
        }
        ui::note("dry run: nothing was changed");
        return Ok(());
    }
    // The token goes last: when `cargo logout` fails, the files are put back.
    let (project_done, home_done, logged_out) = transaction::all_or_nothing(|transaction| {
        let project =
            transaction.commit_with(project_planned, !outcome.keep_empty, project_edit)?;
        let home_done = transaction.commit(home_planned, home_edit)?;
        let logged_out = match (args.logout, &index) {
            (false, _) => None,
            (true, Some(index)) => Some(login::logout(
                env,
                &Registry {
                    name: name.clone(),
                    index: index.clone(),
                    file: path.clone(),
                    credential_provider: None,
                },
            )?),
            (true, None) => {
                ui::warn(format!(
                    "no registry `{name}` in `{}`, so no token to remove",
                    path.display()
                ));
                Some(false)
            }
        };
        Ok((project, home_done, logged_out))
    })?;
    if args.json {
        warn_still_seen(env, Some(&name));
        return print_json(&Report {
            dry_run: false,
            registry: Some(name),
            files: [&project_done, &home_done]
                .iter()
                .map(|u| file_report(u, !outcome.keep_empty, None))
                .collect(),
            restored: outcome.restored,
            logged_out,
        });
    }
    let shown = project_done.file.path().display();
    if project_done.changed {
        ui::status("Removed", format!("registry `{name}` from `{shown}`"));
        for restored in &outcome.restored {
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
    if home_done.changed {
        ui::status(
            "Removed",
            format!(
                "feedctl as the credential provider of `{name}` from `{}`",
                home_done.file.path().display()
            ),
        );
        ui::note(format!(
            "that file is shared by every project on this machine: another project with a \
             registry named `{name}` now uses the global credential providers"
        ));
    }
    warn_still_seen(env, Some(&name));
    Ok(())
}

/// Says so when cargo, run here, still sees the registry (`name`, or any Azure Artifacts
/// registry) after the edit: defined in another file (an `include`d one, a parent directory's,
/// `$CARGO_HOME/config.toml`) or a variable, which `disconnect` does not edit. Without this,
/// "Removed"/"Unchanged" would read as "cargo no longer uses the feed" while it still does.
fn warn_still_seen(env: &Environment, name: Option<&str>) {
    // A config cargo cannot load is for `doctor` to report; the edit itself is done.
    let Ok(settings) = Settings::load(env) else {
        return;
    };
    let seen: Vec<Registry> = match name {
        Some(name) => settings
            .registries()
            .into_iter()
            .filter(|r| r.name == name)
            .collect(),
        None => settings.azure_registries(),
    };
    let replaced = settings.replace_with();
    if let (Some(name), Some((with, file))) = (name, &replaced)
        && with == name
        && seen.is_empty()
    {
        ui::warn(format!(
            "crates.io is still replaced with `{name}` in `{}`, a registry cargo no longer \
             finds: every cargo command here fails until that `replace-with` goes too",
            file.display()
        ));
    }
    let user_config = env.cargo_home().map(|home| edit::config_in(&home).0).ok();
    for registry in seen {
        let Some(origin) = settings.index_origin(&registry.name) else {
            continue;
        };
        let how = match &origin {
            Definition::File(path) if Some(path) == user_config.as_ref() => {
                " (`feedctl disconnect --user` removes it there)".to_string()
            }
            Definition::File(_) => {
                " (feedctl did not write it there; remove it by hand)".to_string()
            }
            Definition::Env(var) => format!(" (unset `{var}`)"),
        };
        let replacing = match &replaced {
            Some((with, file)) if *with == registry.name => format!(
                ", and crates.io is still replaced with it in `{}`",
                file.display()
            ),
            _ => String::new(),
        };
        ui::warn(format!(
            "cargo still uses registry `{}` here: it is defined in {}{how}{replacing}",
            registry.name,
            origin.describe()
        ));
    }
}

fn removes(updated: &Updated, remove_if_empty: bool) -> bool {
    remove_if_empty && updated.changed && updated.file.render().is_empty()
}

fn file_report(updated: &Updated, remove_if_empty: bool, cwd: Option<&Path>) -> FileReport {
    let removed = removes(updated, remove_if_empty);
    FileReport {
        path: updated.file.path().display().to_string(),
        changed: updated.changed,
        removed,
        diff: cwd.map(|cwd| transaction::diff(&updated.file, removed, cwd)),
    }
}

fn report_nothing(args: &DisconnectArgs, path: &Path) -> Result<()> {
    if args.json {
        return print_json(&Report {
            dry_run: args.dry_run,
            registry: None,
            files: Vec::new(),
            restored: Vec::new(),
            logged_out: None,
        });
    }
    ui::status(
        "Unchanged",
        format!("`{}` has no Azure Artifacts registry", path.display()),
    );
    Ok(())
}

fn print_json(report: &Report) -> Result<()> {
    ui::json(report)
}

/// The one Azure registry in this file, for `disconnect` without `--name`.
fn single_azure_registry(file: &ConfigFile) -> Result<Option<String>> {
    let azure = project::azure_registries(file);
    match azure.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(Failure::new(
            Code::Usage,
            format!(
                "`{}` has several Azure Artifacts registries ({}): pass `--name`",
                file.path().display(),
                azure.join(", ")
            ),
        )
        .into()),
    }
}
