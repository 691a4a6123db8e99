//! The token a REST call sends: from the same sources as `login` (`--pat-stdin`,
//! `--pat-env VAR`, `--azure-cli`, `--auth entra`) and otherwise the token cargo would use for
//! this project's registry of the same organization (its `CARGO_REGISTRIES_<NAME>_TOKEN`,
//! `credentials.toml`, or feedctl as its provider with `az` or the Entra chain), else a prompt
//! on a terminal, else none. A PAT goes as `Basic base64("PAT:" + pat)` (the encoding
//! `login` stores), an Entra token as `Bearer`. The token is never shown; `from` says where it
//! came from.

use anyhow::Result;

use super::error::TokenKind;
use crate::auth::secret::Secret;
use crate::auth::token::{self, Source, SourceFlags};
use crate::auth::{azure_cli, entra};
use crate::azure::feed::{self, Feed, Host};
use crate::cargo::config::effective::{Registry, Settings};
use crate::cargo::credentials;
use crate::environment::Environment;

/// Which token the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Want {
    pub flags: SourceFlags,
    /// `--auth entra`: the platform identity's Entra ID token.
    pub entra: bool,
}

/// The token to send, and where it came from (in words, without the token).
#[derive(Debug)]
pub struct Credential {
    pub header: Option<Secret>,
    pub kind: TokenKind,
    pub from: String,
}

impl Credential {
    fn new(header: Secret, from: String) -> Credential {
        Credential {
            kind: TokenKind::of(header.as_deref().expose()),
            header: Some(header),
            from,
        }
    }
}

/// The token for REST calls to `host`; `feed` (a name) picks among several registries of the
/// organization.
pub fn resolve(
    env: &Environment,
    settings: Option<&Settings>,
    host: &Host,
    feed: Option<&str>,
    want: &Want,
) -> Result<Credential> {
    if want.entra {
        let minted = entra::mint(env)?;
        let from = format!("an Entra ID token from {}", minted.source.describe());
        return Ok(Credential::new(minted.token.header, from));
    }
    if let Some(source) = token::select_source(&want.flags, false) {
        return from_source(&source, env);
    }
    if let Some(settings) = settings
        && let Some(registry) = registry_for(settings, host, feed)
        && let Some(found) = cargo_token(env, settings, &registry)?
    {
        return Ok(found);
    }
    if env.interactive() {
        return from_source(&Source::Prompt, env);
    }
    Ok(Credential {
        header: None,
        kind: TokenKind::None,
        from: "no token".to_string(),
    })
}

fn from_source(source: &Source, env: &Environment) -> Result<Credential> {
    let from = match source {
        Source::Prompt => "the PAT typed at the prompt".to_string(),
        Source::Stdin => "the PAT from standard input".to_string(),
        Source::EnvVar(var) => format!("the PAT from `{var}`"),
        Source::AzureCli => "an Entra ID token from the Azure CLI".to_string(),
    };
    Ok(Credential::new(token::read(source, env)?, from))
}

/// This project's Azure registry in the same organization (the one for `feed` first).
fn registry_for(settings: &Settings, host: &Host, feed: Option<&str>) -> Option<Registry> {
    let mut same_org: Vec<(Registry, Feed)> = settings
        .registries()
        .into_iter()
        .filter(|r| feed::is_azure_index(&r.index))
        .filter_map(|r| Feed::parse_url(&r.index).ok().map(|f| (r, f)))
        .filter(|(_, f)| same_host(&f.host, host))
        .collect();
    let exact = same_org
        .iter()
        .position(|(_, f)| feed.is_some_and(|name| f.name.eq_ignore_ascii_case(name)));
    match exact {
        Some(i) => Some(same_org.swap_remove(i).0),
        None => same_org.into_iter().next().map(|(r, _)| r),
    }
}

/// Azure DevOps names organizations and collections case-insensitively.
fn same_host(a: &Host, b: &Host) -> bool {
    match (a, b) {
        (Host::Services { organization: x }, Host::Services { organization: y }) => {
            x.eq_ignore_ascii_case(y)
        }
        (
            Host::Server {
                base: a,
                collection: x,
            },
            Host::Server {
                base: b,
                collection: y,
            },
        ) => a == b && x.to_lowercase() == y.to_lowercase(),
        _ => false,
    }
}

/// The token cargo would send for `registry`, where feedctl can get it.
fn cargo_token(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
) -> Result<Option<Credential>> {
    let creds = credentials::credentials(env, settings, registry)?;
    let name = &registry.name;
    if creds.entra.is_some() {
        let minted = entra::mint(env)?;
        let from = format!(
            "an Entra ID token from {} (registry `{name}` uses `--auth entra`)",
            minted.source.describe()
        );
        return Ok(Some(Credential::new(minted.token.header, from)));
    }
    if creds.azure_cli {
        let token = azure_cli::access_token(env)?;
        let from = format!("an Entra ID token from the Azure CLI (registry `{name}` uses it)");
        return Ok(Some(Credential::new(token.token.header, from)));
    }
    Ok(creds.effective().map(|found| {
        Credential::new(
            found.secret.clone(),
            format!(
                "the token cargo uses for registry `{name}` ({})",
                found.origin.describe()
            ),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project whose registry `crates` is a feed of `contoso`, cargo listing `cargo:token`.
    fn project(dir: &std::path::Path) -> Environment {
        let project = dir.join("project");
        std::fs::create_dir_all(project.join(".cargo")).unwrap();
        std::fs::create_dir_all(dir.join("cargo-home")).unwrap();
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[registries.crates]\n\
             index = \"sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("cargo-home/config.toml"),
            "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n",
        )
        .unwrap();
        Environment::for_test(&project)
            .with_var("CARGO_HOME", dir.join("cargo-home").to_str().unwrap())
            .with_var("CARGO_REGISTRIES_CRATES_TOKEN", "Basic cargo-token")
            .with_var("MY_PAT", "flag-pat")
    }

    fn services(org: &str) -> Host {
        Host::Services {
            organization: org.into(),
        }
    }

    #[test]
    fn a_flag_wins_then_cargos_token_for_the_same_organization_then_none() {
        let dir = tempfile::tempdir().unwrap();
        let env = project(dir.path());
        let settings = Settings::load(&env).unwrap();
        let flag = Want {
            flags: SourceFlags {
                pat_env: Some("MY_PAT".into()),
                ..SourceFlags::default()
            },
            entra: false,
        };
        let got = resolve(&env, Some(&settings), &services("contoso"), None, &flag).unwrap();
        assert_eq!(got.from, "the PAT from `MY_PAT`");
        assert_eq!(got.kind, TokenKind::Pat);
        // `PAT:` + the PAT, base64: the encoding `login` stores.
        assert_eq!(got.header.unwrap().expose(), "Basic UEFUOmZsYWctcGF0");

        let default = Want::default();
        let got = resolve(&env, Some(&settings), &services("CONTOSO"), None, &default);
        let got = got.unwrap();
        assert!(got.from.contains("registry `crates`"), "{}", got.from);
        assert!(
            got.from.contains("CARGO_REGISTRIES_CRATES_TOKEN"),
            "{}",
            got.from
        );
        assert_eq!(got.header.unwrap().expose(), "Basic cargo-token");

        let other = resolve(&env, Some(&settings), &services("fabrikam"), None, &default).unwrap();
        assert!(other.header.is_none());
        assert_eq!(other.kind, TokenKind::None);
    }
}
