//! What a doctor run found: each check's id, level, message and fix, in report order. The
//! ids are an enum so that a typo cannot quietly mint a new id; their strings are what
//! scripts match on in `--json`, so they never change.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

/// Defines [`CheckId`] from one table, so its string forms and the list of every check cannot
/// drift apart.
macro_rules! check_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// Every check doctor can report. The string form (`as_str`) is the stable `id` of the
        /// JSON report; its part before the dot is the area shown in the human report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum CheckId {
            $($variant,)*
        }

        impl CheckId {
            /// Every check, in the table's order.
            #[cfg(test)]
            const ALL: &[CheckId] = &[$(CheckId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $id,)*
                }
            }
        }
    };
}

check_ids! {
    CargoVersion => "cargo.version",
    ConfigLoadable => "config.loadable",
    HttpSettings => "http.settings",
    ProvidersConfigured => "providers.configured",
    LibsecretUsable => "libsecret.usable",
    NetOffline => "net.offline",
    NamesCollision => "names.collision",
    EnvUnicode => "env.unicode",
    IndexSparse => "index.sparse",
    IndexUnique => "index.unique",
    ConfigLegacy => "config.legacy",
    CredentialsReadable => "credentials.readable",
    ConfigToken => "config.token",
    RegistriesConfigured => "registries.configured",
    AzureCliLogin => "azure-cli.login",
    EntraSource => "entra.source",
    TokenProvider => "token.provider",
    TokenEnvIgnored => "token.env-ignored",
    TokenMacro => "token.macro",
    TokenScheme => "token.scheme",
    TokenShadowed => "token.shadowed",
    TokenPresent => "token.present",
    TokenExpiry => "token.expiry",
    FeedReachable => "feed.reachable",
    FeedForceAuth => "feed.force-auth",
    AzureCliVersion => "azure-cli.version",
    TokenAccepted => "token.accepted",
    TokenIdentity => "token.identity",
    FeedExists => "feed.exists",
    FeedUpstream => "feed.upstream",
    FeedRole => "feed.role",
    TokenWrite => "token.write",
    FeedConfusion => "feed.confusion",
}

impl CheckId {
    /// The area the human report labels the check with: `token` for `token.present`.
    pub fn area(self) -> &'static str {
        let id = self.as_str();
        id.split('.').next().unwrap_or(id)
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One check's verdict. `registry` is `None` for checks that concern the whole setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: CheckId,
    pub registry: Option<String>,
    pub status: Level,
    pub message: String,
    pub fix: Option<String>,
}

impl Check {
    /// The label in the human report: the id's area, and the registry.
    pub fn label(&self) -> String {
        let area = self.id.area();
        match &self.registry {
            Some(registry) => format!("{area} `{registry}`"),
            None => area.to_string(),
        }
    }
}

/// The checks of one run, in report order, and the registry the next ones concern.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
    registry: Option<String>,
}

impl Report {
    pub fn for_registry(registry: &str) -> Report {
        Report {
            checks: Vec::new(),
            registry: Some(registry.to_string()),
        }
    }

    pub fn ok(&mut self, id: CheckId, message: impl Into<String>) {
        self.push(id, Level::Ok, message.into(), None);
    }

    pub fn warn(&mut self, id: CheckId, message: impl Into<String>, fix: impl Into<String>) {
        self.push(id, Level::Warn, message.into(), Some(fix.into()));
    }

    pub fn fail(&mut self, id: CheckId, message: impl Into<String>, fix: impl Into<String>) {
        self.push(id, Level::Fail, message.into(), Some(fix.into()));
    }

    fn push(&mut self, id: CheckId, status: Level, message: String, fix: Option<String>) {
        self.checks.push(Check {
            id,
            registry: self.registry.clone(),
            status,
            message,
            fix,
        });
    }

    /// A check about another registry than the report's own.
    pub fn add(&mut self, check: Check) {
        self.checks.push(check);
    }

    pub fn append(&mut self, other: Report) {
        self.checks.extend(other.checks);
    }

    pub fn count(&self, level: Level) -> usize {
        self.checks.iter().filter(|c| c.status == level).count()
    }
}

/// For the checks' tables: the checks a case expects, each as id, level and a phrase of its
/// message.
#[cfg(test)]
pub type Expected<'a> = Vec<(CheckId, Level, &'a str)>;

/// For the checks' tables: the report holds exactly these checks, in order, each message
/// containing its phrase.
#[cfg(test)]
pub fn assert_checks(report: &Report, expected: &[(CheckId, Level, &str)], case: &str) {
    let got: Vec<(CheckId, Level)> = report.checks.iter().map(|c| (c.id, c.status)).collect();
    let want: Vec<(CheckId, Level)> = expected.iter().map(|(id, l, _)| (*id, *l)).collect();
    assert_eq!(got, want, "{case}: {:#?}", report.checks);
    for (check, (_, _, phrase)) in report.checks.iter().zip(expected) {
        assert!(
            check.message.contains(phrase),
            "{case}: `{phrase}` not in {:?}",
            check.message
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_their_strings_and_label_by_area() {
        let check = Check {
            id: CheckId::TokenEnvIgnored,
            registry: Some("crates".to_string()),
            status: Level::Warn,
            message: String::new(),
            fix: None,
        };
        assert_eq!(
            serde_json::to_value(check.id).unwrap(),
            serde_json::json!("token.env-ignored")
        );
        assert_eq!(check.label(), "token `crates`");
        assert_eq!(CheckId::AzureCliLogin.area(), "azure-cli");
    }

    /// Scripts match on these strings: each is distinct, names an area and a subject, and is
    /// listed where the JSON is documented.
    #[test]
    fn ids_are_distinct_and_documented() {
        let all = CheckId::ALL;
        let strings: std::collections::HashSet<&str> = all.iter().map(|id| id.as_str()).collect();
        assert_eq!(strings.len(), all.len());
        assert!(strings.iter().all(|s| s.split('.').count() == 2));
        let docs = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json.md"),
        )
        .unwrap();
        for id in &strings {
            assert!(
                docs.contains(&format!("`{id}`")),
                "{id} is not in docs/json.md"
            );
        }
    }
}
