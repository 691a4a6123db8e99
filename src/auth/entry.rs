//! feedctl's own entry in a cargo `credential-provider` list: recognising it (a binary named
//! `feedctl`, whatever its directory or extension) and the arguments that pick its mode.
//! Shared by the provider itself, the config edits and the checks, so each recognises the
//! entry the same way.

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
    is_feedctl_provider(argv) && is_entra_args(&argv[1..])
}

/// Whether the provider's own arguments (after its path) ask for the entra chain.
pub fn is_entra_args<S: AsRef<str>>(args: &[S]) -> bool {
    args.windows(2)
        .any(|w| w[0].as_ref() == "--auth" && w[1].as_ref() == "entra")
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
        assert!(!is_entra_provider(&argv(&["/bin/feedctl"])));
        assert!(!is_entra_provider(&argv(&[
            "/bin/other",
            "--auth",
            "entra"
        ])));
    }
}
