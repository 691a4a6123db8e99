//! Managed identity: the identity endpoint of the Azure host itself.
//!
//! - App Service, Functions, Container Apps (and Azure Arc): `GET
//!   $IDENTITY_ENDPOINT?resource=…&api-version=2019-08-01` with `X-IDENTITY-HEADER:
//!   $IDENTITY_HEADER`.
//! - VMs and scale sets: the Instance Metadata Service, `GET
//!   http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`
//!   with `Metadata: true`. IMDS is asked **only** when the machine identifies itself as an
//!   Azure VM (DMI chassis asset tag, Linux) or `FEEDCTL_ENTRA_SOURCE=managed-identity` asks
//!   for it, so feedctl never sends a packet to that address anywhere else.
//!
//! `AZURE_CLIENT_ID`, when set, picks a user-assigned identity (as Azure's SDKs do).

use anyhow::Result;
use url::Url;

use super::http;
use super::{AccessToken, Detect, Facts, RESOURCE};
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};

const IMDS_URL: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
/// Test-only: a loopback URL asked instead of IMDS, so tests check the request's shape
/// without ever sending a packet to 169.254.169.254. Anything but loopback is refused.
pub const TEST_IMDS_VAR: &str = "FEEDCTL_TEST_IMDS_ENDPOINT";

#[derive(Debug)]
pub enum Plan {
    AppService {
        endpoint: Url,
        header: Secret,
        client_id: Option<String>,
    },
    Imds {
        endpoint: Url,
        client_id: Option<String>,
    },
}

pub fn detect(facts: &Facts, explicit: bool) -> Result<Plan, Detect> {
    let client_id = facts.var("AZURE_CLIENT_ID").map(|c| c.trim().to_string());
    if let Some(endpoint) = facts.var("IDENTITY_ENDPOINT") {
        let Some(header) = facts.var("IDENTITY_HEADER") else {
            return Err(Detect::NotHere(
                "`IDENTITY_ENDPOINT` is set but `IDENTITY_HEADER` is not".to_string(),
            ));
        };
        return Ok(Plan::AppService {
            endpoint: http::endpoint(endpoint, "IDENTITY_ENDPOINT", false)?,
            header: crate::auth::secret::verbatim(header.trim()),
            client_id,
        });
    }
    if !facts.azure_vm && !explicit {
        return Err(Detect::NotHere(format!(
            "no `IDENTITY_ENDPOINT`, and this machine does not identify itself as an Azure VM, \
             so IMDS is not asked (`{}=managed-identity` asks it anyway)",
            super::SOURCE_VAR
        )));
    }
    let endpoint = match facts.var(TEST_IMDS_VAR) {
        Some(test) => {
            let url = http::endpoint(test, TEST_IMDS_VAR, false)?;
            if !http::is_loopback(&url) {
                return Err(Failure::new(
                    Code::Usage,
                    format!(
                        "`{TEST_IMDS_VAR}` must point at a loopback address (it exists for tests)"
                    ),
                )
                .into());
            }
            url
        }
        None => http::endpoint(IMDS_URL, "IMDS", true)?,
    };
    Ok(Plan::Imds {
        endpoint,
        client_id,
    })
}

impl Plan {
    pub fn detail(&self) -> String {
        let (what, endpoint, client_id) = match self {
            Plan::AppService {
                endpoint,
                client_id,
                ..
            } => ("the host's identity endpoint", endpoint, client_id),
            Plan::Imds {
                endpoint,
                client_id,
            } => ("the VM's Instance Metadata Service", endpoint, client_id),
        };
        let identity = match client_id {
            Some(id) => format!("user-assigned identity `{id}`"),
            None => "the system-assigned identity".to_string(),
        };
        format!("{what} `{endpoint}`, {identity}")
    }

    pub fn fetch(&self) -> Result<AccessToken> {
        let client = http::client(false)?;
        let (request, url, what, client_id) = match self {
            Plan::AppService {
                endpoint,
                header,
                client_id,
            } => {
                let url = query(endpoint, "2019-08-01", client_id);
                let request = client.get(url.clone()).header(
                    "X-IDENTITY-HEADER",
                    http::sensitive(header.as_deref().expose())?,
                );
                (request, url, "the managed identity endpoint", client_id)
            }
            Plan::Imds {
                endpoint,
                client_id,
            } => {
                let url = query(endpoint, "2018-02-01", client_id);
                let request = client.get(url.clone()).header("Metadata", "true");
                (request, url, "the Instance Metadata Service", client_id)
            }
        };
        let reply = http::send(request, what, &url)?;
        if reply.status == 200 {
            return http::token_from(&reply, what);
        }
        let said = http::entra_error(&reply).1;
        let fix = match (reply.status, client_id) {
            (400 | 404, Some(id)) => format!(
                "no user-assigned identity with client id `{id}` (`AZURE_CLIENT_ID`) is \
                 assigned to this resource: assign it, or unset `AZURE_CLIENT_ID` to use the \
                 system-assigned identity"
            ),
            (400 | 404, None) => "this resource has no system-assigned managed identity: turn \
                it on (Identity > System assigned), or set `AZURE_CLIENT_ID` to a user-assigned \
                identity's client id"
                .to_string(),
            (401 | 403, _) => "the endpoint refused `IDENTITY_HEADER`: it must be the value \
                the host set for this process"
                .to_string(),
            _ => "try again in a moment (the identity endpoint may still be starting)".to_string(),
        };
        Err(Failure::new(
            Code::Auth,
            format!(
                "{what} gave no token (HTTP {}: {said}): {fix}",
                reply.status
            ),
        )
        .into())
    }
}

fn query(endpoint: &Url, api_version: &str, client_id: &Option<String>) -> Url {
    let mut url = endpoint.clone();
    {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("api-version", api_version)
            .append_pair("resource", RESOURCE);
        if let Some(id) = client_id {
            pairs.append_pair("client_id", id);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_override_only_points_at_loopback() {
        let vm = Facts {
            azure_vm: true,
            ..Facts::default()
        };
        let ok = vm.clone().with(TEST_IMDS_VAR, "http://127.0.0.1:9/imds");
        assert!(matches!(detect(&ok, false), Ok(Plan::Imds { .. })));
        for bad in ["http://169.254.169.254/x", "https://imds.example/x"] {
            let facts = vm.clone().with(TEST_IMDS_VAR, bad);
            assert!(
                matches!(detect(&facts, false), Err(Detect::Broken(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn app_service_endpoints_must_be_local_or_https() {
        let facts = Facts::default()
            .with("IDENTITY_ENDPOINT", "http://10.1.2.3/msi/token")
            .with("IDENTITY_HEADER", "h");
        assert!(matches!(detect(&facts, false), Err(Detect::Broken(_))));
    }
}
