//! GitHub Codespaces with Microsoft's "ADO Codespaces Auth" extension
//! (`ms-codespaces-tools.ado-codespaces-auth`, installed by the `artifacts-helper` dev
//! container feature): `~/ado-auth-helper get-access-token` prints an Azure DevOps access
//! token for the signed-in user on stdout, as the feature's own npm and NuGet shims use it.
//! The expiry is read from the token itself.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use super::{AccessToken, Detect, Facts};
use crate::exit::{Code, Failure};
use crate::util::jwt;

#[derive(Debug)]
pub struct Plan {
    helper: PathBuf,
}

pub fn detect(facts: &Facts) -> Result<Plan, Detect> {
    match &facts.codespaces_helper {
        Some(helper) => Ok(Plan {
            helper: helper.clone(),
        }),
        None if facts.var("CODESPACES") == Some("true") => Err(Detect::NotHere(
            "no `~/ado-auth-helper` in this Codespace: add the dev container feature \
             `ghcr.io/microsoft/codespace-features/artifacts-helper`"
                .to_string(),
        )),
        None => Err(Detect::NotHere(
            "no `~/ado-auth-helper` (not a Codespace with the Azure DevOps auth extension)"
                .to_string(),
        )),
    }
}

impl Plan {
    pub fn detail(&self) -> String {
        format!("`{} get-access-token`", self.helper.display())
    }

    pub fn fetch(&self) -> Result<AccessToken> {
        let output = Command::new(&self.helper)
            .arg("get-access-token")
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("failed to run `{}`", self.helper.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let token = stdout.trim();
        if !output.status.success() || token.is_empty() || token.contains(char::is_whitespace) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no message");
            return Err(Failure::new(
                Code::Auth,
                format!(
                    "`{} get-access-token` gave no token ({}; it said: {said}): open the \
                     Codespace in VS Code (browser or desktop) and sign in to Azure DevOps when \
                     the ADO Codespaces Auth extension asks",
                    self.helper.display(),
                    output.status
                ),
            )
            .into());
        }
        Ok(AccessToken {
            expires_on: jwt::Claims::of(token).and_then(|c| c.exp),
            header: crate::auth::secret::bearer(token),
        })
    }
}
