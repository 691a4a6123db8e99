//! Command-line definitions, and nothing else: every doc comment here is `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit;

/// Connect cargo to a private Azure Artifacts feed, safely, in one command.
///
/// feedctl writes the project's `.cargo/config.toml` (registry and crates.io replacement),
/// sets up cargo's credential providers, checks a token against the feed before cargo stores
/// it, prepares CI jobs and explains what is wrong when `cargo build` gets a 401.
#[derive(Debug, Parser)]
#[command(name = "feedctl", version, after_help = exit::TABLE, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

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
    ///   feedctl connect --server-url https://tfs.contoso.com/tfs --collection DefaultCollection --feed crates
    #[command(verbatim_doc_comment)]
    Connect(ConnectArgs),
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

    /// Feed name, e.g. `--feed crates`.
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

    /// Config file to edit, e.g. `--config ../.cargo/config.toml` (default: `.cargo/config.toml`
    /// at the workspace root, or in the current directory outside a workspace).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Only add the registry; leave `[source.crates-io]` alone, so crates.io stays the
    /// default source and the feed is used only by dependencies with `registry = "NAME"`.
    #[arg(long)]
    pub no_replace_crates_io: bool,

    /// Overwrite a registry of the same name with a different index, or a crates.io
    /// replacement that points at another source.
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

    /// Do not log in; print the `feedctl login` command to run later instead.
    #[arg(long)]
    pub no_login: bool,

    /// Store the token without first checking it against the feed.
    #[arg(long)]
    pub no_verify: bool,

    /// Read a personal access token (PAT) from standard input, e.g.
    /// `printf '%s\n' "$PAT" | feedctl connect … --pat-stdin`.
    #[arg(long)]
    pub pat_stdin: bool,
}
