//! What feedctl can learn about a registry's credentials without changing anything: which
//! providers apply, which one stores and which answers first, and where a token is. Shared
//! by `status` and `doctor`. Tokens read here only ever go to the feed, never to output.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::auth::entra;
use crate::cargo_config::ConfigFile;
use crate::environment::Environment;
use crate::plugin;
use crate::providers;
use crate::settings::{Registry, Settings};
use crate::token::Secret;

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
    /// `$CARGO_HOME/credentials.toml`.
    CredentialsFile(PathBuf),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Origin::EnvVar(var) => format!("env var `{var}`"),
            Origin::CredentialsFile(path) => format!("`{}`", path.display()),
        }
    }
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
    /// The registry's provider is feedctl itself (`--auth azure-cli`): tokens come from `az`.
    pub azure_cli: bool,
    /// With `--auth entra` (feedctl as provider too): where the chain gets a token here.
    pub entra: Option<String>,
}

impl Credentials {
    /// Whether `cargo:token` is listed (env tokens and credentials.toml need it).
    pub fn lists_cargo_token(&self) -> bool {
        self.providers
            .iter()
            .any(|p| p.split_whitespace().next() == Some(providers::TOKEN))
    }

    /// The token cargo would use, of those feedctl can see; `None` when it is in an OS store
    /// or nowhere.
    pub fn effective(&self) -> Option<&FoundToken> {
        if !self.lists_cargo_token() {
            return None;
        }
        // Within cargo:token the env var beats the file; an OS store listed after cargo:token
        // is asked first, so a file token then only counts if the store has nothing.
        self.env_token.as_ref().or(self.file_token.as_ref())
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
        secret: Secret::verbatim(v),
    });
    let file_token = credentials_file_token(&env.cargo_home()?, &registry.name)?;
    Ok(Credentials {
        entra: registry
            .credential_provider
            .as_deref()
            .is_some_and(entra::is_entra_provider)
            .then(|| entra::describe_here(env)),
        azure_cli: registry
            .credential_provider
            .as_deref()
            .is_some_and(plugin::is_feedctl_provider),
        providers: list,
        providers_explicit: explicit,
        storing,
        env_token,
        file_token,
    })
}

/// `$CARGO_HOME/credentials.toml` (or the legacy `credentials`) `[registries.NAME] token`.
fn credentials_file_token(cargo_home: &Path, registry: &str) -> Result<Option<FoundToken>> {
    for name in ["credentials.toml", "credentials"] {
        let path = cargo_home.join(name);
        if !path.is_file() {
            continue;
        }
        let file = ConfigFile::load(&path)?;
        if let Some(token) = file.get_str(&["registries", registry, "token"]) {
            return Ok(Some(FoundToken {
                origin: Origin::CredentialsFile(path),
                secret: Secret::verbatim(token.to_string()),
            }));
        }
    }
    Ok(None)
}
