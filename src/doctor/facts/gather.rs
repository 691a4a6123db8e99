//! Reads the facts, once: cargo's config and version, each registry's credentials and token
//! source, the files cargo would trip over, and (unless offline) the feeds' answers. The
//! slow parts (`cargo --version` and each feed's requests) run at once, on one HTTP client
//! whose connections are reused per host.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use time::OffsetDateTime;

use super::online::online;
use super::{
    Artifacts, Auth, AzureCliLogin, Config, EntraSource, Facts, Libsecret, Lockfile, Mode, Online,
    Options, RegistryFacts,
};
use crate::auth::expiry::Expiry;
use crate::auth::minted::Records;
use crate::auth::{azure_cli, entra};
use crate::azure::probe::Prober;
use crate::cargo::config::edit::{self, ConfigFile};
use crate::cargo::config::effective::{Definition, Registry, Settings};
use crate::cargo::config::env_names;
use crate::cargo::credentials::{self, Credentials};
use crate::cargo::lockfile;
use crate::cargo::providers;
use crate::environment::Environment;
use crate::util::paths::same_file;

/// Everything the checks need, read once.
/// The prefixes of the variables cargo and feedctl read as text: cargo's own, and the CI
/// platforms' and Azure hosts' that the token sources use. (`CARGO_HOME` is a path, read as
/// any bytes, and left out below.)
const READ_VARS: [&str; 11] = [
    "CARGO_",
    "HTTP_TIMEOUT",
    "FEEDCTL_",
    "SYSTEM_",
    "AZURE",
    "ACTIONS_ID_TOKEN_",
    "GITHUB_",
    "IDENTITY_",
    "MSI_",
    "CODESPACES",
    "TF_BUILD",
];

pub fn facts(env: &Environment, options: Options) -> Facts {
    let settings = match Settings::load(env) {
        Ok(settings) => settings,
        Err(e) => {
            return Facts {
                cargo: cargo_version(env),
                config: Err(format!("{e:#}")),
            };
        }
    };
    let (prober, http_error) = match options.offline {
        true => (None, None),
        false => match Prober::new(&settings.http()) {
            Ok(prober) => (Some(prober), None),
            Err(e) => (None, Some(format!("{e:#}"))),
        },
    };
    // az's login and the Entra source are the machine's, not a registry's: each is read at
    // most once (az is a slow process).
    let machine = Machine::default();
    let (records, unreadable_records) = records(env);
    let mut registries: Vec<RegistryFacts> = settings
        .azure_registries()
        .into_iter()
        .map(|registry| registry_facts(env, &settings, registry, &machine, records.as_ref()))
        .collect();
    let http = settings.http();
    // Read once for every registry's dependency-confusion facts, and only when they are asked.
    let lockfile = match prober.is_some() && !registries.is_empty() {
        true => read_lockfile(env),
        false => Ok(None),
    };
    let (cargo, online) = std::thread::scope(|scope| {
        let cargo = scope.spawn(|| cargo_version(env));
        let jobs: Vec<_> = registries
            .iter()
            .map(|facts| {
                let (prober, http, lockfile) = (prober.as_ref(), &http, &lockfile);
                scope.spawn(move || prober.map(|prober| online(env, prober, http, facts, lockfile)))
            })
            .collect();
        let online: Vec<Option<(Online, Option<Artifacts>)>> = jobs
            .into_iter()
            .map(|job| job.join().expect("a doctor check panicked"))
            .collect();
        (cargo.join().expect("the cargo check panicked"), online)
    });
    for (facts, online) in registries.iter_mut().zip(online) {
        (facts.online, facts.artifacts) = match online {
            Some((online, artifacts)) => (Some(online), artifacts),
            None => (None, None),
        };
    }
    let all = settings.registries();
    let config = Config {
        http_error,
        global_providers: settings.global_provider_sources(),
        offline: settings.offline(),
        non_unicode_vars: env
            .non_unicode_vars(&READ_VARS)
            .into_iter()
            .filter(|var| var != "CARGO_HOME")
            .collect(),
        shared_token_vars: env_names::shared_token_vars(all.iter().map(|r| r.name.as_str()))
            .into_iter()
            .map(|(var, names)| (var, names.into_iter().map(str::to_string).collect()))
            .collect(),
        legacy_configs: settings
            .files()
            .filter(|file| {
                let modern = file.with_file_name("config.toml");
                file.file_name().is_some_and(|n| n == "config")
                    && modern.is_file()
                    && !same_file(file, &modern)
            })
            .map(Path::to_path_buf)
            .chain(
                env.cargo_home()
                    .ok()
                    .and_then(|home| credentials::shadowed_credentials(&home)),
            )
            .collect(),
        libsecret: libsecret(env, &settings),
        unreadable_credentials: unreadable_credentials(env),
        committed_tokens: credentials::project_config_tokens(env, &settings),
        unreadable_records,
        registries,
    };
    Facts {
        cargo,
        config: Ok(config),
    }
}

fn read_lockfile(env: &Environment) -> Lockfile {
    let Ok(path) = lockfile::path(env) else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    let locked = lockfile::read(&path).map_err(|e| format!("{e:#}"))?;
    Ok(Some((path, locked)))
}

fn cargo_version(env: &Environment) -> Result<String, String> {
    let cargo = env.cargo_program();
    match Command::new(&cargo).arg("--version").output() {
        Ok(out) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        _ => Err(cargo.to_string_lossy().into_owned()),
    }
}

/// What is asked of the machine once for all registries, when the first one needs it.
#[derive(Default)]
struct Machine {
    az_login: OnceCell<AzureCliLogin>,
    entra_source: OnceCell<Result<EntraSource, String>>,
}

/// The records of the PATs feedctl minted (local, so known offline too), or why they cannot
/// be read.
fn records(env: &Environment) -> (Option<Records>, Option<String>) {
    let loaded = env.cargo_home().and_then(|home| Records::load(&home));
    match loaded {
        Ok(records) => (Some(records), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    }
}

fn registry_facts(
    env: &Environment,
    settings: &Settings,
    registry: Registry,
    machine: &Machine,
    records: Option<&Records>,
) -> RegistryFacts {
    let auth = credentials::credentials(env, settings, &registry)
        .ok()
        .map(|credentials| Auth {
            mode: mode(env, &registry, &credentials, machine),
            expiry: Expiry::of(
                &credentials,
                records.and_then(|r| r.stored_for(&registry.name, &registry.index)),
            ),
            credentials,
            now: OffsetDateTime::now_utc(),
        });
    RegistryFacts {
        index_origin: settings.index_origin(&registry.name).cloned(),
        index_names: settings.names_for_index(&registry.index),
        provider_origin: settings.provider_origin(&registry.name).cloned(),
        auth,
        online: None,
        artifacts: None,
        registry,
    }
}

fn mode(
    env: &Environment,
    registry: &Registry,
    credentials: &Credentials,
    machine: &Machine,
) -> Mode {
    let provider_exists = || {
        registry
            .credential_provider
            .as_ref()
            .and_then(|argv| argv.first())
            .is_some_and(|program| Path::new(program).is_file())
    };
    if credentials.entra.is_some() {
        let source = machine.entra_source.get_or_init(|| {
            entra::choose(&entra::Facts::gather(env))
                .map(|choice| EntraSource {
                    source: choice.plan.source().describe(),
                    detail: choice.detail(),
                })
                .map_err(|failure| failure.message)
        });
        Mode::Entra {
            provider_exists: provider_exists(),
            source: source.clone(),
        }
    } else if credentials.azure_cli {
        Mode::AzureCli {
            provider_exists: provider_exists(),
            login: machine
                .az_login
                .get_or_init(|| azure_cli_login(env))
                .clone(),
        }
    } else {
        let storing = credentials.storing.as_deref();
        Mode::Cargo {
            storing_runnable: storing.is_none_or(|p| p.starts_with("cargo:") || runnable(env, p)),
        }
    }
}

fn azure_cli_login(env: &Environment) -> AzureCliLogin {
    let Some(az) = azure_cli::find(env) else {
        return AzureCliLogin::Missing;
    };
    match azure_cli::account(env) {
        Ok(Some(account)) => AzureCliLogin::LoggedIn { az, account },
        Ok(None) => AzureCliLogin::LoggedOut {
            advice: azure_cli::not_logged_in(env, None),
            az,
        },
        Err(failure) => AzureCliLogin::Failed(failure.advice),
    }
}

/// Whether cargo could start the provider program `program`: an absolute path that is a
/// file, or a bare name found on `PATH` (with `.exe` on Windows). A relative path is taken
/// from its config file's directory by cargo, so it is given the benefit of the doubt.
fn runnable(env: &Environment, program: &str) -> bool {
    let path = Path::new(program);
    if path.is_absolute() {
        return path.is_file();
    }
    if path.components().count() > 1 {
        return true;
    }
    let names = [program.to_string(), format!("{program}.exe")];
    env.var_os("PATH").is_some_and(|dirs| {
        std::env::split_paths(dirs).any(|dir| names.iter().any(|n| dir.join(n).is_file()))
    })
}

/// Only on Linux, where `cargo:libsecret` needs a Secret Service that headless machines lack;
/// the store is probed only when the provider is listed somewhere.
fn libsecret(env: &Environment, settings: &Settings) -> Option<Libsecret> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    let mut listed_in: Vec<Definition> = settings
        .global_provider_sources()
        .into_iter()
        .flatten()
        .filter(|(p, _)| p == providers::LIBSECRET)
        .map(|(_, from)| from)
        .collect();
    for registry in settings.registries() {
        let first = registry
            .credential_provider
            .as_ref()
            .and_then(|argv| argv.first());
        if first.is_some_and(|p| p == providers::LIBSECRET)
            && let Some(from) = settings.provider_origin(&registry.name)
        {
            listed_in.push(from.clone());
        }
    }
    listed_in.dedup();
    if listed_in.is_empty() {
        return None;
    }
    Some(Libsecret {
        probe: providers::probe_os_store(env),
        home_config: env.cargo_home().map(|home| edit::config_in(&home).0).ok(),
        listed_in,
    })
}

fn unreadable_credentials(env: &Environment) -> Vec<(PathBuf, String)> {
    let Ok(cargo_home) = env.cargo_home() else {
        return Vec::new();
    };
    credentials::credentials_file(&cargo_home)
        .into_iter()
        .filter_map(|path| {
            let error = ConfigFile::load(&path).err()?;
            Some((path, format!("{error:#}")))
        })
        .collect()
}
