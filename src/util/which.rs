//! Finding a program on `PATH` the way a shell would: the first directory holding one of the
//! given names as an executable file (on Unix, a file with an execute bit; on Windows, any
//! file, since the extension decides there).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The first `dir/name` on the search path `path` (a `PATH` value) that is executable.
pub fn on_path<S: AsRef<str>>(path: &OsStr, names: &[S]) -> Option<PathBuf> {
    std::env::split_paths(path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name.as_ref())))
        .find(|candidate| is_executable(candidate))
}

/// Whether `path` is a file this user could run.
pub fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn only_executable_files_are_found_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("tool"), "").unwrap();
        std::fs::write(b.join("tool"), "").unwrap();
        std::fs::set_permissions(b.join("tool"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert_eq!(on_path(&path, &["tool"]), Some(b.join("tool")));
        assert_eq!(on_path(&path, &["other"]), None);
    }
}
