//! `--auth entra`: tokens from the platform's own identity, with loopback stand-ins for
//! GitHub's and Azure Pipelines' OIDC endpoints, Entra ID and the managed identity endpoints
//! (see `support::identity`), the loopback feed and the real cargo.
//!
//! Safety: every endpoint is a loopback stand-in; the sandbox points the DMI override at a
//! missing file, so IMDS is never asked unless a test points it at the stand-in itself; and
//! tests that may reach the end of the chain run with a `PATH` without `az`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::identity::{self, IdentityStandIn};
use crate::support::json::json_of;
use crate::support::output::{Streams, assert_env_verify_refused, assert_says};
use crate::support::secrets::{assert_hidden, assert_not_stored};
use crate::support::{FakeFeed, FeedSpec, Sandbox};

/// An Azure index URL, for tests that never reach the feed.
const CONTOSO_INDEX: &str =
    "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/";

const ASSET_TAG: &str = "7783-7084-3265-9085-8269-3286-77";

fn feed_for(header: String) -> FakeFeed {
    FakeFeed::start(FeedSpec::new("contoso", Some("web"), "crates").accept(header))
}

/// The variables of a GitHub Actions job with `id-token: write` and the azure ids set.
fn github_env(idp: &IdentityStandIn) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_ACTIONS", "true".into()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/github/token?api-version=2.0", idp.url()),
        ),
        (
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            identity::GITHUB_REQUEST_TOKEN.into(),
        ),
        ("AZURE_CLIENT_ID", identity::CLIENT_ID.into()),
        ("AZURE_TENANT_ID", identity::TENANT.into()),
        ("AZURE_AUTHORITY_HOST", idp.url()),
    ]
}

fn app_service_env(idp: &IdentityStandIn) -> Vec<(&'static str, String)> {
    vec![
        ("IDENTITY_ENDPOINT", format!("{}/msi/token", idp.url())),
        ("IDENTITY_HEADER", identity::IDENTITY_HEADER.into()),
    ]
}

/// The variables of an Azure Pipelines job whose `AzureCLI@2`-style task exposes the service
/// connection `connection` for OIDC.
fn pipelines_env(idp: &IdentityStandIn, connection: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SYSTEM_OIDCREQUESTURI", format!("{}/ado/oidc", idp.url())),
        ("SYSTEM_ACCESSTOKEN", identity::SYSTEM_ACCESSTOKEN.into()),
        ("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", connection.into()),
        ("AZURESUBSCRIPTION_CLIENT_ID", identity::CLIENT_ID.into()),
        ("AZURESUBSCRIPTION_TENANT_ID", identity::TENANT.into()),
        ("AZURE_AUTHORITY_HOST", idp.url()),
    ]
}

/// The variables of a Kubernetes pod with Azure workload identity, its projected token in
/// `token_file`.
fn workload_env(idp: &IdentityStandIn, token_file: &Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "AZURE_FEDERATED_TOKEN_FILE",
            token_file.display().to_string(),
        ),
        ("AZURE_CLIENT_ID", identity::CLIENT_ID.into()),
        ("AZURE_TENANT_ID", identity::TENANT.into()),
        ("AZURE_AUTHORITY_HOST", idp.url()),
    ]
}

/// A `PATH` holding nothing, so the chain cannot end at a real `az`.
fn empty_path(sandbox: &Sandbox) -> String {
    let dir = sandbox.home().join("empty-bin");
    fs::create_dir_all(&dir).unwrap();
    dir.display().to_string()
}

/// None of `secrets` is in `texts` (what feedctl and cargo printed) or stored.
fn assert_neither_shown_nor_stored(sandbox: &Sandbox, texts: &[&str], secrets: &[String]) {
    for text in texts {
        assert_hidden("the output", text, secrets);
    }
    assert_not_stored(sandbox, secrets);
}

/// `connect --auth entra` to `feed`, with `vars` added to the environment.
fn connect_entra(sandbox: &Sandbox, feed: &FakeFeed, vars: &[(&'static str, String)]) -> Command {
    let mut cmd = sandbox.feedctl_with(vars);
    cmd.args(["connect", &feed.index_url(), "--auth", "entra"]);
    cmd
}

/// `connect --auth entra`, then the real `cargo build`, with `vars` in both environments.
fn connect_and_build(
    sandbox: &Sandbox,
    feed: &FakeFeed,
    vars: &[(&'static str, String)],
) -> (String, String) {
    let out = connect_entra(sandbox, feed, vars).output().unwrap();
    let connect_err = out.stderr_text();
    assert!(out.status.success(), "{connect_err}");
    let home_config = sandbox.read_cargo_home_file("config.toml").unwrap();
    assert!(
        home_config.contains(r#", "--auth", "entra"]"#),
        "{home_config}"
    );
    let build = sandbox.cargo_with(vars).args(["build"]).output().unwrap();
    let build_err = build.stderr_text();
    assert!(build.status.success(), "{build_err}");
    (connect_err, build_err)
}

#[test]
fn github_actions_oidc_builds_with_no_secret_stored() {
    let idp = IdentityStandIn::start();
    let feed = feed_for(idp.bearer(identity::CLIENT_ID));
    let sandbox = Sandbox::new();
    let vars = github_env(&idp);
    let (connect, build) = connect_and_build(&sandbox, &feed, &vars);
    assert!(
        connect.contains("Verified") && connect.contains("GitHub Actions OIDC"),
        "{connect}"
    );
    assert!(connect.contains(identity::CLIENT_ID), "{connect}");
    assert_eq!(
        feed.download_authorizations(),
        [Some(idp.bearer(identity::CLIENT_ID))]
    );
    // The request shape: GitHub with the audience Entra expects; Entra with the assertion.
    let requests = idp.requests();
    let github = requests
        .iter()
        .find(|r| r.url.starts_with("/github/token"))
        .unwrap();
    assert!(
        github
            .url
            .contains("api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange"),
        "{}",
        github.url
    );
    let entra = requests
        .iter()
        .find(|r| r.url == format!("/{}/oauth2/v2.0/token", identity::TENANT))
        .unwrap();
    assert_eq!(entra.status, 200);
    assert!(
        entra
            .body
            .contains("scope=499b84ac-1321-427f-aa17-267ca6975798%2F.default")
    );
    assert_neither_shown_nor_stored(
        &sandbox,
        &[&connect, &build],
        &[
            identity::GITHUB_REQUEST_TOKEN.to_string(),
            idp.access_token(identity::CLIENT_ID),
        ],
    );

    // status and doctor say where the token comes from, and whose it is; never the token.
    let status = sandbox.feedctl_with(&vars).arg("status").output().unwrap();
    let status = status.stdout_text();
    assert!(status.contains("GitHub Actions OIDC"), "{status}");
    assert!(
        status
            .contains("expiry:      none to renew: a fresh Entra ID token for each cargo command"),
        "{status}"
    );
    let json = sandbox
        .feedctl_with(&vars)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let json = json_of(&json);
    assert_eq!(
        json["registries"][0]["token"],
        serde_json::json!({"source": "entra", "location": "github-actions"}),
        "{json:#}"
    );
    let doctor = sandbox.feedctl_with(&vars).arg("doctor").output().unwrap();
    let doctor_out = doctor.stdout_text();
    assert!(doctor.status.success(), "{doctor_out}");
    assert_says(
        "doctor",
        &doctor_out,
        &[
            identity::CLIENT_ID,
            identity::OBJECT_ID,
            identity::TENANT,
            "expires",
        ],
    );
    assert_neither_shown_nor_stored(
        &sandbox,
        &[&status, &doctor_out],
        &[idp.access_token(identity::CLIENT_ID)],
    );
}

#[test]
fn app_service_managed_identity_builds() {
    let idp = IdentityStandIn::start();
    let feed = feed_for(idp.bearer(identity::MI_CLIENT_ID));
    let sandbox = Sandbox::new();
    let (connect, build) = connect_and_build(&sandbox, &feed, &app_service_env(&idp));
    assert!(connect.contains("managed identity"), "{connect}");
    let msi: Vec<_> = idp
        .requests()
        .into_iter()
        .filter(|r| r.url.starts_with("/msi/token"))
        .collect();
    assert!(!msi.is_empty());
    assert!(msi.iter().all(|r| {
        r.url.contains("api-version=2019-08-01")
            && r.url
                .contains("resource=499b84ac-1321-427f-aa17-267ca6975798")
    }));
    assert_neither_shown_nor_stored(
        &sandbox,
        &[&connect, &build],
        &[
            identity::IDENTITY_HEADER.to_string(),
            idp.access_token(identity::MI_CLIENT_ID),
        ],
    );
}

#[test]
fn imds_is_asked_on_an_azure_vm_only_and_in_its_shape() {
    let idp = IdentityStandIn::start();
    let feed = feed_for(idp.bearer(identity::MI_CLIENT_ID));
    let sandbox = Sandbox::new();
    let imds = format!("{}/metadata/identity/oauth2/token", idp.url());
    let not_a_vm = [
        ("FEEDCTL_TEST_IMDS_ENDPOINT", imds.clone()),
        ("PATH", empty_path(&sandbox)),
    ];
    sandbox.write_project_registry(&feed.index_url());
    // Not an Azure VM (the sandbox's DMI file does not exist): IMDS is not even asked.
    sandbox
        .feedctl_with(&not_a_vm)
        .args(["env", "--auth", "entra"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "does not identify itself as an Azure VM",
        ));
    assert!(
        idp.requests().is_empty(),
        "IMDS was asked on a machine that is not an Azure VM"
    );

    // An Azure VM by its DMI asset tag: IMDS (the stand-in) with `Metadata: true`.
    let tag = sandbox.home().join("chassis_asset_tag");
    fs::write(&tag, format!("{ASSET_TAG}\n")).unwrap();
    let vm = vec![
        ("FEEDCTL_TEST_IMDS_ENDPOINT", imds),
        (
            "FEEDCTL_TEST_DMI_CHASSIS_ASSET_TAG_FILE",
            tag.display().to_string(),
        ),
    ];
    connect_and_build(&sandbox, &feed, &vm);
    let asked: Vec<_> = idp.requests();
    assert!(!asked.is_empty());
    for r in &asked {
        assert!(
            r.url.starts_with(
                "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=499b84ac"
            ),
            "{}",
            r.url
        );
        assert_eq!(r.header("Metadata"), Some("true"));
        assert_eq!(r.status, 200);
    }
}

#[test]
fn azure_pipelines_oidc_mints_for_env_and_names_an_unauthorized_connection() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    let out = sandbox
        .feedctl_with(&pipelines_env(&idp, identity::SERVICE_CONNECTION))
        .args(["env", "--auth", "entra"])
        .output()
        .unwrap();
    let stdout = out.stdout_text();
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(
        stdout.contains(&format!(
            "export CARGO_REGISTRIES_CRATES_TOKEN='{}'",
            idp.bearer(identity::CLIENT_ID)
        )),
        "{stdout}"
    );
    let oidc = idp
        .requests()
        .into_iter()
        .find(|r| r.url.starts_with("/ado/oidc"))
        .unwrap();
    assert_eq!(oidc.method, "POST");
    assert!(oidc.url.contains("api-version=7.1&serviceConnectionId="));

    let out = sandbox
        .feedctl_with(&pipelines_env(&idp, "not-this-one"))
        .args(["env", "--auth", "entra"])
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("not authorized for this pipeline"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Could not find service connection"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(!stderr.contains(identity::SYSTEM_ACCESSTOKEN));
}

#[test]
fn kubernetes_workload_identity_reads_the_token_file_and_explains_expiry() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    let subject = "system:serviceaccount:build:cargo";
    idp.expect_subject(subject);
    let file = sandbox.home().join("azure-identity-token");
    let vars = workload_env(&idp, &file);
    let run = |exp: i64| {
        let token = IdentityStandIn::platform_token(subject, "api://AzureADTokenExchange", exp);
        fs::write(&file, &token).unwrap();
        let out = sandbox
            .feedctl_with(&vars)
            .args(["env", "--auth", "entra", "--format", "dotenv"])
            .output()
            .unwrap();
        assert!(!out.stderr_text().contains(&token));
        out
    };
    let out = run(identity::now() + 600);
    assert!(out.status.success(), "{}", out.stderr_text());
    assert!(
        out.stdout_text()
            .contains(&idp.access_token(identity::CLIENT_ID))
    );

    let out = run(identity::now() - 60);
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("AADSTS700024") && stderr.contains("expired"),
        "{stderr}"
    );
}

#[test]
fn a_subject_mismatch_names_the_subject_to_federate() {
    let idp = IdentityStandIn::start();
    idp.expect_subject("repo:contoso/app:environment:production");
    let feed = feed_for(idp.bearer(identity::CLIENT_ID));
    let sandbox = Sandbox::new();
    let out = connect_entra(&sandbox, &feed, &github_env(&idp))
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert_says(
        "connect",
        &stderr,
        &[
            "AADSTS700213",
            "Federated credentials",
            identity::GITHUB_SUBJECT,
            "api://AzureADTokenExchange",
        ],
    );
    assert!(!stderr.contains(identity::GITHUB_REQUEST_TOKEN));
}

#[test]
fn doctor_notices_a_feedctl_that_moved() {
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    sandbox.write_home_config(
        "[registries.crates]\ncredential-provider = [\"/gone/feedctl\", \"--auth\", \"entra\"]\n",
    );
    sandbox
        .feedctl()
        .args(["doctor", "--offline"])
        .env("PATH", empty_path(&sandbox))
        .assert()
        .code(7)
        .stdout(predicate::str::contains(
            "`/gone/feedctl` (feedctl) no longer exists",
        ))
        .stdout(predicate::str::contains(
            "feedctl providers --auth entra --name crates",
        ))
        .stdout(predicate::str::contains(
            "no Microsoft Entra ID token source applies here",
        ));
}

#[test]
fn a_valid_token_the_feed_rejects_means_the_identity_is_not_in_the_organization() {
    let idp = IdentityStandIn::start();
    let feed = feed_for("Bearer someone-else".to_string());
    let sandbox = Sandbox::new();
    connect_entra(&sandbox, &feed, &app_service_env(&idp))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("add it to the organization"))
        .stderr(predicate::str::contains(identity::MI_CLIENT_ID));
}

#[test]
fn the_chain_takes_the_first_source_that_applies() {
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    let mut vars = github_env(&idp);
    vars.extend(app_service_env(&idp));
    sandbox
        .feedctl_with(&vars)
        .args(["env", "--auth", "entra"])
        .assert()
        .success();
    let asked: Vec<String> = idp.requests().into_iter().map(|r| r.url).collect();
    assert!(
        asked.iter().any(|u| u.starts_with("/github/token")),
        "{asked:?}"
    );
    assert!(!asked.iter().any(|u| u.starts_with("/msi/")), "{asked:?}");

    // FEEDCTL_ENTRA_SOURCE picks one source, skipping those before it (here GitHub's, which
    // applies too). `AZURE_CLIENT_ID` then names the user-assigned identity, as in Azure's SDKs.
    vars.retain(|(k, _)| *k != "AZURE_CLIENT_ID");
    vars.push(("AZURE_CLIENT_ID", identity::MI_CLIENT_ID.into()));
    vars.push(("FEEDCTL_ENTRA_SOURCE", "managed-identity".into()));
    sandbox
        .feedctl_with(&vars)
        .args(["env", "--auth", "entra"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            idp.access_token(identity::MI_CLIENT_ID),
        ));
}

#[test]
fn when_nothing_applies_the_answer_lists_each_source_and_why() {
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    let out = sandbox
        .feedctl()
        .args(["env", "--auth", "entra"])
        .env("GITHUB_ACTIONS", "true")
        .env("PATH", empty_path(&sandbox))
        .output()
        .unwrap();
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(out.stdout.is_empty());
    let lines: Vec<&str> = stderr.lines().collect();
    let order = [
        "github-actions",
        "azure-pipelines",
        "workload-identity",
        "managed-identity",
        "codespaces",
        "azure-cli",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|name| {
            lines
                .iter()
                .position(|l| l.trim_start().starts_with(name))
                .unwrap_or_else(|| panic!("{name} missing: {stderr}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{stderr}");
    assert!(stderr.contains("permissions: id-token: write"), "{stderr}");
    assert!(stderr.contains("`az` is not on PATH"), "{stderr}");
}

/// Codespaces' helper is a program in `$HOME`; a shell script stands in for it.
#[cfg(unix)]
#[test]
fn the_codespaces_helper_gives_a_token() {
    use std::os::unix::fs::PermissionsExt;
    let idp = IdentityStandIn::start();
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(CONTOSO_INDEX);
    let token = idp.access_token("codespaces-user");
    let helper = sandbox.home().join("ado-auth-helper");
    fs::write(
        &helper,
        format!("#!/bin/sh\n[ \"$1\" = get-access-token ] || exit 2\necho '{token}'\n"),
    )
    .unwrap();
    fs::set_permissions(&helper, fs::Permissions::from_mode(0o755)).unwrap();
    sandbox
        .feedctl()
        .args(["env", "--auth", "entra", "--format", "powershell"])
        .env("CODESPACES", "true")
        .env("PATH", empty_path(&sandbox))
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Bearer {token}")));

    // And the real cargo builds with it, nothing stored.
    let feed = feed_for(format!("Bearer {token}"));
    let builder = Sandbox::new();
    let helper_here = builder.home().join("ado-auth-helper");
    fs::copy(&helper, &helper_here).unwrap();
    fs::set_permissions(&helper_here, fs::Permissions::from_mode(0o755)).unwrap();
    let (connect, build) = connect_and_build(&builder, &feed, &[("CODESPACES", "true".into())]);
    assert!(connect.contains("Verified"), "{connect}");
    assert_neither_shown_nor_stored(&builder, &[&connect, &build], &[token]);
}

/// The sources the other tests drive through `env` also make the real `cargo build` work with
/// no secret stored: Azure Pipelines OIDC and Kubernetes workload identity.
#[test]
fn pipelines_and_workload_identity_build_with_real_cargo() {
    let idp = IdentityStandIn::start();
    let feed = feed_for(idp.bearer(identity::CLIENT_ID));
    let pipelines = pipelines_env(&idp, identity::SERVICE_CONNECTION);
    let sandbox = Sandbox::new();
    let (connect, _) = connect_and_build(&sandbox, &feed, &pipelines);
    assert!(connect.contains("Verified"), "{connect}");
    assert_neither_shown_nor_stored(
        &sandbox,
        &[&connect],
        &[identity::SYSTEM_ACCESSTOKEN.to_string()],
    );

    let subject = "system:serviceaccount:build:cargo";
    idp.expect_subject(subject);
    let sandbox = Sandbox::new();
    let file = sandbox.home().join("azure-identity-token");
    let assertion = IdentityStandIn::platform_token(
        subject,
        "api://AzureADTokenExchange",
        identity::now() + 600,
    );
    fs::write(&file, &assertion).unwrap();
    let workload = workload_env(&idp, &file);
    let (connect, build) = connect_and_build(&sandbox, &feed, &workload);
    assert!(connect.contains("Verified"), "{connect}");
    assert_neither_shown_nor_stored(&sandbox, &[&connect, &build], &[assertion]);
}

/// `env --verify --auth entra`: a 401 for the minted token is explained in Entra ID's terms
/// (the identity is not in the organization), never a PAT's, and nothing is emitted.
#[test]
fn env_verify_explains_a_rejected_entra_token_in_entra_terms() {
    let idp = IdentityStandIn::start();
    let feed = feed_for("Bearer someone-else".to_string());
    let sandbox = Sandbox::new();
    sandbox.write_project_registry(&feed.index_url());
    let vars = app_service_env(&idp);
    let out = sandbox
        .feedctl_with(&vars)
        .args(["env", "--verify", "--auth", "entra"])
        .output()
        .unwrap();
    let stderr = assert_env_verify_refused(
        &out,
        &[
            "the feed rejected the Entra ID token from",
            "Organization settings > Users",
        ],
    );
    assert!(!stderr.contains("eyJ"), "no token in {stderr}");
}

/// cargo asks feedctl for a registry whose provider it is, so a token in
/// `CARGO_REGISTRIES_<NAME>_TOKEN` is ignored: doctor says so in both feedctl modes, and never
/// shows the token.
#[test]
fn doctor_warns_of_a_token_variable_feedctl_makes_cargo_ignore() {
    for mode in ["entra", "azure-cli"] {
        let sandbox = Sandbox::new();
        sandbox.write_project_registry(CONTOSO_INDEX);
        sandbox.write_home_config(&format!(
            "[registries.crates]\ncredential-provider = [\"/gone/feedctl\", \"--auth\", \"{mode}\"]\n"
        ));
        let out = sandbox
            .feedctl()
            .args(["doctor", "--offline"])
            .env("PATH", empty_path(&sandbox))
            .env("CARGO_REGISTRIES_CRATES_TOKEN", "Bearer ignored-token-4711")
            .output()
            .unwrap();
        let stdout = out.stdout_text();
        assert!(
            stdout.contains("CARGO_REGISTRIES_CRATES_TOKEN")
                && stdout.contains(
                    "is ignored on this machine: feedctl is this registry's credential provider"
                ),
            "{mode}: {stdout}"
        );
        let all = format!("{stdout}{}", out.stderr_text());
        assert!(!all.contains("ignored-token-4711"), "{mode}: {all}");
    }
}

/// The provider's arguments come from a hand-editable config: one feedctl does not understand
/// stops the real `cargo build` with feedctl's own message (never a silent switch to `az`),
/// and both spellings the CLI takes (`--auth entra`, `--auth=entra`) work.
#[test]
fn cargo_shows_feedctls_error_for_provider_arguments_it_does_not_understand() {
    let idp = IdentityStandIn::start();
    let feed = feed_for(idp.bearer(identity::CLIENT_ID));
    let sandbox = Sandbox::new();
    let vars = github_env(&idp);
    connect_and_build(&sandbox, &feed, &vars);
    let written = sandbox.read_cargo_home_file("config.toml").unwrap();
    let home = |args: &str| written.replace(r#", "--auth", "entra"]"#, &format!(", {args}]"));
    for bad in [
        r#""--auth", "Entra""#,
        r#""--auth""#,
        r#""--auth", "entra", "-v""#,
    ] {
        sandbox.write_home_config(&home(bad));
        let build = sandbox
            .cargo_with(&vars)
            .args(["generate-lockfile"])
            .output()
            .unwrap();
        let stderr = build.stderr_text();
        assert!(!build.status.success(), "{bad}: {stderr}");
        assert_says(
            "cargo",
            &stderr,
            &["feedctl does not understand the arguments", "\"--auth\""],
        );
        assert!(!stderr.contains("az login"), "{stderr}");
        // doctor sees the same mistake, rather than judging the registry as an az one.
        sandbox
            .feedctl_with(&vars)
            .args(["doctor", "--offline"])
            .assert()
            .code(7)
            .stdout(predicate::str::contains(
                "feedctl does not understand the arguments",
            ));
    }
    sandbox.write_home_config(&home(r#""--auth=entra""#));
    let build = sandbox
        .cargo_with(&vars)
        .args(["generate-lockfile"])
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", build.stderr_text());
}

/// A GitHub job without `id-token: write` ends the chain at `az`, which is not logged in: what
/// cargo and doctor print names the missing permission, not only az's advice to log in.
#[test]
fn a_failing_last_source_is_told_with_the_sources_skipped_before_it() {
    let feed = feed_for("Bearer nobody".to_string());
    let sandbox = Sandbox::new();
    let az = crate::support::fake_az::FakeAz::new(&sandbox, "not-logged-in");
    let mut vars = az.vars();
    vars.push(("GITHUB_ACTIONS".into(), "true".into()));
    sandbox.configure(&[&feed.index_url(), "--name", "crates"]);
    let feedctl = assert_cmd::cargo::cargo_bin!("feedctl")
        .display()
        .to_string();
    sandbox.write_home_config(&format!(
        "[registries.crates]\ncredential-provider = [{feedctl:?}, \"--auth\", \"entra\"]\n"
    ));
    let missing_permission = "give the job `permissions: id-token: write`";

    let build = sandbox.cargo_with(&vars).arg("build").output().unwrap();
    let stderr = build.stderr_text();
    assert!(!build.status.success(), "{stderr}");
    assert_says(
        "cargo",
        &stderr,
        &[
            "az login",
            "Sources asked before azure-cli, which do not apply here:",
            missing_permission,
            "azure-pipelines",
        ],
    );

    for offline in [true, false] {
        let mut doctor = sandbox.feedctl_with(&vars);
        doctor.arg("doctor").args(offline.then_some("--offline"));
        let out = doctor.output().unwrap();
        let stdout = out.stdout_text();
        assert_says("doctor", &stdout, &[missing_permission, "github-actions"]);
    }

    // `env --auth entra` (the CI path) fails the same way.
    let out = sandbox
        .feedctl_with(&vars)
        .args(["env", "--auth", "entra"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", out.stderr_text());
    assert_says("env", &out.stderr_text(), &[missing_permission, "az login"]);
}
