//! When the token cargo uses stops working: the PAT feedctl minted warns before its end and
//! fails after it, with the renew command; a stored `Bearer` token fails once its `exp` has
//! passed; a PAT feedctl did not mint is said to have an unknown end. All of it offline: the
//! records of minted PATs are local.

use time::OffsetDateTime;

use crate::auth::expiry::{self, Expiry, Urgency};
use crate::azure::verdict::renew_command;
use crate::cargo::credentials::Credentials;
use crate::doctor::report::{CheckId, Report};

/// Why the records of minted PATs cannot be read; reported once, for the whole setup.
pub fn unreadable_records(error: Option<&String>, report: &mut Report) {
    if let Some(error) = error {
        report.fail(
            CheckId::TokenExpiry,
            format!("no expiry is known: {error}"),
            "move the file aside (feedctl then forgets which PATs it minted; they stay valid until \
             they expire or are revoked in Azure DevOps)",
        );
    }
}

/// The expiry of the token cargo uses for `registry`, as of `now`.
pub fn check(
    registry: &str,
    credentials: &Credentials,
    expiry: &Expiry,
    now: OffsetDateTime,
    report: &mut Report,
) {
    let at = |to: OffsetDateTime| format!("{} ({})", expiry::when(to), expiry::relative(to, now));
    let held_in = || {
        credentials
            .effective()
            .map_or_else(|| "an OS store".to_string(), |f| f.origin.describe())
    };
    match expiry {
        Expiry::Minted { record, confirmed } => {
            let per_record = match confirmed {
                true => "",
                false => {
                    " (so says feedctl's record: the OS store cannot be read to confirm it holds \
                     this PAT)"
                }
            };
            let end = at(record.valid_to);
            match expiry::urgency(record.valid_from, record.valid_to, now) {
                Urgency::Far => report.ok(
                    CheckId::TokenExpiry,
                    format!("the PAT feedctl minted for `{registry}` expires {end}{per_record}"),
                ),
                Urgency::Soon => report.warn(
                    CheckId::TokenExpiry,
                    format!(
                        "the PAT feedctl minted for `{registry}` expires {end}{per_record}: renew \
                         it before cargo gets HTTP 401"
                    ),
                    renew_command(registry),
                ),
                Urgency::Expired => report.fail(
                    CheckId::TokenExpiry,
                    format!(
                        "the PAT feedctl minted for `{registry}` expired {end}{per_record}, and \
                         cargo still sends it: the feed refuses it with HTTP 401"
                    ),
                    renew_command(registry),
                ),
            }
        }
        Expiry::Stale { record } => report.ok(
            CheckId::TokenExpiry,
            format!(
                "expiry unknown: the token cargo uses for `{registry}` ({}) is not the PAT feedctl \
                 minted on {}, whose record is stale ({})",
                held_in(),
                expiry::when(record.valid_from),
                expiry::left_behind(record, now)
            ),
        ),
        Expiry::Bearer { valid_to: Some(to) } if *to <= now => report.fail(
            CheckId::TokenExpiry,
            format!(
                "the Bearer token in {} expired {}: the feed refuses it with HTTP 401",
                held_in(),
                at(*to)
            ),
            format!(
                "feedctl login --name {registry}   (with a new token), or connect with \
                 `--auth entra`, which fetches a fresh Entra ID token for each cargo command"
            ),
        ),
        Expiry::Bearer { valid_to: Some(to) } => report.ok(
            CheckId::TokenExpiry,
            format!("the Bearer token in {} expires {}", held_in(), at(*to)),
        ),
        Expiry::Bearer { valid_to: None } => report.ok(
            CheckId::TokenExpiry,
            format!(
                "expiry unknown: the Bearer token in {} names none",
                held_in()
            ),
        ),
        Expiry::Unknown => report.ok(
            CheckId::TokenExpiry,
            format!(
                "expiry unknown: the token in {} is a PAT feedctl did not mint (Azure DevOps shows \
                 its end under User settings > Personal access tokens); `{}` makes one whose \
                 expiry feedctl tracks",
                held_in(),
                expiry::mint_command(registry)
            ),
        ),
        Expiry::PerUse | Expiry::Nothing => {}
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;
    use crate::auth::minted::{Destination, Record};
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Expected, Level, assert_checks};

    fn at(day: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + day * 86_400).unwrap()
    }

    fn record(from: i64, to: i64) -> Record {
        Record {
            authorization_id: "id".into(),
            organization: "contoso".into(),
            registry: "crates".into(),
            index: fixture::INDEX.into(),
            display_name: "feedctl".into(),
            scope: "vso.packaging_write".into(),
            valid_from: at(from),
            valid_to: at(to),
            destination: Destination::Cargo,
            fingerprint: String::new(),
        }
    }

    #[test]
    fn expiry_table() {
        let minted = |from, to, confirmed| Expiry::Minted {
            record: record(from, to),
            confirmed,
        };
        let renew = "feedctl login --renew --name crates";
        let cases: Vec<(&str, Expiry, OffsetDateTime, Expected, Option<&str>)> = vec![
            (
                "a fresh minted PAT",
                minted(0, 7, true),
                at(1),
                vec![(
                    CheckId::TokenExpiry,
                    Level::Ok,
                    "the PAT feedctl minted for `crates` expires 2027-01-22 08:00 UTC (in 6 days)",
                )],
                None,
            ),
            (
                "a minted PAT on its last day",
                minted(0, 7, true),
                at(7) - Duration::hours(5),
                vec![(CheckId::TokenExpiry, Level::Warn, "(in 5 hours): renew it")],
                Some(renew),
            ),
            (
                "a minted PAT past its end",
                minted(0, 7, true),
                at(9),
                vec![(
                    CheckId::TokenExpiry,
                    Level::Fail,
                    "expired 2027-01-22 08:00 UTC (2 days ago), and cargo still sends it",
                )],
                Some(renew),
            ),
            (
                "a year-long PAT 3 days before its end",
                minted(0, 365, true),
                at(362),
                vec![(CheckId::TokenExpiry, Level::Warn, "(in 3 days)")],
                Some(renew),
            ),
            (
                "a minted PAT in an OS store",
                minted(0, 7, false),
                at(1),
                vec![(CheckId::TokenExpiry, Level::Ok, "so says feedctl's record")],
                None,
            ),
            (
                "a stale record",
                Expiry::Stale {
                    record: record(0, 7),
                },
                at(1),
                vec![(
                    CheckId::TokenExpiry,
                    Level::Ok,
                    "is not the PAT feedctl minted on 2027-01-15 08:00 UTC, whose record is stale",
                )],
                None,
            ),
            (
                "a stale record of a PAT past its end",
                Expiry::Stale {
                    record: record(0, 7),
                },
                at(8),
                vec![(
                    CheckId::TokenExpiry,
                    Level::Ok,
                    "whose record is stale (that PAT expired on 2027-01-22 08:00 UTC)",
                )],
                None,
            ),
            (
                "a pasted PAT",
                Expiry::Unknown,
                at(1),
                vec![(
                    CheckId::TokenExpiry,
                    Level::Ok,
                    "a PAT feedctl did not mint (Azure DevOps shows its end under User settings > \
                     Personal access tokens); `feedctl login --mint --name crates` makes one",
                )],
                None,
            ),
            (
                "an expired Bearer token",
                Expiry::Bearer {
                    valid_to: Some(at(0)),
                },
                at(1),
                vec![(CheckId::TokenExpiry, Level::Fail, "expired 2027-01-15")],
                Some("feedctl login --name crates   (with a new token), or connect with"),
            ),
            ("fetched per use", Expiry::PerUse, at(1), vec![], None),
            ("nothing", Expiry::Nothing, at(1), vec![], None),
        ];
        let credentials = fixture::credentials(&["cargo:token"]);
        for (case, expiry, now, expected, fix) in cases {
            let mut report = Report::for_registry("crates");
            check("crates", &credentials, &expiry, now, &mut report);
            assert_checks(&report, &expected, case);
            if let Some(fix) = fix {
                let got = report.checks[0].fix.as_deref().unwrap_or_default();
                assert!(got.starts_with(fix), "{case}: {got}");
            }
        }
    }

    #[test]
    fn unreadable_records_fail_once_naming_the_file() {
        let mut report = Report::default();
        unreadable_records(None, &mut report);
        assert!(report.checks.is_empty());
        let error = "`/h/feedctl/minted-pats.json` is not a list".to_string();
        unreadable_records(Some(&error), &mut report);
        assert_checks(
            &report,
            &[(CheckId::TokenExpiry, Level::Fail, "minted-pats.json")],
            "unreadable",
        );
    }
}
