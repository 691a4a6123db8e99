//! `feedctl feed create|list|show`: the feed as an Azure DevOps object. The flags become the
//! options of [`crate::ops::feed`] (in [`args`]), and this renders what it found or did;
//! `create --connect` then runs `connect`'s use case for the same feed.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{FeedCommand, FeedCreateArgs, FeedListArgs, FeedShowArgs};
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::connect;
use crate::ops::feed::create::{self, Action};
use crate::ops::feed::{self, FeedSummary, Upstream};
use crate::ui;

pub fn run(command: &FeedCommand, env: &Environment) -> Result<()> {
    match command {
        FeedCommand::Create(args) => run_create(args, env),
        FeedCommand::List(args) => run_list(args, env),
        FeedCommand::Show(args) => run_show(args, env),
    }
}

/// `feed create --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct CreateReport<'a> {
    feed: String,
    name: &'a str,
    project: Option<&'a str>,
    scope: &'static str,
    index_url: String,
    action: Action,
    /// The request a dry run would send: `{method, url, body}`.
    request: Option<&'a crate::azure::rest::client::Request>,
    crates_io_upstream: Option<Upstream>,
    upstream_status_details: &'a [String],
    role: Option<feed::KnownRole>,
    next: &'a str,
    connected: Option<bool>,
}

fn run_create(args: &FeedCreateArgs, env: &Environment) -> Result<()> {
    // `--pat-stdin` feeds two steps with `--connect`: read the line once, give it to both.
    let replayed;
    let env = if args.connect && args.token.token.pat_stdin {
        replayed = env.replaying_stdin_line()?;
        &replayed
    } else {
        env
    };
    let outcome = create::run(&args::feed_create(args), env)?;
    let connected = if args.connect {
        let options = args::connect_to(&outcome.feed, &args.token);
        Some(connect::run(&options, env)?)
    } else {
        None
    };
    let f = &outcome.feed;
    if args.json {
        return ui::json(&CreateReport {
            feed: f.to_string(),
            name: &f.name,
            project: f.project.as_deref(),
            scope: f.scope(),
            index_url: f.index_url(),
            action: outcome.action,
            request: outcome.request.as_ref(),
            crates_io_upstream: outcome.upstream,
            upstream_status_details: &outcome.reasons,
            role: outcome.role,
            next: &outcome.connect,
            connected: connected.as_ref().map(connect::Outcome::ready),
        });
    }
    if let Some(request) = &outcome.request {
        ui::stdout(format!("{}\n", request.show()))?;
        ui::note(
            "dry run: nothing was sent. Without `--dry-run` feedctl first reads the feed; if it \
             already exists, it makes sure of the crates.io upstream instead of creating it",
        );
        return Ok(());
    }
    if let Some(from) = &outcome.token_from {
        ui::debug(format!("token: {from}"));
    }
    let upstream = match outcome.upstream {
        Some(Upstream::Ok) => ", crates.io upstream on",
        Some(Upstream::Failing) => ", crates.io upstream on but failing",
        Some(_) => ", no crates.io upstream",
        None => "",
    };
    match outcome.action {
        Action::Created => ui::status(
            "Created",
            format!("feed `{f}` ({} scope){upstream}", f.scope()),
        ),
        Action::UpstreamAdded => ui::status(
            "Updated",
            format!("feed `{f}`: crates.io upstream added and on"),
        ),
        _ => ui::status("Unchanged", format!("feed `{f}` already exists{upstream}")),
    }
    if !outcome.reasons.is_empty() {
        ui::warn(format!(
            "Azure reports the crates.io upstream failing: {}",
            outcome.reasons.join("; ")
        ));
    }
    if let Some(role) = outcome.role {
        ui::note(format!("your role on the feed: {}", role.describe()));
    }
    match connected {
        Some(done) if done.ready() => ui::status(
            "Ready",
            format!("`cargo build` will fetch crates from `{f}`"),
        ),
        Some(done) => ui::status(
            "Connected",
            format!(
                "registry `{}`; `feedctl doctor` says what is still missing",
                done.plan.edit.registry
            ),
        ),
        None => ui::note(format!("next: {}", outcome.connect)),
    }
    Ok(())
}

fn run_list(args: &FeedListArgs, env: &Environment) -> Result<()> {
    let listing = feed::list(env, &args::place(&args.place), &args::want(&args.token))?;
    if args.json {
        return ui::json(&listing);
    }
    let project = listing
        .project
        .as_deref()
        .map(|p| format!(", project `{p}`"))
        .unwrap_or_default();
    let who = listing
        .identity
        .as_deref()
        .unwrap_or("an identity Azure did not name");
    ui::note(format!("as {who} ({})", listing.token_from));
    if listing.feeds.is_empty() {
        ui::note(format!(
            "no feed you can read in `{}`{project}; `feedctl feed create NAME` creates one",
            listing.organization
        ));
        return Ok(());
    }
    let mut out = String::new();
    for f in &listing.feeds {
        out.push_str(&summary(f));
    }
    ui::stdout(out)?;
    Ok(())
}

fn summary(f: &FeedSummary) -> String {
    let mut upstream = f.crates_io_upstream.describe().to_string();
    if !f.upstream_status_details.is_empty() {
        upstream = format!("{upstream} ({})", f.upstream_status_details.join("; "));
    }
    let project = f
        .project
        .as_deref()
        .map(|p| format!("{p}/"))
        .unwrap_or_default();
    format!(
        "{project}{}\n  scope: {}\n  crates.io upstream: {upstream}\n  your role: {}\n  index: {}\n",
        f.name,
        f.scope,
        f.role.describe(),
        f.index_url
    )
}

fn run_show(args: &FeedShowArgs, env: &Environment) -> Result<()> {
    let shown = feed::show(
        env,
        args.feed.as_deref(),
        &args::place(&args.place),
        &args::want(&args.token),
    )?;
    if args.json {
        return ui::json(&shown);
    }
    let mut out = summary(&shown.feed);
    for u in &shown.upstreams {
        out.push_str(&format!(
            "  upstream: {} ({}, {}) {}\n",
            u.name.as_deref().unwrap_or("?"),
            u.protocol.as_deref().unwrap_or("?"),
            u.location.as_deref().unwrap_or("?"),
            u.status.as_deref().unwrap_or("")
        ));
    }
    let write = match shown.token_may_write {
        Some(true) => "yes",
        Some(false) => "no: saving crates from crates.io needs Packaging > Read & write",
        None => "unknown",
    };
    out.push_str(&format!("  token may write: {write}\n"));
    if let Some(crates) = &shown.crates {
        let list: Vec<String> = crates
            .iter()
            .map(|c| {
                let from = if c.from_upstream {
                    " (saved from upstream)"
                } else {
                    ""
                };
                format!("{} {}{from}", c.name, c.version)
            })
            .collect();
        let list = if list.is_empty() {
            "none yet".to_string()
        } else {
            list.join(", ")
        };
        out.push_str(&format!("  crates in the feed: {list}\n"));
    }
    out.push_str(&format!(
        "  identity: {} ({})\n",
        shown.identity.as_deref().unwrap_or("not named by Azure"),
        shown.token_from
    ));
    ui::stdout(out)?;
    Ok(())
}
