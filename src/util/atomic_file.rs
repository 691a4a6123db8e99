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

use super::paths::parent_dir;

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
/// if needed, and waits for other feedctl processes that hold it. Then removes the
/// temporary files of writers that were killed (see [`remove_leftovers`]).
///
/// The lock leaves nothing in the project to be committed by accident: on Unix it is on the
/// containing directory (which survives the rename that replaces the file itself);
/// elsewhere, where a directory cannot be locked, it is on a file in the system's temporary
/// directory named after the target (see [`lock_file`]).
pub fn lock(path: &Path) -> Result<Lock> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    #[cfg(unix)]
    let file = File::open(dir).with_context(|| format!("failed to open `{}`", dir.display()))?;
    #[cfg(not(unix))]
    let file = {
        // The process's own temp dir, not a snapshot's: every writer of the file must meet
        // at the same lock, whatever surroundings it was given.
        #[allow(clippy::disallowed_methods)]
        let lock_path = lock_file(path, &std::env::temp_dir());
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("failed to create `{}`", lock_path.display()))?
    };
    file.lock()
        .with_context(|| format!("failed to lock `{}` for writing", path.display()))?;
    remove_leftovers(dir);
    Ok(Lock { _file: file })
}

/// The lock file in `temp` for writes to `path`: named by a hash of the target's canonical
/// path (case-folded on Windows, whose file names are case-insensitive), so every writer of
/// one file, whatever path it was given, takes the same lock, and no writer of another file
/// waits for it. The hash (FNV-1a) is fixed, so that different feedctl versions agree. The
/// file is small and empty and stays, like the lock files of cargo's own caches.
#[cfg(any(not(unix), test))]
fn lock_file(path: &Path, temp: &Path) -> PathBuf {
    let canonical = super::paths::in_resolved_dir(path)
        .unwrap_or_else(|| parent_dir(path).join(path.file_name().unwrap_or_default()));
    let mut key = canonical.to_string_lossy().into_owned();
    if cfg!(windows) {
        key = key.to_lowercase();
    }
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    temp.join(format!("feedctl-{hash:016x}.lock"))
}

const TEMP_PREFIX: &str = ".feedctl-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// Deletes the `.feedctl-XXXXXX.tmp` files in `dir`: a writer removes its temporary file
/// itself, except when it is killed (SIGKILL, power loss) between creating it and the
/// rename, and each such leftover is as big as the config. Called with the lock held: on
/// Unix it covers the whole directory, so every such file is a leftover; elsewhere the lock
/// is per file, so only files older than a minute (no live write takes that long) go.
/// Best effort: a file that cannot be removed stays.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(random) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let ours = random.len() == TEMP_RANDOM && random.chars().all(|c| c.is_ascii_alphanumeric());
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let stale = cfg!(unix)
            || meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 60);
        if ours && meta.is_file() && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
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
    builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
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
    // On Unix the old mode goes on before the bytes do, so that a private file (a PAT written
    // for another tool, mode 0600) is never readable by others, not even as the temporary file.
    // Windows keeps a read-only file's attribute until the write is done.
    let mode = existing.as_ref().map(fs::Metadata::permissions);
    #[cfg(unix)]
    if let Some(mode) = &mode {
        fs::set_permissions(temp.path(), mode.clone())
            .with_context(|| format!("failed to write `{}`", temp.path().display()))?;
    }
    temp.write_all(contents)
        .and_then(|()| {
            #[cfg(not(unix))]
            if let Some(mode) = &mode {
                fs::set_permissions(temp.path(), mode.clone())?;
            }
            temp.as_file().sync_all()
        })
        .with_context(|| format!("failed to write `{}`", temp.path().display()))?;
    persist(temp, path).with_context(|| format!("failed to replace `{}`", path.display()))?;
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        // Make the rename itself durable; failure here loses nothing already written.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Renames the temporary file over `path`. On Windows a rename fails with "access denied"
/// while another program (a reader without delete sharing, a virus scanner, an indexer) has
/// the target open; such holds are brief, so the rename is retried for up to two seconds.
fn persist(temp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    let mut temp = temp;
    let mut delay = std::time::Duration::from_millis(5);
    let mut waited = std::time::Duration::ZERO;
    loop {
        match temp.persist(path) {
            Ok(_) => return Ok(()),
            Err(e)
                if cfg!(windows)
                    && e.error.kind() == std::io::ErrorKind::PermissionDenied
                    && waited < std::time::Duration::from_secs(2) =>
            {
                temp = e.file;
                std::thread::sleep(delay);
                waited += delay;
                delay = (delay * 2).min(std::time::Duration::from_millis(200));
            }
            Err(e) => return Err(e.error),
        }
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
    fn the_lock_file_is_outside_the_project_and_one_per_target() {
        let project = tempfile::tempdir().unwrap();
        let temp = tempfile::tempdir().unwrap();
        let cargo_dir = project.path().join(".cargo");
        fs::create_dir(&cargo_dir).unwrap();
        let config = cargo_dir.join("config.toml");
        let lock = lock_file(&config, temp.path());
        assert_eq!(lock.parent(), Some(temp.path()));
        let name = lock.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("feedctl-") && name.ends_with(".lock"),
            "{name}"
        );
        // Another spelling of the same file takes the same lock; another file does not.
        let dotted = project.path().join(".cargo/../.cargo/config.toml");
        assert_eq!(lock_file(&dotted, temp.path()), lock);
        assert_ne!(lock_file(&cargo_dir.join("config"), temp.path()), lock);
        // Taking the lock and writing leave nothing but the config in the project.
        let held = super::lock(&config).unwrap();
        write(&config, b"x").unwrap();
        drop(held);
        let names: Vec<_> = fs::read_dir(&cargo_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["config.toml"]);
    }

    #[test]
    fn a_directory_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(dir.path(), b"x").unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }
}
