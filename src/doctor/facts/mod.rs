//! Everything doctor learns from the machine, kept as plain values: cargo's version, its
//! effective config, the credentials of each Azure registry, what `az` and the Entra ID
//! sources say, files on disk, and the feeds' answers. The checks are pure functions of
//! these values, so tests build `Facts` by hand; [`gather`] reads them, once, and is with
//! [`online`] the only place doctor does I/O.

mod artifacts;
pub mod gather;
mod online;

use std::path::PathBuf;

use time::OffsetDateTime;

use crate::auth::azure_cli::{Account, Advice};
use crate::auth::expiry::Expiry;
use crate::azure::probe::Answer;
use crate::azure::rest::error::{RestError, TokenKind};
use crate::azure::rest::session::{KnownRole, Upstream};
use crate::azure::rest::upstreaming::Unknown;
use crate::azure::verdict::Pat;
use crate::cargo::config::effective::{Definition, Registry};
use crate::cargo::credentials::{Credentials, Origin};
use crate::cargo::lockfile::Locked;
use crate::cargo::providers::Probe;

/// What a doctor run is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Send no request to the feeds.
    pub offline: bool,
}

#[derive(Debug)]
pub struct Facts {
    /// `cargo --version`'s line, or the program that could not be run.
    pub cargo: Result<String, String>,
    /// cargo's config here, or why cargo cannot load it (then nothing else is read).
    pub config: Result<Config, String>,
}

/// What cargo's config and the files around it say.
#[derive(Debug)]
#[cfg_attr(test, derive(Default))]
pub struct Config {
    /// Why no request can be built from cargo's `[http]` settings.
    pub http_error: Option<String>,
    /// The global provider list, each entry with where it is set.
    pub global_providers: Option<Vec<(String, Definition)>>,
    /// Where `net.offline` is switched on.
    pub offline: Option<Definition>,
    /// Variables cargo or feedctl read that are set but not valid Unicode (read as unset).
    pub non_unicode_vars: Vec<String>,
    /// Token variables that two or more registries share, with those registries.
    pub shared_token_vars: Vec<(String, Vec<String>)>,
    /// Legacy `config` (or `$CARGO_HOME/credentials`) files cargo reads instead of the
    /// different `config.toml` (`credentials.toml`) beside them.
    pub legacy_configs: Vec<PathBuf>,
    /// Where `cargo:libsecret` is listed on Linux, and whether the Secret Service answers.
    pub libsecret: Option<Libsecret>,
    /// Credentials files cargo cannot parse, and the parse error.
    pub unreadable_credentials: Vec<(PathBuf, String)>,
    /// Tokens written into project configs: the file and the key, never the value.
    pub committed_tokens: Vec<(PathBuf, String)>,
    /// Why the records of the PATs feedctl minted cannot be read (then no expiry is known).
    pub unreadable_records: Option<String>,
    /// The Azure Artifacts registries, in config order.
    pub registries: Vec<RegistryFacts>,
}

#[derive(Debug)]
pub struct Libsecret {
    /// Never empty: with no listing there is nothing to check.
    pub listed_in: Vec<Definition>,
    pub probe: Probe,
    /// `$CARGO_HOME/config.toml`, the one file `feedctl providers` edits.
    pub home_config: Option<PathBuf>,
}

/// One Azure registry and everything known about its credentials.
#[derive(Debug)]
pub struct RegistryFacts {
    pub registry: Registry,
    pub index_origin: Option<Definition>,
    pub provider_origin: Option<Definition>,
    /// The names cargo finds for the registry's index when it looks for its token
    /// ([`crate::cargo::config::effective::Settings::names_for_index`]).
    pub index_names: Vec<(String, Definition)>,
    /// `None` when `credentials.toml` cannot be read (reported once, for the file).
    pub auth: Option<Auth>,
    /// The feed's answers; `None` offline or when no request can be built.
    pub online: Option<Online>,
    /// What Azure DevOps' REST API says about the feed; `None` offline or when the feed did
    /// not accept the registry's token.
    pub artifacts: Option<Artifacts>,
}

/// The feed as Azure DevOps' REST API describes it to the registry's token.
#[derive(Debug)]
pub struct Artifacts {
    /// The organization (or collection), in words.
    pub place: String,
    pub project: Option<String>,
    /// Where the token came from, in words.
    pub token_from: String,
    pub kind: TokenKind,
    /// Whose token it is, as `connectionData` names it.
    pub identity: Option<String>,
    /// The feed's settings and the caller's rights on it, or why Azure would not tell.
    pub feed: Result<FeedFacts, Box<RestError>>,
    /// The lockfile's crates of the feed's own registry, for dependency confusion.
    pub private: Private,
}

/// The workspace's `Cargo.lock` and its registry packages; `None` outside a cargo project
/// or without a lockfile (doctor never creates one).
pub type Lockfile = Result<Option<(PathBuf, Vec<Locked>)>, String>;

/// What `Cargo.lock` pins from the feed's own registry (not crates.io crates the feed
/// replaces), with what Azure and crates.io say about each name.
#[derive(Debug)]
pub enum Private {
    /// No cargo project, or no `Cargo.lock` in it.
    NoLockfile,
    /// `Cargo.lock` is there but cannot be read, and why.
    Unreadable(String),
    Crates {
        lockfile: PathBuf,
        /// The feed's name as the requests spelled it.
        feed: String,
        /// One per name, sorted.
        crates: Vec<PrivateCrate>,
    },
}

#[derive(Debug)]
pub struct PrivateCrate {
    pub name: String,
    /// The feed's per-package upstream setting (`auto`, `allowExternalVersions`).
    pub upstreaming: Result<String, Unknown>,
    /// Whether crates.io has the name; `None` when its index did not answer.
    pub on_crates_io: Option<bool>,
}

#[derive(Debug)]
pub struct FeedFacts {
    /// The feed's name as Azure spells it.
    pub name: String,
    pub upstream: Upstream,
    /// Azure's `statusDetails` reasons for the crates.io upstream.
    pub reasons: Option<String>,
    pub role: KnownRole,
    /// The answer to the query that needs Packaging > Read & write.
    pub write: Result<(), Box<RestError>>,
}

#[derive(Debug)]
pub struct Auth {
    pub credentials: Credentials,
    pub mode: Mode,
    /// When the token cargo uses stops working, as far as is known offline.
    pub expiry: Expiry,
    /// When the facts were read: what the expiry is measured against.
    pub now: OffsetDateTime,
}

/// Where the registry's tokens come from, with what that source needs checked.
#[derive(Debug)]
pub enum Mode {
    /// feedctl is the provider and mints Entra ID tokens (`--auth entra`).
    Entra {
        provider_exists: bool,
        source: Result<EntraSource, String>,
    },
    /// feedctl is the provider and asks the Azure CLI (`--auth azure-cli`).
    AzureCli {
        provider_exists: bool,
        login: AzureCliLogin,
    },
    /// cargo's own providers; `storing_runnable` is whether cargo can start the one that
    /// stores tokens (built-in `cargo:` providers always can).
    Cargo { storing_runnable: bool },
}

#[derive(Debug, Clone)]
pub struct EntraSource {
    pub source: &'static str,
    pub detail: String,
}

/// What `az account show` says (local, so known offline too).
#[derive(Debug, Clone)]
pub enum AzureCliLogin {
    Missing,
    LoggedIn { az: PathBuf, account: Account },
    LoggedOut { az: PathBuf, advice: Advice },
    Failed(Advice),
}

/// The feed's answer without a token, then with the registry's token.
#[derive(Debug)]
pub struct Online {
    pub anonymous: Result<Answer, String>,
    /// `None` when not asked: the anonymous answer already failed, or no token is known.
    pub with_token: Option<TokenAnswer>,
}

#[derive(Debug)]
pub enum TokenAnswer {
    /// The minted token and the feed's verdict on it, or why either failed.
    Entra(Result<EntraToken, String>),
    AzureCli(Result<AzureCliAnswer, Advice>),
    Cargo {
        origin: Origin,
        /// What the verdict on a refusal needs to know about the token sent.
        sent: Pat,
        answer: Result<Answer, String>,
    },
}

#[derive(Debug)]
pub struct EntraToken {
    pub source: &'static str,
    pub identity: String,
}

#[derive(Debug)]
pub struct AzureCliAnswer {
    pub outdated: Option<String>,
    pub tenant: Option<String>,
    pub switched_from: Option<String>,
    /// The feed's answer to az's token, or why the request failed.
    pub answer: Result<Answer, String>,
}

/// Facts for the checks' tests: a registry with a PAT-style setup and nothing found yet.
#[cfg(test)]
pub mod fixture {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::secret;
    use crate::cargo::credentials::FoundToken;
    use crate::cargo::providers;

    pub const INDEX: &str =
        "sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/";

    /// An Azure registry defined in `/p/.cargo/config.toml`, with no provider of its own.
    pub fn registry(name: &str) -> RegistryFacts {
        RegistryFacts {
            registry: Registry {
                name: name.to_string(),
                index: INDEX.to_string(),
                file: PathBuf::from("/p/.cargo/config.toml"),
                credential_provider: None,
            },
            index_origin: Some(Definition::File(PathBuf::from("/p/.cargo/config.toml"))),
            provider_origin: None,
            index_names: vec![(
                name.to_string(),
                Definition::File(PathBuf::from("/p/.cargo/config.toml")),
            )],
            auth: None,
            online: None,
            artifacts: None,
        }
    }

    /// cargo's providers `list` (lowest precedence first), explicitly configured.
    pub fn credentials(list: &[&str]) -> Credentials {
        let providers: Vec<String> = list.iter().map(|p| p.to_string()).collect();
        Credentials {
            storing: providers::storing_provider(&providers).map(str::to_string),
            providers,
            providers_explicit: true,
            env_token: None,
            file_token: None,
            config_token: None,
            azure_cli: false,
            entra: None,
            entra_source: None,
        }
    }

    /// A token in `CARGO_REGISTRIES_<NAME>_TOKEN`.
    pub fn env_token(var: &str, value: &str) -> Option<FoundToken> {
        Some(FoundToken {
            origin: Origin::EnvVar(var.to_string()),
            secret: secret::verbatim(value),
        })
    }

    /// `registries.NAME.token` in `/p/.cargo/config.toml`.
    pub fn config_token(value: &str) -> Option<FoundToken> {
        Some(FoundToken {
            origin: Origin::ConfigFile(PathBuf::from("/p/.cargo/config.toml")),
            secret: secret::verbatim(value),
        })
    }

    /// A pasted PAT sent on 2026-11-30, before global PATs were retired: the plain reading of
    /// a refusal.
    pub fn sent() -> Pat {
        Pat {
            basic: true,
            at: time::Date::from_calendar_date(2026, time::Month::November, 30)
                .unwrap()
                .midnight()
                .assume_utc(),
            minted_until: None,
        }
    }

    /// A token in `$CARGO_HOME/credentials.toml` (at `/h`).
    pub fn file_token(value: &str) -> Option<FoundToken> {
        Some(FoundToken {
            origin: Origin::CredentialsFile(PathBuf::from("/h/credentials.toml")),
            secret: secret::verbatim(value),
        })
    }
}
