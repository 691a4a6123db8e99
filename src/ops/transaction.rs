//! All-or-nothing writes of several config files: a [`Transaction`] remembers each file's
//! previous bytes as it writes, and the bytes of each file a program feedctl starts may
//! write ([`Transaction::guard`], e.g. cargo's credentials files around `cargo login`); when
//! a later step fails it puts back every one of them that changed (or removes the files that
//! appeared), and the error names exactly those. Also the dry-run diff of a planned edit.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cargo::config::edit::{self, ConfigFile, Updated};
use crate::ui;
use crate::util::paths::in_resolved_dir;
use crate::util::{atomic_file, diff};

/// One file written by a transaction, or that a step it started may write, and how to undo it.
#[derive(Debug)]
struct Written {
    path: PathBuf,
    /// The bytes before the write; `None` when the file did not exist.
    before: Option<Vec<u8>>,
    /// The permissions before, put back with the bytes (a credentials file is 0600).
    permissions: Option<fs::Permissions>,
    /// A directory the write created (the project's `.cargo/`), removed again on rollback.
    created_dir: Option<PathBuf>,
}

impl Written {
    /// Whether the file on disk is no longer as it was.
    fn differs(&self) -> bool {
        match (&self.before, fs::read(&self.path)) {
            (Some(before), Ok(now)) => *before != now,
            (None, Err(e)) => e.kind() != std::io::ErrorKind::NotFound,
            _ => true,
        }
    }
}

/// The files written so far by one command, and those guarded around the programs it ran.
#[derive(Debug, Default)]
pub struct Transaction {
    written: Vec<Written>,
}

impl Transaction {
    /// Writes a [`edit::plan`]ned edit (see [`edit::commit`]) and remembers
    /// how to undo it. `edit` is the one that made the plan.
    pub fn commit(
        &mut self,
        planned: Updated,
        edit: impl Fn(&mut ConfigFile) -> Result<()>,
    ) -> Result<Updated> {
        self.commit_with(planned, true, edit)
    }

    /// [`Transaction::commit`] with [`edit::commit`]'s `remove_if_empty`.
    pub fn commit_with(
        &mut self,
        planned: Updated,
        remove_if_empty: bool,
        edit: impl Fn(&mut ConfigFile) -> Result<()>,
    ) -> Result<Updated> {
        let created_dir = missing_dir(planned.file.path());
        let updated = edit::commit(planned, remove_if_empty, edit)?;
        if updated.changed {
            self.written.push(Written {
                path: updated.file.path().to_path_buf(),
                before: updated
                    .file
                    .exists()
                    .then(|| updated.file.original_text().as_bytes().to_vec()),
                permissions: None,
                created_dir,
            });
        }
        Ok(updated)
    }

    /// Remembers the bytes (and permissions) of `path` before a step that may change it runs,
    /// such as `cargo login` writing `credentials.toml`: a program that fails half-way (a full
    /// disk, killed) may leave it truncated, and a rollback puts it back.
    pub fn guard(&mut self, path: &Path) -> Result<()> {
        let path = atomic_file::resolve(path)?;
        let (before, permissions) = match fs::read(&path) {
            Ok(bytes) => (
                Some(bytes),
                fs::metadata(&path).ok().map(|m| m.permissions()),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        self.written.push(Written {
            created_dir: missing_dir(&path),
            path,
            before,
            permissions,
        });
        Ok(())
    }

    /// Puts every file that changed back as it was, newest first (best effort: one failure
    /// does not stop the others). Returns the files restored, and those that could not be,
    /// with why.
    pub fn rollback(self) -> (Vec<String>, Vec<String>) {
        let mut restored = Vec::new();
        let mut failed = Vec::new();
        for written in self.written.into_iter().rev() {
            if !written.differs() {
                continue;
            }
            let shown = written.path.display().to_string();
            let result = match &written.before {
                // The write may have removed the directory with the file (`disconnect` takes
                // out a `.cargo/` that `connect` created): bring it back first.
                Some(before) => written
                    .path
                    .parent()
                    .filter(|dir| !dir.as_os_str().is_empty())
                    .map_or(Ok(()), |dir| {
                        fs::create_dir_all(dir)
                            .with_context(|| format!("failed to create `{}`", dir.display()))
                    })
                    .and_then(|()| atomic_file::write(&written.path, before))
                    .and_then(|()| match &written.permissions {
                        Some(permissions) => {
                            fs::set_permissions(&written.path, permissions.clone()).with_context(
                                || format!("failed to set the permissions of `{shown}`"),
                            )
                        }
                        None => Ok(()),
                    }),
                None => match fs::remove_file(&written.path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        Err(e).with_context(|| format!("failed to remove `{shown}`"))
                    }
                    _ => {
                        if let Some(dir) = &written.created_dir {
                            let _ = fs::remove_dir(dir);
                        }
                        Ok(())
                    }
                },
            };
            match result {
                Ok(()) => {
                    ui::debug(format!("restored `{shown}`"));
                    let shown = format!("`{shown}`");
                    if !restored.contains(&shown) {
                        restored.push(shown);
                    }
                }
                Err(e) => failed.push(format!("`{shown}`: {e:#}")),
            }
        }
        (restored, failed)
    }
}

/// The directory of `path` when it does not exist yet: a rollback that removes the file the
/// step created takes that directory away too.
fn missing_dir(path: &Path) -> Option<PathBuf> {
    path.parent()
        .filter(|dir| !dir.as_os_str().is_empty() && !dir.exists())
        .map(Path::to_path_buf)
}

/// Runs `steps` (the writes and what follows them) in a transaction; when a step fails, the
/// files already written, and those guarded that a failed program changed, are restored, and
/// the error names them.
pub fn all_or_nothing<T>(steps: impl FnOnce(&mut Transaction) -> Result<T>) -> Result<T> {
    let mut transaction = Transaction::default();
    match steps(&mut transaction) {
        Ok(value) => Ok(value),
        Err(err) => {
            let (restored, failed) = transaction.rollback();
            let put_back = match restored.as_slice() {
                [] => None,
                [one] => Some(format!("feedctl restored {one}")),
                many => Some(format!("feedctl restored {}", many.join(", "))),
            };
            Err(match (put_back, failed.is_empty()) {
                (None, true) => err,
                (Some(put_back), true) => {
                    err.context(format!("every file is back as it was ({put_back})"))
                }
                (put_back, false) => err.context(format!(
                    "feedctl could not restore {}; restore them by hand{}",
                    failed.join(", "),
                    put_back.map(|p| format!(" ({p})")).unwrap_or_default()
                )),
            })
        }
    }
}

/// How a path is named in a diff header and in JSON: relative to `cwd` when below it (so
/// `patch -p0` and `git apply` run there find it), else absolute.
pub fn shown_path(path: &Path, cwd: &Path) -> String {
    let relative = path
        .strip_prefix(cwd)
        .map(Path::to_path_buf)
        .ok()
        .or_else(|| {
            let cwd = cwd.canonicalize().ok()?;
            in_resolved_dir(path)?
                .strip_prefix(&cwd)
                .ok()
                .map(Path::to_path_buf)
        });
    match relative {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => path.display().to_string(),
    }
}

/// The unified diff from a file's text on disk to its planned text, with headers naming the
/// file as [`shown_path`] does (`/dev/null` for a file that does not exist yet, or will be
/// removed). Empty when nothing changes.
pub fn diff(file: &ConfigFile, removed: bool, cwd: &Path) -> String {
    if !file.is_changed() {
        return String::new();
    }
    let name = shown_path(file.path(), cwd);
    let old = if file.exists() {
        name.clone()
    } else {
        "/dev/null".to_string()
    };
    let new = if removed {
        "/dev/null".to_string()
    } else {
        name
    };
    diff::unified(
        file.original_text(),
        file.render(),
        &header_name(&old),
        &header_name(&new),
    )
}

/// A path as a `---`/`+++` header names it so that `patch` and `git apply` read it whole, as
/// GNU diff writes it: a name with a space ends with a tab (where diff puts the date; without
/// it `patch` takes the name to the first space and creates a stray file), and a name with a
/// quote, tab, line break or other control character is quoted C-style, which both tools
/// unquote.
fn header_name(name: &str) -> String {
    if name.chars().any(|c| c == '"' || c.is_control()) {
        let mut quoted = String::from("\"");
        for c in name.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\t' => quoted.push_str("\\t"),
                '\n' => quoted.push_str("\\n"),
                c if c.is_control() => {
                    for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                        quoted.push_str(&format!("\\{byte:03o}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        quoted
    } else if name.contains(char::is_whitespace) {
        format!("{name}\t")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollback_removes_a_guarded_file_the_step_created_and_its_new_directory() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("feedctl").join("minted-pats.json");
        let mut transaction = Transaction::default();
        transaction.guard(&file).unwrap();
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "{}").unwrap();
        let (restored, failed) = transaction.rollback();
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(restored.len(), 1);
        assert!(!home.path().join("feedctl").exists());
    }
}
