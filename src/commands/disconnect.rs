//! `feedctl disconnect`: remove what `connect` added — the registry entry, and the crates.io
//! replacement if it points at it — leaving every other byte of the file as it was.

use anyhow::Result;

use crate::cargo_config::{self, ConfigFile};
use crate::cli::DisconnectArgs;
use crate::commands::logout;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::feed;
use crate::settings::Registry;
use crate::ui;

const REPLACE_WITH: [&str; 3] = ["source", "crates-io", "replace-with"];

pub fn run(args: &DisconnectArgs, env: &Environment) -> Result<()> {
    let path = if args.user {
        cargo_config::user_config(&env.cargo_home()?)
    } else {
        cargo_config::project_config(env.cwd(), args.config.as_deref())?
    };
    let before = ConfigFile::load(&path)?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => match single_azure_registry(&before)? {
            Some(name) => name,
            None => {
                ui::status(
                    "Unchanged",
                    format!("`{}` has no Azure Artifacts registry", path.display()),
                );
                return Ok(());
            }
        },
    };
    let index = before
        .get_str(&["registries", &name, "index"])
        .map(str::to_string);
    if args.logout && !args.dry_run {
        match &index {
            Some(index) => logout::logout(
                env,
                &Registry {
                    name: name.clone(),
                    index: index.clone(),
                    file: path.clone(),
                    credential_provider: None,
                },
            )?,
            None => ui::warn(format!(
                "no registry `{name}` in `{}`, so no token to remove",
                path.display()
            )),
        }
    }
    let updated = cargo_config::update(&path, args.dry_run, |file| {
        file.remove(&["registries", &name]);
        if file.get_str(&REPLACE_WITH) == Some(name.as_str()) {
            file.remove(&REPLACE_WITH);
        }
        Ok(())
    })?;
    let shown = updated.file.path().display();
    match (args.dry_run, updated.changed) {
        (true, true) => {
            ui::stdout(updated.file.diff())?;
            ui::note(format!("dry run: `{shown}` was not changed"));
        }
        (_, false) => ui::status("Unchanged", format!("`{shown}` has no registry `{name}`")),
        (false, true) => ui::status("Removed", format!("registry `{name}` from `{shown}`")),
    }
    Ok(())
}

/// The one Azure registry in this file, for `disconnect` without `--name`.
fn single_azure_registry(file: &ConfigFile) -> Result<Option<String>> {
    let azure: Vec<String> = file
        .keys(&["registries"])
        .into_iter()
        .filter(|name| {
            file.get_str(&["registries", name, "index"])
                .is_some_and(feed::is_azure_index)
        })
        .collect();
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
