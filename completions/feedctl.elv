
use builtin;
use str;

set edit:completion:arg-completer[feedctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'feedctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'feedctl'= {
            cand --cargo-plugin 'Run as a cargo credential provider (cargo starts feedctl this way after `feedctl connect --auth azure-cli`; not for people)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand connect 'Point this project at a feed: registry, crates.io replacement, providers and login.'
            cand providers 'Set cargo''s credential providers in `$CARGO_HOME/config.toml` for this OS.'
            cand login 'Check a token against the feed, then store it with `cargo login`.'
            cand logout 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.'
            cand env 'Print the environment variables that make cargo authenticate in CI.'
            cand status 'Show the registries, crates.io replacement, providers and tokens in effect here.'
            cand doctor 'Check everything between `cargo build` and the feed; name each problem and its fix.'
            cand pat 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.'
            cand feed 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).'
            cand save 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.'
            cand disconnect 'Remove a registry (and the crates.io replacement pointing at it) from the project.'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;connect'= {
            cand --org 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso'
            cand --server-url 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`'
            cand --collection 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`'
            cand --project 'Project of a project-scoped feed, e.g. `--project "Web Team"`; omit for an organization- or collection-scoped feed'
            cand --feed 'Feed name, e.g. `--feed crates`. Without it (with `--org` or `--server-url`), connect lists the feeds you can read: to pick from on a terminal, else with the command for each'
            cand --name 'Registry name in cargo''s config (default: the feed name), e.g. `--name company`. Letters, digits, `_` and `-`; `crates-io` is reserved'
            cand --config 'Config file to edit: a `.cargo/config.toml` (or legacy `.cargo/config`), e.g. `--config ../.cargo/config.toml` (default: `.cargo/config.toml` at the workspace root, or at the package when its `package.workspace` root is not above the current directory)'
            cand --store 'Where cargo should keep tokens (see `feedctl providers --help`), e.g. `--store file`'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --scope 'With `--mint`: `write` (default) or `read`, as in `feedctl login --help`'
            cand --days 'With `--mint`: days the PAT is valid, 1 to 365, e.g. `--days 30`'
            cand --auth 'How cargo gets a token: `pat` (default) stores a verified PAT with `cargo login`; `azure-cli` makes feedctl hand cargo a fresh Entra ID token from `az` on every build, storing nothing, e.g. `--auth azure-cli` after `az login`; `entra` does the same with the first source that applies here, in this order: GitHub Actions OIDC, Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, `az`'
            cand --force-auth 'Use `FEED~force-auth` so cargo always sends a token. Needed on PUBLIC feeds by feed owners, publishers and "Feed and Upstream Reader" members: without it cargo reads anonymously and cannot save new crates from upstream sources. Private feeds never need it'
            cand --user 'Configure the feed for every project of this user, in `$CARGO_HOME/config.toml`, replacing crates.io there too unless `--no-replace-crates-io`. This is what `cargo install --registry NAME` needs (it ignores project config); without it, feedctl refuses to run outside a cargo project (e.g. in `$HOME`)'
            cand --no-replace-crates-io 'Only add the registry; leave `[source.crates-io]` alone, so crates.io stays the default source and the feed is used only by dependencies with `registry = "NAME"`'
            cand --force 'Overwrite a registry of the same name with a different index, or a crates.io replacement that points at another source. What it replaced is recorded in a comment in the file, and `feedctl disconnect` puts it back'
            cand --dry-run 'Print the changes as a unified diff and touch nothing (no network either)'
            cand --json 'Print a machine-readable JSON result to stdout'
            cand --no-providers 'Leave `$CARGO_HOME/config.toml`''s credential providers as they are'
            cand --no-login 'Do not log in; print the `feedctl login` command to run later instead'
            cand --no-verify 'Store the token without first checking it against the feed'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand --mint 'Create a PAT for the feed''s organization only from your Azure CLI login (`az login` as a user), check it and store it (as `feedctl login --mint` does)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;providers'= {
            cand --auth '`azure-cli` makes feedctl cargo''s credential provider for one registry in `$CARGO_HOME/config.toml` (needs `az login`), e.g. `--auth azure-cli --name crates`; `entra` likewise, with tokens from the platform''s identity (see `connect --help`)'
            cand --name 'With `--auth azure-cli` or `entra`: the registry, e.g. `--name crates` (default: the only Azure Artifacts registry configured here)'
            cand --store 'Where cargo should keep tokens: `auto` uses the OS store (Keychain, Credential Manager, Secret Service) when it answers here and falls back to `file` (`$CARGO_HOME/credentials.toml`, mode 0600); e.g. `--store file` on CI machines'
            cand --dry-run 'Print the change as a unified diff and touch nothing'
            cand --json 'Print a machine-readable JSON result to stdout (shape in the README)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;login'= {
            cand --name 'Registry to log in to, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --scope 'With `--mint`: `write` (Packaging > Read & write, default: also saves crates from crates.io into the feed) or `read` (Packaging > Read: only crates already in the feed)'
            cand --days 'With `--mint` or `--renew`: days the PAT is valid, 1 to 365 (an organization may allow fewer), e.g. `--days 30`'
            cand --output 'With `--no-store`: the new file to write the PAT to, e.g. `--output cargo-token.txt`'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand --mint 'Create a PAT for the registry''s organization only, from your Azure CLI login (`az login` as a user; app identities cannot create PATs), check it and store it; replaces a PAT feedctl minted before (revoked once the new one works). See docs/tokens.md'
            cand --renew 'Replace the PAT feedctl minted for the registry with a new one of the same scope, then revoke the old one; if any step fails, the old one stays stored and working'
            cand --no-store 'With `--mint`: do not store the PAT for cargo; write it to `--output FILE` (created with mode 0600) or to standard output when that is a pipe, as the whole `Basic …` value that `CARGO_REGISTRIES_<NAME>_TOKEN` and Dependabot take'
            cand --raw 'With `--no-store`: write the bare PAT instead of `Basic …` (for tools that encode it themselves)'
            cand --dry-run 'With `--mint` or `--renew`: print the PAT request (name, scope, lifetime, organization) and send nothing'
            cand --no-verify 'Store the token without first checking it against the feed'
            cand --json 'Print a machine-readable JSON result to stdout (shape in the README)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;logout'= {
            cand --name 'Registry to log out of, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)'
            cand --keep-pat 'Do not revoke the PAT feedctl minted for the registry: log out and forget it (it stays valid until it expires)'
            cand --json 'Print a machine-readable JSON result to stdout (shape in the README)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;env'= {
            cand --name 'Registry to emit variables for, repeatable, e.g. `--name crates --name tools` (default: every Azure Artifacts registry configured here)'
            cand --format 'Output syntax, e.g. `--format github`'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --auth '`entra`: mint one Microsoft Entra ID token from the platform''s own identity (GitHub Actions or Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, then `az`) instead of a PAT, e.g. `--auth entra`. It lasts about an hour'
            cand --verify 'First check the token against every registry''s feed, as cargo will send it; on a refusal fail (exit 4, 5 or 6) without emitting anything'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;status'= {
            cand --json 'Print JSON, e.g. `feedctl status --json | jq .registries`'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;doctor'= {
            cand --json 'Print JSON: `{"ok", "failed", "warnings", "checks": [{"id", "registry", "status", "message", "fix"}]}` (shapes in the README)'
            cand --offline 'Skip the checks that contact the feed'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;pat'= {
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
            cand revoke 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;pat;list'= {
            cand --json 'Print JSON (shape in docs/json.md), e.g. `feedctl pat list --json | jq ''.pats[].valid_to''`'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;pat;revoke'= {
            cand --dry-run 'Say which PATs would be revoked, and revoke nothing (no network either)'
            cand --json 'Print JSON (shape in docs/json.md): `{"dry_run", "revoked": [ids]}`'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;pat;help'= {
            cand list 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
            cand revoke 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;pat;help;list'= {
        }
        &'feedctl;pat;help;revoke'= {
        }
        &'feedctl;pat;help;help'= {
        }
        &'feedctl;feed'= {
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand create 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
            cand list 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
            cand show 'Show one feed: upstreams and their health, your role, whether the token may write.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;feed;create'= {
            cand --org 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso'
            cand --server-url 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`'
            cand --collection 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`'
            cand --project 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --auth '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`'
            cand --no-upstream 'Create the feed without the crates.io upstream (then only crates published to the feed can be used)'
            cand --dry-run 'Print the request that would be sent (method, URL, body; never a token) and send nothing'
            cand --connect 'Then point this project at the new feed, as `feedctl connect` with the same token flags would'
            cand --json 'Print a machine-readable JSON result to stdout (shape in docs/json.md)'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;feed;list'= {
            cand --org 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso'
            cand --server-url 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`'
            cand --collection 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`'
            cand --project 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --auth '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`'
            cand --json 'Print JSON (shape in docs/json.md), e.g. `feedctl feed list --org contoso --json`'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;feed;show'= {
            cand --org 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso'
            cand --server-url 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`'
            cand --collection 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`'
            cand --project 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --auth '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`'
            cand --json 'Print JSON (shape in docs/json.md)'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;feed;help'= {
            cand create 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
            cand list 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
            cand show 'Show one feed: upstreams and their health, your role, whether the token may write.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;feed;help;create'= {
        }
        &'feedctl;feed;help;list'= {
        }
        &'feedctl;feed;help;show'= {
        }
        &'feedctl;feed;help;help'= {
        }
        &'feedctl;save'= {
            cand -j 'Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo''s jobs)'
            cand --jobs 'Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo''s jobs)'
            cand --pat-env 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)'
            cand --auth '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`'
            cand --check 'Download nothing: list the crates missing from the feed, with when each present one was saved and whether from the upstream; exit 8 when any is missing'
            cand --dry-run 'Show what would be downloaded (the URLs, never a token) and download nothing'
            cand --update 'Run `cargo generate-lockfile` first (without it the lockfile is only read)'
            cand --protect 'For crates of the feed''s own registry whose feed setting lets crates.io versions in (`allowExternalVersions`), set it to `auto` (needs Packaging > Read, write & manage)'
            cand --json 'Print JSON (shape in docs/json.md)'
            cand --pat-stdin 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
            cand --azure-cli 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;disconnect'= {
            cand --name 'Registry to remove, e.g. `--name crates` (default: the only Azure Artifacts registry in the file)'
            cand --config 'Config file to edit, e.g. `--config ../.cargo/config.toml` (default: as for `connect`)'
            cand --user 'Edit `$CARGO_HOME/config.toml` instead of the project config (undoes `connect --user`)'
            cand --logout 'Also remove the stored token (`cargo logout`)'
            cand --dry-run 'Print the change as a unified diff and touch nothing'
            cand --json 'Print a machine-readable JSON result to stdout (shape in the README)'
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;completions'= {
            cand -v 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand --verbose 'Print what feedctl reads, runs and requests (never a token), to stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'feedctl;help'= {
            cand connect 'Point this project at a feed: registry, crates.io replacement, providers and login.'
            cand providers 'Set cargo''s credential providers in `$CARGO_HOME/config.toml` for this OS.'
            cand login 'Check a token against the feed, then store it with `cargo login`.'
            cand logout 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.'
            cand env 'Print the environment variables that make cargo authenticate in CI.'
            cand status 'Show the registries, crates.io replacement, providers and tokens in effect here.'
            cand doctor 'Check everything between `cargo build` and the feed; name each problem and its fix.'
            cand pat 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.'
            cand feed 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).'
            cand save 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.'
            cand disconnect 'Remove a registry (and the crates.io replacement pointing at it) from the project.'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'feedctl;help;connect'= {
        }
        &'feedctl;help;providers'= {
        }
        &'feedctl;help;login'= {
        }
        &'feedctl;help;logout'= {
        }
        &'feedctl;help;env'= {
        }
        &'feedctl;help;status'= {
        }
        &'feedctl;help;doctor'= {
        }
        &'feedctl;help;pat'= {
            cand list 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
            cand revoke 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
        }
        &'feedctl;help;pat;list'= {
        }
        &'feedctl;help;pat;revoke'= {
        }
        &'feedctl;help;feed'= {
            cand create 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
            cand list 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
            cand show 'Show one feed: upstreams and their health, your role, whether the token may write.'
        }
        &'feedctl;help;feed;create'= {
        }
        &'feedctl;help;feed;list'= {
        }
        &'feedctl;help;feed;show'= {
        }
        &'feedctl;help;save'= {
        }
        &'feedctl;help;disconnect'= {
        }
        &'feedctl;help;completions'= {
        }
        &'feedctl;help;help'= {
        }
    ]
    $completions[$command]
}
