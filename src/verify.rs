//! The HTTP probe: `GET <index>/config.json`, as cargo's first request, with or without a
//! token, and what each answer means for the user.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::exit::{Code, Failure};
use crate::token::Secret;
use crate::ui;

/// What the feed answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Ok,
    /// 401; `tenant` is the organization's Entra tenant, when the answer names it.
    Unauthorized {
        tenant: Option<String>,
    },
    Forbidden,
    NotFound,
    Other(u16),
    /// No HTTP answer at all; the text says why (DNS, TLS, refused, timeout).
    Unreachable(String),
}

/// Fetches `config.json` of the sparse index `index_url` (with its `sparse+` prefix).
pub fn probe(index_url: &str, token: Option<&Secret>) -> Result<Answer> {
    let url = config_json_url(index_url);
    // rustls needs its cryptography chosen once per process; a second call is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .user_agent(concat!("feedctl/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .context("failed to set up the HTTP client")?;
    let mut request = client.get(&url);
    if let Some(token) = token {
        let mut value = reqwest::header::HeaderValue::from_str(token.expose())
            .map_err(|_| anyhow::anyhow!("the token cannot be sent as an HTTP header"))?;
        value.set_sensitive(true);
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    ui::debug(format!(
        "GET {url} ({})",
        if token.is_some() {
            "with the token"
        } else {
            "anonymously"
        }
    ));
    let answer = match request.send() {
        Ok(response) => match response.status().as_u16() {
            200..=299 => Answer::Ok,
            401 => Answer::Unauthorized {
                tenant: resource_tenant(
                    response
                        .headers()
                        .iter()
                        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
                ),
            },
            403 => Answer::Forbidden,
            404 => Answer::NotFound,
            other => Answer::Other(other),
        },
        Err(e) => Answer::Unreachable(describe(&e)),
    };
    ui::debug(format!("answer: {answer:?}"));
    Ok(answer)
}

/// Checks a token before it is stored: `Ok` on 200, otherwise an error saying what to fix
/// and that nothing was stored.
pub fn check_token(index_url: &str, registry: &str, token: &Secret) -> Result<()> {
    let answer = probe(index_url, Some(token))?;
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
    Some(match answer {
        Answer::Ok => return None,
        Answer::Unauthorized { .. } => Failure::new(
            Code::Auth,
            format!(
                "the feed rejected the token for `{registry}` (HTTP 401 from `{url}`). Likely \
                 causes: the PAT expired or was revoked; it lacks the Packaging (Read) scope; it \
                 was made for another organization; or, with `--azure-cli`, you are logged in to \
                 another tenant. Create a PAT with Packaging > Read (Read & write to publish) \
                 under User settings > Personal access tokens."
            ),
        ),
        Answer::Forbidden => Failure::new(
            Code::Auth,
            format!(
                "the token for `{registry}` is valid but may not read this feed (HTTP 403 from \
                 `{url}`): ask a feed owner for at least the Feed Reader role (Feed and Upstream \
                 Reader to pull new crates from crates.io through the feed). On a public feed, \
                 owners and publishers need `--force-auth`."
            ),
        ),
        Answer::NotFound => Failure::new(
            Code::NotFound,
            format!(
                "no Cargo feed at `{url}` (HTTP 404): check the organization (or collection), \
                 the project — omit it for an organization-scoped feed — and the feed name, \
                 e.g. by copying the feed's URL from its Artifacts page."
            ),
        ),
        Answer::Other(status) => Failure::new(
            Code::Unreachable,
            format!("`{url}` answered HTTP {status}; try again later."),
        ),
        Answer::Unreachable(why) => Failure::new(
            Code::Unreachable,
            format!(
                "could not reach `{url}`: {why}. Check the network, a proxy (HTTPS_PROXY) or \
                 the server URL; `--no-verify` skips this check."
            ),
        ),
    })
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

/// The innermost reason of a request error, which is the informative one.
fn describe(err: &reqwest::Error) -> String {
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
    format!("{kind} ({source})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_explained() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        assert!(explain(&Answer::Ok, index, "f").is_none());
        let cases = [
            (
                Answer::Unauthorized { tenant: None },
                Code::Auth,
                "Packaging (Read) scope",
            ),
            (Answer::Forbidden, Code::Auth, "Feed Reader"),
            (Answer::NotFound, Code::NotFound, "organization-scoped"),
            (Answer::Other(503), Code::Unreachable, "HTTP 503"),
            (
                Answer::Unreachable("dns error".into()),
                Code::Unreachable,
                "dns error",
            ),
        ];
        for (answer, code, text) in cases {
            let failure = explain(&answer, index, "f").unwrap();
            assert_eq!(failure.code, code);
            assert!(failure.message.contains(text), "{}", failure.message);
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
}
