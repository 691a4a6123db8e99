//! Reads the claims of a JWT (an access token or a platform's OIDC token) **without
//! verifying it**: only to say whose token it is and when it expires. Nothing here decides
//! whether a token is trusted; the feed and Entra ID do that.

use base64::Engine as _;
use serde::Deserialize;

/// The claims worth showing. All optional: tokens differ (v1 has `appid`, v2 `azp`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub appid: Option<String>,
    pub azp: Option<String>,
    pub oid: Option<String>,
    pub tid: Option<String>,
    pub upn: Option<String>,
    /// `app` for a service principal's or managed identity's token (v2 and recent v1).
    pub idtyp: Option<String>,
    /// Delegated scopes: only a user's (delegated) token has them.
    pub scp: Option<String>,
    pub exp: Option<i64>,
    pub iss: Option<String>,
    pub sub: Option<String>,
    #[serde(default, deserialize_with = "audience")]
    pub aud: Option<String>,
}

/// `aud` is a string or an array of strings.
fn audience<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Aud {
        One(String),
        Many(Vec<String>),
    }
    Ok(Option::<Aud>::deserialize(d)?.map(|a| match a {
        Aud::One(s) => s,
        Aud::Many(v) => v.join(" "),
    }))
}

impl Claims {
    /// The claims of a compact JWT; `None` when it is not one.
    pub fn of(token: &str) -> Option<Claims> {
        let payload = token.trim().split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// The claims of a `Bearer <jwt>` header value.
    pub fn of_bearer(header: &str) -> Option<Claims> {
        Claims::of(header.strip_prefix("Bearer ")?)
    }

    /// The client (application) id: `appid` in v1 tokens, `azp` in v2.
    pub fn client_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }

    /// Whether the token is an app's (a service principal or managed identity), not a
    /// user's: `idtyp: app`, or neither the delegated scopes nor the name a user's token has.
    pub fn is_app(&self) -> bool {
        self.idtyp.as_deref() == Some("app") || (self.scp.is_none() && self.upn.is_none())
    }

    /// "app `…` (object `…`) in tenant `…`", or a user's name, for messages.
    pub fn identity(&self) -> String {
        let mut who = match (&self.upn, self.client_id()) {
            (Some(upn), _) => format!("user `{upn}`"),
            (None, Some(app)) => format!("app `{app}`"),
            (None, None) => "the identity".to_string(),
        };
        if let Some(oid) = &self.oid {
            who.push_str(&format!(" (object `{oid}`)"));
        }
        if let Some(tid) = &self.tid {
            who.push_str(&format!(" in tenant `{tid}`"));
        }
        who
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(payload))
    }

    #[test]
    fn claims_are_read_without_verifying() {
        let token = jwt(
            r#"{"appid":"app-1","oid":"obj-1","tid":"ten-1","exp":1700000000,"aud":["a","b"]}"#,
        );
        let claims = Claims::of(&token).unwrap();
        assert_eq!(claims.client_id(), Some("app-1"));
        assert_eq!(claims.exp, Some(1_700_000_000));
        assert_eq!(claims.aud.as_deref(), Some("a b"));
        assert_eq!(
            claims.identity(),
            "app `app-1` (object `obj-1`) in tenant `ten-1`"
        );
        assert!(claims.is_app());
        assert_eq!(Claims::of_bearer(&format!("Bearer {token}")), Some(claims));
        let user = Claims::of(&jwt(r#"{"upn":"a@c.com","scp":"user_impersonation"}"#)).unwrap();
        assert!(!user.is_app());
        let app = Claims::of(&jwt(r#"{"scp":"x","idtyp":"app"}"#)).unwrap();
        assert!(app.is_app());
        assert_eq!(Claims::of("opaque-token"), None);
        assert_eq!(Claims::of("a.%%%.c"), None);
    }
}
