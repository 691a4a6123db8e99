//! Smoke tests for the harness itself: real cargo against the fake feed, no feedctl.
//!
//! If these fail, every feedctl end-to-end test is suspect; fix the harness first.

use std::collections::BTreeMap;
use std::path::PathBuf;

use predicates::str::contains;

use crate::support::demo_crate::azdemo;
use crate::support::http::get;
use crate::support::sandbox::LOOPBACK_ONLY;
use crate::support::{FakeFeed, FeedSpec, Sandbox, SeenRequest, TOKEN_PROVIDERS, basic};

const PAT: &str = "s3cr3t-pat-0123456789";
const TOKEN_VAR: &str = "CARGO_REGISTRIES_AZFEED_TOKEN";

/// Hand-written setup: `cargo:token` as the global provider, and a project config that names
/// the feed `azfeed` and replaces crates.io with it.
fn use_feed(sandbox: &Sandbox, index_url: &str) {
    sandbox.write_home_config(TOKEN_PROVIDERS);
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "[registries]\nazfeed = {{ index = \"{index_url}\" }}\n\n\
             [source.crates-io]\nreplace-with = \"azfeed\"\n"
        ),
    );
}

/// `config.json` URL for an index URL.
fn config_json(index_url: &str) -> String {
    format!("{index_url}config.json")
}

#[test]
fn cargo_builds_through_the_feed_with_a_pat() {
    let token = basic(PAT);
    let feed = FakeFeed::start(FeedSpec::new("contoso", Some("Web Team"), "crates").accept(&token));
    assert!(
        feed.index_url()
            .ends_with("/contoso/Web%20Team/_packaging/crates/Cargo/index/"),
        "{}",
        feed.index_url()
    );
    assert!(feed.index_url().starts_with("sparse+http://127.0.0.1:"));
    let sandbox = Sandbox::new();
    use_feed(&sandbox, &feed.index_url());

    sandbox
        .cargo()
        .args(["run", "--quiet"])
        .env(TOKEN_VAR, &token)
        .assert()
        .success()
        .stdout("42\n");

    let requests = feed.requests();
    for suffix in [
        "/index/config.json",
        "/index/az/de/azdemo",
        "/api/v1/crates/azdemo/0.1.0/download",
    ] {
        assert!(
            requests.iter().any(|r| r.path.ends_with(suffix)
                && r.status == 200
                && r.authorization.as_deref() == Some(token.as_str())),
            "no authorized 200 for {suffix}: {requests:#?}"
        );
    }
    assert_eq!(feed.authorizations(), [token]);
    // Cargo asks anonymously first (401), then retries everything with the token.
    assert!(
        requests.iter().all(|r| match r.authorization {
            Some(_) => r.status == 200,
            None => r.status == 401,
        }),
        "{requests:#?}"
    );

    let lock = sandbox.read_project_file("Cargo.lock");
    assert!(lock.contains("name = \"azdemo\""), "{lock}");
    assert!(
        lock.contains(&format!("checksum = \"{}\"", azdemo().cksum)),
        "{lock}"
    );
    // The token came from the environment: nothing was stored.
    assert_eq!(sandbox.read_cargo_home_file("credentials.toml"), None);
}

#[test]
fn cargo_reports_a_rejected_token() {
    let feed = FakeFeed::start(FeedSpec::new("contoso", None, "crates").accept(basic(PAT)));
    let sandbox = Sandbox::new();
    use_feed(&sandbox, &feed.index_url());
    let wrong = basic("not-the-pat");

    sandbox
        .cargo()
        .arg("build")
        .env(TOKEN_VAR, &wrong)
        .assert()
        .code(101)
        .stderr(contains("token rejected for `azfeed`"))
        .stderr(contains("got 401"));

    assert_eq!(feed.authorizations(), [wrong]);
    let requests = feed.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.status == 401 && r.path.ends_with("/index/config.json")),
        "{requests:#?}"
    );
}

#[test]
fn public_feed_allows_anonymous_reads_only_without_force_auth() {
    let token = basic(PAT);
    let feed = FakeFeed::start(
        FeedSpec::new("contoso", Some("Open Source"), "oss")
            .accept(&token)
            .public(),
    );
    assert!(
        feed.force_auth_index_url()
            .ends_with("/contoso/Open%20Source/_packaging/oss~force-auth/Cargo/index/")
    );

    let plain = get(&config_json(&feed.index_url()), None);
    assert_eq!(plain.status, 200, "{plain:?}");
    let config = plain.json();
    assert_eq!(config["auth-required"], false);
    let prefix = format!(
        "{}/contoso/Open%20Source/_packaging/oss/Cargo",
        feed.server_url()
    );
    assert_eq!(config["dl"], format!("{prefix}/api/v1/crates"));
    assert_eq!(config["api"], format!("{prefix}/"));

    let forced = get(&config_json(&feed.force_auth_index_url()), None);
    assert_eq!(forced.status, 401, "{forced:?}");
    assert!(
        forced
            .header_values("WWW-Authenticate")
            .iter()
            .any(|v| v.starts_with("Basic realm=")),
        "{forced:?}"
    );
    assert!(
        get(
            &config_json(&feed.force_auth_index_url()),
            Some("Basic bm9wZQ==")
        )
        .status
            == 401
    );

    let authed = get(&config_json(&feed.force_auth_index_url()), Some(&token));
    assert_eq!(authed.status, 200);
    let config = authed.json();
    assert_eq!(config["auth-required"], true);
    assert_eq!(
        config["dl"],
        format!(
            "{}/contoso/Open%20Source/_packaging/oss~force-auth/Cargo/api/v1/crates",
            feed.server_url()
        )
    );

    let log = feed.requests();
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 401, 401, 200]
    );
    assert_eq!(
        log[0],
        SeenRequest {
            method: "GET".into(),
            path: "/contoso/Open%20Source/_packaging/oss/Cargo/index/config.json".into(),
            authorization: None,
            status: 200,
        }
    );
}

#[test]
fn cargo_reads_a_public_feed_anonymously() {
    let feed = FakeFeed::start(FeedSpec::new("contoso", None, "oss").public());
    let sandbox = Sandbox::new();
    // No credential provider, no token: fine, because the plain path is not auth-required.
    sandbox.write_project_file(
        ".cargo/config.toml",
        &format!(
            "[source.crates-io]\nreplace-with = \"azfeed\"\n\n[registries.azfeed]\nindex = \"{}\"\n",
            feed.index_url()
        ),
    );

    sandbox.cargo().arg("build").assert().success();

    assert!(feed.authorizations().is_empty());
    assert!(feed.requests().iter().all(|r| r.status == 200));
}

#[test]
fn forced_status_overrides_every_answer() {
    let token = basic(PAT);
    let feed = FakeFeed::start(FeedSpec::new("contoso", None, "crates").accept(&token));
    let url = config_json(&feed.index_url());
    assert_eq!(get(&url, Some(&token)).status, 200);

    feed.set_forced_status(Some(403));
    assert_eq!(get(&url, Some(&token)).status, 403);
    feed.set_forced_status(Some(500));
    assert_eq!(get(&url, None).status, 500);
    feed.set_forced_status(Some(401));
    let unauthorized = get(&url, Some(&token));
    assert_eq!(unauthorized.status, 401);
    assert!(!unauthorized.header_values("WWW-Authenticate").is_empty());

    feed.set_forced_status(None);
    assert_eq!(get(&url, Some(&token)).status, 200);
    assert_eq!(
        feed.requests().iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 403, 500, 401, 200]
    );
}

#[test]
fn unknown_names_and_crates_are_404() {
    let token = basic(PAT);
    let feed = FakeFeed::start(FeedSpec::new("contoso", Some("Web Team"), "crates").accept(&token));
    let server = feed.server_url();
    let cargo = "_packaging/crates/Cargo/index/config.json";

    let wrong_feed = get(
        &format!("{server}/contoso/Web%20Team/_packaging/nope/Cargo/index/config.json"),
        Some(&token),
    );
    assert_eq!(wrong_feed.status, 404);
    assert_eq!(wrong_feed.json()["typeKey"], "FeedIdNotFoundException");
    assert_eq!(
        get(&format!("{server}/contoso/Other/{cargo}"), Some(&token)).status,
        404
    );
    assert_eq!(
        get(&format!("{server}/contoso/{cargo}"), Some(&token)).status,
        404,
        "the feed is project-scoped"
    );
    assert_eq!(
        get(
            &format!("{server}/fabrikam/Web%20Team/{cargo}"),
            Some(&token)
        )
        .status,
        404
    );
    // Azure DevOps names are case-insensitive.
    assert_eq!(
        get(
            &format!("{server}/Contoso/web%20team/{cargo}"),
            Some(&token)
        )
        .status,
        200
    );

    let index = feed.index_url();
    assert_eq!(
        get(&format!("{index}se/rd/serde"), Some(&token)).status,
        404
    );
    let entry = get(&format!("{index}az/de/azdemo"), Some(&token));
    assert_eq!(entry.status, 200);
    let line = entry.json();
    assert_eq!(line["name"], "azdemo");
    assert_eq!(line["vers"], "0.1.0");
    assert_eq!(line["cksum"], azdemo().cksum);
    // Auth is checked before the crate lookup.
    assert_eq!(get(&format!("{index}se/rd/serde"), None).status, 401);
}

#[test]
fn sandbox_commands_are_hermetic() {
    let sandbox = Sandbox::new();
    // No dependencies: this needs no feed.
    sandbox.write_project_file(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    sandbox.write_project_file(
        "src/main.rs",
        "fn main() {\n    for (k, v) in std::env::vars() {\n        println!(\"{k}={v}\");\n    }\n    \
         println!(\"CWD={}\", std::env::current_dir().unwrap().display());\n}\n",
    );

    let out = sandbox.cargo().args(["run", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let vars: BTreeMap<&str, &str> = stdout.lines().filter_map(|l| l.split_once('=')).collect();

    let path = |name: &str| PathBuf::from(vars.get(name).copied().unwrap_or_default());
    assert_eq!(path("HOME"), sandbox.home());
    assert_eq!(path("CARGO_HOME"), sandbox.cargo_home());
    let root = sandbox.project().parent().unwrap();
    assert!(path("CARGO_TARGET_DIR").starts_with(root), "{stdout}");
    assert_eq!(
        path("CWD").canonicalize().unwrap(),
        sandbox.project().canonicalize().unwrap()
    );
    assert_eq!(vars.get("RUST_BACKTRACE"), Some(&"0"));
    assert_eq!(vars.get("CARGO_TERM_COLOR"), Some(&"never"));

    // Only what the harness sets, what rustup's proxies add, and what `cargo run` adds.
    let expected = |name: &str| {
        matches!(
            name,
            "PATH"
                | "HOME"
                | "CWD"
                | "RUST_BACKTRACE"
                | "RUST_RECURSION_COUNT"
                | "CARGO"
                | "CARGO_HOME"
                | "CARGO_TARGET_DIR"
                | "CARGO_TERM_COLOR"
                // Keeps `--auth entra` from taking the test machine for an Azure VM.
                | "FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE"
                | "FEEDCTL_TEST_ARC_HIMDS_FILE"
                | "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_BIN_NAME"
                | "CARGO_CRATE_NAME"
                | "LD_LIBRARY_PATH"
                | "SSL_CERT_DIR"
                | "SSL_CERT_FILE"
        ) || name.starts_with("RUSTUP_")
            || name.starts_with("CARGO_PKG_")
            // Keeps every test on loopback (`LOOPBACK_ONLY`).
            || LOOPBACK_ONLY.iter().any(|(var, _)| *var == name)
    };
    let unexpected: Vec<_> = vars.keys().filter(|k| !expected(k)).collect();
    assert!(
        unexpected.is_empty(),
        "leaked into the sandbox: {unexpected:?}"
    );
}

/// The sandbox's safety net: a request that a test sends past loopback by mistake goes to the
/// proxy `LOOPBACK_ONLY` names, never out — for feedctl (reqwest) and for cargo (curl) alike.
/// Here the proxy is a loopback listener that records what it is asked and refuses it.
#[test]
fn requests_past_loopback_go_to_the_sandbox_proxy_and_no_further() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = asked.clone();
    // Serves until the test process ends: however many requests a client makes.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            log.lock().unwrap().push(line.trim_end().to_string());
            let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let vars: Vec<(&str, &str)> = LOOPBACK_ONLY
        .iter()
        .map(|(var, value)| {
            (
                *var,
                if value.contains(":9") {
                    proxy.as_str()
                } else {
                    value
                },
            )
        })
        .collect();
    let sandbox = Sandbox::new();

    // feedctl asked about a Services feed without the loopback override.
    sandbox
        .feedctl_with(&vars)
        .args([
            "connect",
            "--org",
            "contoso",
            "--project",
            "web",
            "--feed",
            "crates",
        ])
        .args(["--pat-env", "NO_SUCH_PAT", "--store", "file"])
        .env("NO_SUCH_PAT", "s3cr3t-never-sent")
        .assert()
        .failure();
    // cargo resolving a crates.io dependency.
    sandbox.write_project_file(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nserde = \"1\"\n",
    );
    sandbox.write_project_file("src/lib.rs", "");
    sandbox
        .cargo_with(&vars)
        .env("CARGO_NET_RETRY", "0")
        .arg("generate-lockfile")
        .assert()
        .failure();

    let mut asked = asked.lock().unwrap().clone();
    asked.dedup();
    assert_eq!(
        asked,
        [
            "CONNECT pkgs.dev.azure.com:443 HTTP/1.1",
            "CONNECT index.crates.io:443 HTTP/1.1"
        ],
        "every request past loopback must reach the sandbox's proxy first"
    );
}
