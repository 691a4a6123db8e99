//! What feedctl can learn about a registry's credentials by reading, never writing: the
//! provider list that applies and the provider `cargo login` stores with; the token cargo
//! would use among those feedctl can see (`CARGO_REGISTRIES_<NAME>_TOKEN`, then cargo's
//! credentials file, then a `token` in any config file cargo reads; the OS stores cannot be
//! read), or, with feedctl as the provider
//! (`--auth azure-cli`, `--auth entra`), where each fresh token comes from; the credentials
//! files that exist; and tokens committed to project config files, named by key. Used by
//! `status`, `doctor` and `login`. A token read here only ever goes to the feed (`doctor`'s
//! check) or into a fingerprint compared with the records of minted PATs
//! ([`crate::auth::expiry`]), never to output.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::auth::entra;
use crate::auth::secret::Secret;
use crate::cargo::config::edit::ConfigFile;
use crate::cargo::config::effective::{Registry, Settings};
use crate::cargo::providers;
use crate::environment::Environment;
use crate::util::paths::{canonical, same_file};

/// A token feedctl found, and where.
#[derive(Debug, Clone)]
pub struct FoundToken {
    pub origin: Origin,
    pub secret: Secret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `CARGO_REGISTRIES_<NAME>_TOKEN`.
    EnvVar(String),
    /// cargo's credentials file (see [`providers::credentials_path`]).
    CredentialsFile(PathBuf),
    /// `registries.NAME.token` in a config file cargo reads (`cargo:token` sends it too).
    ConfigFile(PathBuf),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Origin::EnvVar(var) => format!("env var `{var}`"),
            Origin::CredentialsFile(path) => format!("`{}`", path.display()),
            Origin::ConfigFile(path) => format!("config file `{}`", path.display()),
        }
    }

    /// How to take the token away from cargo, for `registry`.
    pub fn removal_hint(&self, registry: &str) -> String {
        match self {
            Origin::EnvVar(var) => format!("unset `{var}`"),
            Origin::CredentialsFile(path) | Origin::ConfigFile(path) => format!(
                "delete `token` under `[registries.{registry}]` in `{}`",
                path.display()
            ),
        }
    }
}

/// Where a token is, for machine-readable output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenLocation {
    /// `env_var`, `credentials_file`, `config_file`, `credential_provider`, `entra`,
    /// `azure_cli` or `none`.
    pub source: &'static str,
    /// The variable's name, the file's path or the provider; `null` for `azure_cli`, `none`.
    pub location: Option<String>,
}

/// Everything known about one registry's credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The provider list that applies, lowest precedence first.
    pub providers: Vec<String>,
    /// Whether that list was configured (cargo's implicit default does not serve auth).
    pub providers_explicit: bool,
    /// The provider `cargo login` stores with.
    pub storing: Option<String>,
    pub env_token: Option<FoundToken>,
    pub file_token: Option<FoundToken>,
    /// `registries.NAME.token` in the closest config file that sets it.
    pub config_token: Option<FoundToken>,
    /// The registry's provider is feedctl itself (`--auth azure-cli`): tokens come from `az`.
    pub azure_cli: bool,
    /// With `--auth entra` (feedctl as provider too): where the chain gets a token here.
    pub entra: Option<String>,
    /// With `--auth entra`: the name of the source the chain would use here, if any applies.
    pub entra_source: Option<&'static str>,
}

impl Credentials {
    /// Whether `cargo:token` is listed (env tokens and credentials.toml need it).
    pub fn lists_cargo_token(&self) -> bool {
        providers::lists_token(&self.providers)
    }

    /// The token cargo would use, of those feedctl can see; `None` when it is in an OS store
    /// or nowhere.
    pub fn effective(&self) -> Option<&FoundToken> {
        if !self.lists_cargo_token() {
            return None;
        }
        // Within cargo:token the env var beats the credentials file, which beats every config
        // file (cargo merges credentials over config; checked with cargo 1.95). An OS store
        // listed after cargo:token is asked first, so a file token then only counts if the
        // store has nothing.
        self.env_token
            .as_ref()
            .or(self.file_token.as_ref())
            .or(self.config_token.as_ref())
    }

    /// Where the token lives, as data: a kind and, where there is one, the variable, file or
    /// provider. The OS stores cannot be read, so `credential_provider` means "stored there if
    /// `cargo login` was run".
    pub fn location(&self) -> TokenLocation {
        let (source, location) = if self.entra.is_some() {
            ("entra", self.entra_source.map(str::to_string))
        } else if self.azure_cli {
            ("azure_cli", None)
        } else if let Some(found) = self.effective() {
            match &found.origin {
                Origin::EnvVar(var) => ("env_var", Some(var.clone())),
                Origin::CredentialsFile(path) => {
                    ("credentials_file", Some(path.display().to_string()))
                }
                Origin::ConfigFile(path) => ("config_file", Some(path.display().to_string())),
            }
        } else {
            match self.storing.as_deref() {
                Some(p) if p != providers::TOKEN => ("credential_provider", Some(p.to_string())),
                _ => ("none", None),
            }
        };
        TokenLocation { source, location }
    }

    /// Where the token lives, in words, without the token.
    pub fn whereabouts(&self, cargo_home: &Path) -> String {
        if let Some(source) = &self.entra {
            return source.clone();
        }
        if self.azure_cli {
            return "none stored: feedctl gets a fresh token from `az` for each cargo command"
                .to_string();
        }
        if let Some(found) = self.effective() {
            return found.origin.describe();
        }
        match self.storing.as_deref() {
            Some(p) if p == providers::TOKEN => "none".to_string(),
            Some(p) => format!(
                "unknown: {} if `cargo login` was run (cargo's stores cannot be read by other programs)",
                providers::describe_store(p, cargo_home)
            ),
            None => "none".to_string(),
        }
    }
}

pub fn credentials(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
) -> Result<Credentials> {
    let (list, explicit) = settings.providers_for(registry);
    let storing = providers::storing_provider(&list).map(str::to_string);
    let var = registry.token_var();
    let env_token = env.var(&var).filter(|v| !v.is_empty()).map(|v| FoundToken {
        origin: Origin::EnvVar(var),
        secret: crate::auth::secret::verbatim(v),
    });
    let file_token = credentials_file_token(&env.cargo_home()?, &registry.name)?;
    let config_token = settings
        .token(&registry.name)
        .map(|(token, path)| FoundToken {
            origin: Origin::ConfigFile(path.to_path_buf()),
            secret: crate::auth::secret::verbatim(token.to_string()),
        });
    let is_entra = registry
        .credential_provider
        .as_deref()
        .is_some_and(crate::auth::entry::is_entra_provider);
    let entra_here = is_entra.then(|| entra::here(env));
    Ok(Credentials {
        entra: entra_here.as_ref().map(|(words, _)| words.clone()),
        entra_source: entra_here.and_then(|(_, source)| source),
        azure_cli: registry
            .credential_provider
            .as_deref()
            .is_some_and(crate::auth::entry::is_feedctl_provider),
        providers: list,
        providers_explicit: explicit,
        storing,
        env_token,
        file_token,
        config_token,
    })
}

/// The files where cargo's `cargo:token` provider may keep tokens, existing or not:
/// `$CARGO_HOME/credentials.toml` and the legacy `credentials` (which cargo writes instead
/// when it exists).
pub fn credentials_paths(cargo_home: &Path) -> [PathBuf; 2] {
    ["credentials.toml", "credentials"].map(|name| cargo_home.join(name))
}

/// [`providers::credentials_path`] when that file exists: the only credentials file cargo parses.
pub fn credentials_file(cargo_home: &Path) -> Option<PathBuf> {
    Some(providers::credentials_path(cargo_home)).filter(|path| path.is_file())
}

/// The legacy `credentials` when a different `credentials.toml` sits beside it, which cargo
/// then ignores (and warns about); a link from one to the other is one file.
pub fn shadowed_credentials(cargo_home: &Path) -> Option<PathBuf> {
    let (legacy, modern) = (
        cargo_home.join("credentials"),
        cargo_home.join("credentials.toml"),
    );
    (legacy.is_file() && modern.is_file() && !same_file(&legacy, &modern)).then_some(legacy)
}

/// Tokens written into project config files (which get committed): each file and key
/// (`registries.NAME.token` or `registry.token`), never the value. The files are those cargo
/// reads here (`settings`) that sit in a project, below a directory whose `.cargo` config
/// cargo reads — `include`d ones too — and not in `$CARGO_HOME`. A file included from
/// elsewhere (e.g. `~/secrets/tokens.toml`) is the user's own, not the project's.
pub fn project_config_tokens(env: &Environment, settings: &Settings) -> Vec<(PathBuf, String)> {
    let home = env.cargo_home().ok().map(|home| canonical(&home));
    let in_home = |path: &Path| home.as_deref().is_some_and(|h| path.starts_with(h));
    let projects: Vec<PathBuf> = env
        .cwd()
        .ancestors()
        .filter(|dir| {
            let cargo_dir = canonical(&dir.join(".cargo"));
            !in_home(&cargo_dir)
                && settings
                    .files()
                    .any(|f| canonical(f).starts_with(&cargo_dir))
        })
        .map(canonical)
        .collect();
    let mut found = Vec::new();
    for (path, file) in settings.files().zip(settings.config_files()) {
        let real = canonical(path);
        if in_home(&real) || !projects.iter().any(|p| real.starts_with(p)) {
            continue;
        }
        if file.get(&["registry", "token"]).is_some() {
            found.push((path.to_path_buf(), "registry.token".to_string()));
        }
        for registry in file.keys(&["registries"]) {
            if file.get(&["registries", &registry, "token"]).is_some() {
                found.push((path.to_path_buf(), format!("registries.{registry}.token")));
            }
        }
    }
    found
}

/// `[registries.NAME] token` in the credentials file cargo reads.
fn credentials_file_token(cargo_home: &Path, registry: &str) -> Result<Option<FoundToken>> {
    let Some(path) = credentials_file(cargo_home) else {
        return Ok(None);
    };
    let file = ConfigFile::load(&path)?;
    Ok(file
        .get_str(&["registries", registry, "token"])
        .map(|token| FoundToken {
            secret: crate::auth::secret::verbatim(token.to_string()),
            origin: Origin::CredentialsFile(path.clone()),
        }))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// The surroundings: a project whose config includes a file of its own and one in the
    /// user's home, `$CARGO_HOME` with tokens of its own, and the legacy credentials file.
    fn setup(dir: &Path) -> Environment {
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(
            "p/.cargo/config.toml",
            "include = [\"shared.toml\", \"../../secrets/tokens.toml\"]\n\
             [registries.a]\nindex = \"sparse+https://a/\"\n",
        );
        write(
            "p/.cargo/shared.toml",
            "[registries.a]\ntoken = \"Basic shared\"\n",
        );
        write(
            "secrets/tokens.toml",
            "[registries.b]\ntoken = \"Basic mine\"\n",
        );
        write(
            "home/config.toml",
            "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n\
             [registries.c]\ntoken = \"Basic home\"\n",
        );
        write(
            "home/credentials",
            "[registries.a]\ntoken = \"Basic legacy\"\n",
        );
        write(
            "home/credentials.toml",
            "[registries.a]\ntoken = \"Basic ignored\"\n",
        );
        Environment::for_test(dir.join("p"))
            .with_var("CARGO_HOME", dir.join("home").to_str().unwrap())
    }

    #[test]
    fn committed_tokens_are_those_in_the_project_includes_too() {
        let dir = tempfile::tempdir().unwrap();
        let env = setup(dir.path());
        let settings = Settings::load(&env).unwrap();
        let found = project_config_tokens(&env, &settings);
        let keys: Vec<(String, &str)> = found
            .iter()
            .map(|(path, key)| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, key.as_str())
            })
            .collect();
        assert_eq!(keys, [("shared.toml".to_string(), "registries.a.token")]);
    }

    /// cargo's order (checked with cargo 1.95): the variable, then its credentials file (the
    /// legacy `credentials` when it exists), then the closest config file.
    #[test]
    fn the_token_cargo_sends_is_found_in_cargos_order() {
        let dir = tempfile::tempdir().unwrap();
        let env = setup(dir.path());
        let settings = Settings::load(&env).unwrap();
        let registry = |name: &str| Registry {
            name: name.into(),
            index: "sparse+https://a/".into(),
            file: PathBuf::new(),
            credential_provider: None,
        };
        let sent = |env: &Environment, name: &str| {
            let credentials = credentials(env, &settings, &registry(name)).unwrap();
            let found = credentials.effective().unwrap().clone();
            (found.origin, found.secret.as_deref().expose().to_string())
        };
        let home = dir.path().join("home");
        assert_eq!(
            sent(&env, "a"),
            (
                Origin::CredentialsFile(home.join("credentials")),
                "Basic legacy".into()
            )
        );
        assert_eq!(
            sent(&env, "b"),
            (
                Origin::ConfigFile(dir.path().join("p/.cargo/../../secrets/tokens.toml")),
                "Basic mine".into()
            )
        );
        assert_eq!(
            sent(&env, "c"),
            (
                Origin::ConfigFile(home.join("config.toml")),
                "Basic home".into()
            )
        );
        let with_var = env
            .clone()
            .with_var("CARGO_REGISTRIES_C_TOKEN", "Basic var");
        assert_eq!(sent(&with_var, "c").1, "Basic var");
        assert_eq!(shadowed_credentials(&home), Some(home.join("credentials")));
    }
}
