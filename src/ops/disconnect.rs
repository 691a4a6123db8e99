//! `disconnect`'s use case: remove what `connect` added — the registry entry, the crates.io
//! replacement pointing at it (or put back what `connect --force` replaced), and feedctl as
//! the registry's credential provider in `$CARGO_HOME/config.toml` — leaving every other
//! byte of the files as it was; with `logout`, also the stored token, last, so that a failed
//! `cargo logout` puts the files back.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::auth::minted::Records;
use crate::cargo::config::edit::{self, ConfigFile, Updated};
use crate::cargo::config::effective::{Definition, Registry, Settings};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::mint::retire;
use crate::ops::project::{self, Restored};
use crate::ops::providers::{HomeEdit, RegistryProvider};
use crate::ops::{login, transaction};
use crate::ui;

/// What the user asked `disconnect` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The registry (default: the only Azure Artifacts registry in the file).
    pub name: Option<&'a str>,
    /// The config file to edit (default: the project's, as for `connect`).
    pub config: Option<&'a Path>,
    /// Edit `$CARGO_HOME/config.toml` instead of the project config.
    pub user: bool,
    /// Also remove the stored token.
    pub logout: bool,
    pub dry_run: bool,
}

/// What `disconnect` did, or in a dry run would do.
#[derive(Debug)]
pub enum Outcome {
    /// The file has no Azure Artifacts registry and none was named.
    Nothing {
        /// The config file looked at.
        path: PathBuf,
        /// Why cargo, run here, still uses a feed anyway (see [`still_seen`]).
        still_seen: Vec<String>,
    },
    Done(Box<Done>),
}

/// The edits of one `disconnect`.
#[derive(Debug)]
pub struct Done {
    pub registry: String,
    /// The project config, then `$CARGO_HOME/config.toml`: written, or planned.
    pub files: [Updated; 2],
    /// Whether a file left empty is removed (it is unless `connect` found it empty).
    pub remove_if_empty: bool,
    /// Dry run: the diff of each file, relative to the working directory where below it.
    pub diffs: Option<[String; 2]>,
    /// Settings `connect --force` had replaced, now back.
    pub restored: Vec<Restored>,
    /// Whether `logout` removed a stored token (`None` without `logout`).
    pub logged_out: Option<bool>,
    /// The PATs feedctl minted for the registry that `logout` revoked.
    pub revoked: Vec<String>,
    /// Why cargo, run here, still uses the registry (empty in a dry run).
    pub still_seen: Vec<String>,
}

impl Done {
    /// Whether the edit removes (or would remove) the file itself.
    pub fn removes(&self, updated: &Updated) -> bool {
        self.remove_if_empty && updated.changed && updated.file.render().is_empty()
    }
}

/// Plans both edits (a bad file fails before anything changes), then, unless a dry run,
/// writes them and logs out in one transaction.
pub fn run(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    let path = if opts.user {
        edit::user_config(&env.cargo_home()?)
    } else {
        edit::project_config(env.cwd(), opts.config)?
    };
    let before = ConfigFile::load(&path)?;
    let name = match opts.name {
        Some(name) => name.to_string(),
        None => match single_azure_registry(&before)? {
            Some(name) => name,
            None => {
                return Ok(Outcome::Nothing {
                    path,
                    still_seen: still_seen(env, None),
                });
            }
        },
    };
    let index = before
        .get_str(&["registries", &name, "index"])
        .map(str::to_string);
    // `cargo logout` stops at a credentials file it cannot parse: fail before any write.
    if opts.logout && !opts.dry_run {
        login::require_readable_credentials(env)?;
    }
    // Plan both edits first: a bad file fails before anything changes.
    let mut planned_copy = before.clone();
    let outcome = project::disconnect(&mut planned_copy, &name)?;
    let remove_if_empty = !outcome.keep_empty;
    let project_edit = |f: &mut ConfigFile| project::disconnect(f, &name).map(drop);
    let project_planned = edit::plan(&path, project_edit)?;
    let mut home = HomeEdit::new(env)?;
    home.registry = Some((name.clone(), RegistryProvider::NotFeedctl));
    let home_edit = |f: &mut ConfigFile| home.apply(f);
    let home_planned = edit::plan(&home.path, home_edit)?;
    let mut done = Done {
        registry: name.clone(),
        files: [project_planned, home_planned],
        remove_if_empty,
        diffs: None,
        restored: outcome.restored,
        logged_out: None,
        revoked: Vec::new(),
        still_seen: Vec::new(),
    };
    if opts.dry_run {
        done.diffs = Some(
            done.files
                .each_ref()
                .map(|u| transaction::diff(&u.file, done.removes(u), env.cwd())),
        );
        return Ok(Outcome::Done(Box::new(done)));
    }
    let [project_planned, home_planned] = done.files;
    let registry = index.as_ref().map(|index| Registry {
        name: name.clone(),
        index: index.clone(),
        file: path.clone(),
        credential_provider: None,
    });
    // Which minted PAT cargo holds is read before `cargo logout` removes it.
    let minted = match (&registry, opts.logout) {
        (Some(registry), true) => retire::Minted::of_registry(env, registry)?,
        _ => None,
    };
    // The token goes last, and revoking a PAT feedctl minted (which cannot be undone) after
    // it: when either fails, the files are put back.
    let (project_done, home_done, logged_out, revoked) =
        transaction::all_or_nothing(|transaction| {
            let project =
                transaction.commit_with(project_planned, remove_if_empty, project_edit)?;
            let home_done = transaction.commit(home_planned, home_edit)?;
            let logged_out = match (opts.logout, &registry) {
                (false, _) => None,
                (true, Some(registry)) => Some(login::logout(transaction, env, registry)?),
                (true, None) => {
                    ui::warn(format!(
                        "no registry `{name}` in `{}`, so no token to remove",
                        path.display()
                    ));
                    None
                }
            };
            let held = minted
                .as_ref()
                .and_then(|(minted, _)| minted.held())
                .map(str::to_string);
            let revoked = match (minted, &registry) {
                (Some((minted, http)), Some(registry)) => {
                    transaction.guard(&Records::path(&env.cargo_home()?))?;
                    minted.revoke(env, &http, &registry.index).map_err(|e| {
                        e.context(format!(
                            "the PAT feedctl minted for `{name}` could not be revoked; run this \
                             again once the cause is fixed, or `feedctl logout --name {name} \
                             --keep-pat` first to keep it valid. The cause"
                        ))
                    })?
                }
                _ => Vec::new(),
            };
            if let Some(logout) = &logged_out {
                let held_revoked = held.as_ref().is_some_and(|id| revoked.contains(id));
                logout.report(held_revoked);
            }
            // `--logout` without the registry: nothing was removed.
            let removed = opts
                .logout
                .then(|| logged_out.as_ref().is_some_and(|l| l.removed));
            Ok((project, home_done, removed, revoked))
        })?;
    Ok(Outcome::Done(Box::new(Done {
        files: [project_done, home_done],
        logged_out,
        revoked,
        still_seen: still_seen(env, Some(&name)),
        ..done
    })))
}

/// Why cargo, run here, still sees the registry (`name`, or any Azure Artifacts registry)
/// after the edit: defined in another file (an `include`d one, a parent directory's,
/// `$CARGO_HOME/config.toml`) or a variable, which `disconnect` does not edit. Without these
/// warnings, "Removed"/"Unchanged" would read as "cargo no longer uses the feed" while it
/// still does.
fn still_seen(env: &Environment, name: Option<&str>) -> Vec<String> {
    // A config cargo cannot load is for `doctor` to report; the edit itself is done.
    let Ok(settings) = Settings::load(env) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    let seen: Vec<Registry> = match name {
        Some(name) => settings.registry(name).into_iter().collect(),
        None => settings.azure_registries(),
    };
    let replaced = settings.replace_with();
    if let (Some(name), Some((with, file))) = (name, &replaced)
        && with == name
        && seen.is_empty()
    {
        warnings.push(format!(
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
        warnings.push(format!(
            "cargo still uses registry `{}` here: it is defined in {}{how}{replacing}",
            registry.name,
            origin.describe()
        ));
    }
    warnings
}

/// The one Azure registry in this file, for `disconnect` without a name.
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
