//! `feedctl doctor`: checks every link between `cargo build` and the feed and names each
//! failure with its fix, so nobody has to search the web for a 401.

use std::process::Command;

use anyhow::Result;
use serde::Serialize;

use crate::auth::token;
use crate::auth::{azure_cli, entra};
use crate::azure::feed::Feed;
use crate::azure::probe::{self, Answer, Prober};
use crate::azure::verdict::{self, Sent};
use crate::cargo::config::edit::ConfigFile;
use crate::cargo::config::effective::{self, Definition, Registry, Settings};
use crate::cargo::credentials::{self, Credentials};
use crate::cargo::providers::{self, Probe};
use crate::cli::DoctorArgs;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;

/// cargo's first version with credential providers and sparse auth.
const MIN_CARGO: (u32, u32) = (1, 74);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// One check's verdict. `id` is stable (scripts match on it); `registry` is `None` for checks
/// that concern the whole setup.
#[derive(Debug, Clone)]
struct Check {
    id: &'static str,
    registry: Option<String>,
    status: Level,
    message: String,
    fix: Option<String>,
}

impl Check {
    /// The label in the human report: the id's area, and the registry.
    fn label(&self) -> String {
        let area = self.id.split('.').next().unwrap_or(self.id);
        match &self.registry {
            Some(registry) => format!("{area} `{registry}`"),
            None => area.to_string(),
        }
    }
}

/// The checks of one run, in report order.
#[derive(Default)]
struct Report {
    checks: Vec<Check>,
    /// The registry the next checks concern; `None` for global checks.
    registry: Option<String>,
}

impl Report {
    fn for_registry(registry: &str) -> Report {
        Report {
            checks: Vec::new(),
            registry: Some(registry.to_string()),
        }
    }
    fn ok(&mut self, id: &'static str, message: impl Into<String>) {
        self.push(id, Level::Ok, message.into(), None);
    }
    fn warn(&mut self, id: &'static str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(id, Level::Warn, message.into(), Some(fix.into()));
    }
    fn fail(&mut self, id: &'static str, message: impl Into<String>, fix: impl Into<String>) {
        self.push(id, Level::Fail, message.into(), Some(fix.into()));
    }
    fn push(&mut self, id: &'static str, status: Level, message: String, fix: Option<String>) {
        self.checks.push(Check {
            id,
            registry: self.registry.clone(),
            status,
            message,
            fix,
        });
    }
    fn append(&mut self, other: Report) {
        self.checks.extend(other.checks);
    }
}

pub fn run(args: &DoctorArgs, env: &Environment) -> Result<()> {
    let mut report = Report::default();
    let settings = match Settings::load(env) {
        Ok(settings) => settings,
        // A config cargo cannot load fails every cargo command: a failed check, not an abort.
        Err(e) => {
            report.append(check_cargo(env));
            report.fail(
                "config.loadable",
                format!("{e:#}"),
                "fix the file or variable named above; until then every cargo command fails the same way",
            );
            return finish(report, args.json);
        }
    };
    let registries = settings.azure_registries();
    let prober = if args.offline {
        None
    } else {
        match Prober::new(&settings.http()) {
            Ok(prober) => Some(prober),
            Err(e) => {
                report.fail(
                    "http.settings",
                    format!("{e:#}; cargo cannot reach any feed with these settings either"),
                    "fix or remove the `[http]` setting named above (or its CARGO_HTTP_* variable)",
                );
                None
            }
        }
    };
    // Offline checks first (cheap); then the slow parts run at once: `cargo --version` and
    // each registry's requests (one client, connections reused per host). The report keeps
    // a fixed order.
    let offline: Vec<(Report, Option<Credentials>)> = registries
        .iter()
        .map(|registry| check_registry(env, &settings, registry))
        .collect();
    let (cargo, online) = std::thread::scope(|scope| {
        let cargo = scope.spawn(|| check_cargo(env));
        let jobs: Vec<_> = registries
            .iter()
            .zip(&offline)
            .map(|(registry, (_, credentials))| {
                let prober = prober.as_ref();
                scope.spawn(move || {
                    let mut report = Report::for_registry(&registry.name);
                    if let Some(prober) = prober {
                        check_online(env, prober, registry, credentials.as_ref(), &mut report);
                    }
                    report
                })
            })
            .collect();
        let online: Vec<Report> = jobs
            .into_iter()
            .map(|job| job.join().expect("a doctor check panicked"))
            .collect();
        (cargo.join().expect("the cargo check panicked"), online)
    });
    let mut checks = std::mem::take(&mut report.checks);
    report.append(cargo);
    report.checks.append(&mut checks);
    check_setup(env, &settings, &mut report);
    check_credentials_file(env, &mut report);
    check_committed_tokens(env, &mut report);
    if registries.is_empty() {
        report.fail(
            "registries.configured",
            "no Azure Artifacts registry is configured for this directory",
            "feedctl connect <feed-url>",
        );
    }
    for ((registry_report, _), online_report) in offline.into_iter().zip(online) {
        report.append(registry_report);
        report.append(online_report);
    }
    finish(report, args.json)
}

fn finish(report: Report, json: bool) -> Result<()> {
    print(&report, json)?;
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

/// The offline checks of one registry's credentials, and what they found.
fn check_registry(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
) -> (Report, Option<Credentials>) {
    let mut report = Report::for_registry(&registry.name);
    // An unreadable credentials.toml is reported once, by `check_credentials_file`.
    let credentials = credentials::credentials(env, settings, registry).ok();
    if let Some(credentials) = &credentials {
        if credentials.entra.is_some() {
            check_entra_mode(env, registry, credentials, &mut report);
        } else if credentials.azure_cli {
            check_azure_cli_mode(env, registry, credentials, &mut report);
        } else {
            check_credentials(env, settings, registry, credentials, &mut report);
        }
    }
    (report, credentials)
}

fn check_cargo(env: &Environment) -> Report {
    let mut report = Report::default();
    let cargo = env.cargo_program();
    let output = Command::new(&cargo).arg("--version").output();
    let text = match output {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            report.fail(
                "cargo.version",
                format!("`{}` could not be run", cargo.to_string_lossy()),
                "install Rust with rustup (https://rustup.rs) and make sure `cargo` is on PATH",
            );
            return report;
        }
    };
    match parse_version(&text) {
        Some(version) if version >= MIN_CARGO => report.ok("cargo.version", text),
        Some(_) => report.fail(
            "cargo.version",
            format!("{text} is older than 1.74, which cannot authenticate to sparse registries"),
            "rustup update stable",
        ),
        None => report.warn(
            "cargo.version",
            format!("unrecognised version `{text}`"),
            "rustup update stable",
        ),
    }
    report
}

/// `(major, minor)` from `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Checks of the config cargo reads, offline: providers, the headless-Linux trap, name
/// collisions and index URLs cargo would reject or could not use against Azure.
fn check_setup(env: &Environment, settings: &Settings, report: &mut Report) {
    check_providers(settings, report);
    check_libsecret(env, settings, report);
    if let Some(origin) = settings.offline() {
        let fix = match &origin {
            Definition::File(path) => format!("remove `offline = true` from `{}`", path.display()),
            Definition::Env(var) => format!("unset `{var}`"),
        };
        report.warn(
            "net.offline",
            format!(
                "cargo runs offline ({}): it never contacts the feeds, so only crates already in \
                 `$CARGO_HOME/registry` resolve; a new dependency or a fresh machine fails with \
                 \"no matching package\"",
                Settings::describe_offline(&origin)
            ),
            fix,
        );
    }
    let registries = settings.registries();
    for (var, names) in effective::shared_token_vars(&registries) {
        report.warn(
            "names.collision",
            format!(
                "registries {} share the env var `{var}` (cargo maps `-` to `_`), so CI gives them one token",
                names.join(" and ")
            ),
            "rename one registry with `feedctl disconnect --name OLD` then `feedctl connect … --name NEW`",
        );
    }
    for registry in settings.azure_registries() {
        check_index(settings, &registry, report);
    }
    // A legacy `config` beside a `config.toml`: cargo reads only the legacy one, so edits to
    // `config.toml` silently do nothing.
    for file in settings.files() {
        let ignored = file.with_file_name("config.toml");
        if file.file_name().is_some_and(|n| n == "config") && ignored.is_file() {
            report.warn(
                "config.legacy",
                format!(
                    "`{}` exists, so cargo ignores `{}` next to it",
                    file.display(),
                    ignored.display()
                ),
                format!(
                    "merge the two into `{}` and delete `{}`",
                    ignored.display(),
                    file.display()
                ),
            );
        }
    }
}

/// Every Azure registry needs an explicit provider list: the global one, or its own
/// `credential-provider` (as the CI recipe sets with `CARGO_REGISTRIES_<NAME>_CREDENTIAL_PROVIDER`).
fn check_providers(settings: &Settings, report: &mut Report) {
    if let Some(list) = settings.global_provider_sources() {
        let entries: Vec<String> = list.iter().map(|(p, _)| p.clone()).collect();
        let mut from: Vec<String> = Vec::new();
        for (_, definition) in &list {
            let shown = definition.describe();
            if !from.contains(&shown) {
                from.push(shown);
            }
        }
        return report.ok(
            "providers.configured",
            format!("[{}] (from {})", entries.join(", "), from.join(", ")),
        );
    }
    let azure = settings.azure_registries();
    let (own, missing): (Vec<&Registry>, Vec<&Registry>) =
        azure.iter().partition(|r| r.credential_provider.is_some());
    if !azure.is_empty() && missing.is_empty() {
        let each: Vec<String> = own
            .iter()
            .map(|r| {
                let from = settings
                    .provider_origin(&r.name)
                    .map(|d| format!(" from {}", d.describe()))
                    .unwrap_or_default();
                let argv = r.credential_provider.as_deref().unwrap_or_default();
                format!("`{}` uses `{}`{from}", r.name, argv.join(" "))
            })
            .collect();
        return report.ok(
            "providers.configured",
            format!(
                "no global list, but every registry has its own: {}",
                each.join("; ")
            ),
        );
    }
    let which = if missing.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = missing.iter().map(|r| format!("`{}`", r.name)).collect();
        format!(" for {}", names.join(", "))
    };
    report.fail(
        "providers.configured",
        format!(
            "no credential providers are configured{which}; cargo fails with \"authenticated \
             registries require a credential-provider to be configured\""
        ),
        "feedctl providers",
    );
}

/// `cargo:libsecret` where the Secret Service cannot answer aborts cargo's whole chain; the
/// fix names where it is listed (`feedctl providers` only edits `$CARGO_HOME/config.toml`).
fn check_libsecret(env: &Environment, settings: &Settings, report: &mut Report) {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return;
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
        return;
    }
    let why = match providers::probe_os_store(env) {
        Probe::Usable => {
            return report.ok(
                "libsecret.usable",
                "`cargo:libsecret` is listed and the Secret Service answers",
            );
        }
        Probe::Unusable(why) => why,
    };
    let home_config = env
        .cargo_home()
        .map(|home| crate::cargo::config::edit::config_in(&home).0)
        .ok();
    let fixes: Vec<String> = listed_in
        .iter()
        .map(|from| match from {
            Definition::File(path) if Some(path) == home_config.as_ref() => {
                "feedctl providers   (drops cargo:libsecret where it cannot work; tokens then live in $CARGO_HOME/credentials.toml)".to_string()
            }
            Definition::File(path) => format!(
                "remove `cargo:libsecret` from `{}` (cargo reads it here; `feedctl providers` only edits $CARGO_HOME/config.toml)",
                path.display()
            ),
            Definition::Env(var) => format!("remove `cargo:libsecret` from the env var `{var}`"),
        })
        .collect();
    let shown: Vec<String> = listed_in.iter().map(Definition::describe).collect();
    report.fail(
        "libsecret.usable",
        format!(
            "`cargo:libsecret` is listed (in {}) but {why}; its error aborts cargo's whole \
             provider chain, so every authenticated command fails, even with \
             CARGO_REGISTRIES_*_TOKEN set (the headless-Linux trap)",
            shown.join(", ")
        ),
        fixes.join("; and "),
    );
}

/// An index cargo cannot use against Azure Artifacts: without `sparse+` cargo speaks the git
/// protocol (Azure serves only the sparse one); a sparse URL must end in `/`.
fn check_index(settings: &Settings, registry: &Registry, report: &mut Report) {
    let mut own = Report::for_registry(&registry.name);
    let from = settings
        .index_origin(&registry.name)
        .map(Definition::describe)
        .unwrap_or_else(|| format!("`{}`", registry.file.display()));
    let fixed = Feed::parse_url(&registry.index).map(|feed| feed.index_url());
    let fix = match &fixed {
        Ok(url) => format!(
            "set `registries.{}.index = \"{url}\"` in {from}",
            registry.name
        ),
        Err(_) => format!(
            "feedctl connect <feed-url> --name {} --force",
            registry.name
        ),
    };
    if !registry.index.starts_with("sparse+") {
        own.fail(
            "index.sparse",
            format!(
                "`{}` (from {from}) has no `sparse+` prefix, so cargo fetches it with the git \
                 protocol, which Azure Artifacts does not serve",
                registry.index
            ),
            fix,
        );
    } else if !registry.index.ends_with('/') {
        own.fail(
            "index.sparse",
            format!(
                "`{}` (from {from}) does not end in `/`; cargo refuses it (\"sparse registry url \
                 must end in a slash\")",
                registry.index
            ),
            fix,
        );
    }
    report.append(own);
}

/// `--auth azure-cli` registries: feedctl itself must be runnable, `az` must be there and
/// logged in (a local `az account show`, so this holds with `--offline`), and who it is
/// logged in as (a user, a service principal, a managed identity) is shown.
fn check_azure_cli_mode(
    env: &Environment,
    registry: &Registry,
    credentials: &Credentials,
    report: &mut Report,
) {
    check_feedctl_provider(registry, "azure-cli", report);
    match azure_cli::find(env) {
        // `az account show` reads the local profile only, so this holds with `--offline` too.
        Some(az) => match azure_cli::account(env) {
            Ok(Some(account)) => report.ok(
                "azure-cli.login",
                format!(
                    "tokens come from the Azure CLI (`{}`) via feedctl, logged in as {} ({}) in tenant {}",
                    az.display(),
                    account.name,
                    account.kind.describe(),
                    account.tenant
                ),
            ),
            Ok(None) => {
                let advice = azure_cli::not_logged_in(env, None);
                report.fail(
                    "azure-cli.login",
                    format!("{} (`{}`), and this registry gets its tokens from it", advice.summary, az.display()),
                    advice.fix,
                );
            }
            Err(failure) => report.fail("azure-cli.login", said(&failure.advice), failure.advice.fix),
        },
        None => report.fail(
            "token.provider",
            "`az` is not on PATH, but this registry gets its tokens from the Azure CLI",
            "install the Azure CLI (https://aka.ms/azure-cli) and run `az login`, or switch to a PAT: feedctl connect … --auth pat",
        ),
    }
    warn_env_token_ignored(credentials, report);
}

/// A registry whose provider is feedctl (`--auth azure-cli` or `entra`, the `mode`): the
/// recorded feedctl must still exist, or cargo cannot get a token.
fn check_feedctl_provider(registry: &Registry, mode: &str, report: &mut Report) {
    let provider = registry
        .credential_provider
        .as_ref()
        .and_then(|argv| argv.first())
        .cloned()
        .unwrap_or_default();
    if !std::path::Path::new(&provider).is_file() {
        report.fail(
            "token.provider",
            format!("the credential provider `{provider}` (feedctl) no longer exists, so cargo cannot get a token"),
            format!("feedctl providers --auth {mode} --name {}   (records feedctl's current path)", registry.name),
        );
    }
}

/// A registry whose provider is feedctl: cargo asks feedctl, never reads
/// `CARGO_REGISTRIES_<NAME>_TOKEN`, so a token set there is ignored (and may mislead).
fn warn_env_token_ignored(credentials: &Credentials, report: &mut Report) {
    if let Some(found) = &credentials.env_token {
        report.warn(
            "token.env-ignored",
            format!("{} is ignored on this machine: feedctl is this registry's credential provider", found.origin.describe()),
            "unset it, or remove `credential-provider` for this registry from $CARGO_HOME/config.toml",
        );
    }
}

/// An az failure's summary with az's own line.
fn said(advice: &azure_cli::Advice) -> String {
    match &advice.quote {
        Some(quote) => format!("{} (az said: {quote})", advice.summary),
        None => advice.summary.clone(),
    }
}

/// `--auth entra` registries: which source applies here (no request; `check_online` asks).
fn check_entra_mode(
    env: &Environment,
    registry: &Registry,
    credentials: &Credentials,
    report: &mut Report,
) {
    check_feedctl_provider(registry, "entra", report);
    match entra::choose(&entra::Facts::gather(env)) {
        Ok(choice) => report.ok(
            "entra.source",
            format!(
                "tokens come from {} via feedctl: {}",
                choice.plan.source().describe(),
                choice.plan.detail()
            ),
        ),
        Err(failure) => report.fail("entra.source", failure.message, entra::FIX),
    }
    warn_env_token_ignored(credentials, report);
}

fn check_credentials(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
    credentials: &Credentials,
    report: &mut Report,
) {
    if let Some(found) = &credentials.env_token
        && !credentials.lists_cargo_token()
    {
        report.fail(
            "token.env-ignored",
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
        let value = found.secret.as_deref().expose();
        if token::unexpanded_macro(value) {
            report.fail(
                "token.macro",
                format!(
                    "the token in {} is an unexpanded Azure Pipelines macro such as \
                     $(System.AccessToken), not a token: secrets reach a step only when mapped",
                    found.origin.describe()
                ),
                "map it in the step: `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`, then `feedctl env`",
            );
        } else if !(value.starts_with("Basic ") || value.starts_with("Bearer ")) {
            report.fail(
                "token.scheme",
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
        report.warn("token.shadowed", message, fix);
    }
    // Tokens in the env var or credentials.toml count only when cargo asks `cargo:token`
    // (a registry's own `credential-provider` replaces the global list).
    let visible = credentials.effective().is_some();
    match credentials.storing.as_deref() {
        _ if visible => {}
        None if registry.credential_provider.is_some() => {
            let origin = settings.provider_origin(&registry.name);
            let fix = match origin {
                Some(Definition::Env(var)) => format!("unset `{var}`"),
                _ => format!(
                    "remove `registries.{}.credential-provider` from {}",
                    registry.name,
                    origin.map_or_else(|| "its config".to_string(), Definition::describe)
                ),
            };
            let origin = origin.map_or_else(|| "its config".to_string(), Definition::describe);
            report.fail(
                "token.provider",
                format!(
                    "`{}`'s own credential provider `{}` (from {origin}) replaces the global \
                     list and cannot give a token on this system, so cargo fails with \"no \
                     credential providers could handle the request\"",
                    registry.name,
                    credentials.providers.join(" "),
                ),
                fix,
            );
        }
        Some(program) if !program.starts_with("cargo:") && !runnable(env, program) => report.fail(
            "token.provider",
            format!(
                "the credential provider `{program}` is neither a file nor on PATH, so cargo \
                 cannot run it and fails for `{}`",
                registry.name
            ),
            "install it, or fix its path in the provider list (`feedctl status` shows where it is set)",
        ),
        Some(p) if p == providers::TOKEN || !credentials.providers_explicit => report.fail(
            "token.present",
            format!(
                "no token for `{}`: not in `{}` nor in credentials.toml",
                registry.name,
                registry.token_var()
            ),
            format!("feedctl login --name {}", registry.name),
        ),
        Some(store) => report.ok(
            "token.present",
            format!(
                "stored by {store}, if `cargo login` was run (OS stores cannot be read by feedctl)"
            ),
        ),
        None => report.fail(
            "token.present",
            format!("no provider can store a token for `{}`", registry.name),
            "feedctl providers",
        ),
    }
}

/// Whether cargo could start the provider program `program`: an absolute path that is a
/// file, or a bare name found on `PATH` (with `.exe` on Windows). A relative path is taken
/// from its config file's directory by cargo, so it is given the benefit of the doubt.
fn runnable(env: &Environment, program: &str) -> bool {
    let path = std::path::Path::new(program);
    if path.is_absolute() {
        return path.is_file();
    }
    if path.components().count() > 1 {
        return true;
    }
    let names = [program.to_string(), format!("{program}.exe")];
    env.var("PATH")
        .is_some_and(|dirs| crate::util::which::on_path(dirs.as_ref(), &names).is_some())
}

fn check_online(
    env: &Environment,
    prober: &Prober,
    registry: &Registry,
    credentials: Option<&Credentials>,
    report: &mut Report,
) {
    let url = probe::config_json_url(&registry.index);
    let force_auth_fix = |feed: &Feed| {
        format!(
            "if you own, publish to or save upstream crates into this feed, use `~force-auth`: \
             feedctl connect {} --name {} --force",
            Feed {
                force_auth: true,
                ..feed.clone()
            }
            .index_url(),
            registry.name
        )
    };
    let anonymous = match prober.probe(&registry.index, None) {
        Ok(answer) => answer,
        Err(e) => return report.fail("feed.reachable", format!("{e:#}"), "feedctl doctor -v"),
    };
    let announced = match &anonymous {
        Answer::Unauthorized { tenant, .. } => tenant.clone(),
        _ => None,
    };
    match &anonymous {
        Answer::Ok { .. } => match Feed::parse_url(&registry.index) {
            Ok(feed) if !feed.force_auth => report.warn(
                "feed.force-auth",
                format!(
                    "{url} answers anonymously: this is a public feed, and cargo will not send \
                     your token to it"
                ),
                force_auth_fix(&feed),
            ),
            _ => report.ok("feed.reachable", format!("{url} is reachable")),
        },
        // Anonymous refusals all mean "private": the token decides below.
        Answer::Unauthorized { .. } | Answer::Forbidden { .. } | Answer::SignInPage { .. } => {
            report.ok(
                "feed.reachable",
                format!("{url} is reachable and requires a token"),
            )
        }
        answer => {
            if let Some(v) = verdict::judge(answer, &Sent::Nothing, &registry.index, &registry.name)
            {
                return report.fail("feed.reachable", v.message, v.fix.to_string());
            }
        }
    }
    let Some(credentials) = credentials else {
        return;
    };
    if credentials.entra.is_some() {
        match entra::mint(env).and_then(|m| {
            entra::check_with_feed(prober, &registry.index, &registry.name, &m).map(|()| m)
        }) {
            Ok(m) => report.ok(
                "token.accepted",
                format!(
                    "the token from {} is accepted ({})",
                    m.source.describe(),
                    entra::identity(&m.token)
                ),
            ),
            Err(e) => report.fail("token.accepted", format!("{e:#}"), entra::FIX),
        }
        return;
    }
    if credentials.azure_cli {
        match azure_cli::token_for_feed(env, &registry.index, announced) {
            Ok(token) => {
                if let Some(warning) = token.outdated_warning() {
                    let (what, fix) = warning.split_once("; ").unwrap_or((&warning, "az upgrade"));
                    report.warn("azure-cli.version", what, fix);
                }
                let answer = match prober.probe(&registry.index, Some(&token.token.header)) {
                    Ok(answer) => answer,
                    Err(e) => {
                        return report.fail(
                            "token.accepted",
                            format!("{e:#}"),
                            "feedctl doctor -v",
                        );
                    }
                };
                let tenant = token.tenant.as_deref().unwrap_or("unknown");
                match verdict::judge(&answer, &token.sent(), &registry.index, &registry.name) {
                    None => report.ok(
                        "token.accepted",
                        match &token.switched_from {
                            Some(other) => format!(
                                "the Azure CLI's token for the organization's tenant {tenant} is accepted (az is logged in to tenant {other}; feedctl asks it for the organization's)"
                            ),
                            None => format!("the Azure CLI's token (tenant {tenant}) is accepted"),
                        },
                    ),
                    Some(v) => report.fail("token.accepted", v.message, v.fix.to_string()),
                }
            }
            Err(failure) => {
                report.fail("token.accepted", said(&failure.advice), failure.advice.fix)
            }
        }
        return;
    }
    let Some(found) = credentials.effective() else {
        return;
    };
    let answer = match prober.probe(&registry.index, Some(&found.secret)) {
        Ok(answer) => answer,
        Err(e) => return report.fail("token.accepted", format!("{e:#}"), "feedctl doctor -v"),
    };
    match verdict::judge(&answer, &Sent::Pat, &registry.index, &registry.name) {
        None => report.ok(
            "token.accepted",
            format!("the token from {} is accepted", found.origin.describe()),
        ),
        Some(v) => {
            let fix = v.fix.or_new_token(|| match &found.origin {
                credentials::Origin::EnvVar(var) => {
                    format!("replace the token in `{var}` (a new PAT with Packaging > Read)")
                }
                credentials::Origin::CredentialsFile(_) => {
                    format!("feedctl login --name {}   (with a new PAT)", registry.name)
                }
            });
            report.fail(
                "token.accepted",
                format!("token from {}: {}", found.origin.describe(), v.message),
                fix,
            );
        }
    }
}

/// A `credentials.toml` cargo cannot parse breaks every cargo command that needs a token.
fn check_credentials_file(env: &Environment, report: &mut Report) {
    let Ok(cargo_home) = env.cargo_home() else {
        return;
    };
    for path in credentials::credentials_files(&cargo_home) {
        if let Err(e) = ConfigFile::load(&path) {
            report.fail(
                "credentials.readable",
                format!(
                    "{e:#}; cargo fails on it too (its contents are not shown: it holds tokens)"
                ),
                format!(
                    "fix the line named above in `{}`, or delete the file and log in again \
                     (feedctl login)",
                    path.display()
                ),
            );
        }
    }
}

/// A token in a project config gets committed: it is in git history from then on.
fn check_committed_tokens(env: &Environment, report: &mut Report) {
    for (path, key) in credentials::project_config_tokens(env) {
        let registry = key
            .strip_prefix("registries.")
            .and_then(|k| k.strip_suffix(".token"))
            .map(str::to_string);
        let login = match &registry {
            Some(name) => format!("feedctl login --name {name}"),
            None => "feedctl login".to_string(),
        };
        report.checks.push(Check {
            id: "config.token",
            registry,
            status: Level::Fail,
            message: format!(
                "`{}` holds a token (`{key}`); a project config is committed, so the token is \
                 in the repository and its history",
                path.display()
            ),
            fix: Some(format!(
                "remove the `{key}` line, revoke the PAT and create a new one (it may be in git \
                 history), then store it outside the project: {login}"
            )),
        });
    }
}

/// The JSON shape of a check: data only, no Markdown.
#[derive(Serialize)]
struct JsonCheck<'a> {
    id: &'a str,
    registry: Option<&'a str>,
    status: Level,
    message: String,
    fix: Option<String>,
}

fn print(report: &Report, json: bool) -> Result<()> {
    if json {
        let count = |level| report.checks.iter().filter(|c| c.status == level).count();
        let checks: Vec<JsonCheck> = report
            .checks
            .iter()
            .map(|c| JsonCheck {
                id: c.id,
                registry: c.registry.as_deref(),
                status: c.status,
                message: plain(&c.message),
                fix: c.fix.as_deref().map(plain),
            })
            .collect();
        let value = serde_json::json!({
            "ok": count(Level::Fail) == 0,
            "failed": count(Level::Fail),
            "warnings": count(Level::Warn),
            "checks": checks,
        });
        ui::json(&value)?;
        return Ok(());
    }
    let mut out = String::new();
    for check in &report.checks {
        let label = match check.status {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        out += &format!("{label}  {}: {}\n", check.label(), check.message);
        if let Some(fix) = &check.fix {
            out += &format!("      fix: {fix}\n");
        }
    }
    ui::stdout(out)?;
    Ok(())
}

/// Text for JSON: the Markdown backticks of the human report removed.
fn plain(text: &str) -> String {
    text.replace('`', "")
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
