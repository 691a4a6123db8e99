//! The feed itself, online: reachable, private (or `~force-auth` when public), and accepting
//! the registry's token, whichever source it comes from.

use crate::auth::entra;
use crate::azure::feed::Feed;
use crate::azure::probe::{self, Answer};
use crate::azure::verdict::{self, Pat, Sent};
use crate::cargo::config::effective::Registry;
use crate::cargo::credentials::Origin;
use crate::doctor::facts::{AzureCliAnswer, Online, RegistryFacts, TokenAnswer};
use crate::doctor::report::{Check, CheckId, Level, Report};

pub fn check(facts: &RegistryFacts, online: &Online, report: &mut Report) {
    let registry = &facts.registry;
    let anonymous = match &online.anonymous {
        Ok(answer) => answer,
        Err(e) => return report.fail(CheckId::FeedReachable, e.clone(), "feedctl doctor -v"),
    };
    if let Some(check) = answer_check(Asked::Anonymously, anonymous, registry) {
        let failed = check.status == Level::Fail;
        report.add(check);
        if failed {
            return;
        }
    }
    match &online.with_token {
        None => {}
        Some(TokenAnswer::Entra(Ok(token))) => report.ok(
            CheckId::TokenAccepted,
            format!(
                "the token from {} is accepted ({})",
                token.source, token.identity
            ),
        ),
        Some(TokenAnswer::Entra(Err(e))) => {
            report.fail(CheckId::TokenAccepted, e.clone(), entra::FIX)
        }
        Some(TokenAnswer::AzureCli(Ok(answer))) => azure_cli(answer, registry, report),
        Some(TokenAnswer::AzureCli(Err(advice))) => report.fail(
            CheckId::TokenAccepted,
            super::said(advice),
            advice.fix.clone(),
        ),
        Some(TokenAnswer::Cargo { answer: Err(e), .. }) => {
            report.fail(CheckId::TokenAccepted, e.clone(), "feedctl doctor -v")
        }
        Some(TokenAnswer::Cargo {
            origin,
            sent,
            answer: Ok(answer),
        }) => {
            if let Some(check) = answer_check(Asked::WithToken(origin, sent), answer, registry) {
                report.add(check);
            }
        }
    }
}

/// The Azure CLI's token, asked for the organization's tenant.
fn azure_cli(answer: &AzureCliAnswer, registry: &Registry, report: &mut Report) {
    if let Some(warning) = &answer.outdated {
        let (what, fix) = warning.split_once("; ").unwrap_or((warning, "az upgrade"));
        report.warn(CheckId::AzureCliVersion, what, fix);
    }
    let feed_answer = match &answer.answer {
        Ok(feed_answer) => feed_answer,
        Err(e) => return report.fail(CheckId::TokenAccepted, e.clone(), "feedctl doctor -v"),
    };
    let sent = Sent::AzureCli {
        tenant: answer.tenant.as_deref(),
    };
    let tenant = answer.tenant.as_deref().unwrap_or("unknown");
    match verdict::judge(feed_answer, &sent, &registry.index, &registry.name) {
        None => report.ok(
            CheckId::TokenAccepted,
            match &answer.switched_from {
                Some(other) => format!(
                    "the Azure CLI's token for the organization's tenant {tenant} is accepted (az is logged in to tenant {other}; feedctl asks it for the organization's)"
                ),
                None => format!("the Azure CLI's token (tenant {tenant}) is accepted"),
            },
        ),
        Some(v) => report.fail(CheckId::TokenAccepted, v.message, v.fix.to_string()),
    }
}

/// How doctor asked the feed.
#[derive(Debug, Clone, Copy)]
pub enum Asked<'a> {
    Anonymously,
    /// With the token cargo would send, found at this origin.
    WithToken(&'a Origin, &'a Pat),
}

/// Doctor's reading of one answer of the feed to `GET config.json`: the check it makes, with
/// its message and fix, or `None` when an anonymous answer says nothing either way. The one
/// place doctor turns a probe answer into a check, through [`verdict::judge`] (az's and a
/// minted Entra ID token's answers are judged there too, while the facts are gathered). A failed anonymous answer is exactly
/// what [`crate::doctor::facts::unusable_anonymously`] stops at.
pub fn answer_check(asked: Asked, answer: &Answer, registry: &Registry) -> Option<Check> {
    let (id, status, message, fix) = match asked {
        Asked::Anonymously => anonymous(answer, registry)?,
        Asked::WithToken(origin, sent) => with_token(origin, sent, answer, registry),
    };
    Some(Check {
        id,
        registry: Some(registry.name.clone()),
        status,
        message,
        fix,
    })
}

/// A check about to be made: its id, level, message and fix.
type Reading = (CheckId, Level, String, Option<String>);

fn anonymous(answer: &Answer, registry: &Registry) -> Option<Reading> {
    let url = probe::config_json_url(&registry.index);
    let verdict = match answer {
        Answer::Ok { .. } => match Feed::parse_url(&registry.index) {
            Ok(feed) if !feed.force_auth => {
                let forced = Feed {
                    force_auth: true,
                    ..feed
                };
                (
                    CheckId::FeedForceAuth,
                    Level::Warn,
                    format!(
                        "{url} answers anonymously: this is a public feed, and cargo will not send \
                         your token to it"
                    ),
                    Some(format!(
                        "if you own, publish to or save upstream crates into this feed, use \
                         `~force-auth`: feedctl connect {} --name {} --force",
                        forced.index_url(),
                        registry.name
                    )),
                )
            }
            _ => (
                CheckId::FeedReachable,
                Level::Ok,
                format!("{url} is reachable"),
                None,
            ),
        },
        // Anonymous refusals all mean "private": the token decides.
        answer if answer.is_from_the_feed() => (
            CheckId::FeedReachable,
            Level::Ok,
            format!("{url} is reachable and requires a token"),
            None,
        ),
        answer => {
            let v = verdict::judge(answer, &Sent::Nothing, &registry.index, &registry.name)?;
            (
                CheckId::FeedReachable,
                Level::Fail,
                v.message,
                Some(v.fix.to_string()),
            )
        }
    };
    Some(verdict)
}

fn with_token(origin: &Origin, sent: &Pat, answer: &Answer, registry: &Registry) -> Reading {
    let sent = Sent::Pat(sent.clone());
    let Some(v) = verdict::judge(answer, &sent, &registry.index, &registry.name) else {
        return (
            CheckId::TokenAccepted,
            Level::Ok,
            format!("the token from {} is accepted", origin.describe()),
            None,
        );
    };
    let fix = v.fix.or_new_token(|| match origin {
        Origin::EnvVar(var) => {
            format!("replace the token in `{var}` (a new PAT with Packaging > Read & write)")
        }
        Origin::CredentialsFile(_) => {
            format!("feedctl login --name {}   (with a new PAT)", registry.name)
        }
        Origin::ConfigFile(path) => format!(
            "delete `token` under `[registries.{}]` in `{}`, then feedctl login --name {}",
            registry.name,
            path.display(),
            registry.name
        ),
    });
    (
        CheckId::TokenAccepted,
        Level::Fail,
        format!("token from {}: {}", origin.describe(), v.message),
        Some(fix),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::azure_cli::Advice;
    use crate::doctor::facts::{EntraToken, fixture};
    use crate::doctor::report::assert_checks;

    fn run(online: Online) -> Report {
        let mut report = Report::for_registry("crates");
        check(&fixture::registry("crates"), &online, &mut report);
        report
    }

    fn answered(anonymous: Answer, with_token: Option<TokenAnswer>) -> Online {
        Online {
            anonymous: Ok(anonymous),
            with_token,
        }
    }

    fn unauthorized() -> Answer {
        Answer::Unauthorized {
            tenant: None,
            known: None,
        }
    }

    fn pat(origin: Origin, answer: Answer) -> Option<TokenAnswer> {
        Some(TokenAnswer::Cargo {
            origin,
            sent: fixture::sent(),
            answer: Ok(answer),
        })
    }

    #[test]
    fn anonymous_answers_table() {
        let cases = [
            (
                "private feed",
                unauthorized(),
                Level::Ok,
                CheckId::FeedReachable,
                "config.json is reachable and requires a token",
            ),
            (
                "sign-in page",
                Answer::SignInPage {
                    status: 203,
                    redirected_to: None,
                },
                Level::Ok,
                CheckId::FeedReachable,
                "requires a token",
            ),
            (
                "public feed",
                Answer::Ok {
                    auth_required: false,
                },
                Level::Warn,
                CheckId::FeedForceAuth,
                "answers anonymously: this is a public feed",
            ),
            (
                "not found",
                Answer::NotFound { known: None },
                Level::Fail,
                CheckId::FeedReachable,
                "",
            ),
            (
                "unreachable",
                Answer::Unreachable("connection refused".to_string()),
                Level::Fail,
                CheckId::FeedReachable,
                "",
            ),
        ];
        for (case, answer, level, id, phrase) in cases {
            let report = run(answered(answer, None));
            assert_checks(&report, &[(id, level, phrase)], case);
        }
        let report = run(answered(
            Answer::Ok {
                auth_required: false,
            },
            None,
        ));
        assert!(
            report.checks[0]
                .fix
                .as_deref()
                .unwrap()
                .contains("feedctl connect sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates~force-auth/Cargo/index/ --name crates --force")
        );
        let report = run(Online {
            anonymous: Err("invalid certificate".to_string()),
            with_token: None,
        });
        assert_checks(
            &report,
            &[(CheckId::FeedReachable, Level::Fail, "invalid certificate")],
            "no answer",
        );
        assert_eq!(report.checks[0].fix.as_deref(), Some("feedctl doctor -v"));
    }

    /// The facts stop asking exactly where this file reports a failed anonymous answer.
    #[test]
    fn facts_stop_where_the_anonymous_answer_fails() {
        let registry = fixture::registry("crates").registry;
        let answers = [
            Answer::Ok {
                auth_required: true,
            },
            unauthorized(),
            Answer::Forbidden { known: None },
            Answer::SignInPage {
                status: 203,
                redirected_to: None,
            },
            Answer::NotFound { known: None },
            Answer::NotAFeed {
                status: 200,
                html: true,
                redirected_to: None,
            },
            Answer::ProxyAuth,
            Answer::RateLimited { retry_after: None },
            Answer::Status(500),
            Answer::Status(200),
            Answer::Unreachable("timeout".to_string()),
        ];
        for answer in answers {
            let failed = answer_check(Asked::Anonymously, &answer, &registry)
                .is_some_and(|c| c.status == Level::Fail);
            assert_eq!(failed, !answer.is_from_the_feed(), "{answer:?}");
        }
    }

    #[test]
    fn token_answers_table() {
        let var = || Origin::EnvVar("CARGO_REGISTRIES_CRATES_TOKEN".to_string());
        let file = || Origin::CredentialsFile(PathBuf::from("/h/credentials.toml"));
        let ok = Answer::Ok {
            auth_required: true,
        };
        let cases = [
            (
                "PAT accepted",
                pat(var(), ok.clone()),
                Level::Ok,
                "the token from env var `CARGO_REGISTRIES_CRATES_TOKEN` is accepted",
                None,
            ),
            (
                "PAT refused, from the variable",
                pat(var(), unauthorized()),
                Level::Fail,
                "token from env var `CARGO_REGISTRIES_CRATES_TOKEN`: ",
                Some(
                    "replace the token in `CARGO_REGISTRIES_CRATES_TOKEN` (a new PAT with Packaging > Read & write)",
                ),
            ),
            (
                "PAT refused, from the file",
                pat(file(), unauthorized()),
                Level::Fail,
                "token from `/h/credentials.toml`: ",
                Some("feedctl login --name crates   (with a new PAT)"),
            ),
            (
                "PAT without the role",
                pat(file(), Answer::Forbidden { known: None }),
                Level::Fail,
                "token from",
                Some(
                    "ask a feed owner (feed settings > Permissions) to give this account at least the Feed Reader role (Feed and Upstream Reader to save crates from crates.io through the feed)",
                ),
            ),
            (
                "PAT request failed",
                Some(TokenAnswer::Cargo {
                    origin: file(),
                    sent: fixture::sent(),
                    answer: Err("timed out".to_string()),
                }),
                Level::Fail,
                "timed out",
                Some("feedctl doctor -v"),
            ),
            (
                "Entra token accepted",
                Some(TokenAnswer::Entra(Ok(EntraToken {
                    source: "GitHub Actions OIDC",
                    identity: "app x".to_string(),
                }))),
                Level::Ok,
                "the token from GitHub Actions OIDC is accepted (app x)",
                None,
            ),
            (
                "Entra token refused",
                Some(TokenAnswer::Entra(Err("HTTP 401".to_string()))),
                Level::Fail,
                "HTTP 401",
                Some(entra::FIX),
            ),
            (
                "az failed",
                Some(TokenAnswer::AzureCli(Err(Advice {
                    summary: "az's refresh token expired".to_string(),
                    fix: "az login".to_string(),
                    quote: Some("AADSTS700082".to_string()),
                }))),
                Level::Fail,
                "az's refresh token expired (az said: AADSTS700082)",
                Some("az login"),
            ),
        ];
        for (case, with_token, level, phrase, fix) in cases {
            let report = run(answered(unauthorized(), with_token));
            assert_checks(
                &report,
                &[
                    (CheckId::FeedReachable, Level::Ok, "requires a token"),
                    (CheckId::TokenAccepted, level, phrase),
                ],
                case,
            );
            assert_eq!(report.checks[1].fix.as_deref(), fix, "{case}");
        }
    }

    #[test]
    fn azure_cli_table() {
        let az = |outdated: bool, switched: Option<&str>, answer| AzureCliAnswer {
            outdated: outdated.then(|| "az is old; upgrade it".to_string()),
            tenant: Some("t1".to_string()),
            switched_from: switched.map(str::to_string),
            answer,
        };
        let ok = || {
            Ok(Answer::Ok {
                auth_required: true,
            })
        };
        let cases = [
            (
                "accepted",
                az(false, None, ok()),
                vec![(
                    CheckId::TokenAccepted,
                    Level::Ok,
                    "the Azure CLI's token (tenant t1) is accepted",
                )],
            ),
            (
                "accepted after switching tenants, az outdated",
                az(true, Some("t0"), ok()),
                vec![
                    (CheckId::AzureCliVersion, Level::Warn, "az is old"),
                    (
                        CheckId::TokenAccepted,
                        Level::Ok,
                        "tenant t1 is accepted (az is logged in to tenant t0;",
                    ),
                ],
            ),
            (
                "refused",
                az(false, None, Ok(unauthorized())),
                vec![(
                    CheckId::TokenAccepted,
                    Level::Fail,
                    "az's token is for tenant t1",
                )],
            ),
            (
                "request failed",
                az(false, None, Err("timed out".to_string())),
                vec![(CheckId::TokenAccepted, Level::Fail, "timed out")],
            ),
        ];
        for (case, answer, expected) in cases {
            let mut report = Report::for_registry("crates");
            azure_cli(&answer, &fixture::registry("crates").registry, &mut report);
            assert_checks(&report, &expected, case);
            if case == "refused" {
                assert!(
                    report.checks[0].fix.as_deref().is_some_and(
                        |f| f.starts_with("az login with an identity that is a member")
                    ),
                    "{report:?}"
                );
            }
        }
    }
}
