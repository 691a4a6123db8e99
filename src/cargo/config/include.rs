//! cargo's `include` key: the config files a config file pulls in, in the order and with the
//! checks cargo 1.95 applies (stable since cargo 1.93). An included file ranks just below the
//! file that includes it, a later include above an earlier one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::{Item, Value};

use crate::cargo::config::edit::ConfigFile;
use crate::util::paths::same_file;

/// Reads `path` and, after it, the files it `include`s (recursively), in precedence order:
/// the including file beats its includes, and a later include beats an earlier one.
pub fn load_with_includes(
    path: &Path,
    edited: Option<&ConfigFile>,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<ConfigFile>,
) -> Result<()> {
    if !seen.insert(path.to_path_buf()) {
        bail!(
            "config `include` cycle detected with path `{}`",
            path.display()
        );
    }
    let file = match edited {
        Some(edited) if same_file(edited.path(), path) => edited.clone(),
        _ => ConfigFile::load(path)?,
    };
    let includes = include_paths(&file)?;
    out.push(file);
    for (include, optional) in includes.into_iter().rev() {
        if !include.is_file() && !edited.is_some_and(|e| same_file(e.path(), &include)) {
            if optional {
                continue;
            }
            bail!(
                "failed to read configuration file `{}`, included from `{}`",
                include.display(),
                path.display()
            );
        }
        load_with_includes(&include, edited, seen, out)?;
    }
    Ok(())
}

/// The files `include = [...]` names, with whether each is optional, relative paths taken
/// from the including file's directory. cargo 1.95 accepts only an array of strings or of
/// `{ path, optional }` tables, and only paths ending in `.toml`.
fn include_paths(file: &ConfigFile) -> Result<Vec<(PathBuf, bool)>> {
    let shown = file.path().display();
    let Some(item) = file.get(&["include"]) else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<(String, bool)> = Vec::new();
    let table_entry = |table: &dyn toml_edit::TableLike, idx: usize| -> Result<(String, bool)> {
        let path = table.get("path").and_then(Item::as_str).with_context(|| {
            format!("missing string field `path` at `include[{idx}]` in `{shown}`")
        })?;
        let optional = match table.get("optional") {
            None => false,
            Some(v) => v.as_bool().with_context(|| {
                format!("expected a boolean at `include[{idx}].optional` in `{shown}`")
            })?,
        };
        Ok((path.to_string(), optional))
    };
    if let Some(array) = item.as_array() {
        for (idx, value) in array.iter().enumerate() {
            match value {
                Value::String(s) => entries.push((s.value().clone(), false)),
                Value::InlineTable(t) => entries.push(table_entry(t, idx)?),
                _ => bail!("expected a string or table at `include[{idx}]` in `{shown}`"),
            }
        }
    } else if let Some(tables) = item.as_array_of_tables() {
        for (idx, table) in tables.iter().enumerate() {
            entries.push(table_entry(table, idx)?);
        }
    } else {
        bail!(
            "expected a list of strings or a list of tables at `include` in `{shown}` (cargo              rejects any other form)"
        );
    }
    let dir = file.path().parent().unwrap_or(Path::new(""));
    entries
        .into_iter()
        .map(|(path, optional)| {
            if Path::new(&path).extension().is_none_or(|e| e != "toml") {
                bail!(
                    "expected a config include path ending with `.toml`, but found `{path}` from                      `{shown}`"
                );
            }
            Ok((dir.join(path), optional))
        })
        .collect()
}
