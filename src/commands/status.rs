//! `feedctl status`: print what [`crate::ops::status`] finds configured for the current
//! directory, as text or JSON, without printing a token or making a request.

use anyhow::Result;

use crate::cli::StatusArgs;
use crate::environment::Environment;
use crate::ops::status::{self, Status};
use crate::ui;

pub fn run(args: &StatusArgs, env: &Environment) -> Result<()> {
    let status = status::status(env)?;
    if args.json {
        ui::json(&status)?;
    } else {
        ui::stdout(human(&status))?;
    }
    Ok(())
}

fn human(status: &Status) -> String {
    let mut out = String::new();
    if status.registries.is_empty() {
        out += "No Azure Artifacts registry is configured for this directory (run `feedctl connect`).\n";
    }
    for r in &status.registries {
        out += &format!(
            "registry `{}` ({}-scoped feed {})\n",
            r.name, r.scope, r.feed
        );
        out += &format!("  index:       {}\n", r.index_url);
        out += &format!("  defined in:  {}\n", r.defined_in);
        out += &format!("  token:       {}\n", r.token_text);
        if let Some(expiry) = &r.expiry_text {
            out += &format!("  expiry:      {expiry}\n");
        }
        out += &format!("  env var:     {}\n", r.token_env_var);
        if let Some(from) = &r.credential_provider_from {
            out += &format!(
                "  providers:   [{}] (this registry's own, from {from})\n",
                r.credential_providers.join(", ")
            );
        }
        if let Some(store) = &r.stores_with {
            out += &format!("  login saves: {store}\n");
        }
    }
    out += &match (
        &status.crates_io_replaced_with,
        &status.crates_io_replaced_in,
    ) {
        (Some(name), Some(file)) => format!("crates.io:     replaced with `{name}` (in {file})\n"),
        _ => "crates.io:     not replaced\n".to_string(),
    };
    if status.credential_providers_configured {
        let list = &status.credential_providers;
        let first = list.last().map(String::as_str).unwrap_or("-");
        out += &format!(
            "providers:     [{}] — cargo asks `{first}` first (later entries take precedence; from {})\n",
            list.join(", "),
            status.credential_providers_from.join(", ")
        );
    } else {
        out += "providers:     none configured (run `feedctl providers`)\n";
    }
    let http = &status.http;
    if let Some(cainfo) = &http.cainfo {
        out += &format!("http.cainfo:   {cainfo}\n");
    }
    if let Some(proxy) = &http.proxy {
        out += &format!("http.proxy:    {proxy}\n");
    }
    if let Some(timeout) = http.timeout {
        out += &format!("http.timeout:  {timeout} s\n");
    }
    if let Some(check) = http.check_revoke {
        out += &format!("http.check-revoke: {check}\n");
    }
    out
}
