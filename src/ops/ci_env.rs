//! `feedctl env`'s use case: the environment variables that make cargo authenticate in CI,
//! for every Azure registry, in the syntax of the shell or CI system at hand.
//!
//! The token goes only where the chosen format sends it (stdout for `eval`, `$GITHUB_ENV`,
//! Azure Pipelines' secret variables); feedctl's own messages never contain it. What a feed's
//! answer means for each kind of token is decided in one place, [`Issued::check`].

use std::fs::OpenOptions;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::auth::secret::Secret;
use crate::auth::token::{self, Source, SourceFlags};
use crate::auth::{azure_cli, entra};
use crate::azure::probe::{Answer, Prober};
use crate::azure::verdict::{self, Sent};
use crate::cargo::config::effective::{HttpSettings, Registry, Settings};
use crate::cargo::config::env_names;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login;
use crate::ui;

/// Azure Pipelines' job access token, which must be mapped into a step's environment.
const SYSTEM_ACCESSTOKEN: &str = "SYSTEM_ACCESSTOKEN";

/// Output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `export NAME='value'` for POSIX shells.
    Sh,
    /// `$env:NAME = 'value'`.
    Powershell,
    /// `set "NAME=value"` for cmd.exe.
    Cmd,
    /// `NAME=value`.
    Dotenv,
    /// Appended to `$GITHUB_ENV`, with `::add-mask::` lines on stdout.
    Github,
    /// `##vso[task.setvariable …]` commands.
    AzurePipelines,
}

/// What the user asked `env` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The registries (default: every Azure Artifacts registry configured here).
    pub names: &'a [String],
    pub format: Format,
    /// Check the token against every registry's feed before emitting anything.
    pub verify: bool,
    /// A PAT or `az` instead of `SYSTEM_ACCESSTOKEN`.
    pub token: SourceFlags,
    /// Mint an Entra ID token from the platform's identity instead.
    pub entra: bool,
}

/// What `env` produced.
#[derive(Debug)]
pub struct Emitted {
    /// The text for stdout.
    pub text: String,
    /// The registries it covers.
    pub registries: Vec<String>,
}

/// Reads (and with `verify` checks) the token, then writes the variables for every
/// registry in the chosen syntax; `$GITHUB_ENV` is appended to here.
pub fn run(opts: &Options<'_>, env: &Environment) -> Result<Emitted> {
    let settings = Settings::load(env)?;
    let registries = select(&settings, opts.names)?;
    warn_on_collisions(&registries);
    // Where the output goes is checked before the token is read and verified: no
    // "Verified" followed by a failure.
    let github_env = match opts.format {
        Format::Github => Some(github_env(env)?),
        _ => None,
    };
    let issued = read_token(opts, env, &settings.http(), &registries)?;
    if opts.verify {
        verify_all(&settings, &registries, &issued)?;
    }
    let secret = issued.secret();
    let vars: Vec<(String, Variable)> = registries
        .iter()
        .flat_map(|r| {
            [
                (r.token_var(), Variable::Secret(secret.clone())),
                (
                    env_names::env_var_name(&r.name, "CREDENTIAL_PROVIDER"),
                    Variable::Plain("cargo:token".to_string()),
                ),
            ]
        })
        .collect();
    let text = emit(opts.format, &vars, github_env.as_deref())?;
    Ok(Emitted {
        text,
        registries: registries.into_iter().map(|r| r.name).collect(),
    })
}

/// The file named by `$GITHUB_ENV`, for `--format github`.
fn github_env(env: &Environment) -> Result<String> {
    env.var("GITHUB_ENV")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Failure::new(
                Code::Usage,
                "`--format github` appends to the file named by `$GITHUB_ENV`, which is not \
                 set: run this inside a GitHub Actions step",
            )
            .into()
        })
}

/// Probes every registry with the token (at once); the first refusal, in registry order,
/// becomes the error, naming every registry that refused, each explained in the terms of
/// whoever issued the token.
fn verify_all(settings: &Settings, registries: &[Registry], issued: &Issued) -> Result<()> {
    let secret = issued.secret();
    let prober = Prober::new(&settings.http())?;
    let answers: Vec<Result<Answer>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = registries
            .iter()
            .map(|r| scope.spawn(|| prober.probe(&r.index, Some(&secret))))
            .collect();
        jobs.into_iter()
            .map(|job| job.join().expect("a probe panicked"))
            .collect()
    });
    let mut failures = Vec::new();
    for (registry, answer) in registries.iter().zip(answers) {
        match issued.check(&answer?, registry) {
            None => ui::status(
                "Verified",
                format!("the feed accepted the token for `{}`", registry.name),
            ),
            Some(failure) => failures.push(failure),
        }
    }
    let Some(first) = failures.first() else {
        return Ok(());
    };
    let messages: Vec<&str> = failures.iter().map(|f| f.message.as_str()).collect();
    bail!(Failure::new(
        first.code,
        format!("{} Nothing was emitted.", messages.join("\n"))
    ))
}

/// The token and who issued it, so that a refusal is explained in its issuer's terms.
enum Issued {
    /// A PAT (`--pat-env`, `--pat-stdin`).
    Pat(Secret),
    /// Azure Pipelines' job token (`SYSTEM_ACCESSTOKEN`), the build service's identity.
    JobToken(Secret),
    /// A token from `az account get-access-token` (`--azure-cli`).
    AzureCli(azure_cli::AzToken),
    /// A token from the platform's identity (`--auth entra`).
    Entra(entra::Minted),
}

impl Issued {
    fn secret(&self) -> Secret {
        match self {
            Issued::Pat(secret) | Issued::JobToken(secret) => secret.clone(),
            Issued::AzureCli(token) => token.token.header.clone(),
            Issued::Entra(minted) => minted.token.header.clone(),
        }
    }

    /// What the feed's answer for `registry` means; `None` when it accepted the token.
    fn check(&self, answer: &Answer, registry: &Registry) -> Option<Failure> {
        let sent = match self {
            Issued::Pat(secret) => Sent::pat(secret),
            Issued::JobToken(_) => Sent::JobToken,
            Issued::AzureCli(token) => token.sent(),
            Issued::Entra(minted) => minted.sent(),
        };
        verdict::judge(answer, &sent, &registry.index, &registry.name).map(Failure::from)
    }
}

/// A variable's value: secrets are masked or marked wherever the format allows.
#[derive(Debug, Clone)]
enum Variable {
    Secret(Secret),
    Plain(String),
}

impl Variable {
    fn value(&self) -> &str {
        match self {
            Variable::Secret(s) => s.as_deref().expose(),
            Variable::Plain(p) => p,
        }
    }
}

fn select(settings: &Settings, names: &[String]) -> Result<Vec<Registry>> {
    if names.is_empty() {
        let azure = settings.azure_registries();
        if azure.is_empty() {
            bail!(Failure::new(
                Code::Usage,
                "no Azure Artifacts registry in the cargo config for this directory: run \
                 `feedctl connect` (and commit `.cargo/config.toml`) or pass `--name`"
            ));
        }
        return Ok(azure);
    }
    names.iter().map(|n| settings.pick(Some(n))).collect()
}

fn warn_on_collisions(registries: &[Registry]) {
    for (var, names) in env_names::shared_token_vars(registries.iter().map(|r| r.name.as_str())) {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        ui::warn(format!(
            "registries {} read the same variable `{var}` (cargo maps `-` to `_`), so they get the same token",
            names.join(" and ")
        ));
    }
}

fn read_token(
    opts: &Options<'_>,
    env: &Environment,
    http: &HttpSettings,
    registries: &[Registry],
) -> Result<Issued> {
    if opts.entra {
        return Ok(Issued::Entra(entra::mint(env)?));
    }
    if let Some(source) = token::select_source(&opts.token, false) {
        return match &source {
            Source::EnvVar(var)
                if token::pat_env(env, var)?.is_none_or(|v| v.trim().is_empty()) =>
            {
                bail!(Failure::new(
                    Code::Auth,
                    format!("`--pat-env {var}`: the variable `{var}` is unset or empty")
                ))
            }
            Source::AzureCli => azure_cli_token(env, http, registries).map(Issued::AzureCli),
            _ => token::read(&source, env).map(Issued::Pat),
        };
    }
    let access_token = env
        .var_text(SYSTEM_ACCESSTOKEN)
        .map_err(|e| Failure::new(Code::Usage, format!("{e:#}")))?;
    match access_token.filter(|v| !v.trim().is_empty()) {
        Some(access_token) if token::unexpanded_macro(&access_token) => {
            bail!(token::macro_error(&format!("`{SYSTEM_ACCESSTOKEN}`")))
        }
        Some(access_token) => Ok(Issued::JobToken(crate::auth::secret::bearer(&access_token))),
        None => bail!(Failure::new(
            Code::Auth,
            format!(
                "`{SYSTEM_ACCESSTOKEN}` is unset or empty. In Azure Pipelines, secrets are not \
                 in a step's environment unless mapped; add to the step:\n  env:\n    \
                 {SYSTEM_ACCESSTOKEN}: $(System.AccessToken)\nElsewhere, pass a PAT with \
                 `--pat-env VAR` or `--pat-stdin`, or use `--azure-cli`."
            )
        )),
    }
}

/// A token from az for the organization's tenant of the first registry (the one a build is
/// most likely to need first), so that a login to another tenant fails here and not in cargo.
fn azure_cli_token(
    env: &Environment,
    http: &HttpSettings,
    registries: &[Registry],
) -> Result<azure_cli::AzToken> {
    let token = match registries.first() {
        Some(registry) => login::az_token_for_feed(env, http, &registry.index)?,
        None => azure_cli::access_token(env)?,
    };
    if let Some(warning) = token.outdated_warning() {
        ui::warn(warning);
    }
    Ok(token)
}

/// The variables in `format`'s syntax; for `Format::Github`, also appended to the file
/// `github_env` names (checked by the caller before any token was read).
fn emit(format: Format, vars: &[(String, Variable)], github_env: Option<&str>) -> Result<String> {
    let mut out = String::new();
    for (_, var) in vars {
        if var.value().contains(['\n', '\r']) {
            bail!("a value contains a line break and cannot be written safely");
        }
    }
    match format {
        Format::Sh => {
            for (name, var) in vars {
                out += &format!("export {name}={}\n", sh_quote(var.value()));
            }
        }
        Format::Powershell => {
            for (name, var) in vars {
                out += &format!("$env:{name} = '{}'\n", var.value().replace('\'', "''"));
            }
        }
        Format::Cmd => {
            for (name, var) in vars {
                out += &cmd_set(name, var.value())?;
            }
        }
        Format::Dotenv => {
            for (name, var) in vars {
                out += &format!("{name}={}\n", var.value());
            }
        }
        Format::Github => {
            let path = github_env.context("`--format github` needs `$GITHUB_ENV`")?;
            let mut block = String::new();
            for (name, var) in vars {
                if let Variable::Secret(secret) = var {
                    // Mask the whole header and the credential alone (logs may show either).
                    out += &format!("::add-mask::{}\n", secret.as_deref().expose());
                    if let Some((_, credential)) = secret.as_deref().expose().split_once(' ') {
                        out += &format!("::add-mask::{credential}\n");
                    }
                }
                let delimiter = loop {
                    let candidate =
                        format!("ghadelimiter_{:016x}", RandomState::new().hash_one(name));
                    if !var.value().contains(&candidate) {
                        break candidate;
                    }
                };
                block += &format!("{name}<<{delimiter}\n{}\n{delimiter}\n", var.value());
            }
            OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .and_then(|mut f| f.write_all(block.as_bytes()))
                .with_context(|| format!("failed to append to `$GITHUB_ENV` (`{path}`)"))?;
            let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
            ui::status(
                "Exported",
                format!("{} to later steps via `$GITHUB_ENV`", names.join(", ")),
            );
        }
        Format::AzurePipelines => {
            for (name, var) in vars {
                let secret = matches!(var, Variable::Secret(_));
                out += &format!(
                    "##vso[task.setvariable variable={name}{}]{}\n",
                    if secret { ";issecret=true" } else { "" },
                    var.value()
                );
            }
        }
    }
    Ok(out)
}

/// Single-quotes a value for POSIX shells (`'` becomes `'\''`).
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// A `set "NAME=value"` line for cmd.exe. Inside the quotes `&`, `|`, `<`, `>` and `^` are
/// plain text; `%` (expanded even there), `!` (delayed expansion) and `"` cannot be written
/// safely, and no token feedctl handles (base64 or a JWT) contains them.
fn cmd_set(name: &str, value: &str) -> Result<String> {
    if let Some(c) = value.chars().find(|c| ['%', '!', '"'].contains(c)) {
        bail!(
            "the value of `{name}` contains `{c}`, which cmd.exe cannot take safely; use \
             `--format powershell`"
        );
    }
    Ok(format!("set \"{name}={value}\"\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmd_lines_quote_the_whole_assignment() {
        assert_eq!(
            cmd_set("A_TOKEN", "Basic a&b|c=").unwrap(),
            "set \"A_TOKEN=Basic a&b|c=\"\n"
        );
        for bad in ["50%", "a!b", "a\"b"] {
            assert!(cmd_set("A", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shell_quoting_survives_eval() {
        assert_eq!(sh_quote("Basic abc="), "'Basic abc='");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn every_format_but_github_prints_both_variables() {
        let vars = [
            (
                "CARGO_REGISTRIES_CRATES_TOKEN".to_string(),
                Variable::Secret(crate::auth::secret::bearer("abc")),
            ),
            (
                "CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER".to_string(),
                Variable::Plain("cargo:token".to_string()),
            ),
        ];
        let table = [
            (
                Format::Sh,
                "export CARGO_REGISTRIES_CRATES_TOKEN='Bearer abc'\n\
                 export CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER='cargo:token'\n",
            ),
            (
                Format::Powershell,
                "$env:CARGO_REGISTRIES_CRATES_TOKEN = 'Bearer abc'\n\
                 $env:CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER = 'cargo:token'\n",
            ),
            (
                Format::Cmd,
                "set \"CARGO_REGISTRIES_CRATES_TOKEN=Bearer abc\"\n\
                 set \"CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER=cargo:token\"\n",
            ),
            (
                Format::Dotenv,
                "CARGO_REGISTRIES_CRATES_TOKEN=Bearer abc\n\
                 CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER=cargo:token\n",
            ),
            (
                Format::AzurePipelines,
                "##vso[task.setvariable variable=CARGO_REGISTRIES_CRATES_TOKEN;issecret=true]Bearer abc\n\
                 ##vso[task.setvariable variable=CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER]cargo:token\n",
            ),
        ];
        for (format, expected) in table {
            assert_eq!(emit(format, &vars, None).unwrap(), expected, "{format:?}");
        }
    }

    #[test]
    fn github_masks_the_secret_on_stdout_and_appends_both_variables_to_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("github_env");
        std::fs::write(&file, "EARLIER=1\n").unwrap();
        let vars = [
            (
                "CARGO_REGISTRIES_CRATES_TOKEN".to_string(),
                Variable::Secret(crate::auth::secret::bearer("abc")),
            ),
            (
                "CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER".to_string(),
                Variable::Plain("cargo:token".to_string()),
            ),
        ];
        let stdout = emit(Format::Github, &vars, Some(file.to_str().unwrap())).unwrap();
        assert_eq!(stdout, "::add-mask::Bearer abc\n::add-mask::abc\n");
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.starts_with("EARLIER=1\nCARGO_REGISTRIES_CRATES_TOKEN<<ghadelimiter_"));
        assert!(written.contains("\nBearer abc\nghadelimiter_"), "{written}");
        assert!(written.contains("CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER<<ghadelimiter_"));
    }

    #[test]
    fn a_line_break_in_a_value_is_refused_in_every_format() {
        let vars = [("A".to_string(), Variable::Plain("x\ny".to_string()))];
        assert!(emit(Format::Sh, &vars, None).is_err());
        assert!(emit(Format::Github, &vars, Some("unused")).is_err());
    }
}
