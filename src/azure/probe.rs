//! The HTTP probe: `GET <index>/config.json`, as cargo's first request, with or without a
//! token, and what each answer means for the user.
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
use crate::exit::{Code, Failure};
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

    fn explain(self) -> &'static str {
        match self {
            Known::NotAuthorized => {
                " Azure says TF400813: the request counted as anonymous or the identity has no \
                 access to this organization."
            }
            Known::UpstreamNeedsAuth => {
                " Azure says the crate is only upstream: saving it into the feed needs the Feed \
                 and Upstream Reader (Collaborator) role or higher."
            }
            Known::ForceAuth => {
                " Azure says this `~force-auth` URL needs a token: cargo must send one \
                 (credential provider and token configured)."
            }
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

    /// The innermost reason of a request error, which is the informative one.
    fn describe(&self, err: &reqwest::Error) -> String {
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

/// Checks a token before it is stored: `Ok` on a readable `config.json`, otherwise an error
/// saying what to fix and that nothing was stored.
pub fn check_token(
    http: &HttpSettings,
    index_url: &str,
    registry: &str,
    token: &Secret,
) -> Result<()> {
    let answer = Prober::new(http)?.probe(index_url, Some(token))?;
    match explain(&answer, index_url, registry) {
        None => Ok(()),
        Some(mut failure) => {
            failure.message.push_str(" Nothing was stored.");
            Err(failure.into())
        }
    }
}

/// The user-facing reading of an answer to a request made with a token; `None` for success.
pub fn explain(answer: &Answer, index_url: &str, registry: &str) -> Option<Failure> {
    let url = config_json_url(index_url);
    let via = |to: &Option<String>| {
        to.as_ref()
            .map(|t| format!(", after a redirect to `{t}`"))
            .unwrap_or_default()
    };
    let known = |k: &Option<Known>| k.map(Known::explain).unwrap_or_default();
    Some(match answer {
        Answer::Ok { .. } => return None,
        Answer::Unauthorized { known: k, .. } => Failure::new(
            Code::Auth,
            format!(
                "the feed rejected the token for `{registry}` (HTTP 401 from `{url}`).{} Likely \
                 causes: the PAT expired or was revoked; it lacks the Packaging (Read) scope; it \
                 was made for another organization; or, with `--azure-cli`, you are logged in to \
                 another tenant. Create a PAT with Packaging > Read (Read & write to publish) \
                 under User settings > Personal access tokens.",
                known(k)
            ),
        ),
        Answer::SignInPage {
            status,
            redirected_to,
        } => Failure::new(
            Code::Auth,
            format!(
                "the feed rejected the token for `{registry}`: `{url}` answered with a sign-in \
                 page (HTTP {status}{}) instead of the feed's config.json — Azure DevOps's way of \
                 refusing a credential it does not accept, and cargo gets the same page. Likely \
                 causes: the PAT expired, was revoked or is for another organization; the value \
                 is not `Basic base64(PAT:<pat>)` or `Bearer <token>`. Create a PAT with \
                 Packaging > Read and log in again.",
                via(redirected_to)
            ),
        ),
        Answer::NotAFeed {
            status,
            html: true,
            redirected_to,
        } => Failure::new(
            Code::Unreachable,
            format!(
                "not a feed: `{url}` answered HTTP {status} with an HTML page{} instead of the \
                 feed's config.json — typically a proxy, a captive portal or a firewall page, \
                 which cargo gets too. Check the network and cargo's `http.proxy` / HTTPS_PROXY.",
                via(redirected_to)
            ),
        ),
        Answer::NotAFeed {
            status,
            redirected_to,
            ..
        } => Failure::new(
            Code::NotFound,
            format!(
                "not a feed: `{url}` answered HTTP {status}{} but not with a Cargo config.json \
                 (a JSON object with `dl`): check that the URL is the feed's Cargo index, copied \
                 from its Artifacts page (Connect to feed > Cargo).",
                via(redirected_to)
            ),
        ),
        Answer::Forbidden { known: k } => Failure::new(
            Code::Auth,
            format!(
                "the token for `{registry}` is valid but may not read this feed (HTTP 403 from \
                 `{url}`).{} Ask a feed owner for at least the Feed Reader role (Feed and \
                 Upstream Reader to pull new crates from crates.io through the feed). On a public \
                 feed, owners and publishers need `--force-auth`.",
                known(k)
            ),
        ),
        Answer::NotFound { known: k } => Failure::new(
            Code::NotFound,
            format!(
                "no Cargo feed at `{url}` (HTTP 404).{} Check the organization (or collection), \
                 the project — omit it for an organization-scoped feed — and the feed name, \
                 e.g. by copying the feed's URL from its Artifacts page.",
                known(k)
            ),
        ),
        Answer::ProxyAuth => Failure::new(
            Code::Unreachable,
            format!(
                "a proxy between you and `{url}` wants credentials (HTTP 407): put them in \
                 cargo's `http.proxy` (`http://user:password@host:port`) or HTTPS_PROXY, as \
                 your network requires."
            ),
        ),
        Answer::RateLimited { retry_after } => Failure::new(
            Code::Unreachable,
            format!(
                "`{url}` is rate-limiting requests (HTTP 429){}: Azure DevOps throttles heavy \
                 users; wait and try again, or spread CI jobs out.",
                retry_after
                    .as_ref()
                    .map(|r| format!(", retry after {r} s"))
                    .unwrap_or_default()
            ),
        ),
        Answer::Status(status @ (413 | 431)) => Failure::new(
            Code::Auth,
            format!(
                "`{url}` refused the request as too large (HTTP {status}): the token for \
                 `{registry}` is far longer than a PAT or an Entra ID token — likely a whole \
                 file or several tokens pasted together. cargo sends the same header and fails \
                 the same way; use the PAT alone."
            ),
        ),
        Answer::Status(status @ (400 | 405 | 410 | 414)) => Failure::new(
            Code::NotFound,
            format!(
                "`{url}` answered HTTP {status} ({}): this URL is not a Cargo index that cargo \
                 can read; copy the feed's URL from its Artifacts page.",
                reason(*status)
            ),
        ),
        Answer::Status(status @ 500..=599) => Failure::new(
            Code::Unreachable,
            format!(
                "`{url}` failed on the server side (HTTP {status}, {}); this is not your setup: \
                 try again later, and check https://status.dev.azure.com.",
                reason(*status)
            ),
        ),
        Answer::Status(status) => Failure::new(
            Code::Unreachable,
            format!(
                "`{url}` answered HTTP {status} ({}), which is neither the feed's config.json \
                 nor a known refusal; cargo fails the same way. Run with `-v` to see the request.",
                reason(*status)
            ),
        ),
        Answer::Unreachable(why) => Failure::new(
            Code::Unreachable,
            format!(
                "could not reach `{url}`: {why}. Check the network, a proxy (`http.proxy`, \
                 HTTPS_PROXY) or the server URL; `--no-verify` skips this check."
            ),
        ),
    })
}

/// The standard reason phrase, for messages.
fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unknown status")
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
    fn answers_are_explained() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        assert!(
            explain(
                &Answer::Ok {
                    auth_required: true
                },
                index,
                "f"
            )
            .is_none()
        );
        let cases = [
            (
                Answer::Unauthorized {
                    tenant: None,
                    known: Some(Known::NotAuthorized),
                },
                Code::Auth,
                "TF400813",
            ),
            (
                Answer::SignInPage {
                    status: 203,
                    redirected_to: None,
                },
                Code::Auth,
                "sign-in page (HTTP 203)",
            ),
            (
                Answer::SignInPage {
                    status: 200,
                    redirected_to: Some("login.example/signin".into()),
                },
                Code::Auth,
                "redirect to `login.example/signin`",
            ),
            (
                Answer::NotAFeed {
                    status: 200,
                    html: true,
                    redirected_to: None,
                },
                Code::Unreachable,
                "proxy",
            ),
            (
                Answer::NotAFeed {
                    status: 200,
                    html: false,
                    redirected_to: None,
                },
                Code::NotFound,
                "not a feed",
            ),
            (Answer::Forbidden { known: None }, Code::Auth, "Feed Reader"),
            (
                Answer::NotFound {
                    known: Some(Known::UpstreamNeedsAuth),
                },
                Code::NotFound,
                "Collaborator",
            ),
            (Answer::ProxyAuth, Code::Unreachable, "HTTP 407"),
            (
                Answer::RateLimited {
                    retry_after: Some("30".into()),
                },
                Code::Unreachable,
                "retry after 30 s",
            ),
            (Answer::Status(431), Code::Auth, "too large"),
            (Answer::Status(410), Code::NotFound, "Gone"),
            (Answer::Status(503), Code::Unreachable, "HTTP 503"),
            (Answer::Status(418), Code::Unreachable, "HTTP 418"),
            (
                Answer::Unreachable("dns error".into()),
                Code::Unreachable,
                "dns error",
            ),
        ];
        for (answer, code, text) in cases {
            let failure = explain(&answer, index, "f").unwrap();
            assert_eq!(failure.code, code, "{answer:?}");
            assert!(failure.message.contains(text), "{}", failure.message);
            assert!(
                !failure.message.contains("try again later") || code == Code::Unreachable,
                "{}",
                failure.message
            );
            assert!(
                failure
                    .message
                    .contains("https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/config.json")
            );
        }
    }

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
