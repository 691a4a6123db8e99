//! Who `az` is logged in as: `az account show --output json`, which reads only the local
//! profile (no network, fast), so it answers even when getting a token fails.

use serde::Deserialize;

/// The kind of identity az is logged in with; each needs a different fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A person (`az login`).
    User,
    /// An app registration (`az login --service-principal`, with a secret, a certificate or a
    /// federated token).
    ServicePrincipal,
    /// A managed identity (`az login --identity`); `client_id` for a user-assigned one.
    ManagedIdentity { client_id: Option<String> },
}

impl Kind {
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::User => "a user",
            Kind::ServicePrincipal => "a service principal",
            Kind::ManagedIdentity { client_id: None } => "a system-assigned managed identity",
            Kind::ManagedIdentity { client_id: Some(_) } => "a user-assigned managed identity",
        }
    }
}

/// The login az would use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub kind: Kind,
    /// The user's name, the service principal's app id, or az's name for an identity.
    pub name: String,
    pub tenant: String,
}

impl Account {
    /// `az login …` that logs this identity in again for `tenant`.
    pub fn login_command(&self, tenant: &str) -> String {
        match &self.kind {
            Kind::User => format!("az login --tenant {tenant}"),
            Kind::ServicePrincipal => format!(
                "az login --service-principal -u {} --tenant {tenant} (with its secret, \
                 certificate or federated token)",
                self.name
            ),
            Kind::ManagedIdentity { client_id: None } => "az login --identity".to_string(),
            Kind::ManagedIdentity {
                client_id: Some(id),
            } => format!("az login --identity --client-id {id}"),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    tenant_id: String,
    user: User,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    /// `MSI` (system-assigned) or `MSIClient-<client id>` (user-assigned); managed identities only.
    assigned_identity_info: Option<String>,
}

/// Reads `az account show --output json`; `None` when it is not az's usual JSON.
pub fn parse(stdout: &[u8]) -> Option<Account> {
    let shown: Shown = serde_json::from_slice(stdout).ok()?;
    let kind = match (shown.user.kind.as_str(), shown.user.assigned_identity_info) {
        (_, Some(info)) if info.starts_with("MSI") => Kind::ManagedIdentity {
            client_id: info
                .strip_prefix("MSIClient-")
                .or_else(|| info.strip_prefix("MSIResource-"))
                .map(str::to_string),
        },
        ("servicePrincipal", _) => Kind::ServicePrincipal,
        _ => Kind::User,
    };
    Some(Account {
        kind,
        name: shown.user.name,
        tenant: shown.tenant_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart() {
        let show = |user: &str| {
            parse(format!(r#"{{"tenantId": "t", "user": {user}}}"#).as_bytes()).unwrap()
        };
        assert_eq!(
            show(r#"{"name": "alice@contoso.com", "type": "user"}"#).kind,
            Kind::User
        );
        assert_eq!(
            show(r#"{"name": "2222", "type": "servicePrincipal"}"#).kind,
            Kind::ServicePrincipal
        );
        assert_eq!(
            show(r#"{"assignedIdentityInfo": "MSI", "name": "systemAssignedIdentity", "type": "servicePrincipal"}"#).kind,
            Kind::ManagedIdentity { client_id: None }
        );
        let user_assigned = show(
            r#"{"assignedIdentityInfo": "MSIClient-4444", "name": "userAssignedIdentity", "type": "servicePrincipal"}"#,
        );
        assert_eq!(
            user_assigned.login_command("t"),
            "az login --identity --client-id 4444"
        );
        assert_eq!(parse(b"not json"), None);
    }
}
