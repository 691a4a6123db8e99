//! GitHub Actions: the job's OIDC token (`permissions: id-token: write`), exchanged at Entra
//! ID for an app or user-assigned managed identity federated with the repository.
//!
//! `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange` with
//! `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN` answers `{"value": "<jwt>"}`;
//! the client and tenant come from `AZURE_CLIENT_ID` / `AZURE_TENANT_ID`.

use anyhow::Result;
use url::Url;

use super::http::{self, Federated};
use super::{AccessToken, Detect, Facts};
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};

/// The audience Entra ID expects in a federated credential's token.
pub const AUDIENCE: &str = "api://AzureADTokenExchange";

#[derive(Debug)]
pub struct Plan {
    request_url: Url,
    request_token: Secret,
    federated: Federated,
}

pub fn detect(facts: &Facts) -> Result<Plan, Detect> {
    let (Some(url), Some(request_token)) = (
        facts.var("ACTIONS_ID_TOKEN_REQUEST_URL"),
        facts.var("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
    ) else {
        let why = if facts.var("GITHUB_ACTIONS") == Some("true") {
            "`ACTIONS_ID_TOKEN_REQUEST_URL` is not set: give the job `permissions: id-token: write`"
        } else {
            "`ACTIONS_ID_TOKEN_REQUEST_URL` is not set (not a GitHub Actions job)"
        };
        return Err(Detect::NotHere(why.to_string()));
    };
    let (Some(client_id), Some(tenant)) =
        (facts.var("AZURE_CLIENT_ID"), facts.var("AZURE_TENANT_ID"))
    else {
        return Err(Detect::NotHere(
            "`AZURE_CLIENT_ID` and `AZURE_TENANT_ID` are not both set: set them in the job's \
             `env:` to the app federated with this repository"
                .to_string(),
        ));
    };
    Ok(Plan {
        request_url: http::endpoint(url, "ACTIONS_ID_TOKEN_REQUEST_URL", false)?,
        request_token: crate::auth::secret::verbatim(request_token.trim()),
        federated: Federated::new(
            facts.var("AZURE_AUTHORITY_HOST"),
            tenant,
            "AZURE_TENANT_ID",
            client_id,
        )?,
    })
}

impl Plan {
    pub fn detail(&self) -> String {
        format!(
            "the job's OIDC token, exchanged for app `{}` in tenant `{}`",
            self.federated.client_id, self.federated.tenant
        )
    }

    pub fn fetch(&self) -> Result<AccessToken> {
        let assertion = self.oidc_token()?;
        self.federated.exchange(
            &assertion,
            "In GitHub the subject is `repo:OWNER/REPO:ref:refs/heads/BRANCH` for a branch, \
             `repo:OWNER/REPO:environment:NAME` for a job with an environment, \
             `repo:OWNER/REPO:pull_request` for pull requests.",
        )
    }

    fn oidc_token(&self) -> Result<Secret> {
        let mut url = self.request_url.clone();
        url.query_pairs_mut().append_pair("audience", AUDIENCE);
        let request = http::client(true)?
            .get(url.clone())
            .header(
                reqwest::header::AUTHORIZATION,
                http::sensitive(&format!(
                    "bearer {}",
                    self.request_token.as_deref().expose()
                ))?,
            )
            .header(reqwest::header::ACCEPT, "application/json");
        let reply = http::send(request, "GitHub's OIDC token endpoint", &url)?;
        let value = (reply.status == 200)
            .then(|| reply.json())
            .flatten()
            .and_then(|j| j.get("value").and_then(|v| v.as_str()).map(str::to_string))
            .filter(|v| !v.trim().is_empty());
        match value {
            Some(value) => Ok(crate::auth::secret::verbatim(value)),
            None => Err(Failure::new(
                Code::Auth,
                format!(
                    "GitHub did not hand out an OIDC token (HTTP {}: {}): the job needs \
                     `permissions: id-token: write`, and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` is \
                     only valid inside the job that received it",
                    reply.status,
                    http::entra_error(&reply).1
                ),
            )
            .into()),
        }
    }
}
