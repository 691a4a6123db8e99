//! The records of PATs "minted" by feedctl, written the way `login --mint` writes them
//! (`$CARGO_HOME/feedctl/minted-pats.json`, the SHA-256 of the stored `Authorization` value,
//! never the secret), so that `status`, `doctor` and `pat list` can be tested without minting.

use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::sandbox::write_file;

/// One record; `header` is the `Authorization` value whose fingerprint it keeps.
pub struct Minted<'a> {
    pub registry: &'a str,
    pub index: &'a str,
    pub header: &'a str,
    /// Its validity, from now: e.g. `-1 .. 6` days for a 7-day PAT minted yesterday.
    pub from: Duration,
    pub to: Duration,
    /// `{"kind": "cargo"}`, `{"kind": "file", "path": …}` or `{"kind": "stdout"}`.
    pub destination: Value,
}

impl<'a> Minted<'a> {
    /// A 7-day PAT for `registry` at `index`, stored for cargo, that ends `left` from now.
    pub fn for_cargo(registry: &'a str, index: &'a str, header: &'a str, left: Duration) -> Self {
        Minted {
            registry,
            index,
            header,
            from: left - Duration::days(7),
            to: left,
            destination: json!({ "kind": "cargo" }),
        }
    }

    fn record(&self, id: usize, now: OffsetDateTime) -> Value {
        let at = |d: Duration| (now + d).format(&Rfc3339).unwrap();
        json!({
            "authorization-id": format!("00000000-0000-0000-0000-{id:012}"),
            "organization": "Coll",
            "registry": self.registry,
            "index": self.index,
            "display-name": format!("feedctl {} on test-host", self.registry),
            "scope": "vso.packaging_write",
            "valid-from": at(self.from),
            "valid-to": at(self.to),
            "destination": self.destination,
            "fingerprint": fingerprint(self.header),
        })
    }
}

/// The SHA-256 (hex) of an `Authorization` value, as the records keep it.
pub fn fingerprint(header: &str) -> String {
    Sha256::digest(header.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `pats` as the records of `cargo_home`, replacing any.
pub fn write_records(cargo_home: &Path, pats: &[Minted]) {
    let now = OffsetDateTime::now_utc();
    let pats: Vec<Value> = pats
        .iter()
        .enumerate()
        .map(|(i, pat)| pat.record(i + 1, now))
        .collect();
    let text = serde_json::to_string_pretty(&json!({ "version": 1, "pats": pats })).unwrap();
    write_file(&cargo_home.join("feedctl/minted-pats.json"), &text);
}
