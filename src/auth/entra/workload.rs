//! Kubernetes workload identity (AKS and any cluster with the Azure webhook): the projected
//! service-account token in `AZURE_FEDERATED_TOKEN_FILE`, exchanged at Entra ID for
//! `AZURE_CLIENT_ID` in `AZURE_TENANT_ID`. The file is read on every request because the
//! kubelet rotates it.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Result;

use super::http::Federated;
use super::{AccessToken, Detect, Facts};
use crate::exit::{Code, Failure};

/// The most of the token file read: a service-account token is a few KB.
const FILE_LIMIT: u64 = 64 * 1024;

#[derive(Debug)]
pub struct Plan {
    file: PathBuf,
    federated: Federated,
}

pub fn detect(facts: &Facts) -> Result<Plan, Detect> {
    let Some(file) = facts.var("AZURE_FEDERATED_TOKEN_FILE") else {
        return Err(Detect::NotHere(
            "`AZURE_FEDERATED_TOKEN_FILE` is not set (not a pod with workload identity)"
                .to_string(),
        ));
    };
    let (Some(client_id), Some(tenant)) =
        (facts.var("AZURE_CLIENT_ID"), facts.var("AZURE_TENANT_ID"))
    else {
        return Err(Detect::NotHere(
            "`AZURE_CLIENT_ID` and `AZURE_TENANT_ID` are not both set: label the pod \
             `azure.workload.identity/use: \"true\"` and annotate its service account with \
             `azure.workload.identity/client-id`"
                .to_string(),
        ));
    };
    Ok(Plan {
        file: PathBuf::from(file),
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
            "the service-account token in `{}`, exchanged for app `{}` in tenant `{}`",
            self.file.display(),
            self.federated.client_id,
            self.federated.tenant
        )
    }

    pub fn fetch(&self) -> Result<AccessToken> {
        // A service-account token is a JWT of a few KB; a wrong path (`/dev/zero`, a big
        // file) must not be read whole.
        let mut text = String::new();
        std::fs::File::open(&self.file)
            .and_then(|file| file.take(FILE_LIMIT + 1).read_to_string(&mut text))
            .map_err(|e| {
            Failure::new(
                Code::Auth,
                format!(
                    "failed to read the service-account token `{}` (`AZURE_FEDERATED_TOKEN_FILE`): \
                     {e}; check the pod's projected volume",
                    self.file.display()
                ),
            )
        })?;
        if text.len() as u64 > FILE_LIMIT {
            return Err(Failure::new(
                Code::Auth,
                format!(
                    "`{}` (`AZURE_FEDERATED_TOKEN_FILE`) is larger than {} KiB, so it is not a \
                     service-account token; check the pod's projected volume",
                    self.file.display(),
                    FILE_LIMIT / 1024
                ),
            )
            .into());
        }
        if text.trim().is_empty() {
            return Err(Failure::new(
                Code::Auth,
                format!(
                    "the service-account token `{}` is empty",
                    self.file.display()
                ),
            )
            .into());
        }
        self.federated.exchange(
            &crate::auth::secret::verbatim(text.trim()),
            "For a pod the subject is `system:serviceaccount:NAMESPACE:SERVICE-ACCOUNT` and the \
             issuer the cluster's OIDC issuer URL (`az aks show --query oidcIssuerProfile.issuerUrl`).",
        )
    }
}
