//! Entra ID access tokens from the Azure CLI (`az account get-access-token`).
//!
//! `az` is found on `PATH` by feedctl itself, also as `az.cmd` on Windows (where it is a batch
//! file that `Command::new("az")` would not find), and never runs longer than [`TIMEOUT`].
//! Its failures become advice for the kind of login at hand ([`failure`], [`account`]). A
//! token for another tenant than the organization's is not an az failure — az returns it and
//! the feed answers 401 — so [`token_for_feed`] compares az's tenant with the one the feed
//! announces, and asks az for a token for the organization's tenant itself when they differ.

mod account;
mod failure;
mod process;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

pub use account::{Account, Kind};
pub use failure::{Advice, Ci};

use super::AccessToken;
use crate::azure::verdict::Sent;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;
use crate::util::jwt;

/// The application ID of Azure DevOps, the resource its access tokens are issued for.
pub const AZURE_DEVOPS_RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// How long one `az` call may take before feedctl ends it and reports a hang.
///
/// A logged-in `get-access-token` takes 0.35–0.55 s, and a refresh against Entra ID a few
/// seconds more; a cold start of az on Windows (Python behind `az.cmd`, antivirus scans) can
/// add several. 30 s leaves that a wide margin, is what cargo itself waits for a stalled HTTP
/// transfer (`http.timeout`), and ends a hung az while a person is still watching.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Overrides [`TIMEOUT`], in seconds (for slow machines, and for tests of a hang).
pub const TIMEOUT_VAR: &str = "FEEDCTL_AZ_TIMEOUT";

/// The first Azure CLI whose `get-access-token` says when the token expires (`expires_on`).
const FIRST_WITH_EXPIRES_ON: &str = "2.54.0";

/// A token from az, with what az said about it.
#[derive(Debug)]
pub struct AzToken {
    pub token: AccessToken,
    /// The tenant the token was issued by.
    pub tenant: Option<String>,
    /// az is older than 2.54 and did not say when the token expires.
    pub outdated: bool,
    /// az is logged in to this other tenant; the token was asked for the organization's.
    pub switched_from: Option<String>,
}

impl AzToken {
    /// What goes to the feed with this token, for the verdict on its answer: a 401 is then
    /// explained in az's terms (which tenant, which identity), never with PAT advice.
    pub fn sent(&self) -> Sent<'_> {
        Sent::AzureCli {
            tenant: self.tenant.as_deref(),
        }
    }

    /// The warning for an az too old to say when its tokens expire.
    pub fn outdated_warning(&self) -> Option<String> {
        self.outdated.then(|| {
            format!(
                "the Azure CLI is older than {FIRST_WITH_EXPIRES_ON} and does not say when its \
                 tokens expire, so cargo reuses each token for one command only; upgrade it \
                 (`az upgrade`, or your package manager)"
            )
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzOutput {
    access_token: String,
    /// From az 2.54 on; older ones only give `expiresOn`, local time without an offset.
    #[serde(rename = "expires_on")]
    expires_on: Option<i64>,
    tenant: Option<String>,
}

/// Why az gave no usable token: an exit code and advice (what is wrong, what to do).
#[derive(Debug)]
pub struct AzFailure {
    pub code: Code,
    pub advice: Advice,
}

impl AzFailure {
    fn new(code: Code, summary: impl Into<String>, fix: impl Into<String>) -> AzFailure {
        AzFailure {
            code,
            advice: Advice {
                summary: summary.into(),
                fix: fix.into(),
                quote: None,
            },
        }
    }
}

impl From<AzFailure> for Failure {
    fn from(failure: AzFailure) -> Failure {
        Failure::new(failure.code, failure.advice.message())
    }
}

/// An `az` found on `PATH`, with the time it may take.
struct Az {
    program: PathBuf,
    timeout: Duration,
}

/// A failed `az account get-access-token`.
enum Refused {
    /// az ran and failed; its stderr.
    Az(String),
    /// No answer that could be read (a hang, a crash, unusual output): the whole story.
    Broken(AzFailure),
}

impl Az {
    fn locate(env: &Environment) -> Result<Az, AzFailure> {
        let program = find(env).ok_or_else(|| {
            AzFailure::new(
                Code::Auth,
                "the Azure CLI (`az`) is not on PATH",
                "install it (https://aka.ms/azure-cli), run `az login`, and try again — or use \
                 a personal access token instead",
            )
        })?;
        let timeout = match env.var(TIMEOUT_VAR) {
            None => TIMEOUT,
            Some(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    AzFailure::new(
                        Code::Usage,
                        format!("`{TIMEOUT_VAR}` must be a number of seconds, not `{text}`"),
                        format!(
                            "unset it (the limit is then {} s) or set e.g. `{TIMEOUT_VAR}=60`",
                            TIMEOUT.as_secs()
                        ),
                    )
                })?,
        };
        Ok(Az { program, timeout })
    }

    fn run(&self, args: &[&str]) -> Result<process::Output, AzFailure> {
        let shown = format!("{} {}", self.program.display(), args.join(" "));
        ui::debug(format!("running `{shown}`"));
        process::run(&self.program, args, self.timeout).map_err(|e| match e {
            process::RunError::Spawn(e) => AzFailure::new(
                Code::Auth,
                format!("failed to run `{shown}`: {e}"),
                "check that `az --version` works in a terminal",
            ),
            process::RunError::TimedOut => AzFailure::new(
                Code::Auth,
                format!(
                    "`az {}` hung: it did not finish within {} s, so feedctl ended it (az hangs \
                     like this when a network or proxy never answers, or when it waits for input)",
                    args[..2].join(" "),
                    self.timeout.as_secs_f64()
                ),
                format!(
                    "run `az account get-access-token --resource {AZURE_DEVOPS_RESOURCE}` in a \
                     terminal to see where it stops; `{TIMEOUT_VAR}=<seconds>` sets a longer limit"
                ),
            ),
        })
    }

    fn get(&self, tenant: Option<&str>) -> Result<AzToken, Refused> {
        let mut args = vec![
            "account",
            "get-access-token",
            "--resource",
            AZURE_DEVOPS_RESOURCE,
        ];
        if let Some(tenant) = tenant {
            args.extend(["--tenant", tenant]);
        }
        args.extend(["--output", "json"]);
        let output = self.run(&args).map_err(Refused::Broken)?;
        if !output.status.success() {
            return Err(Refused::Az(
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ));
        }
        let parsed: AzOutput = serde_json::from_slice(&output.stdout).map_err(|e| {
            Refused::Broken(AzFailure::new(
                Code::Auth,
                format!(
                    "`az account get-access-token` printed something that is not its usual \
                     JSON ({e})"
                ),
                "update the Azure CLI (`az upgrade`)",
            ))
        })?;
        Ok(AzToken {
            token: AccessToken {
                header: crate::auth::secret::bearer(&parsed.access_token),
                expires_on: parsed.expires_on,
            },
            // An az that does not print `tenant` still issues a JWT that names it.
            tenant: parsed
                .tenant
                .or_else(|| jwt::Claims::of(&parsed.access_token)?.tid),
            outdated: parsed.expires_on.is_none(),
            switched_from: None,
        })
    }

    /// `az account show`; `Ok(None)` when az is not logged in.
    fn account(&self) -> Result<Option<Account>, AzFailure> {
        let output = self.run(&["account", "show", "--output", "json"])?;
        Ok(if output.status.success() {
            account::parse(&output.stdout)
        } else {
            None
        })
    }

    /// Advice for a failed `get-access-token`, tailored by `az account show` and, where the
    /// advice names it, the organization's tenant (`org_tenant` may cost a request; network
    /// and TLS trouble never needs it).
    fn advise(
        &self,
        env: &Environment,
        stderr: &str,
        org_tenant: impl FnOnce() -> Option<String>,
    ) -> Advice {
        let diagnosis = failure::diagnose(stderr);
        let org = match diagnosis.problem {
            failure::Problem::Network { .. } | failure::Problem::Tls => None,
            _ => org_tenant(),
        };
        let account = self.account().ok().flatten();
        failure::advise(
            &diagnosis,
            &failure::Context {
                account: account.as_ref(),
                org_tenant: org.as_deref(),
                ci: ci(env),
            },
        )
    }
}

/// A token from az for whatever tenant it is logged in to (no feed to compare with).
pub fn access_token(env: &Environment) -> Result<AzToken> {
    let az = Az::locate(env).map_err(Failure::from)?;
    az.get(None).map_err(|refused| {
        Failure::from(match refused {
            Refused::Broken(failure) => failure,
            Refused::Az(stderr) => AzFailure {
                code: Code::Auth,
                advice: az.advise(env, &stderr, || None),
            },
        })
        .into()
    })
}

/// A token from az that the feed can accept: for the organization's tenant, which
/// `org_tenant` tells (from the headers of the feed's 401 that cargo passes to a provider, or
/// from an anonymous answer the caller has or asks for). It is asked at most once, and only
/// when az's own tenant has to be compared or its failure explained.
pub fn token_for_feed(
    env: &Environment,
    org_tenant: impl FnOnce() -> Option<String>,
) -> Result<AzToken, AzFailure> {
    let az = Az::locate(env)?;
    let mut ask = Some(org_tenant);
    let mut org: Option<Option<String>> = None;
    let mut org_tenant = || -> Option<String> {
        org.get_or_insert_with(|| ask.take().and_then(|ask| ask()))
            .clone()
    };
    let token = match az.get(None) {
        Ok(token) => token,
        Err(Refused::Broken(failure)) => return Err(failure),
        Err(Refused::Az(stderr)) => {
            return Err(AzFailure {
                code: Code::Auth,
                advice: az.advise(env, &stderr, &mut org_tenant),
            });
        }
    };
    let (Some(org), Some(tenant)) = (org_tenant(), token.tenant.clone()) else {
        return Ok(token);
    };
    if org.eq_ignore_ascii_case(&tenant) {
        return Ok(token);
    }
    ui::debug(format!(
        "az is logged in to tenant {tenant}; asking it for a token for the organization's tenant {org}"
    ));
    let refusal = match az.get(Some(&org)) {
        Ok(mut minted)
            if minted
                .tenant
                .as_deref()
                .is_none_or(|t| t.eq_ignore_ascii_case(&org)) =>
        {
            minted.switched_from = Some(tenant);
            return Ok(minted);
        }
        Ok(_) => None,
        Err(Refused::Broken(failure)) => return Err(failure),
        Err(Refused::Az(stderr)) => Some(stderr),
    };
    let account = az.account().ok().flatten();
    Err(wrong_tenant(
        &tenant,
        &org,
        account.as_ref(),
        refusal.as_deref(),
    ))
}

/// az's token is for `tenant`, the organization is in `org`, and az could not get one for it.
fn wrong_tenant(
    tenant: &str,
    org: &str,
    account: Option<&Account>,
    stderr: Option<&str>,
) -> AzFailure {
    let who = account
        .map(|a| format!(" as {} ({})", a.name, a.kind.describe()))
        .unwrap_or_default();
    let fix = match account {
        Some(Account {
            kind: Kind::ManagedIdentity { .. },
            ..
        }) => format!(
            "a managed identity cannot sign in to another tenant: use an identity of tenant \
             {org}, or a personal access token"
        ),
        Some(account) => format!("run `{}`", account.login_command(org)),
        None => format!("run `az login --tenant {org}`"),
    };
    AzFailure {
        code: Code::Auth,
        advice: Advice {
            summary: format!(
                "the Azure CLI is logged in to tenant {tenant}{who}, but the organization belongs \
                 to tenant {org}, so the feed rejects az's token (HTTP 401), and az could not get \
                 a token for tenant {org}"
            ),
            fix,
            quote: stderr.and_then(|s| failure::diagnose(s).quote),
        },
    }
}

/// Who az is logged in as (`az account show`, local and fast); `Ok(None)` when nobody is.
pub fn account(env: &Environment) -> Result<Option<Account>, AzFailure> {
    Az::locate(env)?.account()
}

/// What to do when az is not logged in (for `doctor`, which sees it in `az account show`).
pub fn not_logged_in(env: &Environment, org_tenant: Option<&str>) -> Advice {
    failure::advise(
        &failure::Diagnosis {
            problem: failure::Problem::NotLoggedIn,
            quote: None,
            az_login: None,
        },
        &failure::Context {
            account: None,
            org_tenant,
            ci: ci(env),
        },
    )
}

/// The CI system feedctl runs in, for advice that differs there.
pub fn ci(env: &Environment) -> Option<Ci> {
    let set = |var: &str| env.var(var).is_some_and(|v| !v.is_empty() && v != "false");
    if set("TF_BUILD") {
        Some(Ci::AzurePipelines)
    } else if set("GITHUB_ACTIONS") {
        Some(Ci::GitHubActions)
    } else {
        None
    }
}

/// `az` on PATH; on Windows also `az.cmd`, which is what the installer provides.
pub fn find(env: &Environment) -> Option<PathBuf> {
    let path = env.var("PATH").map(OsString::from)?;
    let names: &[&str] = if cfg!(windows) {
        &["az.cmd", "az.exe", "az.bat"]
    } else {
        &["az"]
    };
    crate::util::which::on_path(&path, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_is_read_from_the_token_when_az_does_not_say() {
        // The payload of the recorded `user-ok-other-tenant` token, re-encoded.
        use base64::Engine as _;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"aud": "499b84ac", "tid": "0b1f6471-0000-4000-8000-00000000bbbb"}"#);
        let jwt = format!("eyJ0eXAiOiAiSldUIn0.{payload}.ZmFrZQ");
        let tenant = |token: &str| jwt::Claims::of(token)?.tid;
        assert_eq!(
            tenant(&jwt).as_deref(),
            Some("0b1f6471-0000-4000-8000-00000000bbbb")
        );
        assert_eq!(tenant("not-a-jwt"), None);
    }

    #[test]
    fn a_wrong_tenant_names_both_tenants_the_command_and_azs_refusal() {
        let account = Account {
            kind: Kind::User,
            name: "alice@fabrikam.com".into(),
            tenant: "0b1f".into(),
        };
        let refusal = "ERROR: AADSTS50020: User account 'alice@fabrikam.com' from identity \
                       provider 'live.com' does not exist in tenant 'Contoso'.\n\
                       Run the command below to authenticate interactively\naz login --tenant \"72f9\"\n";
        let message =
            Failure::from(wrong_tenant("0b1f", "72f9", Some(&account), Some(refusal))).message;
        assert!(
            message.contains("logged in to tenant 0b1f as alice@fabrikam.com (a user)"),
            "{message}"
        );
        assert!(message.contains("belongs to tenant 72f9"), "{message}");
        assert!(
            message.contains("run `az login --tenant 72f9`"),
            "{message}"
        );
        assert!(message.ends_with("az said: ERROR: AADSTS50020: User account 'alice@fabrikam.com' from identity provider 'live.com' does not exist in tenant 'Contoso'."), "{message}");
        let identity = Account {
            kind: Kind::ManagedIdentity { client_id: None },
            ..account
        };
        let message = Failure::from(wrong_tenant("0b1f", "72f9", Some(&identity), None)).message;
        assert!(
            message.contains("a managed identity cannot sign in to another tenant"),
            "{message}"
        );
    }
}
