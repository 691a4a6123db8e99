//! The feed's answers for one registry: first without a token, then, unless that already
//! failed, with the token cargo would send (from cargo's providers, from `az`, or minted from
//! Entra ID).

use super::{AzureCliAnswer, EntraToken, Online, RegistryFacts, TokenAnswer};
use crate::auth::{azure_cli, entra};
use crate::azure::probe::{Answer, Prober};
use crate::cargo::config::effective::Registry;
use crate::cargo::credentials::Credentials;
use crate::environment::Environment;

pub fn online(env: &Environment, prober: &Prober, facts: &RegistryFacts) -> Online {
    let registry = &facts.registry;
    let anonymous = prober
        .probe(&registry.index, None)
        .map_err(|e| format!("{e:#}"));
    let with_token = match (&anonymous, &facts.auth) {
        (Ok(answer), Some(auth)) if answer.is_from_the_feed() => {
            token_answer(env, prober, registry, &auth.credentials, answer)
        }
        _ => None,
    };
    Online {
        anonymous,
        with_token,
    }
}

fn token_answer(
    env: &Environment,
    prober: &Prober,
    registry: &Registry,
    credentials: &Credentials,
    anonymous: &Answer,
) -> Option<TokenAnswer> {
    let (index, name) = (&registry.index, &registry.name);
    if credentials.entra.is_some() {
        let minted = entra::mint(env)
            .and_then(|m| entra::check_with_feed(prober, index, name, &m).map(|()| m))
            .map(|m| EntraToken {
                source: m.source.describe(),
                identity: entra::identity(&m.token),
            });
        return Some(TokenAnswer::Entra(minted.map_err(|e| format!("{e:#}"))));
    }
    if credentials.azure_cli {
        // The anonymous answer is in hand: no second request for the tenant.
        let answer = azure_cli::token_for_feed(env, || anonymous.tenant())
            .map(|token| AzureCliAnswer {
                outdated: token.outdated_warning(),
                answer: prober
                    .probe(index, Some(&token.token.header))
                    .map_err(|e| format!("{e:#}")),
                tenant: token.tenant,
                switched_from: token.switched_from,
            })
            .map_err(|failure| failure.advice);
        return Some(TokenAnswer::AzureCli(answer));
    }
    let found = credentials.effective()?;
    Some(TokenAnswer::Cargo {
        origin: found.origin.clone(),
        answer: prober
            .probe(index, Some(&found.secret))
            .map_err(|e| format!("{e:#}")),
    })
}
