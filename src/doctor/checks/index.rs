//! Index URLs cargo cannot use against Azure Artifacts: without `sparse+` cargo speaks the
//! git protocol (Azure serves only the sparse one); a sparse URL must end in `/`.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Level, assert_checks};

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
