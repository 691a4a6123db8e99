//! `feedctl providers`: set `registry.global-credential-providers` in
//! `$CARGO_HOME/config.toml`, merging into what is there and never listing an OS store that
//! cannot work on this machine without saying so.

use std::path::PathBuf;

use anyhow::Result;

use crate::auth::entra;
use crate::cargo_config::{self, NewParent, Updated};
use crate::cli::{Auth, ProvidersArgs};
use crate::environment::Environment;
use crate::plugin;
use crate::providers::{self, Probe, Store};
use crate::settings::{self, Settings};
use crate::ui;

/// What the providers step did, for `connect`'s summary.
#[derive(Debug)]
pub struct Outcome {
    pub updated: Updated,
    /// The provider `cargo login` will store with.
    pub storing: Option<String>,
    pub cargo_home: PathBuf,
}

pub fn run(args: &ProvidersArgs, env: &Environment) -> Result<()> {
    match args.auth {
        Auth::Pat => {
            let outcome = apply(env, args.store, args.dry_run)?;
            report(&outcome, args.dry_run)
        }
        Auth::AzureCli => {
            let registry = Settings::load(env)?.pick(args.name.as_deref())?;
            let updated = set_feedctl_provider(env, &registry.name, true, args.dry_run)?;
            report_feedctl_provider(&updated, &registry.name, args.dry_run)
        }
        Auth::Entra => {
            let registry = Settings::load(env)?.pick(args.name.as_deref())?;
            let updated = set_feedctl_provider_args(
                env,
                &registry.name,
                Some(&entra::PROVIDER_ARGS),
                args.dry_run,
            )?;
            report_feedctl_provider(&updated, &registry.name, args.dry_run)
        }
    }
}

/// Makes feedctl (`use_it`) or no longer feedctl the credential provider of one registry, in
/// `$CARGO_HOME/config.toml`. Per registry rather than in the global list: the global list
/// keeps `cargo:token` for every other registry and for env tokens, and an `az` that is not
/// logged in cannot abort the chain for registries that use PATs. The user's file, not the
/// project's, because the project's is committed and CI authenticates with env tokens.
pub fn set_feedctl_provider(
    env: &Environment,
    registry: &str,
    use_it: bool,
    dry_run: bool,
) -> Result<Updated> {
    set_feedctl_provider_args(env, registry, use_it.then_some(&[]), dry_run)
}

/// As [`set_feedctl_provider`], with the provider's own arguments (`Some`: use feedctl with
/// them, e.g. `--auth entra`; `None`: no longer feedctl).
pub fn set_feedctl_provider_args(
    env: &Environment,
    registry: &str,
    args: Option<&[&str]>,
    dry_run: bool,
) -> Result<Updated> {
    let (path, _) = cargo_config::config_in(&env.cargo_home()?);
    let key = ["registries", registry, "credential-provider"];
    let exe = env.current_exe()?;
    cargo_config::update(&path, dry_run, |file| {
        let current = file.get(&key).and_then(settings::provider_argv);
        if let Some(args) = args {
            if let Some(current) = &current
                && !plugin::is_feedctl_provider(current)
            {
                ui::warn(format!(
                    "replacing `{}` as the credential provider of `{registry}` in `{}`",
                    current.join(" "),
                    file.path().display()
                ));
            }
            let mut array = toml_edit::Array::new();
            array.push(exe.to_string_lossy().as_ref());
            array.extend(args.iter().copied());
            file.set(&key, array, NewParent::Header)
        } else {
            if current.as_deref().is_some_and(plugin::is_feedctl_provider) {
                file.remove(&key);
            }
            Ok(())
        }
    })
}

fn report_feedctl_provider(updated: &Updated, registry: &str, dry_run: bool) -> Result<()> {
    let file = updated.file.path().display();
    if dry_run && updated.changed {
        ui::stdout(updated.file.diff())?;
        ui::note(format!("dry run: `{file}` was not changed"));
    } else {
        let verb = if updated.changed {
            "Configured"
        } else {
            "Unchanged"
        };
        ui::status(
            verb,
            format!("feedctl as the credential provider of `{registry}` in `{file}`"),
        );
    }
    Ok(())
}

/// Probes the OS store if the choice depends on it, merges and writes the list.
pub fn apply(env: &Environment, store: Store, dry_run: bool) -> Result<Outcome> {
    let cargo_home = env.cargo_home()?;
    let (path, warning) = cargo_config::config_in(&cargo_home);
    if let Some(warning) = warning {
        ui::warn(warning);
    }
    let probe = match store {
        Store::File => Probe::Unusable("not wanted".into()),
        Store::Auto | Store::Os => {
            ui::debug("probing the OS credential store");
            providers::probe_os_store(env)
        }
    };
    ui::debug(format!("OS store probe: {probe:?}"));
    let choice = providers::choose(store, &probe);
    if let Some(warning) = &choice.warning {
        ui::warn(warning);
    }
    let updated = cargo_config::update(&path, dry_run, |file| {
        let current = providers::current(file)?;
        let wanted = providers::merge(&current, choice.use_os);
        let os = providers::os_provider();
        if current.iter().any(|p| p == os) && !choice.use_os {
            ui::warn(format!(
                "removing `{os}` from `{}`: it cannot work here and would abort every \
                 authenticated cargo command",
                file.path().display()
            ));
        }
        providers::apply(file, &wanted)
    })?;
    let list = providers::current(&updated.file)?;
    let storing = providers::storing_provider(&list).map(str::to_string);
    Ok(Outcome {
        updated,
        storing,
        cargo_home,
    })
}

/// Prints the diff (dry run) or what changed.
pub fn report(outcome: &Outcome, dry_run: bool) -> Result<()> {
    let file = outcome.updated.file.path().display();
    if dry_run && outcome.updated.changed {
        ui::stdout(outcome.updated.file.diff())?;
        ui::note(format!("dry run: `{file}` was not changed"));
        return Ok(());
    }
    let list = providers::current(&outcome.updated.file)?;
    let verb = if outcome.updated.changed {
        "Configured"
    } else {
        "Unchanged"
    };
    ui::status(
        verb,
        format!("credential providers [{}] in `{file}`", list.join(", ")),
    );
    if let Some(storing) = &outcome.storing {
        ui::note(format!(
            "`cargo login` will store tokens in {}",
            providers::describe_store(storing, &outcome.cargo_home)
        ));
    }
    Ok(())
}
