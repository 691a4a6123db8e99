//! Cargo's credential providers: which list each OS wants, how to merge it into the user's
//! list without losing anything, and whether the OS store can really work here.
//!
//! Order matters: cargo tries the list from the end, and any provider error other than "not
//! found" / "URL not supported" aborts the whole chain. So an unusable `cargo:libsecret` (no
//! library, no D-Bus session: every headless Linux box) breaks every authenticated command,
//! even with `CARGO_REGISTRIES_<NAME>_TOKEN` set. The probe below exists to never write that.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::cargo::config::edit::{ConfigFile, NewParent};
use crate::environment::Environment;

/// Cargo's built-in provider that reads env vars and `$CARGO_HOME/credentials.toml`.
pub const TOKEN: &str = "cargo:token";
pub const LIBSECRET: &str = "cargo:libsecret";
pub const WINCRED: &str = "cargo:wincred";
pub const MACOS_KEYCHAIN: &str = "cargo:macos-keychain";
/// The config key, in `[registry]`.
pub const KEY: [&str; 2] = ["registry", "global-credential-providers"];

/// Where tokens should be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The OS store if it works here, else `$CARGO_HOME/credentials.toml`.
    Auto,
    /// The OS store (Keychain, Credential Manager, Secret Service), even if the probe fails.
    Os,
    /// `$CARGO_HOME/credentials.toml` (mode 0600) only.
    File,
}

/// This OS's secure store provider.
pub fn os_provider() -> &'static str {
    if cfg!(windows) {
        WINCRED
    } else if cfg!(target_os = "macos") {
        MACOS_KEYCHAIN
    } else {
        LIBSECRET
    }
}

/// The outcome of probing the OS store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Usable,
    /// Why not, in a sentence.
    Unusable(String),
}

/// Whether this OS's store answers now. On Linux that needs both the `libsecret-1.so.0`
/// library cargo loads and a Secret Service on the D-Bus session bus; the check reads a
/// missing entry (it never writes) and gives up after a few seconds.
pub fn probe_os_store(env: &Environment) -> Probe {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        if let Err(why) = libsecret_loadable() {
            return Probe::Unusable(why);
        }
        if env
            .var("DBUS_SESSION_BUS_ADDRESS")
            .is_none_or(|v| v.is_empty())
            && env
                .var("XDG_RUNTIME_DIR")
                .is_none_or(|d| !std::path::Path::new(&d).join("bus").exists())
        {
            return Probe::Unusable(
                "there is no D-Bus session (`DBUS_SESSION_BUS_ADDRESS` is unset, as over SSH, \
                 in containers and on CI), so no Secret Service can answer"
                    .into(),
            );
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = env;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let result = keyring::Entry::new("feedctl-probe", "feedctl-probe")
            .and_then(|entry| match entry.get_password() {
                Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e),
            })
            .map_err(|e| e.to_string());
        let _ = tx.send(result);
    });
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(Ok(())) => Probe::Usable,
        Ok(Err(e)) => Probe::Unusable(format!("the OS credential store did not answer: {e}")),
        Err(_) => Probe::Unusable("the OS credential store did not answer within 5 s".into()),
    }
}

/// cargo's `cargo:libsecret` loads the library at run time; so does this check.
#[cfg(all(unix, not(target_os = "macos")))]
fn libsecret_loadable() -> Result<(), String> {
    use std::ffi::CStr;
    const NAME: &CStr = c"libsecret-1.so.0";
    // SAFETY: dlopen/dlclose with a valid C string; the handle is closed right away and no
    // symbol from the library is used.
    let loaded = unsafe {
        let handle = libc::dlopen(NAME.as_ptr(), libc::RTLD_LAZY | libc::RTLD_LOCAL);
        !handle.is_null() && libc::dlclose(handle) == 0
    };
    // A statically linked feedctl (the musl release builds) cannot load libraries at all,
    // but the dynamically linked cargo that matters can: look where its loader would.
    if loaded || (cfg!(target_feature = "crt-static") && in_library_dirs("libsecret-1.so.0")) {
        Ok(())
    } else {
        Err(
            "`libsecret-1.so.0` is not installed (Debian/Ubuntu: `apt install libsecret-1-0`)"
                .into(),
        )
    }
}

/// Whether `name` is in the dynamic loader's usual directories or those listed in
/// `/etc/ld.so.conf.d/*.conf`.
#[cfg(all(unix, not(target_os = "macos")))]
fn in_library_dirs(name: &str) -> bool {
    let arch = std::env::consts::ARCH;
    let mut dirs: Vec<std::path::PathBuf> =
        ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"]
            .iter()
            .map(Into::into)
            .chain([
                format!("/lib/{arch}-linux-gnu").into(),
                format!("/usr/lib/{arch}-linux-gnu").into(),
            ])
            .collect();
    if let Ok(entries) = std::fs::read_dir("/etc/ld.so.conf.d") {
        for entry in entries.flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                dirs.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| l.starts_with('/'))
                        .map(Into::into),
                );
            }
        }
    }
    dirs.iter().any(|dir| dir.join(name).exists())
}

/// What `feedctl providers` decided, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Whether to list the OS store provider.
    pub use_os: bool,
    /// A warning to show about the decision, if any.
    pub warning: Option<String>,
}

/// Decides between the OS store and the file from `--store` and the probe.
pub fn choose(store: Store, probe: &Probe) -> Choice {
    match (store, probe) {
        (Store::File, _) => Choice {
            use_os: false,
            warning: None,
        },
        (_, Probe::Usable) => Choice {
            use_os: true,
            warning: None,
        },
        (Store::Os, Probe::Unusable(why)) => Choice {
            use_os: true,
            warning: Some(format!(
                "listing `{}` as asked, but {why}; until that is fixed every authenticated \
                 cargo command will fail",
                os_provider()
            )),
        },
        (Store::Auto, Probe::Unusable(why)) => Choice {
            use_os: false,
            warning: Some(format!(
                "the OS credential store cannot be used here: {why}. Tokens will be stored in \
                 cargo's credentials file in `$CARGO_HOME` (`credentials.toml`, or the legacy \
                 `credentials` where it exists; readable only by you, mode 0600). To use the \
                 OS store later, fix that and run `feedctl providers --store os`"
            )),
        },
    }
}

/// Merges the wanted providers into an existing list, keeping every entry and its order.
///
/// `cargo:token` goes first (lowest precedence) when missing, so env tokens in CI work and
/// an OS store stays preferred for storing; the OS provider goes right after `cargo:token`,
/// so a custom provider the user listed later keeps precedence. Without `use_os`, the OS
/// provider is removed: this is the one entry feedctl takes out, because keeping an unusable
/// one aborts cargo's whole chain.
pub fn merge(existing: &[String], use_os: bool) -> Vec<String> {
    let os = os_provider();
    let mut list: Vec<String> = existing
        .iter()
        .filter(|p| use_os || first_word(p) != os)
        .cloned()
        .collect();
    if !lists_token(&list) {
        list.insert(0, TOKEN.to_string());
    }
    if use_os && !list.iter().any(|p| first_word(p) == os) {
        let after_token = list
            .iter()
            .position(|p| first_word(p) == TOKEN)
            .map_or(0, |i| i + 1);
        list.insert(after_token, os.to_string());
    }
    list
}

/// The provider `cargo login` will store with: the last (highest-precedence) entry that can
/// store on this OS. Other OSes' stores answer "not supported" and `token-from-stdout`
/// cannot store, so cargo passes over them.
pub fn storing_provider(list: &[String]) -> Option<&str> {
    let other_os_store =
        |p: &str| [WINCRED, MACOS_KEYCHAIN, LIBSECRET].contains(&p) && p != os_provider();
    list.iter()
        .rev()
        .map(|p| first_word(p))
        .find(|p| *p != "cargo:token-from-stdout" && !other_os_store(p))
}

/// The credentials file cargo reads, and `cargo login` with `cargo:token` writes: the legacy
/// `credentials` whenever it exists (even beside a `credentials.toml`), else
/// `credentials.toml`, existing or not.
pub fn credentials_path(cargo_home: &Path) -> PathBuf {
    let legacy = cargo_home.join("credentials");
    if legacy.exists() {
        legacy
    } else {
        cargo_home.join("credentials.toml")
    }
}

/// Where a provider keeps tokens, for messages.
pub fn describe_store(provider: &str, cargo_home: &std::path::Path) -> String {
    match provider {
        TOKEN => format!("`{}` (cargo:token)", credentials_path(cargo_home).display()),
        LIBSECRET => "the Secret Service keyring (cargo:libsecret)".to_string(),
        WINCRED => "Windows Credential Manager (cargo:wincred)".to_string(),
        MACOS_KEYCHAIN => "the macOS Keychain (cargo:macos-keychain)".to_string(),
        other => format!("the credential provider `{other}`"),
    }
}

/// Whether `list` names `cargo:token`, which alone reads `CARGO_REGISTRIES_<NAME>_TOKEN` and
/// `credentials.toml`.
pub fn lists_token(list: &[String]) -> bool {
    list.iter().any(|p| first_word(p) == TOKEN)
}

/// A provider entry may carry arguments (`"cargo:token-from-stdout cmd"`): its name is the
/// first word.
fn first_word(entry: &str) -> &str {
    entry.split_whitespace().next().unwrap_or("")
}

/// The list currently in a config file; `Err` names what is there when it is not a list of
/// strings.
pub fn current(file: &ConfigFile) -> anyhow::Result<Vec<String>> {
    let Some(item) = file.get(&KEY) else {
        return Ok(Vec::new());
    };
    let array = item.as_array().ok_or_else(|| {
        anyhow::anyhow!(
            "`registry.global-credential-providers` in `{}` is not a list",
            file.path().display()
        )
    })?;
    array
        .iter()
        .map(|v| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                anyhow::anyhow!(
                    "`registry.global-credential-providers` in `{}` holds a non-string entry",
                    file.path().display()
                )
            })
        })
        .collect()
}

/// Writes `wanted` into the file's list, editing the existing array in place so comments
/// and formatting of kept entries survive.
pub fn apply(file: &mut ConfigFile, wanted: &[String]) -> anyhow::Result<()> {
    let existing = current(file)?;
    if existing == wanted {
        return Ok(());
    }
    let mut array = file
        .get(&KEY)
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default();
    // Remove entries no longer wanted, then insert the new ones at their positions.
    let mut i = 0;
    while i < array.len() {
        if array
            .get(i)
            .and_then(|v| v.as_str())
            .is_some_and(|s| !wanted.iter().any(|w| w == s))
        {
            array.remove(i);
        } else {
            i += 1;
        }
    }
    // A multi-line array keeps its layout: a new entry copies a neighbour's indentation.
    let indent = array
        .iter()
        .filter_map(|v| v.decor().prefix().and_then(|p| p.as_str()))
        .find(|p| p.contains('\n'))
        .map(str::to_string);
    for (position, entry) in wanted.iter().enumerate() {
        if !array.iter().any(|v| v.as_str() == Some(entry)) {
            let mut value = toml_edit::Value::from(entry.as_str());
            if let Some(indent) = &indent {
                value.decor_mut().set_prefix(indent.as_str());
            }
            array.insert_formatted(position.min(array.len()), value);
        }
    }
    if indent.is_none() {
        array.fmt();
    }
    file.set(&KEY, array, NewParent::Header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn os_lists_match_the_docs() {
        let expected = if cfg!(windows) {
            ["cargo:token", "cargo:wincred"]
        } else if cfg!(target_os = "macos") {
            ["cargo:token", "cargo:macos-keychain"]
        } else {
            ["cargo:token", "cargo:libsecret"]
        };
        assert_eq!(merge(&[], true), list(&expected));
        assert_eq!(merge(&[], false), list(&["cargo:token"]));
    }

    #[test]
    fn merging_keeps_entries_and_order() {
        let os = os_provider();
        let cases: Vec<(Vec<String>, bool, Vec<String>)> = vec![
            (list(&["cargo:token"]), true, list(&["cargo:token", os])),
            (list(&[os]), true, list(&["cargo:token", os])),
            (
                list(&["custom", "cargo:token"]),
                true,
                list(&["custom", "cargo:token", os]),
            ),
            (
                list(&["cargo:token", "custom"]),
                true,
                list(&["cargo:token", os, "custom"]),
            ),
            (
                list(&["cargo:token", os, "custom"]),
                true,
                list(&["cargo:token", os, "custom"]),
            ),
            (list(&["cargo:token", os]), false, list(&["cargo:token"])),
            (
                list(&["cargo:token-from-stdout x"]),
                false,
                list(&["cargo:token", "cargo:token-from-stdout x"]),
            ),
        ];
        for (existing, use_os, expected) in cases {
            assert_eq!(
                merge(&existing, use_os),
                expected,
                "{existing:?} use_os={use_os}"
            );
        }
    }

    #[test]
    fn the_storing_provider_is_the_last_usable_one() {
        let os = os_provider();
        assert_eq!(storing_provider(&list(&["cargo:token", os])), Some(os));
        assert_eq!(
            storing_provider(&list(&[os, "cargo:token"])),
            Some("cargo:token")
        );
        assert_eq!(
            storing_provider(&list(&["cargo:token", "cargo:token-from-stdout az x"])),
            Some("cargo:token")
        );
        assert_eq!(storing_provider(&[]), None);
        let foreign = if os == LIBSECRET { WINCRED } else { LIBSECRET };
        assert_eq!(
            storing_provider(&list(&["cargo:token", foreign])),
            Some("cargo:token")
        );
    }

    #[test]
    fn choices_never_list_a_broken_store_silently() {
        let broken = Probe::Unusable("no D-Bus".into());
        let auto = choose(Store::Auto, &broken);
        assert!(!auto.use_os && auto.warning.unwrap().contains("cargo's credentials file"));
        let os = choose(Store::Os, &broken);
        assert!(os.use_os && os.warning.unwrap().contains("will fail"));
        assert_eq!(
            choose(Store::Auto, &Probe::Usable),
            Choice {
                use_os: true,
                warning: None
            }
        );
        assert_eq!(
            choose(Store::File, &Probe::Usable),
            Choice {
                use_os: false,
                warning: None
            }
        );
    }

    fn edited(before: &str, use_os: bool) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, before).unwrap();
        let mut file = ConfigFile::load(&path).unwrap();
        let wanted = merge(&current(&file).unwrap(), use_os);
        apply(&mut file, &wanted).unwrap();
        file.render().to_string()
    }

    #[test]
    fn the_file_keeps_comments_and_layout() {
        let os = os_provider();
        assert_eq!(
            edited("", true),
            format!("[registry]\nglobal-credential-providers = [\"cargo:token\", \"{os}\"]\n")
        );
        assert_eq!(
            edited("# mine\n[registry]\ndefault = \"x\" # d\n", false),
            "# mine\n[registry]\ndefault = \"x\" # d\nglobal-credential-providers = [\"cargo:token\"]\n"
        );
        let multi = "[registry]\nglobal-credential-providers = [\n  \"custom\", # keep me\n]\n";
        let after = edited(multi, false);
        assert!(
            after.contains("# keep me") && after.contains("\"cargo:token\""),
            "{after}"
        );
        let done =
            format!("[registry]\nglobal-credential-providers = [\"cargo:token\", \"{os}\"] # ok\n");
        assert_eq!(edited(&done, true), done);
    }
}
