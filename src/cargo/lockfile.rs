//! The project's `Cargo.lock`: where it is (cargo's own answer, `cargo locate-project
//! --workspace`), generating it when asked (`cargo generate-lockfile`, never silently), and
//! the packages it pins with their source, read as plain TOML (only cargo writes the file).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use toml_edit::DocumentMut;

use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;

/// The two ways a lockfile names crates.io (git index, and the sparse index cargo uses by
/// default since 1.70).
const CRATES_IO_SOURCES: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// One `[[package]]` that comes from a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub name: String,
    pub version: String,
    /// `source` as the lockfile has it (`registry+…` or `sparse+…`).
    pub source: String,
}

impl Locked {
    pub fn is_crates_io(&self) -> bool {
        CRATES_IO_SOURCES.contains(&self.source.as_str())
    }

    /// Whether the package comes from the registry whose index is `index` (`sparse+…`).
    pub fn is_from(&self, index: &str) -> bool {
        let strip = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
        strip(&self.source) == strip(index)
    }
}

/// The workspace's lockfile path (whether or not it exists).
pub fn path(env: &Environment) -> Result<PathBuf> {
    let out = cargo(env)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .with_context(|| {
            format!(
                "failed to run `{} locate-project`",
                env.cargo_program().to_string_lossy()
            )
        })?;
    if !out.status.success() {
        bail!(Failure::new(
            Code::Usage,
            format!(
                "no cargo project here ({}): run feedctl in the project whose `Cargo.lock` \
                 should be saved",
                String::from_utf8_lossy(&out.stderr).trim()
            )
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(manifest.with_file_name("Cargo.lock"))
}

/// `cargo generate-lockfile`, said out loud (`--update`).
pub fn generate(env: &Environment) -> Result<()> {
    ui::status("Updating", "Cargo.lock (`cargo generate-lockfile`)");
    let status = cargo(env)
        .arg("generate-lockfile")
        .stdin(Stdio::null())
        .status()
        .context("failed to run `cargo generate-lockfile`")?;
    if !status.success() {
        bail!("`cargo generate-lockfile` failed (its error is above)");
    }
    Ok(())
}

fn cargo(env: &Environment) -> Command {
    let mut command = Command::new(env.cargo_program());
    command.current_dir(env.cwd());
    command
}

/// Reads the registry packages of the lockfile at `path`.
pub fn read(path: &Path) -> Result<Vec<Locked>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(Failure::new(
            Code::Usage,
            format!(
                "no `{}`: feedctl saves the exact versions a lockfile pins; create it with \
                 `cargo generate-lockfile`, or run `feedctl save --update`, which runs it",
                path.display()
            )
        )),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    parse(&text).with_context(|| {
        format!(
            "failed to read `{}`: it is not a lockfile cargo wrote; `cargo generate-lockfile` \
             writes it anew (or `feedctl save --update`)",
            path.display()
        )
    })
}

/// The registry packages of a lockfile's text.
pub fn parse(text: &str) -> Result<Vec<Locked>> {
    let doc: DocumentMut = text.parse()?;
    let Some(packages) = doc.get("package") else {
        return Ok(Vec::new());
    };
    let packages = packages
        .as_array_of_tables()
        .context("`package` is not an array of tables")?;
    let mut locked = Vec::new();
    for package in packages {
        let field = |key: &str| package.get(key).and_then(|v| v.as_str());
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            bail!("a `[[package]]` without `name` or `version`");
        };
        // Path and git packages have no registry source (or a `git+` one).
        let Some(source) = field("source").filter(|s| !s.starts_with("git+")) else {
            continue;
        };
        locked.push(Locked {
            name: name.to_string(),
            version: version.to_string(),
            source: source.to_string(),
        });
    }
    Ok(locked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_packages_are_read_and_path_and_git_ones_left_out() {
        let text = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "serde"
version = "1.0.219"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "00"

[[package]]
name = "mine"
version = "0.2.0"
source = "sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/"

[[package]]
name = "g"
version = "0.1.0"
source = "git+https://example.com/g#abc"
"#;
        let locked = parse(text).unwrap();
        assert_eq!(locked.len(), 2);
        assert!(locked[0].is_crates_io());
        assert!(!locked[1].is_crates_io());
        assert!(locked[1].is_from(
            "sparse+https://pkgs.dev.azure.com/Contoso/web/_packaging/crates/Cargo/index"
        ));
        assert!(parse("[[package]]\nversion = \"1\"\nsource = \"x\"\n").is_err());
        assert!(parse("not toml [").is_err());
        assert!(parse("version = 4\n").unwrap().is_empty());
    }
}
