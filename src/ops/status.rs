//! `status`'s use case: what is configured for the current directory — Azure registries,
//! the crates.io replacement, the credential providers in effect, where each token is and
//! when it expires — gathered without showing a token or making a request (a stored token is
//! only compared with the fingerprint in the records of the PATs feedctl minted). [`Status`]
//! is also the shape of `feedctl status --json`.

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use crate::auth::expiry::{Expiry, ExpiryData};
use crate::auth::minted::Records;
use crate::azure::feed::Feed;
use crate::cargo::config::effective::{Definition, HttpSettings, Settings};
use crate::cargo::credentials::{self, TokenLocation};
use crate::environment::Environment;
use crate::ui;

/// Everything `status` shows; serialized as is for `--json` (shape in `docs/json.md`).
#[derive(Debug, Serialize)]
pub struct Status {
    pub registries: Vec<RegistryStatus>,
    pub crates_io_replaced_with: Option<String>,
    pub crates_io_replaced_in: Option<String>,
    /// Lowest precedence first, as written; cargo asks the last entry first.
    pub credential_providers: Vec<String>,
    pub credential_providers_configured: bool,
    /// Where the global list comes from: config files and/or an env var, as listed.
    pub credential_providers_from: Vec<String>,
    /// cargo's `[http]` settings that apply here (`None` for those not set).
    pub http: Http,
    /// Every config file cargo reads here, highest precedence first.
    pub config_files: Vec<String>,
}

/// cargo's `[http]` settings, a proxy's password hidden.
#[derive(Debug, Serialize)]
pub struct Http {
    pub cainfo: Option<String>,
    pub proxy: Option<String>,
    pub timeout: Option<u64>,
    pub check_revoke: Option<bool>,
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

/// One Azure Artifacts registry cargo sees here.
#[derive(Debug, Serialize)]
pub struct RegistryStatus {
    pub name: String,
    pub index_url: String,
    pub feed: String,
    pub scope: String,
    /// The file whose `registries.NAME.index` cargo uses, or `env:CARGO_REGISTRIES_<NAME>_INDEX`.
    pub defined_in: String,
    /// The providers cargo asks for this registry, lowest precedence first.
    pub credential_providers: Vec<String>,
    /// Where the registry's own `credential-provider` is set (`None`: the global list applies).
    pub credential_provider_from: Option<String>,
    pub token_env_var: String,
    /// The provider `cargo login` stores with for this registry.
    pub stores_with: Option<String>,
    /// Where the token is (never the token), as data.
    pub token: TokenLocation,
    /// The same in words, for people.
    #[serde(skip)]
    pub token_text: String,
    /// When the token cargo uses expires, as far as is known offline.
    pub expiry: ExpiryData,
    /// The same in words; `None` when no token is known.
    #[serde(skip)]
    pub expiry_text: Option<String>,
}

/// What is configured for the current directory, read once.
pub fn status(env: &Environment) -> Result<Status> {
    let settings = Settings::load(env)?;
    let cargo_home = env.cargo_home()?;
    // A damaged record file costs the expiries, not the rest of the report.
    let records = Records::load(&cargo_home)
        .inspect_err(|e| ui::warn(format!("{e:#}")))
        .ok();
    let now = OffsetDateTime::now_utc();
    let mut registries = Vec::new();
    for registry in settings.azure_registries() {
        let credentials = credentials::credentials(env, &settings, &registry)?;
        let record = records
            .as_ref()
            .and_then(|r| r.stored_for(&registry.name, &registry.index));
        let expiry = Expiry::of(&credentials, record);
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
            expiry: expiry.data(now),
            expiry_text: expiry.in_words(&registry.name, now),
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
    Ok(status)
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
