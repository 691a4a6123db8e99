//! `feedctl doctor`: checks every link between `cargo build` and the feed and names each
//! failure with its fix, so nobody has to search the web for a 401.

use std::process::Command;

use anyhow::Result;
use serde::Serialize;

use crate::auth::entra;
use crate::azure_cli;
use crate::cli::DoctorArgs;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::feed::Feed;
use crate::inspect::{self, Credentials};
use crate::providers::{self, Probe};
use crate::settings::{self, Registry, Settings};
use crate::ui;
use crate::verify::{self, Answer};

/// cargo's first version with credential providers and sparse auth.
const MIN_CARGO: (u32, u32) = (1, 74);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    name: String,
    status: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

#[derive(Default)]
struct Report {
    checks: Vec<Check>,
}

impl Report {
    fn ok(&mut self, name: &str, message: impl Into<String>) {
        self.push(name, Level::Ok, message.into(), None);
    }
    fn warn(&mut self, name: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(name, Level::Warn, message.into(), Some(fix.into()));
    }
    fn fail(&mut self, name: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(name, Level::Fail, message.into(), Some(fix.into()));
    }
    fn push(&mut self, name: &str, status: Level, message: String, fix: Option<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            status,
            message,
            fix,
        });
    }
}

pub fn run(args: &DoctorArgs, env: &Environment) -> Result<()> {
    let mut report = Report::default();
    check_cargo(env, &mut report);
    let settings = Settings::load(env)?;
    check_setup(env, &settings, &mut report);
    let registries = settings.azure_registries();
    if registries.is_empty() {
        report.fail(
            "registries",
            "no Azure Artifacts registry is configured for this directory",
            "feedctl connect <feed-url>",
        );
    }
    for registry in &registries {
        let credentials = inspect::credentials(env, &settings, registry)?;
        if credentials.entra.is_some() {
            check_entra_mode(env, registry, &mut report);
        } else if credentials.azure_cli {
            check_azure_cli_mode(env, registry, &credentials, &mut report);
        } else {
            check_credentials(registry, &credentials, &mut report);
        }
        if !args.offline {
            check_online(env, registry, &credentials, &mut report)?;
        }
    }
    print(&report, args.json)?;
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == Level::Fail)
        .count();
    if failed > 0 {
        let plural = if failed == 1 { "" } else { "s" };
        return Err(
            Failure::new(Code::CheckFailed, format!("{failed} check{plural} failed")).into(),
        );
    }
    Ok(())
}

fn check_cargo(env: &Environment, report: &mut Report) {
    let cargo = env.cargo_program();
    let output = Command::new(&cargo).arg("--version").output();
    let text = match output {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            return report.fail(
                "cargo",
                format!("`{}` could not be run", cargo.to_string_lossy()),
                "install Rust with rustup (https://rustup.rs) and make sure `cargo` is on PATH",
            );
        }
    };
    match parse_version(&text) {
        Some(version) if version >= MIN_CARGO => report.ok("cargo", text),
        Some(_) => report.fail(
            "cargo",
            format!("{text} is older than 1.74, which cannot authenticate to sparse registries"),
            "rustup update stable",
        ),
        None => report.warn(
            "cargo",
            format!("unrecognised version `{text}`"),
            "rustup update stable",
        ),
    }
}

/// `(major, minor)` from `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Checks that do not depend on one registry: providers and name collisions.
fn check_setup(env: &Environment, settings: &Settings, report: &mut Report) {
    match settings.global_providers() {
        None => report.fail(
            "providers",
            "no credential providers are configured; cargo fails with \"authenticated registries \
             require a credential-provider to be configured\"",
            "feedctl providers",
        ),
        Some(list) => report.ok("providers", format!("[{}]", list.join(", "))),
    }
    let listed_anywhere = settings
        .global_providers()
        .into_iter()
        .flatten()
        .chain(
            settings
                .registries()
                .into_iter()
                .filter_map(|r| r.credential_provider?.into_iter().next()),
        )
        .any(|p| p == providers::LIBSECRET);
    if cfg!(all(unix, not(target_os = "macos"))) && listed_anywhere {
        match providers::probe_os_store(env) {
            Probe::Usable => report.ok("libsecret", "`cargo:libsecret` is listed and the Secret Service answers"),
            Probe::Unusable(why) => report.fail(
                "libsecret",
                format!(
                    "`cargo:libsecret` is listed but {why}; its error aborts cargo's whole \
                     provider chain, so every authenticated command fails, even with \
                     CARGO_REGISTRIES_*_TOKEN set (the headless-Linux trap)"
                ),
                "feedctl providers   (drops cargo:libsecret where it cannot work; tokens then live in $CARGO_HOME/credentials.toml)",
            ),
        }
    }
    let registries = settings.registries();
    for (var, names) in settings::shared_token_vars(&registries) {
        report.warn(
            "names",
            format!(
                "registries {} share the env var `{var}` (cargo maps `-` to `_`), so CI gives them one token",
                names.join(" and ")
            ),
            "rename one registry with `feedctl disconnect --name OLD` then `feedctl connect … --name NEW`",
        );
    }
}

/// `--auth azure-cli` registries: feedctl itself must be runnable and `az` must be there.
fn check_azure_cli_mode(
    env: &Environment,
    registry: &Registry,
    credentials: &Credentials,
    report: &mut Report,
) {
    let name = format!("token `{}`", registry.name);
    let provider = registry
        .credential_provider
        .as_ref()
        .and_then(|argv| argv.first())
        .cloned()
        .unwrap_or_default();
    if !std::path::Path::new(&provider).is_file() {
        report.fail(
            &name,
            format!("the credential provider `{provider}` (feedctl) no longer exists, so cargo cannot get a token"),
            format!("feedctl providers --auth azure-cli --name {}   (records feedctl's current path)", registry.name),
        );
    }
    match azure_cli::find(env) {
        Some(az) => report.ok(&name, format!("tokens come from the Azure CLI (`{}`) via feedctl", az.display())),
        None => report.fail(
            &name,
            "`az` is not on PATH, but this registry gets its tokens from the Azure CLI",
            "install the Azure CLI (https://aka.ms/azure-cli) and run `az login`, or switch to a PAT: feedctl connect … --auth pat",
        ),
    }
    if let Some(found) = &credentials.env_token {
        report.warn(
            &name,
            format!("{} is ignored on this machine: feedctl is this registry's credential provider", found.origin.describe()),
            "unset it, or remove `credential-provider` for this registry from $CARGO_HOME/config.toml",
        );
    }
}

/// `--auth entra` registries: which source applies here (no request; `check_online` asks).
fn check_entra_mode(env: &Environment, registry: &Registry, report: &mut Report) {
    let name = format!("token `{}`", registry.name);
    let provider = registry
        .credential_provider
        .as_ref()
        .and_then(|argv| argv.first())
        .cloned()
        .unwrap_or_default();
    if !std::path::Path::new(&provider).is_file() {
        report.fail(
            &name,
            format!("the credential provider `{provider}` (feedctl) no longer exists, so cargo cannot get a token"),
            format!("feedctl providers --auth entra --name {}   (records feedctl's current path)", registry.name),
        );
    }
    match entra::choose(&entra::Facts::gather(env)) {
        Ok(choice) => report.ok(
            &name,
            format!(
                "tokens come from {} via feedctl: {}",
                choice.plan.source().describe(),
                choice.plan.detail()
            ),
        ),
        Err(failure) => report.fail(&name, failure.message, entra::FIX),
    }
}

fn check_credentials(registry: &Registry, credentials: &Credentials, report: &mut Report) {
    let name = format!("token `{}`", registry.name);
    if let Some(found) = &credentials.env_token
        && !credentials.lists_cargo_token()
    {
        report.fail(
            &name,
            format!(
                "{} is set but `cargo:token` is not in the provider list, so cargo ignores it",
                found.origin.describe()
            ),
            "feedctl providers   (adds cargo:token)",
        );
    }
    for found in [&credentials.env_token, &credentials.file_token]
        .into_iter()
        .flatten()
    {
        let value = found.secret.expose();
        if !(value.starts_with("Basic ") || value.starts_with("Bearer ")) {
            report.fail(
                &name,
                format!(
                    "the token in {} has no `Basic ` or `Bearer ` scheme; cargo sends it verbatim \
                     and Azure rejects it",
                    found.origin.describe()
                ),
                format!(
                    "feedctl login --name {}   (or `feedctl env` in CI), which encode PATs as `Basic base64(PAT:…)`",
                    registry.name
                ),
            );
        }
    }
    let os = providers::os_provider();
    let os_position = credentials.providers.iter().rposition(|p| p == os);
    let token_position = credentials
        .providers
        .iter()
        .rposition(|p| p == providers::TOKEN);
    if let (Some(file), Some(os_at)) = (&credentials.file_token, os_position) {
        let (message, fix) = if token_position.is_some_and(|t| t > os_at) {
            (
                format!(
                    "{} holds a token for `{}` that takes precedence over {os} (cargo:token is \
                     listed after it), so a newer token in the OS store is never used",
                    file.origin.describe(),
                    registry.name
                ),
                format!(
                    "cargo logout --registry {0} (removes the file token), then feedctl login --name {0}",
                    registry.name
                ),
            )
        } else {
            (
                format!(
                    "{} still holds a token for `{}`; cargo uses it only when {os} has none, so \
                     a stale copy may answer after a logout",
                    file.origin.describe(),
                    registry.name
                ),
                "remove the `[registries.NAME]` table from credentials.toml"
                    .replace("NAME", &registry.name),
            )
        };
        report.warn(&name, message, fix);
    }
    let visible = credentials.env_token.is_some() || credentials.file_token.is_some();
    match credentials.storing.as_deref() {
        _ if visible => {}
        Some(p) if p == providers::TOKEN || !credentials.providers_explicit => report.fail(
            &name,
            format!(
                "no token for `{}`: not in `{}` nor in credentials.toml",
                registry.name,
                registry.token_var()
            ),
            format!("feedctl login --name {}", registry.name),
        ),
        Some(store) => report.ok(
            &name,
            format!(
                "stored by {store}, if `cargo login` was run (OS stores cannot be read by feedctl)"
            ),
        ),
        None => report.fail(
            &name,
            format!("no provider can store a token for `{}`", registry.name),
            "feedctl providers",
        ),
    }
}

fn check_online(
    env: &Environment,
    registry: &Registry,
    credentials: &Credentials,
    report: &mut Report,
) -> Result<()> {
    let name = format!("feed `{}`", registry.name);
    let feed = Feed::parse_url(&registry.index)?;
    let url = verify::config_json_url(&registry.index);
    match verify::probe(&registry.index, None)? {
        Answer::Ok if !feed.force_auth => report.warn(
            &name,
            format!("{url} answers anonymously: this is a public feed, and cargo will not send your token to it"),
            format!(
                "if you own, publish to or save upstream crates into this feed, use `~force-auth`: \
                 feedctl connect {} --name {} --force",
                Feed { force_auth: true, ..feed.clone() }.index_url(),
                registry.name
            ),
        ),
        // Anonymous 401 and 403 both mean "private": the token decides below.
        Answer::Ok | Answer::Unauthorized | Answer::Forbidden => {
            report.ok(&name, format!("{url} is reachable and requires a token"))
        }
        answer => {
            if let Some(failure) = verify::explain(&answer, &registry.index, &registry.name) {
                let fix = match answer {
                    Answer::NotFound => format!("feedctl connect <feed-url> --name {} --force, with the URL copied from the feed's page", registry.name),
                    _ => "check the network, proxy (HTTPS_PROXY) and the server URL".to_string(),
                };
                report.fail(&name, failure.message, fix);
                return Ok(());
            }
        }
    }
    if credentials.entra.is_some() {
        match entra::mint(env)
            .and_then(|m| entra::check_with_feed(&registry.index, &registry.name, &m).map(|()| m))
        {
            Ok(m) => report.ok(
                &name,
                format!(
                    "the token from {} is accepted ({})",
                    m.source.describe(),
                    entra::identity(&m.token)
                ),
            ),
            Err(e) => report.fail(&name, format!("{e:#}"), entra::FIX),
        }
        return Ok(());
    }
    if credentials.azure_cli {
        match azure_cli::access_token(env) {
            Ok(token) => {
                let answer = verify::probe(&registry.index, Some(&token.header))?;
                match verify::explain(&answer, &registry.index, &registry.name) {
                    None => report.ok(&name, "the Azure CLI's token is accepted"),
                    Some(failure) => report.fail(
                        &name,
                        format!("the Azure CLI's token: {}", failure.message),
                        "az login   (with an account that has at least Feed Reader on this feed; `--tenant` for the organization's tenant)",
                    ),
                }
            }
            Err(e) => report.fail(&name, format!("{e:#}"), "az login"),
        }
        return Ok(());
    }
    let Some(found) = credentials.effective() else {
        return Ok(());
    };
    let answer = verify::probe(&registry.index, Some(&found.secret))?;
    match verify::explain(&answer, &registry.index, &registry.name) {
        None => report.ok(
            &name,
            format!("the token from {} is accepted", found.origin.describe()),
        ),
        Some(failure) => {
            let fix = match answer {
                Answer::Forbidden => "ask a feed owner (feed settings > Permissions) to give this \
                                      account at least the Feed Reader role"
                    .to_string(),
                Answer::Unauthorized => match &found.origin {
                    inspect::Origin::EnvVar(var) => {
                        format!("replace the token in `{var}` (a new PAT with Packaging > Read)")
                    }
                    inspect::Origin::CredentialsFile(_) => {
                        format!("feedctl login --name {}   (with a new PAT)", registry.name)
                    }
                },
                _ => "check the organization, project and feed name".to_string(),
            };
            report.fail(
                &name,
                format!(
                    "token from {}: {}",
                    found.origin.describe(),
                    failure.message
                ),
                fix,
            );
        }
    }
    Ok(())
}

fn print(report: &Report, json: bool) -> Result<()> {
    if json {
        let ok = !report.checks.iter().any(|c| c.status == Level::Fail);
        let value = serde_json::json!({ "ok": ok, "checks": report.checks });
        ui::stdout(serde_json::to_string_pretty(&value)? + "\n")?;
        return Ok(());
    }
    let mut out = String::new();
    for check in &report.checks {
        let label = match check.status {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        out += &format!("{label}  {}: {}\n", check.name, check.message);
        if let Some(fix) = &check.fix {
            out += &format!("      fix: {fix}\n");
        }
    }
    ui::stdout(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_versions_parse() {
        assert_eq!(
            parse_version("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"),
            Some((1, 95))
        );
        assert_eq!(parse_version("cargo 1.74.0-nightly"), Some((1, 74)));
        assert!(parse_version("cargo 1.73.1").unwrap() < MIN_CARGO);
        assert_eq!(parse_version("nonsense"), None);
    }
}
