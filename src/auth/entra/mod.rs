//! Microsoft Entra ID tokens for Azure DevOps from the platform the build runs on, without a
//! PAT and without the Azure CLI (`--auth entra`).
//!
//! A chain of sources, asked in [`Source::ORDER`]; the first one that *applies* here (its
//! platform's variables are set) gives the token, and its failure is reported with advice
//! rather than hidden behind the next source. One file per source; [`http`] holds the shared
//! HTTP rules (which endpoints may be spoken to, the Entra token exchange, error shapes).
//!
//! Everything the chain decides on is gathered once into [`Facts`], so the choice itself is a
//! pure function that tests drive with any surroundings.

pub mod arc;
pub mod codespaces;
pub mod fabric;
pub mod github;
pub mod http;
pub mod imds;
pub mod managed;
pub mod pipelines;
pub mod retry;
pub mod workload;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use anyhow::Result;

pub use crate::auth::AccessToken;
use crate::azure::probe;
use crate::azure::verdict::{self, Sent};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;

/// The Azure DevOps resource (application id) every token is asked for.
pub const RESOURCE: &str = crate::auth::azure_cli::AZURE_DEVOPS_RESOURCE;
/// The same as an OAuth 2.0 scope, for the Entra token endpoint.
pub const SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/// Restricts the chain to one source, e.g. `managed-identity` (which then also asks IMDS on a
/// machine that does not identify itself as an Azure VM).
pub const SOURCE_VAR: &str = "FEEDCTL_ENTRA_SOURCE";

/// One place a token can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    GithubActions,
    AzurePipelines,
    WorkloadIdentity,
    ManagedIdentity,
    Codespaces,
    AzureCli,
}

impl Source {
    /// The documented order of the chain.
    pub const ORDER: [Source; 6] = [
        Source::GithubActions,
        Source::AzurePipelines,
        Source::WorkloadIdentity,
        Source::ManagedIdentity,
        Source::Codespaces,
        Source::AzureCli,
    ];

    /// The name used in `FEEDCTL_ENTRA_SOURCE`, JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            Source::GithubActions => "github-actions",
            Source::AzurePipelines => "azure-pipelines",
            Source::WorkloadIdentity => "workload-identity",
            Source::ManagedIdentity => "managed-identity",
            Source::Codespaces => "codespaces",
            Source::AzureCli => "azure-cli",
        }
    }

    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Source::GithubActions => "GitHub Actions OIDC",
            Source::AzurePipelines => "Azure Pipelines OIDC (service connection)",
            Source::WorkloadIdentity => "Kubernetes workload identity",
            Source::ManagedIdentity => "managed identity",
            Source::Codespaces => "Codespaces auth helper",
            Source::AzureCli => "Azure CLI",
        }
    }

    fn parse(name: &str) -> Option<Source> {
        Source::ORDER.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The variables the chain reads; nothing else of the environment matters to it.
const VARS: &[&str] = &[
    SOURCE_VAR,
    "GITHUB_ACTIONS",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_AUTHORITY_HOST",
    "AZURE_FEDERATED_TOKEN_FILE",
    "SYSTEM_OIDCREQUESTURI",
    "SYSTEM_ACCESSTOKEN",
    "AZURESUBSCRIPTION_CLIENT_ID",
    "AZURESUBSCRIPTION_TENANT_ID",
    "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "ProgramData",
    "CODESPACES",
    managed::TEST_IMDS_VAR,
    imds::TEST_SECOND_VAR,
    arc::TEST_KEY_DIR_VAR,
];

/// What the surroundings say, gathered once.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    vars: BTreeMap<&'static str, String>,
    /// The machine identifies itself as an Azure VM (its SMBIOS chassis asset tag).
    pub azure_vm: bool,
    /// The Azure Arc agent is installed (its `himds` service binary exists).
    pub arc_agent: bool,
    /// `~/ado-auth-helper` when it exists.
    pub codespaces_helper: Option<PathBuf>,
    /// `az` found on `PATH`.
    pub az: Option<PathBuf>,
}

impl Facts {
    pub fn gather(env: &Environment) -> Facts {
        let vars = VARS
            .iter()
            .filter_map(|&name| env.var(name).map(|v| (name, v)))
            .collect();
        let azure_vm = imds::is_azure_vm(env.var(imds::TEST_DMI_VAR).map(PathBuf::from));
        let arc_agent = arc::himds(
            env.var(arc::TEST_HIMDS_VAR).map(PathBuf::from),
            env.var("ProgramFiles").as_deref(),
        )
        .is_some_and(|path| path.is_file());
        let codespaces_helper = env
            .var("HOME")
            .filter(|h| !h.is_empty())
            .map(|home| PathBuf::from(home).join("ado-auth-helper"))
            .filter(|p| p.is_file());
        Facts {
            vars,
            azure_vm,
            arc_agent,
            codespaces_helper,
            az: crate::auth::azure_cli::find(env),
        }
    }

    /// A variable's value when set and not empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Sets a variable, for tests of the choice.
    #[cfg(test)]
    pub fn with(mut self, name: &'static str, value: &str) -> Facts {
        self.vars.insert(name, value.to_string());
        self
    }
}

/// A source that applies here, with everything it needs to ask for a token.
#[derive(Debug)]
pub enum Plan {
    GithubActions(github::Plan),
    AzurePipelines(pipelines::Plan),
    WorkloadIdentity(workload::Plan),
    ManagedIdentity(managed::Plan),
    Codespaces(codespaces::Plan),
    AzureCli,
}

impl Plan {
    pub fn source(&self) -> Source {
        match self {
            Plan::GithubActions(_) => Source::GithubActions,
            Plan::AzurePipelines(_) => Source::AzurePipelines,
            Plan::WorkloadIdentity(_) => Source::WorkloadIdentity,
            Plan::ManagedIdentity(_) => Source::ManagedIdentity,
            Plan::Codespaces(_) => Source::Codespaces,
            Plan::AzureCli => Source::AzureCli,
        }
    }

    /// Where exactly the token will come from, in words (no secret).
    pub fn detail(&self) -> String {
        match self {
            Plan::GithubActions(p) => p.detail(),
            Plan::AzurePipelines(p) => p.detail(),
            Plan::WorkloadIdentity(p) => p.detail(),
            Plan::ManagedIdentity(p) => p.detail(),
            Plan::Codespaces(p) => p.detail(),
            Plan::AzureCli => "`az account get-access-token`".to_string(),
        }
    }
}

/// A source that did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub source: Source,
    pub why: String,
}

/// The chain's choice: the first source that applies, after those that did not.
#[derive(Debug)]
pub struct Choice {
    pub plan: Plan,
    pub skipped: Vec<Skipped>,
}

impl Choice {
    /// Where the token will come from, and each source before it that did not apply and why.
    pub fn detail(&self) -> String {
        let source = self.plan.source();
        format!(
            "{}{}",
            self.plan.detail(),
            tried_before(source, &self.skipped)
        )
    }
}

/// The sources asked before the one that answered and why none of them applied, as lines to
/// add to a message: a failure of the last source (say `az` in a GitHub job without `id-token:
/// write`) is then told together with what would have avoided it.
fn tried_before(source: Source, skipped: &[Skipped]) -> String {
    let mut lines = String::new();
    if !skipped.is_empty() {
        lines.push_str(&format!(
            "\nSources asked before {source}, which do not apply here:"
        ));
    }
    for s in skipped {
        lines.push_str(&format!("\n  {:<18} {}", s.source.name(), s.why));
    }
    lines
}

/// `err` (a source's failure) with the sources skipped before it; its exit code is kept.
fn after_skipped(err: anyhow::Error, source: Source, skipped: &[Skipped]) -> anyhow::Error {
    if skipped.is_empty() {
        return err;
    }
    let code = err
        .chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.code);
    let message = format!("{err:#}{}", tried_before(source, skipped));
    match code {
        Some(code) => Failure::new(code, message).into(),
        None => anyhow::anyhow!(message),
    }
}

/// Picks the source, in [`Source::ORDER`] (or only the one `FEEDCTL_ENTRA_SOURCE` names).
pub fn choose(facts: &Facts) -> Result<Choice, Failure> {
    let only = match facts.var(SOURCE_VAR) {
        None => None,
        Some(name) => Some(Source::parse(name.trim()).ok_or_else(|| {
            let names: Vec<&str> = Source::ORDER.iter().map(|s| s.name()).collect();
            Failure::new(
                Code::Usage,
                format!(
                    "`{SOURCE_VAR}` is `{name}`, which is not a token source; use one of: {}",
                    names.join(", ")
                ),
            )
        })?),
    };
    let mut skipped = Vec::new();
    for source in Source::ORDER {
        if only.is_some_and(|only| only != source) {
            continue;
        }
        let explicit = only == Some(source);
        match detect(source, facts, explicit) {
            Ok(plan) => return Ok(Choice { plan, skipped }),
            Err(Detect::NotHere(why)) => skipped.push(Skipped { source, why }),
            Err(Detect::Broken(failure)) => {
                let message = format!("{}{}", failure.message, tried_before(source, &skipped));
                return Err(Failure::new(failure.code, message));
            }
        }
    }
    Err(nothing_applied(&skipped, only))
}

/// Why a source cannot run.
#[derive(Debug)]
pub enum Detect {
    /// Its platform is not here: the chain moves on.
    NotHere(String),
    /// Its platform is here but set up wrongly (e.g. an endpoint that is not allowed).
    Broken(Failure),
}

impl From<Failure> for Detect {
    fn from(failure: Failure) -> Detect {
        Detect::Broken(failure)
    }
}

fn detect(source: Source, facts: &Facts, explicit: bool) -> Result<Plan, Detect> {
    Ok(match source {
        Source::GithubActions => Plan::GithubActions(github::detect(facts)?),
        Source::AzurePipelines => Plan::AzurePipelines(pipelines::detect(facts)?),
        Source::WorkloadIdentity => Plan::WorkloadIdentity(workload::detect(facts)?),
        Source::ManagedIdentity => Plan::ManagedIdentity(managed::detect(facts, explicit)?),
        Source::Codespaces => Plan::Codespaces(codespaces::detect(facts)?),
        Source::AzureCli => match &facts.az {
            Some(_) => Plan::AzureCli,
            None => return Err(Detect::NotHere("`az` is not on PATH".to_string())),
        },
    })
}

fn nothing_applied(skipped: &[Skipped], only: Option<Source>) -> Failure {
    let mut message = match only {
        Some(source) => format!(
            "the Microsoft Entra ID token source `{source}` (chosen by `{SOURCE_VAR}`) does not apply here:"
        ),
        None => "no Microsoft Entra ID token source applies here; tried, in order:".to_string(),
    };
    for s in skipped {
        message.push_str(&format!("\n  {:<18} {}", s.source.name(), s.why));
    }
    message.push_str(
        "\nRun where one of them applies (see \"No secret anywhere\" in feedctl's README), or \
         use a PAT (`--auth pat`).",
    );
    Failure::new(Code::Auth, message)
}

/// A token and the source that gave it.
#[derive(Debug)]
pub struct Minted {
    pub source: Source,
    pub token: AccessToken,
}

impl Minted {
    /// What goes to the feed with this token, for the verdict on its answer: the source and
    /// the identity its claims name, so that a 401 says whom to add to the organization.
    pub fn sent(&self) -> Sent<'static> {
        Sent::Entra {
            source: self.source.describe(),
            identity: self
                .token
                .identity()
                .unwrap_or_else(|| "the identity".to_string()),
        }
    }
}

/// Runs the chain: the first source that applies here gives the token.
pub fn mint(env: &Environment) -> Result<Minted> {
    let choice = choose(&Facts::gather(env))?;
    for s in &choice.skipped {
        ui::debug(format!("entra: {} does not apply: {}", s.source, s.why));
    }
    let source = choice.plan.source();
    ui::debug(format!("entra: using {source}: {}", choice.plan.detail()));
    let token = fetch(&choice.plan, env).map_err(|e| after_skipped(e, source, &choice.skipped))?;
    Ok(Minted { source, token })
}

/// The token for the `Authorization` header, from the first source that applies.
pub fn access_token(env: &Environment) -> Result<AccessToken> {
    Ok(mint(env)?.token)
}

fn fetch(plan: &Plan, env: &Environment) -> Result<AccessToken> {
    match plan {
        Plan::GithubActions(p) => p.fetch(),
        Plan::AzurePipelines(p) => p.fetch(),
        Plan::WorkloadIdentity(p) => p.fetch(),
        Plan::ManagedIdentity(p) => p.fetch(),
        Plan::Codespaces(p) => p.fetch(),
        Plan::AzureCli => Ok(crate::auth::azure_cli::access_token(env)?.token),
    }
}

/// Where the chain gets a token here, without a request: in words (for `status`), and the
/// source's name (`github-actions`, …) when one applies.
pub fn here(env: &Environment) -> (String, Option<&'static str>) {
    match choose(&Facts::gather(env)) {
        Ok(choice) => (
            format!(
                "none stored: feedctl gets a fresh Entra ID token for each cargo command from {} ({})",
                choice.plan.source().describe(),
                choice.plan.detail()
            ),
            Some(choice.plan.source().name()),
        ),
        Err(_) => (
            "none stored, and no Entra ID token source applies here (`feedctl doctor` says why)"
                .to_string(),
            None,
        ),
    }
}

/// The fix `doctor` shows when the chain fails.
pub const FIX: &str = "see \"No secret anywhere\" in feedctl's README for your platform's recipe, \
                       or switch to a PAT: feedctl connect … --auth pat";

/// What `connect --auth entra` says about where the token is stored.
pub const STORED_NOWHERE: &str =
    "nowhere: feedctl asks the platform for a fresh Entra ID token on every cargo command";

/// `connect --auth entra`'s check: mint a token here, once, and the feed must accept it.
pub fn verify_step(
    http: &crate::cargo::config::effective::HttpSettings,
    index: &str,
    registry: &str,
    env: &Environment,
    no_verify: bool,
) -> Result<String> {
    if no_verify {
        ui::warn("not checking an Entra ID token against the feed (`--no-verify`)");
        return Ok(STORED_NOWHERE.to_string());
    }
    let minted = mint(env)?;
    check_with_feed(&probe::Prober::new(http)?, index, registry, &minted)?;
    ui::status(
        "Verified",
        format!(
            "the feed accepted the token from {} ({}) for `{registry}`",
            minted.source.describe(),
            identity(&minted.token)
        ),
    );
    Ok(STORED_NOWHERE.to_string())
}

/// The feed must answer `config.json` with the minted token; a 401 means Azure DevOps does
/// not know the identity (the token itself is valid, Entra ID just issued it).
pub fn check_with_feed(
    prober: &probe::Prober,
    index: &str,
    registry: &str,
    minted: &Minted,
) -> Result<()> {
    let answer = prober.probe(index, Some(&minted.token.header))?;
    match verdict::judge(&answer, &minted.sent(), index, registry) {
        None => Ok(()),
        Some(verdict) => Err(Failure::from(verdict).into()),
    }
}

/// Whose token it is and until when, from its claims (never the token).
pub fn identity(token: &AccessToken) -> String {
    let who = token
        .identity()
        .unwrap_or_else(|| "an opaque token".to_string());
    match token
        .expires_on
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
    {
        Some(at) => format!(
            "{who}, expires {}",
            at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        ),
        None => who,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(skipped: &[Skipped]) -> Vec<&'static str> {
        skipped.iter().map(|s| s.source.name()).collect()
    }

    #[test]
    fn nothing_applies_in_an_empty_world_and_the_answer_lists_every_source() {
        let failure = choose(&Facts::default()).unwrap_err();
        assert_eq!(failure.code, Code::Auth);
        for source in Source::ORDER {
            assert!(
                failure.message.contains(source.name()),
                "{}",
                failure.message
            );
        }
        assert!(failure.message.contains("`ACTIONS_ID_TOKEN_REQUEST_URL`"));
        assert!(failure.message.contains("`az` is not on PATH"));
    }

    #[test]
    fn the_first_source_that_applies_wins() {
        let github = Facts::default()
            .with(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "https://gh.example/token?api-version=2.0",
            )
            .with("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t")
            .with("AZURE_CLIENT_ID", "c")
            .with("AZURE_TENANT_ID", "t1")
            .with("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi")
            .with("IDENTITY_HEADER", "h");
        let choice = choose(&github).unwrap();
        assert_eq!(choice.plan.source(), Source::GithubActions);
        assert!(choice.skipped.is_empty());

        let managed = Facts {
            az: Some("/usr/bin/az".into()),
            ..Facts::default()
        }
        .with("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi")
        .with("IDENTITY_HEADER", "h");
        let choice = choose(&managed).unwrap();
        assert_eq!(choice.plan.source(), Source::ManagedIdentity);
        assert_eq!(
            names(&choice.skipped),
            ["github-actions", "azure-pipelines", "workload-identity"]
        );

        let az_only = Facts {
            az: Some("/usr/bin/az".into()),
            ..Facts::default()
        };
        assert_eq!(choose(&az_only).unwrap().plan.source(), Source::AzureCli);
    }

    #[test]
    fn imds_is_asked_only_on_an_azure_vm_or_when_chosen() {
        let plain = Facts::default();
        let failure = choose(&plain).unwrap_err();
        assert!(failure.message.contains("Azure VM"), "{}", failure.message);

        let vm = Facts {
            azure_vm: true,
            ..Facts::default()
        };
        let choice = choose(&vm).unwrap();
        assert_eq!(choice.plan.source(), Source::ManagedIdentity);
        assert!(choice.plan.detail().contains("169.254.169.254"));

        let chosen = Facts::default().with(SOURCE_VAR, "managed-identity");
        let choice = choose(&chosen).unwrap();
        assert!(choice.plan.detail().contains("169.254.169.254"));
    }

    #[test]
    fn a_broken_source_is_told_with_the_sources_skipped_before_it() {
        let facts = Facts::default()
            .with("GITHUB_ACTIONS", "true")
            .with("IDENTITY_ENDPOINT", "http://10.1.2.3/msi/token")
            .with("IDENTITY_HEADER", "h");
        let failure = choose(&facts).unwrap_err();
        assert!(failure.message.contains("IDENTITY_ENDPOINT"));
        assert!(
            failure.message.contains("permissions: id-token: write"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_chosen_source_is_the_only_one_asked() {
        let facts = Facts::default()
            .with(SOURCE_VAR, "workload-identity")
            .with("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi")
            .with("IDENTITY_HEADER", "h");
        let failure = choose(&facts).unwrap_err();
        assert!(
            failure.message.contains("`workload-identity`"),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains("managed-identity"));

        let failure = choose(&Facts::default().with(SOURCE_VAR, "pat")).unwrap_err();
        assert_eq!(failure.code, Code::Usage);
        assert!(failure.message.contains("`pat`"));
    }
}
