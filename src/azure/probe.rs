//! The HTTP probe: `GET <index>/config.json`, as cargo's first request, with or without a
//! token, and the [`Answer`] it got. What an answer means for the user is for the verdict
//! module to say.
//!
//! The verdict must be cargo's. So the probe goes out the way cargo's request does: through
//! cargo's `[http]` settings (`cainfo` replaces the trusted roots, `proxy`, `timeout`),
//! following redirects (credentials go to the original host only, as with curl), and without
//! Azure's `X-TFS-FedAuthRedirect: Suppress` header, which cargo does not send either: Azure
//! then answers a token it does not accept the way it answers cargo, often with
//! **203 and an HTML sign-in page** or a redirect to one instead of a 401. Only a 200 whose
//! body is a JSON object with `dl` counts as a readable feed; anything else is named.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

use crate::auth::secret::Secret;
use crate::cargo::config::effective::{HttpSettings, Settings};
use crate::environment::Environment;
use crate::ui;

/// The most of a body read to classify it: a `config.json` or an error page is far smaller.
const BODY_LIMIT: u64 = 256 * 1024;

/// What the feed answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200 with a `config.json` cargo can use.
    Ok {
        auth_required: bool,
    },
    /// 401; `tenant` is the Entra ID tenant the organization announces, when it does.
    Unauthorized {
        tenant: Option<String>,
        known: Option<Known>,
    },
    Forbidden {
        known: Option<Known>,
    },
    NotFound {
        known: Option<Known>,
    },
    /// An HTML sign-in page (Azure's 203, or a redirect to a sign-in page): the token, if any,
    /// was not accepted. `redirected_to` is the page's host and path, without the query.
    SignInPage {
        status: u16,
        redirected_to: Option<String>,
    },
    /// A 2xx that is not a Cargo `config.json`: an HTML page (a proxy, a captive portal, a web
    /// server at that address) or JSON without `dl`.
    NotAFeed {
        status: u16,
        html: bool,
        redirected_to: Option<String>,
    },
    /// 407: a proxy wants credentials.
    ProxyAuth,
    /// 429, with the `Retry-After` value if given.
    RateLimited {
        retry_after: Option<String>,
    },
    /// Any other status.
    Status(u16),
    /// No HTTP answer at all; the text says why (DNS, TLS, refused, timeout).
    Unreachable(String),
}

impl Answer {
    /// Whether the feed itself answered: its `config.json`, or a refusal that a token may
    /// lift (401, 403, a sign-in page). Anything else shows the feed unusable before any
    /// token is tried.
    pub fn is_from_the_feed(&self) -> bool {
        matches!(
            self,
            Answer::Ok { .. }
                | Answer::Unauthorized { .. }
                | Answer::Forbidden { .. }
                | Answer::SignInPage { .. }
        )
    }

    /// The Entra ID tenant the organization announced, on a 401 that says.
    pub fn tenant(&self) -> Option<String> {
        match self {
            Answer::Unauthorized { tenant, .. } => tenant.clone(),
            _ => None,
        }
    }
}

/// Azure error bodies worth naming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// `TF400813: The user '…' is not authorized to access this resource.`
    NotAuthorized,
    /// `No local versions of package '…'; please provide authentication …`
    UpstreamNeedsAuth,
    /// `No authorization provided for feed … even though required by ~force-auth`
    ForceAuth,
}

impl Known {
    fn find(body: &str) -> Option<Known> {
        if body.contains("TF400813") {
            Some(Known::NotAuthorized)
        } else if body.contains("No local versions of package") {
            Some(Known::UpstreamNeedsAuth)
        } else if body.contains("~force-auth") {
            Some(Known::ForceAuth)
        } else {
            None
        }
    }
}

/// One HTTP client with cargo's settings, shared by every probe of a run (and across threads),
/// so connections to a host are reused.
#[derive(Debug)]
pub struct Prober {
    client: Client,
    /// Shown when a TLS handshake fails.
    cainfo: Option<String>,
}

impl Prober {
    pub fn new(http: &HttpSettings) -> Result<Prober> {
        // rustls needs its cryptography chosen once per process; a second call is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (connect, total) = match http.timeout {
            Some(seconds) => (Duration::from_secs(seconds), Duration::from_secs(seconds)),
            None => (Duration::from_secs(10), Duration::from_secs(30)),
        };
        let mut builder = Client::builder()
            .user_agent(concat!("feedctl/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect)
            .timeout(total);
        if let Some(path) = &http.cainfo {
            // cargo (curl's CAINFO) trusts only this bundle, not the system's roots.
            builder = builder.tls_certs_only(read_ca_bundle(path)?);
        }
        if let Some(proxy) = http.proxy.as_deref().filter(|p| !p.is_empty()) {
            // curl's format: `host:port` means an HTTP proxy.
            let url = if proxy.contains("://") {
                proxy.to_string()
            } else {
                format!("http://{proxy}")
            };
            let proxy = reqwest::Proxy::all(&url)
                .with_context(|| format!("invalid `http.proxy` value `{url}`"))?;
            builder = builder.proxy(proxy);
        }
        if http.check_revoke == Some(true) {
            ui::debug("http.check-revoke: feedctl does not check revocation itself");
        }
        Ok(Prober {
            client: builder
                .build()
                .context("failed to set up the HTTP client")?,
            cainfo: http.cainfo.as_ref().map(|p| p.display().to_string()),
        })
    }

    /// Fetches `config.json` of the sparse index `index_url` (with its `sparse+` prefix).
    pub fn probe(&self, index_url: &str, token: Option<&Secret>) -> Result<Answer> {
        let url = config_json_url(index_url);
        let mut request = self.client.get(&url);
        if let Some(token) = token {
            let mut value = reqwest::header::HeaderValue::from_str(token.as_deref().expose())
                .map_err(|_| anyhow::anyhow!("the token cannot be sent as an HTTP header"))?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let how = if token.is_some() {
            "with the token"
        } else {
            "anonymously"
        };
        ui::debug(format!("GET {url} ({how})"));
        let answer = match request.send() {
            Ok(response) => classify(&url, response),
            Err(e) => Answer::Unreachable(self.describe(&e)),
        };
        ui::debug(format!("answer for {url}: {answer:?}"));
        Ok(answer)
    }

    /// The client with cargo's `[http]` settings, for the REST calls that must go out as
    /// cargo's requests do.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The innermost reason of a request error, which is the informative one.
    pub fn describe(&self, err: &reqwest::Error) -> String {
        let kind = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        let mut source: &dyn std::error::Error = err;
        while let Some(next) = source.source() {
            source = next;
        }
        let cause = source.to_string();
        let tls = cause.to_lowercase().contains("certificate");
        let hint = match (&self.cainfo, tls) {
            (Some(path), true) => format!(
                "; the certificate is checked against `http.cainfo` (`{path}`) only, as cargo does"
            ),
            (None, true) => "; for a private or corporate CA, point cargo's `http.cainfo` at its \
                             PEM bundle (feedctl uses it too)"
                .to_string(),
            _ => String::new(),
        };
        format!("{kind} ({cause}){hint}")
    }
}

/// One request with cargo's `[http]` settings as read from `env`'s directory, for callers that
/// make a single probe and hold no [`Settings`] (cargo's defaults when its config cannot be
/// read: cargo itself reports that).
pub fn probe_here(env: &Environment, index_url: &str, token: Option<&Secret>) -> Result<Answer> {
    let http = Settings::load(env).map(|s| s.http()).unwrap_or_default();
    Prober::new(&http)?.probe(index_url, token)
}

/// Reads a PEM bundle for `http.cainfo`.
fn read_ca_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("failed to read `http.cainfo` file `{}`", path.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).with_context(|| {
        format!(
            "`http.cainfo` file `{}` is not a PEM certificate bundle",
            path.display()
        )
    })?;
    if certs.is_empty() {
        anyhow::bail!(
            "`http.cainfo` file `{}` holds no PEM certificate",
            path.display()
        );
    }
    Ok(certs)
}

/// Reads what an answer means.
fn classify(url: &str, response: Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let redirected_to = (response.url().as_str() != url).then(|| {
        let u = response.url();
        format!("{}{}", u.host_str().unwrap_or_default(), u.path())
    });
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
    let mut body = Vec::new();
    // An unreadable body is treated as an empty one: the status still tells a lot.
    let _ = response.take(BODY_LIMIT).read_to_end(&mut body);
    let body = String::from_utf8_lossy(&body);
    let html = html || body.trim_start().starts_with('<');
    match status {
        200..=299 => {
            if status == 200
                && let Ok(serde_json::Value::Object(config)) =
                    serde_json::from_str::<serde_json::Value>(&body)
                && config.get("dl").is_some_and(|dl| dl.is_string())
            {
                let auth_required = config
                    .get("auth-required")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                return Answer::Ok { auth_required };
            }
            if html && (status == 203 || is_sign_in(redirected_to.as_deref(), &body)) {
                Answer::SignInPage {
                    status,
                    redirected_to,
                }
            } else {
                Answer::NotAFeed {
                    status,
                    html,
                    redirected_to,
                }
            }
        }
        401 => Answer::Unauthorized {
            tenant: resource_tenant(
                headers
                    .iter()
                    .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
            ),
            known: Known::find(&body),
        },
        403 => Answer::Forbidden {
            known: Known::find(&body),
        },
        404 => Answer::NotFound {
            known: Known::find(&body),
        },
        407 => Answer::ProxyAuth,
        429 => Answer::RateLimited {
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        },
        other => Answer::Status(other),
    }
}

/// Whether an HTML answer is a sign-in page: reached through a redirect to a sign-in host or
/// path, or saying so.
fn is_sign_in(redirected_to: Option<&str>, body: &str) -> bool {
    let lower = |s: &str| s.to_ascii_lowercase();
    let markers = ["signin", "sign-in", "sign in", "login", "_signedin"];
    redirected_to.is_some_and(|to| markers.iter().any(|m| lower(to).contains(m)))
        || markers.iter().any(|m| lower(body).contains(m))
}

/// The organization's Entra tenant, as Azure DevOps announces it on a 401:
/// `X-VSS-ResourceTenant: <id>`, or `WWW-Authenticate: Bearer
/// authorization_uri=https://login.microsoftonline.com/<id>`. Only a tenant GUID counts (it
/// may end up as an argument of `az.cmd`); the all-zero GUID means "none".
pub fn resource_tenant<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let mut from_challenge = None;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("X-VSS-ResourceTenant") {
            if let Some(tenant) = value.split(',').map(str::trim).find(|t| is_tenant_id(t)) {
                return Some(tenant.to_ascii_lowercase());
            }
        } else if name.eq_ignore_ascii_case("WWW-Authenticate") && from_challenge.is_none() {
            from_challenge = value
                .split_once("authorization_uri=")
                .and_then(|(_, uri)| uri.trim_start_matches('"').split(['"', ',', ' ']).next())
                .and_then(|uri| uri.trim_end_matches('/').rsplit('/').next())
                .filter(|t| is_tenant_id(t))
                .map(str::to_ascii_lowercase);
        }
    }
    from_challenge
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex, and not all zeros.
fn is_tenant_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        && text.bytes().any(|b| b.is_ascii_hexdigit() && b != b'0')
}

/// `https://…/Cargo/index/config.json` for `sparse+https://…/Cargo/index/`.
pub fn config_json_url(index_url: &str) -> String {
    let base = index_url.strip_prefix("sparse+").unwrap_or(index_url);
    format!("{}/config.json", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organizations_tenant_is_read_from_a_401() {
        let tenant = "72f988bf-0000-4000-8000-00000000aaaa";
        let bearer = format!("Bearer authorization_uri=https://login.microsoftonline.com/{tenant}");
        let zero = "Bearer authorization_uri=https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000";
        type Headers<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Headers, Option<&str>); 6] = [
            (&[("x-vss-resourcetenant", tenant)], Some(tenant)),
            (
                &[
                    ("WWW-Authenticate", &bearer),
                    ("WWW-Authenticate", "Basic realm=\"x\""),
                ],
                Some(tenant),
            ),
            (
                &[
                    ("WWW-Authenticate", zero),
                    (
                        "X-VSS-ResourceTenant",
                        "00000000-0000-0000-0000-000000000000",
                    ),
                ],
                None,
            ),
            (
                &[(
                    "WWW-Authenticate",
                    "Bearer authorization_uri=https://login.microsoftonline.com/common",
                )],
                None,
            ),
            (&[("X-VSS-ResourceTenant", "72f988bf\" & calc & \"")], None),
            (&[("WWW-Authenticate", "Basic realm=\"x\"")], None),
        ];
        for (headers, expected) in cases {
            assert_eq!(
                resource_tenant(headers.iter().copied()).as_deref(),
                expected,
                "{headers:?}"
            );
        }
    }

    #[test]
    fn azure_bodies_are_recognised() {
        assert_eq!(
            Known::find("TF400813: The user 'x' is not authorized to access this resource."),
            Some(Known::NotAuthorized)
        );
        assert_eq!(
            Known::find("No local versions of package 'serde'; please provide authentication"),
            Some(Known::UpstreamNeedsAuth)
        );
        assert_eq!(
            Known::find("No authorization provided for feed F even though required by ~force-auth"),
            Some(Known::ForceAuth)
        );
        assert_eq!(Known::find("Unauthorized"), None);
    }

    #[test]
    fn the_client_takes_cargos_http_settings() {
        let dir = tempfile::tempdir().unwrap();
        let missing = HttpSettings {
            cainfo: Some(dir.path().join("nope.pem")),
            ..Default::default()
        };
        let err = Prober::new(&missing).unwrap_err().to_string();
        assert!(
            err.contains("http.cainfo") && err.contains("nope.pem"),
            "{err}"
        );
        let not_pem = dir.path().join("x.pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let err = Prober::new(&HttpSettings {
            cainfo: Some(not_pem),
            ..Default::default()
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("PEM"), "{err}");
        let proxied = HttpSettings {
            proxy: Some("proxy.example:3128".into()),
            timeout: Some(5),
            check_revoke: Some(false),
            ..Default::default()
        };
        assert!(Prober::new(&proxied).is_ok());
    }
}
