//! Index URLs cargo cannot use against Azure Artifacts: without `sparse+` cargo speaks the
//! git protocol (Azure serves only the sparse one); a sparse URL must end in `/`; and cargo,
//! which finds a registry's token by its index URL, must find exactly this registry's name.

use crate::azure::feed::Feed;
use crate::cargo::config::effective::Definition;
use crate::doctor::facts::RegistryFacts;
use crate::doctor::report::{CheckId, Report};

pub fn sparse(facts: &RegistryFacts, report: &mut Report) {
    let registry = &facts.registry;
    let from = facts
        .index_origin
        .as_ref()
        .map(Definition::describe)
        .unwrap_or_else(|| format!("`{}`", registry.file.display()));
    let fix = match Feed::parse_url(&registry.index).map(|feed| feed.index_url()) {
        Ok(url) => format!(
            "set `registries.{}.index = \"{url}\"` in {from}",
            registry.name
        ),
        Err(_) => format!(
            "feedctl connect <feed-url> --name {} --force",
            registry.name
        ),
    };
    if !registry.index.starts_with("sparse+") {
        report.fail(
            CheckId::IndexSparse,
            format!(
                "`{}` (from {from}) has no `sparse+` prefix, so cargo fetches it with the git \
                 protocol, which Azure Artifacts does not serve",
                registry.index
            ),
            fix,
        );
    } else if !registry.index.ends_with('/') {
        report.fail(
            CheckId::IndexSparse,
            format!(
                "`{}` (from {from}) does not end in `/`; cargo refuses it (\"sparse registry url \
                 must end in a slash\")",
                registry.index
            ),
            fix,
        );
    }
}

/// cargo looks a registry up by its index URL before asking for its token: two names for it
/// fail every such command, and another single name makes cargo use that name's settings.
pub fn unique(facts: &RegistryFacts, report: &mut Report) {
    let name = &facts.registry.name;
    let described =
        |(other, from): &(String, Definition)| format!("`{other}` (from {})", from.describe());
    let undo = |(other, from): &(String, Definition)| match from {
        Definition::Env(var) => format!("unset `{var}`"),
        Definition::File(path) => {
            format!("remove `[registries.{other}]` from `{}`", path.display())
        }
    };
    match facts.index_names.as_slice() {
        [] => {}
        [(only, _)] if only == name => {}
        [other] => report.warn(
            CheckId::IndexUnique,
            format!(
                "cargo looks up the token for this index under {} instead, so the settings of                  `{name}` (its token, its credential provider) are not used",
                described(other)
            ),
            format!("{}, or use that name", undo(other)),
        ),
        names => {
            let listed: Vec<String> = names.iter().map(described).collect();
            let others: Vec<String> = names
                .iter()
                .filter(|(other, _)| other != name)
                .map(undo)
                .collect();
            report.fail(
                CheckId::IndexUnique,
                format!(
                    "{} all name the index `{}`, and cargo fails every command that needs its \
                     token (\"multiple registries are configured with the same index url\")",
                    listed.join(", "),
                    facts.registry.index
                ),
                format!("keep one name per index: {}", others.join("; ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Level, assert_checks};

    #[test]
    fn unique_table() {
        let file = |p: &str| Definition::File(p.into());
        let env = |v: &str| Definition::Env(v.into());
        let cases = [
            (
                "one name",
                vec![("crates", file("/p/.cargo/config.toml"))],
                None,
                "",
            ),
            ("not looked up", vec![], None, ""),
            (
                "a second name in an included file",
                vec![
                    ("crates", file("/p/.cargo/config.toml")),
                    ("feed", file("/p/.cargo/shared.toml")),
                ],
                Some((
                    Level::Fail,
                    "`crates` (from `/p/.cargo/config.toml`), `feed` (from `/p/.cargo/shared.toml`) all name the index",
                )),
                "keep one name per index: remove `[registries.feed]` from `/p/.cargo/shared.toml`",
            ),
            (
                "another name from a variable",
                vec![("ci", env("CARGO_REGISTRIES_CI_INDEX"))],
                Some((
                    Level::Warn,
                    "under `ci` (from env var `CARGO_REGISTRIES_CI_INDEX`) instead",
                )),
                "unset `CARGO_REGISTRIES_CI_INDEX`, or use that name",
            ),
        ];
        for (case, names, expected, fix) in cases {
            let mut facts = fixture::registry("crates");
            facts.index_names = names.into_iter().map(|(n, d)| (n.to_string(), d)).collect();
            let mut report = Report::for_registry("crates");
            unique(&facts, &mut report);
            let expected: Vec<_> = expected
                .map(|(level, phrase)| (CheckId::IndexUnique, level, phrase))
                .into_iter()
                .collect();
            assert_checks(&report, &expected, case);
            if !fix.is_empty() {
                assert_eq!(report.checks[0].fix.as_deref(), Some(fix), "{case}");
            }
        }
    }

    #[test]
    fn index_table() {
        let git = "https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/";
        let cases = [
            ("sparse", fixture::INDEX, None, ""),
            (
                "git protocol",
                git,
                Some("has no `sparse+` prefix"),
                "set `registries.crates.index = \"sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/\"` in `/p/.cargo/config.toml`",
            ),
            (
                "no slash",
                fixture::INDEX.trim_end_matches('/'),
                Some("does not end in `/`; cargo refuses it"),
                "set `registries.crates.index",
            ),
            (
                "not a feed URL",
                "https://example.com/index",
                Some("has no `sparse+` prefix"),
                "feedctl connect <feed-url> --name crates --force",
            ),
        ];
        for (case, index, phrase, fix) in cases {
            let mut facts = fixture::registry("crates");
            facts.registry.index = index.to_string();
            let mut report = Report::for_registry("crates");
            sparse(&facts, &mut report);
            let expected: Vec<_> = phrase
                .map(|p| (CheckId::IndexSparse, Level::Fail, p))
                .into_iter()
                .collect();
            assert_checks(&report, &expected, case);
            if phrase.is_some() {
                assert!(
                    report.checks[0].fix.as_deref().unwrap().contains(fix),
                    "{case}"
                );
                assert_eq!(report.checks[0].registry.as_deref(), Some("crates"));
            }
        }
    }
}
