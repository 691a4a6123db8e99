//! The downloads that make Azure save crates: each missing version fetched once through the
//! feed's download URL, `jobs` at a time, with `Retry-After` honoured on 429/503. What a
//! refusal means is read per crate: Azure's `401 No local versions of package …` (or any
//! 401/403 once the token may write) is a Reader role; a 404 is explained from the index
//! (unknown on crates.io, or yanked). After a role refusal the rest is not tried: every
//! download would be refused alike.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::index::{self, Config};
use super::{CrateReport, State, Target, report};
use crate::azure::rest::feeds;
use crate::azure::rest::session::Session;
use crate::exit::Code;
use crate::ui;

/// Tries per crate when Azure says to come back later.
const TRIES: u32 = 4;
/// The longest wait a `Retry-After` is followed for.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

const READER_FIX: &str = "Reader: ask a feed Owner for Collaborator (Feed and Upstream \
                          Reader) in Feed settings › Permissions, or run `feedctl save` as \
                          someone who has it";
const SCOPE_FIX: &str = "token needs Packaging Read & write: create a PAT with Packaging > \
                         Read & write and pass it with `--pat-env VAR` or `--pat-stdin`";

/// Downloads each of `missing` and reports what became of it.
pub fn save_all(
    session: &Session,
    config: &Config,
    index: &str,
    feed: &str,
    missing: &[Target],
    jobs: usize,
    progress: bool,
) -> Vec<CrateReport> {
    // A token that may not write is refused for every crate alike: one harmless request
    // tells before any download.
    if let Err(err) = feeds::write_check(&session.client, &session.endpoints, feed)
        && err.is_permission()
    {
        return missing
            .iter()
            .map(|t| {
                report(
                    t,
                    State::Failed,
                    Some(Code::Auth),
                    "the token may only read: Azure saves a crate from crates.io only for a \
                     token with Packaging > Read & write"
                        .into(),
                    SCOPE_FIX.into(),
                )
            })
            .collect();
    }
    let bar = ui::Progress::new(missing.len(), progress);
    let next = AtomicUsize::new(0);
    let refused = AtomicBool::new(false);
    let results: Mutex<Vec<Option<CrateReport>>> = Mutex::new(vec![None; missing.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, missing.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(target) = missing.get(i) else { break };
                    let outcome = if refused.load(Ordering::Relaxed) {
                        reader(target, "not tried: the feed refused this identity already")
                    } else {
                        save_one(session, config, index, target, &refused)
                    };
                    bar.tick("Saving", &format!("{} {}", target.name, target.version));
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

fn reader(target: &Target, why: &str) -> CrateReport {
    report(
        target,
        State::Failed,
        Some(Code::Auth),
        why.to_string(),
        READER_FIX.into(),
    )
}

fn save_one(
    session: &Session,
    config: &Config,
    index: &str,
    target: &Target,
    refused: &AtomicBool,
) -> CrateReport {
    let url = config.download_url(&target.name, &target.version);
    let failed = |code, why: String, fix: &str| {
        report(target, State::Failed, Some(code), why, fix.to_string())
    };
    for attempt in 1..=TRIES {
        let raw = match session.client.get_raw(&url, false) {
            Ok(raw) => raw,
            Err(why) => {
                return failed(
                    Code::Unreachable,
                    format!("no answer from the feed: {why}"),
                    "check the network (cargo's [http] proxy and cainfo apply), then run \
                     `feedctl save` again",
                );
            }
        };
        match raw.status {
            200..=299 => {
                let mut saved = report(target, State::Saved, None, String::new(), String::new());
                (saved.reason, saved.fix) = (None, None);
                return saved;
            }
            401 | 403 => {
                refused.store(true, Ordering::Relaxed);
                let body = String::from_utf8_lossy(&raw.body);
                let why = if body.contains("No local versions") {
                    format!(
                        "Azure refused to save it from crates.io: \"{}\" (a Reader may only \
                         fetch crates already in the feed)",
                        body.trim()
                    )
                } else {
                    format!("Azure refused the download (HTTP {})", raw.status)
                };
                return reader(target, &why);
            }
            404 | 410 => {
                return failed(
                    Code::Missing,
                    index::explain_missing(session, index, &target.name, &target.version),
                    "update the lockfile (`cargo update -p NAME`) to a version crates.io has",
                );
            }
            429 | 503 if attempt < TRIES => {
                let wait = raw
                    .retry_after
                    .unwrap_or(Duration::from_secs(1 << attempt))
                    .min(LONGEST_WAIT);
                ui::debug(format!(
                    "HTTP {} for {} {}: waiting {}s as Azure asks",
                    raw.status,
                    target.name,
                    target.version,
                    wait.as_secs()
                ));
                std::thread::sleep(wait);
            }
            429 => {
                return failed(
                    Code::Unreachable,
                    format!("rate-limited by Azure (HTTP 429, {TRIES} tries)"),
                    "run `feedctl save` again later, or with fewer parallel downloads (`-j 2`)",
                );
            }
            status => {
                return failed(
                    Code::Unreachable,
                    format!("the feed answered HTTP {status}"),
                    "run `feedctl save` again; `feedctl doctor` checks the feed",
                );
            }
        }
    }
    failed(
        Code::Unreachable,
        "the feed kept answering \"try later\"".into(),
        "run `feedctl save` again later",
    )
}
