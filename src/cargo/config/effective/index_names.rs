//! The registry names cargo finds for an index URL, as it looks a registry up for every
//! registry it needs a token for (two names for one index fail), and the same once an edit
//! of one file is swapped in, looking again only at the registries the edit touched: a
//! config may list thousands.

use super::{Definition, Settings};
use crate::cargo::config::edit::{ConfigFile, registry_index};
use crate::cargo::config::index_url::IndexKey;

impl Settings {
    /// The registry names cargo finds for `index` when it looks a registry up by its URL, as
    /// it does for every registry it needs a token for: the `CARGO_REGISTRIES_<KEY>_INDEX`
    /// variables holding that URL (named by the key in lower case) if there is one, else the
    /// `[registries]` entries of the files (each index from its closest file; the variables
    /// are not applied there). URLs are compared by
    /// [`crate::cargo::config::index_url::canonical_index`]. With two or more
    /// names cargo fails: "multiple registries are configured with the same index url".
    /// All of this was checked against cargo 1.95 (tests/config_model.rs).
    pub fn names_for_index(&self, index: &str) -> Vec<(String, Definition)> {
        let Some(wanted) = IndexKey::new(index) else {
            return Vec::new();
        };
        let mut names = self.names_in_vars(&wanted);
        if names.is_empty() {
            // Each name's index comes from the closest file that sets it (files are in
            // precedence order). A config may name thousands of registries, mostly in one
            // file: only a name the URL matches is looked up in the files before it.
            let tables = self.registry_tables();
            for (at, table) in tables.iter().enumerate() {
                let Some(table) = table else {
                    continue;
                };
                for (name, entry) in table.iter() {
                    let closest = || {
                        !tables[..at]
                            .iter()
                            .flatten()
                            .any(|t| t.get(name).and_then(registry_index).is_some())
                    };
                    if registry_index(entry).is_some_and(|url| wanted.matches(url)) && closest() {
                        names.push((
                            name.to_string(),
                            Definition::File(self.files[at].path().to_path_buf()),
                        ));
                    }
                }
            }
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        names
    }

    /// [`names_for_index`](Self::names_for_index) once [`with_edited`](Self::with_edited)
    /// swapped in `edited`, from `before`, its answer before that: only the registries the
    /// edit touched ([`ConfigFile::registries_touched`]) are looked up again, not the
    /// thousands a config may list.
    pub fn names_for_index_after(
        &self,
        index: &str,
        before: Vec<(String, Definition)>,
        edited: &ConfigFile,
    ) -> Vec<(String, Definition)> {
        let (Some(touched), Some(wanted)) = (edited.registries_touched(), IndexKey::new(index))
        else {
            return self.names_for_index(index);
        };
        // The variables did not change: when they name the index, so did they before.
        let from_vars = self.names_in_vars(&wanted);
        if !from_vars.is_empty() {
            return from_vars;
        }
        let tables = self.registry_tables();
        let mut names: Vec<(String, Definition)> = before
            .into_iter()
            .filter(|(name, _)| !touched.contains(name))
            .collect();
        for name in touched {
            let closest = tables.iter().zip(&self.files).find_map(|(table, file)| {
                Some((registry_index(table.as_ref()?.get(name)?)?, file))
            });
            if let Some((url, file)) = closest
                && wanted.matches(url)
            {
                names.push((name.clone(), Definition::File(file.path().to_path_buf())));
            }
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        names
    }

    /// The `CARGO_REGISTRIES_<KEY>_INDEX` variables holding `wanted`, named by their key in
    /// lower case (see [`names_for_index`](Self::names_for_index)).
    fn names_in_vars(&self, wanted: &IndexKey) -> Vec<(String, Definition)> {
        self.vars
            .iter()
            .filter(|(_, value)| wanted.matches(value))
            .filter_map(|(var, _)| {
                let key = var
                    .strip_prefix("CARGO_REGISTRIES_")?
                    .strip_suffix("_INDEX")?;
                Some((key.to_lowercase(), Definition::Env(var.clone())))
            })
            .collect()
    }
}
