//! A session with one organization's PAT lifecycle API, as the *user* az is logged in as:
//! the Entra ID token comes from `az` exactly as `--auth azure-cli` gets it (for the
//! organization's tenant, with az's failure advice), and an app identity (service principal,
//! managed identity) is refused before any request, because Azure DevOps lets none of them
//! create PATs and such an identity needs none.

use anyhow::Result;

use crate::auth::azure_cli::{self, Kind};
use crate::azure::endpoints::Endpoints;
use crate::azure::feed::{Feed, Host};
use crate::azure::rest::client::RestClient;
use crate::azure::rest::error::{RestError, TokenKind};
use crate::azure::rest::pats::{self, Minted, NewPat};
use crate::cargo::config::effective::HttpSettings;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login;
use crate::util::jwt::Claims;

/// The PAT API of one Services organization, with a user's Entra ID token.
pub struct Session {
    client: RestClient,
    endpoints: Endpoints,
    pub organization: String,
}

impl Session {
    /// Gets the user's token from az for the organization of `feed` (whose index is `index`)
    /// and refuses app identities.
    pub fn open(env: &Environment, http: &HttpSettings, feed: &Feed, index: &str) -> Result<Self> {
        let Host::Services { organization } = &feed.host else {
            return Err(Failure::new(
                Code::NotFound,
                "Azure DevOps Server has no API to create PATs (it is Azure DevOps Services only)",
            )
            .into());
        };
        let token = login::az_token_for_feed(env, http, index)?;
        let account = azure_cli::account(env).ok().flatten();
        let claims = Claims::of_bearer(token.token.header.as_deref().expose());
        let app_kind = account
            .as_ref()
            .filter(|a| a.kind != Kind::User)
            .map(|a| format!("{} ({})", a.kind.describe(), a.name));
        let app_claims = claims.as_ref().filter(|c| c.is_app()).map(Claims::identity);
        if let Some(who) = app_kind.or(app_claims) {
            return Err(Failure::new(Code::Auth, app_identity(&who)).into());
        }
        let endpoints = feed.host.endpoints(None);
        let client = RestClient::new(
            http,
            Some(token.token.header),
            TokenKind::Entra,
            &endpoints.place,
            false,
        )?;
        Ok(Session {
            client,
            endpoints,
            organization: organization.clone(),
        })
    }

    /// Creates the PAT (`days` only words a lifespan refusal).
    pub fn create(&self, new: &NewPat, days: u32) -> Result<Minted> {
        let request = pats::create_request(&self.endpoints, new)
            .ok_or_else(|| anyhow::anyhow!("no PAT API for {}", self.endpoints.place))?;
        pats::create(&self.client, &request, &self.organization, days)
    }

    /// Revokes the PAT `authorization_id`.
    pub fn revoke(&self, authorization_id: &str) -> Result<(), Box<RestError>> {
        match pats::revoke_request(&self.endpoints, authorization_id) {
            Some(request) => pats::revoke(&self.client, &request),
            None => Ok(()),
        }
    }
}

/// Where a person revokes a PAT of `organization` by hand.
pub fn tokens_page(organization: &str) -> String {
    format!("https://dev.azure.com/{organization}/_usersSettings/tokens")
}

/// Why an app identity gets no PAT, and what it uses instead.
fn app_identity(who: &str) -> String {
    format!(
        "the Azure CLI is logged in as {who}, an app identity, and Azure DevOps lets no app \
         identity (service principal, managed identity) create PATs. Such an identity needs no \
         PAT: `feedctl connect … --auth entra` or `--auth azure-cli` lets cargo use its Bearer \
         tokens, storing nothing. To mint a PAT, `az login` as a user"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_identity_is_told_what_it_uses_instead() {
        let text = app_identity("a service principal (2222)");
        for phrase in ["no app", "--auth entra", "--auth azure-cli", "az login"] {
            assert!(text.contains(phrase), "{phrase}: {text}");
        }
        assert_eq!(
            tokens_page("contoso"),
            "https://dev.azure.com/contoso/_usersSettings/tokens"
        );
    }
}
