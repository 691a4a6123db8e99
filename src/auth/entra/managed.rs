//! Managed identity: the identity endpoint of the Azure host itself, found as `azure-identity`
//! for Python finds it (`_credentials/managed_identity.py`; MSAL Python's
//! `msal/managed_identity.py`, `get_managed_identity_source`):
//!
//! - `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` (App Service, Functions, Container Apps; as in
//!   `_credentials/app_service.py`): `GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=…`
//!   with `X-IDENTITY-HEADER: $IDENTITY_HEADER`. With `IDENTITY_SERVER_THUMBPRINT` too, it is
//!   Service Fabric ([`fabric`]), whose certificate is pinned by that thumbprint.
//! - `IDENTITY_ENDPOINT` + `IMDS_ENDPOINT` without `IDENTITY_HEADER`, or an installed Arc
//!   agent: Azure Arc ([`arc`]).
//! - `MSI_ENDPOINT` without `MSI_SECRET`: Azure Cloud Shell (`_credentials/cloud_shell.py`):
//!   `POST $MSI_ENDPOINT` with the form `resource=…` and `Metadata: true`. (With `MSI_SECRET`
//!   it is Azure Machine Learning's older endpoint, not supported.)
//! - Otherwise VMs and scale sets: the Instance Metadata Service ([`imds`]), `GET
//!   http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`
//!   with `Metadata: true`, retried as Microsoft documents. IMDS is asked **only** when the
//!   machine identifies itself as an Azure VM or `FEEDCTL_ENTRA_SOURCE=managed-identity` asks
//!   for it, so feedctl never sends a packet to that address anywhere else.
//!
//! `AZURE_CLIENT_ID`, when set, picks a user-assigned identity (as Azure's SDKs do); Azure Arc
//! has only the system-assigned one.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use reqwest::blocking::RequestBuilder;
use url::Url;

use super::http::{self, Reply};
use super::retry::{self, Schedule};
use super::{AccessToken, Detect, Facts, RESOURCE};
use super::{arc, fabric, imds};
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
    Arc {
        endpoint: Url,
        key_dir: PathBuf,
    },
    ServiceFabric {
        endpoint: Url,
        header: Secret,
        thumbprint: Vec<u8>,
    },
    CloudShell {
        endpoint: Url,
        client_id: Option<String>,
    },
    Imds {
        endpoint: Url,
        client_id: Option<String>,
        /// How long one second of the retry schedule lasts (shorter only in tests).
        second: Duration,
    },
}

pub fn detect(facts: &Facts, explicit: bool) -> Result<Plan, Detect> {
    let client_id = facts.var("AZURE_CLIENT_ID").map(|c| c.trim().to_string());
    if let Some(endpoint) = facts.var("IDENTITY_ENDPOINT") {
        if let Some(header) = facts.var("IDENTITY_HEADER") {
            if let Some(thumbprint) = facts.var("IDENTITY_SERVER_THUMBPRINT") {
                return Ok(Plan::ServiceFabric {
                    endpoint: http::endpoint(endpoint, "IDENTITY_ENDPOINT", false)?,
                    header: crate::auth::secret::verbatim(header.trim()),
                    thumbprint: fabric::thumbprint(thumbprint)?,
                });
            }
            return Ok(Plan::AppService {
                endpoint: http::endpoint(endpoint, "IDENTITY_ENDPOINT", false)?,
                header: crate::auth::secret::verbatim(header.trim()),
                client_id,
            });
        }
        if facts.var("IMDS_ENDPOINT").is_some() {
            return arc_plan(facts, endpoint, client_id);
        }
        return Err(Detect::NotHere(
            "`IDENTITY_ENDPOINT` is set but neither `IDENTITY_HEADER` (App Service) nor \
             `IMDS_ENDPOINT` (Azure Arc) is"
                .to_string(),
        ));
    }
    if let Some(endpoint) = facts.var("MSI_ENDPOINT") {
        if facts.var("MSI_SECRET").is_some() {
            return Err(Detect::NotHere(
                "`MSI_ENDPOINT` and `MSI_SECRET` are set: this is Azure Machine Learning's \
                 identity endpoint, which feedctl does not support"
                    .to_string(),
            ));
        }
        return Ok(Plan::CloudShell {
            endpoint: http::endpoint(endpoint, "MSI_ENDPOINT", false)?,
            client_id,
        });
    }
    if facts.arc_agent {
        return arc_plan(facts, arc::ENDPOINT, client_id);
    }
    if !facts.azure_vm && !explicit {
        return Err(Detect::NotHere(format!(
            "no `IDENTITY_ENDPOINT` or `MSI_ENDPOINT`, and this machine does not identify \
             itself as an Azure VM, so IMDS is not asked (`{}=managed-identity` asks it anyway)",
            super::SOURCE_VAR
        )));
    }
    let (endpoint, second) = match facts.var(TEST_IMDS_VAR) {
        Some(test) => {
            let url = loopback_only(test, TEST_IMDS_VAR)?;
            let millis = facts
                .var(imds::TEST_SECOND_VAR)
                .and_then(|v| v.parse().ok());
            (url, Duration::from_millis(millis.unwrap_or(1000)))
        }
        None => (
            http::endpoint(IMDS_URL, "IMDS", true)?,
            Duration::from_secs(1),
        ),
    };
    Ok(Plan::Imds {
        endpoint,
        client_id,
        second,
    })
}

fn arc_plan(facts: &Facts, endpoint: &str, client_id: Option<String>) -> Result<Plan, Detect> {
    let endpoint = http::endpoint(endpoint, "IDENTITY_ENDPOINT", false)?;
    if let Some(id) = client_id {
        return Err(Failure::new(
            Code::Usage,
            format!(
                "Azure Arc has only a system-assigned managed identity, but `AZURE_CLIENT_ID` \
                 asks for `{id}`: unset `AZURE_CLIENT_ID`"
            ),
        )
        .into());
    }
    let key_dir = match facts.var(arc::TEST_KEY_DIR_VAR) {
        Some(dir) => {
            let url = loopback_only(endpoint.as_str(), arc::TEST_KEY_DIR_VAR)?;
            // The real agent listens on loopback too: its own port never takes the override,
            // so a stray variable cannot point a real agent's challenge at another directory.
            if url.port_or_known_default() == arc::agent_port() {
                return Err(Failure::new(
                    Code::Usage,
                    format!(
                        "`{}` is only for tests, never with the Azure Arc agent's own endpoint",
                        arc::TEST_KEY_DIR_VAR
                    ),
                )
                .into());
            }
            PathBuf::from(dir)
        }
        None => arc::key_dir(facts.var("ProgramData")).map_err(|why| {
            Failure::new(Code::Auth, format!("Azure Arc's identity endpoint: {why}"))
        })?,
    };
    Ok(Plan::Arc { endpoint, key_dir })
}

/// A test override's URL, which must be loopback.
fn loopback_only(value: &str, var: &str) -> Result<Url, Failure> {
    let url = http::endpoint(value, var, false)?;
    if !http::is_loopback(&url) {
        return Err(Failure::new(
            Code::Usage,
            format!("`{var}` is only for tests, with an endpoint on a loopback address"),
        ));
    }
    Ok(url)
}

impl Plan {
    pub fn detail(&self) -> String {
        let (what, endpoint, client_id) = match self {
            Plan::AppService {
                endpoint,
                client_id,
                ..
            } => ("the host's identity endpoint", endpoint, client_id),
            Plan::Arc { endpoint, .. } => {
                ("the Azure Arc agent's identity endpoint", endpoint, &None)
            }
            Plan::ServiceFabric { endpoint, .. } => {
                ("Service Fabric's identity endpoint", endpoint, &None)
            }
            Plan::CloudShell {
                endpoint,
                client_id,
            } => ("Azure Cloud Shell's identity endpoint", endpoint, client_id),
            Plan::Imds {
                endpoint,
                client_id,
                ..
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
        let second = Duration::from_secs(1);
        let (reply, what, client_id, asked) = match self {
            Plan::AppService {
                endpoint,
                header,
                client_id,
            } => {
                let url = query(endpoint, "2019-08-01", client_id);
                let build = || -> Result<RequestBuilder> {
                    Ok(client.get(url.clone()).header(
                        "X-IDENTITY-HEADER",
                        http::sensitive(header.as_deref().expose())?,
                    ))
                };
                let what = "the managed identity endpoint";
                let (reply, asked) = retry::send(Schedule::Host, build, what, &url, second)?;
                (reply, what, client_id, asked)
            }
            Plan::Arc { endpoint, key_dir } => {
                let url = query(endpoint, "2020-06-01", &None);
                let what = "the Azure Arc identity endpoint";
                let plain = || -> Result<RequestBuilder> {
                    Ok(client.get(url.clone()).header("Metadata", "true"))
                };
                let (mut reply, mut asked) =
                    retry::send(Schedule::Host, plain, what, &url, second)?;
                if reply.status == 401 {
                    let key = arc::key_from_challenge(
                        &reply,
                        reply.www_authenticate.as_deref(),
                        key_dir,
                    )?;
                    let basic = format!("Basic {}", key.as_deref().expose());
                    let answer = || -> Result<RequestBuilder> {
                        Ok(plain()?
                            .header(reqwest::header::AUTHORIZATION, http::sensitive(&basic)?))
                    };
                    (reply, asked) = retry::send(Schedule::Host, answer, what, &url, second)?;
                }
                (reply, what, &None, asked)
            }
            Plan::ServiceFabric {
                endpoint,
                header,
                thumbprint,
            } => {
                let url = query(endpoint, "2019-07-01-preview", &None);
                let request = fabric::client(thumbprint)?
                    .get(url.clone())
                    .header("Secret", http::sensitive(header.as_deref().expose())?);
                let what = "Service Fabric's identity endpoint";
                let reply = http::send(request, what, &url).map_err(|e| {
                    Failure::new(
                        Code::Unreachable,
                        format!(
                            "{e:#} (it is trusted only with the TLS certificate whose SHA-1 \
                             thumbprint is `IDENTITY_SERVER_THUMBPRINT`)"
                        ),
                    )
                })?;
                (reply, what, &None, 1)
            }
            Plan::CloudShell {
                endpoint,
                client_id,
            } => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("resource", RESOURCE);
                if let Some(id) = client_id {
                    form.append_pair("client_id", id);
                }
                let form = form.finish();
                let build = || -> Result<RequestBuilder> {
                    Ok(client
                        .post(endpoint.clone())
                        .header("Metadata", "true")
                        .header(
                            reqwest::header::CONTENT_TYPE,
                            "application/x-www-form-urlencoded",
                        )
                        .body(form.clone()))
                };
                let what = "Azure Cloud Shell's identity endpoint";
                let (reply, asked) = retry::send(Schedule::Host, build, what, endpoint, second)?;
                (reply, what, client_id, asked)
            }
            Plan::Imds {
                endpoint,
                client_id,
                second,
            } => {
                let url = query(endpoint, "2018-02-01", client_id);
                let build = || -> Result<RequestBuilder> {
                    Ok(client.get(url.clone()).header("Metadata", "true"))
                };
                let what = "the Instance Metadata Service";
                let (reply, asked) = retry::send(Schedule::Imds, build, what, &url, *second)?;
                (reply, what, client_id, asked)
            }
        };
        if reply.status == 200 {
            return http::token_from(&reply, what);
        }
        Err(refusal(self, &reply, what, client_id, asked).into())
    }
}

/// What a refusal means, and what to do about it.
fn refusal(
    plan: &Plan,
    reply: &Reply,
    what: &str,
    client_id: &Option<String>,
    asked: u32,
) -> Failure {
    let said = http::entra_error(reply).1;
    let schedule = match plan {
        Plan::Imds { .. } => Schedule::Imds,
        _ => Schedule::Host,
    };
    let fix = match (reply.status, client_id) {
        // IMDS answers 404 while it starts or updates; only a 400 means "no such identity".
        (status, _) if asked > 1 && retry::retryable(schedule, status) => format!(
            "it still answered so after {asked} attempts; an identity endpoint answers 404 \
             or 410 while it starts or is updated, 429 when asked too often: try again in a \
             minute"
        ),
        (400 | 404, Some(id)) => format!(
            "no user-assigned identity with client id `{id}` (`AZURE_CLIENT_ID`) is \
             assigned to this resource: assign it, or unset `AZURE_CLIENT_ID` to use the \
             system-assigned identity"
        ),
        (400 | 404, None) => "this resource has no system-assigned managed identity: turn \
            it on (Identity > System assigned), or set `AZURE_CLIENT_ID` to a user-assigned \
            identity's client id"
            .to_string(),
        (401 | 403, _) if matches!(plan, Plan::Arc { .. }) => "the endpoint refused the \
            key from the Arc agent's token directory: run feedctl as a user allowed to read it \
            (on Linux, a member of the `himds` group; on Windows, of `Hybrid agent extension \
            applications`)"
            .to_string(),
        (401 | 403, _) if matches!(plan, Plan::AppService { .. } | Plan::ServiceFabric { .. }) => {
            "the endpoint refused \
            `IDENTITY_HEADER`: it must be the value the host set for this process"
                .to_string()
        }
        _ => "try again in a moment (the identity endpoint may still be starting)".to_string(),
    };
    Failure::new(
        Code::Auth,
        format!(
            "{what} gave no token (HTTP {}: {said}): {fix}",
            reply.status
        ),
    )
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
    fn the_test_backoff_needs_the_test_endpoint() {
        let vm = Facts {
            azure_vm: true,
            ..Facts::default()
        }
        .with(imds::TEST_SECOND_VAR, "5");
        match detect(&vm, false) {
            Ok(Plan::Imds { second, .. }) => assert_eq!(second, Duration::from_secs(1)),
            other => panic!("{other:?}"),
        }
        let test = vm.with(TEST_IMDS_VAR, "http://127.0.0.1:9/imds");
        match detect(&test, false) {
            Ok(Plan::Imds { second, .. }) => assert_eq!(second, Duration::from_millis(5)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn app_service_endpoints_must_be_local_or_https() {
        let facts = Facts::default()
            .with("IDENTITY_ENDPOINT", "http://10.1.2.3/msi/token")
            .with("IDENTITY_HEADER", "h");
        assert!(matches!(detect(&facts, false), Err(Detect::Broken(_))));
    }

    #[test]
    fn each_host_is_recognised_as_the_sdk_recognises_it() {
        let base = Facts::default().with("IDENTITY_ENDPOINT", "http://localhost:40342/x");
        let app = base.clone().with("IDENTITY_HEADER", "h");
        assert!(matches!(detect(&app, false), Ok(Plan::AppService { .. })));
        let fabric = app.with("IDENTITY_SERVER_THUMBPRINT", &"AB".repeat(20));
        assert!(matches!(
            detect(&fabric, false),
            Ok(Plan::ServiceFabric { .. })
        ));
        let bad = fabric.with("IDENTITY_SERVER_THUMBPRINT", "AB12");
        assert!(matches!(detect(&bad, false), Err(Detect::Broken(_))));
        let arc = base
            .clone()
            .with("IMDS_ENDPOINT", "http://localhost:40342")
            .with(arc::TEST_KEY_DIR_VAR, "/tmp/keys");
        // The test key directory is refused on the real agent's port…
        assert!(
            matches!(detect(&arc, false), Err(Detect::Broken(f)) if f.message.contains("agent's own endpoint"))
        );
        // …and honoured on any other loopback port.
        let arc = arc.with("IDENTITY_ENDPOINT", "http://localhost:8123/x");
        assert!(matches!(detect(&arc, false), Ok(Plan::Arc { .. })));
        let user_assigned = arc.with("AZURE_CLIENT_ID", "c");
        assert!(
            matches!(detect(&user_assigned, false), Err(Detect::Broken(f)) if f.message.contains("system-assigned"))
        );
        assert!(matches!(detect(&base, false), Err(Detect::NotHere(_))));

        let installed = Facts {
            arc_agent: true,
            ..Facts::default()
        }
        .with("ProgramData", r"C:\ProgramData");
        if cfg!(any(target_os = "linux", windows)) {
            match detect(&installed, false) {
                Ok(Plan::Arc { endpoint, key_dir }) => {
                    assert_eq!(endpoint.as_str(), arc::ENDPOINT);
                    assert_eq!(key_dir, arc::key_dir(Some(r"C:\ProgramData")).unwrap());
                }
                other => panic!("{other:?}"),
            }
        }
        // The real agent's endpoint never takes the test key directory.
        let redirected = installed.with(arc::TEST_KEY_DIR_VAR, "/tmp/keys");
        assert!(matches!(detect(&redirected, false), Err(Detect::Broken(_))));

        let shell = Facts::default().with("MSI_ENDPOINT", "http://localhost:50342/oauth2/token");
        assert!(matches!(detect(&shell, false), Ok(Plan::CloudShell { .. })));
        let ml = shell.with("MSI_SECRET", "s");
        assert!(
            matches!(detect(&ml, false), Err(Detect::NotHere(why)) if why.contains("Machine Learning"))
        );
    }

    #[test]
    fn the_arc_test_directory_needs_a_loopback_endpoint() {
        let facts = Facts::default()
            .with("IDENTITY_ENDPOINT", "https://arc.example/token")
            .with("IMDS_ENDPOINT", "https://arc.example")
            .with(arc::TEST_KEY_DIR_VAR, "/tmp/keys");
        assert!(matches!(detect(&facts, false), Err(Detect::Broken(_))));
    }
}
