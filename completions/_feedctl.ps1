
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'feedctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'feedctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'feedctl' {
            [CompletionResult]::new('--cargo-plugin', '--cargo-plugin', [CompletionResultType]::ParameterName, 'Run as a cargo credential provider (cargo starts feedctl this way after `feedctl connect --auth azure-cli`; not for people)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Point this project at a feed: registry, crates.io replacement, providers and login.')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'Set cargo''s credential providers in `$CARGO_HOME/config.toml` for this OS.')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Check a token against the feed, then store it with `cargo login`.')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment variables that make cargo authenticate in CI.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the registries, crates.io replacement, providers and tokens in effect here.')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check everything between `cargo build` and the feed; name each problem and its fix.')
            [CompletionResult]::new('pat', 'pat', [CompletionResultType]::ParameterValue, 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.')
            [CompletionResult]::new('feed', 'feed', [CompletionResultType]::ParameterValue, 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.')
            [CompletionResult]::new('disconnect', 'disconnect', [CompletionResultType]::ParameterValue, 'Remove a registry (and the crates.io replacement pointing at it) from the project.')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;connect' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project of a project-scoped feed, e.g. `--project "Web Team"`; omit for an organization- or collection-scoped feed')
            [CompletionResult]::new('--feed', '--feed', [CompletionResultType]::ParameterName, 'Feed name, e.g. `--feed crates`. Without it (with `--org` or `--server-url`), connect lists the feeds you can read: to pick from on a terminal, else with the command for each')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Registry name in cargo''s config (default: the feed name), e.g. `--name company`. Letters, digits, `_` and `-`; `crates-io` is reserved')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to edit: a `.cargo/config.toml` (or legacy `.cargo/config`), e.g. `--config ../.cargo/config.toml` (default: `.cargo/config.toml` at the workspace root, or at the package when its `package.workspace` root is not above the current directory)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where cargo should keep tokens (see `feedctl providers --help`), e.g. `--store file`')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'With `--mint`: `write` (default) or `read`, as in `feedctl login --help`')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'With `--mint`: days the PAT is valid, 1 to 365, e.g. `--days 30`')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'How cargo gets a token: `pat` (default) stores a verified PAT with `cargo login`; `azure-cli` makes feedctl hand cargo a fresh Entra ID token from `az` on every build, storing nothing, e.g. `--auth azure-cli` after `az login`; `entra` does the same with the first source that applies here, in this order: GitHub Actions OIDC, Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, `az`')
            [CompletionResult]::new('--force-auth', '--force-auth', [CompletionResultType]::ParameterName, 'Use `FEED~force-auth` so cargo always sends a token. Needed on PUBLIC feeds by feed owners, publishers and "Feed and Upstream Reader" members: without it cargo reads anonymously and cannot save new crates from upstream sources. Private feeds never need it')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Configure the feed for every project of this user, in `$CARGO_HOME/config.toml`, replacing crates.io there too unless `--no-replace-crates-io`. This is what `cargo install --registry NAME` needs (it ignores project config); without it, feedctl refuses to run outside a cargo project (e.g. in `$HOME`)')
            [CompletionResult]::new('--no-replace-crates-io', '--no-replace-crates-io', [CompletionResultType]::ParameterName, 'Only add the registry; leave `[source.crates-io]` alone, so crates.io stays the default source and the feed is used only by dependencies with `registry = "NAME"`')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite a registry of the same name with a different index, or a crates.io replacement that points at another source. What it replaced is recorded in a comment in the file, and `feedctl disconnect` puts it back')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the changes as a unified diff and touch nothing (no network either)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout')
            [CompletionResult]::new('--no-providers', '--no-providers', [CompletionResultType]::ParameterName, 'Leave `$CARGO_HOME/config.toml`''s credential providers as they are')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Do not log in; print the `feedctl login` command to run later instead')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store the token without first checking it against the feed')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('--mint', '--mint', [CompletionResultType]::ParameterName, 'Create a PAT for the feed''s organization only from your Azure CLI login (`az login` as a user), check it and store it (as `feedctl login --mint` does)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;providers' {
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`azure-cli` makes feedctl cargo''s credential provider for one registry in `$CARGO_HOME/config.toml` (needs `az login`), e.g. `--auth azure-cli --name crates`; `entra` likewise, with tokens from the platform''s identity (see `connect --help`)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'With `--auth azure-cli` or `entra`: the registry, e.g. `--name crates` (default: the only Azure Artifacts registry configured here)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where cargo should keep tokens: `auto` uses the OS store (Keychain, Credential Manager, Secret Service) when it answers here and falls back to `file` (`$CARGO_HOME/credentials.toml`, mode 0600); e.g. `--store file` on CI machines')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the change as a unified diff and touch nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout (shape in the README)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;login' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Registry to log in to, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'With `--mint`: `write` (Packaging > Read & write, default: also saves crates from crates.io into the feed) or `read` (Packaging > Read: only crates already in the feed)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'With `--mint` or `--renew`: days the PAT is valid, 1 to 365 (an organization may allow fewer), e.g. `--days 30`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With `--no-store`: the new file to write the PAT to, e.g. `--output cargo-token.txt`')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('--mint', '--mint', [CompletionResultType]::ParameterName, 'Create a PAT for the registry''s organization only, from your Azure CLI login (`az login` as a user; app identities cannot create PATs), check it and store it; replaces a PAT feedctl minted before (revoked once the new one works). See docs/tokens.md')
            [CompletionResult]::new('--renew', '--renew', [CompletionResultType]::ParameterName, 'Replace the PAT feedctl minted for the registry with a new one of the same scope, then revoke the old one; if any step fails, the old one stays stored and working')
            [CompletionResult]::new('--no-store', '--no-store', [CompletionResultType]::ParameterName, 'With `--mint`: do not store the PAT for cargo; write it to `--output FILE` (created with mode 0600) or to standard output when that is a pipe, as the whole `Basic …` value that `CARGO_REGISTRIES_<NAME>_TOKEN` and Dependabot take')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'With `--no-store`: write the bare PAT instead of `Basic …` (for tools that encode it themselves)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With `--mint` or `--renew`: print the PAT request (name, scope, lifetime, organization) and send nothing')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Store the token without first checking it against the feed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout (shape in the README)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;logout' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Registry to log out of, e.g. `--name company` (default: the only Azure Artifacts registry configured for this directory)')
            [CompletionResult]::new('--keep-pat', '--keep-pat', [CompletionResultType]::ParameterName, 'Do not revoke the PAT feedctl minted for the registry: log out and forget it (it stays valid until it expires)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout (shape in the README)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;env' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Registry to emit variables for, repeatable, e.g. `--name crates --name tools` (default: every Azure Artifacts registry configured here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output syntax, e.g. `--format github`')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`entra`: mint one Microsoft Entra ID token from the platform''s own identity (GitHub Actions or Azure Pipelines OIDC, Kubernetes workload identity, managed identity, Codespaces, then `az`) instead of a PAT, e.g. `--auth entra`. It lasts about an hour')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'First check the token against every registry''s feed, as cargo will send it; on a refusal fail (exit 4, 5 or 6) without emitting anything')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON, e.g. `feedctl status --json | jq .registries`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;doctor' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: `{"ok", "failed", "warnings", "checks": [{"id", "registry", "status", "message", "fix"}]}` (shapes in the README)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Skip the checks that contact the feed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;pat' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;pat;list' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape in docs/json.md), e.g. `feedctl pat list --json | jq ''.pats[].valid_to''`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;pat;revoke' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say which PATs would be revoked, and revoke nothing (no network either)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape in docs/json.md): `{"dry_run", "revoked": [ids]}`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;pat;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;pat;help;list' {
            break
        }
        'feedctl;pat;help;revoke' {
            break
        }
        'feedctl;pat;help;help' {
            break
        }
        'feedctl;feed' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a feed with the crates.io upstream (or make sure an existing one has it).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the feeds you can read: scope, crates.io upstream, your role, index URL.')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one feed: upstreams and their health, your role, whether the token may write.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;feed;create' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`')
            [CompletionResult]::new('--no-upstream', '--no-upstream', [CompletionResultType]::ParameterName, 'Create the feed without the crates.io upstream (then only crates published to the feed can be used)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (method, URL, body; never a token) and send nothing')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'Then point this project at the new feed, as `feedctl connect` with the same token flags would')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout (shape in docs/json.md)')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;feed;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape in docs/json.md), e.g. `feedctl feed list --org contoso --json`')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;feed;show' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Azure DevOps Services organization, e.g. `--org contoso` for dev.azure.com/contoso')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Azure DevOps Server base URL, path included, e.g. `--server-url https://tfs.contoso.com/tfs`')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'Azure DevOps Server collection, e.g. `--collection DefaultCollection`')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project, e.g. `--project "Web Team"`; omit for the organization''s (or collection''s) own feeds')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape in docs/json.md)')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;feed;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a feed with the crates.io upstream (or make sure an existing one has it).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the feeds you can read: scope, crates.io upstream, your role, index URL.')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one feed: upstreams and their health, your role, whether the token may write.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;feed;help;create' {
            break
        }
        'feedctl;feed;help;list' {
            break
        }
        'feedctl;feed;help;show' {
            break
        }
        'feedctl;feed;help;help' {
            break
        }
        'feedctl;save' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo''s jobs)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel downloads, e.g. `-j 4` (default: the available parallelism, as cargo''s jobs)')
            [CompletionResult]::new('--pat-env', '--pat-env', [CompletionResultType]::ParameterName, 'Read the PAT from an environment variable, e.g. `--pat-env AZURE_DEVOPS_PAT` (keeps the token out of shell history and process lists)')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, '`entra`: a Microsoft Entra ID token from the platform''s identity (see `connect --help`), e.g. `--auth entra`')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Download nothing: list the crates missing from the feed, with when each present one was saved and whether from the upstream; exit 8 when any is missing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be downloaded (the URLs, never a token) and download nothing')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Run `cargo generate-lockfile` first (without it the lockfile is only read)')
            [CompletionResult]::new('--protect', '--protect', [CompletionResultType]::ParameterName, 'For crates of the feed''s own registry whose feed setting lets crates.io versions in (`allowExternalVersions`), set it to `auto` (needs Packaging > Read, write & manage)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape in docs/json.md)')
            [CompletionResult]::new('--pat-stdin', '--pat-stdin', [CompletionResultType]::ParameterName, 'Read a personal access token (PAT) from standard input, one line, e.g. `$env:AZURE_DEVOPS_PAT | feedctl login --pat-stdin` (PowerShell) or `printf ''%s\n'' "$AZURE_DEVOPS_PAT" | feedctl login --pat-stdin` (sh). Create the PAT with Packaging > Read & write: cargo''s first download of a crate from crates.io saves it into the feed, which a Read-only PAT may not (Read is enough only when every crate is already in the feed)')
            [CompletionResult]::new('--azure-cli', '--azure-cli', [CompletionResultType]::ParameterName, 'Use a Microsoft Entra ID token from the Azure CLI (`az login` first) instead of a PAT. Such tokens expire after about an hour')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;disconnect' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Registry to remove, e.g. `--name crates` (default: the only Azure Artifacts registry in the file)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file to edit, e.g. `--config ../.cargo/config.toml` (default: as for `connect`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Edit `$CARGO_HOME/config.toml` instead of the project config (undoes `connect --user`)')
            [CompletionResult]::new('--logout', '--logout', [CompletionResultType]::ParameterName, 'Also remove the stored token (`cargo logout`)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the change as a unified diff and touch nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a machine-readable JSON result to stdout (shape in the README)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;completions' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print what feedctl reads, runs and requests (never a token), to stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'feedctl;help' {
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Point this project at a feed: registry, crates.io replacement, providers and login.')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'Set cargo''s credential providers in `$CARGO_HOME/config.toml` for this OS.')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Check a token against the feed, then store it with `cargo login`.')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored token (`cargo logout`) and revoke a PAT feedctl minted.')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment variables that make cargo authenticate in CI.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the registries, crates.io replacement, providers and tokens in effect here.')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check everything between `cargo build` and the feed; name each problem and its fix.')
            [CompletionResult]::new('pat', 'pat', [CompletionResultType]::ParameterValue, 'List the PATs feedctl minted: scope, expiry, where each went, which one cargo uses.')
            [CompletionResult]::new('feed', 'feed', [CompletionResultType]::ParameterValue, 'Create, list and show Azure Artifacts feeds (with the crates.io upstream).')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Have the feed save every crates.io crate of Cargo.lock, so that Readers can build.')
            [CompletionResult]::new('disconnect', 'disconnect', [CompletionResultType]::ParameterValue, 'Remove a registry (and the crates.io replacement pointing at it) from the project.')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'feedctl;help;connect' {
            break
        }
        'feedctl;help;providers' {
            break
        }
        'feedctl;help;login' {
            break
        }
        'feedctl;help;logout' {
            break
        }
        'feedctl;help;env' {
            break
        }
        'feedctl;help;status' {
            break
        }
        'feedctl;help;doctor' {
            break
        }
        'feedctl;help;pat' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the PATs feedctl minted, from the records in `$CARGO_HOME` (never a secret).')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke PATs feedctl minted (never one it did not mint, nor the one cargo uses now).')
            break
        }
        'feedctl;help;pat;list' {
            break
        }
        'feedctl;help;pat;revoke' {
            break
        }
        'feedctl;help;feed' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a feed with the crates.io upstream (or make sure an existing one has it).')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the feeds you can read: scope, crates.io upstream, your role, index URL.')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one feed: upstreams and their health, your role, whether the token may write.')
            break
        }
        'feedctl;help;feed;create' {
            break
        }
        'feedctl;help;feed;list' {
            break
        }
        'feedctl;help;feed;show' {
            break
        }
        'feedctl;help;save' {
            break
        }
        'feedctl;help;disconnect' {
            break
        }
        'feedctl;help;completions' {
            break
        }
        'feedctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
