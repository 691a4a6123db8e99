//! The report for people (one line per check, its fix below) and for scripts (`--json`,
//! whose shape is documented in `docs/json.md` and never changes).

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

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut report = Report::default();
        report.ok(CheckId::CargoVersion, "cargo 1.95.0");
        let mut own = Report::for_registry("crates");
        own.warn(
            CheckId::TokenShadowed,
            "`/h/credentials.toml` still holds a token",
            "remove the `[registries.crates]` table",
        );
        own.fail(
            CheckId::TokenPresent,
            "no token for `crates`",
            "feedctl login --name crates",
        );
        report.append(own);
        report
    }

    #[test]
    fn text_labels_each_check_and_puts_its_fix_below() {
        assert_eq!(
            text(&report()),
            "ok    cargo: cargo 1.95.0\n\
             warn  token `crates`: `/h/credentials.toml` still holds a token\n      \
             fix: remove the `[registries.crates]` table\n\
             FAIL  token `crates`: no token for `crates`\n      \
             fix: feedctl login --name crates\n"
        );
    }

    #[test]
    fn json_counts_and_drops_the_backticks() {
        let value = to_json(&report());
        assert_eq!(value["ok"], false);
        assert_eq!(value["failed"], 1);
        assert_eq!(value["warnings"], 1);
        assert_eq!(
            value["checks"][1],
            serde_json::json!({
                "id": "token.shadowed",
                "registry": "crates",
                "status": "warn",
                "message": "/h/credentials.toml still holds a token",
                "fix": "remove the [registries.crates] table",
            })
        );
        assert_eq!(
            value["checks"][0],
            serde_json::json!({
                "id": "cargo.version",
                "registry": null,
                "status": "ok",
                "message": "cargo 1.95.0",
                "fix": null,
            })
        );
    }
}
