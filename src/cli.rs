//! Command-line definitions, and nothing else: every doc comment here is `--help` text.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cargo::providers::Store;
use crate::ops::AuthMode;
use crate::ops::ci_env::Format;
use crate::ops::mint::PatScope;

use crate::exit;

/// Connect cargo to a private Azure Artifacts feed, safely, in one command.
///
/// feedctl writes the project's `.cargo/config.toml` (registry and crates.io replacement),
/// sets up cargo's credential providers, checks a token against the feed before cargo stores
/// it, prepares CI jobs and explains what is wrong when `cargo build` gets a 401.
#[derive(Debug, Parser)]
#[command(
    name = "feedctl",
    version,
    after_help = exit::TABLE,
    max_term_width = 100,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run as a cargo credential provider (cargo starts feedctl this way after
    /// `feedctl connect --auth azure-cli`; not for people).
    #[arg(long, hide = true)]
    pub cargo_plugin: bool,

    /// Print what feedctl reads, runs and requests (never a token), to stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Point this project at a feed: registry, crates.io replacement, providers and login.
    ///
    /// Examples:
    ///   feedctl connect https://dev.azure.com/contoso/web/_artifacts/feed/crates
    ///   feedctl connect --org contoso --project web --feed crates --dry-run
    ///   feedctl connect --org contoso --project web --feed crates --mint --days 30
    ///   feedctl connect --server-url https://tfs.contoso.com/tfs \
    ///       --collection DefaultCollection --feed crates
    #[command(verbatim_doc_comment)]
    Connect(ConnectArgs),

    /// Set cargo's credential providers in `$CARGO_HOME/config.toml` for this OS.
    ///
    /// Examples:
    ///   feedctl providers              # OS store if it works here, else credentials.toml
    ///   feedctl providers --store file --dry-run
    #[command(verbatim_doc_comment)]
    Providers(ProvidersArgs),

    /// Check a token against the feed, then store it with `cargo login`.
    ///
    /// Examples:
    ///   feedctl login                              # prompts (hidden) for a PAT
    ///   $env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin               # PowerShell
    ///   printf '%s\n' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin  # sh
    ///   feedctl login --name company --pat-env AZURE_DEVOPS_PAT
    ///   feedctl login --mint --days 30             # a PAT made from your `az login`
    ///   feedctl login --renew
    ///   feedctl login --mint --no-store --days 30 | gh secret set CARGO_TOKEN --app dependabot
    #[command(verbatim_doc_comment)]
    Login(LoginArgs),

    /// Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.
    ///
    /// Examples:
    ///   feedctl logout --name company
    ///   feedctl logout --keep-pat
    #[command(verbatim_doc_comment)]
    Logout(LogoutArgs),

    /// Print the environment variables that make cargo authenticate in CI.
    ///
    /// Examples:
    ///   eval "$(feedctl env)"                        # Azure Pipelines, SYSTEM_ACCESSTOKEN mapped
    ///   feedctl env --format github --pat-env AZURE_DEVOPS_PAT --verify
    ///   feedctl env --format powershell | Invoke-Expression
    ///   for /f "delims=" %%l in ('feedctl env --format cmd') do %%l  # in a .cmd file
    #[command(verbatim_doc_comment)]
    Env(EnvArgs),

    /// Show the registries, crates.io replacement, providers and tokens in effect here.
    ///
    /// Example:
    ///   feedctl status --json
    #[command(verbatim_doc_comment)]
    Status(StatusArgs),

    /// Check everything between `cargo build` and the feed; name each problem and its fix.
    ///
    /// Examples:
    ///   feedctl doctor
    ///   feedctl doctor --offline --json
    #[command(verbatim_doc_comment)]
    Doctor(DoctorArgs),

    /// List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.
    ///
    /// Examples:
    ///   feedctl pat list
    ///   feedctl pat list --json
    #[command(verbatim_doc_comment, subcommand)]
    Pat(PatCommand),

    /// Create, list and show Azure Artifacts feeds (with the crates.io upstream).
    ///
    /// Examples:
    ///   feedctl feed create crates --org contoso --project web --pat-env AZURE_DEVOPS_PAT
    ///   feedctl feed list --org contoso
    ///   feedctl feed show                  # the feed of this project's registry
    #[command(verbatim_doc_comment, subcommand)]
    Feed(FeedCommand),

    /// Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.
    ///
    /// Readers (most CI pipelines, contributors) fetch only crates already in the feed; a
    /// Collaborator's `save` puts them there. `--check` only says what is missing.
    ///
    /// Examples:
    ///   feedctl save                       # every crate Cargo.lock pins
    ///   feedctl save serde@1.0.219 tokio   # named crates (newest version when none given)
    ///   feedctl save --check               # CI gate: exit 8 when crates are missing
    #[command(verbatim_doc_comment)]
    Save(SaveArgs),

    /// Remove a registry (and the crates.io replacement pointing at it) from the project.
    ///
    /// Example:
    ///   feedctl disconnect --name crates --logout
    #[command(verbatim_doc_comment)]
    Disconnect(DisconnectArgs),

    /// Print a shell completion script.
    ///
    /// Examples:
    ///   feedctl completions bash > ~/.local/share/bash-completion/completions/feedctl
    ///   feedctl completions zsh > "${fpath[1]}/_feedctl"
    ///   feedctl completions powershell | Out-File -Append -Encoding utf8 $PROFILE
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// Registry to emit variables for, repeatable, e.g. `--name crates --name tools`
    /// (default: every Azure Artifacts registry configured here).
    #[arg(long = "name", value_name = "REGISTRY")]
    pub names: Vec<String>,

    /// Output syntax, e.g. `--format github`.
    #[arg(long, value_enum, default_value_t = Format::Sh)]
    pub format: Format,

    /// First check the token against every registry's feed, as cargo will send it; on a
    /// refusal fail (exit 4, 5 or 6) without emitting anything.
    #[arg(long)]
    pub verify: bool,

    /// The token, when not `SYSTEM_ACCESSTOKEN` (Azure Pipelines' job token, the default).
    #[command(flatten)]
    pub token: TokenArgs,

    /// `entra`: mint one Microsoft Entra ID token from the platform's own identity (GitHub
    /// Actions or Azure Pipelines OIDC, Kubernetes workload identity, managed identity,
    /// Codespaces, then `az`) instead of a PAT, e.g. `--auth entra`. It lasts about an hour.
    #[arg(long, value_enum, value_name = "SOURCE", conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli"])]
    pub auth: Option<EnvAuth>,
}

/// Token sources of `feedctl env` beyond the PAT flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EnvAuth {
    /// The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`).
    Entra,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON, e.g. `feedctl status --json | jq .registries`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print JSON: `{"ok", "failed", "warnings", "checks": [{"id", "registry", "status",
    /// "message", "fix"}]}` (shapes in the README).
    #[arg(long)]
    pub json: bool,

    /// Skip the checks that contact the feed.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct DisconnectArgs {
    /// Registry to remove, e.g. `--name crates` (default: the only Azure Artifacts registry
    /// in the file).
    #[arg(long, value_name = "REGISTRY")]
    pub name: Option<String>,

    /// Config file to edit, e.g. `--config ../.cargo/config.toml` (default: as for `connect`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Edit `$CARGO_HOME/config.toml` instead of the project config (undoes `connect --user`).
    #[arg(long, conflicts_with = "config")]
    pub user: bool,

    /// Also remove the stored token (`cargo logout`).
    #[arg(long)]
    pub logout: bool,

    /// Print the change as a unified diff and touch nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print a machine-readable JSON result to stdout (shape in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `bash`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where the token comes from. Without these, feedctl prompts when a terminal is attached.
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false)]
pub struct TokenArgs {
    /// Read a personal access token (PAT) from standard input, one line, e.g.
    /// `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or
    /// `printf '%s\n' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT
    /// with Packaging > Read & write: cargo's first download of a crate from crates.io saves
    /// it into the feed, which a Read-only PAT may not (Read is enough only when every crate
    /// is already in the feed).
    #[arg(long)]
    pub pat_stdin: bool,

    /// Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT`
    /// (keeps the token out of shell history and process lists).
    #[arg(long, value_name = "VAR")]
    pub pat_env: Option<String>,

    /// Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT.
    /// Such tokens expire after about an hour.
    #[arg(long)]
    pub azure_cli: bool,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// `azure-cli` makes feedctl cargo's credential provider for one registry in
    /// `$CARGO_HOME/config.toml` (needs `az login`), e.g. `--auth azure-cli --name crates`;
    /// `entra` likewise, with tokens from the platform's identity (see `connect --help`).
    #[arg(long, value_enum, default_value_t = AuthMode::Pat)]
    pub auth: AuthMode,

    /// With `--auth azure-cli` or `entra`: the registry, e.g. `--name crates` (default: the only Azure
    /// Artifacts registry configured here).
    #[arg(long, value_name = "REGISTRY", requires = "auth")]
    pub name: Option<String>,

    /// Where cargo should keep tokens: `auto` uses the OS store (Keychain, Credential
    /// Manager, Secret Service) when it answers here and falls back to `file`
    /// (`$CARGO_HOME/credentials.toml`, mode 0600); e.g. `--store file` on CI machines.
    #[arg(long, value_enum, default_value_t = Store::Auto)]
    pub store: Store,

    /// Print the change as a unified diff and touch nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print a machine-readable JSON result to stdout (shape in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("minting").args(["mint", "renew"])))]
pub struct LoginArgs {
    /// Registry to log in to, e.g. `--name company` (default: the only Azure Artifacts
    /// registry configured for this directory).
    #[arg(long, value_name = "REGISTRY")]
    pub name: Option<String>,

    #[command(flatten)]
    pub token: TokenArgs,

    /// Create a PAT for the registry's organization only, from your Azure CLI login (`az
    /// login` as a user; app identities cannot create PATs), check it and store it; replaces
    /// a PAT feedctl minted before (revoked once the new one works). See docs/tokens.md.
    #[arg(long, conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli"])]
    pub mint: bool,

    /// Replace the PAT feedctl minted for the registry with a new one of the same scope,
    /// then revoke the old one; if any step fails, the old one stays stored and working.
    #[arg(long, conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli", "mint"])]
    pub renew: bool,

    /// With `--mint`: `write` (Packaging > Read & write, default: also saves crates from
    /// crates.io into the feed) or `read` (Packaging > Read: only crates already in the feed).
    #[arg(long, value_enum, requires = "minting")]
    pub scope: Option<PatScope>,

    /// With `--mint` or `--renew`: days the PAT is valid, 1 to 365 (an organization may
    /// allow fewer), e.g. `--days 30`.
    #[arg(long, value_name = "N", default_value_t = 7, requires = "minting",
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,

    /// With `--mint`: do not store the PAT for cargo; write it to `--output FILE` (created
    /// with mode 0600) or to standard output when that is a pipe, as the whole `Basic …`
    /// value that `CARGO_REGISTRIES_<NAME>_TOKEN` and Dependabot take.
    #[arg(long, requires = "mint")]
    pub no_store: bool,

    /// With `--no-store`: the new file to write the PAT to, e.g. `--output cargo-token.txt`.
    #[arg(long, value_name = "FILE", requires = "no_store")]
    pub output: Option<PathBuf>,

    /// With `--no-store`: write the bare PAT instead of `Basic …` (for tools that encode it
    /// themselves).
    #[arg(long, requires = "no_store")]
    pub raw: bool,

    /// With `--mint` or `--renew`: print the PAT request (name, scope, lifetime,
    /// organization) and send nothing.
    #[arg(long, requires = "minting")]
    pub dry_run: bool,

    /// Store the token without first checking it against the feed.
    #[arg(long)]
    pub no_verify: bool,

    /// Print a machine-readable JSON result to stdout (shape in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry to log out of, e.g. `--name company` (default: the only Azure Artifacts
    /// registry configured for this directory).
    #[arg(long, value_name = "REGISTRY")]
    pub name: Option<String>,

    /// Do not revoke the PAT feedctl minted for the registry: log out and forget it (it
    /// stays valid until it expires).
    #[arg(long)]
    pub keep_pat: bool,

    /// Print a machine-readable JSON result to stdout (shape in the README).
    #[arg(long)]
    pub json: bool,
}

/// `feedctl feed …`.
#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Create a feed with the crates.io upstream (or make sure an existing one has it).
    ///
    /// The PAT needs Packaging > Read & write (adding the upstream to an existing feed needs
    /// Read, write, & manage and the feed's Owner role); creating a feed needs the
    /// organization's "Feed creator" permission.
    ///
    /// Examples:
    ///   feedctl feed create crates --org contoso --project web --pat-env AZURE_DEVOPS_PAT
    ///   feedctl feed create crates --org contoso --azure-cli --connect
    ///   feedctl feed create crates --server-url https://tfs.contoso.com/tfs \
    ///       --collection DefaultCollection --dry-run
    #[command(verbatim_doc_comment)]
    Create(FeedCreateArgs),

    /// List the feeds you can read: scope, crates.io upstream, your role, index URL.
    ///
    /// Examples:
    ///   feedctl feed list --org contoso
    ///   feedctl feed list --org contoso --project web --json
    ///   feedctl feed list                  # the organization of this project's registry
    #[command(verbatim_doc_comment)]
    List(FeedListArgs),

    /// Show one feed: upstreams and their health, your role, whether the token may write.
    ///
    /// Examples:
    ///   feedctl feed show                  # the feed of this project's registry
    ///   feedctl feed show https://dev.azure.com/contoso/web/_artifacts/feed/crates
    ///   feedctl feed show crates --org contoso --project web --json
    #[command(verbatim_doc_comment)]
    Show(FeedShowArgs),
}

/// The organization (or Server collection) and project of a feed command.
#[derive(Debug, Args, Clone, Default)]
pub struct PlaceArgs {
    /// Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso.
    #[arg(long = "org", value_name = "ORG", conflicts_with = "server_url")]
    pub organization: Option<String>,

    /// Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`.
    #[arg(long, value_name = "URL", requires = "collection")]
    pub server_url: Option<String>,

    /// Azure DevOps Server collection, e.g. `--collection DefaultCollection`.
    #[arg(long, value_name = "NAME", requires = "server_url")]
    pub collection: Option<String>,

    /// Project, e.g. `--project "Web Team"`; omit for the organization's (or collection's)
    /// own feeds.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
}

/// The token for Azure DevOps' REST API. Without these: the token cargo uses for this
/// `feedctl save`'s flags.
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Crates to save instead of the lockfile's, as `NAME` (the newest version the feed's
    /// index lists) or `NAME@VERSION`, e.g. `serde@1.0.219 tokio`.
    #[arg(value_name = "CRATE[@VERSION]")]
    pub crates: Vec<String>,

    /// Download nothing: list the crates missing from the feed, with when each present one
    /// was saved and whether from the upstream; exit 8 when any is missing.
    #[arg(long, conflicts_with_all = ["dry_run", "update"])]
    pub check: bool,

    /// Show what would be downloaded (the URLs, never a token) and download nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Run `cargo generate-lockfile` first (without it the lockfile is only read).
    #[arg(long, conflicts_with = "crates")]
    pub update: bool,

    /// For crates of the feed's own registry whose feed setting lets crates.io versions in
    /// (`allowExternalVersions`), set it to `auto` (needs Packaging > Read, write & manage).
    #[arg(long, conflicts_with = "dry_run")]
    pub protect: bool,

    /// Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo's jobs).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Print JSON (shape in docs/json.md).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub token: RestTokenArgs,
}

/// project's registry of that organization, else a prompt on a terminal.
#[derive(Debug, Args, Clone, Default)]
pub struct RestTokenArgs {
    #[command(flatten)]
    pub token: TokenArgs,

    /// `entra`: a Microsoft Entra ID token from the platform's identity (see `connect
    /// --help`), e.g. `--auth entra`.
    #[arg(long, value_enum, value_name = "SOURCE", conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli"])]
    pub auth: Option<EnvAuth>,
}

#[derive(Debug, Args)]
pub struct FeedCreateArgs {
    /// The new feed's name, e.g. `crates` (at most 64 characters, no spaces, none of
    /// `@ ~ ; { } \ + = < > | / ? : & $ * " # [ ]`), or a feed URL naming organization,
    /// project and feed.
    #[arg(value_name = "NAME|URL")]
    pub name: String,

    #[command(flatten)]
    pub place: PlaceArgs,

    /// Create the feed without the crates.io upstream (then only crates published to the
    /// feed can be used).
    #[arg(long)]
    pub no_upstream: bool,

    /// Print the request that would be sent (method, URL, body; never a token) and send
    /// nothing.
    #[arg(long, conflicts_with = "connect")]
    pub dry_run: bool,

    /// Then point this project at the new feed, as `feedctl connect` with the same token
    /// flags would.
    #[arg(long)]
    pub connect: bool,

    /// Print a machine-readable JSON result to stdout (shape in docs/json.md).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub token: RestTokenArgs,
}

#[derive(Debug, Args)]
pub struct FeedListArgs {
    #[command(flatten)]
    pub place: PlaceArgs,

    /// Print JSON (shape in docs/json.md), e.g. `feedctl feed list --org contoso --json`.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub token: RestTokenArgs,
}

#[derive(Debug, Args)]
pub struct FeedShowArgs {
    /// The feed's URL, or its name with `--org`/`--project` (default: the feed of this
    /// project's registry).
    #[arg(value_name = "URL|NAME")]
    pub feed: Option<String>,

    #[command(flatten)]
    pub place: PlaceArgs,

    /// Print JSON (shape in docs/json.md).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub token: RestTokenArgs,
}

/// Which feed: a URL, or the flags that build one.
#[derive(Debug, Args)]
pub struct FeedArgs {
    /// The feed's web page or Cargo index URL, instead of the flags below.
    ///
    /// e.g. `https://dev.azure.com/contoso/web/_artifacts/feed/crates` or
    /// `sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/`.
    #[arg(value_name = "URL", conflicts_with_all = ["organization", "server_url", "collection", "project", "feed"])]
    pub url: Option<String>,

    /// Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso.
    #[arg(long = "org", value_name = "ORG", conflicts_with = "server_url")]
    pub organization: Option<String>,

    /// Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`.
    #[arg(long, value_name = "URL", requires = "collection")]
    pub server_url: Option<String>,

    /// Azure DevOps Server collection, e.g. `--collection DefaultCollection`.
    #[arg(long, value_name = "NAME", requires = "server_url")]
    pub collection: Option<String>,

    /// Project of a project-scoped feed, e.g. `--project "Web Team"`; omit for an
    /// organization- or collection-scoped feed.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,

    /// Feed name, e.g. `--feed crates`. Without it (with `--org` or `--server-url`), connect
    /// lists the feeds you can read: to pick from on a terminal, else with the command for each.
    #[arg(long, value_name = "NAME")]
    pub feed: Option<String>,

    /// Use `FEED~force-auth` so cargo always sends a token. Needed on PUBLIC feeds by feed
    /// owners, publishers and "Feed and Upstream Reader" members: without it cargo reads
    /// anonymously and cannot save new crates from upstream sources. Private feeds never
    /// need it.
    #[arg(long)]
    pub force_auth: bool,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub feed: FeedArgs,

    /// Registry name in cargo's config (default: the feed name), e.g. `--name company`.
    /// Letters, digits, `_` and `-`; `crates-io` is reserved.
    #[arg(long, value_name = "REGISTRY")]
    pub name: Option<String>,

    /// Config file to edit: a `.cargo/config.toml` (or legacy `.cargo/config`), e.g.
    /// `--config ../.cargo/config.toml` (default: `.cargo/config.toml` at the workspace root,
    /// or at the package when its `package.workspace` root is not above the current directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Configure the feed for every project of this user, in `$CARGO_HOME/config.toml`,
    /// replacing crates.io there too unless `--no-replace-crates-io`. This is what
    /// `cargo install --registry NAME` needs (it ignores project config); without it,
    /// feedctl refuses to run outside a cargo project (e.g. in `$HOME`).
    #[arg(long, conflicts_with = "config")]
    pub user: bool,

    /// Only add the registry; leave `[source.crates-io]` alone, so crates.io stays the
    /// default source and the feed is used only by dependencies with `registry = "NAME"`.
    #[arg(long)]
    pub no_replace_crates_io: bool,

    /// Overwrite a registry of the same name with a different index, or a crates.io
    /// replacement that points at another source. What it replaced is recorded in a comment
    /// in the file, and `feedctl disconnect` puts it back.
    #[arg(long)]
    pub force: bool,

    /// Print the changes as a unified diff and touch nothing (no network either).
    #[arg(long)]
    pub dry_run: bool,

    /// Print a machine-readable JSON result to stdout.
    #[arg(long)]
    pub json: bool,

    /// Leave `$CARGO_HOME/config.toml`'s credential providers as they are.
    #[arg(long)]
    pub no_providers: bool,

    /// Where cargo should keep tokens (see `feedctl providers --help`), e.g. `--store file`.
    #[arg(long, value_enum, default_value_t = Store::Auto, conflicts_with = "no_providers")]
    pub store: Store,

    /// Do not log in; print the `feedctl login` command to run later instead.
    #[arg(long, conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli"])]
    pub no_login: bool,

    /// Store the token without first checking it against the feed.
    #[arg(long)]
    pub no_verify: bool,

    #[command(flatten)]
    pub token: TokenArgs,

    /// Create a PAT for the feed's organization only from your Azure CLI login (`az login`
    /// as a user), check it and store it (as `feedctl login --mint` does).
    #[arg(long, conflicts_with_all = ["pat_stdin", "pat_env", "azure_cli", "no_login"])]
    pub mint: bool,

    /// With `--mint`: `write` (default) or `read`, as in `feedctl login --help`.
    #[arg(long, value_enum, requires = "mint")]
    pub scope: Option<PatScope>,

    /// With `--mint`: days the PAT is valid, 1 to 365, e.g. `--days 30`.
    #[arg(long, value_name = "N", default_value_t = 7, requires = "mint",
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,

    /// How cargo gets a token: `pat` (default) stores a verified PAT with `cargo login`;
    /// `azure-cli` makes feedctl hand cargo a fresh Entra ID token from `az` on every build,
    /// storing nothing, e.g. `--auth azure-cli` after `az login`; `entra` does the same with
    /// the first source that applies here, in this order: GitHub Actions OIDC, Azure
    /// Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, `az`.
    // The token flags go with `pat` only: `connect::Options::check_flags` says so, as clap
    // cannot tie a conflict to one value.
    #[arg(long, value_enum, default_value_t = AuthMode::Pat)]
    pub auth: AuthMode,
}

// The enums below live with the use cases (no clap types there); their `--help` words live
// here with every other word of the help, and their names are the ones the JSON reports use.

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Format::Sh,
            Format::Powershell,
            Format::Cmd,
            Format::Dotenv,
            Format::Github,
            Format::AzurePipelines,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            Format::Sh => (
                "sh",
                "`export NAME='value'` lines for `eval` in sh, bash, zsh",
            ),
            Format::Powershell => (
                "powershell",
                "`$env:NAME = 'value'` lines for `Invoke-Expression`",
            ),
            Format::Cmd => ("cmd", "`set \"NAME=value\"` lines for cmd.exe batch files"),
            Format::Dotenv => (
                "dotenv",
                "`NAME=value` lines for `.env` files and `docker --env-file`",
            ),
            Format::Github => (
                "github",
                "Append to `$GITHUB_ENV` for later steps; print `::add-mask::` for the secret",
            ),
            Format::AzurePipelines => (
                "azure-pipelines",
                "`##vso[task.setvariable …;issecret=true]` commands for later steps",
            ),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

impl ValueEnum for PatScope {
    fn value_variants<'a>() -> &'a [Self] {
        &[PatScope::Write, PatScope::Read]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            PatScope::Write => PossibleValue::new("write").help("Packaging > Read & write"),
            PatScope::Read => PossibleValue::new("read").help("Packaging > Read"),
        })
    }
}

impl ValueEnum for AuthMode {
    fn value_variants<'a>() -> &'a [Self] {
        &[AuthMode::Pat, AuthMode::AzureCli, AuthMode::Entra]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            AuthMode::Pat => "A personal access token, checked and stored once with `cargo login`",
            AuthMode::AzureCli => {
                "A fresh Microsoft Entra ID token from `az` for every cargo command, via feedctl \
                 as cargo's credential provider for this registry. Nothing secret is stored"
            }
            AuthMode::Entra => {
                "A fresh Microsoft Entra ID token from the platform the build runs on (GitHub \
                 Actions, Azure Pipelines, Kubernetes, managed identity, Codespaces; then `az`), \
                 via feedctl as cargo's credential provider for this registry. No PAT, no secret \
                 stored"
            }
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for Store {
    fn value_variants<'a>() -> &'a [Self] {
        &[Store::Auto, Store::Os, Store::File]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            Store::Auto => (
                "auto",
                "The OS store if it works here, else `$CARGO_HOME/credentials.toml`",
            ),
            Store::Os => (
                "os",
                "The OS store (Keychain, Credential Manager, Secret Service), even if the probe \
                 fails",
            ),
            Store::File => ("file", "`$CARGO_HOME/credentials.toml` (mode 0600) only"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_cli_is_consistent_and_every_flag_is_documented() {
        let command = Cli::command();
        command.clone().debug_assert();
        for sub in command.get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "`{}` has no help",
                sub.get_name()
            );
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "`feedctl {} --{}` has no help text",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }

    /// The man pages under `man/` are generated from these definitions and checked in, like
    /// `completions/`; there is no subcommand to print them, so this test rewrites them when
    /// `FEEDCTL_UPDATE_MAN` is set.
    #[test]
    #[allow(clippy::disallowed_methods)] // a switch for the developer, not feedctl's input
    fn checked_in_man_pages_are_fresh() {
        let generated = tempfile::tempdir().unwrap();
        clap_mangen::generate_to(Cli::command(), generated.path()).unwrap();
        let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        if std::env::var_os("FEEDCTL_UPDATE_MAN").is_some() {
            fs::create_dir_all(&man).unwrap();
            for entry in fs::read_dir(&man).unwrap() {
                fs::remove_file(entry.unwrap().path()).unwrap();
            }
            for entry in fs::read_dir(generated.path()).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), man.join(entry.file_name())).unwrap();
            }
        }
        let names = |dir: &Path| {
            let mut names: Vec<_> = fs::read_dir(dir)
                .map(|entries| entries.map(|entry| entry.unwrap().file_name()).collect())
                .unwrap_or_default();
            names.sort();
            names
        };
        let stale = "man/ is stale: run `FEEDCTL_UPDATE_MAN=1 cargo test --bin feedctl checked_in_man_pages_are_fresh`";
        assert_eq!(names(generated.path()), names(&man), "{stale}");
        for name in names(generated.path()) {
            let fresh = fs::read(generated.path().join(&name)).unwrap();
            assert!(fresh == fs::read(man.join(&name)).unwrap(), "{stale}");
        }
    }
}

/// `feedctl pat …`.
#[derive(Debug, Subcommand)]
pub enum PatCommand {
    /// List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).
    ///
    /// Example:
    ///   feedctl pat list --json
    #[command(verbatim_doc_comment)]
    List(PatListArgs),

    /// Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).
    ///
    /// Names them by authorization id as `feedctl pat list` shows it, or a unique start of it
    /// (4 characters or more), and forgets their records. Needs `az` logged in as the user who
    /// minted them.
    ///
    /// Examples:
    ///   feedctl pat revoke 3d3aca0c
    ///   feedctl pat revoke 3d3aca0c-9ad3-4b07-8334-08ec8b1ddc32 4ab5764f --json
    #[command(verbatim_doc_comment)]
    Revoke(PatRevokeArgs),
}

#[derive(Debug, Args)]
pub struct PatRevokeArgs {
    /// The PATs' authorization ids (or unique starts of them), as `feedctl pat list` shows.
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Say which PATs would be revoked, and revoke nothing (no network either).
    #[arg(long)]
    pub dry_run: bool,

    /// Print JSON (shape in docs/json.md): `{"dry_run", "revoked": [ids]}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PatListArgs {
    /// Print JSON (shape in docs/json.md), e.g. `feedctl pat list --json | jq '.pats[].valid_to'`.
    #[arg(long)]
    pub json: bool,
}
