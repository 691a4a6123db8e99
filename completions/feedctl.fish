# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_feedctl_global_optspecs
    string join \n cargo-plugin v/verbose h/help V/version
end

function __fish_feedctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_feedctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_feedctl_using_subcommand
    set -l cmd (__fish_feedctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c feedctl -n "__fish_feedctl_needs_command" -l cargo-plugin -d 'Run as a cargo credential provider (cargo starts feedctl this way after `feedctl connect --auth azure-cli`; not for people)'
complete -c feedctl -n "__fish_feedctl_needs_command" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_needs_command" -s V -l version -d 'Print version'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "connect" -d 'Point this project at a feed: registry, crates.io replacement, providers and login.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "providers" -d 'Set cargo\'s credential providers in `$CARGO_HOME/config.toml` for this OS.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "login" -d 'Check a token against the feed, then store it with `cargo login`.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "logout" -d 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "env" -d 'Print the environment variables that make cargo authenticate in CI.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "status" -d 'Show the registries, crates.io replacement, providers and tokens in effect here.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "doctor" -d 'Check everything between `cargo build` and the feed; name each problem and its fix.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "pat" -d 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "feed" -d 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "save" -d 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "disconnect" -d 'Remove a registry (and the crates.io replacement pointing at it) from the project.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "completions" -d 'Print a shell completion script.'
complete -c feedctl -n "__fish_feedctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l org -d 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l server-url -d 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l collection -d 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l project -d 'Project of a project-scoped feed, e.g. `--project "Web Team"`; omit for an organization- or collection-scoped feed' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l feed -d 'Feed name, e.g. `--feed crates`. Without it (with `--org` or `--server-url`), connect lists the feeds you can read: to pick from on a terminal, else with the command for each' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l name -d 'Registry name in cargo\'s config (default: the feed name), e.g. `--name company`. Letters, digits, `_` and `-`; `crates-io` is reserved' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l config -d 'Config file to edit: a `.cargo/config.toml` (or legacy `.cargo/config`), e.g. `--config ../.cargo/config.toml` (default: `.cargo/config.toml` at the workspace root, or at the package when its `package.workspace` root is not above the current directory)' -r -F
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l store -d 'Where cargo should keep tokens (see `feedctl providers --help`), e.g. `--store file`' -r -f -a "auto\t'The OS store if it works here, else `$CARGO_HOME/credentials.toml`'
os\t'The OS store (Keychain, Credential Manager, Secret Service), even if the probe fails'
file\t'`$CARGO_HOME/credentials.toml` (mode 0600) only'"
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l scope -d 'With `--mint`: `write` (default) or `read`, as in `feedctl login --help`' -r -f -a "write\t'Packaging > Read & write'
read\t'Packaging > Read'"
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l days -d 'With `--mint`: days the PAT is valid, 1 to 365, e.g. `--days 30`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l auth -d 'How cargo gets a token: `pat` (default) stores a verified PAT with `cargo login`; `azure-cli` makes feedctl hand cargo a fresh Entra ID token from `az` on every build, storing nothing, e.g. `--auth azure-cli` after `az login`; `entra` does the same with the first source that applies here, in this order: GitHub Actions OIDC, Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, `az`' -r -f -a "pat\t'A personal access token, checked and stored once with `cargo login`'
azure-cli\t'A fresh Microsoft Entra ID token from `az` for every cargo command, via feedctl as cargo\'s credential provider for this registry. Nothing secret is stored'
entra\t'A fresh Microsoft Entra ID token from the platform the build runs on (GitHub Actions, Azure Pipelines, Kubernetes, managed identity, Codespaces; then `az`), via feedctl as cargo\'s credential provider for this registry. No PAT, no secret stored'"
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l force-auth -d 'Use `FEED~force-auth` so cargo always sends a token. Needed on PUBLIC feeds by feed owners, publishers and "Feed and Upstream Reader" members: without it cargo reads anonymously and cannot save new crates from upstream sources. Private feeds never need it'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l user -d 'Configure the feed for every project of this user, in `$CARGO_HOME/config.toml`, replacing crates.io there too unless `--no-replace-crates-io`. This is what `cargo install --registry NAME` needs (it ignores project config); without it, feedctl refuses to run outside a cargo project (e.g. in `$HOME`)'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l no-replace-crates-io -d 'Only add the registry; leave `[source.crates-io]` alone, so crates.io stays the default source and the feed is used only by dependencies with `registry = "NAME"`'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l force -d 'Overwrite a registry of the same name with a different index, or a crates.io replacement that points at another source. What it replaced is recorded in a comment in the file, and `feedctl disconnect` puts it back'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l dry-run -d 'Print the changes as a unified diff and touch nothing (no network either)'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l json -d 'Print a machine-readable JSON result to stdout'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l no-providers -d 'Leave `$CARGO_HOME/config.toml`\'s credential providers as they are'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l no-login -d 'Do not log in; print the `feedctl login` command to run later instead'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l no-verify -d 'Store the token without first checking it against the feed'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -l mint -d 'Create a PAT for the feed\'s organization only from your Azure CLI login (`az login` as a user), check it and store it (as `feedctl login --mint` does)'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -l auth -d '`azure-cli` makes feedctl cargo\'s credential provider for one registry in `$CARGO_HOME/config.toml` (needs `az login`), e.g. `--auth azure-cli --name crates`; `entra` likewise, with tokens from the platform\'s identity (see `connect --help`)' -r -f -a "pat\t'A personal access token, checked and stored once with `cargo login`'
azure-cli\t'A fresh Microsoft Entra ID token from `az` for every cargo command, via feedctl as cargo\'s credential provider for this registry. Nothing secret is stored'
entra\t'A fresh Microsoft Entra ID token from the platform the build runs on (GitHub Actions, Azure Pipelines, Kubernetes, managed identity, Codespaces; then `az`), via feedctl as cargo\'s credential provider for this registry. No PAT, no secret stored'"
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -l name -d 'With `--auth azure-cli` or `entra`: the registry, e.g. `--name crates` (default: the only Azure Artifacts registry configured here)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -l store -d 'Where cargo should keep tokens: `auto` uses the OS store (Keychain, Credential Manager, Secret Service) when it answers here and falls back to `file` (`$CARGO_HOME/credentials.toml`, mode 0600); e.g. `--store file` on CI machines' -r -f -a "auto\t'The OS store if it works here, else `$CARGO_HOME/credentials.toml`'
os\t'The OS store (Keychain, Credential Manager, Secret Service), even if the probe fails'
file\t'`$CARGO_HOME/credentials.toml` (mode 0600) only'"
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -l dry-run -d 'Print the change as a unified diff and touch nothing'
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -l json -d 'Print a machine-readable JSON result to stdout (shape in the README)'
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand providers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l name -d 'Registry to log in to, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l scope -d 'With `--mint`: `write` (Packaging > Read & write, default: also saves crates from crates.io into the feed) or `read` (Packaging > Read: only crates already in the feed)' -r -f -a "write\t'Packaging > Read & write'
read\t'Packaging > Read'"
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l days -d 'With `--mint` or `--renew`: days the PAT is valid, 1 to 365 (an organization may allow fewer), e.g. `--days 30`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l output -d 'With `--no-store`: the new file to write the PAT to, e.g. `--output cargo-token.txt`' -r -F
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l mint -d 'Create a PAT for the registry\'s organization only, from your Azure CLI login (`az login` as a user; app identities cannot create PATs), check it and store it; replaces a PAT feedctl minted before (revoked once the new one works). See docs/tokens.md'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l renew -d 'Replace the PAT feedctl minted for the registry with a new one of the same scope, then revoke the old one; if any step fails, the old one stays stored and working'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l no-store -d 'With `--mint`: do not store the PAT for cargo; write it to `--output FILE` (created with mode 0600) or to standard output when that is a pipe, as the whole `Basic …` value that `CARGO_REGISTRIES_<NAME>_TOKEN` and Dependabot take'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l raw -d 'With `--no-store`: write the bare PAT instead of `Basic …` (for tools that encode it themselves)'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l dry-run -d 'With `--mint` or `--renew`: print the PAT request (name, scope, lifetime, organization) and send nothing'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l no-verify -d 'Store the token without first checking it against the feed'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -l json -d 'Print a machine-readable JSON result to stdout (shape in the README)'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand logout" -l name -d 'Registry to log out of, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand logout" -l keep-pat -d 'Do not revoke the PAT feedctl minted for the registry: log out and forget it (it stays valid until it expires)'
complete -c feedctl -n "__fish_feedctl_using_subcommand logout" -l json -d 'Print a machine-readable JSON result to stdout (shape in the README)'
complete -c feedctl -n "__fish_feedctl_using_subcommand logout" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l name -d 'Registry to emit variables for, repeatable, e.g. `--name crates --name tools` (default: every Azure Artifacts registry configured here)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l format -d 'Output syntax, e.g. `--format github`' -r -f -a "sh\t'`export NAME=\'value\'` lines for `eval` in sh, bash, zsh'
powershell\t'`$env:NAME = \'value\'` lines for `Invoke-Expression`'
cmd\t'`set "NAME=value"` lines for cmd.exe batch files'
dotenv\t'`NAME=value` lines for `.env` files and `docker --env-file`'
github\t'Append to `$GITHUB_ENV` for later steps; print `::add-mask::` for the secret'
azure-pipelines\t'`##vso[task.setvariable …;issecret=true]` commands for later steps'"
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l auth -d '`entra`: mint one Microsoft Entra ID token from the platform\'s own identity (GitHub Actions or Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, then `az`) instead of a PAT, e.g. `--auth entra`. It lasts about an hour' -r -f -a "entra\t'The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`)'"
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l verify -d 'First check the token against every registry\'s feed, as cargo will send it; on a refusal fail (exit 4, 5 or 6) without emitting anything'
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand status" -l json -d 'Print JSON, e.g. `feedctl status --json | jq .registries`'
complete -c feedctl -n "__fish_feedctl_using_subcommand status" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand doctor" -l json -d 'Print JSON: `{"ok", "failed", "warnings", "checks": [{"id", "registry", "status", "message", "fix"}]}` (shapes in the README)'
complete -c feedctl -n "__fish_feedctl_using_subcommand doctor" -l offline -d 'Skip the checks that contact the feed'
complete -c feedctl -n "__fish_feedctl_using_subcommand doctor" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and not __fish_seen_subcommand_from list revoke help" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and not __fish_seen_subcommand_from list revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and not __fish_seen_subcommand_from list revoke help" -f -a "list" -d 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and not __fish_seen_subcommand_from list revoke help" -f -a "revoke" -d 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and not __fish_seen_subcommand_from list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (shape in docs/json.md), e.g. `feedctl pat list --json | jq \'.pats[].valid_to\'`'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from revoke" -l dry-run -d 'Say which PATs would be revoked, and revoke nothing (no network either)'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON (shape in docs/json.md): `{"dry_run", "revoked": [ids]}`'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
complete -c feedctl -n "__fish_feedctl_using_subcommand pat; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -f -a "create" -d 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -f -a "list" -d 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -f -a "show" -d 'Show one feed: upstreams and their health, your role, whether the token may write.'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and not __fish_seen_subcommand_from create list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l org -d 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l server-url -d 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l collection -d 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l project -d 'Project, e.g. `--project "Web Team"`; omit for the organization\'s (or collection\'s) own feeds' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l auth -d '`entra`: a Microsoft Entra ID token from the platform\'s identity (see `connect --help`), e.g. `--auth entra`' -r -f -a "entra\t'The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`)'"
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l no-upstream -d 'Create the feed without the crates.io upstream (then only crates published to the feed can be used)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l dry-run -d 'Print the request that would be sent (method, URL, body; never a token) and send nothing'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l connect -d 'Then point this project at the new feed, as `feedctl connect` with the same token flags would'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l json -d 'Print a machine-readable JSON result to stdout (shape in docs/json.md)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l org -d 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l server-url -d 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l collection -d 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l project -d 'Project, e.g. `--project "Web Team"`; omit for the organization\'s (or collection\'s) own feeds' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l auth -d '`entra`: a Microsoft Entra ID token from the platform\'s identity (see `connect --help`), e.g. `--auth entra`' -r -f -a "entra\t'The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`)'"
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (shape in docs/json.md), e.g. `feedctl feed list --org contoso --json`'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l org -d 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l server-url -d 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l collection -d 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l project -d 'Project, e.g. `--project "Web Team"`; omit for the organization\'s (or collection\'s) own feeds' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l auth -d '`entra`: a Microsoft Entra ID token from the platform\'s identity (see `connect --help`), e.g. `--auth entra`' -r -f -a "entra\t'The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`)'"
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (shape in docs/json.md)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one feed: upstreams and their health, your role, whether the token may write.'
complete -c feedctl -n "__fish_feedctl_using_subcommand feed; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -s j -l jobs -d 'Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo\'s jobs)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l pat-env -d 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l auth -d '`entra`: a Microsoft Entra ID token from the platform\'s identity (see `connect --help`), e.g. `--auth entra`' -r -f -a "entra\t'The Microsoft Entra ID chain (see `feedctl connect --help`, `--auth entra`)'"
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l check -d 'Download nothing: list the crates missing from the feed, with when each present one was saved and whether from the upstream; exit 8 when any is missing'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l dry-run -d 'Show what would be downloaded (the URLs, never a token) and download nothing'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l update -d 'Run `cargo generate-lockfile` first (without it the lockfile is only read)'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l protect -d 'For crates of the feed\'s own registry whose feed setting lets crates.io versions in (`allowExternalVersions`), set it to `auto` (needs Packaging > Read, write & manage)'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l json -d 'Print JSON (shape in docs/json.md)'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l pat-stdin -d 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf \'%s\\n\' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo\'s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -l azure-cli -d 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l name -d 'Registry to remove, e.g. `--name crates` (default: the only Azure Artifacts registry in the file)' -r
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l config -d 'Config file to edit, e.g. `--config ../.cargo/config.toml` (default: as for `connect`)' -r -F
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l user -d 'Edit `$CARGO_HOME/config.toml` instead of the project config (undoes `connect --user`)'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l logout -d 'Also remove the stored token (`cargo logout`)'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l dry-run -d 'Print the change as a unified diff and touch nothing'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -l json -d 'Print a machine-readable JSON result to stdout (shape in the README)'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand disconnect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand completions" -s v -l verbose -d 'Print what feedctl reads, runs and requests (never a token), to stderr'
complete -c feedctl -n "__fish_feedctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "connect" -d 'Point this project at a feed: registry, crates.io replacement, providers and login.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "providers" -d 'Set cargo\'s credential providers in `$CARGO_HOME/config.toml` for this OS.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "login" -d 'Check a token against the feed, then store it with `cargo login`.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "logout" -d 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "env" -d 'Print the environment variables that make cargo authenticate in CI.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "status" -d 'Show the registries, crates.io replacement, providers and tokens in effect here.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "doctor" -d 'Check everything between `cargo build` and the feed; name each problem and its fix.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "pat" -d 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "feed" -d 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "save" -d 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "disconnect" -d 'Remove a registry (and the crates.io replacement pointing at it) from the project.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "completions" -d 'Print a shell completion script.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and not __fish_seen_subcommand_from connect providers login logout env status doctor pat feed save disconnect completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and __fish_seen_subcommand_from pat" -f -a "list" -d 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and __fish_seen_subcommand_from pat" -f -a "revoke" -d 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and __fish_seen_subcommand_from feed" -f -a "create" -d 'Create a feed with the crates.io upstream (or make sure an existing one has it).'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and __fish_seen_subcommand_from feed" -f -a "list" -d 'List the feeds you can read: scope, crates.io upstream, your role, index URL.'
complete -c feedctl -n "__fish_feedctl_using_subcommand help; and __fish_seen_subcommand_from feed" -f -a "show" -d 'Show one feed: upstreams and their health, your role, whether the token may write.'
