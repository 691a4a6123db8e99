//! One REST request to Azure DevOps: described first as a [`Request`] (what `--dry-run` shows:
//! method, URL with its `api-version`, JSON body; never the token), then sent by a
//! [`RestClient`] with the token, through the same HTTP client as the feed probe, so cargo's
//! `[http]` settings (`proxy`, `cainfo`, `timeout`) apply exactly as they do to cargo.
//!
//! Requests carry `X-TFS-FedAuthRedirect: Suppress`, as Azure DevOps' own clients do, so a
//! refused token comes back as a 401 with a JSON body rather than a sign-in page; a sign-in
//! page is still recognised. Every answer that is not a 2xx JSON document becomes a
//! [`RestError`] that says what the identity lacks.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::error::{Action, RestError, TokenKind};
use crate::auth::secret::Secret;
use crate::azure::probe::Prober;
use crate::cargo::config::effective::HttpSettings;
use crate::ui;

/// The most of an answer read: a feed list of a large organization stays well below this.
const BODY_LIMIT: u64 = 16 * 1024 * 1024;

/// The longest a download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The `api-version` of the feed management and package APIs (7.1 on Services and on Azure
/// DevOps Server 2022.1 and later).
pub const FEEDS_API_VERSION: &str = "7.1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request, fully described before anything is sent.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub method: Method,
    /// The whole URL, `api-version` included.
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// What the request asks for, in words and as a kind (for explaining a refusal).
    #[serde(skip)]
    pub action: Action,
}

impl Request {
    /// A request to `url` with `api-version` added.
    pub fn new(method: Method, mut url: Url, api_version: Option<&str>, action: Action) -> Self {
        if let Some(version) = api_version {
            url.query_pairs_mut().append_pair("api-version", version);
        }
        Request {
            method,
            url: url.to_string(),
            body: None,
            action,
        }
    }

    /// The same request with query parameters added (before `api-version` does not matter).
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        if let Ok(mut url) = Url::parse(&self.url) {
            url.query_pairs_mut().extend_pairs(pairs);
            self.url = url.to_string();
        }
        self
    }

    pub fn body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// `METHOD URL` and the body, as `--dry-run` prints it.
    pub fn show(&self) -> String {
        let mut out = format!("{} {}", self.method.as_str(), self.url);
        if let Some(body) = &self.body {
            out.push('\n');
            out.push_str(&serde_json::to_string_pretty(body).unwrap_or_default());
        }
        out
    }
}

/// Sends requests with one token (or none) and cargo's HTTP settings.
pub struct RestClient {
    prober: Prober,
    token: Option<Secret>,
    kind: TokenKind,
    /// Where the organization is, for messages.
    place: String,
    server: bool,
    /// Whether Azure has already accepted this token for some request, which narrows a later
    /// refusal down to what that request needed more (a scope or a role).
    accepted: AtomicBool,
}

/// An answer read as bytes (a sparse index file, a `.crate`), whatever its status.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    /// `Retry-After` in seconds, on a 429 or 503.
    pub retry_after: Option<Duration>,
    /// The body when it was kept (else empty: a download is read to its end and dropped).
    pub body: Vec<u8>,
}

impl RestClient {
    /// A client for the organization described by `place` (`Endpoints::place`).
    pub fn new(
        http: &HttpSettings,
        token: Option<Secret>,
        kind: TokenKind,
        place: &str,
        server: bool,
    ) -> Result<RestClient> {
        Ok(RestClient {
            prober: Prober::new(http)?,
            token,
            kind,
            place: place.to_string(),
            server,
            accepted: AtomicBool::new(false),
        })
    }

    /// Sends `request` and parses the JSON answer as `T`.
    pub fn call<T: DeserializeOwned>(&self, request: &Request) -> Result<T, Box<RestError>> {
        let value = self.send(request)?;
        serde_json::from_value(value).map_err(|e| {
            Box::new(self.error(request, None, None, format!("unexpected answer shape: {e}")))
        })
    }

    /// Sends `request`; a 2xx JSON answer is returned, anything else explained.
    pub fn send(&self, request: &Request) -> Result<serde_json::Value, Box<RestError>> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .prober
            .client()
            .request(method, &request.url)
            .header(ACCEPT, "application/json")
            .header("X-TFS-FedAuthRedirect", "Suppress");
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(token.as_deref().expose()).map_err(|_| {
                Box::new(self.error(
                    request,
                    None,
                    None,
                    "the token cannot be sent as an HTTP header".into(),
                ))
            })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        ui::debug(format!(
            "{} {} ({})",
            request.method.as_str(),
            request.url,
            if self.token.is_some() {
                "with the token"
            } else {
                "anonymously"
            }
        ));
        let response = builder.send().map_err(|e| {
            Box::new(RestError::unreachable(
                &request.action,
                &self.place,
                self.prober.describe(&e),
            ))
        })?;
        let status = response.status().as_u16();
        let html = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
        let mut body = Vec::new();
        let _ = response.take(BODY_LIMIT).read_to_end(&mut body);
        let body = String::from_utf8_lossy(&body);
        ui::debug(format!("answer for {}: {status}", request.url));
        if (200..300).contains(&status) && !html {
            if let Ok(value) = serde_json::from_str(&body) {
                self.accepted.store(true, Ordering::Relaxed);
                return Ok(value);
            }
            if body.trim().is_empty() {
                self.accepted.store(true, Ordering::Relaxed);
                return Ok(serde_json::Value::Null);
            }
        }
        let html = html || body.trim_start().starts_with('<');
        if !html && !matches!(status, 401 | 403 | 407) && !(200..300).contains(&status) {
            // Azure processed the request as this identity and answered about the thing asked
            // (a feed that does not exist, a name taken): the token itself was accepted.
            self.accepted.store(true, Ordering::Relaxed);
        }
        Err(Box::new(RestError::classify(
            &request.action,
            &super::error::Answer {
                status,
                html,
                body: &body,
            },
            &self.context(),
        )))
    }

    /// `GET url` with the token and cargo's HTTP settings, for what is not a JSON API: the
    /// feed's sparse index and its downloads. Every status comes back for the caller to read;
    /// only a request that got no answer is an error (in words, never with the token).
    /// `keep` says whether the body is wanted; a body not kept is still read to its end, as
    /// a download counts once it is served whole.
    pub fn get_raw(&self, url: &str, keep: bool) -> Result<Raw, String> {
        let mut builder = self.prober.client().get(url);
        if !keep {
            // A download may wait while Azure fetches the crate from its upstream, and a big
            // crate takes a while: the client's whole-request limit is for small answers.
            builder = builder.timeout(DOWNLOAD_TIMEOUT);
        }
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(token.as_deref().expose())
                .map_err(|_| "the token cannot be sent as an HTTP header".to_string())?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        ui::debug(format!("GET {url}"));
        let response = builder.send().map_err(|e| self.prober.describe(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = Vec::new();
        let mut reader = response.take(BODY_LIMIT);
        let read = if keep || !(200..300).contains(&status) {
            reader.read_to_end(&mut body).map(drop)
        } else {
            std::io::copy(&mut reader, &mut std::io::sink()).map(drop)
        };
        read.map_err(|e| format!("the answer broke off: {e}"))?;
        ui::debug(format!("answer for {url}: {status}"));
        Ok(Raw {
            status,
            retry_after,
            body,
        })
    }

    fn context(&self) -> super::error::Context {
        super::error::Context {
            token: if self.token.is_some() {
                self.kind
            } else {
                TokenKind::None
            },
            accepted_before: self.accepted.load(Ordering::Relaxed),
            place: self.place.clone(),
            server: self.server,
        }
    }

    fn error(
        &self,
        request: &Request,
        status: Option<u16>,
        body: Option<&str>,
        why: String,
    ) -> RestError {
        RestError::unexpected(&request.action, &self.context(), status, body, why)
    }
}
