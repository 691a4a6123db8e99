//! The feed's answers for one registry: first without a token, then, unless that already
//! failed, with the token cargo would send (from cargo's providers, from `az`, or minted from
//! Entra ID); and once the feed has accepted that token, what the REST API says about the
//! feed ([`super::artifacts`]).

use super::artifacts::artifacts;
use super::{
    Artifacts, Auth, AzureCliAnswer, EntraToken, Lockfile, Online, RegistryFacts, TokenAnswer,
};
use crate::auth::expiry::Expiry;
use crate::auth::secret::Secret;
use crate::auth::{azure_cli, entra};
use crate::azure::probe::{Answer, Prober};
use crate::azure::verdict::Pat;
use crate::cargo::config::effective::{HttpSettings, Registry};
use crate::environment::Environment;

/// A token the feed accepted, and where it came from in words.
type Accepted = Option<(Secret, String)>;

pub fn online(
    env: &Environment,
    prober: &Prober,
    http: &HttpSettings,
    facts: &RegistryFacts,
    lockfile: &Lockfile,
) -> (Online, Option<Artifacts>) {
    let registry = &facts.registry;
    let anonymous = prober
        .probe(&registry.index, None)
        .map_err(|e| format!("{e:#}"));
    let (with_token, accepted) = match (&anonymous, &facts.auth) {
        (Ok(answer), Some(auth)) => match answer.is_from_the_feed() {
            true => token_answer(env, prober, registry, auth, answer),
            false => (None, None),
        },
        _ => (None, None),
    };
    let artifacts = accepted
        .and_then(|(header, from)| artifacts(http, &registry.index, header, from, lockfile));
    let online = Online {
        anonymous,
        with_token,
    };
    (online, artifacts)
}

fn token_answer(
    env: &Environment,
    prober: &Prober,
    registry: &Registry,
    auth: &Auth,
    anonymous: &Answer,
) -> (Option<TokenAnswer>, Accepted) {
    let (credentials, expiry) = (&auth.credentials, &auth.expiry);
    let (index, name) = (&registry.index, &registry.name);
    let works = |answer: &Answer| matches!(answer, Answer::Ok { .. });
    if credentials.entra.is_some() {
        let mut accepted = None;
        let minted = entra::mint(env)
            .and_then(|m| entra::check_with_feed(prober, index, name, &m).map(|()| m))
            .map(|m| {
                let source = m.source.describe();
                accepted = Some((
                    m.token.header.clone(),
                    format!("an Entra ID token from {source}"),
                ));
                EntraToken {
                    source,
                    identity: entra::identity(&m.token),
                }
            });
        let answer = TokenAnswer::Entra(minted.map_err(|e| format!("{e:#}")));
        return (Some(answer), accepted);
    }
    if credentials.azure_cli {
        let mut accepted = None;
        // The anonymous answer is in hand: no second request for the tenant.
        let answer = azure_cli::token_for_feed(env, || anonymous.tenant())
            .map(|token| {
                let answer = prober
                    .probe(index, Some(&token.token.header))
                    .map_err(|e| format!("{e:#}"));
                if answer.as_ref().is_ok_and(works) {
                    let from = "an Entra ID token from the Azure CLI".to_string();
                    accepted = Some((token.token.header.clone(), from));
                }
                AzureCliAnswer {
                    outdated: token.outdated_warning(),
                    answer,
                    tenant: token.tenant,
                    switched_from: token.switched_from,
                }
            })
            .map_err(|failure| failure.advice);
        return (Some(TokenAnswer::AzureCli(answer)), accepted);
    }
    let Some(found) = credentials.effective() else {
        return (None, None);
    };
    let sent = Pat::of(&found.secret);
    let answer = prober
        .probe(index, Some(&found.secret))
        .map_err(|e| format!("{e:#}"));
    let accepted = answer.as_ref().is_ok_and(works).then(|| {
        let from = format!("the token from {}", found.origin.describe());
        (found.secret.clone(), from)
    });
    // A refusal of the PAT feedctl minted is read with its record: expired, or revoked.
    let minted_until = match expiry {
        Expiry::Minted {
            record,
            confirmed: true,
        } => Some(record.valid_to),
        _ => None,
    };
    let answer = TokenAnswer::Cargo {
        origin: found.origin.clone(),
        sent: Pat {
            minted_until,
            ..sent
        },
        answer,
    };
    (Some(answer), accepted)
}
