//! `azdemo` 0.1.0, the one real crate every [`FakeFeed`](super::FakeFeed) serves.
//!
//! It is packaged by the real cargo (`cargo package --offline`) the first time a test asks
//! for it and then shared by every test in the run, so the bytes and checksum in the index
//! are exactly what cargo itself would publish.

use std::fs;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::sandbox::hermetic_cargo;

/// A packaged `.crate` file plus the data a registry index needs about it.
#[derive(Debug)]
pub struct DemoCrate {
    /// Crate name, `azdemo`.
    pub name: &'static str,
    /// Version, `0.1.0`.
    pub version: &'static str,
    /// The `.crate` file (a gzipped tarball) as `cargo package` produced it.
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of [`bytes`](Self::bytes): the index's `cksum`.
    pub cksum: String,
}

impl DemoCrate {
    /// The crate's path under a sparse index root, e.g. `az/de/azdemo` (cargo's layout:
    /// `1/x`, `2/xy`, `3/x/xyz`, otherwise `ab/cd/abcd…`, all lower case).
    pub fn index_path(&self) -> String {
        sparse_index_path(self.name)
    }

    /// The crate's index file: one JSON line per version (just one here).
    ///
    /// `name`, `vers`, `deps`, `cksum` and `features` are what cargo's index parser
    /// requires; `yanked` is optional but every real registry sends it.
    pub fn index_file(&self) -> String {
        let line = serde_json::json!({
            "name": self.name,
            "vers": self.version,
            "deps": [],
            "cksum": self.cksum,
            "features": {},
            "yanked": false,
        });
        format!("{line}\n")
    }
}

/// Cargo's sparse-index path for a crate name.
pub fn sparse_index_path(name: &str) -> String {
    let name = name.to_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// The shared `azdemo` 0.1.0, packaged on first use.
pub fn azdemo() -> &'static DemoCrate {
    static AZDEMO: OnceLock<DemoCrate> = OnceLock::new();
    AZDEMO.get_or_init(package_azdemo)
}

const MANIFEST: &str = r#"[package]
name = "azdemo"
version = "0.1.0"
edition = "2021"
description = "Demo crate served by feedctl's fake Azure Artifacts feed"
license = "MIT"
"#;

const LIB_RS: &str = "/// The answer.\npub fn answer() -> u32 {\n    42\n}\n";

fn package_azdemo() -> DemoCrate {
    let tmp = tempfile::Builder::new()
        .prefix("feedctl-azdemo-")
        .tempdir()
        .expect("create a temp dir for packaging azdemo");
    let src = tmp.path().join("azdemo");
    let (home, cargo_home, target) = (
        tmp.path().join("home"),
        tmp.path().join("cargo-home"),
        tmp.path().join("target"),
    );
    for dir in [&src.join("src"), &home, &cargo_home] {
        fs::create_dir_all(dir).expect("create packaging dirs");
    }
    fs::write(src.join("Cargo.toml"), MANIFEST).expect("write azdemo/Cargo.toml");
    fs::write(src.join("src/lib.rs"), LIB_RS).expect("write azdemo/src/lib.rs");

    hermetic_cargo(&home, &cargo_home, &target)
        .current_dir(&src)
        .args(["package", "--no-verify", "--allow-dirty", "--offline"])
        .assert()
        .success();

    let file = target.join("package/azdemo-0.1.0.crate");
    let bytes = fs::read(&file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    let cksum = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    DemoCrate {
        name: "azdemo",
        version: "0.1.0",
        bytes,
        cksum,
    }
}
