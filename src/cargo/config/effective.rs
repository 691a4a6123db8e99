//! What cargo sees from the current directory, read the way cargo reads it: every config file
//! in the hierarchy (`.cargo/config.toml`, or the legacy `.cargo/config` that cargo prefers,
//! in the directory and each ancestor, then `$CARGO_HOME/config.toml`), the files each of them
//! `include`s (followed by [`crate::cargo::config::include`]), and the `CARGO_*` environment
//! variables cargo takes as config. Read-only; edits go through [`crate::cargo::config::edit`].
//!
//! This is our own model rather than the `cargo-config2` crate: that crate ignores `include`
//! (stable since cargo 1.93, so an included `replace-with` would be missed) and keys
//! `CARGO_REGISTRIES_<NAME>_*` by the variable's spelling, so `MY_FEED` does not override
//! `[registries.my-feed]`. The rules below were checked against cargo 1.95 and are tested
//! against `cargo config get` and real builds (tests/config_model.rs).

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use toml_edit::{Item, TableLike, Value};

use crate::azure::feed;
use crate::cargo::config::edit::{self, ConfigFile};
use crate::cargo::config::env_names::{REGISTRIES_PREFIX, env_key, env_var_name};
use crate::cargo::config::include;
use crate::cargo::providers;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::util::paths::same_file;

mod index_names;

/// A `[registries]` entry and the file that defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    pub name: String,
    pub index: String,
    /// The config file whose `registries.NAME.index` defines the registry; empty when only
    /// `CARGO_REGISTRIES_<NAME>_INDEX` does (see [`Settings::index_origin`]).
    pub file: PathBuf,
    /// `registries.NAME.credential-provider` (or `CARGO_REGISTRIES_<NAME>_CREDENTIAL_PROVIDER`),
    /// which replaces the global list for this registry: one provider, as its program and
    /// arguments, a `[credential-alias]` resolved as cargo resolves it.
    pub credential_provider: Option<Vec<String>>,
}

impl Registry {
    /// The `CARGO_REGISTRIES_<NAME>_TOKEN` variable cargo reads for this registry.
    pub fn token_var(&self) -> String {
        env_var_name(&self.name, "TOKEN")
    }
}

/// Where cargo found a value: a config file (perhaps an `include`d one) or an environment
/// variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    File(PathBuf),
    Env(String),
}

impl Definition {
    /// `` `path` `` or ``env var `NAME` ``.
    pub fn describe(&self) -> String {
        match self {
            Definition::File(path) => format!("`{}`", path.display()),
            Definition::Env(var) => format!("env var `{var}`"),
        }
    }

    /// The same without backticks, for machine-readable output.
    pub fn plain(&self) -> String {
        match self {
            Definition::File(path) => path.display().to_string(),
            Definition::Env(var) => format!("env:{var}"),
        }
    }
}

/// cargo's `[http]` settings that decide whether a feed can be reached (config or `CARGO_HTTP_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpSettings {
    pub cainfo: Option<PathBuf>,
    pub proxy: Option<String>,
    pub timeout: Option<u64>,
    pub check_revoke: Option<bool>,
}

/// The prefixes of the environment variables cargo reads as the config keys feedctl uses.
const ENV_PREFIXES: [&str; 5] = [
    REGISTRIES_PREFIX,
    "CARGO_REGISTRY_",
    "CARGO_HTTP_",
    "CARGO_CREDENTIAL_ALIAS_",
    OFFLINE_VAR,
];
/// `net.offline` as a variable.
const OFFLINE_VAR: &str = "CARGO_NET_OFFLINE";
const GLOBAL_PROVIDERS_VAR: &str = "CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS";
/// cargo's fallback for `http.timeout`.
const HTTP_TIMEOUT_VAR: &str = "HTTP_TIMEOUT";

/// Everything cargo reads as config here: the files, highest precedence first (each
/// `include`d file just below the file that includes it), and the variables that override them.
#[derive(Debug)]
pub struct Settings {
    files: Vec<ConfigFile>,
    vars: BTreeMap<String, String>,
    cwd: PathBuf,
    /// Resolved when first asked for: a caller that only compares index URLs (connect's
    /// reuse search) does not pay for resolving thousands of registries.
    registries: OnceLock<Vec<Resolved>>,
}

/// A registry and where its two settings came from.
#[derive(Debug)]
struct Resolved {
    registry: Registry,
    index_from: Definition,
    provider_from: Option<Definition>,
}

impl Settings {
    pub fn load(env: &Environment) -> Result<Settings> {
        Settings::load_inner(env, None)
    }

    /// What cargo would see here once `edited` is saved at its path (replacing the file there,
    /// or created where cargo looks for one): for checking an edit before making it.
    pub fn load_with(env: &Environment, edited: &ConfigFile) -> Result<Settings> {
        Settings::load_inner(env, Some(edited))
    }

    fn load_inner(env: &Environment, edited: Option<&ConfigFile>) -> Result<Settings> {
        let cargo_home = env.cargo_home()?;
        let is_edited = |path: &Path| edited.is_some_and(|e| same_file(e.path(), path));
        let in_dir = |dir: &Path| {
            let (path, _) = edit::config_in(dir);
            (path.is_file() || is_edited(&path)).then_some(path)
        };
        let mut tops = Vec::new();
        let mut walked = Vec::new();
        for dir in env.cwd().ancestors() {
            let cargo_dir = dir.join(".cargo");
            tops.extend(in_dir(&cargo_dir));
            walked.push(cargo_dir);
        }
        // `$CARGO_HOME` is read last, unless the walk already read it as some `.cargo`.
        if !walked.iter().any(|dir| same_file(dir, &cargo_home)) {
            tops.extend(in_dir(&cargo_home));
        }
        let mut files = Vec::new();
        for top in &tops {
            include::load_with_includes(top, edited, &mut HashSet::new(), &mut files)
                .context("could not load Cargo configuration (cargo fails the same way)")?;
        }
        let mut vars = BTreeMap::new();
        for prefix in ENV_PREFIXES {
            vars.extend(env.vars_with_prefix(prefix));
        }
        if let Some(value) = env.var(HTTP_TIMEOUT_VAR) {
            vars.insert(HTTP_TIMEOUT_VAR.to_string(), value);
        }
        let settings = Settings::from_parts(files, vars, env.cwd().to_path_buf());
        settings.check_types()?;
        Ok(settings)
    }

    /// Lets go of this view's copy of the file at `path` (which shares its document with the
    /// caller's) until [`with_edited`](Self::with_edited) puts the edited file back, so that
    /// editing the caller's copy does not first copy the whole document. The view is not to
    /// be asked anything in between.
    pub fn set_aside(&mut self, path: &Path) {
        for file in &mut self.files {
            if same_file(file.path(), path) {
                *file = ConfigFile::missing(path);
            }
        }
    }

    /// These settings once `edited` is saved at its path: the file there is swapped for it,
    /// without reading every file again. For an edit that leaves `include` alone (connect's),
    /// that is what [`load_with`](Self::load_with) reads.
    pub fn with_edited(mut self, edited: &ConfigFile) -> Settings {
        for file in &mut self.files {
            if same_file(file.path(), edited.path()) {
                *file = edited.clone();
            }
        }
        self.registries = OnceLock::new();
        self
    }

    /// Fails as cargo does, on every command, when a setting feedctl models has a value of
    /// the wrong type: a variable that is not `true`/`false` or a whole number, or such a key
    /// in a file. Without this, feedctl would judge from a default cargo never uses.
    fn check_types(&self) -> Result<()> {
        const TYPED: [(&str, &[&str; 2], bool); 3] = [
            ("CARGO_HTTP_TIMEOUT", &["http", "timeout"], false),
            ("CARGO_HTTP_CHECK_REVOKE", &["http", "check-revoke"], true),
            (OFFLINE_VAR, &["net", "offline"], true),
        ];
        for (var, key, boolean) in TYPED {
            let expected = if boolean {
                "`true` or `false`"
            } else {
                "a whole number of seconds"
            };
            if let Some(value) = self.var(var) {
                let ok = if boolean {
                    value == "true" || value == "false"
                } else {
                    value.trim().parse::<u64>().is_ok()
                };
                if !ok {
                    bail!(
                        "env var `{var}` is `{value}`, not {expected}; cargo fails every command \
                         the same way"
                    );
                }
                continue;
            }
            for file in &self.files {
                let Some(item) = file.get(key) else {
                    continue;
                };
                let ok = item.as_value().is_some_and(|v| {
                    if boolean {
                        v.is_bool()
                    } else {
                        v.as_integer().is_some_and(|n| n >= 0)
                    }
                });
                if !ok {
                    bail!(
                        "`{}` in `{}` is not {expected}; cargo fails every command the same way",
                        key.join("."),
                        file.path().display()
                    );
                }
                break;
            }
        }
        Ok(())
    }

    fn from_parts(
        files: Vec<ConfigFile>,
        vars: BTreeMap<String, String>,
        cwd: PathBuf,
    ) -> Settings {
        Settings {
            files,
            vars,
            cwd,
            registries: OnceLock::new(),
        }
    }

    fn resolved_all(&self) -> &[Resolved] {
        self.registries.get_or_init(|| self.resolve_registries())
    }

    /// Every config file cargo reads here, highest precedence first.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(ConfigFile::path)
    }

    /// The same files, parsed.
    pub fn config_files(&self) -> impl Iterator<Item = &ConfigFile> {
        self.files.iter()
    }

    /// Whether cargo reads `path` here.
    pub fn reads(&self, path: &Path) -> bool {
        self.files().any(|file| same_file(file, path))
    }

    /// Every registry defined anywhere, the closest definition winning, sorted by name.
    pub fn registries(&self) -> Vec<Registry> {
        self.resolved_all()
            .iter()
            .map(|r| r.registry.clone())
            .collect()
    }

    /// `registries.NAME.token` from the closest file that sets it, with that file: cargo's
    /// `cargo:token` sends it when neither the variable nor the credentials file has one.
    pub fn token(&self, name: &str) -> Option<(&str, &Path)> {
        self.files
            .iter()
            .find_map(|f| Some((f.get_str(&["registries", name, "token"])?, f.path())))
    }

    /// The registry `name`, if one is defined.
    pub fn registry(&self, name: &str) -> Option<Registry> {
        // Without a `CARGO_REGISTRIES_*` variable only the files define registries, and one
        // of them is resolved as `resolve_registries` resolves each: a config may list
        // thousands, and `connect` asks for one.
        if self.registries.get().is_none() && !self.has_registry_vars() {
            let tables = self.registry_tables();
            let at = tables
                .iter()
                .position(|table| table.is_some_and(|t| t.get(name).is_some()))?;
            return self
                .resolve_from_files(&tables, at, name)
                .map(|r| r.registry);
        }
        self.resolved(name).map(|r| r.registry.clone())
    }

    /// Where the index of the registry `name` comes from.
    pub fn index_origin(&self, name: &str) -> Option<&Definition> {
        self.resolved(name).map(|r| &r.index_from)
    }

    /// Where the registry's own `credential-provider` comes from, if it has one.
    pub fn provider_origin(&self, name: &str) -> Option<&Definition> {
        self.resolved(name).and_then(|r| r.provider_from.as_ref())
    }

    fn resolved(&self, name: &str) -> Option<&Resolved> {
        // Sorted by name (see `resolve_registries`).
        let all = self.resolved_all();
        all.binary_search_by(|r| r.registry.name.as_str().cmp(name))
            .ok()
            .map(|i| &all[i])
    }

    /// Each file's `[registries]`, found once: a config may list thousands of registries.
    fn registry_tables(&self) -> Vec<Option<&dyn TableLike>> {
        self.files
            .iter()
            .map(|f| f.get(&["registries"]).and_then(Item::as_table_like))
            .collect()
    }

    fn resolve_registries(&self) -> Vec<Resolved> {
        let tables = self.registry_tables();
        let mut found: Vec<Resolved> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for (at, table) in tables.iter().enumerate() {
            let Some(table) = table else {
                continue;
            };
            for (name, _) in table.iter() {
                if seen.insert(name) {
                    found.extend(self.resolve_from_files(&tables, at, name));
                }
            }
        }
        // A registry defined only by `CARGO_REGISTRIES_<NAME>_INDEX`: cargo finds it when
        // asked for a name that maps to the variable, e.g. by `replace-with`.
        let replace_with = self.replace_with().map(|(name, _)| name);
        let env_only: Vec<(String, String)> = self
            .vars
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(var, value)| {
                let key = var
                    .strip_prefix("CARGO_REGISTRIES_")?
                    .strip_suffix("_INDEX")?;
                // cargo only ever looks up upper-case names.
                (!key.is_empty() && key == key.to_uppercase())
                    .then(|| (key.to_string(), value.clone()))
            })
            .collect();
        // Only when such a variable is set: spelling thousands of names costs.
        let taken: HashSet<String> = if env_only.is_empty() {
            HashSet::new()
        } else {
            found
                .iter()
                .map(|r| env_var_name(&r.registry.name, "INDEX"))
                .collect()
        };
        for (key, index) in env_only {
            let var = format!("CARGO_REGISTRIES_{key}_INDEX");
            if taken.contains(&var) {
                continue;
            }
            let name = replace_with
                .clone()
                .filter(|name| env_var_name(name, "INDEX") == var)
                .unwrap_or_else(|| key.to_lowercase());
            let from = Definition::Env(var);
            found.push(self.resolved_registry(&tables, 0, name, index, PathBuf::new(), from));
        }
        found.sort_by(|a, b| a.registry.name.cmp(&b.registry.name));
        found
    }

    /// The registry `name`, which the file at `at` is the first to name in `[registries]`
    /// (`tables` holds each file's); `None` when nothing gives it an index.
    fn resolve_from_files(
        &self,
        tables: &[Option<&dyn TableLike>],
        at: usize,
        name: &str,
    ) -> Option<Resolved> {
        let from_file = self.registry_key(tables, at, name, "index", Item::as_str);
        let (index, file, index_from) = match (self.registry_var(name, "INDEX"), from_file) {
            (Some((var, value)), file) => (
                value.to_string(),
                file.map(|(_, path)| path.to_path_buf()).unwrap_or_default(),
                Definition::Env(var),
            ),
            (None, Some((index, path))) => (
                index.to_string(),
                path.to_path_buf(),
                Definition::File(path.to_path_buf()),
            ),
            (None, None) => return None,
        };
        Some(self.resolved_registry(tables, at, name.to_string(), index, file, index_from))
    }

    /// `registries.NAME.KEY` as `read` accepts it, from the closest file from `at` on (`tables`
    /// holds each file's `[registries]`), and that file.
    fn registry_key<'a, T>(
        &'a self,
        tables: &[Option<&'a dyn TableLike>],
        at: usize,
        name: &str,
        key: &str,
        read: impl Fn(&'a Item) -> Option<T>,
    ) -> Option<(T, &'a Path)> {
        tables
            .iter()
            .zip(&self.files)
            .skip(at)
            .find_map(|(table, file)| {
                let value = read(table.as_ref()?.get(name)?.as_table_like()?.get(key)?)?;
                Some((value, file.path()))
            })
    }

    /// The registry `name`, which no file before `at` names (see [`Settings::registry_key`]).
    fn resolved_registry(
        &self,
        tables: &[Option<&dyn TableLike>],
        at: usize,
        name: String,
        index: String,
        file: PathBuf,
        index_from: Definition,
    ) -> Resolved {
        // A per-registry provider is not merged across files: the closest one wins whole,
        // and the variable beats every file.
        let (credential_provider, provider_from) = match self
            .registry_var(&name, "CREDENTIAL_PROVIDER")
        {
            Some((provider_var, value)) => (
                Some(self.resolve_alias(value.split_whitespace().map(str::to_string).collect())),
                Some(Definition::Env(provider_var)),
            ),
            None => self
                .registry_key(tables, at, &name, "credential-provider", provider_argv)
                .map(|(argv, path)| {
                    (
                        Some(self.resolve_alias(argv)),
                        Some(Definition::File(path.to_path_buf())),
                    )
                })
                .unwrap_or((None, None)),
        };
        Resolved {
            registry: Registry {
                name,
                index,
                file,
                credential_provider,
            },
            index_from,
            provider_from,
        }
    }

    /// The registries whose index is an Azure Artifacts Cargo feed.
    pub fn azure_registries(&self) -> Vec<Registry> {
        self.resolved_all()
            .iter()
            .filter(|r| feed::is_azure_index(&r.registry.index))
            .map(|r| r.registry.clone())
            .collect()
    }

    /// `source.crates-io.replace-with`, and the file that sets it (cargo reads it from files
    /// only: no environment variable sets it).
    pub fn replace_with(&self) -> Option<(String, PathBuf)> {
        self.files.iter().find_map(|f| {
            f.get_str(&["source", "crates-io", "replace-with"])
                .map(|v| (v.to_string(), f.path().to_path_buf()))
        })
    }

    /// `registry.global-credential-providers` merged as cargo merges arrays: lower-precedence
    /// files first, then `CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS` (split on whitespace).
    /// `None` when nothing sets it.
    pub fn global_providers(&self) -> Option<Vec<String>> {
        self.global_provider_sources()
            .map(|list| list.into_iter().map(|(provider, _)| provider).collect())
    }

    /// [`global_providers`](Self::global_providers), each entry with where it was listed.
    pub fn global_provider_sources(&self) -> Option<Vec<(String, Definition)>> {
        let mut set = false;
        let mut list = Vec::new();
        for file in self.files.iter().rev() {
            if let Some(entries) = file.get(&providers::KEY).and_then(provider_entries) {
                set = true;
                let from = Definition::File(file.path().to_path_buf());
                list.extend(entries.into_iter().map(|p| (p, from.clone())));
            }
        }
        if let Some(value) = self.vars.get(GLOBAL_PROVIDERS_VAR) {
            set = true;
            let from = Definition::Env(GLOBAL_PROVIDERS_VAR.to_string());
            list.extend(
                value
                    .split_whitespace()
                    .map(|p| (p.to_string(), from.clone())),
            );
        }
        set.then_some(list)
    }

    /// A provider as cargo runs it: one written without arguments may name a
    /// `[credential-alias]` (or `CARGO_CREDENTIAL_ALIAS_<NAME>`), which replaces it whole.
    fn resolve_alias(&self, argv: Vec<String>) -> Vec<String> {
        let [name] = argv.as_slice() else {
            return argv;
        };
        let var = format!("CARGO_CREDENTIAL_ALIAS_{}", env_key(name));
        if let Some(value) = self.var(&var) {
            return value.split_whitespace().map(str::to_string).collect();
        }
        self.files
            .iter()
            .find_map(|f| provider_argv(f.get(&["credential-alias", name])?))
            .unwrap_or(argv)
    }

    /// [`resolve_alias`](Self::resolve_alias) for one entry of the global list.
    fn resolve_alias_entry(&self, entry: String) -> String {
        let argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
        self.resolve_alias(argv).join(" ")
    }

    /// The provider list that applies to `registry` (aliases resolved: what cargo runs), and
    /// whether it was set explicitly
    /// (cargo's implicit `["cargo:token"]` does not serve registries that require auth).
    pub fn providers_for(&self, registry: &Registry) -> (Vec<String>, bool) {
        // A per-registry provider is one entry of the list, written as cargo would run it.
        match registry
            .credential_provider
            .as_ref()
            .map(|argv| vec![argv.join(" ")])
            .or_else(|| {
                let list = self.global_providers()?;
                Some(
                    list.into_iter()
                        .map(|p| self.resolve_alias_entry(p))
                        .collect(),
                )
            }) {
            Some(list) => (list, true),
            None => (vec![providers::TOKEN.to_string()], false),
        }
    }

    /// cargo's `[http]` settings, each from `CARGO_HTTP_<KEY>` if set, else the closest file.
    /// A relative `cainfo` is taken, as cargo does, from the directory holding the `.cargo`
    /// directory of the file that sets it (from the working directory when a variable does).
    pub fn http(&self) -> HttpSettings {
        let cainfo = match self.var("CARGO_HTTP_CAINFO") {
            Some(value) => Some(self.cwd.join(value)),
            None => self.files.iter().find_map(|f| {
                let value = f.get_str(&["http", "cainfo"])?;
                let root = f.path().parent()?.parent()?;
                Some(root.join(value))
            }),
        };
        let proxy = self
            .var("CARGO_HTTP_PROXY")
            .map(str::to_string)
            .or_else(|| self.first(&["http", "proxy"], |v| v.as_str().map(str::to_string)));
        let timeout = self
            .var("CARGO_HTTP_TIMEOUT")
            .and_then(|v| v.trim().parse().ok())
            .or_else(|| {
                self.first(&["http", "timeout"], |v| {
                    v.as_integer().and_then(|n| u64::try_from(n).ok())
                })
            })
            .or_else(|| {
                self.var(HTTP_TIMEOUT_VAR)
                    .and_then(|v| v.trim().parse().ok())
            });
        let check_revoke = match self.var("CARGO_HTTP_CHECK_REVOKE") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => self.first(&["http", "check-revoke"], Value::as_bool),
        };
        HttpSettings {
            cainfo,
            proxy,
            timeout,
            check_revoke,
        }
    }
    /// Where cargo is told to run offline (`net.offline = true` or `CARGO_NET_OFFLINE=true`),
    /// if it is: cargo then never contacts a feed, so `cargo login` fails and only crates
    /// already in `$CARGO_HOME/registry` resolve.
    pub fn offline(&self) -> Option<Definition> {
        if let Some(value) = self.var(OFFLINE_VAR) {
            return (value.trim() == "true").then(|| Definition::Env(OFFLINE_VAR.to_string()));
        }
        // The closest file that sets it decides, `false` included.
        let (file, offline) = self.files.iter().find_map(|f| {
            let offline = f.get(&["net", "offline"])?.as_value()?.as_bool()?;
            Some((f, offline))
        })?;
        offline.then(|| Definition::File(file.path().to_path_buf()))
    }

    /// [`offline`](Self::offline) in words: `` `net.offline = true` in `path` `` or
    /// ``env var `CARGO_NET_OFFLINE=true` ``.
    pub fn describe_offline(origin: &Definition) -> String {
        match origin {
            Definition::File(path) => format!("`net.offline = true` in `{}`", path.display()),
            Definition::Env(var) => format!("env var `{var}=true`"),
        }
    }

    /// The registry to act on: `--name` if given, else the single Azure registry.
    pub fn pick(&self, name: Option<&str>) -> Result<Registry> {
        let azure = self.azure_registries();
        match name {
            Some(name) => self.registry(name).ok_or_else(|| {
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

    /// The first value at `path`, in precedence order, that `read` accepts.
    fn first<T>(&self, path: &[&str], read: impl Fn(&Value) -> Option<T>) -> Option<T> {
        self.files
            .iter()
            .find_map(|f| f.get(path)?.as_value().and_then(&read))
    }

    /// [`env_var_name`]`(registry, suffix)` and its value, if cargo would read it. Spelling
    /// the name costs more than looking it up, and a config may list thousands of
    /// registries while no `CARGO_REGISTRIES_*` variable is set.
    fn registry_var(&self, registry: &str, suffix: &str) -> Option<(String, &str)> {
        if !self.has_registry_vars() {
            return None;
        }
        let var = env_var_name(registry, suffix);
        let value = self.var(&var)?;
        Some((var, value))
    }

    /// Whether any `CARGO_REGISTRIES_*` variable is set (empty ones too).
    fn has_registry_vars(&self) -> bool {
        let from = (Bound::Included(REGISTRIES_PREFIX), Bound::Unbounded);
        let first = self.vars.range::<str, _>(from).next();
        first.is_some_and(|(var, _)| var.starts_with(REGISTRIES_PREFIX))
    }

    /// A variable cargo would read, if set and not empty.
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
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
    fn registry_variables_are_found_among_others() {
        let dir = tempfile::tempdir().unwrap();
        let files = [(
            "p/.cargo/config.toml",
            "[registries.a-b]\nindex = \"file\"\n[registries.c]\nindex = \"file\"\n",
        )];
        let origin = |vars: &[(&str, &str)]| {
            let s = settings(dir.path(), &files, vars);
            ["a-b", "c"].map(|name| s.index_origin(name).cloned().unwrap())
        };
        let file = Definition::File(dir.path().join("p/.cargo/config.toml"));
        let others = [
            ("CARGO_HTTP_TIMEOUT", "3"),
            ("CARGO_REGISTRY_TOKEN", "t"),
            ("CARGO_NET_OFFLINE", "false"),
        ];
        assert_eq!(origin(&others), [file.clone(), file.clone()]);
        let mut with = others.to_vec();
        with.extend([
            ("CARGO_REGISTRIES_C_INDEX", "env"),
            ("CARGO_REGISTRIES_A_B_INDEX", ""),
        ]);
        let env = Definition::Env("CARGO_REGISTRIES_C_INDEX".into());
        // An empty variable is not set, for cargo.
        assert_eq!(origin(&with), [file, env]);
        let s = settings(dir.path(), &files, &with);
        assert_eq!(s.registry("c").unwrap().index, "env");
        assert_eq!(s.registry("a-b").unwrap().index, "file");
        assert_eq!(s.registry("d"), None);
    }

    /// Settings from files (highest precedence first, with their includes) and variables.
    fn settings(dir: &Path, files: &[(&str, &str)], vars: &[(&str, &str)]) -> Settings {
        for (rel, text) in files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut loaded = Vec::new();
        for (rel, _) in files.iter().filter(|(rel, _)| rel.ends_with("config.toml")) {
            include::load_with_includes(&dir.join(rel), None, &mut HashSet::new(), &mut loaded)
                .unwrap();
        }
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_parts(loaded, vars, dir.to_path_buf())
    }

    #[test]
    fn includes_rank_below_their_includer_and_later_above_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(
            dir.path(),
            &[
                (
                    "p/.cargo/config.toml",
                    "include = [\"a.toml\", \"b.toml\"]\n[registries.x]\nindex = \"own\"\n",
                ),
                (
                    "p/.cargo/a.toml",
                    "[registries.y]\nindex = \"a\"\n[registries.z]\nindex = \"a\"\n",
                ),
                (
                    "p/.cargo/b.toml",
                    "[registries.x]\nindex = \"b\"\n[registries.y]\nindex = \"b\"\n",
                ),
            ],
            &[],
        );
        let index = |name: &str| {
            s.registries()
                .into_iter()
                .find(|r| r.name == name)
                .map(|r| r.index)
        };
        assert_eq!(index("x").as_deref(), Some("own"));
        assert_eq!(index("y").as_deref(), Some("b"));
        assert_eq!(index("z").as_deref(), Some("a"));
        assert_eq!(
            s.index_origin("y"),
            Some(&Definition::File(dir.path().join("p/.cargo/b.toml")))
        );
    }

    #[test]
    fn variables_override_files_and_define_registries() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(
            dir.path(),
            &[
                (
                    "p/.cargo/config.toml",
                    "[registries.a-b]\nindex = \"file\"\ncredential-provider = \"cargo:libsecret\"\n\
                     [source.crates-io]\nreplace-with = \"my-feed\"\n",
                ),
                (
                    "home/config.toml",
                    "[registries.a-b]\ncredential-provider = [\"/x y/feedctl\", \"--a\"]\n",
                ),
            ],
            &[
                ("CARGO_REGISTRIES_A_B_INDEX", "env"),
                ("CARGO_REGISTRIES_MY_FEED_INDEX", "only-env"),
            ],
        );
        let registries = s.registries();
        assert_eq!(registries.len(), 2);
        assert_eq!(registries[0].name, "a-b");
        assert_eq!(registries[0].index, "env");
        // The closest per-registry provider wins whole; it is not merged.
        assert_eq!(
            registries[0].credential_provider.as_deref(),
            Some(&["cargo:libsecret".to_string()][..])
        );
        // Named as `replace-with` asks for it, since the variable maps `-` to `_`.
        assert_eq!(registries[1].name, "my-feed");
        assert_eq!(registries[1].file, PathBuf::new());
        assert_eq!(
            s.index_origin("my-feed"),
            Some(&Definition::Env("CARGO_REGISTRIES_MY_FEED_INDEX".into()))
        );
    }

    /// `registry(name)` resolves one registry without resolving them all: the answer is the
    /// one from the full resolution, for every kind of definition.
    #[test]
    fn one_registry_is_resolved_as_all_are() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "p/.cargo/config.toml",
                "include = [\"more.toml\"]\n[registries]\nnear = { index = \"near\" }\n\
                 split = { credential-provider = \"cargo:token\" }\nbare = {}\n\
                 notable = 3\n[credential-alias]\nmine = [\"/x\", \"--y\"]\n",
            ),
            (
                "p/.cargo/more.toml",
                "[registries.split]\nindex = \"included\"\ncredential-provider = \"mine\"\n\
                 [registries.near]\nindex = \"shadowed\"\n",
            ),
            (
                "home/config.toml",
                "[registries]\nfar = { index = \"far\", credential-provider = \"mine\" }\n\
                 bare = { index = \"far\" }\n",
            ),
        ];
        let names = ["near", "split", "bare", "notable", "far", "none"];
        for vars in [
            &[][..],
            &[("CARGO_REGISTRIES_FAR_INDEX", "env")][..],
            &[("CARGO_REGISTRIES_ONLY_INDEX", "env")][..],
        ] {
            let all = settings(dir.path(), &files, vars).registries();
            let one = settings(dir.path(), &files, vars);
            for name in names {
                let expected = all.iter().find(|r| r.name == name).cloned();
                assert_eq!(one.registry(name), expected, "{name} with {vars:?}");
            }
            assert!(one.registry("split").unwrap().credential_provider.is_some());
        }
    }

    /// After an edit, only the registries it touched are looked up again, and the answer is
    /// the full search's: in the closest file or not, added, changed, removed, respelled.
    #[test]
    fn names_after_an_edit_are_those_of_a_full_search() {
        let dir = tempfile::tempdir().unwrap();
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let near = "p/.cargo/config.toml";
        let far = "home/config.toml";
        let files = [
            (
                near,
                "[registries]\na = { index = \"sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index\" }\n\
                 shadow = { index = \"sparse+https://other/\" }\n",
            ),
            (
                far,
                "[registries]\nshadow = { index = \"sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/\" }\n\
                 b = { index = \"sparse+https://b/\" }\n",
            ),
        ];
        type Edit = fn(&mut ConfigFile);
        fn set(file: &mut ConfigFile, name: &str, url: &str) {
            file.set(&["registries", name, "index"], url, edit::NewParent::Inline)
                .unwrap();
        }
        let edits: [(&str, Edit); 7] = [
            (far, |f| {
                set(
                    f,
                    "new",
                    "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/",
                )
            }),
            (far, |f| set(f, "shadow", "sparse+https://x/")),
            (far, |f| {
                set(
                    f,
                    "b",
                    "sparse+HTTPS://pkgs.dev.azure.com/c/_packaging/f/Cargo/index",
                )
            }),
            (near, |f| assert!(f.remove(&["registries", "a"]))),
            (near, |f| set(f, "a", "sparse+https://other/")),
            (near, |f| {
                set(
                    f,
                    "shadow",
                    "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/",
                )
            }),
            (near, |f| {
                let text = f
                    .render()
                    .replace("other", "pkgs.dev.azure.com/c/_packaging/f/Cargo/index");
                f.replace_text(&text).unwrap();
            }),
        ];
        for vars in [&[][..], &[("CARGO_REGISTRIES_V_INDEX", index)][..]] {
            for (rel, edit) in edits {
                let before = settings(dir.path(), &files, vars);
                let known = before.names_for_index(index);
                let mut edited = ConfigFile::load(&dir.path().join(rel)).unwrap();
                edit(&mut edited);
                let after = before.with_edited(&edited);
                assert_eq!(
                    after.names_for_index_after(index, known, &edited),
                    after.names_for_index(index),
                    "{rel} with {vars:?}: {}",
                    edited.render()
                );
            }
        }
    }

    #[test]
    fn names_for_an_index_are_found_as_cargo_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let files = [
            (
                "p/.cargo/config.toml",
                "include = [\"more.toml\"]\n[registries.a]\nindex = \"sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index\"\n",
            ),
            (
                "p/.cargo/more.toml",
                "[registries.b]\nindex = \"sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/\"\n\
                 [registries.c]\nindex = \"sparse+https://other/\"\n",
            ),
        ];
        let names = |vars: &[(&str, &str)]| -> Vec<String> {
            settings(dir.path(), &files, vars)
                .names_for_index(index)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        // Both files, the included one too: cargo refuses this.
        assert_eq!(names(&[]), ["a", "b"]);
        // A variable overriding `b` does not count for the files' lookup.
        assert_eq!(
            names(&[("CARGO_REGISTRIES_B_INDEX", "sparse+https://x/")]),
            ["a", "b"]
        );
        // A variable holding the URL wins alone, named by its key in lower case.
        assert_eq!(
            names(&[("CARGO_REGISTRIES_MY_FEED_INDEX", index)]),
            ["my_feed"]
        );
        assert_eq!(
            names(&[
                ("CARGO_REGISTRIES_X_INDEX", index),
                ("CARGO_REGISTRIES_Y_INDEX", index)
            ]),
            ["x", "y"]
        );
    }

    #[test]
    fn credential_aliases_are_resolved_as_cargo_runs_them() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(
            dir.path(),
            &[(
                "p/.cargo/config.toml",
                "[credential-alias]\nmine = [\"/opt/my tool\", \"--x\"]\n\
                 [registries.a]\nindex = \"i\"\ncredential-provider = \"mine\"\n\
                 [registries.b]\nindex = \"i\"\ncredential-provider = \"mine --y\"\n\
                 [registry]\nglobal-credential-providers = [\"cargo:token\", \"other\"]\n",
            )],
            &[("CARGO_CREDENTIAL_ALIAS_OTHER", "/bin/other --z")],
        );
        let registries = s.registries();
        assert_eq!(
            registries[0].credential_provider.as_deref().unwrap(),
            ["/opt/my tool", "--x"]
        );
        // With arguments it is a program, not an alias.
        assert_eq!(
            registries[1].credential_provider.as_deref().unwrap(),
            ["mine", "--y"]
        );
        let plain = Registry {
            name: "c".into(),
            index: "i".into(),
            file: PathBuf::new(),
            credential_provider: None,
        };
        assert_eq!(s.providers_for(&plain).0, ["cargo:token", "/bin/other --z"]);
        assert_eq!(
            s.global_providers().unwrap(),
            ["cargo:token", "other"],
            "as written"
        );
    }

    #[test]
    fn http_settings_come_from_variables_then_files() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(
            dir.path(),
            &[(
                "p/.cargo/config.toml",
                "[http]\ncainfo = \"ca.pem\"\ntimeout = 9\ncheck-revoke = true\n",
            )],
            &[("CARGO_HTTP_CHECK_REVOKE", "false"), ("HTTP_TIMEOUT", "4")],
        );
        assert_eq!(
            s.http(),
            HttpSettings {
                cainfo: Some(dir.path().join("p/ca.pem")),
                proxy: None,
                timeout: Some(9),
                check_revoke: Some(false),
            }
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
