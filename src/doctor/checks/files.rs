//! Files that break cargo quietly: a legacy `config` (or `credentials`) hiding the
//! `config.toml` (`credentials.toml`) beside it, a credentials file cargo cannot parse, and
//! tokens in project configs that get committed.

use crate::doctor::facts::Config;
use crate::doctor::report::{Check, CheckId, Level, Report};

/// cargo reads only the legacy `config` (`credentials`), so edits to the `config.toml`
/// (`credentials.toml`) next to it silently do nothing.
pub fn legacy(config: &Config, report: &mut Report) {
    for file in &config.legacy_configs {
        let mut name = file.file_name().unwrap_or_default().to_os_string();
        name.push(".toml");
        let ignored = file.with_file_name(name);
        report.warn(
            CheckId::ConfigLegacy,
            format!(
                "`{}` exists, so cargo ignores `{}` next to it",
                file.display(),
                ignored.display()
            ),
            format!(
                "merge the two into `{}` and delete `{}`",
                ignored.display(),
                file.display()
            ),
        );
    }
}

/// A credentials file cargo cannot parse breaks every cargo command that needs a token.
pub fn credentials_readable(config: &Config, report: &mut Report) {
    for (path, error) in &config.unreadable_credentials {
        report.fail(
            CheckId::CredentialsReadable,
            format!("{error}; cargo fails on it too (its contents are not shown: it holds tokens)"),
            format!(
                "fix the line named above in `{}`, or delete the file and log in again \
                 (feedctl login)",
                path.display()
            ),
        );
    }
}

/// A token in a project config gets committed: it is in git history from then on.
pub fn committed_tokens(config: &Config, report: &mut Report) {
    for (path, key) in &config.committed_tokens {
        let registry = key
            .strip_prefix("registries.")
            .and_then(|k| k.strip_suffix(".token"))
            .map(str::to_string);
        let login = match &registry {
            Some(name) => format!("feedctl login --name {name}"),
            None => "feedctl login".to_string(),
        };
        report.add(Check {
            id: CheckId::ConfigToken,
            registry,
            status: Level::Fail,
            message: format!(
                "`{}` holds a token (`{key}`); a project config is committed, so the token is \
                 in the repository and its history",
                path.display()
            ),
            fix: Some(format!(
                "remove the `{key}` line, revoke the PAT and create a new one (it may be in git \
                 history), then store it outside the project: {login}"
            )),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::doctor::report::assert_checks;

    #[test]
    fn files_table() {
        let config = Config {
            legacy_configs: vec![
                PathBuf::from("/p/.cargo/config"),
                PathBuf::from("/h/credentials"),
            ],
            unreadable_credentials: vec![(
                PathBuf::from("/h/credentials.toml"),
                "TOML parse error at line 2".to_string(),
            )],
            committed_tokens: vec![
                (
                    PathBuf::from("/p/.cargo/config.toml"),
                    "registries.crates.token".to_string(),
                ),
                (
                    PathBuf::from("/p/.cargo/config.toml"),
                    "registry.token".to_string(),
                ),
            ],
            ..Config::default()
        };
        let mut report = Report::default();
        legacy(&config, &mut report);
        credentials_readable(&config, &mut report);
        committed_tokens(&config, &mut report);
        assert_checks(
            &report,
            &[
                (
                    CheckId::ConfigLegacy,
                    Level::Warn,
                    // `…/.cargo\config.toml` on Windows: only the part before the separator.
                    "`/p/.cargo/config` exists, so cargo ignores `/p/.cargo",
                ),
                (
                    CheckId::ConfigLegacy,
                    Level::Warn,
                    "`/h/credentials` exists, so cargo ignores `/h",
                ),
                (
                    CheckId::CredentialsReadable,
                    Level::Fail,
                    "TOML parse error at line 2; cargo fails on it too",
                ),
                (
                    CheckId::ConfigToken,
                    Level::Fail,
                    "holds a token (`registries.crates.token`)",
                ),
                (CheckId::ConfigToken, Level::Fail, "(`registry.token`)"),
            ],
            "files",
        );
        let registries: Vec<_> = report
            .checks
            .iter()
            .map(|c| c.registry.as_deref())
            .collect();
        assert_eq!(registries, [None, None, None, Some("crates"), None]);
        assert!(
            report.checks[1]
                .message
                .ends_with("credentials.toml` next to it")
        );
        assert!(
            report.checks[4]
                .fix
                .as_deref()
                .unwrap()
                .ends_with("outside the project: feedctl login")
        );
        let mut report = Report::default();
        let clean = Config::default();
        legacy(&clean, &mut report);
        credentials_readable(&clean, &mut report);
        committed_tokens(&clean, &mut report);
        assert!(report.checks.is_empty());
    }
}
