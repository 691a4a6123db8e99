//! What a refused REST request means for the identity behind the token: a scope the token
//! lacks, a feed role, membership of the organization, the feed-creator permission, a feed or
//! project that does not exist, a name taken, or an API this Azure DevOps Server does not
//! have. Told in Azure's words (its JSON `typeKey` and `message`), with the fix, never as a
//! bare status.
//!
//! The status alone decides little: a token without a scope is answered 401 by some routes
//! and 403 by others. So the body decides first (`typeKey`, `TF400813`, `VS800075`, words
//! like "scope"), then what was asked (a read, a write, a feed creation) and whether Azure
//! already accepted the same token for an earlier request, and only then the status.
//! [`RestError::classify`] is pure, so the table below tests it without a server.

use std::fmt;

use serde::Deserialize;
use time::OffsetDateTime;

use crate::azure::verdict;
use crate::exit::{Code, Failure};

/// Azure Artifacts' token scopes, as the PAT page names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Manage,
}

impl Scope {
    /// The scope as the PAT page shows it.
    pub fn pat_name(self) -> &'static str {
        match self {
            Scope::Read => "Packaging > Read",
            Scope::Write => "Packaging > Read & write",
            Scope::Manage => "Packaging > Read, write, & manage",
        }
    }

    /// The OAuth scope name.
    pub fn oauth(self) -> &'static str {
        match self {
            Scope::Read => "vso.packaging",
            Scope::Write => "vso.packaging_write",
            Scope::Manage => "vso.packaging_manage",
        }
    }
}

/// What a request asks of Azure DevOps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    ListFeeds {
        project: Option<String>,
    },
    GetFeed {
        feed: String,
    },
    CreateFeed {
        feed: String,
    },
    UpdateFeed {
        feed: String,
    },
    ReadPermissions {
        feed: String,
    },
    GlobalPermissions,
    /// The harmless query that needs the write scope (`packagemetricsbatch`).
    WriteCheck {
        feed: String,
    },
    ListPackages {
        feed: String,
    },
    /// Cargo REST: read a package's upstream setting.
    ReadUpstreaming {
        feed: String,
        name: String,
    },
    /// Cargo REST: set a package's upstream setting.
    SetUpstreaming {
        feed: String,
        name: String,
    },
    WhoAmI,
    /// The PAT lifecycle API: create a PAT for one organization.
    CreatePat,
    /// The PAT lifecycle API: revoke the PAT with this authorization id.
    RevokePat {
        authorization_id: String,
    },
}

impl Action {
    /// The scope the published spec gives the route.
    pub fn needs(&self) -> Scope {
        match self {
            Action::CreateFeed { .. } | Action::WriteCheck { .. } => Scope::Write,
            Action::UpdateFeed { .. } | Action::SetUpstreaming { .. } => Scope::Manage,
            _ => Scope::Read,
        }
    }

    /// The feed role the route needs, when one does.
    fn role(&self) -> Option<&'static str> {
        match self {
            Action::UpdateFeed { .. }
            | Action::ReadPermissions { .. }
            | Action::SetUpstreaming { .. } => Some("Owner"),
            Action::WriteCheck { .. } => Some("Feed and Upstream Reader (Collaborator)"),
            Action::GetFeed { .. }
            | Action::ListPackages { .. }
            | Action::ReadUpstreaming { .. } => Some("Feed Reader"),
            _ => None,
        }
    }

    /// In words, for "Azure DevOps refused to …".
    pub fn describe(&self) -> String {
        match self {
            Action::ListFeeds { project: Some(p) } => format!("list the feeds of project `{p}`"),
            Action::ListFeeds { project: None } => "list the feeds".to_string(),
            Action::GetFeed { feed } => format!("read feed `{feed}`"),
            Action::CreateFeed { feed } => format!("create feed `{feed}`"),
            Action::UpdateFeed { feed } => format!("change the settings of feed `{feed}`"),
            Action::ReadPermissions { feed } => format!("read the permissions of feed `{feed}`"),
            Action::GlobalPermissions => "read who may create feeds".to_string(),
            Action::WriteCheck { feed } => {
                format!(
                    "query package metrics of feed `{feed}` (a request that needs write access)"
                )
            }
            Action::ListPackages { feed } => format!("list the packages of feed `{feed}`"),
            Action::ReadUpstreaming { feed, name } => {
                format!("read the upstream setting of `{name}` in feed `{feed}`")
            }
            Action::SetUpstreaming { feed, name } => {
                format!("set the upstream setting of `{name}` in feed `{feed}`")
            }
            Action::WhoAmI => "say whose token this is (`connectionData`)".to_string(),
            Action::CreatePat => "create a personal access token".to_string(),
            Action::RevokePat { authorization_id } => {
                format!("revoke the personal access token `{authorization_id}`")
            }
        }
    }

    fn feed(&self) -> Option<&str> {
        match self {
            Action::GetFeed { feed }
            | Action::CreateFeed { feed }
            | Action::UpdateFeed { feed }
            | Action::ReadPermissions { feed }
            | Action::WriteCheck { feed }
            | Action::ListPackages { feed }
            | Action::ReadUpstreaming { feed, .. }
            | Action::SetUpstreaming { feed, .. } => Some(feed),
            _ => None,
        }
    }
}

/// The kind of token sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    None,
    Pat,
    Entra,
}

impl TokenKind {
    /// The kind of an `Authorization` value.
    pub fn of(header: &str) -> TokenKind {
        if header
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
        {
            TokenKind::Entra
        } else {
            TokenKind::Pat
        }
    }
}

/// What was known when the answer came.
#[derive(Debug, Clone)]
pub struct Context {
    pub token: TokenKind,
    /// Azure accepted this token for an earlier request of the same run.
    pub accepted_before: bool,
    pub place: String,
    pub server: bool,
}

/// The raw answer.
pub struct Answer<'a> {
    pub status: u16,
    pub html: bool,
    pub body: &'a str,
}

/// Azure DevOps' JSON error body (`{"message", "typeKey", …}`), all optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AzureError {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub type_key: Option<String>,
}

/// What the identity or the request lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No token was sent and Azure wants one.
    NoToken,
    /// The token itself was not accepted: expired, revoked, mistyped, or for another
    /// organization (or, for a request beyond a read, missing the scope).
    TokenRejected,
    /// The token is good but lacks this scope.
    Scope(Scope),
    /// The identity lacks a feed role (Azure's `FeedNeedsPermissionsException`).
    Role,
    /// The identity may not create feeds in the organization.
    FeedCreator,
    /// A scope or a role: Azure did not say which (a refusal after the token was accepted).
    ScopeOrRole(Scope),
    /// The identity is not a member of the organization (`TF400813`).
    NotMember,
    FeedNotFound,
    ProjectNotFound,
    /// A 404 Azure did not explain.
    NotFound,
    /// A name already taken (409).
    Conflict,
    /// This Azure DevOps Server does not have the API (or this version of it).
    Unsupported,
    /// The server refused crates.io as an upstream source (400 on a create or update).
    UpstreamRefused,
    /// No answer, or a 429/5xx.
    Unreachable(String),
    /// Anything else, in words.
    Unexpected(String),
}

/// A refused or failed REST request, explained.
#[derive(Debug, Clone)]
pub struct RestError {
    pub problem: Problem,
    pub action: Action,
    pub status: Option<u16>,
    pub azure: AzureError,
    pub context: Context,
}

impl RestError {
    /// Reads what an answer that was not a 2xx JSON document means.
    pub fn classify(action: &Action, answer: &Answer<'_>, context: &Context) -> RestError {
        let azure: AzureError = serde_json::from_str(answer.body).unwrap_or_default();
        let problem = problem(action, answer, &azure, context);
        RestError {
            problem,
            action: action.clone(),
            status: Some(answer.status),
            azure,
            context: context.clone(),
        }
    }

    pub fn unreachable(action: &Action, place: &str, why: String) -> RestError {
        RestError {
            problem: Problem::Unreachable(why),
            action: action.clone(),
            status: None,
            azure: AzureError::default(),
            context: Context {
                token: TokenKind::None,
                accepted_before: false,
                place: place.to_string(),
                server: false,
            },
        }
    }

    pub fn unexpected(
        action: &Action,
        context: &Context,
        status: Option<u16>,
        body: Option<&str>,
        why: String,
    ) -> RestError {
        RestError {
            problem: Problem::Unexpected(why),
            action: action.clone(),
            status,
            azure: body
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or_default(),
            context: context.clone(),
        }
    }

    /// The exit code from the documented table.
    pub fn code(&self) -> Code {
        match &self.problem {
            Problem::NoToken
            | Problem::TokenRejected
            | Problem::Scope(_)
            | Problem::Role
            | Problem::FeedCreator
            | Problem::ScopeOrRole(_)
            | Problem::NotMember => Code::Auth,
            Problem::FeedNotFound
            | Problem::ProjectNotFound
            | Problem::NotFound
            | Problem::Unsupported
            | Problem::UpstreamRefused => Code::NotFound,
            Problem::Conflict => Code::Usage,
            Problem::Unreachable(_) => Code::Unreachable,
            Problem::Unexpected(_) => match self.status {
                Some(429 | 500..) => Code::Unreachable,
                _ => Code::Refused,
            },
        }
    }

    /// Whether the refusal is about what the identity may do (as opposed to a missing thing
    /// or the network): callers that probe a permission treat this as "no".
    pub fn is_permission(&self) -> bool {
        self.code() == Code::Auth && self.problem != Problem::NoToken
    }

    /// Azure's own words, when it gave any: `message (typeKey)`.
    fn azure_words(&self) -> String {
        match (&self.azure.message, &self.azure.type_key) {
            (Some(m), Some(k)) => format!(": Azure says \"{}\" ({k})", m.trim()),
            (Some(m), None) => format!(": Azure says \"{}\"", m.trim()),
            (None, Some(k)) => format!(" ({k})"),
            (None, None) => match self.status {
                Some(status) => format!(" (HTTP {status})"),
                None => String::new(),
            },
        }
    }

    /// Why, and the fix.
    fn explanation(&self) -> String {
        let needs = self.action.needs();
        let token_fix = |scope: Scope| match self.context.token {
            TokenKind::Entra => format!(
                "an Entra ID token carries the identity's own rights, so the identity itself \
                 needs the access (scope `{}`)",
                scope.oauth()
            ),
            _ => format!(
                "create a PAT with {} (User settings › Personal access tokens) for {} and \
                 pass it with `--pat-env VAR` or `--pat-stdin`",
                scope.pat_name(),
                self.context.place
            ),
        };
        let role = self.action.role().unwrap_or("the needed role");
        match &self.problem {
            Problem::NoToken => format!(
                "no token was sent and {} requires one; pass `--pat-env VAR`, `--pat-stdin`, \
                 `--azure-cli` or `--auth entra`, or log in to the project's registry first \
                 (`feedctl login`)",
                self.context.place
            ),
            Problem::TokenRejected => {
                let scope = if needs > Scope::Read {
                    format!(", or it lacks the {} scope this needs", needs.pat_name())
                } else {
                    String::new()
                };
                // Global PATs are Azure DevOps Services'; Server has none.
                let global = match (self.context.token, self.context.server) {
                    (TokenKind::Pat, false) => {
                        verdict::retired_global_pat(OffsetDateTime::now_utc().date())
                    }
                    _ => None,
                };
                format!(
                    "the token was not accepted: it is expired, revoked, mistyped or issued for \
                     another organization than {}{scope}.{}{} Fix: {}",
                    self.context.place,
                    if global.is_some() { " " } else { "" },
                    global.unwrap_or_default(),
                    token_fix(needs)
                )
            }
            Problem::Scope(scope) => format!(
                "the token lacks the {} scope (`{}`). Fix: {}",
                scope.pat_name(),
                scope.oauth(),
                token_fix(*scope)
            ),
            Problem::ScopeOrRole(scope) => format!(
                "the token was accepted for reading, so either it lacks the {} scope or the \
                 identity lacks the {role} role on the feed. Fix: {}; or ask a feed Owner to \
                 grant the role (Feed settings › Permissions)",
                scope.pat_name(),
                token_fix(*scope)
            ),
            Problem::Role => format!(
                "the identity lacks the {role} role on the feed; a feed Owner grants it in \
                 Feed settings › Permissions"
            ),
            Problem::FeedCreator => format!(
                "the identity may not create feeds in {}: an organization's Project Collection \
                 Administrators grant \"Feed creator\" in Artifacts › Feed settings (gear) › \
                 Permissions of any feed, or create the feed for you",
                self.context.place
            ),
            Problem::NotMember => format!(
                "the identity behind the token has no access to {} (not a member, or the \
                 project is not visible to it); an organization administrator adds users in \
                 Organization settings › Users",
                self.context.place
            ),
            Problem::FeedNotFound => format!(
                "there is no feed `{}` in {}{}; `feedctl feed list` shows the feeds you can see",
                self.action.feed().unwrap_or_default(),
                self.context.place,
                match &self.action {
                    Action::CreateFeed { .. } => String::new(),
                    _ => " (or the identity may not read it)".to_string(),
                }
            ),
            Problem::ProjectNotFound => format!(
                "the project does not exist in {} or the identity cannot see it: check \
                 `--project` (names are those of `https://dev.azure.com/ORG/PROJECT`)",
                self.context.place
            ),
            Problem::NotFound => format!(
                "{} answered 404: check the organization (or collection) and project names",
                self.context.place
            ),
            Problem::Conflict => format!(
                "the name is already taken in {}: feed names are unique across the whole \
                 organization, including project-scoped feeds and feeds in the recycle bin \
                 (Artifacts › Feed recycle bin); pick another name, or pass the existing feed's \
                 project",
                self.context.place
            ),
            Problem::Unsupported => format!(
                "{} does not have this API: {} cannot be done there by feedctl; do it in the \
                 web UI (Artifacts), or upgrade to Azure DevOps Server 2022.1 or later",
                self.context.place,
                self.action.describe()
            ),
            Problem::UpstreamRefused => format!(
                "{} does not accept crates.io as an upstream source for this feed, so feedctl \
                 cannot {}; create the feed without it (`--no-upstream`) and publish every crate \
                 the build needs into it, or use Azure DevOps Services",
                self.context.place,
                match self.action {
                    Action::CreateFeed { .. } => "create it with the crates.io upstream",
                    _ => "add the crates.io upstream",
                }
            ),
            Problem::Unreachable(why) => {
                format!("{} could not be reached: {why}", self.context.place)
            }
            Problem::Unexpected(why) => why.clone(),
        }
    }
}

impl fmt::Display for RestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let explanation = self.explanation();
        if let Problem::Unreachable(_) | Problem::Unexpected(_) = self.problem {
            return write!(
                f,
                "could not {}{}: {explanation}",
                self.action.describe(),
                self.azure_words()
            );
        }
        let mut chars = explanation.chars();
        let first = chars.next().map(|c| c.to_uppercase().to_string());
        write!(
            f,
            "Azure DevOps refused to {}{}. {}{}",
            self.action.describe(),
            self.azure_words(),
            first.unwrap_or_default(),
            chars.as_str()
        )
    }
}

impl std::error::Error for RestError {}

impl From<Box<RestError>> for Failure {
    fn from(err: Box<RestError>) -> Failure {
        Failure::new(err.code(), err.to_string())
    }
}

fn problem(action: &Action, answer: &Answer<'_>, azure: &AzureError, context: &Context) -> Problem {
    let key = azure.type_key.as_deref().unwrap_or_default();
    let message = azure.message.as_deref().unwrap_or_default();
    let lower = message.to_ascii_lowercase();
    let sent = context.token != TokenKind::None;
    if (200..300).contains(&answer.status) && answer.html {
        // Azure's 203 sign-in page: the token was not taken.
        return if sent {
            Problem::TokenRejected
        } else {
            Problem::NoToken
        };
    }
    if key == "VssVersionOutOfRangeException"
        || (lower.contains("api version") && lower.contains("out of range"))
    {
        return Problem::Unsupported;
    }
    if answer.status == 400
        && matches!(
            action,
            Action::CreateFeed { .. } | Action::UpdateFeed { .. }
        )
        && (key.to_ascii_lowercase().contains("upstream") || lower.contains("upstream"))
    {
        return Problem::UpstreamRefused;
    }
    if lower.contains("scope") && sent {
        return Problem::Scope(action.needs());
    }
    match key {
        "FeedIdNotFoundException" | "FeedNotFoundException" => return Problem::FeedNotFound,
        "ProjectDoesNotExistWithNameException" | "ProjectDoesNotExistException" => {
            return Problem::ProjectNotFound;
        }
        "FeedNeedsPermissionsException" => {
            return if matches!(action, Action::CreateFeed { .. }) {
                Problem::FeedCreator
            } else if action.needs() > Scope::Read && !context.accepted_before {
                Problem::ScopeOrRole(action.needs())
            } else {
                Problem::Role
            };
        }
        "FeedNameAlreadyExistsException" | "FeedNameNotUniqueException" => {
            return Problem::Conflict;
        }
        _ => {}
    }
    if message.contains("VS800075") {
        return Problem::ProjectNotFound;
    }
    let json = azure.message.is_some() || azure.type_key.is_some();
    match answer.status {
        401 | 403 if !sent => Problem::NoToken,
        401 | 403 if message.contains("TF400813") && action.needs() == Scope::Read => {
            if context.accepted_before {
                Problem::Role
            } else {
                Problem::NotMember
            }
        }
        401 | 403 if action.needs() > Scope::Read && context.accepted_before => {
            if matches!(action, Action::CreateFeed { .. }) && answer.status == 403 {
                Problem::FeedCreator
            } else {
                Problem::ScopeOrRole(action.needs())
            }
        }
        401 => Problem::TokenRejected,
        403 => Problem::Role,
        404 if context.server && !json => Problem::Unsupported,
        404 => match action {
            Action::ListFeeds { project: Some(_) } => Problem::ProjectNotFound,
            Action::GetFeed { .. } | Action::UpdateFeed { .. } => Problem::FeedNotFound,
            _ => Problem::NotFound,
        },
        409 => Problem::Conflict,
        405 | 501 if context.server => Problem::Unsupported,
        status @ (429 | 500..) => Problem::Unreachable(format!("HTTP {status}")),
        status => Problem::Unexpected(format!("unexpected HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(token: TokenKind, accepted_before: bool, server: bool) -> Context {
        Context {
            token,
            accepted_before,
            place: "organization `c`".into(),
            server,
        }
    }

    fn feed(name: &str) -> String {
        name.to_string()
    }

    #[test]
    fn the_body_decides_before_the_status() {
        use Problem::*;
        let pat = TokenKind::Pat;
        let table: Vec<(Action, u16, &str, Context, Problem)> = vec![
            (
                Action::GetFeed { feed: feed("f") },
                404,
                r#"{"message":"Feed with ID 'f' doesn't exist.","typeKey":"FeedIdNotFoundException"}"#,
                context(pat, false, false),
                FeedNotFound,
            ),
            (
                Action::ListFeeds {
                    project: Some("p".into()),
                },
                404,
                r#"{"message":"The following project does not exist: p.","typeKey":"ProjectDoesNotExistWithNameException"}"#,
                context(pat, false, false),
                ProjectNotFound,
            ),
            (
                Action::CreateFeed { feed: feed("f") },
                403,
                r#"{"message":"User does not have permission","typeKey":"FeedNeedsPermissionsException"}"#,
                context(pat, true, false),
                FeedCreator,
            ),
            // A missing scope comes as 401 on one route and 403 on another: the body says so.
            (
                Action::CreateFeed { feed: feed("f") },
                401,
                r#"{"message":"The token lacks the required scope vso.packaging_write"}"#,
                context(pat, true, false),
                Scope(super::Scope::Write),
            ),
            (
                Action::WriteCheck { feed: feed("f") },
                403,
                r#"{"message":"Token does not have the required scopes"}"#,
                context(pat, false, false),
                Scope(super::Scope::Write),
            ),
            // Nothing in the body: a write refused after a read was accepted.
            (
                Action::UpdateFeed { feed: feed("f") },
                401,
                "",
                context(pat, true, false),
                ScopeOrRole(super::Scope::Manage),
            ),
            (
                Action::UpdateFeed { feed: feed("f") },
                403,
                "",
                context(pat, true, false),
                ScopeOrRole(super::Scope::Manage),
            ),
            (
                Action::GetFeed { feed: feed("f") },
                401,
                "",
                context(pat, false, false),
                TokenRejected,
            ),
            (
                Action::ListFeeds { project: None },
                401,
                r#"{"message":"TF400813: The user 'x' is not authorized to access this resource.","typeKey":"UnauthorizedRequestException"}"#,
                context(TokenKind::Entra, false, false),
                NotMember,
            ),
            (
                Action::ListFeeds { project: None },
                401,
                "",
                context(TokenKind::None, false, false),
                NoToken,
            ),
            (
                Action::CreateFeed { feed: feed("f") },
                409,
                r#"{"message":"A feed named 'f' already exists.","typeKey":"FeedNameAlreadyExistsException"}"#,
                context(pat, true, false),
                Conflict,
            ),
            (
                Action::ListFeeds { project: None },
                400,
                r#"{"message":"The requested REST API version of 7.1 is out of range for this server.","typeKey":"VssVersionOutOfRangeException"}"#,
                context(pat, false, true),
                Unsupported,
            ),
            (
                Action::ListFeeds { project: None },
                404,
                "<html>Not Found</html>",
                context(pat, false, true),
                Unsupported,
            ),
            (
                Action::GetFeed { feed: feed("f") },
                203,
                "<html>Sign in</html>",
                context(pat, false, false),
                TokenRejected,
            ),
            (
                Action::CreateFeed { feed: feed("f") },
                400,
                r#"{"message":"The upstream source 'crates.io' is not valid.","typeKey":"InvalidUpstreamSourceException"}"#,
                context(pat, true, true),
                UpstreamRefused,
            ),
            (
                Action::GetFeed { feed: feed("f") },
                503,
                "",
                context(pat, false, false),
                Unreachable("HTTP 503".into()),
            ),
        ];
        for (action, status, body, context, expected) in table {
            let answer = Answer {
                status,
                html: body.starts_with('<'),
                body,
            };
            let err = RestError::classify(&action, &answer, &context);
            assert_eq!(err.problem, expected, "{action:?} {status} {body}");
            let text = err.to_string();
            assert!(!text.contains("HTTP 401") || body.is_empty(), "{text}");
        }
    }

    #[test]
    fn messages_say_what_is_lacking_and_the_fix_never_a_bare_status() {
        let answer = Answer {
            status: 401,
            html: false,
            body: r#"{"message":"The token lacks the required scope vso.packaging_write"}"#,
        };
        let err = RestError::classify(
            &Action::CreateFeed {
                feed: feed("crates"),
            },
            &answer,
            &context(TokenKind::Pat, true, false),
        );
        let text = err.to_string();
        for phrase in [
            "create feed `crates`",
            "Packaging > Read & write",
            "vso.packaging_write",
            "--pat-env",
        ] {
            assert!(text.contains(phrase), "{phrase}: {text}");
        }
        assert_eq!(err.code(), Code::Auth);
    }

    /// A PAT Azure DevOps Services refuses may be a retired global one (from 2026-12-01, and
    /// this machine's clock is past it); an Entra token or a PAT for a Server never is.
    #[test]
    fn a_rejected_services_pat_names_the_retired_global_pat() {
        let refused = |token: TokenKind, server: bool| {
            let answer = Answer {
                status: 401,
                html: false,
                body: "",
            };
            let action = Action::GetFeed { feed: feed("f") };
            let err = RestError::classify(&action, &answer, &context(token, false, server));
            assert_eq!(err.problem, Problem::TokenRejected);
            err.to_string()
        };
        let global = "global PAT (made for \"All accessible organizations\")";
        let services = refused(TokenKind::Pat, false);
        assert!(services.contains(global), "{services}");
        assert!(
            services.contains("organization. Fix: create a PAT"),
            "{services}"
        );
        for (token, server) in [(TokenKind::Pat, true), (TokenKind::Entra, false)] {
            let text = refused(token, server);
            assert!(!text.contains("global"), "{text}");
        }
    }
}
