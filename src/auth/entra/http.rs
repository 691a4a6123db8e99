//! The HTTP rules every source follows: which endpoints may be spoken to, one blocking client
//! (no redirects, so an endpoint cannot send a token elsewhere), the Entra ID token exchange
//! for a federated credential, and the error shapes of the endpoints.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderValue;
use serde_json::Value;
use url::{Host, Url};

use super::{AccessToken, SCOPE};
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};
use crate::ui;
use crate::util::jwt;

/// The most of an answer's body read: token answers and error documents are a few KB.
const BODY_LIMIT: u64 = 1024 * 1024;

/// Where Entra ID lives unless `AZURE_AUTHORITY_HOST` says otherwise.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The Azure Instance Metadata Service: the one non-loopback address spoken to in plain http.
pub const IMDS_ADDRESS: std::net::Ipv4Addr = std::net::Ipv4Addr::new(169, 254, 169, 254);

/// Parses an endpoint taken from a platform's variable `var`: `https`, or plain `http` only
/// for a loopback host (or the fixed IMDS address when `imds` allows it).
pub fn endpoint(value: &str, var: &str, imds: bool) -> Result<Url, Failure> {
    let bad =
        |why: &str| Failure::new(Code::Usage, format!("`{var}` is `{}`: {why}", value.trim()));
    let url = Url::parse(value.trim()).map_err(|e| bad(&format!("not a URL ({e})")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) || (imds && url.host() == Some(Host::Ipv4(IMDS_ADDRESS))) => {
            Ok(url)
        }
        "http" => Err(bad(
            "plain http is accepted only for loopback addresses; a token must not cross the \
             network unencrypted",
        )),
        other => Err(bad(&format!("`{other}` is not an HTTP(S) scheme"))),
    }
}

/// Whether the URL's host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// One client per request kind. Identity endpoints on the machine itself (App Service, IMDS)
/// are asked without a proxy, as Azure's SDKs do.
pub fn client(proxy: bool) -> Result<Client> {
    builder(proxy)
        .build()
        .context("failed to set up the HTTP client")
}

/// The settings every client shares, for a caller that adds its own (Service Fabric's TLS).
pub fn builder(proxy: bool) -> reqwest::blocking::ClientBuilder {
    // rustls needs its cryptography chosen once per process; a second call is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = Client::builder()
        .user_agent(concat!("feedctl/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30));
    if !proxy {
        builder = builder.no_proxy();
    }
    builder
}

/// A header value that reqwest keeps out of its debug output.
pub fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| anyhow::anyhow!("a token cannot be sent as an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// An answer: status, body text and the challenge of a 401 (Azure Arc names its key file there).
#[derive(Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub www_authenticate: Option<String>,
}

impl Reply {
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// Sends a request; a failure to get any answer names `what` and the URL (without query,
/// which may carry ids but never secrets).
pub fn send(request: RequestBuilder, what: &str, url: &Url) -> Result<Reply> {
    let shown = without_query(url);
    ui::debug(format!("entra: {what}: {shown}"));
    let response = request.send().map_err(|e| {
        Failure::new(
            Code::Unreachable,
            format!("could not reach {what} at `{shown}`: {}", innermost(&e)),
        )
    })?;
    let status = response.status().as_u16();
    let www_authenticate = response
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // A token answer is a few KB; an endpoint that never stops sending gets cut off, not
    // held in memory (the cut JSON then fails to parse and is reported as such).
    let mut body = Vec::new();
    let _ = std::io::Read::take(response, BODY_LIMIT).read_to_end(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    ui::debug(format!("entra: {what} answered HTTP {status}"));
    Ok(Reply {
        status,
        body,
        www_authenticate,
    })
}

fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

fn innermost(err: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// The Entra authority: `AZURE_AUTHORITY_HOST` or the public cloud's.
pub fn authority(value: Option<&str>) -> Result<Url, Failure> {
    endpoint(
        value.unwrap_or(DEFAULT_AUTHORITY),
        "AZURE_AUTHORITY_HOST",
        false,
    )
}

/// A tenant id or domain as Entra accepts it in a path.
fn check_tenant(tenant: &str, var: &str) -> Result<(), Failure> {
    if !tenant.is_empty()
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        Ok(())
    } else {
        Err(Failure::new(
            Code::Usage,
            format!(
                "`{var}` is `{tenant}`, which is not a tenant id (a GUID such as \
                 `72f988bf-86f1-41af-91ab-2d7cd011db47`) or domain"
            ),
        ))
    }
}

/// An app's federated credential: the client id, its tenant and the authority.
#[derive(Debug, Clone)]
pub struct Federated {
    pub authority: Url,
    pub tenant: String,
    pub client_id: String,
}

impl Federated {
    /// The app `client_id` in `tenant`, which the variable `tenant_var` holds (named when it
    /// is not a tenant), at the authority `authority_host` (`AZURE_AUTHORITY_HOST`) or Entra's.
    pub fn new(
        authority_host: Option<&str>,
        tenant: &str,
        tenant_var: &str,
        client_id: &str,
    ) -> Result<Federated, Failure> {
        check_tenant(tenant, tenant_var)?;
        Ok(Federated {
            authority: authority(authority_host)?,
            tenant: tenant.trim().to_string(),
            client_id: client_id.trim().to_string(),
        })
    }

    /// `POST {authority}/{tenant}/oauth2/v2.0/token` with the platform's OIDC token as the
    /// client assertion; `advice` says what to check on the platform side when Entra refuses.
    pub fn exchange(&self, assertion: &Secret, advice: &str) -> Result<AccessToken> {
        let mut url = self.authority.clone();
        url.path_segments_mut()
            .map_err(|()| anyhow::anyhow!("`{}` cannot be an authority", self.authority))?
            .pop_if_empty()
            .extend([self.tenant.as_str(), "oauth2", "v2.0", "token"]);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.client_id)
            .append_pair(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .append_pair("client_assertion", assertion.as_deref().expose())
            .append_pair("scope", SCOPE)
            .finish();
        let request = client(true)?
            .post(url.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        let reply = send(request, "Microsoft Entra ID", &url)?;
        if reply.status == 200 {
            return token_from(&reply, "Microsoft Entra ID");
        }
        Err(self.refusal(&reply, assertion, advice).into())
    }

    fn refusal(&self, reply: &Reply, assertion: &Secret, advice: &str) -> Failure {
        let (codes, description) = entra_error(reply);
        let claims = jwt::Claims::of(assertion.as_deref().expose());
        let presented = claims
            .as_ref()
            .map(|c| {
                format!(
                    " The platform's token says issuer `{}`, subject `{}`, audience `{}`.",
                    c.iss.as_deref().unwrap_or("?"),
                    c.sub.as_deref().unwrap_or("?"),
                    c.aud.as_deref().unwrap_or("?")
                )
            })
            .unwrap_or_default();
        let has = |code: u32| codes.contains(&code);
        let fix = if has(700213) || has(70021) || has(700211) || has(700212) {
            format!(
                "no federated credential of app `{}` matches the platform's token: in Microsoft \
                 Entra ID > App registrations (or the managed identity) > Certificates & secrets \
                 > Federated credentials, add one with exactly this issuer and subject and the \
                 audience `api://AzureADTokenExchange`.{presented} {advice}",
                self.client_id
            )
        } else if has(700016) {
            format!(
                "Entra ID knows no app `{}` in tenant `{}`: check the client id and tenant id \
                 variables.",
                self.client_id, self.tenant
            )
        } else if has(90002) || has(900023) || has(500011) {
            format!(
                "Entra ID does not know the tenant `{}`: check the tenant id variable.",
                self.tenant
            )
        } else if has(700024) || has(700027) {
            format!("the platform's token expired or is not valid yet.{presented} {advice}")
        } else {
            advice.to_string()
        };
        Failure::new(
            Code::Auth,
            format!(
                "Microsoft Entra ID refused the token exchange for app `{}` (HTTP {}: {description}): {fix}",
                self.client_id, reply.status
            ),
        )
    }
}

/// AADSTS codes and the first line of the description of an Entra error body.
pub fn entra_error(reply: &Reply) -> (Vec<u32>, String) {
    let json = reply.json();
    let codes = json
        .as_ref()
        .and_then(|j| j.get("error_codes"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_u64())
                .map(|c| c as u32)
                .collect()
        })
        .unwrap_or_default();
    let description = json
        .as_ref()
        .and_then(|j| {
            j.get("error_description")
                .or_else(|| j.get("error"))
                .or_else(|| j.get("message"))
                .and_then(Value::as_str)
        })
        .map(|d| d.lines().next().unwrap_or_default().trim().to_string())
        .unwrap_or_else(|| snippet(&reply.body));
    (codes, description)
}

/// The start of a body that is not JSON, on one line.
pub fn snippet(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "empty body".to_string();
    }
    let cut: String = flat.chars().take(160).collect();
    if cut.len() < flat.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// `access_token` and its expiry (`expires_on` as epoch seconds, number or string, or
/// `expires_in` seconds from now) from a token answer.
pub fn token_from(reply: &Reply, what: &str) -> Result<AccessToken> {
    let malformed = || {
        // A body that mentions a token might hold one: never echo it.
        let body = if reply.body.contains("token") {
            "a body that is not a token answer".to_string()
        } else {
            snippet(&reply.body)
        };
        Failure::new(
            Code::Auth,
            format!(
                "{what} answered HTTP {} without an access token ({body})",
                reply.status
            ),
        )
    };
    let json = reply.json().ok_or_else(malformed)?;
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(malformed)?;
    let seconds = |key: &str| {
        json.get(key).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expires_on = seconds("expires_on")
        .or_else(|| seconds("expires_in").map(|s| now + s))
        .or_else(|| jwt::Claims::of(token).and_then(|c| c.exp));
    Ok(AccessToken {
        header: crate::auth::secret::bearer(token),
        expires_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback_and_imds() {
        for ok in [
            "https://login.microsoftonline.com",
            "http://127.0.0.1:8081/msi/token",
            "http://[::1]:1/x",
            "http://localhost:42/x",
        ] {
            assert!(endpoint(ok, "V", false).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/x",
            "http://login.example/x",
            "http://169.254.169.254/metadata",
            "ftp://127.0.0.1/",
            "not a url",
        ] {
            let failure = endpoint(bad, "V", false).unwrap_err();
            assert!(failure.message.starts_with("`V` is"), "{}", failure.message);
        }
        assert!(endpoint("http://169.254.169.254/metadata", "V", true).is_ok());
        assert!(endpoint("http://169.254.169.253/metadata", "V", true).is_err());
    }

    #[test]
    fn token_answers_are_read_in_every_shape() {
        let reply = |body: &str| Reply {
            status: 200,
            body: body.to_string(),
            ..Reply::default()
        };
        let t = token_from(
            &reply(r#"{"access_token":"abc","expires_on":"1700000000"}"#),
            "x",
        )
        .unwrap();
        assert_eq!(t.expires_on, Some(1_700_000_000));
        assert_eq!(t.header.as_deref().expose(), "Bearer abc");
        let t = token_from(
            &reply(r#"{"access_token":"abc","expires_on":1700000001}"#),
            "x",
        )
        .unwrap();
        assert_eq!(t.expires_on, Some(1_700_000_001));
        let t = token_from(&reply(r#"{"access_token":"abc","expires_in":3599}"#), "x").unwrap();
        assert!(t.expires_on.unwrap() > 1_700_000_000);
        assert!(token_from(&reply("<html>"), "x").is_err());
        assert!(token_from(&reply(r#"{"access_token":""}"#), "x").is_err());
    }

    #[test]
    fn entra_errors_name_the_fix() {
        let federated = Federated {
            authority: Url::parse(DEFAULT_AUTHORITY).unwrap(),
            tenant: "t".into(),
            client_id: "c".into(),
        };
        let body = r#"{"error":"invalid_client","error_description":"AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:o/r:ref:refs/heads/dev'.\r\nTrace ID: x","error_codes":[700213]}"#;
        let reply = Reply {
            status: 400,
            body: body.into(),
            ..Reply::default()
        };
        let failure = federated.refusal(
            &reply,
            &crate::auth::secret::verbatim("not-a-jwt"),
            "ADVICE",
        );
        assert!(
            failure.message.contains("AADSTS700213"),
            "{}",
            failure.message
        );
        assert!(failure.message.contains("Federated credentials"));
        assert!(failure.message.contains("ADVICE"));
        assert!(!failure.message.contains("Trace ID"));
    }
}
