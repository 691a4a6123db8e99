//! `feedctl save [CRATE[@VERSION]…] [--check|--dry-run]`: the flags become
//! [`crate::ops::save::Options`]; this renders the per-crate outcome (saved, failed, missing;
//! crates already in the feed only with `-v`) and the totals, or one JSON document, and exits
//! with the code the outcome calls for (docs/exit-codes.md).

use anyhow::Result;

use crate::cli::SaveArgs;
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::save::{self, Options, Report, State};
use crate::ui;

pub fn run(args: &SaveArgs, env: &Environment) -> Result<()> {
    let options = Options {
        crates: args.crates.clone(),
        update: args.update,
        check: args.check,
        dry_run: args.dry_run,
        jobs: args.jobs.map(usize::from),
        want: args::want(&args.token),
        progress: !args.json && env.live_progress(),
        protect: args.protect,
    };
    let report = save::run(env, &options)?;
    if args.json {
        ui::json(&report)?;
    } else {
        render(&report)?;
    }
    match report.failure() {
        Some(failure) => Err(failure.into()),
        None => Ok(()),
    }
}

fn render(report: &Report) -> Result<()> {
    let mut out = String::new();
    for c in &report.crates {
        let what = format!("{} {}", c.name, c.version);
        let reason = c.reason.as_deref().unwrap_or_default();
        let fix = c.fix.as_deref().unwrap_or_default();
        match c.state {
            State::Saved => ui::status("Saved", &what),
            State::Failed => ui::error(format!("{what}: {reason}\n  fix: {fix}")),
            State::WouldSave => {
                out.push_str(&format!(
                    "{what}\t{}\n",
                    c.url.as_deref().unwrap_or_default()
                ));
            }
            State::Missing => out.push_str(&format!("missing\t{what}\n")),
            State::InFeed => {
                let when = c
                    .saved_at
                    .as_deref()
                    .unwrap_or("at a time Azure did not give");
                let how = if c.from_upstream == Some(true) {
                    "saved from the upstream"
                } else {
                    "published to the feed"
                };
                let line = format!("in feed\t{what}\t{how}, {when}\n");
                if report.mode == "check" {
                    out.push_str(&line);
                } else {
                    ui::debug(line.trim_end());
                }
            }
        }
    }
    ui::stdout(out)?;
    for warning in &report.warnings {
        ui::warn(warning);
    }
    for c in &report.crates {
        if c.dependency_confusion.as_ref().is_some_and(|e| e.protected) {
            ui::status(
                "Protected",
                format!(
                    "{}: crates.io versions no longer served in its place (`auto`)",
                    c.name
                ),
            );
        }
    }
    let t = &report.totals;
    let source = report
        .lockfile
        .as_deref()
        .map_or("the crates named".to_string(), |p| format!("`{p}`"));
    match report.mode {
        "check" if t.missing == 0 && t.failed == 0 => ui::status(
            "Checked",
            format!(
                "all {} of {source} are in feed `{}`",
                crates(t.crates),
                report.feed
            ),
        ),
        // The error that follows names the missing count and the fix.
        "check" => {}
        "dry-run" => ui::note(format!(
            "dry run: {} of {} would be downloaded into feed `{}` ({} already there); \
             nothing was downloaded",
            t.would_save,
            crates(t.crates),
            report.feed,
            t.in_feed
        )),
        _ => ui::status(
            "Finished",
            format!(
                "{} of {source}: {} already in feed `{}`, {} saved now, {} failed",
                crates(t.crates),
                t.in_feed,
                report.feed,
                t.saved,
                t.failed
            ),
        ),
    }
    Ok(())
}

fn crates(n: usize) -> String {
    format!("{n} crate{}", if n == 1 { "" } else { "s" })
}
