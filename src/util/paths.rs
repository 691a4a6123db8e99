//! Whether two paths name one file as the OS resolves them (symlinks, `..`, a directory
//! reached two ways), also for a file that does not exist yet: cargo's config files and
//! feedctl's lock files are compared by where they are, not by how they were spelled. Also
//! a path with its `..` taken out by spelling alone, as cargo takes a manifest's.

use std::path::{Path, PathBuf};

/// `path` resolved; for a file that does not exist (yet), its directory resolved and its name
/// kept; as given when not even the directory can be resolved.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .ok()
        .or_else(|| in_resolved_dir(path))
        .unwrap_or_else(|| path.to_path_buf())
}

/// `path` with its directory resolved and its own name kept, so a symlink at the name itself
/// is not followed; `None` when the directory cannot be resolved. A bare name is in `.`.
pub fn in_resolved_dir(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    Some(parent_dir(path).canonicalize().ok()?.join(name))
}

/// `a/b/../c` → `a/c`, without touching the file system (as cargo normalizes manifest paths).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The directory `path` is in: `.` for a bare name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether `a` and `b` name the same file, even one not created yet. Two existing paths are
/// compared as cargo compares `config` with `config.toml` (the `same-file` crate: device and
/// inode, or the Windows file index), so a hard link counts as well as a symlink.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match same_file::is_same_file(a, b) {
        Ok(same) => same,
        // One of them does not exist (yet): where they would be decides.
        Err(_) => canonical(a) == canonical(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_the_same_however_it_is_reached() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.toml"), "").unwrap();
        let detour = sub.join("..").join("sub");
        assert!(same_file(&sub.join("a.toml"), &detour.join("a.toml")));
        // Not created yet: the directory decides.
        assert!(same_file(&sub.join("new.toml"), &detour.join("new.toml")));
        assert!(!same_file(&sub.join("a.toml"), &sub.join("new.toml")));
        // A hard link is the same file, as cargo sees it; a copy is not.
        std::fs::hard_link(sub.join("a.toml"), sub.join("linked.toml")).unwrap();
        std::fs::copy(sub.join("a.toml"), sub.join("copy.toml")).unwrap();
        assert!(same_file(&sub.join("a.toml"), &sub.join("linked.toml")));
        assert!(!same_file(&sub.join("a.toml"), &sub.join("copy.toml")));
        let nowhere = dir.path().join("missing").join("x.toml");
        assert_eq!(canonical(&nowhere), nowhere);
        assert_eq!(in_resolved_dir(&nowhere), None);
    }
}
