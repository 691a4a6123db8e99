//! Why `az account get-access-token` failed, and what the user must do about it.
//!
//! Only az's `ERROR:` lines are read: az's Python tracebacks mention `tenant` and `login` in
//! code lines and must not steer the advice. The AADSTS code family decides first, then az's
//! own phrases. az's printed recommendation (`az login --tenant "…" --scope "…/.default"`) is
//! kept where it is right — for a person it carries the real tenant and the scope that makes
//! Entra ask for MFA — and replaced where it is wrong: service principals need a new secret,
//! managed identities `az login --identity`, federated logins a fresh federated token, and
//! under a Conditional Access block logging in again does not help at all.

use super::AZURE_DEVOPS_RESOURCE;
use super::account::{Account, Kind};

/// A failure of az, read from its stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub problem: Problem,
    /// The relevant `ERROR:` line, as az printed it (never the traceback).
    pub quote: Option<String>,
    /// az's own `az login …` recommendation, if it printed one.
    pub az_login: Option<String>,
}

/// What went wrong, by AADSTS code family and az's phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `Please run 'az login' to setup account.`
    NotLoggedIn,
    /// The profile names an account that the MSAL token cache does not have.
    CacheMissing,
    /// The refresh token expired or was revoked (AADSTS700082, 50173, …).
    LoginExpired(String),
    /// MFA or a fresh sign-in is required (AADSTS50076, 50079, 70043, …).
    MfaRequired(String),
    /// A Conditional Access policy blocks the token (AADSTS53003, 53000, …).
    ConditionalAccess {
        code: String,
        correlation_id: Option<String>,
    },
    /// The tenant az asked does not exist here (AADSTS90002, 500011, …).
    TenantNotFound(String),
    /// The account is not in the tenant az asked (AADSTS50020, …).
    NotInTenant(String),
    /// The service principal's client secret expired (AADSTS7000222).
    SecretExpired,
    /// The service principal's secret or certificate is wrong (AADSTS7000215, …).
    SecretInvalid(String),
    /// The federated token az logged in with expired (AADSTS700024).
    FederatedExpired,
    /// No federated credential matches the token's subject, issuer or audience (AADSTS700213, …).
    FederatedMismatch { subject: Option<String> },
    /// The managed identity endpoint gave no token.
    ManagedIdentity,
    /// The TLS certificate of login.microsoftonline.com (or a proxy) is not trusted.
    Tls,
    /// No connection to Entra ID.
    Network { host: Option<String> },
    /// Anything else; the AADSTS code, if any.
    Other(Option<String>),
}

/// Where feedctl runs, for advice that differs in CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    /// `TF_BUILD` is set.
    AzurePipelines,
    /// `GITHUB_ACTIONS` is set.
    GitHubActions,
}

/// What is known besides az's stderr.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// `az account show`, when az is logged in.
    pub account: Option<&'a Account>,
    /// The tenant the organization announced on a 401.
    pub org_tenant: Option<&'a str>,
    pub ci: Option<Ci>,
}

/// A diagnosis turned into words: what is wrong, what to do, and az's own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub summary: String,
    pub fix: String,
    pub quote: Option<String>,
}

impl Advice {
    /// The whole story in one message: summary, fix, then az's line.
    pub fn message(&self) -> String {
        let mut message = format!("{}; {}", self.summary, self.fix);
        if let Some(quote) = &self.quote {
            message += &format!("\naz said: {quote}");
        }
        message
    }
}

/// The phrase az prints before its own recommendation.
const AZ_RECOMMENDS: &str = "Run the command below to authenticate interactively";
/// az's first line for a Python exception; the cause follows on the next `ERROR:` line.
const AZ_UNEXPECTED: &str = "The command failed with an unexpected error";

/// Reads az's stderr.
pub fn diagnose(stderr: &str) -> Diagnosis {
    let errors: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.trim_end().strip_prefix("ERROR: "))
        .collect();
    let quote = errors
        .iter()
        .find(|l| !l.starts_with(AZ_UNEXPECTED))
        .or(errors.first())
        .map(|l| format!("ERROR: {l}"));
    let az_login = stderr
        .lines()
        .skip_while(|l| !l.starts_with(AZ_RECOMMENDS))
        .map(str::trim)
        .find(|l| l.starts_with("az login"))
        .map(str::to_string);
    let text = errors.join("\n");
    Diagnosis {
        problem: classify(&text),
        quote,
        az_login,
    }
}

fn classify(errors: &str) -> Problem {
    let lower = errors.to_ascii_lowercase();
    if let Some(code) = aadsts_code(errors) {
        let code_text = format!("AADSTS{code}");
        return match code.as_str() {
            "700082" | "50173" | "70008" | "50132" | "50133" | "700084" | "50078" => {
                Problem::LoginExpired(code_text)
            }
            "50076" | "50079" | "50074" | "70043" | "50072" | "50158" | "50125" => {
                Problem::MfaRequired(code_text)
            }
            c if c.starts_with("530") || c == "50097" || c == "50005" || c == "50131" => {
                Problem::ConditionalAccess {
                    code: code_text,
                    correlation_id: after(errors, "Correlation ID: ")
                        .map(|s| s.split_whitespace().next().unwrap_or(s).to_string()),
                }
            }
            "90002" | "500011" | "90072" | "900023" | "50128" | "90019" => {
                Problem::TenantNotFound(code_text)
            }
            "50020" | "50034" | "50177" | "65001" => Problem::NotInTenant(code_text),
            "7000222" => Problem::SecretExpired,
            "7000215" | "700027" | "7000216" | "700016" | "7000112" | "700023" => {
                Problem::SecretInvalid(code_text)
            }
            "700024" => Problem::FederatedExpired,
            "700213" | "70021" | "700211" | "700212" | "700238" => Problem::FederatedMismatch {
                subject: after(errors, "assertion subject '")
                    .and_then(|s| s.split('\'').next())
                    .map(str::to_string),
            },
            _ => Problem::Other(Some(code_text)),
        };
    }
    if lower.contains("certificate verify failed")
        || lower.contains("certificate_verify_failed")
        || lower.contains("sslerror")
        || lower.contains("ssl:")
    {
        Problem::Tls
    } else if [
        "managed identity",
        "managedidentity",
        "msi_endpoint",
        "connect to msi",
        "msi is configured",
        "identity endpoint",
        "169.254.169.254",
        "imds",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        Problem::ManagedIdentity
    } else if [
        "max retries exceeded",
        "failed to establish a new connection",
        "connection refused",
        "connection reset",
        "connection aborted",
        "nameresolutionerror",
        "failed to resolve",
        "name or service not known",
        "temporary failure in name resolution",
        "getaddrinfo failed",
        "nodename nor servname",
        "timed out",
        "proxyerror",
        "tunnel connection failed",
        "network is unreachable",
        "no route to host",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        Problem::Network {
            host: after(errors, "host='")
                .and_then(|s| s.split('\'').next())
                .map(str::to_string),
        }
    } else if lower.contains("does not exist in msal token cache") {
        Problem::CacheMissing
    } else if lower.contains("az login") || lower.contains("not logged in") {
        Problem::NotLoggedIn
    } else {
        Problem::Other(None)
    }
}

/// The digits after the first `AADSTS`.
fn aadsts_code(text: &str) -> Option<String> {
    let digits: String = after(text, "AADSTS")?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

fn after<'t>(text: &'t str, marker: &str) -> Option<&'t str> {
    text.find(marker).map(|i| &text[i + marker.len()..])
}

/// `az login` for a person, for the organization's tenant when it is known, with the scope
/// that makes Entra ask for everything Azure DevOps requires (MFA included).
fn user_login(context: &Context) -> String {
    match context
        .org_tenant
        .or(context.account.map(|a| a.tenant.as_str()))
    {
        Some(tenant) => {
            format!("az login --tenant \"{tenant}\" --scope \"{AZURE_DEVOPS_RESOURCE}/.default\"")
        }
        None => format!("az login --scope \"{AZURE_DEVOPS_RESOURCE}/.default\""),
    }
}

/// The tenant to name in a command: the organization's, else az's, else a placeholder.
fn tenant_of(context: &Context) -> String {
    context
        .org_tenant
        .or(context.account.map(|a| a.tenant.as_str()))
        .unwrap_or("<tenant-id>")
        .to_string()
}

fn app_of(context: &Context) -> String {
    match context.account {
        Some(Account {
            kind: Kind::ServicePrincipal,
            name,
            ..
        }) => name.clone(),
        _ => "<app-id>".to_string(),
    }
}

/// What to tell the user about `diagnosis`.
pub fn advise(diagnosis: &Diagnosis, context: &Context) -> Advice {
    let who = context
        .account
        .map(|a| format!(" for {} ({})", a.name, a.kind.describe()))
        .unwrap_or_default();
    let kind = context.account.map(|a| &a.kind);
    // az's recommendation is right for a person; otherwise ours, with the org's tenant.
    let relogin = || match (&diagnosis.az_login, context.account) {
        (Some(az), None) => az.clone(),
        (Some(az), Some(account)) if account.kind == Kind::User => az.clone(),
        (_, Some(account)) if account.kind != Kind::User => {
            account.login_command(&tenant_of(context))
        }
        _ => user_login(context),
    };
    let (summary, fix) = match &diagnosis.problem {
        Problem::NotLoggedIn => (
            "the Azure CLI is not logged in".to_string(),
            not_logged_in_fix(context),
        ),
        Problem::CacheMissing => (
            format!("the Azure CLI's profile lists an account{who} but its token cache has no login for it (the cache was cleared, or the profile was copied from another machine)"),
            format!("log in again: `{}` (if that keeps failing, run `az account clear` first)", user_login(context)),
        ),
        Problem::LoginExpired(code) => (
            format!("the Azure CLI's login{who} has expired or was revoked ({code})"),
            format!("sign in again: `{}`", relogin()),
        ),
        Problem::MfaRequired(code) => (
            format!("Azure DevOps requires multi-factor authentication (or a fresh sign-in), which the Azure CLI's login{who} has not done ({code})"),
            match context.ci {
                Some(_) => "a pipeline cannot answer an MFA prompt: log in with a service principal, a workload identity federation or a managed identity instead, or use `feedctl env` with a PAT or, in Azure Pipelines, `System.AccessToken`".to_string(),
                None => format!("sign in interactively and complete MFA (a username and password with `-u/-p` cannot do it): `{}`", relogin()),
            },
        ),
        Problem::ConditionalAccess { code, correlation_id } => (
            format!("a Conditional Access policy of the organization's tenant blocks the Azure CLI's token{who} ({code}); logging in again does not help until the policy's conditions are met"),
            format!(
                "use a compliant or managed device or an allowed network, or ask your Microsoft Entra administrator which policy applies{}",
                correlation_id.as_ref().map(|id| format!(", giving them the Correlation ID {id}")).unwrap_or_default()
            ),
        ),
        Problem::TenantNotFound(code) => {
            let fix = match (context.org_tenant, context.account) {
                (Some(org), Some(account)) if account.tenant != org => format!("log in to the organization's tenant: `{}`", account.login_command(org)),
                (Some(org), _) => format!("check that az uses the public cloud (`az cloud set --name AzureCloud`) and log in to the organization's tenant: `az login --tenant {org}`"),
                (None, _) => "log in to the tenant your Azure DevOps organization is connected to (Organization settings > Microsoft Entra): `az login --tenant <tenant-id-or-domain>` in the public cloud (`az cloud set --name AzureCloud`)".to_string(),
            };
            (format!("the tenant the Azure CLI is logged in to{} does not exist in this cloud, or is not the organization's ({code})", context.account.map(|a| format!(" ({})", a.tenant)).unwrap_or_default()), fix)
        }
        Problem::NotInTenant(code) => (
            format!("the Azure CLI's account{who} is not a member of the tenant it asked for a token ({code})"),
            format!("log in with an account of the organization's tenant (`az login --tenant {}`), or ask an administrator of that tenant to invite this one", tenant_of(context)),
        ),
        Problem::SecretExpired => {
            let app = app_of(context);
            (
                format!("the client secret of the service principal {app} has expired (AADSTS7000222)"),
                format!(
                    "create a new secret (`az ad app credential reset --id {app} --append`, or in the Azure portal), update it wherever it is kept (e.g. the CI secret), then log in again: `az login --service-principal -u {app} -p <new-secret> --tenant {}`",
                    tenant_of(context)
                ),
            )
        }
        Problem::SecretInvalid(code) => {
            let app = app_of(context);
            (
                format!("Entra ID refused the credentials of the service principal {app} ({code})"),
                format!(
                    "check the app id and its secret or certificate (create a new secret with `az ad app credential reset --id {app} --append` if it was lost), update it where it is kept, then: `az login --service-principal -u {app} -p <secret> --tenant {}`",
                    tenant_of(context)
                ),
            )
        }
        Problem::FederatedExpired => {
            let app = app_of(context);
            let tenant = tenant_of(context);
            let fix = match context.ci {
                Some(Ci::GitHubActions) => "federated logins last about 10 minutes and az cannot renew them: run azure/login again right before the cargo step (with `allow-no-subscriptions: true` if the identity only has Azure DevOps access)".to_string(),
                Some(Ci::AzurePipelines) => "federated logins of AzureCLI@2 last about 10 minutes and az cannot renew them: run cargo early inside the same AzureCLI@2 task, or use the job's own token instead: `feedctl env` with `SYSTEM_ACCESSTOKEN: $(System.AccessToken)` mapped into the step".to_string(),
                None => format!("fetch a fresh federated (OIDC) token just before the build and log in again: `az login --service-principal -u {app} --tenant {tenant} --federated-token <fresh-token>`; federated logins last minutes and az cannot renew them"),
            };
            ("the federated token the Azure CLI logged in with has expired (AADSTS700024)".to_string(), fix)
        }
        Problem::FederatedMismatch { subject } => (
            format!(
                "no federated credential of the app matches the token az presented{} ({})",
                subject.as_ref().map(|s| format!(" with subject `{s}`")).unwrap_or_default(),
                "issuer, subject and audience must match exactly"
            ),
            format!(
                "on the app registration {} (or the managed identity), add or fix a federated credential with subject {}, issuer `https://token.actions.githubusercontent.com` for GitHub Actions (your CI's issuer elsewhere) and audience `api://AzureADTokenExchange`; other triggers present other subjects, e.g. `repo:ORG/REPO:environment:NAME` or `repo:ORG/REPO:pull_request`",
                app_of(context),
                subject.as_ref().map(|s| format!("`{s}`")).unwrap_or_else(|| "exactly as presented".to_string())
            ),
        ),
        Problem::ManagedIdentity => managed_identity(context),
        Problem::Tls => (
            "the Azure CLI does not trust the TLS certificate it was shown for Microsoft Entra ID: a TLS-inspecting proxy (or an unknown root CA) sits in between".to_string(),
            "set `REQUESTS_CA_BUNDLE` to a PEM bundle that includes the proxy's root CA (https://learn.microsoft.com/cli/azure/use-cli-effectively#work-behind-a-proxy) and try again; do not turn certificate verification off. No new login is needed".to_string(),
        ),
        Problem::Network { host } => (
            format!(
                "the Azure CLI could not reach {} (network, DNS or proxy)",
                host.as_deref().map(|h| format!("`{h}`")).unwrap_or_else(|| "Microsoft Entra ID".to_string())
            ),
            "check the network connection, or set `HTTPS_PROXY` if a proxy is required, then try again. No new login is needed".to_string(),
        ),
        Problem::Other(code) => {
            let what = code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default();
            match kind {
                Some(Kind::ManagedIdentity { .. }) => managed_identity(context),
                Some(Kind::ServicePrincipal) => (
                    format!("the Azure CLI could not get a token{who}{what}"),
                    format!("log it in again: `{}`", relogin()),
                ),
                _ => (
                    format!("the Azure CLI could not get a token{who}{what}"),
                    format!("sign in again: `{}`", relogin()),
                ),
            }
        }
    };
    Advice {
        summary,
        fix,
        quote: diagnosis.quote.clone(),
    }
}

fn managed_identity(context: &Context) -> (String, String) {
    let login = match context.account {
        Some(
            account @ Account {
                kind: Kind::ManagedIdentity { .. },
                ..
            },
        ) => account.login_command(""),
        _ => "az login --identity [--client-id <client-id>]".to_string(),
    };
    (
        "the managed identity endpoint gave the Azure CLI no token: the identity is not assigned to this resource (any more), or the client id is wrong".to_string(),
        format!(
            "assign the managed identity to this VM, app or container, then log in again: `{login}` (`--client-id <id>` for a user-assigned identity); the identity must also be added to the Azure DevOps organization"
        ),
    )
}

fn not_logged_in_fix(context: &Context) -> String {
    match context.ci {
        Some(Ci::AzurePipelines) => "AzureCLI@2 logs in only for its own task and clears the login when the task ends: run cargo inside the AzureCLI@2 task's script, or use the job's own token instead: `feedctl env` with `SYSTEM_ACCESSTOKEN: $(System.AccessToken)` mapped into the step".to_string(),
        Some(Ci::GitHubActions) => "log in with an azure/login step before this one (a federated login lasts about 10 minutes; set `allow-no-subscriptions: true` if the identity only has Azure DevOps access), or log in with `az login --service-principal …`".to_string(),
        None => format!(
            "run `{}` (a service principal: `az login --service-principal -u <app-id> --tenant <tenant-id> …`; on an Azure VM or app with a managed identity: `az login --identity`)",
            match context.org_tenant {
                Some(org) => format!("az login --tenant {org}"),
                None => "az login".to_string(),
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(stderr: &str) -> Problem {
        diagnose(stderr).problem
    }

    #[test]
    fn tracebacks_do_not_steer_the_advice() {
        let stderr = "ERROR: The command failed with an unexpected error. Here is the traceback:\n\
            ERROR: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded (Caused by NewConnectionError(\"Failed to establish a new connection: [Errno 111] Connection refused\"))\n\
            Traceback (most recent call last):\n  File \"x.py\", line 1, in get_raw_token\n    creds, subscription, tenant = profile.get_raw_token(tenant=tenant)\n\
            To check existing issues, please visit: https://github.com/Azure/azure-cli/issues\n";
        let diagnosis = diagnose(stderr);
        assert_eq!(
            diagnosis.problem,
            Problem::Network {
                host: Some("login.microsoftonline.com".into())
            }
        );
        assert!(
            diagnosis
                .quote
                .unwrap()
                .starts_with("ERROR: HTTPSConnectionPool")
        );
        let advice = advise(&diagnose(stderr), &Context::default());
        assert!(advice.fix.contains("HTTPS_PROXY"));
        assert!(!advice.message().contains("tenant"), "{}", advice.message());
    }

    #[test]
    fn codes_and_phrases_are_classified() {
        let cases = [
            (
                "ERROR: Please run 'az login' to setup account.",
                Problem::NotLoggedIn,
            ),
            (
                "ERROR: User 'a' does not exist in MSAL token cache. Run `az login`.",
                Problem::CacheMissing,
            ),
            (
                "ERROR: AADSTS50173: The provided grant has expired due to it being revoked",
                Problem::LoginExpired("AADSTS50173".into()),
            ),
            (
                "ERROR: AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks",
                Problem::MfaRequired("AADSTS70043".into()),
            ),
            (
                "ERROR: AADSTS500011: The resource principal named x was not found in the tenant named y.",
                Problem::TenantNotFound("AADSTS500011".into()),
            ),
            (
                "ERROR: AADSTS50020: User account 'a' from identity provider 'live.com' does not exist in tenant 'T'",
                Problem::NotInTenant("AADSTS50020".into()),
            ),
            (
                "ERROR: AADSTS7000215: Invalid client secret provided.",
                Problem::SecretInvalid("AADSTS7000215".into()),
            ),
            (
                "ERROR: AADSTS53000: Device is not in required device state",
                Problem::ConditionalAccess {
                    code: "AADSTS53000".into(),
                    correlation_id: None,
                },
            ),
            (
                "ERROR: Failed to connect to MSI. Please make sure MSI is configured correctly.\nGet Token request returned: <Response [400]>",
                Problem::ManagedIdentity,
            ),
            (
                "ERROR: ManagedIdentityCredential authentication unavailable",
                Problem::ManagedIdentity,
            ),
            (
                "ERROR: HTTPSConnectionPool(host='x', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED]')))",
                Problem::Tls,
            ),
            (
                "ERROR: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded (Caused by NameResolutionError(\"Failed to resolve 'login.microsoftonline.com'\"))",
                Problem::Network {
                    host: Some("login.microsoftonline.com".into()),
                },
            ),
            (
                "ERROR: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded (Caused by ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))",
                Problem::Network {
                    host: Some("login.microsoftonline.com".into()),
                },
            ),
            ("Traceback: tenant tenant az login\n", Problem::Other(None)),
        ];
        for (stderr, expected) in cases {
            assert_eq!(problem(stderr), expected, "{stderr}");
        }
    }

    #[test]
    fn a_guest_refused_by_the_orgs_tenant_is_told_whom_to_ask() {
        let account = Account {
            kind: Kind::User,
            name: "alice@fabrikam.com".into(),
            tenant: "0b1f".into(),
        };
        let context = Context {
            account: Some(&account),
            org_tenant: Some("72f9"),
            ci: None,
        };
        let advice = advise(
            &diagnose(
                "ERROR: AADSTS50020: User account 'alice@fabrikam.com' does not exist in tenant 'Contoso'",
            ),
            &context,
        );
        assert!(advice.fix.contains("az login --tenant 72f9"), "{advice:?}");
        assert!(advice.fix.contains("invite"), "{advice:?}");
    }

    #[test]
    fn azs_own_hint_is_kept_for_people_only() {
        let stderr = "ERROR: AADSTS700082: The refresh token has expired.\n\
                      Run the command below to authenticate interactively; additional arguments may be added as needed:\n\
                      az logout\n\
                      az login --tenant \"72f9\" --scope \"499b84ac-1321-427f-aa17-267ca6975798/.default\"\n";
        let person = Account {
            kind: Kind::User,
            name: "alice".into(),
            tenant: "72f9".into(),
        };
        let app = Account {
            kind: Kind::ServicePrincipal,
            name: "2222".into(),
            ..person.clone()
        };
        let advice = |account| {
            advise(
                &diagnose(stderr),
                &Context {
                    account: Some(account),
                    org_tenant: Some("72f9"),
                    ci: None,
                },
            )
            .fix
        };
        assert!(advice(&person).contains(
            "`az login --tenant \"72f9\" --scope \"499b84ac-1321-427f-aa17-267ca6975798/.default\"`"
        ));
        assert!(advice(&app).contains("az login --service-principal -u 2222 --tenant 72f9"));
    }
}
