//! The project config edits: what `connect` adds (a registry and the crates.io replacement)
//! and how `disconnect` takes exactly that out again.
//!
//! When `connect` finds something of the user's where it writes (a value `--force` replaces,
//! an existing entry it reuses, an empty file, a file without a final newline), it records it
//! in a comment line at the end of the file, so that `disconnect` can put it back:
//!
//! ```toml
//! # feedctl(crates): before connect, source.crates-io.replace-with = "vendored"
//! ```
//!
//! The record holds config values and names only (never a token), so it is safe to commit,
//! and anyone who clones the project can disconnect correctly.

use anyhow::Result;
use toml_edit::{DocumentMut, Item, Value};

use crate::azure::feed::{self, Feed};
use crate::cargo::config::edit::{ConfigFile, NewParent, registry_index};
use crate::cargo::config::effective::{Definition, Settings};
use crate::cargo::config::index_url;
use crate::exit::{Code, Failure};

const REPLACE_WITH: [&str; 3] = ["source", "crates-io", "replace-with"];
const EMPTY_FILE: &str = "this file was empty";
const NO_FINAL_NEWLINE: &str = "this file had no final newline";
const BEFORE: &str = "before connect, ";

/// What `connect` writes into the project config.
#[derive(Debug, Clone)]
pub struct ConnectEdit {
    pub registry: String,
    pub index: String,
    /// The feed `index` was built from, to tell a respelling of the same feed (rewritten
    /// without `--force`) from another feed.
    pub feed: Feed,
    pub replace_crates_io: bool,
    pub force: bool,
}

/// Adds the registry and points crates.io at it, refusing to overwrite a registry or a
/// replacement that points elsewhere unless forced; records what it found (see the module
/// docs). Running it on its own output changes nothing.
pub fn connect(file: &mut ConfigFile, edit: &ConnectEdit) -> Result<()> {
    let shown = file.path().display().to_string();
    let index_key = ["registries", edit.registry.as_str(), "index"];
    let mut records = Vec::new();
    let empty_before: Vec<&str> = ["registries", "source", "source.crates-io"]
        .into_iter()
        .filter(|table| is_empty_table(file, table))
        .collect();
    let existing_index = file.get_str(&index_key).map(str::to_string);
    if let Some(existing) = &existing_index
        && existing != &edit.index
    {
        let same_feed = Feed::parse_url(existing).is_ok_and(|f| f == edit.feed);
        if !edit.force && !same_feed {
            return Err(Failure::new(
                Code::Refused,
                format!(
                    "registry `{}` in `{shown}` already points at `{}`, not `{}`; pass \
                     `--force` to replace it (`feedctl disconnect` puts it back), or `--name` \
                     to add the feed under another name",
                    edit.registry,
                    feed::redact_url(existing),
                    edit.index
                ),
            )
            .into());
        }
    }
    if let Some(existing) = &existing_index {
        records.push((index_key.join("."), feed::redact_url(existing)));
    }
    file.set(&index_key, edit.index.as_str(), NewParent::Inline)?;
    if edit.replace_crates_io {
        let existing = file.get_str(&REPLACE_WITH).map(str::to_string);
        if let Some(existing) = &existing {
            if existing != &edit.registry && !edit.force {
                return Err(Failure::new(
                    Code::Refused,
                    format!(
                        "crates.io is already replaced with `{existing}` in `{shown}`; pass \
                         `--force` to replace it with `{}` (`feedctl disconnect` puts it back), \
                         or `--no-replace-crates-io` to only add the registry",
                        edit.registry
                    ),
                )
                .into());
            }
            records.push((REPLACE_WITH.join("."), existing.clone()));
        }
        file.set(&REPLACE_WITH, edit.registry.as_str(), NewParent::Header)?;
    }
    if !file.is_changed() {
        return Ok(());
    }
    let mut lines: Vec<String> = records
        .iter()
        .map(|(key, value)| format!("{BEFORE}{key} = {}", Value::from(value.as_str())))
        .collect();
    for table in empty_before {
        lines.push(format!("{BEFORE}[{table}] was empty"));
    }
    let original = file.original_text().trim_start_matches('\u{feff}');
    if file.exists() && original.is_empty() {
        lines.push(format!("{BEFORE}{EMPTY_FILE}"));
    } else if !original.is_empty() && !original.ends_with('\n') {
        lines.push(format!("{BEFORE}{NO_FINAL_NEWLINE}"));
    }
    append_records(file, &edit.registry, &lines)
}

/// Appends `# feedctl(NAME): …` lines, skipping facts already recorded for that registry
/// (the first record, from before the first connect, is the one to restore).
fn append_records(file: &mut ConfigFile, registry: &str, lines: &[String]) -> Result<()> {
    // Nothing to record is the usual case: skip copying and scanning a big file.
    if lines.is_empty() {
        return Ok(());
    }
    let text = file.render().trim_start_matches('\u{feff}').to_string();
    let known = Record::all_in(&text, registry);
    let mut new = text.clone();
    for line in lines {
        let record = Record::parse_fact(line);
        if known.iter().any(|k| k.same_subject(&record)) {
            continue;
        }
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(&format!("{}{line}\n", marker(registry)));
    }
    if new != text {
        file.replace_text(&new)?;
    }
    Ok(())
}

/// Whether `file` has the table at dotted `path`, with nothing in it.
fn is_empty_table(file: &ConfigFile, path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    file.get(&parts)
        .and_then(Item::as_table_like)
        .is_some_and(|t| t.is_empty())
}

fn marker(registry: &str) -> String {
    format!("# feedctl({registry}): ")
}

/// One recorded fact about the file before `connect`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Record {
    /// A value that was there (and was replaced, or kept).
    Value {
        key: String,
        value: String,
    },
    EmptyFile,
    NoFinalNewline,
    /// A table that was there with nothing in it, e.g. `[registries]`.
    EmptyTable(String),
    Unknown,
}

impl Record {
    fn parse_fact(fact: &str) -> Record {
        let fact = fact.strip_prefix(BEFORE).unwrap_or(fact).trim_end();
        match fact {
            EMPTY_FILE => Record::EmptyFile,
            NO_FINAL_NEWLINE => Record::NoFinalNewline,
            _ if fact.starts_with('[') && fact.ends_with("] was empty") => {
                Record::EmptyTable(fact[1..fact.len() - "] was empty".len()].to_string())
            }
            _ => fact
                .parse::<DocumentMut>()
                .ok()
                .and_then(|doc| {
                    let (key, value) = flatten(doc.as_table()).into_iter().next()?;
                    Some(Record::Value { key, value })
                })
                .unwrap_or(Record::Unknown),
        }
    }

    fn same_subject(&self, other: &Record) -> bool {
        match (self, other) {
            (Record::Value { key: a, .. }, Record::Value { key: b, .. }) => a == b,
            _ => self == other,
        }
    }

    /// Every record for `registry` in `text`, oldest first.
    fn all_in(text: &str, registry: &str) -> Vec<Record> {
        let marker = marker(registry);
        text.lines()
            .filter_map(|line| line.trim_start().strip_prefix(marker.as_str()))
            .map(Record::parse_fact)
            .collect()
    }
}

/// The first `dotted.key = "string"` in a table.
fn flatten(table: &dyn toml_edit::TableLike) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, item) in table.iter() {
        match item {
            Item::Value(Value::String(s)) => out.push((key.to_string(), s.value().clone())),
            other => {
                if let Some(child) = other.as_table_like() {
                    for (k, v) in flatten(child) {
                        out.push((format!("{key}.{k}"), v));
                    }
                }
            }
        }
    }
    out
}

/// What `disconnect` did to one setting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Restored {
    /// The dotted key, e.g. `source.crates-io.replace-with`.
    pub key: String,
    /// The value it has again.
    pub value: String,
}

/// What [`disconnect`] decided, for the report.
#[derive(Debug, Default, Clone)]
pub struct DisconnectOutcome {
    pub restored: Vec<Restored>,
    /// Whether the file is to be kept even when nothing is left in it.
    pub keep_empty: bool,
}

/// Removes what `connect` added for `registry`: the registry (or its recorded previous
/// index) and the crates.io replacement pointing at it (or its recorded previous value),
/// then the record lines; a file that was empty or had no final newline gets that back.
pub fn disconnect(file: &mut ConfigFile, registry: &str) -> Result<DisconnectOutcome> {
    let text = file.render().trim_start_matches('\u{feff}').to_string();
    let records = Record::all_in(&text, registry);
    let recorded = |key: &str| {
        records.iter().find_map(|r| match r {
            Record::Value { key: k, value } if k == key => Some(value.clone()),
            _ => None,
        })
    };
    let keep = |table: &str| records.contains(&Record::EmptyTable(table.to_string()));
    let mut outcome = DisconnectOutcome {
        keep_empty: records.contains(&Record::EmptyFile),
        ..DisconnectOutcome::default()
    };
    if !records.is_empty() {
        let marker = marker(registry);
        let kept: String = text
            .split_inclusive('\n')
            .filter(|line| !line.trim_start().starts_with(marker.as_str()))
            .collect();
        file.replace_text(&kept)?;
    }
    let index_key = ["registries", registry, "index"];
    match recorded(&index_key.join(".")) {
        Some(previous) if file.get(&index_key).is_some() => {
            if file.get_str(&index_key) != Some(previous.as_str()) {
                file.set(&index_key, previous.as_str(), NewParent::Inline)?;
                outcome.restored.push(Restored {
                    key: index_key.join("."),
                    value: previous,
                });
            }
        }
        _ => {
            file.remove_keeping(&["registries", registry], &keep);
        }
    }
    if file.get_str(&REPLACE_WITH) == Some(registry) {
        match recorded(&REPLACE_WITH.join(".")) {
            Some(previous) => {
                file.set(&REPLACE_WITH, previous.as_str(), NewParent::Header)?;
                if previous != registry {
                    outcome.restored.push(Restored {
                        key: REPLACE_WITH.join("."),
                        value: previous,
                    });
                }
            }
            None => {
                file.remove_keeping(&REPLACE_WITH, &keep);
            }
        }
    }
    if records.contains(&Record::NoFinalNewline) {
        file.drop_final_newline();
    }
    Ok(outcome)
}

/// A registry other than `wanted` that already points at `feed`, with where it is defined:
/// cargo finds a registry's token by its index URL and refuses two names for one ("multiple
/// registries are configured with the same index url"), so `connect` reuses it. The search
/// sees what cargo sees from here (`settings`: every config file, `include`d ones too, and
/// `CARGO_REGISTRIES_<NAME>_INDEX`, compared as cargo compares URLs), plus `target`, the file
/// `connect` edits, when cargo does not read it from here; failing that, an entry whose
/// index is another spelling of the same feed. `index_names` is what
/// [`Settings::names_for_index`] gives for the feed's index.
pub fn registry_for_feed(
    settings: &Settings,
    wanted: &str,
    feed: &Feed,
    target: &ConfigFile,
    index_names: &[(String, Definition)],
) -> Option<(String, Definition)> {
    let index = feed.index_url();
    let mut same = index_names.to_vec();
    if !settings.reads(target.path()) {
        let key = index_url::IndexKey::new(&index);
        same.extend(
            target
                .registries()
                .filter(|(_, entry)| {
                    registry_index(entry)
                        .is_some_and(|url| key.as_ref().is_some_and(|k| k.matches(url)))
                })
                .map(|(name, _)| {
                    (
                        name.to_string(),
                        Definition::File(target.path().to_path_buf()),
                    )
                }),
        );
    }
    if same.is_empty() {
        // Parse only what may be a spelling of this feed, without a copy of each name or
        // URL: a config can list thousands.
        same = settings
            .config_files()
            .flat_map(|file| {
                file.registries().filter_map(move |(key, entry)| {
                    let url = registry_index(entry)?;
                    let spelled = contains_ignore_ascii_case(url, &feed.name)
                        && Feed::parse_url(url).is_ok_and(|f| &f == feed);
                    spelled.then(|| (key.to_string(), Definition::File(file.path().to_path_buf())))
                })
            })
            .collect();
    }
    // Already there under the wanted name: nothing to reuse.
    if same.iter().any(|(name, _)| name == wanted) {
        return None;
    }
    same.into_iter().next()
}

/// Whether `text` holds `part`, ASCII letters compared without regard to case. Runs once per
/// registry of the config: a candidate start is found by its first byte with the case bit
/// set (an ASCII letter's two cases differ only in that bit), and only then compared.
fn contains_ignore_ascii_case(text: &str, part: &str) -> bool {
    let Some(first) = part.as_bytes().first().map(|b| b | 0x20) else {
        return true;
    };
    text.as_bytes()
        .windows(part.len())
        .any(|at| at[0] | 0x20 == first && at.eq_ignore_ascii_case(part.as_bytes()))
}

/// The Azure Artifacts registries in this file, for `disconnect` without `--name`.
pub fn azure_registries(file: &ConfigFile) -> Vec<String> {
    file.registries()
        .filter(|(_, entry)| registry_index(entry).is_some_and(feed::is_azure_index))
        .map(|(name, _)| name.to_string())
        .collect()
}
