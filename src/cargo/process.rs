//! Running the real cargo for what only cargo should do: storing and removing a token through
//! whichever credential provider the user configured. Tokens travel on stdin, never in argv.

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::auth::secret::Secret;
use crate::cargo::config::effective::Registry;
use crate::environment::Environment;
use crate::ui;

/// `registries.NAME.index="…"` as TOML for cargo's `--config`: the name quoted when it is
/// not a bare key (cargo allows non-ASCII names), the URL escaped the TOML way.
fn index_override(registry: &Registry) -> String {
    format!(
        "registries.{}.index={}",
        toml_edit::Key::new(registry.name.as_str()),
        toml_edit::Value::from(registry.index.as_str())
    )
}

/// Runs `cargo <verb> --registry NAME` (`login` or `logout`) in the working directory, with
/// `token` on stdin. The index goes along with `--config`, so cargo acts on exactly the URL
/// feedctl checked, even when the registry is defined in a file cargo would not read from
/// here. Returns what cargo said (its stderr, with [`redact`] applied). A cargo that fails may
/// have left its credentials files half-written (a full disk, killed): the caller guards them
/// (see `ops::transaction::Transaction::guard`).
pub fn registry_command(
    env: &Environment,
    verb: &str,
    registry: &Registry,
    token: Option<&Secret>,
) -> Result<String> {
    let cargo = env.cargo_program();
    let shown = format!("cargo {verb} --registry {}", registry.name);
    ui::debug(format!(
        "running `{shown}`{}",
        if token.is_some() {
            " with the token on stdin"
        } else {
            ""
        }
    ));
    let mut child = Command::new(&cargo)
        .args([verb, "--registry", &registry.name])
        .arg("--config")
        .arg(index_override(registry))
        .current_dir(env.cwd())
        .stdin(if token.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("failed to run `{}`", cargo.to_string_lossy()))?;
    if let (Some(token), Some(mut stdin)) = (token, child.stdin.take()) {
        match stdin.write_all(format!("{}\n", token.as_deref().expose()).as_bytes()) {
            // cargo ended without reading it: its exit status below says why. (Passed on,
            // this error would read as feedctl's own closed output, which exits 0.)
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            written => {
                written.with_context(|| format!("failed to pass the token to `{shown}`"))?;
            }
        }
    }
    let output = child
        .wait_with_output()
        .with_context(|| format!("failed to wait for `{shown}`"))?;
    let stderr = redact(&String::from_utf8_lossy(&output.stderr), token);
    if !output.status.success() {
        let said = stderr.trim_end();
        let said = if said.is_empty() {
            String::new()
        } else {
            format!(":\n{said}")
        };
        bail!("`{shown}` failed ({}){said}", output.status);
    }
    ui::debug(format!("cargo: {}", stderr.trim_end()));
    Ok(stderr)
}

/// cargo's messages without what could hold a secret: the lines of a TOML error that quote the
/// file (`  2 | token = "…`, and the `|` gutter around them), and the token itself.
fn redact(stderr: &str, token: Option<&Secret>) -> String {
    let quotes_a_file = |line: &str| {
        let rest = line
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit());
        rest.trim_start().starts_with('|')
    };
    let mut out = String::new();
    let mut dropped = false;
    for line in stderr.lines() {
        if quotes_a_file(line) {
            dropped = true;
            continue;
        }
        if dropped {
            out += "  (the quoted line is not shown: the file may hold tokens)\n";
            dropped = false;
        }
        out += line;
        out.push('\n');
    }
    if let Some(token) = token {
        let value = token.as_deref().expose();
        for secret in [Some(value), value.split_once(' ').map(|(_, c)| c)]
            .into_iter()
            .flatten()
            .filter(|s| s.len() >= 8)
        {
            out = out.replace(secret, "REDACTED");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_errors_lose_quoted_lines_and_tokens() {
        let stderr = "error: could not parse TOML configuration in `/h/credentials.toml`\n\n\
                      Caused by:\n  TOML parse error at line 2, column 88\n    |\n  2 | token = \"Basic c2VjcmV0c2VjcmV0\n    |      ^\n  invalid basic string\n\
                      token Basic c2VjcmV0c2VjcmV0 rejected\n";
        let token = crate::auth::secret::verbatim("Basic c2VjcmV0c2VjcmV0");
        let shown = redact(stderr, Some(&token));
        assert!(!shown.contains("c2VjcmV0c2VjcmV0"), "{shown}");
        assert!(shown.contains("line 2, column 88") && shown.contains("invalid basic string"));
        assert!(shown.contains("not shown"), "{shown}");
    }

    #[test]
    fn the_index_override_is_toml_for_any_registry_name() {
        let registry = |name: &str| Registry {
            name: name.into(),
            index: "sparse+https://h/a\"b/".into(),
            file: Default::default(),
            credential_provider: None,
        };
        for name in ["my-feed", "données"] {
            let line = index_override(&registry(name));
            let doc: toml_edit::DocumentMut = line.parse().unwrap();
            assert_eq!(
                doc["registries"][name]["index"].as_str(),
                Some("sparse+https://h/a\"b/"),
                "{line}"
            );
        }
    }
}
