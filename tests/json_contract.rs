//! `status --json` and `doctor --json` are a contract: the keys and types scripts rely on,
//! stable check ids, and values that are data (no Markdown backticks).

use serde_json::Value;

use crate::support::json::{checks, json_of, keys};
use crate::support::output::Streams;
use crate::support::{FakeFeed, FeedSpec, Sandbox, TOKEN_PROVIDERS, basic};

const PAT: &str = "json-contract-pat-00112233445566778899aabbccdd";

/// A project with one registry per `(name, feed)`, e.g. `[("crates", &feed1), ("tools", &feed2)]`.
fn connected_to(feeds: &[(&str, &FakeFeed)]) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write_home_config(TOKEN_PROVIDERS);
    for (name, feed) in feeds {
        sandbox.configure(&[&feed.index_url(), "--name", name, "--force"]);
    }
    sandbox
}

/// Every string anywhere in `value`.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

fn assert_no_markdown(value: &Value) {
    for s in strings(value) {
        assert!(!s.contains('`'), "a JSON value carries Markdown: {s}");
    }
}

#[test]
fn doctor_json_has_stable_ids_and_registries() {
    let good = FakeFeed::with_pat(PAT);
    let other = FakeFeed::start(FeedSpec::new("Coll", None, "tools"));
    let sandbox = connected_to(&[("crates", &good), ("tools", &other)]);
    let out = sandbox
        .feedctl()
        .args(["doctor", "--json"])
        .env("CARGO_REGISTRIES_CRATES_TOKEN", basic(PAT))
        .env("CARGO_REGISTRIES_TOOLS_TOKEN", basic("wrong"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let json = json_of(&out);
    assert_eq!(json["ok"], false);
    assert!(json["failed"].as_u64().unwrap() >= 1);
    assert!(json["warnings"].is_u64());
    let checks = checks(&json);
    for check in checks {
        assert_eq!(
            keys(check),
            ["fix", "id", "message", "registry", "status"],
            "{check}"
        );
        assert!(check["id"].as_str().unwrap().contains('.'), "{check}");
        assert!(check["registry"].is_string() || check["registry"].is_null());
        assert!(["ok", "warn", "fail"].contains(&check["status"].as_str().unwrap()));
        assert!(check["message"].is_string());
        assert!(check["fix"].is_string() || check["fix"].is_null());
    }
    assert_no_markdown(&json);
    let find = |id: &str, registry: Option<&str>| {
        checks
            .iter()
            .find(|c| c["id"] == id && c["registry"].as_str() == registry)
            .unwrap_or_else(|| panic!("no check {id} for {registry:?} in {json:#}"))
    };
    assert_eq!(find("cargo.version", None)["status"], "ok");
    assert_eq!(find("providers.configured", None)["status"], "ok");
    assert_eq!(find("feed.reachable", Some("crates"))["status"], "ok");
    assert_eq!(find("token.accepted", Some("crates"))["status"], "ok");
    let rejected = find("token.accepted", Some("tools"));
    assert_eq!(rejected["status"], "fail");
    assert!(rejected["message"].as_str().unwrap().contains("HTTP 401"));
    // Stable order: global checks, then each registry's, in name order.
    let registries: Vec<Option<&str>> = checks.iter().map(|c| c["registry"].as_str()).collect();
    let first_tools = registries.iter().position(|r| *r == Some("tools")).unwrap();
    assert!(
        registries[..first_tools]
            .iter()
            .all(|r| *r != Some("tools"))
    );
    assert!(
        registries[first_tools..]
            .iter()
            .all(|r| *r == Some("tools"))
    );
    assert!(!out.stdout_text().contains(&basic(PAT)));
}

#[test]
fn doctor_probes_many_feeds_at_once_in_a_stable_order() {
    let feeds: Vec<FakeFeed> = (0..6)
        .map(|i| {
            FakeFeed::start(FeedSpec::new("Coll", None, &format!("feed{i}")).accept(basic(PAT)))
        })
        .collect();
    let named: Vec<(String, &FakeFeed)> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (format!("feed{i}"), f))
        .collect();
    let refs: Vec<(&str, &FakeFeed)> = named.iter().map(|(n, f)| (n.as_str(), *f)).collect();
    let sandbox = connected_to(&refs);
    let mut cmd = sandbox.feedctl();
    cmd.args(["doctor", "--json"]);
    for (name, _) in &refs {
        cmd.env(
            format!("CARGO_REGISTRIES_{}_TOKEN", name.to_uppercase()),
            basic(PAT),
        );
    }
    let out = cmd.output().unwrap();
    let json = json_of(&out);
    assert_eq!(json["ok"], true, "{json:#}");
    let order: Vec<&str> = checks(&json)
        .iter()
        .filter(|c| c["id"] == "token.accepted")
        .map(|c| c["registry"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["feed0", "feed1", "feed2", "feed3", "feed4", "feed5"]
    );
    for feed in &feeds {
        let probes = feed
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("config.json"))
            .count();
        assert_eq!(probes, 2, "one anonymous probe, one with the token");
    }
}

#[test]
fn status_json_fields_are_data() {
    let feed = FakeFeed::start(FeedSpec::new("Coll", Some("web"), "crates"));
    let sandbox = connected_to(&[("crates", &feed)]);
    for (env, source, location) in [
        (
            Some(basic(PAT)),
            "env_var",
            Value::from("CARGO_REGISTRIES_CRATES_TOKEN"),
        ),
        (None, "none", Value::Null),
    ] {
        let mut cmd = sandbox.feedctl();
        cmd.args(["status", "--json"]);
        if let Some(token) = &env {
            cmd.env("CARGO_REGISTRIES_CRATES_TOKEN", token);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let json = json_of(&out);
        assert_no_markdown(&json);
        assert_eq!(
            keys(&json),
            [
                "config_files",
                "crates_io_replaced_in",
                "crates_io_replaced_with",
                "credential_providers",
                "credential_providers_configured",
                "credential_providers_from",
                "http",
                "registries"
            ]
        );
        assert!(json["credential_providers"].is_array());
        assert!(json["credential_providers_configured"].is_boolean());
        let registry = &json["registries"][0];
        for key in [
            "name",
            "index_url",
            "feed",
            "scope",
            "defined_in",
            "token_env_var",
        ] {
            assert!(registry[key].is_string(), "{key}: {registry}");
        }
        assert_eq!(registry["token"]["source"], source);
        assert_eq!(registry["token"]["location"], location);
    }
}
