//! Where `login --mint --no-store` puts the PAT for another tool: a new file (mode 0600 on
//! Unix), or standard output when it is a pipe. Both are checked before anything is minted:
//! a terminal would show the secret to anyone looking, and an existing file that feedctl did
//! not write may be something else the user keeps.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::auth::minted::{Destination, Records};
use crate::auth::secret::Secret;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::transaction::Transaction;
use crate::ui;
use crate::util::atomic_file;

/// Where the PAT goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Stored for cargo with `cargo login`.
    Cargo,
    /// Written to this file (relative to the working directory).
    File(PathBuf),
    /// Written to standard output, which must not be a terminal.
    Stdout,
}

impl Output {
    /// The record's destination, with a file's absolute path.
    pub fn destination(&self, env: &Environment) -> Destination {
        match self {
            Output::Cargo => Destination::Cargo,
            Output::File(path) => Destination::File(env.cwd().join(path)),
            Output::Stdout => Destination::Stdout,
        }
    }
}

/// Refuses, before minting, an output that would show or clobber something.
pub fn check(output: &Output, env: &Environment, records: &Records) -> Result<()> {
    match output {
        Output::Cargo => Ok(()),
        Output::Stdout if env.stdout_is_terminal() => Err(Failure::new(
            Code::Usage,
            "`--no-store` without `--output` writes the PAT to standard output, which is a \
             terminal here: pipe it into the tool that takes it (e.g. `| gh secret set NAME`), \
             or pass `--output FILE`",
        )
        .into()),
        Output::Stdout => Ok(()),
        Output::File(path) => {
            let full = env.cwd().join(path);
            if full
                .parent()
                .is_some_and(|dir| !dir.as_os_str().is_empty() && !dir.is_dir())
            {
                return Err(Failure::new(
                    Code::Usage,
                    format!(
                        "`--output {}`: its folder does not exist; create it first",
                        path.display()
                    ),
                )
                .into());
            }
            let destination = output.destination(env);
            let ours = records.pats.iter().any(|r| r.destination == destination);
            if full.exists() && !ours {
                return Err(Failure::new(
                    Code::Usage,
                    format!(
                        "`--output {}` exists and was not written by feedctl; feedctl writes a \
                         PAT only to a new file (or to one it wrote before): pick another path, \
                         or remove that file",
                        path.display()
                    ),
                )
                .into());
            }
            Ok(())
        }
    }
}

/// Writes `value` (no line break: `$(cat FILE)` and secret stores take it whole) as a step of
/// `transaction`.
pub fn write(
    transaction: &mut Transaction,
    env: &Environment,
    output: &Output,
    value: &Secret,
) -> Result<()> {
    let text = value.as_deref().expose();
    match output {
        Output::Cargo => Ok(()),
        Output::Stdout => Ok(ui::stdout(text)?),
        Output::File(path) => {
            let path = env.cwd().join(path);
            transaction.guard(&path)?;
            if path.exists() {
                // A file feedctl wrote before: replaced atomically, its mode kept.
                atomic_file::write(&path, text.as_bytes())
            } else {
                create_private(&path, text.as_bytes()).map_err(anyhow::Error::from)
            }
            .with_context(|| format!("failed to write `{}`", path.display()))?;
            ui::status("Wrote", format!("the PAT to `{}`", path.display()));
            Ok(())
        }
    }
}

/// Creates `path`, readable by its owner only on Unix (on Windows a new file inherits its
/// folder's access list, which is the user's own under the profile).
fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_and_a_foreign_file_are_refused_a_file_of_ours_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::for_test(dir.path());
        let records = Records::load(dir.path()).unwrap();
        fs::write(dir.path().join("mine.txt"), "x").unwrap();
        let foreign = check(&Output::File("mine.txt".into()), &env, &records).unwrap_err();
        assert_eq!(crate::exit::code_of(&foreign), Code::Usage as i32);
        assert!(
            foreign.to_string().contains("`--output mine.txt`"),
            "{foreign}"
        );
        check(&Output::File("new.txt".into()), &env, &records).unwrap();
        let nowhere = check(&Output::File("no/such/dir/t".into()), &env, &records).unwrap_err();
        assert!(
            nowhere.to_string().contains("folder does not exist"),
            "{nowhere}"
        );
        check(&Output::Stdout, &env, &records).unwrap();
        let terminal = env.with_stdout_terminal();
        let shown = check(&Output::Stdout, &terminal, &records).unwrap_err();
        assert_eq!(crate::exit::code_of(&shown), Code::Usage as i32);
        assert!(shown.to_string().contains("--output FILE"), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pat");
        create_private(&path, b"secret").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(create_private(&path, b"again").is_err());
    }
}
