//! Where a token comes from (a prompt, stdin, a variable, `az`) and the Azure encodings of a
//! pasted PAT or header, each checked before it becomes a [`Secret`].

use anyhow::{Context, Result, bail};
use base64::Engine as _;

use crate::auth::secret::{self, Secret};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ui;

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

/// Asks for a PAT at the hidden prompt; Ctrl-C there is an error of its own (exit 130).
pub fn prompt(env: &Environment) -> Result<String> {
    match env.prompt_secret("Personal access token (input hidden): ")? {
        Some(pat) => Ok(pat),
        None => bail!(Failure::new(
            Code::Interrupted,
            "interrupted at the token prompt (Ctrl-C); nothing was stored"
        )),
    }
}

/// Reads a token from `source` and encodes it for the `Authorization` header.
pub fn read(source: &Source, env: &Environment) -> Result<Secret> {
    match source {
        Source::Prompt => from_pasted(&prompt(env)?, "the prompt"),
        Source::Stdin => {
            let line = env.read_stdin_line().context("`--pat-stdin`")?;
            from_pasted(&line, "standard input")
        }
        Source::EnvVar(var) => match pat_env(env, var)? {
            Some(pat) => from_pasted(&pat, &format!("`{var}`")),
            None => bail!(Failure::new(
                Code::Auth,
                format!("`--pat-env {var}`: the variable `{var}` is not set")
            )),
        },
        Source::AzureCli => Ok(crate::auth::azure_cli::access_token(env)?.token.header),
    }
}

/// The value of `--pat-env VAR`: a usage error (exit 2) naming the variable when it is set
/// but not valid UTF-8, which is not the same as unset (a PAT is plain text).
pub fn pat_env(env: &Environment, var: &str) -> Result<Option<String>, Failure> {
    env.var_text(var).map_err(|e| {
        Failure::new(
            Code::Usage,
            format!("`--pat-env {var}`: {e}; set it again to the PAT as plain text"),
        )
    })
}

/// Whether a value is an Azure Pipelines macro that was never expanded, such as
/// `$(System.AccessToken)`: what a step sees when a secret is not mapped into it.
pub fn unexpanded_macro(value: &str) -> bool {
    value
        .find("$(")
        .is_some_and(|start| value[start..].contains(')'))
}

/// The error for an unexpanded macro given as a token (the value is not shown: it might be a
/// token after all).
pub fn macro_error(from: &str) -> Failure {
    Failure::new(
        Code::Auth,
        format!(
            "the token from {from} is an unexpanded Azure Pipelines macro such as \
             `$(System.AccessToken)`, not a token. Secrets reach a step only when mapped \
             into its environment:\n  env:\n    SYSTEM_ACCESSTOKEN: $(System.AccessToken)\n\
             and a macro in `variables:` or a script body is expanded only when that variable \
             exists."
        ),
    )
}

/// A token as pasted: a PAT (encoded as `Basic base64(PAT:<pat>)`), or a whole
/// `Authorization` value (`Basic …`, `Bearer …`, optionally after `Authorization:`), which is
/// checked and used as it is rather than encoded twice.
pub fn from_pasted(input: &str, from: &str) -> Result<Secret> {
    let value = input.trim();
    if unexpanded_macro(value) {
        bail!(macro_error(from));
    }
    let value = strip_prefix_ignore_case(value, "authorization:")
        .map(str::trim_start)
        .unwrap_or(value);
    if ["basic", "bearer"]
        .iter()
        .any(|s| value.eq_ignore_ascii_case(s))
    {
        bail!(Failure::new(
            Code::Auth,
            format!("the token from {from} is only the word `{value}`, without a token")
        ));
    }
    if let Some(credential) = strip_prefix_ignore_case(value, "basic ") {
        let credential = credential.trim();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credential)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        match decoded {
            Some(pair)
                if pair.split_once(':').is_some_and(|(_, pat)| {
                    !pat.is_empty() && pat.chars().all(|c| c.is_ascii_graphic())
                }) =>
            {
                crate::ui::note(format!(
                    "the token from {from} is already an `Authorization` value (`Basic …`); \
                     using it as it is"
                ));
                return Ok(secret::verbatim(format!("Basic {credential}")));
            }
            _ => bail!(Failure::new(
                Code::Auth,
                format!(
                    "the token from {from} starts with `Basic ` but the rest is not \
                     base64(`user:PAT`); paste the PAT alone and feedctl encodes it"
                )
            )),
        }
    }
    if let Some(credential) = strip_prefix_ignore_case(value, "bearer ") {
        let credential = credential.trim();
        if credential.is_empty() || !credential.chars().all(|c| c.is_ascii_graphic()) {
            bail!(Failure::new(
                Code::Auth,
                format!(
                    "the token from {from} starts with `Bearer ` but what follows is not a token \
                     (empty, or with spaces or non-ASCII characters)"
                )
            ));
        }
        crate::ui::note(format!(
            "the token from {from} is a `Bearer` token (Microsoft Entra ID); using it as it is"
        ));
        return Ok(secret::bearer(credential));
    }
    // A JWT (`az account get-access-token` output) is an Entra ID token, never a PAT: PATs
    // have no dots.
    if value.starts_with("eyJ")
        && value.matches('.').count() == 2
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.=".contains(c))
    {
        crate::ui::note(format!(
            "the token from {from} is a Microsoft Entra ID token (a JWT), not a PAT; sending it \
             as `Bearer`"
        ));
        return Ok(secret::bearer(value));
    }
    basic_from_pat(value, from)
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    value
        .get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &value[prefix.len()..])
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
    if unexpanded_macro(pat) {
        bail!(macro_error(from));
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
    Ok(secret::verbatim(format!("Basic {encoded}")))
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
        let value = header.as_deref().expose();
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
    fn pasted_headers_are_used_as_they_are() {
        let basic = basic_from_pat("abc123", "t").unwrap();
        for pasted in [
            basic.as_deref().expose().to_string(),
            format!("Authorization: {}", basic.as_deref().expose()),
            format!("  basic {}\n", &basic.as_deref().expose()["Basic ".len()..]),
        ] {
            assert_eq!(from_pasted(&pasted, "t").unwrap(), basic, "{pasted}");
        }
        assert_eq!(
            from_pasted("Bearer eyJ.abc.def", "t")
                .unwrap()
                .as_deref()
                .expose(),
            "Bearer eyJ.abc.def"
        );
        assert_eq!(from_pasted("abc123", "t").unwrap(), basic);
        assert_eq!(
            from_pasted("eyJ0eXAi.eyJhdWQi.c2ln\n", "t")
                .unwrap()
                .as_deref()
                .expose(),
            "Bearer eyJ0eXAi.eyJhdWQi.c2ln"
        );
        for bad in ["Basic not-base64!", "Basic YWJj", "Bearer ", "Bearer a b"] {
            assert!(from_pasted(bad, "t").is_err(), "{bad}");
        }
    }

    /// A variable that is set to bytes that are not UTF-8 is named as such, never "not set".
    #[cfg(unix)]
    #[test]
    fn a_pat_env_variable_that_is_not_utf8_is_not_called_unset() {
        let env = Environment::for_test("/").with_raw_var("MY_PAT", b"pat\xff");
        let err = read(&Source::EnvVar("MY_PAT".into()), &env).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`MY_PAT` is set, but its value is not valid UTF-8"),
            "{text}"
        );
        assert_eq!(crate::exit::code_of(&err), Code::Usage as i32);
        let unset = read(&Source::EnvVar("NONE".into()), &env).unwrap_err();
        assert!(unset.to_string().contains("is not set"));
    }

    #[test]
    fn unexpanded_macros_are_refused_with_the_mapping() {
        for value in [
            "$(System.AccessToken)",
            "Bearer $(System.AccessToken)",
            "$(MY_PAT)",
        ] {
            let err = from_pasted(value, "`SYSTEM_ACCESSTOKEN`").unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("SYSTEM_ACCESSTOKEN: $(System.AccessToken)"),
                "{text}"
            );
            assert_eq!(crate::exit::code_of(&err), Code::Auth as i32);
        }
        assert!(!unexpanded_macro("abc$def)"));
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
