//! Typed calls of Azure DevOps' PAT lifecycle API (`tokens.json` 7.1, `Pats_Create` and
//! `Pats_Revoke`): create a personal access token scoped to one organization, and revoke one
//! by its authorization id. Services only, at `vssps.dev.azure.com/{org}/_apis/tokens/pats`
//! ([`Endpoints::pats`]); the API takes a *user's* Entra ID token, never a PAT, and refuses
//! app identities.
//!
//! Azure answers a refused creation with HTTP 200 and `patTokenError` (an organization policy,
//! the identity's kind, a scope); [`refusal`] says what each means and the fix. The model is
//! tolerant: every field optional, unknown ones ignored. The new PAT's secret goes straight
//! into a [`Secret`] and is never kept in a type that prints.

use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::client::{Method, Request, RestClient};
use super::error::{Action, RestError};
use crate::auth::secret::{Secret, verbatim};
use crate::azure::endpoints::Endpoints;
use crate::exit::{Code, Failure};

/// The `api-version` of the PAT lifecycle API (a preview, as the spec has it).
pub const PATS_API_VERSION: &str = "7.1-preview.1";

/// A PAT as Azure describes it; `token` is set only in the answer that created it.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PatToken {
    authorization_id: Option<String>,
    display_name: Option<String>,
    scope: Option<String>,
    token: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

/// `PatTokenResult`: the PAT, or why none was made (`none` when all went well).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PatTokenResult {
    pat_token: Option<PatToken>,
    pat_token_error: Option<String>,
}

/// What to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPat {
    pub display_name: String,
    /// Space-separated scopes, e.g. `vso.packaging_write`.
    pub scope: String,
    pub valid_to: OffsetDateTime,
}

/// A PAT Azure DevOps just created.
#[derive(Debug)]
pub struct Minted {
    pub authorization_id: String,
    pub display_name: String,
    pub scope: String,
    pub valid_from: OffsetDateTime,
    pub valid_to: OffsetDateTime,
    /// The PAT itself, as Azure handed it out (not yet `Basic`-encoded).
    pub pat: Secret,
}

/// `POST …/_apis/tokens/pats` for `new`, scoped to the endpoints' organization only
/// (`allOrgs: false`); `None` on Azure DevOps Server, which has no PAT API.
pub fn create_request(endpoints: &Endpoints, new: &NewPat) -> Option<Request> {
    let valid_to = new.valid_to.format(&Rfc3339).ok()?;
    let request = Request::new(
        Method::Post,
        endpoints.pats()?,
        Some(PATS_API_VERSION),
        Action::CreatePat,
    );
    Some(request.body(json!({
        "displayName": new.display_name,
        "scope": new.scope,
        "validTo": valid_to,
        "allOrgs": false,
    })))
}

/// Sends a [`create_request`]; a `patTokenError` becomes a [`Failure`] that names the policy
/// or the identity's problem (see [`refusal`]).
pub fn create(
    client: &RestClient,
    request: &Request,
    organization: &str,
    days: u32,
) -> anyhow::Result<Minted> {
    let result: PatTokenResult = client.call(request).map_err(Failure::from)?;
    let error = result.pat_token_error.as_deref().unwrap_or("none");
    if error != "none" {
        return Err(Failure::new(Code::Auth, refusal(error, organization, days)).into());
    }
    let unexpected = |what: &str| {
        Failure::new(
            Code::Auth,
            format!(
                "Azure DevOps answered the request for a PAT in organization `{organization}` \
                 without {what}; nothing was stored"
            ),
        )
    };
    let pat = result.pat_token.ok_or_else(|| unexpected("a token"))?;
    let secret = pat
        .token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| unexpected("the token's secret"))?;
    let authorization_id = pat
        .authorization_id
        .ok_or_else(|| unexpected("its authorization id"))?;
    let now = OffsetDateTime::now_utc();
    let date = |text: Option<&str>, fallback| {
        text.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
            .unwrap_or(fallback)
    };
    let request_body = request.body.as_ref();
    let asked = |key: &str| {
        request_body
            .and_then(|b| b[key].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let asked_to = OffsetDateTime::parse(&asked("validTo"), &Rfc3339).unwrap_or(now);
    Ok(Minted {
        authorization_id,
        display_name: pat.display_name.unwrap_or_else(|| asked("displayName")),
        scope: pat.scope.unwrap_or_else(|| asked("scope")),
        valid_from: date(pat.valid_from.as_deref(), now),
        valid_to: date(pat.valid_to.as_deref(), asked_to),
        pat: verbatim(secret.trim()),
    })
}

/// `DELETE …/_apis/tokens/pats?authorizationId=…`; `None` when the place has no PAT API.
pub fn revoke_request(endpoints: &Endpoints, authorization_id: &str) -> Option<Request> {
    let request = Request::new(
        Method::Delete,
        endpoints.pats()?,
        Some(PATS_API_VERSION),
        Action::RevokePat {
            authorization_id: authorization_id.to_string(),
        },
    );
    Some(request.query(&[("authorizationId", authorization_id)]))
}

/// Revokes a PAT; an answer with no body (204) or any JSON is success.
pub fn revoke(client: &RestClient, request: &Request) -> Result<(), Box<RestError>> {
    client.send(request).map(drop)
}

/// What a `patTokenError` means, naming the policy and the fix.
pub fn refusal(code: &str, organization: &str, days: u32) -> String {
    let app = "Azure DevOps lets no app identity (service principal, managed identity) create \
               PATs; such an identity needs none: connect with `--auth entra` or `--auth \
               azure-cli` (cargo then gets a fresh Bearer token for every command and nothing \
               is stored)";
    match code {
        "patLifespanPolicyViolation" => format!(
            "organization `{organization}` caps how long a PAT may live (policy \"Enforce \
             maximum personal access token lifespan\"), and {days} days is longer: try a smaller \
             `--days`, or ask an administrator of the organization for the limit"
        ),
        "globalPatPolicyViolation" => format!(
            "organization `{organization}` refused the PAT under its policy \"Restrict creation \
             of global personal access tokens\" (feedctl asks for one scoped to this \
             organization only); ask an administrator of the organization to check the policy"
        ),
        "fullScopePatPolicyViolation" => format!(
            "organization `{organization}` refused the PAT under its policy \"Restrict creation \
             of full-scoped personal access tokens\" (feedctl asks only for a Packaging scope); \
             ask an administrator of the organization to check the policy"
        ),
        "invalidScope" => format!(
            "organization `{organization}` does not accept the scope feedctl asked for; try \
             `--scope read`, or create the PAT by hand \
             (https://dev.azure.com/{organization}/_usersSettings/tokens)"
        ),
        "accessDenied" => format!(
            "organization `{organization}` does not let this identity create PATs: its policy \
             \"Restrict personal access token creation\" may allow only listed users, or the \
             identity is an app. For a user, ask an administrator of the organization to allow \
             you; {app}"
        ),
        "invalidUserType" => format!(
            "organization `{organization}` refused to create a PAT for this identity. {app}"
        ),
        other => format!(
            "Azure DevOps refused to create a PAT in organization `{organization}` \
             (`patTokenError: {other}`)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::endpoints::Place;

    #[test]
    fn each_policy_refusal_names_the_policy_and_the_fix() {
        let table = [
            ("patLifespanPolicyViolation", "smaller `--days`"),
            ("globalPatPolicyViolation", "global personal access tokens"),
            ("fullScopePatPolicyViolation", "full-scoped"),
            ("invalidScope", "`--scope read`"),
            ("accessDenied", "Restrict personal access token creation"),
            ("invalidUserType", "`--auth entra`"),
            (
                "deploymentHostNotSupported",
                "`patTokenError: deploymentHostNotSupported`",
            ),
        ];
        for (code, phrase) in table {
            let text = refusal(code, "contoso", 30);
            assert!(text.contains(phrase), "{code}: {text}");
            assert!(text.contains("`contoso`"), "{code}: {text}");
        }
        assert!(refusal("patLifespanPolicyViolation", "c", 30).contains("30 days"));
    }

    #[test]
    fn the_request_asks_for_one_organization_and_revoking_names_the_id() {
        let endpoints = Endpoints::new(
            Place::Services {
                organization: "contoso",
            },
            Some("web"),
        );
        let new = NewPat {
            display_name: "feedctl: cargo registry company on build-01".into(),
            scope: "vso.packaging_write".into(),
            valid_to: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
        };
        let request = create_request(&endpoints, &new).unwrap();
        assert!(
            request
                .url
                .ends_with("/contoso/_apis/tokens/pats?api-version=7.1-preview.1"),
            "{}",
            request.url
        );
        let body = request.body.unwrap();
        assert_eq!(body["allOrgs"], false);
        assert_eq!(body["scope"], "vso.packaging_write");
        assert_eq!(body["validTo"], "2027-01-15T08:00:00Z");
        let revoke = revoke_request(&endpoints, "4ab5764f").unwrap();
        assert_eq!(revoke.method, Method::Delete);
        assert!(
            revoke.url.ends_with("authorizationId=4ab5764f"),
            "{}",
            revoke.url
        );
    }

    #[test]
    fn the_answer_of_the_specs_example_is_read() {
        // `httpExamples/Pats/CreatePat.json`'s answer.
        let answer: PatTokenResult = serde_json::from_str(
            r#"{"patToken": {"displayName": "new_token", "validTo": "2020-12-01T23:46:23.32Z",
                "scope": "app_token", "targetAccounts": ["38aaa865-2c70-4bf7-a308-0c6539c38c1a"],
                "validFrom": "2020-11-02T22:56:52.1033333Z",
                "authorizationId": "4ab5764f-4193-4f1d-b995-64144880b7d7",
                "token": "dip55dwf4vpitomw63jzvomefmi2jluguprzwwqwuc6xq4fhocwq"},
                "patTokenError": "none"}"#,
        )
        .unwrap();
        let pat = answer.pat_token.unwrap();
        assert_eq!(
            pat.authorization_id.as_deref(),
            Some("4ab5764f-4193-4f1d-b995-64144880b7d7")
        );
        assert!(OffsetDateTime::parse(pat.valid_from.as_deref().unwrap(), &Rfc3339).is_ok());
        assert_eq!(answer.pat_token_error.as_deref(), Some("none"));
    }
}
