//! What `save` reads from the feed's sparse index: `config.json`'s download URL (`dl`), a
//! crate's newest version (for `save CRATE`), and, only for a download that failed, whether
//! the version is unknown or yanked upstream.

use anyhow::{Result, bail};

use crate::azure::rest::session::Session;
use crate::azure::rest::upstreaming::prefix;
use crate::exit::{Code, Failure};

/// The feed index's `config.json`, as far as `save` needs it.
#[derive(Debug, Clone)]
pub struct Config {
    dl: String,
}

impl Config {
    /// The download URL of one version, with cargo's rules: `dl` with its markers replaced,
    /// or `{dl}/{crate}/{version}/download` when it has none.
    pub fn download_url(&self, name: &str, version: &str) -> String {
        const MARKERS: [&str; 5] = [
            "{crate}",
            "{version}",
            "{prefix}",
            "{lowerprefix}",
            "{sha256-checksum}",
        ];
        if !MARKERS.iter().any(|m| self.dl.contains(m)) {
            return format!(
                "{}/{name}/{version}/download",
                self.dl.trim_end_matches('/')
            );
        }
        let prefix = prefix(name);
        self.dl
            .replace("{crate}", name)
            .replace("{version}", version)
            .replace("{lowerprefix}", &prefix.to_lowercase())
            .replace("{prefix}", &prefix)
    }
}

/// Reads `config.json` at `url` with the session's token.
pub fn config(session: &Session, url: &str) -> Result<Config> {
    let raw = session.client.get_raw(url, true).map_err(|why| {
        Failure::new(
            Code::Unreachable,
            format!("could not read the feed's `{url}`: {why}"),
        )
    })?;
    let dl = (raw.status == 200)
        .then(|| serde_json::from_slice::<serde_json::Value>(&raw.body).ok())
        .flatten()
        .and_then(|v| v.get("dl").and_then(|d| d.as_str()).map(str::to_string));
    match dl {
        Some(dl) => Ok(Config { dl }),
        None => bail!(Failure::new(
            Code::NotFound,
            format!(
                "the feed's `{url}` answered HTTP {} without a download URL (`dl`); \
                 `feedctl doctor` checks the registry",
                raw.status
            )
        )),
    }
}

/// One version line of a sparse index file.
#[derive(Debug, serde::Deserialize)]
struct Line {
    vers: String,
    #[serde(default)]
    yanked: bool,
}

/// The index file of `name`: `None` when the feed (and its upstream) does not know it.
fn lines(session: &Session, index: &str, name: &str) -> Result<Option<Vec<Line>>, String> {
    let base = index.strip_prefix("sparse+").unwrap_or(index);
    let lower = name.to_lowercase();
    let url = format!("{}/{}/{lower}", base.trim_end_matches('/'), prefix(&lower));
    let raw = session.client.get_raw(&url, true)?;
    match raw.status {
        200 => Ok(Some(
            String::from_utf8_lossy(&raw.body)
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
        )),
        404 | 410 | 451 => Ok(None),
        status => Err(format!(
            "the feed's index answered HTTP {status} for `{name}`"
        )),
    }
}

/// The newest version of `name` that is not yanked (releases before pre-releases).
pub fn newest(session: &Session, index: &str, name: &str) -> Result<String> {
    let lines = lines(session, index, name)
        .map_err(|why| Failure::new(Code::Unreachable, why))?
        .ok_or_else(|| {
            Failure::new(
                Code::Usage,
                format!(
                    "no crate `{name}` in the feed or on crates.io (through the feed's \
                     upstream): check the name, or give a version with `{name}@VERSION`"
                ),
            )
        })?;
    lines
        .iter()
        .filter(|l| !l.yanked)
        .max_by_key(|l| order(&l.vers))
        .map(|l| l.vers.clone())
        .ok_or_else(|| {
            Failure::new(
                Code::Usage,
                format!("every version of `{name}` is yanked; name one: `{name}@VERSION`"),
            )
            .into()
        })
}

/// A version's sort key: numbers first, then a release above its pre-releases.
fn order(version: &str) -> (Vec<u64>, bool, String) {
    let version = version.split('+').next().unwrap_or(version);
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    let numbers = core.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    (numbers, pre.is_none(), pre.unwrap_or_default().to_string())
}

/// Why a download of `name` `version` found nothing: unknown upstream, or yanked.
pub fn explain_missing(session: &Session, index: &str, name: &str, version: &str) -> String {
    match lines(session, index, name) {
        Ok(None) => format!("`{name}` is not on crates.io (the feed's upstream does not know it)"),
        Ok(Some(lines)) => match lines.iter().find(|l| l.vers == version) {
            Some(l) if l.yanked => {
                format!("{name} {version} is yanked on crates.io and the feed does not serve it")
            }
            Some(_) => format!("the feed did not serve {name} {version} (HTTP 404)"),
            None => format!("{name} {version} is not on crates.io"),
        },
        Err(why) => format!("the feed did not serve {name} {version} (HTTP 404); {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_urls_follow_cargos_rules() {
        let plain = Config {
            dl: "https://pkgs.dev.azure.com/c/w/_packaging/f/Cargo/api/v1/crates".into(),
        };
        assert_eq!(
            plain.download_url("serde", "1.0.219"),
            "https://pkgs.dev.azure.com/c/w/_packaging/f/Cargo/api/v1/crates/serde/1.0.219/download"
        );
        let marked = Config {
            dl: "https://x/{lowerprefix}/{crate}/{crate}-{version}.crate".into(),
        };
        assert_eq!(
            marked.download_url("Serde", "1.0.0"),
            "https://x/se/rd/Serde/Serde-1.0.0.crate"
        );
        assert_eq!(prefix("abc"), "3/a");
    }

    #[test]
    fn the_newest_version_is_a_release_above_its_pre_releases() {
        let mut versions = ["1.0.9", "1.0.10", "1.1.0-rc.1", "1.0.10+build"];
        versions.sort_by_key(|v| order(v));
        assert_eq!(versions.last(), Some(&"1.1.0-rc.1"));
        assert!(order("1.1.0") > order("1.1.0-rc.1"));
        assert!(order("1.0.10") > order("1.0.9"));
    }
}
