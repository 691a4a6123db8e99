//! [`FakeFeed`]: a loopback sparse registry shaped like an Azure Artifacts Cargo feed.
//!
//! Routes, under `/COLLECTION[/PROJECT]/_packaging/FEED[~force-auth]/Cargo/`:
//!
//! | path | answer |
//! |---|---|
//! | `index/config.json` | `{"dl": "<prefix>/Cargo/api/v1/crates", "api": "<prefix>/Cargo/", "auth-required": …}` |
//! | `index/az/de/azdemo` | the index file of [`azdemo`](super::demo_crate::azdemo) |
//! | `api/v1/crates/azdemo/0.1.0/download` | the `.crate` bytes |
//! | any other crate's index file or download | 404 |
//! | unknown collection, project or feed | 404 with an Azure-like JSON error body |
//!
//! `dl` has no `{crate}`/`{version}` markers, so cargo appends `/{crate}/{version}/download`.
//!
//! Auth: every request needs an `Authorization` header exactly equal to one of
//! [`FeedSpec::accepted`], except on the plain `FEED` path (no `~force-auth`) of a
//! [`public`](FeedSpec::public) feed. A refused request gets 401 with Azure's three
//! `WWW-Authenticate` challenges (Bearer, Basic, TFS-Federated; none is `Cargo login_url=`),
//! announcing the organization's Entra tenant ([`FeedSpec::tenant`]) as Azure does: in the
//! Bearer challenge's `authorization_uri` and in `X-VSS-ResourceTenant`.
//! `auth-required` in `config.json` is `true` except on that anonymous public path, as on
//! Azure (that is what `~force-auth` exists for).
//!
//! [`FeedSpec::refuse_with`] changes how a refused request is answered, the ways Azure DevOps
//! (without `X-TFS-FedAuthRedirect: Suppress`, which cargo does not send) or a network in
//! between answers: see [`Refusal`].
//!
//! Every request is logged as a [`SeenRequest`] before it is answered, so the log is complete
//! by the time the client sees the response. Collection, project and feed names match
//! case-insensitively, like Azure DevOps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine as _;
use tiny_http::{Header, Request, Response, Server};

use super::demo_crate::azdemo;

/// What the fake feed is called and who may read it.
#[derive(Clone, Debug)]
pub struct FeedSpec {
    /// Organization (Services) or collection (Server).
    pub collection: String,
    /// `None` for an organization-scoped feed.
    pub project: Option<String>,
    /// Feed name, without `~force-auth`.
    pub feed: String,
    /// Exact `Authorization` header values accepted.
    pub accepted: Vec<String>,
    /// Anonymous reads are allowed on the plain `FEED` path (not on `FEED~force-auth`).
    pub public: bool,
    /// The organization's Entra tenant, announced on every 401 (default [`ORG_TENANT`]).
    pub tenant: Option<String>,
    /// How a refused request is answered (default: 401 with Azure's challenges).
    pub refusal: Refusal,
}

/// How the feed answers a request it refuses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Refusal {
    /// 401 with Azure's `WWW-Authenticate` challenges.
    #[default]
    Unauthorized,
    /// A wrong token: 203 and Azure's HTML sign-in page (anonymous requests still get 401,
    /// so cargo learns that it must send a token).
    SignInPage,
    /// A wrong token: 302 to `/_signin?…` on the same server, which serves the sign-in page
    /// with 200 (anonymous requests still get 401).
    RedirectToSignIn,
    /// Every refused request: 200 with a proxy's HTML "blocked" page.
    ProxyPage,
    /// Every refused request: this status (429 comes with `Retry-After: 30`, 407 with
    /// `Proxy-Authenticate`).
    Status(u16),
}

/// The tenant a [`FeedSpec`] announces by default: the organization's tenant of the recorded
/// Azure CLI states (`tests/fixtures/azure-cli/README.md`).
pub const ORG_TENANT: &str = "72f988bf-0000-4000-8000-00000000aaaa";

impl FeedSpec {
    /// A private feed that accepts nobody until [`accept`](Self::accept) is called.
    pub fn new(collection: &str, project: Option<&str>, feed: &str) -> Self {
        FeedSpec {
            collection: collection.to_owned(),
            project: project.map(str::to_owned),
            feed: feed.to_owned(),
            accepted: Vec::new(),
            public: false,
            tenant: Some(ORG_TENANT.to_owned()),
            refusal: Refusal::Unauthorized,
        }
    }

    /// Answer refused requests this way instead of with a 401.
    pub fn refuse_with(mut self, refusal: Refusal) -> Self {
        self.refusal = refusal;
        self
    }

    /// Also accept this exact `Authorization` header value (e.g. [`basic`]`(pat)`).
    pub fn accept(mut self, header: impl Into<String>) -> Self {
        self.accepted.push(header.into());
        self
    }

    /// Allow anonymous reads on the plain feed path.
    pub fn public(mut self) -> Self {
        self.public = true;
        self
    }

    /// Announce this tenant on 401s (`None`: announce none, as a bare Bearer challenge).
    pub fn tenant(mut self, tenant: Option<&str>) -> Self {
        self.tenant = tenant.map(str::to_owned);
        self
    }
}

/// The `Authorization` value Azure accepts for a PAT: `Basic base64("PAT:<pat>")`.
pub fn basic(pat: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("PAT:{pat}"));
    format!("Basic {encoded}")
}

/// One request the feed answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The raw request target (path and query, still percent-encoded).
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The status the feed answered with.
    pub status: u16,
}

/// A running fake feed; the server thread stops when this is dropped.
pub struct FakeFeed {
    state: Arc<State>,
    server: Arc<Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

struct State {
    spec: FeedSpec,
    server_url: String,
    log: Mutex<Vec<SeenRequest>>,
    forced_status: Mutex<Option<u16>>,
}

impl FakeFeed {
    /// Starts serving on `127.0.0.1:<free port>` in a background thread.
    pub fn start(spec: FeedSpec) -> FakeFeed {
        // Package the demo crate now, so a packaging failure shows up here and not as a
        // confusing 500 inside some cargo run.
        azdemo();
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind the fake feed"));
        let port = server
            .server_addr()
            .to_ip()
            .expect("fake feed listens on TCP")
            .port();
        let state = Arc::new(State {
            spec,
            server_url: format!("http://127.0.0.1:{port}"),
            log: Mutex::new(Vec::new()),
            forced_status: Mutex::new(None),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, server, stop) = (state.clone(), server.clone(), stop.clone());
            std::thread::Builder::new()
                .name(format!("fake-feed-{port}"))
                .spawn(move || {
                    // `recv` blocks until a request arrives or `Drop` calls `unblock`.
                    while !stop.load(Ordering::SeqCst) {
                        if let Ok(request) = server.recv() {
                            state.serve(request);
                        }
                    }
                })
                .expect("spawn the fake feed thread")
        };
        FakeFeed {
            state,
            server,
            stop,
            thread: Some(thread),
        }
    }

    /// The feed most tests need: the private project feed `Coll/web/crates`, accepting one
    /// PAT.
    pub fn with_pat(pat: &str) -> FakeFeed {
        FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates").accept(basic(pat)))
    }

    /// `http://127.0.0.1:PORT`
    pub fn server_url(&self) -> String {
        self.state.server_url.clone()
    }

    /// `sparse+http://127.0.0.1:PORT/COLL[/PROJ]/_packaging/FEED/Cargo/index/`
    pub fn index_url(&self) -> String {
        format!(
            "sparse+{}{}/index/",
            self.server_url(),
            self.state.prefix(false)
        )
    }

    /// Like [`index_url`](Self::index_url) with `FEED~force-auth`.
    pub fn force_auth_index_url(&self) -> String {
        format!(
            "sparse+{}{}/index/",
            self.server_url(),
            self.state.prefix(true)
        )
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.log.lock().unwrap().clone()
    }

    /// The `Authorization` header of every `.crate` download so far, in order.
    pub fn download_authorizations(&self) -> Vec<Option<String>> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/download"))
            .map(|r| r.authorization)
            .collect()
    }

    /// The distinct `Authorization` values seen so far, in order of first appearance.
    pub fn authorizations(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for auth in self.requests().into_iter().filter_map(|r| r.authorization) {
            if !seen.contains(&auth) {
                seen.push(auth);
            }
        }
        seen
    }

    /// `Some(status)`: answer every request with `status` (401 comes with the usual
    /// challenges). `None`: back to normal.
    pub fn set_forced_status(&self, status: Option<u16>) {
        *self.state.forced_status.lock().unwrap() = status;
    }
}

impl Drop for FakeFeed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            // A panic in the server thread is a harness bug; surface it unless we are
            // already unwinding from a failed test.
            if thread.join().is_err() && !std::thread::panicking() {
                panic!("the fake feed thread panicked");
            }
        }
    }
}

/// What to send back (shared with the Azure DevOps stand-in, [`super::devops`]).
pub struct Reply {
    pub status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

/// The page Azure DevOps shows a browser (or a client without `X-TFS-FedAuthRedirect`).
pub const SIGN_IN_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Azure DevOps Services | Sign In</title></head>\n<body><form action=\"https://login.microsoftonline.com/\">Sign in to your account</form></body></html>\n";

/// A corporate proxy's block page.
const PROXY_PAGE: &str = "<html><head><title>Access Denied</title></head><body><h1>Web Page Blocked</h1><p>Access to this site is blocked by your organization's proxy policy.</p></body></html>\n";

impl Reply {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(status: u16, value: serde_json::Value) -> Reply {
        Reply::new(status, "application/json; charset=utf-8", value.to_string())
    }

    /// Azure's error body: `{"$id":"1","innerException":null,"message":…,"typeName":…}`.
    pub fn azure_error(status: u16, message: String, type_key: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({
                "$id": "1",
                "innerException": null,
                "message": message,
                "typeName": format!("Microsoft.VisualStudio.Services.Feed.WebApi.{type_key}, Microsoft.VisualStudio.Services.Feed.WebApi"),
                "typeKey": type_key,
                "errorCode": 0,
                "eventId": 3000,
            }),
        )
    }

    pub fn not_found() -> Reply {
        Reply::new(404, "text/plain; charset=utf-8", "Not Found")
    }
}

impl State {
    /// `/COLL[/PROJ]/_packaging/FEED[~force-auth]/Cargo`, percent-encoded.
    fn prefix(&self, force_auth: bool) -> String {
        let spec = &self.spec;
        let mut prefix = format!("/{}", encode_segment(&spec.collection));
        if let Some(project) = &spec.project {
            prefix.push('/');
            prefix.push_str(&encode_segment(project));
        }
        let suffix = if force_auth { "~force-auth" } else { "" };
        format!(
            "{prefix}/_packaging/{}{suffix}/Cargo",
            encode_segment(&spec.feed)
        )
    }

    fn serve(&self, request: Request) {
        let authorization = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .map(|h| h.value.as_str().to_owned());
        let reply = self.reply(request.url(), authorization.as_deref());
        self.log.lock().unwrap().push(SeenRequest {
            method: request.method().as_str().to_owned(),
            path: request.url().to_owned(),
            authorization,
            status: reply.status,
        });

        respond(
            request,
            reply,
            self.spec.tenant.as_deref(),
            &self.server_url,
        );
    }

    fn reply(&self, url: &str, authorization: Option<&str>) -> Reply {
        if let Some(status) = *self.forced_status.lock().unwrap() {
            return Reply::json(
                status,
                serde_json::json!({ "message": format!("status {status} forced by the test") }),
            );
        }
        let path = url.split(['?', '#']).next().unwrap_or_default();
        if path == "/_signin" {
            return Reply::new(200, "text/html; charset=utf-8", SIGN_IN_PAGE);
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let Some(packaging) = segments.iter().position(|s| *s == "_packaging") else {
            return Reply::not_found();
        };
        let scope: Vec<String> = segments[..packaging]
            .iter()
            .map(|s| decode_segment(s))
            .collect();
        let spec = &self.spec;
        let expected_scope: Vec<&str> = std::iter::once(spec.collection.as_str())
            .chain(spec.project.as_deref())
            .collect();
        let scope_matches = scope.len() == expected_scope.len()
            && scope
                .iter()
                .zip(&expected_scope)
                .all(|(g, w)| same_name(g, w));
        if !scope_matches {
            let shown = scope.join("/");
            return Reply::azure_error(
                404,
                format!(
                    "VS800075: The project with id '{shown}' does not exist, or you do not have permission to access it."
                ),
                "ProjectDoesNotExistWithNameException",
            );
        }
        let Some(feed_segment) = segments.get(packaging + 1).map(|s| decode_segment(s)) else {
            return Reply::not_found();
        };
        let (feed, force_auth) = match feed_segment.strip_suffix("~force-auth") {
            Some(feed) => (feed.to_owned(), true),
            None => (feed_segment, false),
        };
        if !same_name(&feed, &spec.feed) {
            return Reply::azure_error(
                404,
                format!("Feed with ID '{feed}' doesn't exist."),
                "FeedIdNotFoundException",
            );
        }
        let rest = &segments[packaging + 2..];
        if rest.first() != Some(&"Cargo") {
            return Reply::not_found();
        }

        let anonymous_ok = spec.public && !force_auth;
        let authorized = authorization.is_some_and(|a| spec.accepted.iter().any(|ok| ok == a));
        if !anonymous_ok && !authorized {
            return self.refuse(authorization.is_some(), url);
        }

        let demo = azdemo();
        match rest[1..].join("/").as_str() {
            "index/config.json" => {
                let prefix = format!("{}{}", self.server_url, self.prefix(force_auth));
                Reply::json(
                    200,
                    serde_json::json!({
                        "dl": format!("{prefix}/api/v1/crates"),
                        "api": format!("{prefix}/"),
                        "auth-required": !anonymous_ok,
                    }),
                )
            }
            p if p.strip_prefix("index/") == Some(demo.index_path().as_str()) => {
                Reply::new(200, "text/plain; charset=utf-8", demo.index_file())
            }
            p if p == format!("api/v1/crates/{}/{}/download", demo.name, demo.version) => {
                Reply::new(200, "application/octet-stream", demo.bytes.clone())
            }
            _ => Reply::not_found(),
        }
    }
}

impl State {
    /// The answer to a refused request, as [`FeedSpec::refusal`] says.
    fn refuse(&self, with_token: bool, url: &str) -> Reply {
        let unauthorized = || Reply::new(401, "text/plain; charset=utf-8", "Unauthorized");
        match &self.spec.refusal {
            Refusal::Unauthorized => unauthorized(),
            Refusal::SignInPage | Refusal::RedirectToSignIn if !with_token => unauthorized(),
            Refusal::SignInPage => Reply::new(203, "text/html; charset=utf-8", SIGN_IN_PAGE),
            Refusal::RedirectToSignIn => Reply::new(302, "text/html; charset=utf-8", "")
                .with_header(
                    "Location",
                    format!(
                        "{}/_signin?realm=dev.azure.com&reply_to={}",
                        self.server_url,
                        encode_segment(url)
                    ),
                ),
            Refusal::ProxyPage => Reply::new(200, "text/html; charset=utf-8", PROXY_PAGE),
            Refusal::Status(status) => {
                let reply = Reply::json(
                    *status,
                    serde_json::json!({ "message": format!("refused with {status}") }),
                );
                match status {
                    429 => reply.with_header("Retry-After", "30"),
                    407 => reply.with_header("Proxy-Authenticate", "Basic realm=\"proxy\""),
                    _ => reply,
                }
            }
        }
    }
}

/// Sends `reply`; a 401 carries Azure's three `WWW-Authenticate` challenges and announces
/// `tenant` as Azure does (in the Bearer challenge and `X-VSS-ResourceTenant`).
pub fn respond(request: Request, reply: Reply, tenant: Option<&str>, server_url: &str) {
    let mut response = Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type));
    for (name, value) in &reply.headers {
        response.add_header(header(name, value));
    }
    if reply.status == 401 {
        let bearer = match tenant {
            Some(tenant) => {
                format!("Bearer authorization_uri=https://login.microsoftonline.com/{tenant}")
            }
            None => "Bearer".to_owned(),
        };
        let realm = format!("Basic realm=\"{server_url}/\"");
        for challenge in [&bearer, &realm, "TFS-Federated"] {
            response.add_header(header("WWW-Authenticate", challenge));
        }
        if let Some(tenant) = tenant {
            response.add_header(header("X-VSS-ResourceTenant", tenant));
        }
    }
    // The client may have hung up already; nothing to do about it.
    let _ = request.respond(response);
}

pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Azure DevOps names are case-insensitive.
pub fn same_name(got: &str, want: &str) -> bool {
    got.to_lowercase() == want.to_lowercase()
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`~` stays literal).
pub fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reverses [`encode_segment`] (and any other client's percent-encoding); bad escapes stay
/// as they are.
pub fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
