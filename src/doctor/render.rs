//! The report for people (one line per check, its fix below) and for scripts (`--json`,
//! whose shape is documented in the README and never changes).

use anyhow::Result;
use serde::Serialize;

use super::report::{CheckId, Level, Report};
use crate::ui;

/// The JSON shape of a check: data only, no Markdown.
#[derive(Serialize)]
struct JsonCheck<'a> {
    id: CheckId,
    registry: Option<&'a str>,
    status: Level,
    message: String,
    fix: Option<String>,
}

pub fn print(report: &Report, json: bool) -> Result<()> {
    if json {
        ui::json(&to_json(report))?;
    } else {
        ui::stdout(text(report))?;
    }
    Ok(())
}

fn to_json(report: &Report) -> serde_json::Value {
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
    serde_json::json!({
        "ok": report.count(Level::Fail) == 0,
        "failed": report.count(Level::Fail),
        "warnings": report.count(Level::Warn),
        "checks": checks,
    })
}

fn text(report: &Report) -> String {
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
    out
}

/// Text for JSON: the Markdown backticks of the human report removed.
fn plain(text: &str) -> String {
    text.replace('`', "")
}
