//! Azure Pipelines: an Azure Resource Manager service connection with workload identity
//! federation. The job asks its organization for an OIDC token for that connection and
//! exchanges it at Entra ID for the connection's app.
//!
//! `POST $SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=<id>` with
//! `Authorization: Bearer $SYSTEM_ACCESSTOKEN` answers `{"oidcToken": "<jwt>"}`. The ids come
//! from the variables Azure's own SDKs read (`AZURESUBSCRIPTION_SERVICE_CONNECTION_ID`,
//! `AZURESUBSCRIPTION_CLIENT_ID`, `AZURESUBSCRIPTION_TENANT_ID`), the latter two falling back
//! to `AZURE_CLIENT_ID` / `AZURE_TENANT_ID`.

use anyhow::Result;
use url::Url;

use super::http::{self, Federated};
use super::{AccessToken, Detect, Facts};
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};

pub const CONNECTION_VAR: &str = "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID";

#[derive(Debug)]
pub struct Plan {
    request_url: Url,
    connection: String,
    system_token: Secret,
    federated: Federated,
}

pub fn detect(facts: &Facts) -> Result<Plan, Detect> {
    let Some(url) = facts.var("SYSTEM_OIDCREQUESTURI") else {
        return Err(Detect::NotHere(
            "`SYSTEM_OIDCREQUESTURI` is not set (not an Azure Pipelines job)".to_string(),
        ));
    };
    let Some(connection) = facts.var(CONNECTION_VAR) else {
        return Err(Detect::NotHere(format!(
            "`{CONNECTION_VAR}` is not set: map the service connection's id into the step's `env:`"
        )));
    };
    let Some(system_token) = facts.var("SYSTEM_ACCESSTOKEN") else {
        return Err(Detect::NotHere(
            "`SYSTEM_ACCESSTOKEN` is not set: map it into the step (`SYSTEM_ACCESSTOKEN: \
             $(System.AccessToken)`)"
                .to_string(),
        ));
    };
    let client_id = facts
        .var("AZURESUBSCRIPTION_CLIENT_ID")
        .or_else(|| facts.var("AZURE_CLIENT_ID"));
    let tenant = facts
        .var("AZURESUBSCRIPTION_TENANT_ID")
        .or_else(|| facts.var("AZURE_TENANT_ID"));
    let (Some(client_id), Some(tenant)) = (client_id, tenant) else {
        return Err(Detect::NotHere(
            "`AZURESUBSCRIPTION_CLIENT_ID` and `AZURESUBSCRIPTION_TENANT_ID` are not both set: \
             map the service connection's app (client) id and tenant id into the step's `env:`"
                .to_string(),
        ));
    };
    Ok(Plan {
        request_url: http::endpoint(url, "SYSTEM_OIDCREQUESTURI", false)?,
        connection: connection.trim().to_string(),
        system_token: crate::auth::secret::verbatim(system_token.trim()),
        federated: Federated::new(
            facts.var("AZURE_AUTHORITY_HOST"),
            tenant,
            "AZURESUBSCRIPTION_TENANT_ID",
            client_id,
        )?,
    })
}

impl Plan {
    pub fn detail(&self) -> String {
        format!(
            "the OIDC token of service connection `{}`, exchanged for app `{}` in tenant `{}`",
            self.connection, self.federated.client_id, self.federated.tenant
        )
    }

    pub fn fetch(&self) -> Result<AccessToken> {
        let assertion = self.oidc_token()?;
        self.federated.exchange(
            &assertion,
            "For Azure Pipelines the issuer is `https://vstoken.dev.azure.com/<organization id>` \
             and the subject `sc://ORG/PROJECT/SERVICE-CONNECTION`: the service connection's \
             page shows both.",
        )
    }

    fn oidc_token(&self) -> Result<Secret> {
        let mut url = self.request_url.clone();
        url.query_pairs_mut()
            .append_pair("api-version", "7.1")
            .append_pair("serviceConnectionId", &self.connection);
        let request = http::client(true)?
            .post(url.clone())
            .header(
                reqwest::header::AUTHORIZATION,
                http::sensitive(&format!("Bearer {}", self.system_token.as_deref().expose()))?,
            )
            // Without it a rejected token gets a sign-in page instead of a 401.
            .header("X-TFS-FedAuthRedirect", "Suppress")
            .header(reqwest::header::CONTENT_LENGTH, "0")
            .body("");
        let reply = http::send(request, "Azure Pipelines' OIDC endpoint", &url)?;
        if reply.status == 200
            && let Some(token) = reply
                .json()
                .and_then(|j| {
                    j.get("oidcToken")
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                })
                .filter(|t| !t.trim().is_empty())
        {
            return Ok(crate::auth::secret::verbatim(token));
        }
        let said = http::entra_error(&reply).1;
        let fix = match reply.status {
            401 | 203 | 302 => "the job's `SYSTEM_ACCESSTOKEN` was not accepted: map \
                `$(System.AccessToken)` of this very job into the step"
                .to_string(),
            400 | 403 | 404 => format!(
                "the service connection `{}` does not exist in this project or is not \
                 authorized for this pipeline: check the id, and under Project settings > \
                 Service connections > the connection > Security, grant this pipeline access \
                 (or approve it on the run's first use)",
                self.connection
            ),
            _ => "try again later".to_string(),
        };
        Err(Failure::new(
            Code::Auth,
            format!(
                "Azure Pipelines did not hand out an OIDC token (HTTP {}: {said}): {fix}",
                reply.status
            ),
        )
        .into())
    }
}
