//! `connect` with an organization (or collection) but no `--feed`: the feeds the caller can
//! read, listed through the REST API, offered on a terminal as a numbered list to pick from;
//! without a terminal (or with `--json`, or in CI) an exit 2 that lists them with the exact
//! `feedctl connect …` command for each. And for a feed that does not exist, the same list
//! with the closest names ("did you mean").
//!
//! A numbered prompt read through [`Environment`] rather than a picker crate: the list is
//! short (an organization's feeds), the prompt works the same in every terminal and on
//! Windows, and tests drive it through standard input like every other prompt.

use anyhow::Result;

use crate::auth::token::SourceFlags;
use crate::azure::feed::{Feed, FeedParts};
use crate::azure::rest::credential::Want;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::AuthMode;
use crate::ops::feed::{self, FeedSummary, Place, connect_command};
use crate::ui;

/// How many wrong answers the prompt takes before giving up.
const TRIES: usize = 3;

/// The organization part of `parts`, as the `feed` commands name it.
fn place<'a>(parts: &FeedParts<'a>) -> Place<'a> {
    Place {
        organization: parts.organization,
        server_url: parts.server_url,
        collection: parts.collection,
        project: parts.project,
    }
}

/// The token for the listing: the one `connect` will use, asked the same way.
pub fn want(flags: &SourceFlags, auth: AuthMode) -> Want {
    let mut flags = flags.clone();
    flags.azure_cli |= auth == AuthMode::AzureCli;
    Want {
        flags,
        entra: auth == AuthMode::Entra,
    }
}

/// The token flag to repeat in a printed command.
fn token_flag(flags: &SourceFlags, auth: AuthMode) -> Option<String> {
    match auth {
        AuthMode::AzureCli | AuthMode::Entra => Some(format!("--auth {}", auth.name())),
        AuthMode::Pat if flags.pat_stdin => Some("--pat-stdin".into()),
        AuthMode::Pat if flags.azure_cli => Some("--azure-cli".into()),
        AuthMode::Pat => flags.pat_env.as_ref().map(|var| format!("--pat-env {var}")),
    }
}

/// The feeds of the place `parts` names, for `connect`.
fn feeds(env: &Environment, parts: &FeedParts<'_>, want: &Want) -> Result<Vec<FeedSummary>> {
    Ok(feed::list(env, &place(parts), want)?.feeds)
}

/// The feed as `connect` names it (a project-scoped feed with its project).
fn as_feed(parts: &FeedParts<'_>, summary: &FeedSummary) -> Result<Feed> {
    Feed::from_parts(&FeedParts {
        project: summary.project.as_deref(),
        feed: Some(&summary.name),
        ..parts.clone()
    })
}

/// One line per feed: the command that connects it.
fn commands(parts: &FeedParts<'_>, list: &[FeedSummary], flag: Option<&str>) -> String {
    list.iter()
        .filter_map(|f| as_feed(parts, f).ok())
        .map(|f| format!("\n  {}", connect_command(&f, flag)))
        .collect()
}

/// Lists the feeds and returns the one picked, as `connect` should name it; exit 2 (with the
/// commands) when nobody can pick.
pub fn pick(
    env: &Environment,
    parts: &FeedParts<'_>,
    flags: &SourceFlags,
    auth: AuthMode,
    may_ask: bool,
) -> Result<Feed> {
    let list = feeds(env, parts, &want(flags, auth))?;
    let flag = token_flag(flags, auth);
    let where_ = match (parts.organization, parts.project) {
        (Some(org), Some(project)) => format!("organization `{org}`, project `{project}`"),
        (Some(org), None) => format!("organization `{org}`"),
        _ => format!("collection `{}`", parts.collection.unwrap_or_default()),
    };
    if list.is_empty() {
        return Err(Failure::new(
            Code::NotFound,
            format!(
                "no feed you can read in {where_}: create one with `feedctl feed create NAME` \
                 and the same `--org`/`--project` (or `--server-url`/`--collection`), or ask a \
                 feed Owner for the Feed Reader role"
            ),
        )
        .into());
    }
    if !(may_ask && env.interactive()) {
        return Err(Failure::new(
            Code::Usage,
            format!(
                "missing `--feed`: pick one of the feeds you can read in {where_}:{}",
                commands(parts, &list, flag.as_deref())
            ),
        )
        .into());
    }
    let names: Vec<String> = list
        .iter()
        .map(|f| match &f.project {
            Some(p) => format!("{} (project `{p}`)", f.name),
            None => format!("{} (organization-scoped)", f.name),
        })
        .collect();
    ui::note(format!("feeds you can read in {where_}:"));
    for (i, name) in names.iter().enumerate() {
        ui::note(format!("  {}. {name}", i + 1));
    }
    for _ in 0..TRIES {
        ui::ask(format!("Feed to connect [1-{}]: ", list.len()));
        let answer = env.read_stdin_line()?;
        match choice(&answer, &list) {
            Some(i) => return as_feed(parts, &list[i]),
            None => ui::warn(format!(
                "`{}` is not a number from 1 to {} nor a feed's name",
                answer.trim(),
                list.len()
            )),
        }
    }
    Err(Failure::new(Code::Usage, "no feed picked; pass `--feed NAME`").into())
}

/// The feed an answer picks: its number in the list, or its name (any case).
fn choice(answer: &str, list: &[FeedSummary]) -> Option<usize> {
    let answer = answer.trim();
    if let Ok(n) = answer.parse::<usize>() {
        return (1..=list.len()).contains(&n).then(|| n - 1);
    }
    let named: Vec<usize> = (0..list.len())
        .filter(|&i| list[i].name.eq_ignore_ascii_case(answer))
        .collect();
    // The same name in two projects is ambiguous: the number tells them apart.
    (named.len() == 1).then(|| named[0])
}

/// `failure` (a feed that does not exist) with the feeds the caller can read and the closest
/// names; the failure as it was when the listing itself fails.
pub fn did_you_mean(
    env: &Environment,
    parts: &FeedParts<'_>,
    flags: &SourceFlags,
    auth: AuthMode,
    failure: Failure,
) -> Failure {
    let Some(wanted) = parts.feed else {
        return failure;
    };
    let Ok(list) = feeds(env, parts, &want(flags, auth)) else {
        return failure;
    };
    let flag = token_flag(flags, auth);
    let close = closest(wanted, &list);
    let mut message = failure.message;
    if !close.is_empty() {
        let names: Vec<String> = close.iter().map(|f| format!("`{}`", f.name)).collect();
        message.push_str(&format!("\ndid you mean {}?", names.join(" or ")));
    }
    if list.is_empty() {
        message.push_str("\nyou can read no feed there");
    } else {
        message.push_str(&format!(
            "\nthe feeds you can read:{}",
            commands(parts, &list, flag.as_deref())
        ));
    }
    Failure::new(failure.code, message)
}

/// The feeds whose names are closest to `wanted` (any case), nearest first.
fn closest<'a>(wanted: &str, list: &'a [FeedSummary]) -> Vec<&'a FeedSummary> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, &FeedSummary)> = list
        .iter()
        .map(|f| (strsim::jaro_winkler(&wanted, &f.name.to_lowercase()), f))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::rest::session::{KnownRole, Upstream};

    fn summary(name: &str, project: Option<&str>) -> FeedSummary {
        FeedSummary {
            name: name.into(),
            project: project.map(str::to_string),
            scope: "project",
            crates_io_upstream: Upstream::Ok,
            upstream_status_details: Vec::new(),
            role: KnownRole::ReaderOrCollaborator,
            index_url: String::new(),
        }
    }

    #[test]
    fn an_answer_picks_by_number_or_by_unambiguous_name() {
        let list = [
            summary("crates", Some("web")),
            summary("tools", None),
            summary("Crates", Some("api")),
        ];
        let cases = [
            ("1", Some(0)),
            (" 2 \r", Some(1)),
            ("3", Some(2)),
            ("0", None),
            ("4", None),
            ("tools", Some(1)),
            ("TOOLS", Some(1)),
            ("crates", None),
            ("", None),
            ("-1", None),
        ];
        for (answer, expected) in cases {
            assert_eq!(choice(answer, &list), expected, "{answer:?}");
        }
    }

    #[test]
    fn close_names_come_nearest_first_and_far_ones_not_at_all() {
        let list = [
            summary("crates", Some("web")),
            summary("crate-mirror", None),
            summary("npm", None),
        ];
        let names =
            |w: &str| -> Vec<String> { closest(w, &list).iter().map(|f| f.name.clone()).collect() };
        assert_eq!(names("crtaes"), ["crates"]);
        assert_eq!(names("CRATE"), ["crates", "crate-mirror"]);
        assert!(names("pypi").is_empty());
    }

    #[test]
    fn printed_commands_repeat_the_token_flag_and_the_feeds_project() {
        let parts = FeedParts {
            organization: Some("contoso"),
            ..FeedParts::default()
        };
        let list = [summary("crates", Some("web")), summary("tools", None)];
        let flags = SourceFlags {
            pat_env: Some("AZURE_DEVOPS_PAT".into()),
            ..SourceFlags::default()
        };
        let flag = token_flag(&flags, AuthMode::Pat);
        assert_eq!(
            commands(&parts, &list, flag.as_deref()),
            "\n  feedctl connect --org contoso --project web --feed crates --pat-env AZURE_DEVOPS_PAT\
             \n  feedctl connect --org contoso --feed tools --pat-env AZURE_DEVOPS_PAT"
        );
        assert_eq!(
            token_flag(&SourceFlags::default(), AuthMode::AzureCli).as_deref(),
            Some("--auth azure-cli")
        );
    }
}
