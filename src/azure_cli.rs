//! Entra ID access tokens from the Azure CLI (`az account get-access-token`).
//!
//! `az` is found on `PATH` by feedctl itself, also as `az.cmd` on Windows (where it is a batch
//! file that `Command::new("az")` would not find). Its failures become messages that say what
//! to run: `az login`, or `az login --tenant …` when the token is for another tenant.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::token::{self, Secret};
use crate::ui;

/// The application ID of Azure DevOps, the resource its access tokens are issued for.
pub const AZURE_DEVOPS_RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// A token ready for the `Authorization` header, and when it stops working.
#[derive(Debug)]
pub struct AccessToken {
    pub header: Secret,
    /// Seconds since the Unix epoch, when `az` says.
    pub expires_on: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzOutput {
    access_token: String,
    /// Newer CLIs add the POSIX timestamp; older ones only give local time as text.
    #[serde(rename = "expires_on")]
    expires_on: Option<i64>,
}

/// Runs `az account get-access-token` for Azure DevOps.
pub fn access_token(env: &Environment) -> Result<AccessToken> {
    let az = find(env).ok_or_else(|| {
        Failure::new(
            Code::Auth,
            "the Azure CLI (`az`) is not on PATH: install it (https://aka.ms/azure-cli), run \
             `az login`, and try again — or use a personal access token instead",
        )
    })?;
    ui::debug(format!(
        "running `{} account get-access-token --resource {AZURE_DEVOPS_RESOURCE} --output json`",
        az.display()
    ));
    let output = Command::new(&az)
        .args([
            "account",
            "get-access-token",
            "--resource",
            AZURE_DEVOPS_RESOURCE,
        ])
        .args(["--output", "json"])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("failed to run `{}`", az.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(explain_failure(&stderr).into());
    }
    let parsed: AzOutput = serde_json::from_slice(&output.stdout).map_err(|e| {
        Failure::new(
            Code::Auth,
            format!("`az account get-access-token` printed something that is not its usual JSON ({e}); update the Azure CLI"),
        )
    })?;
    Ok(AccessToken {
        header: token::bearer(&parsed.access_token),
        expires_on: parsed.expires_on,
    })
}

/// Turns `az`'s complaint into a message that says what to do.
pub fn explain_failure(stderr: &str) -> Failure {
    let lower = stderr.to_ascii_lowercase();
    let first_line = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(no message)");
    let message = if lower.contains("tenant") || lower.contains("aadsts") {
        format!(
            "the Azure CLI has no valid login for the tenant that owns this organization: run \
             `az login --tenant <TENANT-ID>` (the organization's Microsoft Entra tenant). az said: \
             {first_line}"
        )
    } else if lower.contains("az login")
        || lower.contains("not logged in")
        || lower.contains("expired")
    {
        format!(
            "the Azure CLI is not logged in (or its login expired): run `az login`. az said: {first_line}"
        )
    } else {
        format!("`az account get-access-token` failed: {first_line}")
    };
    Failure::new(Code::Auth, message)
}

/// `az` on PATH; on Windows also `az.cmd`, which is what the installer provides.
pub fn find(env: &Environment) -> Option<PathBuf> {
    let path = env.var("PATH").map(OsString::from)?;
    let names: &[&str] = if cfg!(windows) {
        &["az.cmd", "az.exe", "az.bat"]
    } else {
        &["az"]
    };
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_the_fix() {
        let cases = [
            (
                "ERROR: Please run 'az login' to setup account.",
                "run `az login`",
            ),
            ("ERROR: AADSTS50076: ... tenant 'abc'", "az login --tenant"),
            ("ERROR: The refresh token has expired", "run `az login`"),
            ("ERROR: something else", "failed: ERROR: something else"),
        ];
        for (stderr, expected) in cases {
            let message = explain_failure(stderr).message;
            assert!(message.contains(expected), "{stderr}: {message}");
        }
    }
}
