//! What feedctl remembers about the PATs it minted, **without the secret**: one record per PAT
//! (its Azure DevOps authorization id, organization, scope, validity, where it went) in
//! `$CARGO_HOME/feedctl/minted-pats.json`, beside the credentials it describes and never in a
//! project. `status` and `doctor` read it to say when a token expires; `login --renew` and
//! `logout` read it to know which PAT to revoke, and a PAT without a record here is one
//! feedctl did not mint, so feedctl never revokes it.
//!
//! A record holds a fingerprint of the stored `Authorization` value (SHA-256, hex): enough to
//! tell whether the token cargo holds now is the minted one, useless to anyone who reads the
//! file (a PAT has 256 random bits, so it cannot be guessed back from its hash).

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::secret::Secret;
use crate::util::atomic_file;

/// The file's path under `$CARGO_HOME`.
pub const FILE: &str = "feedctl/minted-pats.json";

/// The version of the file's shape; a newer feedctl that changes it bumps this.
const VERSION: u32 = 1;

/// Where a minted PAT went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "path")]
pub enum Destination {
    /// Stored for cargo with `cargo login --registry <registry>`.
    Cargo,
    /// Written to a file the user named (`--no-store --output FILE`).
    File(PathBuf),
    /// Written to stdout for a pipe (`--no-store`).
    Stdout,
}

/// One minted PAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Record {
    /// Azure DevOps' id of the PAT (`authorizationId`): what revoking it takes.
    pub authorization_id: String,
    /// The organization the PAT is scoped to (never all organizations).
    pub organization: String,
    /// The cargo registry it was minted for, and its index URL.
    pub registry: String,
    pub index: String,
    /// The PAT's display name in Azure DevOps' "Personal access tokens" page.
    pub display_name: String,
    /// Its scopes as Azure DevOps names them, e.g. `vso.packaging_write`.
    pub scope: String,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_to: OffsetDateTime,
    pub destination: Destination,
    /// SHA-256 (hex) of the `Authorization` value stored for cargo (`Basic …`); see the
    /// module docs.
    pub fingerprint: String,
}

impl Record {
    /// Whether `header` (an `Authorization` value as cargo stores it) is this PAT.
    pub fn is(&self, header: &Secret) -> bool {
        fingerprint(header) == self.fingerprint
    }

    /// Whole days left before it expires at `now` (negative once expired).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.valid_to - now).whole_days()
    }
}

/// The SHA-256 (hex) of an `Authorization` value.
pub fn fingerprint(header: &Secret) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, header.as_deref().expose().as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Serialize, Deserialize)]
struct Shape {
    version: u32,
    pats: Vec<Record>,
}

/// The records of one `$CARGO_HOME`, read once and written back atomically.
#[derive(Debug, Clone)]
pub struct Records {
    path: PathBuf,
    pub pats: Vec<Record>,
}

impl Records {
    /// The file under `cargo_home`.
    pub fn path(cargo_home: &Path) -> PathBuf {
        cargo_home.join(FILE)
    }

    /// Reads the records of `cargo_home`; a missing file is an empty list. An unreadable or
    /// invalid file is an error naming it (feedctl never guesses which PAT it minted).
    pub fn load(cargo_home: &Path) -> Result<Records> {
        let path = Records::path(cargo_home);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Ok(Records {
                    path,
                    pats: Vec::new(),
                });
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        let shape: Shape = serde_json::from_str(&text).with_context(|| {
            format!(
                "`{}` is not a list of PATs feedctl minted; move it aside (feedctl then forgets \
                 those PATs, which stay valid until they expire or you revoke them in Azure \
                 DevOps)",
                path.display()
            )
        })?;
        if shape.version != VERSION {
            bail!(
                "`{}` was written by another version of feedctl (format {}, this one reads {VERSION}); \
                 use that version, or move the file aside",
                path.display(),
                shape.version
            );
        }
        Ok(Records {
            path,
            pats: shape.pats,
        })
    }

    /// The file these records live in.
    pub fn file(&self) -> &Path {
        &self.path
    }

    /// The PAT minted for cargo's registry `registry` with index `index` (the newest, if a
    /// failed step ever left two).
    pub fn stored_for(&self, registry: &str, index: &str) -> Option<&Record> {
        self.pats
            .iter()
            .filter(|r| r.destination == Destination::Cargo)
            .filter(|r| r.registry == registry && r.index == index)
            .max_by_key(|r| r.valid_from)
    }

    /// Adds a record (replacing one with the same authorization id).
    pub fn add(&mut self, record: Record) {
        self.remove(&record.authorization_id);
        self.pats.push(record);
    }

    /// Forgets the PAT `authorization_id`; whether there was one.
    pub fn remove(&mut self, authorization_id: &str) -> bool {
        let before = self.pats.len();
        self.pats
            .retain(|r| !r.authorization_id.eq_ignore_ascii_case(authorization_id));
        self.pats.len() != before
    }

    /// Writes the records back atomically (guard [`Records::file`] in the caller's
    /// transaction first, so a later failing step puts it back).
    pub fn save(&self) -> Result<()> {
        let shape = Shape {
            version: VERSION,
            pats: self.pats.clone(),
        };
        let mut text = serde_json::to_string_pretty(&shape)?;
        text.push('\n');
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)
                .with_context(|| format!("failed to create `{}`", dir.display()))?;
        }
        let target = atomic_file::resolve(&self.path)?;
        let _lock = atomic_file::lock(&target)?;
        atomic_file::write(&target, text.as_bytes())
            .with_context(|| format!("failed to write `{}`", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::secret::verbatim;

    fn record(id: &str, registry: &str, from: i64) -> Record {
        Record {
            authorization_id: id.to_string(),
            organization: "contoso".to_string(),
            registry: registry.to_string(),
            index: "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/"
                .to_string(),
            display_name: "feedctl".to_string(),
            scope: "vso.packaging_write".to_string(),
            valid_from: OffsetDateTime::from_unix_timestamp(from).unwrap(),
            valid_to: OffsetDateTime::from_unix_timestamp(from + 7 * 86_400).unwrap(),
            destination: Destination::Cargo,
            fingerprint: fingerprint(&verbatim("Basic abc")),
        }
    }

    #[test]
    fn records_round_trip_through_the_file_and_a_missing_file_is_empty() {
        let home = tempfile::tempdir().unwrap();
        let mut records = Records::load(home.path()).unwrap();
        assert!(records.pats.is_empty());
        records.add(record("A", "company", 1_000));
        records.add(record("B", "company", 2_000));
        records.save().unwrap();
        let again = Records::load(home.path()).unwrap();
        assert_eq!(again.pats, records.pats);
        let index = &records.pats[0].index;
        assert_eq!(
            again.stored_for("company", index).unwrap().authorization_id,
            "B"
        );
        assert!(again.stored_for("other", index).is_none());
        let text = fs::read_to_string(Records::path(home.path())).unwrap();
        assert!(!text.contains("Basic abc"), "{text}");
    }

    #[test]
    fn an_invalid_file_is_an_error_naming_it() {
        let home = tempfile::tempdir().unwrap();
        let path = Records::path(home.path());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "not json").unwrap();
        let err = format!("{:#}", Records::load(home.path()).unwrap_err());
        assert!(err.contains("minted-pats.json"), "{err}");
    }

    #[test]
    fn a_record_knows_its_token_and_days_left() {
        let r = record("A", "company", 0);
        assert!(r.is(&verbatim("Basic abc")));
        assert!(!r.is(&verbatim("Basic abd")));
        let now = OffsetDateTime::from_unix_timestamp(5 * 86_400).unwrap();
        assert_eq!(r.days_left(now), 2);
    }

    #[test]
    fn adding_replaces_the_same_id_and_remove_ignores_case() {
        let mut records = Records {
            path: PathBuf::new(),
            pats: Vec::new(),
        };
        records.add(record("A", "company", 0));
        records.add(record("A", "company", 1));
        assert_eq!(records.pats.len(), 1);
        assert!(records.remove("a"));
        assert!(records.pats.is_empty());
        assert!(!records.remove("a"));
    }
}
