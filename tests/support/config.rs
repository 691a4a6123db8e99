//! Cargo config text for the tests: Azure index URLs, the arguments of a plain one-file
//! `connect`, generated configs, a key-by-key view of a document to compare edits with, and
//! the temporary files feedctl's atomic writes leave behind when killed.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Value};

/// The index URL `connect --org contoso --feed <feed>` writes (an organization-scoped feed).
pub fn contoso_index(feed: &str) -> String {
    format!("sparse+https://pkgs.dev.azure.com/contoso/_packaging/{feed}/Cargo/index/")
}

/// `connect --org contoso --feed <feed> --no-providers --no-login --config <config>`: an edit
/// of that one file and nothing else. Callers add flags such as `--name` after it.
pub fn edit_args(feed: &str, config: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["connect", "--org", "contoso", "--feed", feed]
        .into_iter()
        .chain(["--no-providers", "--no-login", "--config"])
        .map(OsString::from)
        .collect();
    args.push(config.into());
    args
}

/// Another OS's credential store: wherever the tests run, cargo cannot use it there.
pub fn foreign_store() -> &'static str {
    if cfg!(windows) {
        "cargo:macos-keychain"
    } else {
        "cargo:wincred"
    }
}

/// A config with `n` registries in an inline `[registries]` table, like the Azure docs.
pub fn registries_config(n: usize) -> String {
    let mut text = String::from("# team config: do not edit by hand\n[registries]\n");
    for i in 0..n {
        text.push_str(&format!(
            "reg{i} = {{ index = \"sparse+https://pkgs.dev.azure.com/org{i}/_packaging/feed{i}/Cargo/index/\" }}\n"
        ));
    }
    text
}

/// The `.feedctl-*.tmp` files in `dir`.
#[cfg(unix)] // only the Unix-only kill and symlink tests look for them
pub fn temp_files(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(".feedctl-") && name.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every value and table in a document, by key path. Inline and standard tables look the
/// same here; arrays of tables are indexed `[n]`.
pub fn leaves(doc: &DocumentMut) -> BTreeMap<Vec<String>, String> {
    fn normal(value: &Value) -> String {
        match value {
            Value::String(s) => format!("{:?}", s.value()),
            Value::Integer(i) => format!("int {}", i.value()),
            Value::Float(f) => format!("float {:?}", f.value()),
            Value::Boolean(b) => format!("bool {}", b.value()),
            Value::Datetime(d) => format!("datetime {}", d.value()),
            Value::Array(a) => {
                let items: Vec<String> = a.iter().map(normal).collect();
                format!("[{}]", items.join(", "))
            }
            Value::InlineTable(t) => {
                let items: Vec<String> = t
                    .iter()
                    .map(|(k, v)| format!("{k:?} = {}", normal(v)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }
    fn walk(item: &Item, path: &mut Vec<String>, out: &mut BTreeMap<Vec<String>, String>) {
        match item {
            Item::None => {}
            Item::Value(Value::InlineTable(table)) => {
                out.insert(path.clone(), "table".into());
                for (k, v) in table.iter() {
                    path.push(k.to_string());
                    walk(&Item::Value(v.clone()), path, out);
                    path.pop();
                }
            }
            Item::Value(v) => {
                out.insert(path.clone(), normal(v));
            }
            Item::Table(table) => {
                out.insert(path.clone(), "table".into());
                for (k, v) in table.iter() {
                    path.push(k.to_string());
                    walk(v, path, out);
                    path.pop();
                }
            }
            Item::ArrayOfTables(array) => {
                for (n, table) in array.iter().enumerate() {
                    path.push(format!("[{n}]"));
                    walk(&Item::Table(table.clone()), path, out);
                    path.pop();
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(doc.as_item(), &mut Vec::new(), &mut out);
    out
}
