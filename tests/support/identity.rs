//! [`IdentityStandIn`]: loopback stand-ins for the identity endpoints the `--auth entra`
//! chain talks to, answering like the real ones (bodies and error shapes):
//!
//! | route | stands in for | checks |
//! |---|---|---|
//! | `GET /github/token?…&audience=…` | GitHub's `ACTIONS_ID_TOKEN_REQUEST_URL` | `Authorization: bearer <request token>`, the audience |
//! | `POST /ado/oidc?api-version=7.1&serviceConnectionId=…` | Azure Pipelines' `SYSTEM_OIDCREQUESTURI` | `Bearer <system token>`, `X-TFS-FedAuthRedirect`, the connection id |
//! | `POST /{tenant}/oauth2/v2.0/token` | Microsoft Entra ID (`AZURE_AUTHORITY_HOST`) | tenant, client id, assertion type, scope, the assertion's audience, subject and expiry (AADSTS JSON errors) |
//! | `GET /msi/token?api-version=2019-08-01&resource=…` | App Service's `IDENTITY_ENDPOINT` | `X-IDENTITY-HEADER`, resource, `client_id` |
//! | `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` | IMDS, through `FEEDCTL_TEST_IMDS_ENDPOINT` | `Metadata: true`, resource |
//! | `GET /arc/token?api-version=2020-06-01&resource=…` | the Azure Arc agent (`IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`) | `Metadata: true`; 401 with `WWW-Authenticate: Basic realm=<key file>` ([`IdentityStandIn::arc_realm`]) until `Authorization: Basic <`[`ARC_KEY`]`>` |
//! | `GET /fabric/token?api-version=2019-07-01-preview&resource=…` | Service Fabric's `IDENTITY_ENDPOINT` (behind a [`TlsFront`](super::tls::TlsFront)) | `Secret: <IDENTITY_HEADER>`, resource |
//! | `POST /cloudshell/token` with the form `resource=…` | Azure Cloud Shell's `MSI_ENDPOINT` | `Metadata: true`, form content type, resource |
//!
//! Any route first answers the statuses [`IdentityStandIn::fail_first`] queues for it (410,
//! 404, 429, 503, … with IMDS's error bodies), as a busy endpoint does.
//!
//! These follow what `azure-identity` for Python sends (`_credentials/imds.py`,
//! `azure_arc.py`, `cloud_shell.py`) and what Microsoft documents the endpoints to answer.
//!
//! Every platform token the stand-in hands out is a JWT with `aud`, `sub`, `iss` and `exp`;
//! every access token names the identity (`appid`, `oid`, `tid`, `exp`), so the feed can be
//! told to accept exactly [`IdentityStandIn::bearer`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine as _;
use serde_json::{Value, json};
use tiny_http::{Header, Request, Response, Server};

pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
pub const OBJECT_ID: &str = "99999999-8888-7777-6666-555555555555";
pub const MI_CLIENT_ID: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
pub const GITHUB_REQUEST_TOKEN: &str = "ghs-REQUEST-TOKEN-secret-4711";
pub const SYSTEM_ACCESSTOKEN: &str = "SYSTEM-ACCESSTOKEN-secret-4712";
pub const IDENTITY_HEADER: &str = "IDENTITY-HEADER-secret-4713";
pub const SERVICE_CONNECTION: &str = "3c7f6d2e-0000-4000-8000-00000000abcd";
pub const GITHUB_SUBJECT: &str = "repo:contoso/app:ref:refs/heads/main";
pub const PIPELINES_SUBJECT: &str = "sc://contoso/web/crates-connection";
/// The secret the Arc agent writes into its key file.
pub const ARC_KEY: &str = "ARC-KEY-secret-4714";
const RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";
const AUDIENCE: &str = "api://AzureADTokenExchange";

/// One request the stand-in answered.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running stand-in; the thread stops on drop.
pub struct IdentityStandIn {
    state: Arc<State>,
    server: Arc<Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

struct State {
    url: String,
    /// The subject Entra ID's federated credential expects.
    subject: Mutex<String>,
    /// Seconds the access tokens live (negative: already expired).
    access_exp: i64,
    log: Mutex<Vec<Seen>>,
    /// Statuses a route (its path) answers before it serves as usual.
    fails: Mutex<Vec<(String, VecDeque<u16>)>>,
    /// The key file the Arc agent's challenge names.
    arc_realm: Mutex<String>,
}

impl IdentityStandIn {
    pub fn start() -> IdentityStandIn {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind the identity stand-in"));
        let port = server.server_addr().to_ip().expect("TCP").port();
        let state = Arc::new(State {
            url: format!("http://127.0.0.1:{port}"),
            subject: Mutex::new(GITHUB_SUBJECT.to_string()),
            access_exp: now() + 3600,
            log: Mutex::new(Vec::new()),
            fails: Mutex::new(Vec::new()),
            arc_realm: Mutex::new(String::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, server, stop) = (state.clone(), server.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(request) = server.recv() {
                        state.serve(request);
                    }
                }
            })
        };
        IdentityStandIn {
            state,
            server,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.state.url.clone()
    }

    /// Make Entra ID's federated credential expect another subject.
    pub fn expect_subject(&self, subject: &str) {
        *self.state.subject.lock().unwrap() = subject.to_string();
    }

    /// The access token issued to an app (`CLIENT_ID`) or managed identity.
    pub fn access_token(&self, client_id: &str) -> String {
        jwt(&json!({
            "aud": RESOURCE, "appid": client_id, "oid": OBJECT_ID, "tid": TENANT,
            "exp": self.state.access_exp,
        }))
    }

    /// `Bearer <access token>`, what the feed must accept.
    pub fn bearer(&self, client_id: &str) -> String {
        format!("Bearer {}", self.access_token(client_id))
    }

    /// The route at `path` (e.g. `/metadata/identity/oauth2/token`, `/msi/token`) answers
    /// these statuses, in order, with the endpoint's error bodies, before it serves as usual.
    pub fn fail_first(&self, path: &str, statuses: &[u16]) {
        let mut fails = self.state.fails.lock().unwrap();
        fails.retain(|(p, _)| p != path);
        fails.push((path.to_string(), statuses.iter().copied().collect()));
    }

    /// The key file the Arc agent's 401 challenge names.
    pub fn arc_realm(&self, path: &std::path::Path) {
        *self.state.arc_realm.lock().unwrap() = path.display().to_string();
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.log.lock().unwrap().clone()
    }

    /// A platform (OIDC) token as a cluster or CI would sign it.
    pub fn platform_token(subject: &str, audience: &str, exp: i64) -> String {
        jwt(&json!({
            "iss": "https://token.actions.githubusercontent.com",
            "sub": subject, "aud": audience, "exp": exp,
        }))
    }
}

impl Drop for IdentityStandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn jwt(payload: &Value) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(&json!({"typ": "JWT", "alg": "RS256"})),
        b64(payload)
    )
}

fn claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn query(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Entra ID's error body: `{"error", "error_description": "AADSTS…: …", "error_codes": […]}`.
fn aadsts(status: u16, error: &str, code: u32, text: &str) -> (u16, Value) {
    (
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 0000 Correlation ID: 1111 Timestamp: 2026-11-25 10:00:00Z"),
            "error_codes": [code],
            "timestamp": "2026-11-25 10:00:00Z",
            "trace_id": "0000",
            "correlation_id": "1111",
        }),
    )
}

/// What an identity endpoint answers while it is busy, as Microsoft documents IMDS's errors.
fn busy(status: u16) -> (u16, Value) {
    let (error, text) = match status {
        404 => ("not_found", "Identity not found"),
        410 => ("gone", "IMDS is being updated"),
        429 => ("too_many_requests", "Too many requests"),
        _ => ("internal_error", "IMDS encountered an internal error"),
    };
    (status, json!({"error": error, "error_description": text}))
}

impl State {
    fn serve(&self, mut request: Request) {
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect();
        let method = request.method().as_str().to_string();
        let url = request.url().to_string();
        let mut seen = Seen {
            method,
            url,
            headers,
            body,
            status: 0,
        };
        let (status, value) = self.reply(&seen);
        seen.status = status;
        let challenge = (status == 401 && seen.url.starts_with("/arc/"))
            .then(|| format!("Basic realm={}", self.arc_realm.lock().unwrap()));
        self.log.lock().unwrap().push(seen);
        let mut response = Response::from_string(value.to_string())
            .with_status_code(status)
            .with_header(
                Header::from_bytes("Content-Type", "application/json; charset=utf-8").unwrap(),
            );
        if let Some(challenge) = challenge {
            response.add_header(Header::from_bytes("WWW-Authenticate", challenge).unwrap());
        }
        let _ = request.respond(response);
    }

    fn reply(&self, seen: &Seen) -> (u16, Value) {
        let path = seen.url.split('?').next().unwrap_or_default();
        let q = query(&seen.url);
        let failing = self
            .fails
            .lock()
            .unwrap()
            .iter_mut()
            .find(|(p, _)| p == path)
            .and_then(|(_, statuses)| statuses.pop_front());
        if let Some(status) = failing {
            return busy(status);
        }
        match (seen.method.as_str(), path) {
            ("GET", "/github/token") => {
                if seen.header("Authorization") != Some(&format!("bearer {GITHUB_REQUEST_TOKEN}")) {
                    return (401, json!({"message": "Bad credentials"}));
                }
                let audience = param(&q, "audience").unwrap_or("");
                let subject = GITHUB_SUBJECT;
                (
                    200,
                    json!({"count": 1, "value": IdentityStandIn::platform_token(subject, audience, now() + 300)}),
                )
            }
            ("POST", "/ado/oidc") => {
                if seen.header("Authorization") != Some(&format!("Bearer {SYSTEM_ACCESSTOKEN}"))
                    || seen.header("X-TFS-FedAuthRedirect") != Some("Suppress")
                {
                    return (
                        401,
                        json!({"message": "TF400813: The user '' is not authorized to access this resource."}),
                    );
                }
                if param(&q, "api-version") != Some("7.1") {
                    return (400, json!({"message": "api-version is required"}));
                }
                if param(&q, "serviceConnectionId") != Some(SERVICE_CONNECTION) {
                    return (
                        400,
                        json!({
                            "$id": "1", "innerException": null,
                            "message": format!("Could not find service connection with id {}, or the pipeline is not authorized to use it.", param(&q, "serviceConnectionId").unwrap_or("")),
                            "typeName": "Microsoft.TeamFoundation.DistributedTask.WebApi.ServiceEndpointNotFoundException, Microsoft.TeamFoundation.DistributedTask.WebApi",
                            "typeKey": "ServiceEndpointNotFoundException", "errorCode": 0, "eventId": 3000,
                        }),
                    );
                }
                (
                    200,
                    json!({"oidcToken": IdentityStandIn::platform_token(PIPELINES_SUBJECT, AUDIENCE, now() + 300)}),
                )
            }
            ("POST", p) if p.ends_with("/oauth2/v2.0/token") => self.entra(p, &seen.body),
            ("GET", "/msi/token") => {
                if seen.header("X-IDENTITY-HEADER") != Some(IDENTITY_HEADER) {
                    return (
                        401,
                        json!({"statusCode": 401, "message": "Unauthorized request"}),
                    );
                }
                self.managed(&q, "2019-08-01")
            }
            ("GET", "/metadata/identity/oauth2/token") => {
                if seen.header("Metadata") != Some("true") {
                    return (
                        400,
                        json!({"error": "invalid_request", "error_description": "Required metadata header not specified"}),
                    );
                }
                self.managed(&q, "2018-02-01")
            }
            ("GET", "/arc/token") => {
                if seen.header("Metadata") != Some("true") {
                    return (
                        400,
                        json!({"error": "invalid_request", "error_description": "Required metadata header not specified"}),
                    );
                }
                if seen.header("Authorization") != Some(&format!("Basic {ARC_KEY}")) {
                    return (
                        401,
                        json!({"error": "unauthorized_client", "error_description": "Unauthorized request"}),
                    );
                }
                self.managed(&q, "2020-06-01")
            }
            ("GET", "/fabric/token") => {
                if seen.header("Secret") != Some(IDENTITY_HEADER) {
                    return (
                        401,
                        json!({"error": {"code": "SecretHeaderNotFound", "message": "Secret is not found in the request headers."}}),
                    );
                }
                self.managed(&q, "2019-07-01-preview")
            }
            ("POST", "/cloudshell/token") => {
                let form = query(&format!("?{}", seen.body));
                if seen.header("Metadata") != Some("true")
                    || seen.header("Content-Type") != Some("application/x-www-form-urlencoded")
                {
                    return (
                        400,
                        json!({"error": "invalid_request", "error_description": "Required metadata header not specified"}),
                    );
                }
                let mut form = form;
                form.push(("api-version".into(), "cloudshell".into()));
                self.managed(&form, "cloudshell")
            }
            _ => (404, json!({"message": "not found"})),
        }
    }

    fn managed(&self, q: &[(String, String)], api_version: &str) -> (u16, Value) {
        if param(q, "api-version") != Some(api_version) || param(q, "resource") != Some(RESOURCE) {
            return (
                400,
                json!({"error": "invalid_request", "error_description": "Required query variable 'resource' or 'api-version' is missing or wrong"}),
            );
        }
        let client = match param(q, "client_id") {
            None => MI_CLIENT_ID,
            Some(c) if c == MI_CLIENT_ID => MI_CLIENT_ID,
            Some(_) => {
                return (
                    400,
                    json!({"error": "invalid_request", "error_description": "Identity not found"}),
                );
            }
        };
        let token = jwt(&json!({
            "aud": RESOURCE, "appid": client, "oid": OBJECT_ID, "tid": TENANT, "exp": self.access_exp,
        }));
        (
            200,
            json!({
                "access_token": token, "client_id": client,
                "expires_in": "3599", "expires_on": self.access_exp.to_string(),
                "ext_expires_in": "3599", "not_before": (now() - 5).to_string(),
                "resource": RESOURCE, "token_type": "Bearer",
            }),
        )
    }

    fn entra(&self, path: &str, body: &str) -> (u16, Value) {
        let tenant = path.trim_start_matches('/').split('/').next().unwrap_or("");
        if tenant != TENANT {
            return aadsts(
                400,
                "invalid_request",
                90002,
                &format!("Tenant '{tenant}' not found."),
            );
        }
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        if param(&form, "grant_type") != Some("client_credentials")
            || param(&form, "client_assertion_type")
                != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return aadsts(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'client_assertion_type'.",
            );
        }
        if param(&form, "scope") != Some(&format!("{RESOURCE}/.default")) {
            return aadsts(
                400,
                "invalid_scope",
                70011,
                "The provided value for the input parameter 'scope' is not valid.",
            );
        }
        if param(&form, "client_id") != Some(CLIENT_ID) {
            return aadsts(
                400,
                "unauthorized_client",
                700016,
                &format!(
                    "Application with identifier '{}' was not found in the directory.",
                    param(&form, "client_id").unwrap_or("")
                ),
            );
        }
        let Some(assertion) = param(&form, "client_assertion").and_then(claims) else {
            return aadsts(
                400,
                "invalid_client",
                50027,
                "JWT token is invalid or malformed.",
            );
        };
        if assertion["exp"].as_i64().unwrap_or(0) <= now() {
            return aadsts(
                400,
                "invalid_client",
                700024,
                "Client assertion is not within its valid time range.",
            );
        }
        if assertion["aud"] != AUDIENCE {
            return aadsts(
                400,
                "invalid_client",
                700212,
                &format!(
                    "No matching federated identity record found for presented assertion audience '{}'.",
                    assertion["aud"].as_str().unwrap_or("")
                ),
            );
        }
        let subject = assertion["sub"].as_str().unwrap_or("");
        let allowed = [
            self.subject.lock().unwrap().clone(),
            PIPELINES_SUBJECT.to_string(),
        ];
        if !allowed.iter().any(|s| s == subject) {
            return aadsts(
                400,
                "invalid_client",
                700213,
                &format!(
                    "No matching federated identity record found for presented assertion subject '{subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion."
                ),
            );
        }
        let token = jwt(&json!({
            "aud": RESOURCE, "appid": CLIENT_ID, "oid": OBJECT_ID, "tid": TENANT, "exp": self.access_exp,
        }));
        (
            200,
            json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}),
        )
    }
}
