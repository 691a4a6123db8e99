//! Crash-safe, serialized replacement of a file.
//!
//! A write goes to a temporary file in the target's own directory, is flushed to disk, takes
//! the old file's permissions and then replaces the target with one `rename`, so a reader (or
//! a writer killed half-way) sees the old file or the new one, never a mix. Symlinks are
//! followed: the link stays and its target is replaced. Writers of the same file are
//! serialized by [`lock`] so that concurrent read-modify-write cycles do not lose updates.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The file a write to `path` really replaces: `path` itself, or the end of its symlink chain.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // A chain longer than this is a loop; the OS would refuse it too.
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current).with_context(|| {
                    format!("failed to read the symlink `{}`", current.display())
                })?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    anyhow::bail!("`{}` is a symlink loop", path.display())
}

/// Holds the write lock for one file until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the exclusive write lock for `path` (already [`resolve`]d), creating its directory
/// if needed, and waits for other feedctl processes that hold it.
///
/// On Unix the lock is on the containing directory, so no lock file is left next to a
/// project's `.cargo/config.toml` to be committed by accident, and it survives the rename
/// that replaces the file itself.
pub fn lock(path: &Path) -> Result<Lock> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    #[cfg(unix)]
    let file = File::open(dir).with_context(|| format!("failed to open `{}`", dir.display()))?;
    #[cfg(not(unix))]
    let file = {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".feedctl-lock");
        let lock_path = dir.join(name);
        File::create(&lock_path)
            .with_context(|| format!("failed to create `{}`", lock_path.display()))?
    };
    file.lock()
        .with_context(|| format!("failed to lock `{}` for writing", path.display()))?;
    Ok(Lock { _file: file })
}

/// Replaces `path` (already [`resolve`]d) with `contents` atomically, keeping its permissions.
/// A new file gets the usual permissions for new files (0666 less the umask).
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = parent_dir(path);
    let existing = fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|m| m.is_dir()) {
        anyhow::bail!("`{}` is a directory, not a file", path.display());
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".feedctl-").suffix(".tmp");
    #[cfg(unix)]
    let new_file_mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(new_file_mode);
    let mut temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    temp.write_all(contents)
        .and_then(|()| {
            if let Some(meta) = &existing {
                fs::set_permissions(temp.path(), meta.permissions())?;
            }
            temp.as_file().sync_all()
        })
        .with_context(|| format!("failed to write `{}`", temp.path().display()))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to replace `{}`", path.display()))?;
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        // Make the rename itself durable; failure here loses nothing already written.
        let _ = dir.sync_all();
    }
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_replaces_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file may remain");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        let link = dir.path().join("link.toml");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.toml", &link).unwrap();
        let target = resolve(&link).unwrap();
        assert_eq!(target, real);
        write(&target, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_directory_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(dir.path(), b"x").unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }
}
