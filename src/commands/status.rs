//! `feedctl status`: what is configured for the current directory — Azure registries, the
//! crates.io replacement, the credential providers in effect and where each token is —
//! without printing a token or making a request.

use anyhow::Result;
use serde::Serialize;

use crate::azure::feed::Feed;
use crate::cargo::config::effective::{Definition, HttpSettings, Settings};
use crate::cargo::credentials::{self, TokenLocation};
use crate::cli::StatusArgs;
use crate::environment::Environment;
use crate::ui;

#[derive(Debug, Serialize)]
struct Status {
    registries: Vec<RegistryStatus>,
    crates_io_replaced_with: Option<String>,
    crates_io_replaced_in: Option<String>,
    /// Lowest precedence first, as written; cargo asks the last entry first.
    credential_providers: Vec<String>,
    credential_providers_configured: bool,
    /// Where the global list comes from: config files and/or an env var, as listed.
    credential_providers_from: Vec<String>,
    /// cargo's `[http]` settings that apply here (only those set).
    http: Http,
    /// Every config file cargo reads here, highest precedence first.
    config_files: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Http {
    #[serde(skip_serializing_if = "Option::is_none")]
    cainfo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check_revoke: Option<bool>,
}

impl From<HttpSettings> for Http {
    fn from(http: HttpSettings) -> Http {
        Http {
            cainfo: http.cainfo.map(|p| p.display().to_string()),
            proxy: http.proxy.map(|p| redact_password(&p)),
            timeout: http.timeout,
            check_revoke: http.check_revoke,
        }
    }
}

#[derive(Debug, Serialize)]
struct RegistryStatus {
    name: String,
    index_url: String,
    feed: String,
    scope: String,
    /// The file whose `registries.NAME.index` cargo uses, or `env:CARGO_REGISTRIES_<NAME>_INDEX`.
    defined_in: String,
    /// The providers cargo asks for this registry, lowest precedence first.
    credential_providers: Vec<String>,
    /// Where the registry's own `credential-provider` is set (absent: the global list applies).
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_provider_from: Option<String>,
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
        let credentials = credentials::credentials(env, &settings, &registry)?;
        let feed = Feed::parse_url(&registry.index)?;
        let origin = |d: Option<&Definition>| d.map(Definition::plain);
        registries.push(RegistryStatus {
            defined_in: origin(settings.index_origin(&registry.name))
                .unwrap_or_else(|| registry.file.display().to_string()),
            credential_provider_from: origin(settings.provider_origin(&registry.name)),
            credential_providers: credentials.providers.clone(),
            token: credentials.location(),
            token_text: credentials.whereabouts(&cargo_home),
            stores_with: credentials.storing.clone(),
            token_env_var: registry.token_var(),
            feed: feed.to_string(),
            scope: feed.scope().to_string(),
            index_url: registry.index,
            name: registry.name,
        });
    }
    let replaced = settings.replace_with();
    let (providers, configured, providers_from) = match settings.global_provider_sources() {
        Some(list) => {
            let mut from: Vec<String> = Vec::new();
            for (_, definition) in &list {
                let shown = definition.plain();
                if !from.contains(&shown) {
                    from.push(shown);
                }
            }
            (list.into_iter().map(|(p, _)| p).collect(), true, from)
        }
        None => (Vec::new(), false, Vec::new()),
    };
    let status = Status {
        registries,
        crates_io_replaced_with: replaced.as_ref().map(|(name, _)| name.clone()),
        crates_io_replaced_in: replaced.map(|(_, file)| file.display().to_string()),
        credential_providers: providers,
        credential_providers_configured: configured,
        credential_providers_from: providers_from,
        http: settings.http().into(),
        config_files: settings.files().map(|p| p.display().to_string()).collect(),
    };
    if args.json {
        ui::json(&status)?;
    } else {
        ui::stdout(human(&status))?;
    }
    Ok(())
}

/// A proxy setting may carry `user:password@` (with or without a scheme): show the user,
/// never the password.
fn redact_password(proxy: &str) -> String {
    let start = proxy.find("://").map_or(0, |i| i + 3);
    let Some(at) = proxy[start..].rfind('@').map(|i| start + i) else {
        return proxy.to_string();
    };
    match proxy[start..at].find(':') {
        Some(colon) => format!("{}:***{}", &proxy[..start + colon], &proxy[at..]),
        None => proxy.to_string(),
    }
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
        if let Some(from) = &r.credential_provider_from {
            out += &format!(
                "  providers:   [{}] (this registry's own, from {from})\n",
                r.credential_providers.join(", ")
            );
        }
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
            "providers:     [{}] — cargo asks `{first}` first (later entries take precedence; from {})\n",
            list.join(", "),
            status.credential_providers_from.join(", ")
        );
    } else {
        out += "providers:     none configured (run `feedctl providers`)\n";
    }
    let http = &status.http;
    if let Some(cainfo) = &http.cainfo {
        out += &format!("http.cainfo:   {cainfo}\n");
    }
    if let Some(proxy) = &http.proxy {
        out += &format!("http.proxy:    {proxy}\n");
    }
    if let Some(timeout) = http.timeout {
        out += &format!("http.timeout:  {timeout} s\n");
    }
    if let Some(check) = http.check_revoke {
        out += &format!("http.check-revoke: {check}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn proxy_passwords_are_never_shown() {
        assert_eq!(
            redact_password("http://me:s3cret@proxy:3128"),
            "http://me:***@proxy:3128"
        );
        assert_eq!(redact_password("me:s3cret@proxy:3128"), "me:***@proxy:3128");
        assert_eq!(redact_password("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(redact_password("me@proxy"), "me@proxy");
    }
}
