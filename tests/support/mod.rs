//! Shared test support for feedctl's end-to-end tests.
//!
//! - [`FakeFeed`] / [`FeedSpec`]: a loopback sparse registry shaped like an Azure Artifacts
//!   Cargo feed, serving one real crate (`azdemo` 0.1.0) and logging every request.
//! - [`devops::DevOps`]: a loopback Azure DevOps organization (feeds API, roles, token scopes,
//!   the upstream rule) for `FEEDCTL_TEST_AZURE_DEVOPS_URL` or `--server-url`.
//! - [`Sandbox`]: a temp project + `CARGO_HOME` + `HOME`, with hermetic commands for feedctl
//!   and the real cargo (also with extra variables, a PAT on stdin, or as a plain process).
//! - [`fake_az::FakeAz`]: the Azure CLI replaying its recorded outputs, first on `PATH`.
//! - [`basic`]: the `Authorization` value for an Azure PAT.
//! - [`identity::IdentityStandIn`]: loopback stand-ins for Entra ID, GitHub's and Azure
//!   Pipelines' OIDC endpoints and the managed identity endpoints (`--auth entra`).
//! - [`http::get`]: a tiny HTTP client for talking to a feed without cargo.
//! - [`tls::TlsFront`]: an HTTPS front for a feed, with a certificate from a private test CA.
//! - [`config`]: Azure index URLs, one-file `connect` arguments, generated configs and a
//!   key-by-key view of a TOML document.
//! - [`json`]: `--json` reports parsed, `doctor`'s checks by id.
//! - [`minted`]: records of PATs feedctl minted, written as `login --mint` writes them.
//! - [`output`]: a run's streams as text ([`output::Streams`]), phrases it must say, and the
//!   shape of a refused `env --verify`.
//! - [`secrets`]: every form of a PAT, and assertions that none is shown or stored.
//! - [`snapshot`]: human output compared with files under `tests/snapshots/`, temp paths and
//!   ports redacted (`SNAPSHOTS=overwrite` rewrites them).
//!
//! ```ignore
//! let feed = FakeFeed::start(FeedSpec::new("contoso", Some("Web Team"), "crates").accept(basic("pat")));
//! let sandbox = Sandbox::new();
//! sandbox.cargo().arg("build").env("CARGO_REGISTRIES_AZFEED_TOKEN", basic("pat")).assert().success();
//! ```

pub mod config;
pub mod crates_io;
pub mod demo_crate;
pub mod devops;
pub mod fake_az;
pub mod feed;
pub mod http;
pub mod identity;
pub mod json;
pub mod minted;
pub mod output;
pub mod sandbox;
pub mod secrets;
pub mod snapshot;
pub mod tls;

pub use feed::{FakeFeed, FeedSpec, Refusal, SeenRequest, basic};
pub use sandbox::{Sandbox, TOKEN_PROVIDERS};
