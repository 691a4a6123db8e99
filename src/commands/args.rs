//! Turning clap's argument structs into the plain options the use cases in [`crate::ops`]
//! take, for the flags several commands share and the commands with many flags; a command
//! with two or three flags fills its options where it runs.

use crate::auth::token::SourceFlags;
use crate::azure::feed::{Feed, FeedParts, Host};
use crate::azure::rest::credential::Want;
use crate::cargo::providers::Store;
use crate::cli::{
    ConnectArgs, EnvArgs, EnvAuth, FeedArgs, FeedCreateArgs, PlaceArgs, RestTokenArgs, TokenArgs,
};
use crate::ops::feed::{self, create};
use crate::ops::{AuthMode, ci_env, connect, mint};

/// The token flags as [`crate::auth::token::select_source`] takes them.
pub fn source_flags(args: &TokenArgs) -> SourceFlags {
    SourceFlags {
        pat_stdin: args.pat_stdin,
        pat_env: args.pat_env.clone(),
        azure_cli: args.azure_cli,
    }
}

/// The feed's URL, if given, and the flags that build a feed otherwise.
fn feed(args: &FeedArgs) -> (Option<&str>, FeedParts<'_>) {
    let parts = FeedParts {
        organization: args.organization.as_deref(),
        server_url: args.server_url.as_deref(),
        collection: args.collection.as_deref(),
        project: args.project.as_deref(),
        feed: args.feed.as_deref(),
        force_auth: args.force_auth,
    };
    (args.url.as_deref(), parts)
}

/// `connect`'s flags as its use case takes them.
pub fn connect(args: &ConnectArgs) -> connect::Options<'_> {
    let (url, parts) = feed(&args.feed);
    connect::Options {
        url,
        parts,
        name: args.name.as_deref(),
        config: args.config.as_deref(),
        user: args.user,
        replace_crates_io: !args.no_replace_crates_io,
        force: args.force,
        dry_run: args.dry_run,
        store: (!args.no_providers).then_some(args.store),
        login: !args.no_login,
        verify: !args.no_verify,
        token: source_flags(&args.token),
        auth: args.auth,
        may_ask: !args.json,
        mint: args.mint.then_some(mint::Ask {
            scope: args.scope.unwrap_or(mint::PatScope::Write),
            days: args.days,
        }),
    }
}

/// The organization and project flags of the `feed` commands.
pub fn place(args: &PlaceArgs) -> feed::Place<'_> {
    feed::Place {
        organization: args.organization.as_deref(),
        server_url: args.server_url.as_deref(),
        collection: args.collection.as_deref(),
        project: args.project.as_deref(),
    }
}

/// The REST token flags of the `feed` commands.
pub fn want(args: &RestTokenArgs) -> Want {
    Want {
        flags: source_flags(&args.token),
        entra: args.auth == Some(EnvAuth::Entra),
    }
}

/// The token flag as the user typed it, to repeat in the next command.
fn token_flag(args: &RestTokenArgs) -> Option<String> {
    let t = &args.token;
    if args.auth == Some(EnvAuth::Entra) {
        Some("--auth entra".into())
    } else if t.pat_stdin {
        Some("--pat-stdin".into())
    } else if let Some(var) = &t.pat_env {
        Some(format!("--pat-env {var}"))
    } else {
        t.azure_cli.then(|| "--azure-cli".into())
    }
}

/// `feed create`'s flags as its use case takes them.
pub fn feed_create(args: &FeedCreateArgs) -> create::Options<'_> {
    create::Options {
        name: &args.name,
        place: place(&args.place),
        upstream: !args.no_upstream,
        dry_run: args.dry_run,
        want: want(&args.token),
        token_flag: token_flag(&args.token),
    }
}

/// `connect`'s options for a feed just created, with the same token flags (`--auth entra`
/// makes feedctl the registry's provider, as `connect --auth entra` does).
pub fn connect_to<'a>(feed: &'a Feed, token: &RestTokenArgs) -> connect::Options<'a> {
    let (organization, server_url, collection) = match &feed.host {
        Host::Services { organization } => (Some(organization.as_str()), None, None),
        Host::Server { base, collection } => (None, Some(base.as_str()), Some(collection.as_str())),
    };
    let entra = token.auth == Some(EnvAuth::Entra);
    connect::Options {
        url: None,
        parts: FeedParts {
            organization,
            server_url,
            collection,
            project: feed.project.as_deref(),
            feed: Some(&feed.name),
            force_auth: feed.force_auth,
        },
        mint: None,
        name: None,
        config: None,
        user: false,
        replace_crates_io: true,
        force: false,
        dry_run: false,
        store: Some(Store::Auto),
        login: !entra,
        verify: true,
        token: if entra {
            SourceFlags::default()
        } else {
            source_flags(&token.token)
        },
        auth: if entra {
            AuthMode::Entra
        } else {
            AuthMode::Pat
        },
        may_ask: false,
    }
}

/// `env`'s flags as its use case takes them.
pub fn ci_env(args: &EnvArgs) -> ci_env::Options<'_> {
    ci_env::Options {
        names: &args.names,
        format: args.format,
        verify: args.verify,
        token: source_flags(&args.token),
        entra: args.auth == Some(EnvAuth::Entra),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::ops::ci_env::Format;

    fn parse(argv: &str) -> Command {
        let argv = ["feedctl"].into_iter().chain(argv.split(' '));
        Cli::try_parse_from(argv).unwrap().command.unwrap()
    }

    /// The options the flags decide, in a line: `url`/`org=…`, the store, then what is on.
    fn summary(o: &connect::Options<'_>) -> String {
        let mut out = vec![match (o.url, o.parts.organization) {
            (Some(_), _) => "url".to_string(),
            (None, org) => format!("org={}", org.unwrap_or("-")),
        }];
        out.push(format!("store={:?}", o.store));
        out.push(format!("auth={}", o.auth.name()));
        let on = [
            (o.login, "login"),
            (o.verify, "verify"),
            (o.replace_crates_io, "replace"),
            (o.force, "force"),
            (o.parts.force_auth, "force-auth"),
            (o.token.pat_stdin, "pat-stdin"),
        ];
        out.extend(on.iter().filter(|(on, _)| *on).map(|(_, n)| n.to_string()));
        out.extend(o.token.pat_env.as_ref().map(|v| format!("pat-env={v}")));
        out.join(" ")
    }

    #[test]
    fn flags_become_options() {
        let table = [
            (
                "https://dev.azure.com/contoso/web/_artifacts/feed/crates",
                "url store=Some(Auto) auth=pat login verify replace",
            ),
            (
                "--org contoso --feed crates --no-providers --no-login",
                "org=contoso store=None auth=pat verify replace",
            ),
            (
                "--org c --feed f --auth azure-cli --no-verify --store file",
                "org=c store=Some(File) auth=azure-cli login replace",
            ),
            (
                "--org c --feed f --auth entra --no-replace-crates-io --force --force-auth",
                "org=c store=Some(Auto) auth=entra login verify force force-auth",
            ),
            (
                "--org c --feed f --pat-env PAT --store os",
                "org=c store=Some(Os) auth=pat login verify replace pat-env=PAT",
            ),
            (
                "--org c --feed f --pat-stdin",
                "org=c store=Some(Auto) auth=pat login verify replace pat-stdin",
            ),
        ];
        for (argv, expected) in table {
            let Command::Connect(args) = parse(&format!("connect {argv}")) else {
                unreachable!()
            };
            assert_eq!(summary(&connect(&args)), expected, "{argv}");
        }
    }

    /// Command lines as README.md and docs/*.md write them (`…` filled in), each with whether
    /// feedctl accepts it: clap first, then connect's own check of `--auth` with the token
    /// flags, which clap cannot express.
    #[test]
    fn documented_command_lines_are_accepted() {
        const FEED: &str = "https://dev.azure.com/contoso/web/_artifacts/feed/crates";
        let table = [
            ("connect --org contoso --feed crates", true),
            ("connect --org contoso --feed tools --user", true),
            ("connect --org contoso --project Web --feed crates", true),
            (
                "connect --server-url https://tfs.contoso.com/tfs --collection DefaultCollection --feed crates",
                true,
            ),
            (&format!("connect {FEED} --auth azure-cli"), true),
            (&format!("connect {FEED} --auth entra"), true),
            (&format!("connect {FEED} --pat-stdin"), true),
            (&format!("connect {FEED} --force-auth"), true),
            (&format!("connect {FEED} --pat-env AZURE_DEVOPS_PAT"), true),
            (&format!("connect {FEED} --azure-cli"), true),
            // The way back from `--auth azure-cli` (docs/auth.md), with each token source.
            (&format!("connect {FEED} --auth pat"), true),
            (&format!("connect {FEED} --auth pat --pat-stdin"), true),
            (
                &format!("connect {FEED} --auth pat --pat-env AZURE_DEVOPS_PAT"),
                true,
            ),
            (&format!("connect {FEED} --auth pat --azure-cli"), true),
            (
                &format!("connect {FEED} --auth azure-cli --pat-stdin"),
                false,
            ),
            (&format!("connect {FEED} --auth entra --pat-env PAT"), false),
            (
                &format!("connect {FEED} --auth azure-cli --azure-cli"),
                false,
            ),
            (&format!("connect {FEED} --no-login --pat-stdin"), false),
            ("disconnect --user", true),
            ("disconnect --name crates --logout", true),
            ("login --pat-stdin --json", true),
            ("login --name crates", true),
            ("logout --name crates", true),
            ("providers --auth entra --name crates", true),
            ("providers --auth azure-cli --name crates", true),
            ("providers --store file --dry-run", true),
            ("env --auth entra", true),
            ("env --format azure-pipelines", true),
            ("env --format powershell", true),
            ("env --verify", true),
            ("doctor --offline --json", true),
            ("status --json", true),
            ("completions bash", true),
        ];
        for (argv, accepted) in table {
            let argv_all = ["feedctl"].into_iter().chain(argv.split(' '));
            let parsed = Cli::try_parse_from(argv_all).map_err(|e| e.to_string());
            let checked = parsed.and_then(|cli| match cli.command {
                Some(Command::Connect(args)) => {
                    connect(&args).check_flags().map_err(|e| e.to_string())
                }
                _ => Ok(()),
            });
            assert_eq!(checked.is_ok(), accepted, "{argv}: {checked:?}");
        }
    }

    /// Every command line README.md and docs/*.md show (in code blocks, after `$ ` or `| `, and
    /// in inline code), with `…` filled in, is accepted by the CLI; lines showing a syntax
    /// (`[--name R]`, `<feed-url>`, `a|b`) are left to the table above.
    /// Whether `words` is a path of (sub)command names and nothing else.
    fn names_only_commands(words: &[String]) -> bool {
        let mut command = Cli::command();
        for word in words {
            match command.find_subcommand(word) {
                Some(sub) => command = sub.clone(),
                None => return false,
            }
        }
        true
    }

    #[test]
    fn every_command_line_in_the_docs_parses() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("README.md")];
        for entry in std::fs::read_dir(root.join("docs")).unwrap() {
            files.push(entry.unwrap().path());
        }
        let mut seen = 0;
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "md"))
        {
            let text = std::fs::read_to_string(file).unwrap();
            for line in text.lines() {
                for (at, _) in line.match_indices("feedctl ") {
                    let before = line[..at].trim_end();
                    let inline = before.ends_with('`');
                    if !(before.is_empty() || inline || before.ends_with('|') || before == "$") {
                        continue;
                    }
                    // Inline code ends at its backtick; code blocks hold none.
                    let rest = line[at..].split('`').next().unwrap();
                    let command = rest.split(" | ").next().unwrap();
                    let command = command.split(" #").next().unwrap().trim();
                    if command.contains(['[', '<', '|', '{', '*']) || command.ends_with('`') {
                        continue;
                    }
                    let command = command.replace(
                        "…",
                        "https://dev.azure.com/contoso/web/_artifacts/feed/crates",
                    );
                    let Some(mut argv) = split_words(&command) else {
                        continue;
                    };
                    // The docs' placeholders, where a value must be one of a list.
                    for word in &mut argv {
                        if word == "SHELL" {
                            *word = "bash".to_string();
                        }
                    }
                    // Prose that starts with the program's name, e.g. "feedctl encodes …".
                    if argv.len() > 1
                        && !argv[1].starts_with('-')
                        && argv[1].chars().any(char::is_uppercase)
                    {
                        continue;
                    }
                    let parsed = Cli::try_parse_from(&argv);
                    if argv.len() > 1
                        && !argv[1].starts_with('-')
                        && parsed.is_err()
                        && !Cli::command()
                            .get_subcommands()
                            .any(|c| c.get_name() == argv[1])
                    {
                        continue;
                    }
                    use clap::error::ErrorKind;
                    let checked = match parsed {
                        // `--help` and `--version` "fail" with their text, and so does a
                        // command group named without its subcommand (`feedctl feed`).
                        Err(e)
                            if matches!(
                                e.kind(),
                                ErrorKind::DisplayHelp
                                    | ErrorKind::DisplayVersion
                                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                            ) =>
                        {
                            Ok(())
                        }
                        // A command named in prose, without its arguments (`feedctl feed
                        // create` creates …): every word is a (sub)command.
                        Err(e)
                            if e.kind() == ErrorKind::MissingRequiredArgument
                                && names_only_commands(&argv[1..]) =>
                        {
                            Ok(())
                        }
                        other => {
                            other
                                .map_err(|e| e.to_string())
                                .and_then(|cli| match cli.command {
                                    Some(Command::Connect(args)) => {
                                        connect(&args).check_flags().map_err(|e| e.to_string())
                                    }
                                    _ => Ok(()),
                                })
                        }
                    };
                    assert!(
                        checked.is_ok(),
                        "{}: `{command}`: {checked:?}",
                        file.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 20, "only {seen} command lines found in the docs");
    }

    /// Words as a POSIX shell splits a simple line: spaces, and `"…"`/`'…'` quoting.
    fn split_words(line: &str) -> Option<Vec<String>> {
        let mut words = Vec::new();
        let mut word: Option<String> = None;
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.get_or_insert_default().push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    word.get_or_insert_default();
                }
                (None, c) if c.is_whitespace() => words.extend(word.take()),
                (None, c) => word.get_or_insert_default().push(c),
            }
        }
        words.extend(word);
        quote.is_none().then_some(words)
    }

    #[test]
    fn env_flags_become_options() {
        let table = [
            ("env", Format::Sh, false, None),
            (
                "env --format github --auth entra",
                Format::Github,
                true,
                None,
            ),
            (
                "env --format azure-pipelines --pat-env PAT --verify",
                Format::AzurePipelines,
                false,
                Some("PAT"),
            ),
            (
                "env --format cmd --name a --name b",
                Format::Cmd,
                false,
                None,
            ),
        ];
        for (argv, format, entra, pat_env) in table {
            let Command::Env(args) = parse(argv) else {
                unreachable!()
            };
            let options = ci_env(&args);
            assert_eq!(options.format, format, "{argv}");
            assert_eq!(options.entra, entra, "{argv}");
            assert_eq!(options.token.pat_env.as_deref(), pat_env, "{argv}");
            assert_eq!(options.verify, argv.contains("--verify"), "{argv}");
        }
    }
}
