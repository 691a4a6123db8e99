//! Azure Arc-enabled servers (on-premises build agents): the Arc agent's local identity
//! endpoint and its challenge.
//!
//! The agent announces itself with `IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`, which it sets for
//! services; a login shell may lack them, so, as MSAL Python does (`_get_arc_endpoint`), an
//! installed agent (`/opt/azcmagent/bin/himds`, `%ProgramFiles%\AzureConnectedMachineAgent\
//! himds.exe`) also counts, with its fixed endpoint [`ENDPOINT`].
//!
//! Follows `azure-identity` for Python, `_credentials/azure_arc.py` (and MSAL Python's
//! `msal/managed_identity.py`, `_obtain_token_on_arc`): `GET
//! $IDENTITY_ENDPOINT?api-version=2020-06-01&resource=…` with `Metadata: true` answers 401
//! with `WWW-Authenticate: Basic realm=<path of a key file>`; the file's contents, sent back as
//! `Authorization: Basic <contents>`, prove that the caller may read the agent's token
//! directory. The file is read only if it is where the SDK accepts it: directly in that
//! directory (`/var/opt/azcmagent/tokens` on Linux, `%ProgramData%\AzureConnectedMachineAgent\
//! Tokens` on Windows), named `*.key`, at most 4096 bytes. feedctl also requires a regular
//! file (not a link), so the endpoint cannot make it read anything else.

use std::path::{Path, PathBuf};

use anyhow::Result;

use url::Url;

use super::http::Reply;
use crate::auth::secret::Secret;
use crate::exit::{Code, Failure};

/// The agent's identity endpoint when only its installation says it is there.
pub const ENDPOINT: &str = "http://localhost:40342/metadata/identity/oauth2/token";

/// The port of [`ENDPOINT`], where the real agent answers.
pub fn agent_port() -> Option<u16> {
    Url::parse(ENDPOINT).ok()?.port_or_known_default()
}

/// Test-only: a file that stands in for the agent's `himds` binary, so tests decide whether an
/// agent is installed (the sandbox points it at a missing file).
pub const TEST_HIMDS_VAR: &str = "FEEDCTL_TEST_ARC_HIMDS_FILE";

/// Where the installed agent's `himds` binary would be on this OS (`program_files` is
/// `%ProgramFiles%`); `test_file` stands in for it.
pub fn himds(test_file: Option<PathBuf>, program_files: Option<&str>) -> Option<PathBuf> {
    if test_file.is_some() {
        return test_file;
    }
    if cfg!(target_os = "linux") {
        Some(PathBuf::from("/opt/azcmagent/bin/himds"))
    } else if cfg!(windows) {
        program_files.map(|dir| {
            Path::new(dir)
                .join("AzureConnectedMachineAgent")
                .join("himds.exe")
        })
    } else {
        None
    }
}

/// The largest key file the SDK accepts.
const MAX_KEY_BYTES: u64 = 4096;

/// Test-only: a directory used instead of the agent's token directory. Honoured only when
/// `IDENTITY_ENDPOINT` is a loopback address (where the test's stand-in listens).
pub const TEST_KEY_DIR_VAR: &str = "FEEDCTL_TEST_ARC_KEY_DIR";

/// The agent's token directory on this OS (`program_data` is `%ProgramData%`), or why there is
/// none.
pub fn key_dir(program_data: Option<&str>) -> Result<PathBuf, String> {
    if cfg!(target_os = "linux") {
        Ok(PathBuf::from("/var/opt/azcmagent/tokens"))
    } else if cfg!(windows) {
        match program_data {
            Some(dir) => Ok(Path::new(dir)
                .join("AzureConnectedMachineAgent")
                .join("Tokens")),
            None => Err(
                "`ProgramData` is not set, so the Arc agent's token directory \
                         is unknown"
                    .to_string(),
            ),
        }
    } else {
        Err("the Azure Arc agent runs only on Linux and Windows".to_string())
    }
}

/// The key the 401 challenge points at, read after checking where it is.
pub fn key_from_challenge(reply: &Reply, challenge: Option<&str>, dir: &Path) -> Result<Secret> {
    let refuse = |why: String| -> anyhow::Error {
        Failure::new(
            Code::Auth,
            format!("the Azure Arc identity endpoint answered HTTP 401 and {why}"),
        )
        .into()
    };
    let Some(challenge) = challenge else {
        return Err(refuse(format!(
            "no `WWW-Authenticate` challenge naming a key file ({})",
            super::http::snippet(&reply.body)
        )));
    };
    let Some(realm) = realm(challenge) else {
        return Err(refuse(format!(
            "a challenge without `Basic realm=<key file>`: `{challenge}`"
        )));
    };
    let path = Path::new(realm);
    check_key_file(path, dir).map_err(|why| {
        refuse(format!(
            "pointed at `{realm}`, which feedctl does not read: {why}"
        ))
    })?;
    let key = std::fs::read_to_string(path)
        .map_err(|e| refuse(format!("its key file `{realm}` could not be read: {e}")))?;
    Ok(crate::auth::secret::verbatim(key.trim()))
}

/// The path in `Basic realm=<path>` (quotes allowed).
fn realm(challenge: &str) -> Option<&str> {
    let (scheme, rest) = challenge.trim().split_once(char::is_whitespace)?;
    let value = rest.trim().strip_prefix("realm=")?;
    let value = value.trim().trim_matches('"');
    (scheme.eq_ignore_ascii_case("basic") && !value.is_empty()).then_some(value)
}

/// The SDK's checks (directly in `dir`, a `.key` name, at most 4096 bytes), plus: a regular
/// file, not a link.
fn check_key_file(path: &Path, dir: &Path) -> Result<(), String> {
    if path.parent() != Some(dir) {
        return Err(format!(
            "the agent's key files are directly in `{}`",
            dir.display()
        ));
    }
    if path.extension().is_none_or(|ext| ext != "key") {
        return Err("a key file's name ends in `.key`".to_string());
    }
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("it cannot be read ({e})"))?;
    if !meta.file_type().is_file() {
        return Err("it is not a regular file".to_string());
    }
    if meta.len() > MAX_KEY_BYTES {
        return Err(format!(
            "it has {} bytes, and a key file has at most {MAX_KEY_BYTES}",
            meta.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_realm_is_the_path_after_basic() {
        assert_eq!(
            realm("Basic realm=/var/opt/azcmagent/tokens/a.key"),
            Some("/var/opt/azcmagent/tokens/a.key")
        );
        assert_eq!(
            realm(r#"basic realm="C:\ProgramData\AzureConnectedMachineAgent\Tokens\a.key""#),
            Some(r"C:\ProgramData\AzureConnectedMachineAgent\Tokens\a.key")
        );
        assert_eq!(realm("Bearer realm=/x.key"), None);
        assert_eq!(realm("Basic"), None);
        assert_eq!(realm("Basic realm="), None);
    }

    #[test]
    fn key_files_are_read_only_where_the_sdk_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let good = tokens.join("a.key");
        std::fs::write(&good, "k").unwrap();
        assert_eq!(check_key_file(&good, &tokens), Ok(()));

        let outside = dir.path().join("b.key");
        std::fs::write(&outside, "k").unwrap();
        let sneaky = tokens.join("..").join("b.key");
        let nested = tokens.join("sub").join("c.key");
        let wrong_ext = tokens.join("a.txt");
        std::fs::write(&wrong_ext, "k").unwrap();
        let big = tokens.join("big.key");
        std::fs::write(&big, vec![b'k'; 4097]).unwrap();
        for bad in [&outside, &sneaky, &nested, &wrong_ext, &big] {
            assert!(check_key_file(bad, &tokens).is_err(), "{}", bad.display());
        }
        #[cfg(unix)]
        {
            let link = tokens.join("link.key");
            std::os::unix::fs::symlink(&outside, &link).unwrap();
            assert!(check_key_file(&link, &tokens).is_err());
        }
    }
}
