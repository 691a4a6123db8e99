//! `--auth entra` on the Azure hosts whose identity endpoint has its own manners, against
//! loopback stand-ins answering as Microsoft documents (see `support::identity`): IMDS that
//! is busy for a while (410, 404, 429, 5xx), the Azure Arc agent's key-file challenge, and
//! Azure Cloud Shell's form POST.
//!
//! Safety: as in `entra.rs`, every endpoint is loopback; IMDS is the stand-in through
//! `FEEDCTL_TEST_IMDS_ENDPOINT`, and the Arc key directory a temp dir through
//! `FEEDCTL_TEST_ARC_KEY_DIR`; the chain's end runs with a `PATH` without `az`.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::identity::{self, IdentityStandIn};
use crate::support::output::{Streams, assert_says};
use crate::support::secrets::assert_hidden;
use crate::support::tls::TlsFront;
use crate::support::{FakeFeed, FeedSpec, Sandbox};

const CONTOSO_INDEX: &str =
    "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/";
const IMDS: &str = "/metadata/identity/oauth2/token";
const ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";

/// The variables of an Azure VM whose IMDS is the stand-in; `second_ms` shortens the retry
/// schedule's second (the test-only knob).
fn vm_env(
    sandbox: &Sandbox,
    idp: &IdentityStandIn,
    second_ms: Option<u64>,
) -> Vec<(String, String)> {
    let tag = sandbox.home().join("chassis_asset_tag");
    fs::write(&tag, format!("{ASSET_TAG}\n")).unwrap();
    let mut vars = vec![
        (
            "FEEDCTL_TEST_IMDS_ENDPOINT".to_string(),
            format!("{}/metadata/identity/oauth2/token", idp.url()),
        ),
        (
            "FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE".to_string(),
            tag.display().to_string(),
        ),
        ("PATH".to_string(), empty_path(sandbox)),
    ];
    if let Some(ms) = second_ms {
        vars.push(("FEEDCTL_TEST_IMDS_SECOND_MS".to_string(), ms.to_string()));
    }
    vars
}

fn empty_path(sandbox: &Sandbox) -> String {
    let dir = sandbox.home().join("empty-bin");
    fs::create_dir_all(&dir).unwrap();
    dir.display().to_string()
}

/// The statuses IMDS answered, in order.
fn imds_statuses(idp: &IdentityStandIn) -> Vec<u16> {
    idp.requests()
        .into_iter()
        .filter(|r| r.url.starts_with("/metadata/"))
        .map(|r| r.status)
        .collect()
}

/// `env --auth entra` here: the token source's verdict without a feed.
fn env_entra(sandbox: &Sandbox, vars: &[(String, String)]) -> std::process::Output {
    sandbox.write_project_registry(CONTOSO_INDEX);
    sandbox
        .feedctl_with(vars)
        .args(["env", "--auth", "entra"])
        .output()
        .unwrap()
}

#[test]
fn imds_is_asked_again_while_it_is_busy_as_microsoft_documents() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    let fast = vm_env(&sandbox, &idp, Some(1));

    // Being updated (410), then the other busy answers, then a token.
    idp.fail_first(IMDS, &[410, 410, 404, 429, 503, 500]);
    let out = env_entra(&sandbox, &fast);
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(
        out.stdout_text()
            .contains(&idp.access_token(identity::MI_CLIENT_ID))
    );
    assert_eq!(imds_statuses(&idp), [410, 410, 404, 429, 503, 500, 200]);
    // The long waits are said, so that nobody takes them for a hang.
    assert_says(
        "env",
        &out.stderr_text(),
        &["HTTP 410; asking again in 10 s (for at most 70 s in all)"],
    );

    // A 404 is a busy IMDS, not a missing identity: three retries, then said as such.
    idp.fail_first(IMDS, &[404; 4]);
    let out = env_entra(&sandbox, &fast);
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_says(
        "env",
        &stderr,
        &["HTTP 404", "after 4 attempts", "try again in a minute"],
    );
    assert!(!stderr.contains("has no system-assigned"), "{stderr}");

    // A 400 is final: asked once, and it means no identity.
    let before = imds_statuses(&idp).len();
    idp.fail_first(IMDS, &[400]);
    let out = env_entra(&sandbox, &fast);
    assert_says(
        "env",
        &out.stderr_text(),
        &["has no system-assigned managed identity"],
    );
    assert_eq!(imds_statuses(&idp).len(), before + 1);
}

/// Without the test knob the schedule's seconds are real ones: a 404 costs a second.
#[test]
fn the_real_imds_schedule_waits_real_seconds() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    idp.fail_first(IMDS, &[404]);
    let started = Instant::now();
    let out = env_entra(&sandbox, &vm_env(&sandbox, &idp, None));
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(imds_statuses(&idp), [404, 200]);
}

/// The real cargo builds through IMDS that starts with a 410 and a 503.
#[test]
fn cargo_builds_through_a_busy_imds() {
    let idp = IdentityStandIn::start();
    let feed = FakeFeed::start(
        FeedSpec::new("contoso", Some("web"), "crates").accept(idp.bearer(identity::MI_CLIENT_ID)),
    );
    let sandbox = Sandbox::new();
    let mut vars = vm_env(&sandbox, &idp, Some(1));
    vars.retain(|(k, _)| k != "PATH");
    idp.fail_first(IMDS, &[410, 503]);
    sandbox
        .feedctl_with(&vars)
        .args(["connect", &feed.index_url(), "--auth", "entra"])
        .assert()
        .success();
    idp.fail_first(IMDS, &[410, 503]);
    let build = sandbox.cargo_with(&vars).arg("build").output().unwrap();
    assert!(build.status.success(), "{}", build.stderr_text());
    assert_eq!(imds_statuses(&idp), [410, 503, 200, 410, 503, 200]);
}

/// An Arc-enabled server: the agent's directory holds `agent.key`; the challenge names the
/// file `realm`.
fn arc_env(idp: &IdentityStandIn, key_dir: &Path, realm: &Path) -> Vec<(String, String)> {
    idp.arc_realm(realm);
    vec![
        (
            "IDENTITY_ENDPOINT".into(),
            format!("{}/arc/token", idp.url()),
        ),
        ("IMDS_ENDPOINT".into(), idp.url()),
        (
            "FEEDCTL_TEST_ARC_KEY_DIR".into(),
            key_dir.display().to_string(),
        ),
    ]
}

#[test]
fn azure_arc_answers_its_challenge_with_the_agents_key_file() {
    let idp = IdentityStandIn::start();
    let feed = FakeFeed::start(
        FeedSpec::new("contoso", Some("web"), "crates").accept(idp.bearer(identity::MI_CLIENT_ID)),
    );
    let sandbox = Sandbox::new();
    let tokens = sandbox.root().join("azcmagent").join("tokens");
    fs::create_dir_all(&tokens).unwrap();
    let key = tokens.join("agent.key");
    fs::write(&key, identity::ARC_KEY).unwrap();
    let vars = arc_env(&idp, &tokens, &key);

    let connect = sandbox
        .feedctl_with(&vars)
        .args(["connect", &feed.index_url(), "--auth", "entra"])
        .output()
        .unwrap();
    assert!(connect.status.success(), "{}", connect.stderr_text());
    let doctor = sandbox
        .feedctl_with(&vars)
        .args(["doctor", "--offline"])
        .output()
        .unwrap();
    assert_says(
        "doctor",
        &doctor.stdout_text(),
        &["the Azure Arc agent's identity endpoint"],
    );
    let build = sandbox.cargo_with(&vars).arg("build").output().unwrap();
    assert!(build.status.success(), "{}", build.stderr_text());

    let arc: Vec<_> = idp
        .requests()
        .into_iter()
        .filter(|r| r.url.starts_with("/arc/"))
        .collect();
    assert_eq!(arc.len(), 4, "a challenge and an answer per token");
    for pair in arc.chunks(2) {
        assert_eq!((pair[0].status, pair[1].status), (401, 200));
        assert_eq!(pair[0].header("Authorization"), None);
        assert!(pair.iter().all(|r| {
            r.header("Metadata") == Some("true")
                && r.url.contains("api-version=2020-06-01")
                && r.url
                    .contains("resource=499b84ac-1321-427f-aa17-267ca6975798")
        }));
    }
    for text in [connect.stderr_text(), build.stderr_text()] {
        assert_hidden("the output", &text, &[identity::ARC_KEY.to_string()]);
    }
}

/// The endpoint decides which file feedctl reads only within Microsoft's limits: elsewhere, a
/// name not ending in `.key`, or more than 4096 bytes, it reads nothing and says why.
#[test]
fn azure_arc_key_files_outside_the_sdks_limits_are_refused() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    let tokens = sandbox.root().join("tokens");
    fs::create_dir_all(&tokens).unwrap();
    let outside = sandbox.root().join("elsewhere.key");
    let wrong_ext = tokens.join("agent.txt");
    let oversize = tokens.join("big.key");
    for file in [&outside, &wrong_ext] {
        fs::write(file, identity::ARC_KEY).unwrap();
    }
    fs::write(&oversize, "k".repeat(4097)).unwrap();
    let cases = [
        (&outside, "directly in"),
        (&wrong_ext, "ends in `.key`"),
        (&oversize, "4097 bytes"),
    ];
    for (realm, why) in cases {
        let mut vars = arc_env(&idp, &tokens, realm);
        vars.push(("PATH".into(), empty_path(&sandbox)));
        let out = env_entra(&sandbox, &vars);
        let stderr = out.stderr_text();
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert_says(
            "env",
            &stderr,
            &[
                "Azure Arc",
                &realm.display().to_string(),
                "does not read",
                why,
            ],
        );
        assert_hidden("the output", &stderr, &[identity::ARC_KEY.to_string()]);
    }
    assert!(
        idp.requests()
            .iter()
            .all(|r| r.header("Authorization").is_none()),
        "a key left the machine"
    );
}

#[test]
fn azure_cloud_shell_posts_the_resource_as_a_form() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    let vars = vec![
        (
            "MSI_ENDPOINT".to_string(),
            format!("{}/cloudshell/token", idp.url()),
        ),
        ("PATH".to_string(), empty_path(&sandbox)),
    ];
    let out = env_entra(&sandbox, &vars);
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(
        out.stdout_text()
            .contains(&idp.access_token(identity::MI_CLIENT_ID))
    );
    let asked = idp.requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].method, "POST");
    assert_eq!(
        asked[0].body,
        "resource=499b84ac-1321-427f-aa17-267ca6975798"
    );
    assert_eq!(asked[0].header("Metadata"), Some("true"));
}

/// The other hosts' endpoints are asked again too (429, 5xx), a second apart, as MSAL does.
#[test]
fn app_service_is_asked_again_while_busy() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    let vars = vec![
        (
            "IDENTITY_ENDPOINT".to_string(),
            format!("{}/msi/token", idp.url()),
        ),
        (
            "IDENTITY_HEADER".to_string(),
            identity::IDENTITY_HEADER.to_string(),
        ),
        ("PATH".to_string(), empty_path(&sandbox)),
    ];
    idp.fail_first("/msi/token", &[503]);
    let out = env_entra(&sandbox, &vars);
    assert!(out.status.success(), "{}", out.stderr_text());
    let statuses: Vec<u16> = idp.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 200]);
}

/// Service Fabric's endpoint presents the cluster's own certificate: feedctl talks to it only
/// when the certificate's SHA-1 thumbprint is `IDENTITY_SERVER_THUMBPRINT`, and otherwise sends
/// nothing, the secret header least of all.
#[test]
fn service_fabric_is_trusted_by_its_certificates_thumbprint_only() {
    // `openssl x509 -noout -fingerprint -sha1 -in tests/fixtures/tls/server.pem`
    const THUMBPRINT: &str = "BA:26:0B:F1:38:8C:B9:0F:5D:B4:E0:30:B6:EE:95:17:A7:47:46:8B";
    let idp = IdentityStandIn::start();
    let front = TlsFront::start_for(idp.url().trim_start_matches("http://"));
    let sandbox = Sandbox::new();
    let fabric = |thumbprint: &str| {
        vec![
            (
                "IDENTITY_ENDPOINT".to_string(),
                format!("{}/fabric/token", front.url()),
            ),
            (
                "IDENTITY_HEADER".to_string(),
                identity::IDENTITY_HEADER.to_string(),
            ),
            (
                "IDENTITY_SERVER_THUMBPRINT".to_string(),
                thumbprint.to_string(),
            ),
            ("PATH".to_string(), empty_path(&sandbox)),
        ]
    };
    let out = env_entra(
        &sandbox,
        &fabric(&THUMBPRINT.replace(':', "").to_lowercase()),
    );
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(
        out.stdout_text()
            .contains(&idp.access_token(identity::MI_CLIENT_ID))
    );
    let asked = idp.requests();
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].url.contains("api-version=2019-07-01-preview"),
        "{}",
        asked[0].url
    );

    let other = format!("{}00", &THUMBPRINT.replace(':', "")[..38]);
    let out = env_entra(&sandbox, &fabric(&other));
    let stderr = out.stderr_text();
    assert!(!out.status.success(), "{stderr}");
    assert_says(
        "env",
        &stderr,
        &["IDENTITY_SERVER_THUMBPRINT", "Service Fabric"],
    );
    assert_eq!(
        idp.requests().len(),
        1,
        "a request passed an unpinned certificate"
    );
}

/// An installed Arc agent counts even where its variables are not set (a login shell), as in
/// MSAL: its fixed loopback endpoint is asked.
#[test]
fn an_installed_arc_agent_is_found_without_its_variables() {
    let sandbox = Sandbox::new();
    let himds = sandbox.home().join("himds");
    fs::write(&himds, "").unwrap();
    let vars = vec![
        (
            "FEEDCTL_TEST_ARC_HIMDS_FILE".to_string(),
            himds.display().to_string(),
        ),
        ("PATH".to_string(), empty_path(&sandbox)),
    ];
    let out = env_entra(&sandbox, &vars);
    let stderr = out.stderr_text();
    assert!(!out.status.success(), "{stderr}");
    assert_says(
        "env",
        &stderr,
        &["the Azure Arc identity endpoint", "localhost:40342"],
    );
}
