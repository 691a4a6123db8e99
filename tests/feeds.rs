//! `feedctl feed create|list|show` against the loopback Azure DevOps stand-in
//! ([`DevOps`]): the whole flow with the real cargo, and every bad input answered with the
//! value, the fix and a documented exit code, leaving the organization as it was.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::Sandbox;
use crate::support::devops::{
    DevOps, DevOpsSpec, Kind, Role, Scope, ScopeRefusal, StandFeed, User,
};
use crate::support::json::json_of;
use crate::support::output::assert_says;
use crate::support::secrets::assert_hidden;

const OWNER_PAT: &str = "owner-pat-0123456789abcdefghijklmnopqrstuvwx";
const READER_PAT: &str = "reader-pat-0123456789abcdefghijklmnopqrstuv";
const DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";
const WEB: [&str; 4] = ["--org", "contoso", "--project", "web"];

fn ada() -> User {
    User::new("ada", OWNER_PAT, Scope::Write).feed_creator()
}

/// Organization `contoso` with project `web` and Ada, a feed creator with a Read & write PAT.
fn contoso() -> DevOpsSpec {
    DevOpsSpec::new("contoso", &["web"]).user(ada())
}

/// feedctl with the stand-in in place of Azure DevOps Services and `pat` in `AZURE_DEVOPS_PAT`.
fn feedctl(sandbox: &Sandbox, devops: &DevOps, pat: &str) -> Command {
    sandbox.feedctl_with(&[(DEVOPS_VAR, devops.url()), ("AZURE_DEVOPS_PAT", pat)])
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_new_user_goes_from_no_feed_to_cargo_build_through_the_crates_io_upstream() {
    let devops = DevOps::start(contoso());
    let sandbox = Sandbox::new();
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "create", "crates"])
        .args(WEB)
        .args(["--pat-env", "AZURE_DEVOPS_PAT"])
        .assert()
        .success()
        .get_output()
        .clone();
    let next =
        "feedctl connect --org contoso --project web --feed crates --pat-env AZURE_DEVOPS_PAT";
    assert_says(
        "feed create",
        &stderr(&out),
        &["Created", "crates.io upstream on", next],
    );
    let feed = devops
        .feed("crates")
        .expect("the feed exists on the stand-in");
    assert_eq!(feed.project.as_deref(), Some("web"));
    assert!(feed.upstream_enabled);
    assert_eq!(
        feed.upstream_sources[0]["location"],
        "https://index.crates.io/"
    );
    assert!(feed.saved.is_empty());

    // The next step exactly as printed (plus a file store: no OS keyring in tests).
    let argv: Vec<&str> = next.split(' ').skip(1).collect();
    feedctl(&sandbox, &devops, OWNER_PAT)
        .args(&argv)
        .args(["--store", "file"])
        .assert()
        .success();
    let config = sandbox.read_project_file(".cargo/config.toml");
    assert!(
        config.contains(&format!(
            "sparse+{}/contoso/web/_packaging/crates/Cargo/index/",
            devops.url()
        )),
        "{config}"
    );
    sandbox.cargo_build().assert().success();
    let feed = devops.feed("crates").unwrap();
    assert_eq!(feed.saved, [("azdemo".to_string(), "0.1.0".to_string())]);

    // `feed show` without an argument: the feed of this project's registry, with the token
    // cargo uses, and the crate now saved from upstream.
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["feed", "show", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let shown = json_of(&out);
    assert_eq!(shown["name"], "crates");
    assert_eq!(shown["crates_io_upstream"], "ok");
    assert_eq!(shown["role"], "owner");
    assert_eq!(shown["token_may_write"], true);
    assert_eq!(shown["crates"][0]["name"], "azdemo");
    assert_eq!(shown["crates"][0]["from_upstream"], true);
    assert_hidden(
        "feed show",
        &String::from_utf8_lossy(&out.stdout),
        &[OWNER_PAT],
    );
    assert_hidden("feed create", &stderr(&out), &[OWNER_PAT]);
}

/// Runs `feed create NAME <args…>` as Ada and returns (exit code, stderr).
fn create(devops: &DevOps, pat: &str, name: &str, args: &[&str]) -> (i32, String) {
    let sandbox = Sandbox::new();
    let out = feedctl(&sandbox, devops, pat)
        .args(["feed", "create", name])
        .args(args)
        .args(["--pat-env", "AZURE_DEVOPS_PAT"])
        .output()
        .unwrap();
    assert_hidden("feed create", &stderr(&out), &[pat]);
    (out.status.code().unwrap_or(-1), stderr(&out))
}

#[test]
fn invalid_names_are_refused_before_any_request() {
    let devops = DevOps::start(contoso());
    let long = "x".repeat(65);
    let cases = [
        ("my feed", "whitespace"),
        ("_crates", "starts with `_` or `.`"),
        ("crates.", "ends with `.`"),
        ("crates@Release", "`@` is not allowed"),
        ("a:b", "`:` is not allowed"),
        ("a~b", "`~` is not allowed"),
        (long.as_str(), "at most 64"),
        // Azure takes it, but no Cargo index URL `connect` writes could name it.
        ("données", "letters, digits, `.`, `_` and `-`"),
    ];
    for (name, rule) in cases {
        let (code, err) = create(&devops, OWNER_PAT, name, &WEB);
        assert_eq!(code, 2, "{name}: {err}");
        assert_says(name, &err, &[&format!("`{name}`"), rule]);
    }
    assert!(devops.requests().is_empty(), "{:#?}", devops.requests());
}

#[test]
fn the_create_request_carries_the_crates_io_upstream_and_dry_run_sends_nothing() {
    let devops = DevOps::start(contoso());
    let sandbox = Sandbox::new();
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "create", "crates", "--dry-run"])
        .args(WEB)
        .args(["--pat-env", "AZURE_DEVOPS_PAT"])
        .assert()
        .success()
        .get_output()
        .clone();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_says(
        "dry run",
        &shown,
        &[
            &format!(
                "POST {}/contoso/web/_apis/packaging/feeds?api-version=7.1",
                devops.url()
            ),
            "\"upstreamEnabled\": true",
            "\"location\": \"https://index.crates.io/\"",
            "\"protocol\": \"Cargo\"",
            "\"upstreamSourceType\": \"public\"",
        ],
    );
    assert_hidden("dry run", &shown, &[OWNER_PAT]);
    // The feed's page URL names the same feed.
    let page = format!("{}/contoso/web/_artifacts/feed/crates", devops.url());
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "create", &page, "--dry-run"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(String::from_utf8_lossy(&out.stdout), shown);
    assert!(devops.requests().is_empty());

    let (code, err) = create(&devops, OWNER_PAT, "crates", &WEB);
    assert_eq!(code, 0, "{err}");
    let writes = devops.writes();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    let post = &writes[0];
    assert_eq!((post.method.as_str(), post.status), ("POST", 201));
    assert_eq!(
        post.url,
        "/contoso/web/_apis/packaging/feeds?api-version=7.1"
    );
    assert_eq!(post.authorization.as_deref(), Some(ada().header.as_str()));
    let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(body["upstreamSources"][0]["name"], "crates.io");

    // Again: nothing to do, nothing written.
    let (code, err) = create(&devops, OWNER_PAT, "crates", &WEB);
    assert_eq!(code, 0, "{err}");
    assert_says("second run", &err, &["Unchanged", "already exists"]);
    assert_eq!(devops.writes().len(), 1);
}

#[test]
fn a_name_taken_elsewhere_in_the_organization_is_explained_with_the_feed_to_use() {
    let devops = DevOps::start(
        contoso().feed(StandFeed::new("crates", None).role(&ada(), Role::Administrator)),
    );
    let (code, err) = create(&devops, OWNER_PAT, "Crates", &WEB);
    assert_eq!(code, 2, "{err}");
    assert_says(
        "duplicate",
        &err,
        &[
            "create feed `Crates`",
            "already taken",
            "unique across the whole organization",
            "feedctl connect --org contoso --feed crates",
        ],
    );
    assert_eq!(devops.feed_names(), ["crates"]);
}

#[test]
fn a_project_that_does_not_exist_is_named() {
    let devops = DevOps::start(contoso());
    let (code, err) = create(
        &devops,
        OWNER_PAT,
        "crates",
        &["--org", "contoso", "--project", "nope"],
    );
    assert_eq!(code, 5, "{err}");
    assert_says(
        "missing project",
        &err,
        &["nope", "--project", "ProjectDoesNotExistWithNameException"],
    );
    assert!(devops.feed_names().is_empty());
}

#[test]
fn a_token_without_the_write_scope_is_told_apart_from_a_missing_permission() {
    for refusal in [ScopeRefusal::Unauthorized, ScopeRefusal::Forbidden] {
        let bob = User::new("bob", READER_PAT, Scope::Read).feed_creator();
        let devops = DevOps::start(contoso().user(bob).scope_refusal(refusal));
        let (code, err) = create(&devops, READER_PAT, "crates", &WEB);
        assert_eq!(code, 4, "{refusal:?}: {err}");
        assert_says(
            &format!("{refusal:?}"),
            &err,
            &[
                "create feed `crates`",
                "lacks the Packaging > Read & write scope",
                "Fix: create a PAT",
            ],
        );
        assert!(devops.feed_names().is_empty());
    }
    let carol = User::new("carol", READER_PAT, Scope::Write);
    let devops = DevOps::start(contoso().user(carol));
    let (code, err) = create(&devops, READER_PAT, "crates", &WEB);
    assert_eq!(code, 4, "{err}");
    assert_says(
        "not a creator",
        &err,
        &[
            "may not create feeds",
            "Feed creator",
            "FeedNeedsPermissionsException",
        ],
    );
    assert!(devops.feed_names().is_empty());
}

#[test]
fn an_existing_feed_gets_the_upstream_from_its_owner_and_others_are_told_who_can() {
    let dora = User::new("dora", READER_PAT, Scope::Write);
    let feed = StandFeed::new("crates", Some("web")).without_upstream();
    let devops = DevOps::start(
        contoso().user(dora.clone()).feed(
            feed.role(&ada(), Role::Administrator)
                .role(&dora, Role::Collaborator),
        ),
    );
    let (code, err) = create(&devops, READER_PAT, "crates", &WEB);
    assert_eq!(code, 4, "{err}");
    assert_says(
        "not owner",
        &err,
        &[
            "already exists",
            "missing",
            "Owner",
            "Feed settings",
            "Read, write, & manage",
        ],
    );
    assert!(devops.feed("crates").unwrap().upstream_sources.is_empty());

    // Ada owns it but her PAT cannot manage: same advice. With a manage PAT it works.
    let manage = "manage-pat-0123456789abcdefghijklmnopqrstu";
    let mut owner = User::new("ada", manage, Scope::Manage);
    owner.id = ada().id;
    let devops = DevOps::start(
        DevOpsSpec::new("contoso", &["web"]).user(owner).feed(
            StandFeed::new("crates", Some("web"))
                .without_upstream()
                .role(&ada(), Role::Administrator),
        ),
    );
    let (code, err) = create(&devops, manage, "crates", &WEB);
    assert_eq!(code, 0, "{err}");
    assert_says("owner", &err, &["Updated", "crates.io upstream added"]);
    let feed = devops.feed("crates").unwrap();
    assert!(feed.upstream_enabled);
    assert_eq!(feed.upstream_sources[0]["name"], "crates.io");
}

#[test]
fn azure_devops_server_says_plainly_which_step_it_cannot_do() {
    for (kind, code, phrases) in [
        (
            Kind::OldServer,
            5,
            &[
                "does not have this API",
                "VssVersionOutOfRangeException",
                "Azure DevOps Server",
            ][..],
        ),
        (
            Kind::ServerWithoutCargoUpstream,
            5,
            &["does not accept crates.io as an upstream", "--no-upstream"][..],
        ),
    ] {
        let devops = DevOps::start(contoso().kind(kind));
        let sandbox = Sandbox::new();
        let out = sandbox
            .feedctl_with(&[("AZURE_DEVOPS_PAT", OWNER_PAT)])
            .args([
                "feed",
                "create",
                "crates",
                "--server-url",
                devops.url(),
                "--collection",
                "contoso",
            ])
            .args(["--project", "web", "--pat-env", "AZURE_DEVOPS_PAT"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{kind:?}: {err}");
        assert_says(&format!("{kind:?}"), &err, phrases);
        assert!(err.contains(devops.url()), "names the server: {err}");
        assert!(devops.feed_names().is_empty());
    }
    // A current Server creates it, under the collection URL.
    let devops = DevOps::start(contoso().kind(Kind::Server));
    let sandbox = Sandbox::new();
    sandbox
        .feedctl_with(&[("AZURE_DEVOPS_PAT", OWNER_PAT)])
        .args([
            "feed",
            "create",
            "crates",
            "--server-url",
            devops.url(),
            "--collection",
            "contoso",
        ])
        .args(["--pat-env", "AZURE_DEVOPS_PAT"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "feedctl connect --server-url {} --collection contoso --feed crates",
            devops.url()
        )));
    assert_eq!(devops.feed("crates").unwrap().project, None);
}

#[test]
fn list_shows_scope_upstream_health_and_the_role_azure_tells() {
    let (bea, cid) = (
        User::new("bea", "bea-pat-0123456789abcdefghijklmnopqrs", Scope::Read),
        ada(),
    );
    let devops = DevOps::start(
        contoso()
            .user(bea.clone())
            .feed(
                StandFeed::new("owned", Some("web"))
                    .role(&cid, Role::Administrator)
                    .role(&bea, Role::Administrator),
            )
            .feed(StandFeed::new("published", Some("web")).role(&bea, Role::Contributor))
            .feed(
                StandFeed::new("shared", None)
                    .role(&bea, Role::Collaborator)
                    .failing_upstream("Upstream unreachable"),
            )
            .feed(
                StandFeed::new("plain", Some("web"))
                    .without_upstream()
                    .role(&bea, Role::Reader),
            )
            .feed(StandFeed::new("hidden", Some("web")).role(&cid, Role::Administrator)),
    );
    let sandbox = Sandbox::new();
    let out = feedctl(&sandbox, &devops, "bea-pat-0123456789abcdefghijklmnopqrs")
        .args(["feed", "list", "--json", "--pat-env", "AZURE_DEVOPS_PAT"])
        .args(WEB)
        .assert()
        .success()
        .get_output()
        .clone();
    let listing = json_of(&out);
    assert_eq!(listing["identity"], "bea <bea@contoso.test>");
    let feeds = listing["feeds"].as_array().unwrap();
    let row = |name: &str| {
        feeds
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {listing:#}"))
    };
    assert_eq!(row("owned")["role"], "owner");
    assert_eq!(row("published")["role"], "contributor");
    assert_eq!(row("shared")["role"], "reader-or-collaborator");
    assert_eq!(row("shared")["scope"], "organization");
    assert_eq!(row("shared")["crates_io_upstream"], "failing");
    assert_eq!(
        row("shared")["upstream_status_details"][0],
        "Upstream unreachable"
    );
    assert_eq!(row("plain")["crates_io_upstream"], "missing");
    assert_eq!(
        row("owned")["index_url"],
        format!(
            "sparse+{}/contoso/web/_packaging/owned/Cargo/index/",
            devops.url()
        )
    );
    assert!(feeds.iter().all(|f| f["name"] != "hidden"), "{listing:#}");

    let outsider = User::new(
        "eve",
        "eve-pat-0123456789abcdefghijklmnopqrs",
        Scope::Manage,
    )
    .outsider();
    let devops = DevOps::start(contoso().user(outsider));
    let out = feedctl(&sandbox, &devops, "eve-pat-0123456789abcdefghijklmnopqrs")
        .args([
            "feed",
            "list",
            "--org",
            "contoso",
            "--pat-env",
            "AZURE_DEVOPS_PAT",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_says(
        "outsider",
        &stderr(&out),
        &["TF400813", "no access to organization `contoso`"],
    );
}

#[test]
fn a_reader_gets_no_local_versions_and_nothing_is_saved() {
    let reader = User::new("rae", READER_PAT, Scope::Write);
    let devops = DevOps::start(
        contoso()
            .user(reader.clone())
            .feed(StandFeed::new("crates", Some("web")).role(&reader, Role::Reader)),
    );
    let sandbox = Sandbox::new();
    feedctl(&sandbox, &devops, READER_PAT)
        .args([
            "connect",
            "--feed",
            "crates",
            "--pat-env",
            "AZURE_DEVOPS_PAT",
            "--store",
            "file",
        ])
        .args(WEB)
        .assert()
        .success();
    let out = sandbox.cargo_build().output().unwrap();
    assert!(!out.status.success());
    assert_says(
        "cargo",
        &stderr(&out),
        &["No local versions of package 'azdemo'"],
    );
    assert!(devops.feed("crates").unwrap().saved.is_empty());
}

#[test]
fn the_test_switch_takes_only_a_loopback_base() {
    let sandbox = Sandbox::new();
    for bad in [
        "https://dev.azure.com",
        "http://169.254.169.254",
        "http://127.0.0.1:1/contoso",
    ] {
        let out = sandbox
            .feedctl_with(&[(DEVOPS_VAR, bad)])
            .args(["feed", "list", "--org", "contoso"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert_says(bad, &stderr(&out), &[DEVOPS_VAR, bad, "loopback"]);
    }
}

#[test]
fn create_with_connect_hands_one_pasted_token_to_both_steps() {
    let devops = DevOps::start(contoso());
    let sandbox = Sandbox::new();
    sandbox.write_home_config(crate::support::TOKEN_PROVIDERS);
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["-v", "feed", "create", "crates", "--connect", "--pat-stdin"])
        .args(WEB)
        .write_stdin(format!("{OWNER_PAT}\n"))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert_says("create --connect", &err, &["Created", "Ready"]);
    assert_hidden(
        "create --connect -v",
        &err,
        &crate::support::secrets::pat_forms(OWNER_PAT),
    );
    assert_hidden(
        "create --connect",
        &String::from_utf8_lossy(&out.stdout),
        &[OWNER_PAT],
    );
    sandbox.cargo_build().assert().success();
    assert_eq!(devops.feed("crates").unwrap().saved.len(), 1);
}

#[test]
fn show_and_list_find_the_feed_from_a_url_a_name_or_this_project() {
    let devops = DevOps::start(
        contoso().feed(StandFeed::new("crates", Some("web")).role(&ada(), Role::Contributor)),
    );
    let sandbox = Sandbox::new();
    let url = format!(
        "{}/contoso/web/_packaging/crates/Cargo/index/",
        devops.url()
    );
    for args in [
        vec!["feed", "show", url.as_str()],
        vec![
            "feed",
            "show",
            "crates",
            "--org",
            "contoso",
            "--project",
            "web",
        ],
    ] {
        let out = feedctl(&sandbox, &devops, OWNER_PAT)
            .args(&args)
            .args(["--pat-env", "AZURE_DEVOPS_PAT"])
            .assert()
            .success()
            .get_output()
            .clone();
        assert_says(
            &args.join(" "),
            &String::from_utf8_lossy(&out.stdout),
            &[
                "web/crates",
                "scope: project",
                "crates.io upstream: on",
                "your role: Feed Publisher (Contributor)",
                "token may write: yes",
                "crates in the feed: none yet",
                "identity: ada <ada@contoso.test>",
            ],
        );
    }
    // No registry here and no place named: say how to name one.
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "list", "--pat-env", "AZURE_DEVOPS_PAT"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_says("no place", &stderr(&out), &["--org ORG"]);
    // Once connected, `feed list` lists that organization and project.
    sandbox.configure(&["--org", "contoso", "--project", "web", "--feed", "crates"]);
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "list", "--pat-env", "AZURE_DEVOPS_PAT"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_says(
        "list",
        &String::from_utf8_lossy(&out.stdout),
        &["web/crates", &url],
    );
}

#[test]
fn a_missing_feed_and_a_missing_token_say_what_to_do() {
    let devops = DevOps::start(contoso());
    let sandbox = Sandbox::new();
    let out = feedctl(&sandbox, &devops, OWNER_PAT)
        .args(["feed", "show", "nope", "--pat-env", "AZURE_DEVOPS_PAT"])
        .args(WEB)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_says(
        "missing feed",
        &stderr(&out),
        &["no feed `nope`", "feedctl feed list"],
    );
    let out = sandbox
        .feedctl_with(&[(DEVOPS_VAR, devops.url())])
        .args(["feed", "create", "crates"])
        .args(WEB)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_says(
        "no token",
        &stderr(&out),
        &["no token", "--pat-env VAR", "--azure-cli"],
    );
    assert!(devops.requests().iter().all(|r| r.method == "GET"));
    assert!(devops.feed_names().is_empty());
}

#[test]
fn a_token_azure_does_not_take_is_named_as_such_and_never_a_sign_in_page() {
    let devops = DevOps::start(contoso());
    let sandbox = Sandbox::new();
    let wrong = "wrong-pat-0123456789abcdefghijklmnopqrstu";
    let out = feedctl(&sandbox, &devops, wrong)
        .args([
            "feed",
            "list",
            "--org",
            "contoso",
            "--pat-env",
            "AZURE_DEVOPS_PAT",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_says(
        "wrong token",
        &stderr(&out),
        &[
            "list the feeds",
            "not accepted",
            "expired, revoked",
            "organization `contoso`",
        ],
    );
    // feedctl asks Azure for a 401 (`X-TFS-FedAuthRedirect: Suppress`); without it the same
    // token gets the 203 sign-in page.
    assert!(
        devops.requests().iter().all(|r| r.status == 401),
        "{:#?}",
        devops.requests()
    );
    let page = crate::support::http::get(
        &format!(
            "{}/contoso/_apis/packaging/feeds?api-version=7.1",
            devops.url()
        ),
        Some(&crate::support::basic(wrong)),
    );
    assert_eq!(page.status, 203);
}

#[test]
fn an_azure_cli_login_is_enough_to_create_the_feed() {
    use crate::support::fake_az::{FakeAz, bearer_of};
    let sandbox = Sandbox::new();
    let mut entra = User::new("ada-entra", "unused", Scope::Manage).feed_creator();
    entra.header = bearer_of("user-ok");
    let devops = DevOps::start(contoso().user(entra));
    let az = FakeAz::new(&sandbox, "user-ok");
    let out = az
        .feedctl(&sandbox)
        .env(DEVOPS_VAR, devops.url())
        .args(["feed", "create", "crates", "--azure-cli"])
        .args(WEB)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_says(
        "az",
        &stderr(&out),
        &[
            "Created",
            "feedctl connect --org contoso --project web --feed crates --azure-cli",
        ],
    );
    let post = &devops.writes()[0];
    assert_eq!(
        post.authorization.as_deref(),
        Some(bearer_of("user-ok").as_str())
    );

    // Not logged in: az's own advice, nothing sent.
    let devops = DevOps::start(contoso());
    let az = FakeAz::new(&sandbox, "not-logged-in");
    let out = az
        .feedctl(&sandbox)
        .env(DEVOPS_VAR, devops.url())
        .args(["feed", "create", "crates", "--azure-cli"])
        .args(WEB)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_says("az not logged in", &stderr(&out), &["az login"]);
    assert!(devops.requests().is_empty());
}
