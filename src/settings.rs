//! What cargo sees from the current directory: every config file it reads (`.cargo/config.toml`
//! in the directory and each ancestor, then `$CARGO_HOME/config.toml`), merged the way cargo
//! merges them. Read-only; edits go through [`crate::cargo_config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::Item;

use crate::cargo_config::{self, ConfigFile};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::feed;
use crate::providers;

/// A `[registries]` entry and the file that defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    pub name: String,
    pub index: String,
    pub file: PathBuf,
    /// `registries.NAME.credential-provider`, which replaces the global list for this
    /// registry: one provider, as its program and arguments.
    pub credential_provider: Option<Vec<String>>,
}

impl Registry {
    /// The `CARGO_REGISTRIES_<NAME>_TOKEN` variable cargo reads for this registry.
    pub fn token_var(&self) -> String {
        env_var_name(&self.name, "TOKEN")
    }
}

/// `CARGO_REGISTRIES_<NAME>_<SUFFIX>` with cargo's mapping: `-` → `_`, then upper case.
pub fn env_var_name(registry: &str, suffix: &str) -> String {
    format!(
        "CARGO_REGISTRIES_{}_{suffix}",
        registry.replace('-', "_").to_uppercase()
    )
}

/// Registries that read the same `CARGO_REGISTRIES_<NAME>_TOKEN` (cargo maps `-` to `_`, so
/// `my-feed` and `my_feed` collide): each shared variable with the registries' names.
pub fn shared_token_vars(registries: &[Registry]) -> Vec<(String, Vec<&str>)> {
    let mut by_var: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for registry in registries {
        by_var
            .entry(registry.token_var())
            .or_default()
            .push(&registry.name);
    }
    by_var
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .collect()
}

/// All config files cargo reads here, highest precedence first.
#[derive(Debug)]
pub struct Settings {
    files: Vec<ConfigFile>,
}

impl Settings {
    pub fn load(env: &Environment) -> Result<Settings> {
        let cargo_home = env.cargo_home()?;
        let mut paths: Vec<PathBuf> = env
            .cwd()
            .ancestors()
            .map(|dir| cargo_config::config_in(&dir.join(".cargo")).0)
            .collect();
        let home_config = cargo_config::config_in(&cargo_home).0;
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        if !paths
            .iter()
            .any(|p| canonical(p) == canonical(&home_config))
        {
            paths.push(home_config.clone());
        }
        let files = paths
            .iter()
            .filter(|p| p.is_file())
            .map(|p| ConfigFile::load(p))
            .collect::<Result<_>>()?;
        Ok(Settings { files })
    }

    /// Every registry defined anywhere, the closest definition winning, sorted by name.
    pub fn registries(&self) -> Vec<Registry> {
        let mut found: Vec<Registry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for file in &self.files {
            for name in file.keys(&["registries"]) {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let Some(index) = self.first_str(&["registries", &name, "index"]) else {
                    continue;
                };
                let credential_provider = self
                    .files
                    .iter()
                    .find_map(|f| f.get(&["registries", &name, "credential-provider"]))
                    .and_then(provider_argv);
                found.push(Registry {
                    name: name.clone(),
                    index: index.to_string(),
                    file: file.path().to_path_buf(),
                    credential_provider,
                });
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// The registries whose index is an Azure Artifacts Cargo feed.
    pub fn azure_registries(&self) -> Vec<Registry> {
        self.registries()
            .into_iter()
            .filter(|r| feed::is_azure_index(&r.index))
            .collect()
    }

    /// `source.crates-io.replace-with`, and the file that sets it.
    pub fn replace_with(&self) -> Option<(String, PathBuf)> {
        self.files.iter().find_map(|f| {
            f.get_str(&["source", "crates-io", "replace-with"])
                .map(|v| (v.to_string(), f.path().to_path_buf()))
        })
    }

    /// `registry.global-credential-providers` merged as cargo merges arrays: lower-precedence
    /// files first. `None` when no file sets it.
    pub fn global_providers(&self) -> Option<Vec<String>> {
        let lists: Vec<Vec<String>> = self
            .files
            .iter()
            .rev()
            .filter_map(|f| f.get(&providers::KEY).and_then(provider_entries))
            .collect();
        (!lists.is_empty()).then(|| lists.concat())
    }

    /// The provider list that applies to `registry`, and whether it was set explicitly
    /// (cargo's implicit `["cargo:token"]` does not serve registries that require auth).
    pub fn providers_for(&self, registry: &Registry) -> (Vec<String>, bool) {
        // A per-registry provider is one entry of the list, written as cargo would run it.
        match registry
            .credential_provider
            .as_ref()
            .map(|argv| vec![argv.join(" ")])
            .or_else(|| self.global_providers())
        {
            Some(list) => (list, true),
            None => (vec![providers::TOKEN.to_string()], false),
        }
    }

    /// The registry to act on: `--name` if given, else the single Azure registry.
    pub fn pick(&self, name: Option<&str>) -> Result<Registry> {
        let azure = self.azure_registries();
        match name {
            Some(name) => self
                .registries()
                .into_iter()
                .find(|r| r.name == name)
                .ok_or_else(|| {
                    Failure::new(
                        Code::Usage,
                        format!(
                            "no registry `{name}` in the cargo config for this directory{}; run \
                             `feedctl connect` first",
                            listing(&azure)
                        ),
                    )
                    .into()
                }),
            None => match azure.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(Failure::new(
                    Code::Usage,
                    "no Azure Artifacts registry in the cargo config for this directory; run \
                     `feedctl connect <feed-url>` first (or pass `--name`)",
                )
                .into()),
                _ => Err(Failure::new(
                    Code::Usage,
                    format!(
                        "several Azure Artifacts registries are configured{}: pass `--name`",
                        listing(&azure)
                    ),
                )
                .into()),
            },
        }
    }

    fn first_str(&self, path: &[&str]) -> Option<&str> {
        self.files.iter().find_map(|f| f.get_str(path))
    }
}

fn listing(registries: &[Registry]) -> String {
    if registries.is_empty() {
        return String::new();
    }
    let names: Vec<String> = registries.iter().map(|r| format!("`{}`", r.name)).collect();
    format!(" ({})", names.join(", "))
}

/// `global-credential-providers`: an array whose every string is one provider (with its
/// arguments, if any).
fn provider_entries(item: &Item) -> Option<Vec<String>> {
    item.as_array().map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

/// `registries.NAME.credential-provider`: ONE provider, as a string split on whitespace or as
/// an array of program and arguments (for paths with spaces).
pub fn provider_argv(item: &Item) -> Option<Vec<String>> {
    match item.as_str() {
        Some(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        None => provider_entries(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_cargo() {
        assert_eq!(
            env_var_name("my-feed", "TOKEN"),
            "CARGO_REGISTRIES_MY_FEED_TOKEN"
        );
        assert_eq!(
            env_var_name("My-Feed_x", "TOKEN"),
            "CARGO_REGISTRIES_MY_FEED_X_TOKEN"
        );
        assert_eq!(
            env_var_name("my_feed", "TOKEN"),
            env_var_name("my-feed", "TOKEN")
        );
    }

    #[test]
    fn a_per_registry_provider_is_one_program_with_arguments() {
        let doc: toml_edit::DocumentMut =
            "a = \"/opt/feedctl --x\"\nb = [\"/my tools/feedctl\", \"--x\"]\nc = [\"cargo:token\", \"cargo:libsecret\"]\n"
                .parse()
                .unwrap();
        assert_eq!(provider_argv(&doc["a"]).unwrap(), ["/opt/feedctl", "--x"]);
        assert_eq!(
            provider_argv(&doc["b"]).unwrap(),
            ["/my tools/feedctl", "--x"]
        );
        assert_eq!(
            provider_entries(&doc["c"]).unwrap(),
            ["cargo:token", "cargo:libsecret"]
        );
    }
}
