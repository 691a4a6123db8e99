//! cargo itself: a version that can authenticate, a config it can load, `[http]` settings
//! it can use.

use crate::doctor::facts::Config;
use crate::doctor::report::{CheckId, Report};

/// cargo's first version with credential providers and sparse auth.
const MIN_CARGO: (u32, u32) = (1, 74);

/// `version` is `cargo --version`'s line, or the program that could not be run.
pub fn version(version: &Result<String, String>, report: &mut Report) {
    let text = match version {
        Ok(text) => text,
        Err(program) => {
            return report.fail(
                CheckId::CargoVersion,
                format!("`{program}` could not be run"),
                "install Rust with rustup (https://rustup.rs) and make sure `cargo` is on PATH",
            );
        }
    };
    match parse_version(text) {
        Some(version) if version >= MIN_CARGO => report.ok(CheckId::CargoVersion, text.clone()),
        Some(_) => report.fail(
            CheckId::CargoVersion,
            format!("{text} is older than 1.74, which cannot authenticate to sparse registries"),
            "rustup update stable",
        ),
        None => report.warn(
            CheckId::CargoVersion,
            format!("unrecognised version `{text}`"),
            "rustup update stable",
        ),
    }
}

/// `(major, minor)` from `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A config cargo cannot load fails every cargo command: a failed check, not an abort.
pub fn unloadable(error: &str, report: &mut Report) {
    report.fail(
        CheckId::ConfigLoadable,
        error,
        "fix the file or variable named above; until then every cargo command fails the same way",
    );
}

pub fn http(config: &Config, report: &mut Report) {
    if let Some(error) = &config.http_error {
        report.fail(
            CheckId::HttpSettings,
            format!("{error}; cargo cannot reach any feed with these settings either"),
            "fix or remove the `[http]` setting named above (or its CARGO_HTTP_* variable)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::report::Level;

    #[test]
    fn cargo_versions_parse() {
        assert_eq!(
            parse_version("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"),
            Some((1, 95))
        );
        assert_eq!(parse_version("cargo 1.74.0-nightly"), Some((1, 74)));
        assert!(parse_version("cargo 1.73.1").unwrap() < MIN_CARGO);
        assert_eq!(parse_version("nonsense"), None);
    }

    #[test]
    fn versions_table() {
        let cases: [(Result<&str, &str>, Level, &str); 5] = [
            (
                Ok("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"),
                Level::Ok,
                "cargo 1.95.0",
            ),
            (Ok("cargo 1.74.0"), Level::Ok, "1.74.0"),
            (Ok("cargo 1.70.0"), Level::Fail, "older than 1.74"),
            (Ok("cargo x"), Level::Warn, "unrecognised version `cargo x`"),
            (
                Err("/no/cargo"),
                Level::Fail,
                "`/no/cargo` could not be run",
            ),
        ];
        for (fact, level, phrase) in cases {
            let mut report = Report::default();
            version(
                &fact.map(str::to_string).map_err(str::to_string),
                &mut report,
            );
            let [check] = &report.checks[..] else {
                panic!("{fact:?}: {:?}", report.checks)
            };
            assert_eq!((check.id, check.status), (CheckId::CargoVersion, level));
            assert!(
                check.message.contains(phrase),
                "{fact:?}: {}",
                check.message
            );
        }
    }

    #[test]
    fn config_and_http_failures() {
        let mut report = Report::default();
        unloadable("`x` in `y` is not `true` or `false`", &mut report);
        http(&Config::default(), &mut report);
        let config = Config {
            http_error: Some("invalid proxy".to_string()),
            ..Config::default()
        };
        http(&config, &mut report);
        let got: Vec<_> = report.checks.iter().map(|c| (c.id, c.status)).collect();
        assert_eq!(
            got,
            [
                (CheckId::ConfigLoadable, Level::Fail),
                (CheckId::HttpSettings, Level::Fail)
            ]
        );
        assert!(
            report.checks[1]
                .message
                .starts_with("invalid proxy; cargo cannot reach")
        );
    }
}
