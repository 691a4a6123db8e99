//! Tokens: a type that cannot leak them, the Azure encodings, and where a token comes from.
//!
//! A [`Secret`] has no `Display`, prints `REDACTED` through `Debug`, and is only read through
//! [`Secret::expose`], so every place a token crosses a boundary (an HTTP header, a child's
//! stdin, an env line the user asked for) is visible in the code.

use std::fmt;

use anyhow::{Result, bail};
use base64::Engine as _;

use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;

/// A token or password. Deliberately not `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A value that already is a whole `Authorization` value, as cargo stores and reads it.
    pub fn verbatim(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it somewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

/// Where a token comes from, chosen by [`select_source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Ask on the terminal, without echo.
    Prompt,
    /// One line of standard input (`--pat-stdin`).
    Stdin,
    /// A variable holding the PAT (`--pat-env VAR`).
    EnvVar(String),
    /// An Entra ID access token from `az account get-access-token` (`--azure-cli`).
    AzureCli,
}

/// The token flags as given.
#[derive(Debug, Clone, Default)]
pub struct SourceFlags {
    pub pat_stdin: bool,
    pub pat_env: Option<String>,
    pub azure_cli: bool,
}

/// Picks the token source: an explicit flag wins; otherwise a prompt when someone can answer
/// it; otherwise `None`, and the caller says which flag to use.
pub fn select_source(flags: &SourceFlags, interactive: bool) -> Option<Source> {
    if flags.pat_stdin {
        Some(Source::Stdin)
    } else if let Some(var) = &flags.pat_env {
        Some(Source::EnvVar(var.clone()))
    } else if flags.azure_cli {
        Some(Source::AzureCli)
    } else if interactive {
        Some(Source::Prompt)
    } else {
        None
    }
}

/// The error for a non-interactive run with no token flag.
pub fn no_source_error(command: &str) -> Failure {
    let pipe = ui::pat_stdin_hint(command);
    Failure::new(
        Code::Auth,
        format!(
            "no token to use and no terminal to ask on; pass one of\n  \
             {pipe}\n  \
             {command} --pat-env VAR     (a variable holding the PAT)\n  \
             {command} --azure-cli       (an Entra ID token from `az login`)"
        ),
    )
}

/// Reads a token from `source` and encodes it for the `Authorization` header.
pub fn read(source: &Source, env: &Environment) -> Result<Secret> {
    match source {
        Source::Prompt => {
            let pat = env.prompt_secret("Personal access token (input hidden): ")?;
            basic_from_pat(&pat, "the prompt")
        }
        Source::Stdin => basic_from_pat(&env.read_stdin_line()?, "standard input"),
        Source::EnvVar(var) => match env.var(var) {
            Some(pat) => basic_from_pat(&pat, &format!("`{var}`")),
            None => bail!(Failure::new(
                Code::Auth,
                format!("`--pat-env {var}`: the variable `{var}` is not set")
            )),
        },
        Source::AzureCli => Ok(crate::azure_cli::access_token(env)?.header),
    }
}

/// `Basic ` + base64(`PAT:<pat>`) on one line, after checking the PAT.
pub fn basic_from_pat(pat: &str, from: &str) -> Result<Secret> {
    let pat = pat.trim();
    if pat.is_empty() {
        bail!(Failure::new(
            Code::Auth,
            format!("the token from {from} is empty")
        ));
    }
    if let Some(bad) = pat.chars().find(|c| !c.is_ascii_graphic()) {
        let what = if bad.is_whitespace() {
            "whitespace".to_string()
        } else {
            format!("the character U+{:04X}", bad as u32)
        };
        bail!(Failure::new(
            Code::Auth,
            format!(
                "the token from {from} contains {what}; Azure DevOps PATs are printable ASCII \
                 without spaces — paste the PAT alone"
            )
        ));
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("PAT:{pat}"));
    Ok(Secret(format!("Basic {encoded}")))
}

/// `Bearer <token>` for an Entra ID access token.
pub fn bearer(token: &str) -> Secret {
    Secret(format!("Bearer {}", token.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let secret = basic_from_pat("s3cret-pat", "test").unwrap();
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(
            !shown.contains("s3cret") && !shown.contains("Basic"),
            "{shown}"
        );
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn long_pats_encode_on_one_line() {
        let pat = "a".repeat(200);
        let header = basic_from_pat(&format!("{pat}\r\n"), "test").unwrap();
        let value = header.expose();
        assert!(!value.contains('\n') && value.starts_with("Basic "));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&value["Basic ".len()..])
            .unwrap();
        assert_eq!(decoded, format!("PAT:{pat}").into_bytes());
    }

    #[test]
    fn bad_pats_are_refused() {
        for (pat, problem) in [
            ("", "empty"),
            ("  \n", "empty"),
            ("ab cd", "whitespace"),
            ("abç", "U+00E7"),
        ] {
            let err = basic_from_pat(pat, "stdin").unwrap_err().to_string();
            assert!(err.contains(problem), "{pat:?}: {err}");
        }
    }

    #[test]
    fn sources_are_chosen_by_flags_then_terminal() {
        let env_flags = SourceFlags {
            pat_env: Some("PAT".into()),
            ..Default::default()
        };
        let stdin = SourceFlags {
            pat_stdin: true,
            ..Default::default()
        };
        let az = SourceFlags {
            azure_cli: true,
            ..Default::default()
        };
        let none = SourceFlags::default();
        let cases = [
            (&none, true, Some(Source::Prompt)),
            (&none, false, None),
            (&stdin, true, Some(Source::Stdin)),
            (&stdin, false, Some(Source::Stdin)),
            (&env_flags, false, Some(Source::EnvVar("PAT".into()))),
            (&env_flags, true, Some(Source::EnvVar("PAT".into()))),
            (&az, false, Some(Source::AzureCli)),
        ];
        for (flags, interactive, expected) in cases {
            assert_eq!(
                select_source(flags, interactive),
                expected,
                "{flags:?} tty={interactive}"
            );
        }
    }
}
