//! The feed as an Azure Artifacts object, from what the REST API told the registry's token:
//! whose token it is, that the feed exists, its crates.io upstream (present, switched on,
//! healthy), the caller's role as far as Azure tells it, and whether the token may write.
//!
//! Saving a crate from crates.io into the feed (what cargo's first download of a crate new
//! to the feed does) needs three things at once: the upstream, the Feed and Upstream Reader
//! (Collaborator) role or higher, and a token that may write. Missing any one, cargo gets the
//! same `401 No local versions of package '…'`; these checks name which one is missing.
//! They only ever `warn`: whether cargo works is decided by the feed's own checks, and crates
//! already in the feed keep working without any of the three.

use crate::azure::rest::error::{Problem, Scope, TokenKind};
use crate::azure::rest::session::{KnownRole, Upstream};
use crate::doctor::facts::{Artifacts, FeedFacts};
use crate::doctor::report::{CheckId, Report};

/// Where a feed Owner changes who holds which role.
const PERMISSIONS: &str = "Artifacts › the feed › Feed settings (gear) › Permissions";

pub fn check(artifacts: &Artifacts, registry: &str, report: &mut Report) {
    match &artifacts.identity {
        Some(who) => report.ok(
            CheckId::TokenIdentity,
            format!("{} stands for {who}", artifacts.token_from),
        ),
        // Without the API at all, the feed's warning below says so once.
        None if artifacts.feed.is_err() => {}
        None => report.warn(
            CheckId::TokenIdentity,
            format!(
                "{} did not say whose token {} is (`_apis/connectionData`)",
                artifacts.place, artifacts.token_from
            ),
            "nothing to do for cargo; `feedctl doctor -v` shows the request",
        ),
    }
    let feed = match &artifacts.feed {
        Ok(feed) => feed,
        Err(e) if e.problem == Problem::Unsupported => {
            return report.warn(
                CheckId::FeedExists,
                format!(
                    "{} has no feed management REST API (Azure DevOps Server 2022.1 or later \
                     has it), so doctor cannot check the feed's crates.io upstream, your role or \
                     whether the token may write",
                    artifacts.place
                ),
                "nothing to do for cargo: the feed's own checks above say whether it works; \
                 check the upstream and your role in the web UI (Artifacts › the feed › Feed \
                 settings)",
            );
        }
        Err(e) => {
            return report.warn(
                CheckId::FeedExists,
                format!("the feed's settings could not be read through the REST API: {e}"),
                "the feed's own checks above say whether cargo works; check the upstream and \
                 your role in the web UI (Artifacts › the feed › Feed settings)",
            );
        }
    };
    let project = match &artifacts.project {
        Some(project) => format!("project `{project}` of "),
        None => String::new(),
    };
    report.ok(
        CheckId::FeedExists,
        format!(
            "feed `{}` exists in {project}{}",
            feed.name, artifacts.place
        ),
    );
    upstream(feed, report);
    role(feed, report);
    write(artifacts, feed, registry, report);
}

fn upstream(feed: &FeedFacts, report: &mut Report) {
    let name = &feed.name;
    let settings = "a feed Owner fixes it in Artifacts › the feed › Feed settings › Upstream \
                    sources";
    match feed.upstream {
        Upstream::Ok => report.ok(
            CheckId::FeedUpstream,
            "the crates.io upstream is on and healthy",
        ),
        Upstream::Missing => report.warn(
            CheckId::FeedUpstream,
            format!(
                "feed `{name}` has no crates.io upstream: only crates published to the feed can \
                 be used, and any other gets `not found`"
            ),
            format!(
                "a feed Owner adds it with `feedctl feed create {name}` and this feed's \
                 `--org`/`--project` (on an existing feed it adds the upstream), or in Feed \
                 settings › Upstream sources › Add upstream › crates.io"
            ),
        ),
        Upstream::Off => report.warn(
            CheckId::FeedUpstream,
            format!(
                "feed `{name}` lists crates.io but its upstream sources are switched off: \
                 crates not yet in the feed cannot be found"
            ),
            format!("{settings} (turn upstream sources on)"),
        ),
        Upstream::Failing => report.warn(
            CheckId::FeedUpstream,
            format!(
                "the crates.io upstream of feed `{name}` is disabled: Azure says \"{}\"; crates \
                 not yet in the feed cannot be saved from crates.io",
                feed.reasons.as_deref().unwrap_or("no reason given")
            ),
            format!(
                "{settings} (re-enable crates.io, or remove and add it again); Azure re-checks \
                 an upstream by itself, so a passing outage clears without you"
            ),
        ),
    }
}

fn role(feed: &FeedFacts, report: &mut Report) {
    match feed.role {
        KnownRole::Owner | KnownRole::Contributor => report.ok(
            CheckId::FeedRole,
            format!(
                "your role on feed `{}`: {} (a role that may save crates from crates.io)",
                feed.name,
                feed.role.describe()
            ),
        ),
        // Without an upstream the role's difference does not matter to cargo.
        KnownRole::ReaderOrCollaborator if feed.upstream == Upstream::Missing => report.ok(
            CheckId::FeedRole,
            format!(
                "your role on feed `{}`: {}",
                feed.name,
                feed.role.describe()
            ),
        ),
        KnownRole::ReaderOrCollaborator => report.warn(
            CheckId::FeedRole,
            format!(
                "your role on feed `{}` is Reader or Collaborator: Azure tells only the feed's \
                 Owners which. A Reader cannot save crates from crates.io into the feed: cargo \
                 gets `401 No local versions of package '…'` for every crate nobody saved before",
                feed.name
            ),
            format!(
                "nothing to do if you hold Feed and Upstream Reader (Collaborator) or every crate \
                 is already in the feed; otherwise ask a feed Owner to grant you Feed and \
                 Upstream Reader (Collaborator) in {PERMISSIONS}"
            ),
        ),
    }
}

fn write(artifacts: &Artifacts, feed: &FeedFacts, registry: &str, report: &mut Report) {
    let error = match &feed.write {
        Ok(()) => {
            return report.ok(
                CheckId::TokenWrite,
                "the token may write (Packaging > Read & write): crates from crates.io can be \
                 saved into the feed",
            );
        }
        Err(e) => e,
    };
    if !error.is_permission() {
        return report.warn(
            CheckId::TokenWrite,
            format!("could not tell whether the token may write: {error}"),
            "`feedctl doctor -v` shows the request",
        );
    }
    // The same token has just read the feed, so the identity may read it: a refusal of a
    // query that needs only the write scope and the Reader role is the scope.
    let write = Scope::Write;
    let fix = match artifacts.kind {
        TokenKind::Entra => format!(
            "an Entra ID token carries the identity's own rights: the identity needs a feed \
             role that may save from upstream (Feed and Upstream Reader), granted by a feed \
             Owner in {PERMISSIONS}"
        ),
        _ => format!(
            "create a PAT with {} (User settings › Personal access tokens) and store it with \
             `feedctl login --name {registry}`; Packaging > Read is enough only when every crate \
             the build needs is already in the feed",
            write.pat_name()
        ),
    };
    report.warn(
        CheckId::TokenWrite,
        format!(
            "{} may only read (Azure refused a query that needs {}, `{}`): crates not yet in \
             the feed cannot be saved from crates.io, and cargo gets `401 No local versions of \
             package '…'` for them",
            artifacts.token_from,
            write.pat_name(),
            write.oauth()
        ),
        fix,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::rest::error::{Action, Answer, Context, RestError};
    use crate::doctor::facts::Private;
    use crate::doctor::report::{Level, assert_checks};

    fn refused(action: Action, status: u16, body: &str, server: bool) -> Box<RestError> {
        let context = Context {
            token: TokenKind::Pat,
            accepted_before: true,
            place: "organization `contoso`".into(),
            server,
        };
        let answer = Answer {
            status,
            html: body.starts_with('<'),
            body,
        };
        Box::new(RestError::classify(&action, &answer, &context))
    }

    fn feed(upstream: Upstream, role: KnownRole, write: bool) -> FeedFacts {
        let action = Action::WriteCheck {
            feed: "crates".into(),
        };
        FeedFacts {
            name: "crates".into(),
            upstream,
            reasons: (upstream == Upstream::Failing).then(|| "Upstream unreachable".into()),
            role,
            write: match write {
                true => Ok(()),
                false => Err(refused(action, 401, "", false)),
            },
        }
    }

    fn artifacts(feed: Result<FeedFacts, Box<RestError>>) -> Artifacts {
        Artifacts {
            place: "organization `contoso`".into(),
            project: Some("web".into()),
            token_from: "the token from env var `CARGO_REGISTRIES_CRATES_TOKEN`".into(),
            kind: TokenKind::Pat,
            identity: Some("Ada <ada@contoso.com>".into()),
            feed,
            private: Private::NoLockfile,
        }
    }

    fn run(artifacts: &Artifacts) -> Report {
        let mut report = Report::for_registry("crates");
        check(artifacts, "crates", &mut report);
        report
    }

    #[test]
    fn each_missing_piece_is_its_own_warning_with_its_own_fix() {
        use CheckId::*;
        use Level::{Ok, Warn};
        let reader = KnownRole::ReaderOrCollaborator;
        let cases = [
            (
                "all right",
                feed(Upstream::Ok, KnownRole::Owner, true),
                [Ok, Ok, Ok, Ok],
                "",
            ),
            (
                "Reader or Collaborator",
                feed(Upstream::Ok, reader, true),
                [Ok, Ok, Warn, Ok],
                "Feed and Upstream Reader (Collaborator) in Artifacts",
            ),
            (
                "disabled upstream",
                feed(Upstream::Failing, KnownRole::Owner, true),
                [Ok, Warn, Ok, Ok],
                "Upstream sources",
            ),
            (
                "upstreams off",
                feed(Upstream::Off, KnownRole::Contributor, true),
                [Ok, Warn, Ok, Ok],
                "turn upstream sources on",
            ),
            (
                "no upstream: the role does not matter",
                feed(Upstream::Missing, reader, true),
                [Ok, Warn, Ok, Ok],
                "Add upstream › crates.io",
            ),
            (
                "read-only token",
                feed(Upstream::Ok, KnownRole::Owner, false),
                [Ok, Ok, Ok, Warn],
                "a PAT with Packaging > Read & write",
            ),
        ];
        for (case, facts, levels, fix) in cases {
            let reasons = facts.reasons.clone();
            let report = run(&artifacts(Result::Ok(facts)));
            let expected: Vec<(CheckId, Level, &str)> = vec![
                (TokenIdentity, Ok, "stands for Ada <ada@contoso.com>"),
                (
                    FeedExists,
                    levels[0],
                    "feed `crates` exists in project `web`",
                ),
                (FeedUpstream, levels[1], ""),
                (FeedRole, levels[2], "your role on feed `crates`"),
                (TokenWrite, levels[3], ""),
            ];
            assert_checks(&report, &expected, case);
            let warned: Vec<&str> = report
                .checks
                .iter()
                .filter(|c| c.status == Warn)
                .filter_map(|c| c.fix.as_deref())
                .collect();
            assert!(
                warned.len() == 1 && warned[0].contains(fix) || fix.is_empty() && warned.is_empty(),
                "{case}: {warned:?}"
            );
            if let Some(reason) = reasons {
                assert!(report.checks[2].message.contains(&reason), "{case}");
            }
        }
    }

    #[test]
    fn a_read_only_token_is_told_as_scope_and_an_entra_token_as_role() {
        let report = run(&artifacts(Ok(feed(Upstream::Ok, KnownRole::Owner, false))));
        let write = report.checks.last().unwrap();
        assert!(write.message.contains("may only read"), "{write:?}");
        assert!(write.message.contains("vso.packaging_write"), "{write:?}");
        assert!(write.message.contains("No local versions"), "{write:?}");
        let mut entra = artifacts(Ok(feed(Upstream::Ok, KnownRole::Owner, false)));
        entra.kind = TokenKind::Entra;
        let fix = run(&entra).checks.last().unwrap().fix.clone().unwrap();
        assert!(fix.contains("identity's own rights"), "{fix}");
    }

    /// A Server without the API, or a token the API refuses: a warning, never a failure.
    #[test]
    fn a_missing_or_refusing_api_only_warns() {
        let get = || Action::GetFeed {
            feed: "crates".into(),
        };
        let cases = [
            refused(get(), 404, "<html>Not Found</html>", true),
            refused(get(), 403, "", false),
            refused(get(), 503, "", false),
        ];
        let phrases = [
            "has no feed management REST API",
            "could not be read",
            "could not",
        ];
        for (error, phrase) in cases.into_iter().zip(phrases) {
            let mut facts = artifacts(Err(error));
            facts.identity = None;
            let report = run(&facts);
            assert_checks(
                &report,
                &[(CheckId::FeedExists, Level::Warn, phrase)],
                phrase,
            );
        }
        let mut unnamed = artifacts(Ok(feed(Upstream::Ok, KnownRole::Owner, true)));
        unnamed.identity = None;
        let report = run(&unnamed);
        assert_eq!(report.checks[0].id, CheckId::TokenIdentity);
        assert_eq!(report.checks[0].status, Level::Warn);
        assert!(report.checks[0].message.contains("did not say whose token"));
    }
}
