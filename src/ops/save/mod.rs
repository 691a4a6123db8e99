//! `feedctl save`: have the project's Azure feed save every crates.io crate `Cargo.lock` pins
//! (or the crates named), so that Reader identities — CI, contributors — can build. Which
//! versions the feed already holds comes from the Packages API in a few paged listing
//! requests; each missing one is downloaded once through the feed's download URL with a
//! credential that may save, which is what makes Azure save it from the upstream
//! ([`download`]). `--check` and `--dry-run` download nothing. Nothing is written to the
//! project. Crates of the feed's own registry are checked to exist, and for dependency
//! confusion ([`confusion`]).

mod confusion;
mod download;
mod index;

use std::collections::HashMap;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::azure::feed::Feed;
use crate::azure::probe::config_json_url;
use crate::azure::rest::credential::Want;
use crate::azure::rest::feeds::{self, PackageVersion};
use crate::azure::rest::session::{Session, Upstream};
use crate::cargo::config::effective::Settings;
use crate::cargo::lockfile::{self, Locked};
use crate::environment::Environment;
use crate::exit::{Code, Failure};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `CRATE[@VERSION]`s; empty means the lockfile.
    pub crates: Vec<String>,
    pub update: bool,
    pub check: bool,
    pub dry_run: bool,
    /// Parallel downloads; `None` is the machine's available parallelism, as cargo's jobs.
    pub jobs: Option<usize>,
    pub want: Want,
    /// Draw a progress bar (a terminal, not CI, not `--json`).
    pub progress: bool,
    /// Set the upstream setting of private crates to `auto` where it allows crates.io.
    pub protect: bool,
}

/// Where a crate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    CratesIo,
    /// Published to the feed's own registry.
    Feed,
}

/// What became of one crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    InFeed,
    Saved,
    /// Not in the feed (`--check`).
    Missing,
    /// Would be downloaded (`--dry-run`).
    WouldSave,
    Failed,
}

/// One crate's record.
#[derive(Debug, Clone, Serialize)]
pub struct CrateReport {
    pub name: String,
    pub version: String,
    pub origin: Origin,
    pub state: State,
    /// Why it failed or is missing.
    pub reason: Option<String>,
    /// What to do about it.
    pub fix: Option<String>,
    /// When the version came into the feed (Azure's `publishDate`).
    pub saved_at: Option<String>,
    /// Whether it was saved from an upstream (Azure's `directUpstreamSourceId`).
    pub from_upstream: Option<bool>,
    /// The download URL (`--dry-run`; never with a token).
    pub url: Option<String>,
    /// For a crate of the feed's own registry: its upstream setting and whether crates.io
    /// has the name.
    pub dependency_confusion: Option<confusion::Exposure>,
    #[serde(skip)]
    pub code: Option<Code>,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub crates: usize,
    pub in_feed: usize,
    pub saved: usize,
    pub missing: usize,
    pub would_save: usize,
    pub failed: usize,
}

/// `save`'s answer; the JSON shape is documented in docs/json.md.
#[derive(Debug, Serialize)]
pub struct Report {
    pub feed: String,
    pub index_url: String,
    /// The lockfile read (absent when crates were named).
    pub lockfile: Option<String>,
    /// `save`, `check` or `dry-run`.
    pub mode: &'static str,
    pub crates: Vec<CrateReport>,
    pub totals: Totals,
    /// Dependency-confusion warnings, each with its fix.
    pub warnings: Vec<String>,
    pub token_from: String,
}

impl Report {
    /// The exit code the outcome calls for: 0 when nothing is missing or failed.
    pub fn failure(&self) -> Option<Failure> {
        let t = &self.totals;
        if t.failed == 0 && t.missing == 0 {
            return None;
        }
        let codes: Vec<Code> = self.crates.iter().filter_map(|c| c.code).collect();
        let code = if codes.contains(&Code::Auth) {
            Code::Auth
        } else if !codes.is_empty() && codes.iter().all(|c| *c == Code::Unreachable) {
            Code::Unreachable
        } else {
            Code::Missing
        };
        let message = if t.failed > 0 {
            format!("{} of {} crates could not be saved", t.failed, t.crates)
        } else {
            format!(
                "{} of {} crates are missing from feed `{}`; `feedctl save` saves them (as a \
                 feed Collaborator, with a Packaging > Read & write token)",
                t.missing, t.crates, self.feed
            )
        };
        Some(Failure::new(code, message))
    }
}

/// One crate to look at.
#[derive(Debug, Clone)]
struct Target {
    name: String,
    version: String,
    origin: Origin,
}

pub fn run(env: &Environment, options: &Options) -> Result<Report> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(None)?;
    let feed = Feed::parse_url(&registry.index)?;
    let session = Session::open(
        env,
        Some(&settings),
        &feed.host,
        feed.project.as_deref(),
        Some(&feed.name),
        &options.want,
    )?;
    session.require_token("feedctl save")?;
    let (targets, lockfile) = if options.crates.is_empty() {
        let path = lockfile::path(env)?;
        if options.update {
            lockfile::generate(env)?;
        }
        let locked = lockfile::read(&path)?;
        check_replaced(&settings, &registry.name, &locked)?;
        (from_lockfile(&locked, &registry.index), Some(path))
    } else {
        (named(&session, &registry.index, &options.crates)?, None)
    };
    let e = &session.endpoints;
    let info = feeds::get_feed(&session.client, e, &feed.name).map_err(Failure::from)?;
    let held = feeds::list_packages(&session.client, e, &info.name, None)
        .map_err(Failure::from)?
        .into_iter()
        .map(|p| (p.name.to_ascii_lowercase(), p.versions))
        .collect::<HashMap<_, _>>();
    let mode = match (options.check, options.dry_run) {
        (true, _) => "check",
        (false, true) => "dry-run",
        _ => "save",
    };
    let mut crates = Vec::with_capacity(targets.len());
    let mut missing = Vec::new();
    for target in targets {
        let found = held
            .get(&target.name.to_ascii_lowercase())
            .and_then(|versions| versions.iter().find(|v| v.is(&target.version)));
        match (found, target.origin) {
            (Some(v), _) => crates.push(in_feed(&target, v)),
            (None, Origin::Feed) => crates.push(report(
                &target,
                State::Failed,
                Some(Code::Missing),
                format!("published to `{}` but not in the feed", registry.name),
                format!(
                    "publish it (`cargo publish --registry {}`) or update the lockfile",
                    registry.name
                ),
            )),
            (None, Origin::CratesIo) => missing.push(target),
        }
    }
    if mode == "check" {
        crates.extend(missing.iter().map(|t| {
            report(
                t,
                State::Missing,
                Some(Code::Missing),
                "not in the feed yet".into(),
                "feedctl save".into(),
            )
        }));
    } else if !missing.is_empty() {
        let upstream = Upstream::of(&info);
        if upstream != Upstream::Ok {
            let reasons = info.crates_io().and_then(|u| u.reasons());
            let why = match reasons {
                Some(r) => format!(
                    "the feed's crates.io upstream is {} ({r})",
                    upstream.describe()
                ),
                None => format!("the feed's crates.io upstream is {}", upstream.describe()),
            };
            let fix = format!(
                "a feed Owner turns it on: `feedctl feed create {} …` (on an existing feed it \
                 adds the crates.io upstream), or Feed settings › Upstream sources",
                info.name
            );
            crates.extend(missing.iter().map(|t| {
                report(
                    t,
                    State::Failed,
                    Some(Code::Missing),
                    why.clone(),
                    fix.clone(),
                )
            }));
        } else {
            let config = index::config(&session, &config_json_url(&registry.index))?;
            if mode == "dry-run" {
                crates.extend(missing.iter().map(|t| {
                    let mut r = report(t, State::WouldSave, None, String::new(), String::new());
                    (r.reason, r.fix) = (None, None);
                    r.url = Some(config.download_url(&t.name, &t.version));
                    r
                }));
            } else {
                let jobs = options
                    .jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
                crates.extend(download::save_all(
                    &session,
                    &config,
                    &registry.index,
                    &info.name,
                    &missing,
                    jobs,
                    options.progress,
                ));
            }
        }
    }
    let http = settings.http();
    let mut warnings = Vec::new();
    for c in crates.iter_mut().filter(|c| c.origin == Origin::Feed) {
        let exposure = confusion::inspect(&session, &http, &info.name, &c.name, options.protect);
        warnings.extend(exposure.warnings.iter().cloned());
        c.dependency_confusion = Some(exposure);
    }
    crates.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let totals = Totals {
        crates: crates.len(),
        in_feed: count(&crates, State::InFeed),
        saved: count(&crates, State::Saved),
        missing: count(&crates, State::Missing),
        would_save: count(&crates, State::WouldSave),
        failed: count(&crates, State::Failed),
    };
    Ok(Report {
        feed: feed.to_string(),
        index_url: registry.index.clone(),
        lockfile: lockfile.map(|p| p.display().to_string()),
        mode,
        crates,
        totals,
        warnings,
        token_from: session.token_from.clone(),
    })
}

fn count(crates: &[CrateReport], state: State) -> usize {
    crates.iter().filter(|c| c.state == state).count()
}

fn in_feed(target: &Target, v: &PackageVersion) -> CrateReport {
    let mut r = report(target, State::InFeed, None, String::new(), String::new());
    (r.reason, r.fix) = (None, None);
    r.saved_at = v.publish_date.clone();
    r.from_upstream = Some(v.direct_upstream_source_id.is_some());
    r
}

fn report(
    t: &Target,
    state: State,
    code: Option<Code>,
    reason: String,
    fix: String,
) -> CrateReport {
    CrateReport {
        name: t.name.clone(),
        version: t.version.clone(),
        origin: t.origin,
        state,
        reason: Some(reason),
        fix: Some(fix),
        saved_at: None,
        from_upstream: None,
        url: None,
        dependency_confusion: None,
        code,
    }
}

/// The lockfile's crates.io packages and those of the feed's own registry.
fn from_lockfile(locked: &[Locked], index: &str) -> Vec<Target> {
    locked
        .iter()
        .filter_map(|p| {
            let origin = if p.is_crates_io() {
                Origin::CratesIo
            } else if p.is_from(index) {
                Origin::Feed
            } else {
                return None;
            };
            Some(Target {
                name: p.name.clone(),
                version: p.version.clone(),
                origin,
            })
        })
        .collect()
}

/// crates.io crates reach the feed only when cargo's crates.io is replaced by it.
fn check_replaced(settings: &Settings, registry: &str, locked: &[Locked]) -> Result<()> {
    if !locked.iter().any(Locked::is_crates_io) {
        return Ok(());
    }
    match settings.replace_with() {
        Some((name, _)) if name == registry => Ok(()),
        Some((name, file)) => bail!(Failure::new(
            Code::Usage,
            format!(
                "crates.io is replaced by `{name}` (in `{}`), not by the feed's registry \
                 `{registry}`: cargo does not fetch this project's crates.io crates through the \
                 feed, so saving them there would not help it; `feedctl connect --force` \
                 replaces crates.io with the feed",
                file.display()
            )
        )),
        None => bail!(Failure::new(
            Code::Usage,
            format!(
                "crates.io is not replaced by the feed's registry `{registry}` here: cargo fetches \
                 crates.io crates directly, so the feed is not what this project builds from; \
                 `feedctl connect` (without `--no-replace-crates-io`) replaces it, or name \
                 crates: `feedctl save CRATE[@VERSION]…`"
            )
        )),
    }
}

/// `CRATE[@VERSION]`s, the newest version from the feed's index when none is given.
fn named(session: &Session, index: &str, crates: &[String]) -> Result<Vec<Target>> {
    crates
        .iter()
        .map(|spec| {
            let (name, version) = match spec.split_once('@') {
                Some((n, v)) => (n, Some(v)),
                None => (spec.as_str(), None),
            };
            if name.is_empty() || version.is_some_and(str::is_empty) {
                bail!(Failure::new(
                    Code::Usage,
                    format!("`{spec}` is not CRATE or CRATE@VERSION (e.g. `serde@1.0.219`)")
                ));
            }
            let version = match version {
                Some(v) => v.to_string(),
                None => index::newest(session, index, name)?,
            };
            Ok(Target {
                name: name.to_string(),
                version,
                origin: Origin::CratesIo,
            })
        })
        .collect()
}
