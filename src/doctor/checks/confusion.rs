//! Dependency confusion: whether a crate `Cargo.lock` pins from the feed's own registry
//! could be replaced by a crates.io crate of the same name, as [`upstreaming::risks`]
//! decides it for `save` too. Only ever `warn`: cargo works either way, and whether it
//! works is the feed's own checks' verdict. What could not be asked is one warning, never
//! an `ok`.

use crate::azure::rest::upstreaming::{self, Unknown};
use crate::doctor::facts::Private;
use crate::doctor::report::{CheckId, Report};

const ID: CheckId = CheckId::FeedConfusion;

/// `place` is the organization (or collection) in words.
pub fn check(private: &Private, place: &str, report: &mut Report) {
    let (lockfile, feed, crates) = match private {
        Private::NoLockfile => {
            return report.ok(
                ID,
                "no `Cargo.lock` here, so no private crate to check for dependency confusion",
            );
        }
        Private::Unreadable(why) => {
            return report.warn(
                ID,
                format!("private crates not checked for dependency confusion: {why}"),
                "`cargo generate-lockfile` writes `Cargo.lock` anew",
            );
        }
        Private::Crates {
            lockfile,
            feed,
            crates,
        } => (lockfile.display(), feed, crates),
    };
    if crates.is_empty() {
        return report.ok(
            ID,
            format!(
                "`{lockfile}` pins no crate of feed `{feed}`'s own registry: none open to \
                 dependency confusion"
            ),
        );
    }
    let mut warned = false;
    for c in crates {
        let risks = upstreaming::risks(c.upstreaming.as_deref().ok(), c.on_crates_io);
        if risks.is_empty() {
            continue;
        }
        warned = true;
        let said = |part: &dyn Fn(upstreaming::Risk) -> String| {
            risks
                .iter()
                .map(|r| part(*r))
                .collect::<Vec<_>>()
                .join("; ")
        };
        report.warn(
            ID,
            said(&|r| r.message(feed, &c.name)),
            said(&|r| r.fix().to_string()),
        );
    }
    let mut unknown = Vec::new();
    let names = |pick: &dyn Fn(&&_) -> bool| {
        let picked: Vec<String> = crates
            .iter()
            .filter(|c| pick(c))
            .map(|c| format!("`{}`", c.name))
            .collect();
        (!picked.is_empty()).then(|| picked.join(", "))
    };
    if let Some(which) = names(&|c| c.upstreaming == Err(Unknown::NoApi)) {
        unknown.push(format!(
            "{place} has no Cargo REST API (Azure DevOps Server), so the upstream setting of \
             {which} is not known"
        ));
    }
    let refused = crates.iter().find_map(|c| match &c.upstreaming {
        Err(Unknown::Refused(why)) => Some(why),
        _ => None,
    });
    if let (Some(why), Some(which)) = (
        refused,
        names(&|c| matches!(c.upstreaming, Err(Unknown::Refused(_)))),
    ) {
        unknown.push(format!(
            "the Cargo REST API did not give the upstream setting of {which}: {why}"
        ));
    }
    if let Some(which) = names(&|c| c.on_crates_io.is_none()) {
        unknown.push(format!(
            "crates.io's index did not say whether it has {which}"
        ));
    }
    if !unknown.is_empty() {
        report.warn(
            ID,
            format!(
                "dependency confusion not fully checked: {}",
                unknown.join("; ")
            ),
            format!("nothing to do for cargo; {}", upstreaming::SEE_FOR_YOURSELF),
        );
    } else if !warned {
        let all = names(&|_| true).unwrap_or_default();
        report.ok(
            ID,
            format!(
                "the private crates of `{lockfile}` ({all}) take no versions from crates.io, \
                 and crates.io has none of their names"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::doctor::facts::PrivateCrate;
    use crate::doctor::report::Level;

    fn private(crates: &[(&str, Result<&str, Unknown>, Option<bool>)]) -> Private {
        Private::Crates {
            lockfile: PathBuf::from("/p/Cargo.lock"),
            feed: "crates".into(),
            crates: crates
                .iter()
                .map(|(name, upstreaming, public)| PrivateCrate {
                    name: name.to_string(),
                    upstreaming: upstreaming.clone().map(str::to_string),
                    on_crates_io: *public,
                })
                .collect(),
        }
    }

    /// A check's level with phrases of its message and fix.
    type Want = (Level, &'static str, &'static str);

    /// Each case: the facts, then the checks they make.
    #[test]
    fn private_crates_open_to_crates_io_are_warnings_with_their_fix() {
        let refused = || Err(Unknown::Refused("HTTP 401".into()));
        let allow = Ok("allowExternalVersions");
        let cases: Vec<(Private, Vec<Want>)> = vec![
            (
                Private::NoLockfile,
                vec![(Level::Ok, "no `Cargo.lock`", "")],
            ),
            (
                Private::Unreadable("not a lockfile".into()),
                vec![(Level::Warn, "not a lockfile", "generate-lockfile")],
            ),
            (private(&[]), vec![(Level::Ok, "pins no crate", "")]),
            (
                private(&[("mine", Ok("auto"), Some(false))]),
                vec![(Level::Ok, "(`mine`) take no versions", "")],
            ),
            (
                private(&[("mine", allow.clone(), Some(false))]),
                vec![(
                    Level::Warn,
                    "dependency confusion",
                    "feedctl save --protect",
                )],
            ),
            (
                private(&[("mine", Ok("auto"), Some(true))]),
                vec![(Level::Warn, "also exists on crates.io", "a name crates.io")],
            ),
            (
                private(&[
                    ("a", allow.clone(), Some(true)),
                    ("b", Ok("auto"), Some(false)),
                ]),
                vec![(
                    Level::Warn,
                    "`allowExternalVersions`: dependency confusion); `a` also exists",
                    "Owner role",
                )],
            ),
            (
                private(&[
                    ("a", Err(Unknown::NoApi), Some(false)),
                    ("b", Err(Unknown::NoApi), Some(false)),
                ]),
                vec![(
                    Level::Warn,
                    "no Cargo REST API (Azure DevOps Server), so the upstream setting of `a`, `b`",
                    "on its page",
                )],
            ),
            (
                private(&[("a", refused(), Some(true))]),
                vec![
                    (
                        Level::Warn,
                        "`a` also exists on crates.io",
                        "a name crates.io",
                    ),
                    (
                        Level::Warn,
                        "did not give the upstream setting of `a`: HTTP 401",
                        "on its page",
                    ),
                ],
            ),
            (
                private(&[("a", Ok("auto"), None)]),
                vec![(
                    Level::Warn,
                    "crates.io's index did not say whether it has `a`",
                    "nothing to do",
                )],
            ),
        ];
        for (facts, want) in cases {
            let mut report = Report::for_registry("crates");
            check(&facts, "collection `DefaultCollection`", &mut report);
            assert_eq!(
                report.checks.len(),
                want.len(),
                "{facts:?}: {:#?}",
                report.checks
            );
            for (check, (level, message, fix)) in report.checks.iter().zip(want) {
                assert_eq!(check.id, ID);
                assert_eq!(check.status, level, "{facts:?}: {check:#?}");
                assert!(check.message.contains(message), "{message}: {check:#?}");
                let remedy = check.fix.as_deref().unwrap_or_default();
                assert!(remedy.contains(fix), "{fix}: {check:#?}");
                assert_ne!(check.status, Level::Fail);
            }
        }
    }
}
