//! `feedctl status`: what is configured for the current directory — Azure registries, the
//! crates.io replacement, the credential providers in effect and where each token is —
//! without printing a token or making a request.

use anyhow::Result;
use serde::Serialize;

use crate::cli::StatusArgs;
use crate::environment::Environment;
use crate::feed::Feed;
use crate::inspect::{self, TokenLocation};
use crate::settings::Settings;
use crate::ui;

#[derive(Debug, Serialize)]
struct Status {
    registries: Vec<RegistryStatus>,
    crates_io_replaced_with: Option<String>,
    crates_io_replaced_in: Option<String>,
    /// Lowest precedence first, as written; cargo asks the last entry first.
    credential_providers: Vec<String>,
    credential_providers_configured: bool,
}

#[derive(Debug, Serialize)]
struct RegistryStatus {
    name: String,
    index_url: String,
    feed: String,
    scope: String,
    defined_in: String,
    token_env_var: String,
    /// The provider `cargo login` stores with for this registry.
    stores_with: Option<String>,
    /// Where the token is (never the token), as data.
    token: TokenLocation,
    /// The same in words, for people.
    #[serde(skip)]
    token_text: String,
}

pub fn run(args: &StatusArgs, env: &Environment) -> Result<()> {
    let settings = Settings::load(env)?;
    let cargo_home = env.cargo_home()?;
    let mut registries = Vec::new();
    for registry in settings.azure_registries() {
        let credentials = inspect::credentials(env, &settings, &registry)?;
        let feed = Feed::parse_url(&registry.index)?;
        registries.push(RegistryStatus {
            token: credentials.location(),
            token_text: credentials.whereabouts(&cargo_home),
            stores_with: credentials.storing.clone(),
            token_env_var: registry.token_var(),
            feed: feed.to_string(),
            scope: feed.scope().to_string(),
            defined_in: registry.file.display().to_string(),
            index_url: registry.index,
            name: registry.name,
        });
    }
    let replaced = settings.replace_with();
    let (providers, configured) = match settings.global_providers() {
        Some(list) => (list, true),
        None => (Vec::new(), false),
    };
    let status = Status {
        registries,
        crates_io_replaced_with: replaced.as_ref().map(|(name, _)| name.clone()),
        crates_io_replaced_in: replaced.map(|(_, file)| file.display().to_string()),
        credential_providers: providers,
        credential_providers_configured: configured,
    };
    if args.json {
        ui::stdout(serde_json::to_string_pretty(&status)? + "\n")?;
    } else {
        ui::stdout(human(&status))?;
    }
    Ok(())
}

fn human(status: &Status) -> String {
    let mut out = String::new();
    if status.registries.is_empty() {
        out += "No Azure Artifacts registry is configured for this directory (run `feedctl connect`).\n";
    }
    for r in &status.registries {
        out += &format!(
            "registry `{}` ({}-scoped feed {})\n",
            r.name, r.scope, r.feed
        );
        out += &format!("  index:       {}\n", r.index_url);
        out += &format!("  defined in:  {}\n", r.defined_in);
        out += &format!("  token:       {}\n", r.token_text);
        out += &format!("  env var:     {}\n", r.token_env_var);
        if let Some(store) = &r.stores_with {
            out += &format!("  login saves: {store}\n");
        }
    }
    out += &match (
        &status.crates_io_replaced_with,
        &status.crates_io_replaced_in,
    ) {
        (Some(name), Some(file)) => format!("crates.io:     replaced with `{name}` (in {file})\n"),
        _ => "crates.io:     not replaced\n".to_string(),
    };
    if status.credential_providers_configured {
        let list = &status.credential_providers;
        let first = list.last().map(String::as_str).unwrap_or("-");
        out += &format!(
            "providers:     [{}] — cargo asks `{first}` first (later entries take precedence)\n",
            list.join(", ")
        );
    } else {
        out += "providers:     none configured (run `feedctl providers`)\n";
    }
    out
}
