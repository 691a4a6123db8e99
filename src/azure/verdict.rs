//! What the feed's answer to a probe means for the user: the one place that turns an
//! [`Answer`] and what was [`Sent`] with the request into a [`Verdict`] (a message, a fix and
//! an exit code).
//!
//! A refusal means different things for different credentials: a 401 to a PAT says "new
//! PAT" (from 2026-12-01, on Azure DevOps Services, maybe "a retired global PAT"; for a PAT
//! feedctl minted, "expired on <date>" or "revoked", as its record says), to az's token "wrong
//! tenant or not a member", to the platform's Entra ID token "the organization does not know
//! this identity", to a pipeline's job token "the build service lacks a role". What only the
//! auth layer can know (az's tenant, the identity in a JWT, a minted PAT's end) comes in as data
//! inside [`Sent`], so this module needs nothing from `auth/` but the secret type. No I/O: the
//! probe asks, this module only reads the answer (and [`Pat::of`] the clock).

use std::fmt;

use anyhow::Result;
use time::{Date, Month, OffsetDateTime};

use super::feed::{Feed, Host};
use super::probe::{Answer, Known, config_json_url};
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};

/// What went with the request, with what the advice for a refusal needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent<'a> {
    /// No credential: an anonymous request.
    Nothing,
    /// A header the user supplied (or feedctl minted): a PAT (`Basic`) or a pasted `Bearer`
    /// token.
    Pat(Pat),
    /// A token from `az account get-access-token`, issued by `tenant` when known.
    AzureCli { tenant: Option<&'a str> },
    /// An Entra ID token from the platform: `source` says where from, in words, and
    /// `identity` whom its claims name.
    Entra { source: &'a str, identity: String },
    /// Azure Pipelines' job token (`SYSTEM_ACCESSTOKEN`), the build service's identity.
    JobToken,
}

/// What the verdict on a refused [`Sent::Pat`] needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pat {
    /// A `Basic` value (a PAT), not a pasted `Bearer` token.
    pub basic: bool,
    /// When the request was made: from [`GLOBAL_PATS_RETIRED`] on, a PAT for all
    /// organizations is refused.
    pub at: OffsetDateTime,
    /// When feedctl minted this PAT (so it is scoped to one organization), its end.
    pub minted_until: Option<OffsetDateTime>,
}

impl Pat {
    /// The header `header`, sent now, of which nothing else is known.
    pub fn of(header: &Secret) -> Pat {
        let basic = header
            .as_deref()
            .expose()
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("basic "));
        Pat {
            basic,
            at: OffsetDateTime::now_utc(),
            minted_until: None,
        }
    }
}

impl Sent<'_> {
    /// A header the user supplied, sent now (see [`Pat::of`]).
    pub fn pat(header: &Secret) -> Sent<'static> {
        Sent::Pat(Pat::of(header))
    }
}

/// The day Azure DevOps stopped accepting global (all-organizations) PATs.
pub const GLOBAL_PATS_RETIRED: Date = match Date::from_calendar_date(2026, Month::December, 1) {
    Ok(date) => date,
    Err(_) => panic!("a valid date"),
};

/// The cause a PAT that Azure DevOps Services refused on `today` may have from
/// [`GLOBAL_PATS_RETIRED`] on, as a sentence with its fix; `None` before. Every place that
/// explains a refused PAT says it in these words.
pub fn retired_global_pat(today: Date) -> Option<&'static str> {
    (today >= GLOBAL_PATS_RETIRED).then_some(
        "One more cause since 2026-12-01: it is a global PAT (made for \"All accessible \
         organizations\"), which Azure DevOps stopped accepting on 2026-12-01: `feedctl login \
         --mint` makes one scoped to the feed's organization, or create a new PAT for that one \
         organization.",
    )
}

/// The command that replaces the PAT feedctl minted for `registry` with a new one (and revokes
/// the old): the fix for a minted PAT near or past its end.
pub fn renew_command(registry: &str) -> String {
    format!("feedctl login --renew --name {registry}")
}

/// What a refusal means: the exit code, the whole story, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub code: Code,
    pub message: String,
    pub fix: Fix,
}

/// The remedy for a [`Verdict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Replace the token that was sent. How depends on where it is kept, which only the caller
    /// knows (an environment variable, cargo's credentials file).
    NewToken,
    /// What to do, in words.
    Say(String),
}

impl Fix {
    /// The fix in words, with `new_token` saying how to replace the token.
    pub fn or_new_token(self, new_token: impl FnOnce() -> String) -> String {
        match self {
            Fix::NewToken => new_token(),
            Fix::Say(text) => text,
        }
    }
}

/// The fix in words, for a caller that does not know where the token is kept.
impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::NewToken => f.write_str("log in again with a new PAT (Packaging > Read & write)"),
            Fix::Say(text) => f.write_str(text),
        }
    }
}

impl From<Verdict> for Failure {
    fn from(verdict: Verdict) -> Failure {
        Failure::new(verdict.code, verdict.message)
    }
}

/// The fix for an identity that the organization does not know.
const NOT_A_MEMBER: &str = "ask an organization administrator to add it (Organization settings > \
                            Users; a service principal or managed identity is added there too), \
                            or `az login` with an account that is a member";

/// What `answer` means for the request to the feed at `index_url` (cargo's `registry`) that
/// carried `sent`; `None` when the feed gave its `config.json`.
pub fn judge(answer: &Answer, sent: &Sent<'_>, index_url: &str, registry: &str) -> Option<Verdict> {
    let url = config_json_url(index_url);
    let (code, message) = match (answer, sent) {
        // A sign-in page is how Azure refuses a token too: an Entra ID token is still not a PAT.
        (Answer::Unauthorized { .. } | Answer::SignInPage { .. }, Sent::AzureCli { tenant }) => (
            Code::Auth,
            format!(
                "the feed rejected the Azure CLI's token for `{registry}` ({} from `{url}`): {}",
                refusal(answer),
                az_rejected(tenant.unwrap_or("unknown"), answer.tenant().as_deref())
            ),
        ),
        (
            Answer::Unauthorized { .. } | Answer::SignInPage { .. },
            Sent::Entra { source, identity },
        ) => (
            Code::Auth,
            format!(
                "the feed rejected the Entra ID token from {source} for `{registry}` ({} from \
                 `{url}`): {}",
                refusal(answer),
                entra_rejected(identity)
            ),
        ),
        (
            Answer::Unauthorized { .. } | Answer::Forbidden { .. } | Answer::SignInPage { .. },
            Sent::JobToken,
        ) => (Code::Auth, job_token_refused(answer, &url, registry)),
        _ => explain(answer, &url, registry)?,
    };
    let general = (message, fix(answer, sent, registry));
    let (message, fix) = match sent {
        Sent::Pat(pat) => {
            // Global PATs are Azure DevOps Services' (organizations); Server has none.
            let services = Feed::parse_url(index_url)
                .is_ok_and(|feed| matches!(feed.host, Host::Services { .. }));
            pat_refused(answer, pat, services, &url, registry, general)
        }
        _ => general,
    };
    Some(Verdict { code, message, fix })
}

/// A refused PAT, where more is known than the answer: feedctl minted it (then its record says
/// whether it expired, and it cannot be a global PAT), or the refusal came from Azure DevOps
/// `services` after global PATs were retired. Otherwise the `general` reading stands.
fn pat_refused(
    answer: &Answer,
    pat: &Pat,
    services: bool,
    url: &str,
    registry: &str,
    general: (String, Fix),
) -> (String, Fix) {
    if !matches!(
        answer,
        Answer::Unauthorized { .. } | Answer::SignInPage { .. }
    ) {
        return general;
    }
    let how = refusal(answer);
    let renew = Fix::Say(renew_command(registry));
    let rejected = format!("the feed rejected the token for `{registry}` ({how} from `{url}`)");
    let day = |at: OffsetDateTime| at.to_offset(time::UtcOffset::UTC).date();
    match (pat.minted_until, retired_global_pat(pat.at.date())) {
        (Some(until), _) if until <= pat.at => (
            format!(
                "{rejected}: it is the PAT feedctl minted for `{registry}`, which expired on {}.",
                day(until)
            ),
            renew,
        ),
        (Some(until), _) => (
            format!(
                "{rejected}: it is the PAT feedctl minted for `{registry}`, scoped to the feed's \
                 organization and valid until {}, so it was revoked in Azure DevOps (or its \
                 identity lost access to the organization).",
                day(until)
            ),
            renew,
        ),
        (None, Some(cause)) if pat.basic && services => {
            (format!("{} {cause}", general.0), general.1)
        }
        (None, _) => general,
    }
}

/// How the feed refused a credential, in words: `HTTP 401`, or `a sign-in page, HTTP 203`.
fn refusal(answer: &Answer) -> String {
    match answer {
        Answer::SignInPage { status, .. } => format!("a sign-in page, HTTP {status}"),
        _ => "HTTP 401".to_string(),
    }
}

/// `Ok` without a verdict; with one, its failure, adding that nothing was stored.
pub fn refuse_unstored(verdict: Option<Verdict>) -> Result<()> {
    match verdict {
        None => Ok(()),
        Some(verdict) => {
            let mut failure = Failure::from(verdict);
            failure.message.push_str(" Nothing was stored.");
            Err(failure.into())
        }
    }
}

/// A 401 to az's token, for the tenant that issued it and the one the organization announced.
/// With the same tenant, the identity az is logged in with is what the organization lacks.
fn az_rejected(tenant: &str, org: Option<&str>) -> String {
    match org {
        Some(org) if !org.eq_ignore_ascii_case(tenant) => format!(
            "az's token is for tenant {tenant}, but the organization belongs to tenant {org}: \
             run `az login --tenant {org}`"
        ),
        Some(_) => format!(
            "az's token is for tenant {tenant}, the organization's, so the identity az is logged \
             in with is not a member of the organization, or lost its access: {NOT_A_MEMBER}"
        ),
        None => format!(
            "az's token is for tenant {tenant}, and the feed did not say which tenant the \
             organization belongs to. Either it is another one (see Organization settings > \
             Microsoft Entra; then run `az login --tenant <that tenant>`), or the identity az is \
             logged in with is not a member of the organization: {NOT_A_MEMBER}"
        ),
    }
}

/// A 401 to a token Entra ID issued: the token is valid, so Azure DevOps does not know `who`.
fn entra_rejected(who: &str) -> String {
    format!(
        "the token is valid for Microsoft Entra ID, so Azure DevOps does not know {who}: add it \
         to the organization (Organization settings > Users > Add users, search the app or \
         managed identity by name; a service principal needs the Basic or Stakeholder access \
         level), give it Feed Reader on the feed (Feed and Upstream Reader to save crates from \
         crates.io), and check that the organization is connected to the identity's tenant"
    )
}

/// A refused job token is about the build service's access to the feed, not about a PAT.
fn job_token_refused(answer: &Answer, url: &str, registry: &str) -> String {
    let refused = match answer {
        Answer::Unauthorized { .. } => "HTTP 401",
        Answer::Forbidden { .. } => "HTTP 403",
        _ => "a sign-in page",
    };
    format!(
        "the feed refused Azure Pipelines' job token (`SYSTEM_ACCESSTOKEN`) for `{registry}` \
         ({refused} from `{url}`): the pipeline's build service identity (`<project> Build \
         Service (<organization>)`) needs at least the Feed Reader role in the feed's \
         Permissions (Feed and Upstream Reader to save new crates from upstream); a feed in \
         another project also needs \"Limit job authorization scope to current project\" turned \
         off, and a feed in another organization cannot be read with this token (use \
         `--pat-env`)."
    )
}

/// What to do about `answer`. An anonymous request is about the feed being there at all; a
/// request with a token also about the token.
fn fix(answer: &Answer, sent: &Sent<'_>, registry: &str) -> Fix {
    let wrong_url = matches!(
        answer,
        Answer::NotFound { .. } | Answer::NotAFeed { html: false, .. }
    );
    let say = |text: &str| Fix::Say(text.to_string());
    match sent {
        Sent::Nothing if wrong_url => Fix::Say(format!(
            "feedctl connect <feed-url> --name {registry} --force, with the URL copied from the \
             feed's page"
        )),
        Sent::Nothing => {
            say("check the network, cargo's `http.proxy` / HTTPS_PROXY and the server URL")
        }
        Sent::AzureCli { .. } => say(
            "az login with an identity that is a member of the organization and has at least \
             Feed Reader on this feed (Feed and Upstream Reader to save crates from crates.io)",
        ),
        _ if wrong_url => say("check the organization, project and feed name"),
        _ => match answer {
            Answer::Forbidden { .. } => say(FEED_READER),
            Answer::Unauthorized { .. } | Answer::SignInPage { .. } if *sent == Sent::JobToken => {
                say(FEED_READER)
            }
            Answer::Unauthorized { .. } | Answer::SignInPage { .. } | Answer::Status(413 | 431) => {
                Fix::NewToken
            }
            _ => say("check the network, cargo's `http.proxy` / HTTPS_PROXY, and try again"),
        },
    }
}

/// The fix for an identity that may not read the feed.
const FEED_READER: &str = "ask a feed owner (feed settings > Permissions) to give this account at least the Feed \
     Reader role (Feed and Upstream Reader to save crates from crates.io through the feed)";

/// The reading of an answer that does not depend on who sent the credential; `None` for the
/// feed's `config.json`.
fn explain(answer: &Answer, url: &str, registry: &str) -> Option<(Code, String)> {
    let via = |to: &Option<String>| {
        to.as_ref()
            .map(|t| format!(", after a redirect to `{t}`"))
            .unwrap_or_default()
    };
    let known = |k: &Option<Known>| k.map(known_explained).unwrap_or_default();
    Some(match answer {
        Answer::Ok { .. } => return None,
        Answer::Unauthorized { known: k, .. } => (
            Code::Auth,
            format!(
                "the feed rejected the token for `{registry}` (HTTP 401 from `{url}`).{} Likely \
                 causes: the PAT expired or was revoked; it lacks the Packaging scope; it was made \
                 for another organization; or, with `--azure-cli`, you are logged in to another \
                 tenant. Create a PAT with Packaging > Read & write under User settings > \
                 Personal access tokens (Read & write lets cargo save crates from crates.io into \
                 the feed; Read is enough only when every crate is already in the feed).",
                known(k)
            ),
        ),
        Answer::SignInPage {
            status,
            redirected_to,
        } => (
            Code::Auth,
            format!(
                "the feed rejected the token for `{registry}`: `{url}` answered with a sign-in \
                 page (HTTP {status}{}) instead of the feed's config.json — Azure DevOps's way of \
                 refusing a credential it does not accept, and cargo gets the same page. Likely \
                 causes: the PAT expired, was revoked or is for another organization; the value \
                 is not `Basic base64(PAT:<pat>)` or `Bearer <token>`. Create a PAT with \
                 Packaging > Read & write and log in again.",
                via(redirected_to)
            ),
        ),
        Answer::NotAFeed {
            status,
            html: true,
            redirected_to,
        } => (
            Code::Unreachable,
            format!(
                "not a feed: `{url}` answered HTTP {status} with an HTML page{} instead of the \
                 feed's config.json — typically a proxy, a captive portal or a firewall page, \
                 which cargo gets too. Check the network and cargo's `http.proxy` / HTTPS_PROXY.",
                via(redirected_to)
            ),
        ),
        Answer::NotAFeed {
            status,
            redirected_to,
            ..
        } => (
            Code::NotFound,
            format!(
                "not a feed: `{url}` answered HTTP {status}{} but not with a Cargo config.json \
                 (a JSON object with `dl`): check that the URL is the feed's Cargo index, copied \
                 from its Artifacts page (Connect to feed > Cargo).",
                via(redirected_to)
            ),
        ),
        Answer::Forbidden { known: k } => (
            Code::Auth,
            format!(
                "the token for `{registry}` is valid but may not read this feed (HTTP 403 from \
                 `{url}`).{} Ask a feed owner for at least the Feed Reader role (Feed and \
                 Upstream Reader to pull new crates from crates.io through the feed). On a public \
                 feed, owners and publishers need `--force-auth`.",
                known(k)
            ),
        ),
        Answer::NotFound { known: k } => (
            Code::NotFound,
            format!(
                "no Cargo feed at `{url}` (HTTP 404).{} Check the organization (or collection), \
                 the project — omit it for an organization-scoped feed — and the feed name, \
                 e.g. by copying the feed's URL from its Artifacts page.",
                known(k)
            ),
        ),
        Answer::ProxyAuth => (
            Code::Unreachable,
            format!(
                "a proxy between you and `{url}` wants credentials (HTTP 407): put them in \
                 cargo's `http.proxy` (`http://user:password@host:port`) or HTTPS_PROXY, as \
                 your network requires."
            ),
        ),
        Answer::RateLimited { retry_after } => (
            Code::Unreachable,
            format!(
                "`{url}` is rate-limiting requests (HTTP 429){}: Azure DevOps throttles heavy \
                 users; wait and try again, or spread CI jobs out.",
                retry_after
                    .as_ref()
                    .map(|r| format!(", retry after {r} s"))
                    .unwrap_or_default()
            ),
        ),
        Answer::Status(status @ (413 | 431)) => (
            Code::Auth,
            format!(
                "`{url}` refused the request as too large (HTTP {status}): the token for \
                 `{registry}` is far longer than a PAT or an Entra ID token — likely a whole \
                 file or several tokens pasted together. cargo sends the same header and fails \
                 the same way; use the PAT alone."
            ),
        ),
        Answer::Status(status @ (400 | 405 | 410 | 414)) => (
            Code::NotFound,
            format!(
                "`{url}` answered HTTP {status} ({}): this URL is not a Cargo index that cargo \
                 can read; copy the feed's URL from its Artifacts page.",
                reason(*status)
            ),
        ),
        Answer::Status(status @ 500..=599) => (
            Code::Unreachable,
            format!(
                "`{url}` failed on the server side (HTTP {status}, {}); this is not your setup: \
                 try again later, and check https://status.dev.azure.com.",
                reason(*status)
            ),
        ),
        Answer::Status(status) => (
            Code::Unreachable,
            format!(
                "`{url}` answered HTTP {status} ({}), which is neither the feed's config.json \
                 nor a known refusal; cargo fails the same way. Run with `-v` to see the request.",
                reason(*status)
            ),
        ),
        Answer::Unreachable(why) => (
            Code::Unreachable,
            format!(
                "could not reach `{url}`: {why}. Check the network, a proxy (`http.proxy`, \
                 HTTPS_PROXY) or the server URL; `--no-verify` skips this check."
            ),
        ),
    })
}

/// What Azure's error body adds to a message.
fn known_explained(known: Known) -> &'static str {
    match known {
        Known::NotAuthorized => {
            " Azure says TF400813: the request counted as anonymous or the identity has no \
             access to this organization."
        }
        Known::UpstreamNeedsAuth => {
            " Azure says `No local versions`: the crate is only on crates.io, and saving it \
             into the feed needs two things. The role: Feed and Upstream Reader (Collaborator) \
             or higher, which a feed Owner grants in Feed settings > Permissions. The token's \
             scope: a PAT with Packaging > Read & write (User settings > Personal access \
             tokens; Read is enough only for crates already in the feed). `feedctl doctor` \
             tells which one is missing."
        }
        Known::ForceAuth => {
            " Azure says this `~force-auth` URL needs a token: cargo must send one \
             (credential provider and token configured)."
        }
    }
}

/// The standard reason phrase, for messages.
fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unknown status")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pasted PAT refused before global PATs were retired: the general reading.
    fn pat() -> Sent<'static> {
        Sent::Pat(Pat {
            basic: true,
            at: day(2026, 11, 30),
            minted_until: None,
        })
    }

    fn day(year: i32, month: u8, day: u8) -> OffsetDateTime {
        let month = Month::try_from(month).unwrap();
        Date::from_calendar_date(year, month, day)
            .unwrap()
            .midnight()
            .assume_utc()
    }

    #[test]
    fn answers_are_explained() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let ok = Answer::Ok {
            auth_required: true,
        };
        assert_eq!(judge(&ok, &pat(), index, "f"), None);
        let cases = [
            (
                Answer::Unauthorized {
                    tenant: None,
                    known: Some(Known::NotAuthorized),
                },
                Code::Auth,
                "TF400813",
            ),
            (
                Answer::SignInPage {
                    status: 203,
                    redirected_to: None,
                },
                Code::Auth,
                "sign-in page (HTTP 203)",
            ),
            (
                Answer::SignInPage {
                    status: 200,
                    redirected_to: Some("login.example/signin".into()),
                },
                Code::Auth,
                "redirect to `login.example/signin`",
            ),
            (
                Answer::NotAFeed {
                    status: 200,
                    html: true,
                    redirected_to: None,
                },
                Code::Unreachable,
                "proxy",
            ),
            (
                Answer::NotAFeed {
                    status: 200,
                    html: false,
                    redirected_to: None,
                },
                Code::NotFound,
                "not a feed",
            ),
            (Answer::Forbidden { known: None }, Code::Auth, "Feed Reader"),
            (
                Answer::NotFound {
                    known: Some(Known::UpstreamNeedsAuth),
                },
                Code::NotFound,
                "Collaborator",
            ),
            // A Reader's role and a Read-only token look the same to cargo: both named,
            // each with its fix.
            (
                Answer::Unauthorized {
                    tenant: None,
                    known: Some(Known::UpstreamNeedsAuth),
                },
                Code::Auth,
                "Feed and Upstream Reader (Collaborator) or higher, which a feed Owner grants in \
                 Feed settings > Permissions. The token's scope: a PAT with Packaging > Read & \
                 write",
            ),
            (Answer::ProxyAuth, Code::Unreachable, "HTTP 407"),
            (
                Answer::RateLimited {
                    retry_after: Some("30".into()),
                },
                Code::Unreachable,
                "retry after 30 s",
            ),
            (Answer::Status(431), Code::Auth, "too large"),
            (Answer::Status(410), Code::NotFound, "Gone"),
            (Answer::Status(503), Code::Unreachable, "HTTP 503"),
            (Answer::Status(418), Code::Unreachable, "HTTP 418"),
            (
                Answer::Unreachable("dns error".into()),
                Code::Unreachable,
                "dns error",
            ),
        ];
        for (answer, code, text) in cases {
            let failure = judge(&answer, &pat(), index, "f").unwrap();
            assert_eq!(failure.code, code, "{answer:?}");
            assert!(failure.message.contains(text), "{}", failure.message);
            assert!(
                !failure.message.contains("try again later") || code == Code::Unreachable,
                "{}",
                failure.message
            );
            assert!(
                failure
                    .message
                    .contains("https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/config.json")
            );
        }
    }

    #[test]
    fn a_401_is_read_in_the_terms_of_whoever_issued_the_token() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let refused = Answer::Unauthorized {
            tenant: Some("72f9".into()),
            known: None,
        };
        let said = |sent: Sent<'_>| judge(&refused, &sent, index, "f").unwrap();
        let az = said(Sent::AzureCli {
            tenant: Some("0b1f"),
        });
        assert!(
            az.message.contains("run `az login --tenant 72f9`"),
            "{}",
            az.message
        );
        let az_here = said(Sent::AzureCli {
            tenant: Some("72F9"),
        });
        assert!(
            az_here.message.contains("not a member"),
            "{}",
            az_here.message
        );
        let entra = said(Sent::Entra {
            source: "managed identity",
            identity: "app `a`".into(),
        });
        assert!(
            entra.message.contains("from managed identity")
                && entra.message.contains("does not know app `a`"),
            "{}",
            entra.message
        );
        // A sign-in page refuses an Entra ID token as a 401 does: no PAT advice for it.
        let page = Answer::SignInPage {
            status: 203,
            redirected_to: None,
        };
        for sent in [
            Sent::AzureCli {
                tenant: Some("0b1f"),
            },
            Sent::Entra {
                source: "managed identity",
                identity: "app `a`".into(),
            },
        ] {
            let verdict = judge(&page, &sent, index, "f").unwrap();
            assert!(
                verdict.message.contains("(a sign-in page, HTTP 203 from")
                    && !verdict.message.contains("PAT"),
                "{}",
                verdict.message
            );
        }
        let job = said(Sent::JobToken);
        assert!(job.message.contains("Build Service"), "{}", job.message);
        let pat = said(pat());
        assert!(pat.message.contains("Create a PAT"), "{}", pat.message);
        for verdict in [az, az_here, entra, job, pat] {
            assert_eq!(verdict.code, Code::Auth);
        }
    }

    #[test]
    fn the_fix_depends_on_what_was_sent() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let fix = |answer: Answer, sent: Sent<'_>| judge(&answer, &sent, index, "f").unwrap().fix;
        let missing = || Answer::NotFound { known: None };
        assert!(
            fix(missing(), Sent::Nothing)
                .to_string()
                .contains("--name f --force")
        );
        assert_eq!(
            fix(missing(), pat()).to_string(),
            "check the organization, project and feed name"
        );
        let refused = || Answer::Unauthorized {
            tenant: None,
            known: None,
        };
        assert_eq!(fix(refused(), pat()), Fix::NewToken);
        assert_eq!(
            fix(refused(), Sent::JobToken).to_string(),
            fix(Answer::Forbidden { known: None }, pat()).to_string()
        );
        assert!(
            fix(missing(), Sent::AzureCli { tenant: None })
                .to_string()
                .starts_with("az login")
        );
    }

    /// From 2026-12-01 a `Basic` PAT refused by Azure DevOps Services may be a retired global
    /// one; a `Bearer` token or a PAT for Azure DevOps Server never is, and a PAT feedctl minted
    /// is not a guess: its record says whether it expired.
    #[test]
    fn a_refused_pat_names_what_is_known_about_it() {
        let index = "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/";
        let refusals = [
            Answer::Unauthorized {
                tenant: None,
                known: None,
            },
            Answer::SignInPage {
                status: 203,
                redirected_to: None,
            },
        ];
        let global = "global PAT (made for \"All accessible organizations\"), which Azure DevOps \
                      stopped accepting on 2026-12-01: `feedctl login --mint` makes one scoped to \
                      the feed's organization";
        for refused in &refusals {
            let said = |basic: bool, at: OffsetDateTime, minted_until: Option<OffsetDateTime>| {
                let sent = Sent::Pat(Pat {
                    basic,
                    at,
                    minted_until,
                });
                judge(refused, &sent, index, "f").unwrap()
            };
            let before = said(true, day(2026, 11, 30), None);
            assert!(!before.message.contains("global"), "{}", before.message);
            let after = said(true, day(2026, 12, 1), None);
            assert!(after.message.contains(global), "{}", after.message);
            assert!(after.message.contains("was revoked"), "{}", after.message);
            assert_eq!(after.fix, Fix::NewToken);
            let bearer = said(false, day(2026, 12, 3), None);
            assert!(!bearer.message.contains("global"), "{}", bearer.message);
            let sent = Sent::Pat(Pat {
                basic: true,
                at: day(2026, 12, 3),
                minted_until: None,
            });
            let server = "sparse+https://tfs.contoso.com/tfs/Coll/_packaging/f/Cargo/index/";
            let on_server = judge(refused, &sent, server, "f").unwrap();
            assert!(
                !on_server.message.contains("global"),
                "{}",
                on_server.message
            );
            let expired = said(true, day(2026, 12, 3), Some(day(2026, 12, 2)));
            assert!(
                expired
                    .message
                    .contains("it is the PAT feedctl minted for `f`, which expired on 2026-12-02."),
                "{}",
                expired.message
            );
            assert!(!expired.message.contains("global"), "{}", expired.message);
            assert_eq!(
                expired.fix,
                Fix::Say("feedctl login --renew --name f".to_string())
            );
            let revoked = said(true, day(2026, 12, 3), Some(day(2026, 12, 9)));
            assert!(
                revoked
                    .message
                    .contains("valid until 2026-12-09, so it was revoked"),
                "{}",
                revoked.message
            );
            assert_eq!(revoked.code, Code::Auth);
        }
        // Other answers keep their reading, minted or not.
        let missing = Answer::NotFound { known: None };
        let sent = Sent::Pat(Pat {
            basic: true,
            at: day(2026, 12, 3),
            minted_until: Some(day(2026, 12, 2)),
        });
        let verdict = judge(&missing, &sent, index, "f").unwrap();
        assert!(
            verdict.message.contains("no Cargo feed"),
            "{}",
            verdict.message
        );
    }

    #[test]
    fn the_scheme_of_a_supplied_header_is_read() {
        use crate::auth::secret::verbatim;
        assert!(Pat::of(&verbatim("Basic abc")).basic);
        assert!(Pat::of(&verbatim("basic abc")).basic);
        assert!(!Pat::of(&verbatim("Bearer abc")).basic);
        assert_eq!(retired_global_pat(day(2026, 11, 30).date()), None);
        assert!(retired_global_pat(day(2026, 12, 1).date()).is_some());
    }
}
