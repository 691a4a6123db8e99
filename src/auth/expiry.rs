//! When the token cargo uses for a registry stops working, as far as it can be known offline
//! and without asking anyone: the record of a PAT feedctl minted ([`super::minted`]) when the
//! stored token is that PAT, the `exp` claim of a stored `Bearer` token, or "fetched per use"
//! when feedctl is the provider. `status`, `doctor` and `pat list` read the same answer, so
//! they cannot disagree about a token.
//!
//! Also the one rule for "renew soon".

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::auth::minted::Record;
use crate::azure::verdict::renew_command;
use crate::cargo::credentials::Credentials;
use crate::util::jwt::Claims;

/// What is known about the expiry of the token cargo uses for one registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// feedctl is the provider (`--auth azure-cli`, `--auth entra`): a fresh Entra ID token for
    /// each cargo command, nothing stored that could expire.
    PerUse,
    /// The token cargo uses is the PAT feedctl minted. `confirmed` is false when the token sits
    /// in an OS store, which other programs cannot read: then only the record says so.
    Minted { record: Record, confirmed: bool },
    /// feedctl minted a PAT for this registry, but the token cargo uses is another one.
    Stale { record: Record },
    /// A `Bearer` token feedctl did not mint; its `exp` claim, when it has one.
    Bearer { valid_to: Option<OffsetDateTime> },
    /// A PAT feedctl did not mint: Azure DevOps tells its expiry only on its own web page.
    Unknown,
    /// No token that feedctl can see, and no record.
    Nothing,
}

impl Expiry {
    /// The expiry of the token cargo uses for a registry, from what `credentials` found and
    /// `record`, the PAT feedctl minted for the registry ([`crate::auth::minted::Records::stored_for`]).
    pub fn of(credentials: &Credentials, record: Option<&Record>) -> Expiry {
        if credentials.entra.is_some() || credentials.azure_cli {
            return Expiry::PerUse;
        }
        let record = record.cloned();
        match (credentials.effective(), record) {
            (Some(found), Some(record)) if record.is(&found.secret) => Expiry::Minted {
                record,
                confirmed: true,
            },
            (Some(_), Some(record)) => Expiry::Stale { record },
            (Some(found), None) => {
                let header = found.secret.as_deref();
                let header = header.expose();
                match header.starts_with("Bearer ") {
                    true => Expiry::Bearer {
                        valid_to: Claims::of_bearer(header)
                            .and_then(|claims| claims.exp)
                            .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok()),
                    },
                    false => Expiry::Unknown,
                }
            }
            // Only an OS store can hold the token now: the record is all there is to go by.
            (None, Some(record)) if credentials.location().source == "credential_provider" => {
                Expiry::Minted {
                    record,
                    confirmed: false,
                }
            }
            (None, Some(record)) => Expiry::Stale { record },
            (None, None) => Expiry::Nothing,
        }
    }

    /// The instant the token cargo uses stops working, when known.
    pub fn valid_to(&self) -> Option<OffsetDateTime> {
        match self {
            Expiry::Minted { record, .. } => Some(record.valid_to),
            Expiry::Bearer { valid_to } => *valid_to,
            _ => None,
        }
    }

    /// The record of the PAT cargo uses, when feedctl minted it.
    pub fn minted(&self) -> Option<&Record> {
        match self {
            Expiry::Minted { record, .. } => Some(record),
            _ => None,
        }
    }

    /// The same in words for `status`, as of `now`; `None` when there is nothing to say.
    pub fn in_words(&self, registry: &str, now: OffsetDateTime) -> Option<String> {
        let at = |to: OffsetDateTime| format!("{} ({})", when(to), relative(to, now));
        Some(match self {
            Expiry::Minted { record, confirmed } => {
                let whose = match confirmed {
                    true => "minted by feedctl",
                    false => "minted by feedctl, says its record (the OS store cannot be read)",
                };
                let end = at(record.valid_to);
                match urgency(record.valid_from, record.valid_to, now) {
                    Urgency::Far => format!("{whose}, expires {end}"),
                    Urgency::Soon => {
                        format!(
                            "{whose}, expires {end}: renew with `{}`",
                            renew_command(registry)
                        )
                    }
                    Urgency::Expired => format!(
                        "{whose}, EXPIRED {end}: cargo gets HTTP 401 until you run `{}`",
                        renew_command(registry)
                    ),
                }
            }
            Expiry::Stale { record } => format!(
                "unknown: the token cargo uses is not the PAT feedctl minted on {} (a stale \
                 record; {})",
                when(record.valid_from),
                left_behind(record, now)
            ),
            Expiry::Bearer { valid_to: Some(to) } if *to <= now => {
                format!("a Bearer token, EXPIRED {}", at(*to))
            }
            Expiry::Bearer { valid_to: Some(to) } => format!("a Bearer token, expires {}", at(*to)),
            Expiry::Bearer { valid_to: None } => "unknown (a Bearer token naming none)".to_string(),
            Expiry::Unknown => format!(
                "unknown (a PAT feedctl did not mint; `{}` makes one whose expiry feedctl tracks)",
                mint_command(registry)
            ),
            Expiry::PerUse => "none to renew: a fresh Entra ID token for each cargo command \
                               (each lives about an hour)"
                .to_string(),
            Expiry::Nothing => return None,
        })
    }

    /// The same as data, for `status --json` (shape in `docs/json.md`).
    pub fn data(&self, now: OffsetDateTime) -> ExpiryData {
        let (kind, matches) = match self {
            Expiry::PerUse => ("per_use", None),
            Expiry::Minted { confirmed, .. } => ("minted", confirmed.then_some(true)),
            Expiry::Stale { .. } => ("stale_record", Some(false)),
            Expiry::Bearer { .. } => ("bearer", None),
            Expiry::Unknown => ("not_minted", None),
            Expiry::Nothing => ("none", None),
        };
        let valid_to = self.valid_to();
        ExpiryData {
            kind,
            valid_from: self.minted().map(|r| rfc3339(r.valid_from)),
            valid_to: valid_to.map(rfc3339),
            days_left: valid_to.map(|to| (to - now).whole_days()),
            expired: valid_to.map(|to| to <= now),
            matches_stored_token: matches,
        }
    }
}

/// [`Expiry`] as `status --json` shows it; every key always there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryData {
    /// `minted`, `stale_record`, `bearer`, `not_minted`, `per_use` or `none`.
    pub kind: &'static str,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// Whole days left, negative once past: an unfinished day is not counted, so the number
    /// never promises more time than there is.
    pub days_left: Option<i64>,
    pub expired: Option<bool>,
    /// Whether the stored token was compared with the record: `true` it is the minted PAT,
    /// `false` it is another; `null` when nothing was compared (an OS store, no record).
    pub matches_stored_token: Option<bool>,
}

/// What became of a minted PAT that cargo no longer uses, in words.
pub fn left_behind(record: &Record, now: OffsetDateTime) -> String {
    match record.valid_to <= now {
        true => format!("that PAT expired on {}", when(record.valid_to)),
        false => format!(
            "that PAT stays valid until {} unless revoked",
            when(record.valid_to)
        ),
    }
}

/// How close a token is to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Far,
    /// Time to renew: see [`urgency`].
    Soon,
    Expired,
}

/// The most notice a PAT gets before its end.
const NOTICE: Duration = Duration::days(3);
/// The share of its life a PAT is "due" for, at most.
const NOTICE_SHARE: f64 = 0.2;

/// Whether a token valid from `from` to `to` is due for renewal at `now`: in its last 3 days or
/// its last 20 % of life, whichever is shorter. A short-lived PAT is renewed with one command,
/// so warning through half the life of a 7-day PAT would teach people to ignore the warning
/// (20 % gives it the last day and a half); a long-lived one gets 3 days, which spans a
/// weekend.
pub fn urgency(from: OffsetDateTime, to: OffsetDateTime, now: OffsetDateTime) -> Urgency {
    let left = to - now;
    let share = (to - from).max(Duration::ZERO) * NOTICE_SHARE;
    match left {
        _ if left <= Duration::ZERO => Urgency::Expired,
        _ if left <= NOTICE.min(share) => Urgency::Soon,
        _ => Urgency::Far,
    }
}

/// `to` against `now` in words: "in 7 days", "in 5 hours", "2 days ago".
pub fn relative(to: OffsetDateTime, now: OffsetDateTime) -> String {
    let left = to - now;
    let (amount, ago) = (left.abs(), left.is_negative());
    let unit = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let span = match amount.whole_days() {
        0 if amount.whole_hours() == 0 => unit(amount.whole_minutes(), "minute"),
        0 => unit(amount.whole_hours(), "hour"),
        days => unit(days, "day"),
    };
    match ago {
        true => format!("{span} ago"),
        false => format!("in {span}"),
    }
}

/// An instant as people read it: `2026-12-10 14:05 UTC`.
pub fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

/// An instant in RFC 3339, as `--json` carries dates.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// The command that mints a PAT whose expiry feedctl tracks, for `registry`.
pub fn mint_command(registry: &str) -> String {
    format!("feedctl login --mint --name {registry}")
}

/// Azure DevOps' scopes in the words of its "Personal access tokens" page:
/// `vso.packaging_write` is "Packaging Read & write".
pub fn scope_in_words(scope: &str) -> String {
    scope
        .split_whitespace()
        .map(|one| match one {
            "vso.packaging" => "Packaging Read".to_string(),
            "vso.packaging_write" => "Packaging Read & write".to_string(),
            "vso.packaging_manage" => "Packaging Read, write & manage".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::minted::{Destination, Records, fingerprint};
    use crate::auth::secret::verbatim;
    use crate::cargo::credentials::{FoundToken, Origin};

    const INDEX: &str = "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/";

    fn at(day: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + day * 86_400).unwrap()
    }

    fn record(header: &str) -> Record {
        Record {
            authorization_id: "id".into(),
            organization: "contoso".into(),
            registry: "crates".into(),
            index: INDEX.into(),
            display_name: "feedctl".into(),
            scope: "vso.packaging_write".into(),
            valid_from: at(0),
            valid_to: at(7),
            destination: Destination::Cargo,
            fingerprint: fingerprint(&verbatim(header)),
        }
    }

    fn credentials(providers: &[&str], file: Option<&str>) -> Credentials {
        let providers: Vec<String> = providers.iter().map(|p| p.to_string()).collect();
        Credentials {
            storing: crate::cargo::providers::storing_provider(&providers).map(str::to_string),
            providers,
            providers_explicit: true,
            env_token: None,
            file_token: file.map(|value| FoundToken {
                origin: Origin::CredentialsFile(PathBuf::from("/h/credentials.toml")),
                secret: verbatim(value),
            }),
            config_token: None,
            azure_cli: false,
            entra: None,
            entra_source: None,
        }
    }

    fn records(list: Vec<Record>) -> Records {
        let dir = tempfile::tempdir().unwrap();
        let mut records = Records::load(dir.path()).unwrap();
        records.pats = list;
        records
    }

    #[test]
    fn the_token_cargo_uses_is_matched_with_the_records() {
        let minted = records(vec![record("Basic minted")]);
        let os = crate::cargo::providers::os_provider();
        let jwt = format!(
            "Bearer x.{}.y",
            base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                format!("{{\"exp\":{}}}", at(1).unix_timestamp())
            )
        );
        let mut entra = credentials(&["cargo:token"], None);
        entra.entra = Some("from GitHub Actions".into());
        let cases = [
            (
                credentials(&["cargo:token"], Some("Basic minted")),
                &minted,
                Expiry::Minted {
                    record: record("Basic minted"),
                    confirmed: true,
                },
            ),
            (
                credentials(&["cargo:token"], Some("Basic pasted")),
                &minted,
                Expiry::Stale {
                    record: record("Basic minted"),
                },
            ),
            (
                credentials(&[os], None),
                &minted,
                Expiry::Minted {
                    record: record("Basic minted"),
                    confirmed: false,
                },
            ),
            (
                credentials(&["cargo:token"], None),
                &minted,
                Expiry::Stale {
                    record: record("Basic minted"),
                },
            ),
            (
                credentials(&["cargo:token"], Some("Basic pasted")),
                &records(vec![]),
                Expiry::Unknown,
            ),
            (
                credentials(&["cargo:token"], Some(&jwt)),
                &records(vec![]),
                Expiry::Bearer {
                    valid_to: Some(at(1)),
                },
            ),
            (entra, &minted, Expiry::PerUse),
            (
                credentials(&["cargo:token"], None),
                &records(vec![]),
                Expiry::Nothing,
            ),
        ];
        for (credentials, records, expected) in cases {
            let record = records.stored_for("crates", INDEX);
            assert_eq!(Expiry::of(&credentials, record), expected);
        }
        let other_index = records(vec![Record {
            index: "sparse+https://other/".into(),
            ..record("Basic minted")
        }]);
        let found = credentials(&["cargo:token"], Some("Basic minted"));
        let record = other_index.stored_for("crates", INDEX);
        assert_eq!(Expiry::of(&found, record), Expiry::Unknown);
    }

    #[test]
    fn renewal_is_due_in_the_last_3_days_or_20_percent_whichever_is_shorter() {
        let hours = |h: i64| at(0) + Duration::hours(h);
        // A 7-day PAT: 20 % is 33.6 hours.
        assert_eq!(urgency(at(0), at(7), hours(7 * 24 - 34)), Urgency::Far);
        assert_eq!(urgency(at(0), at(7), hours(7 * 24 - 33)), Urgency::Soon);
        assert_eq!(urgency(at(0), at(7), at(7)), Urgency::Expired);
        // A 90-day PAT: 3 days.
        assert_eq!(urgency(at(0), at(90), at(86)), Urgency::Far);
        assert_eq!(urgency(at(0), at(90), at(87)), Urgency::Soon);
        assert_eq!(urgency(at(0), at(90), at(91)), Urgency::Expired);
    }

    #[test]
    fn times_in_words_and_data() {
        assert_eq!(relative(at(7), at(0)), "in 7 days");
        assert_eq!(relative(at(0), at(2)), "2 days ago");
        assert_eq!(relative(at(0) + Duration::hours(5), at(0)), "in 5 hours");
        assert_eq!(relative(at(0) + Duration::minutes(1), at(0)), "in 1 minute");
        assert_eq!(when(at(0)), "2027-01-15 08:00 UTC");
        assert_eq!(rfc3339(at(0)), "2027-01-15T08:00:00Z");
        assert_eq!(
            scope_in_words("vso.packaging_write"),
            "Packaging Read & write"
        );
        assert_eq!(
            scope_in_words("vso.packaging vso.code"),
            "Packaging Read, vso.code"
        );
        let minted = Expiry::Minted {
            record: record("Basic m"),
            confirmed: true,
        };
        let data = minted.data(at(8));
        assert_eq!(
            (data.kind, data.days_left, data.expired),
            ("minted", Some(-1), Some(true))
        );
        assert_eq!(data.valid_to.as_deref(), Some("2027-01-22T08:00:00Z"));
        let words = |expiry: &Expiry, now| expiry.in_words("crates", now).unwrap();
        assert_eq!(
            words(&minted, at(1)),
            "minted by feedctl, expires 2027-01-22 08:00 UTC (in 6 days)"
        );
        assert!(words(&minted, at(8)).contains("EXPIRED 2027-01-22 08:00 UTC (1 day ago): cargo gets HTTP 401 until you run `feedctl login --renew --name crates`"));
        assert!(words(&Expiry::PerUse, at(0)).starts_with("none to renew: a fresh Entra ID token"));
        assert_eq!(Expiry::Nothing.in_words("crates", at(0)), None);
        let data = Expiry::PerUse.data(at(0));
        assert_eq!((data.kind, data.valid_to), ("per_use", None));
        let data = Expiry::Unknown.data(at(0));
        assert_eq!(
            (data.kind, data.valid_to, data.days_left),
            ("not_minted", None, None)
        );
    }
}
