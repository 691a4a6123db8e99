//! feedctl's own entry in a cargo `credential-provider` list: recognising it (a binary named
//! `feedctl`, whatever its directory or extension) and the arguments that pick its mode.
//! Shared by the provider itself, the config edits and the checks, so each recognises the
//! entry the same way.

use std::fmt;

/// Whether a `credential-provider` setting runs a feedctl binary as a provider.
pub fn is_feedctl_provider(entry: &[String]) -> bool {
    entry.first().is_some_and(|path| {
        std::path::Path::new(path)
            .file_stem()
            .is_some_and(|stem| stem == "feedctl")
    })
}

/// Whether a registry's `credential-provider` runs feedctl with `--auth entra`.
pub fn is_entra_provider(argv: &[String]) -> bool {
    is_feedctl_provider(argv) && mode(&argv[1..]) == Ok(Mode::Entra)
}

/// How feedctl gets tokens as a provider, chosen by the arguments after its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No arguments (what `connect --auth azure-cli` writes), or `--auth azure-cli`.
    AzureCli,
    /// `--auth entra`: the platform's chain.
    Entra,
}

/// Arguments feedctl does not understand as a provider: a mistake in the config that must
/// stop cargo with this message, never fall back to another way of getting a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadArgs(String);

impl fmt::Display for BadArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The provider's mode from its own arguments (after its path), in exactly the forms the CLI
/// takes `--auth`: `--auth VALUE` or `--auth=VALUE`, the value spelled as in `--help`.
pub fn mode<S: AsRef<str>>(args: &[S]) -> Result<Mode, BadArgs> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let value = match args.as_slice() {
        [] => return Ok(Mode::AzureCli),
        ["--auth", value] => *value,
        [single] => match single.strip_prefix("--auth=") {
            Some(value) => value,
            None => return Err(bad(&args)),
        },
        _ => return Err(bad(&args)),
    };
    match value {
        "entra" => Ok(Mode::Entra),
        "azure-cli" => Ok(Mode::AzureCli),
        _ => Err(bad(&args)),
    }
}

fn bad(args: &[&str]) -> BadArgs {
    let shown: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
    BadArgs(format!(
        "feedctl does not understand the arguments [{}] in cargo's `credential-provider` \
         setting for it: write [\"…/feedctl\", \"--auth\", \"entra\"] for Microsoft Entra ID \
         tokens from the platform, or no arguments after the path for the Azure CLI (run \
         `feedctl connect … --auth entra` or `--auth azure-cli` to write it)",
        shown.join(", ")
    ))
}

/// The provider arguments that select the entra chain.
pub const PROVIDER_ARGS: [&str; 2] = ["--auth", "entra"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedctl_providers_are_recognised() {
        let list = |s: &str| vec![s.to_string()];
        assert!(is_feedctl_provider(&list("/home/me/.cargo/bin/feedctl")));
        assert!(is_feedctl_provider(&list("/opt/bin/feedctl.exe")));
        assert!(!is_feedctl_provider(&list("cargo:token")));
        assert!(!is_feedctl_provider(&[]));
    }

    #[test]
    fn entra_providers_are_recognised() {
        let argv = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_entra_provider(&argv(&[
            "/bin/feedctl",
            "--auth",
            "entra"
        ])));
        assert!(is_entra_provider(&argv(&["/bin/feedctl", "--auth=entra"])));
        assert!(!is_entra_provider(&argv(&["/bin/feedctl"])));
        assert!(!is_entra_provider(&argv(&[
            "/bin/other",
            "--auth",
            "entra"
        ])));
    }

    #[test]
    fn the_mode_comes_only_from_arguments_the_cli_would_take() {
        assert_eq!(mode::<&str>(&[]), Ok(Mode::AzureCli));
        assert_eq!(mode(&PROVIDER_ARGS), Ok(Mode::Entra));
        assert_eq!(mode(&["--auth=entra"]), Ok(Mode::Entra));
        assert_eq!(mode(&["--auth", "azure-cli"]), Ok(Mode::AzureCli));
        assert_eq!(mode(&["--auth=azure-cli"]), Ok(Mode::AzureCli));
        for bad in [
            &["--auth", "Entra"][..],
            &["--auth=Entra"],
            &["--auth"],
            &["--auth="],
            &["--auth", "pat"],
            &["--auth", "entra", "--verbose"],
            &["entra"],
            &["--auth", "entra", "--auth", "entra"],
            &["-a", "entra"],
            &["--Auth", "entra"],
        ] {
            let err = mode(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("{:?}", bad[0])), "{err}");
        }
    }
}
