//! How cargo spells config keys as environment variables (`CARGO_REGISTRIES_<NAME>_TOKEN`,
//! `CARGO_CREDENTIAL_ALIAS_<NAME>`): `-` becomes `_`, then upper case, so two registry names
//! can share one variable.

use std::collections::BTreeMap;

/// The prefix of every per-registry variable.
pub const REGISTRIES_PREFIX: &str = "CARGO_REGISTRIES_";

/// `CARGO_REGISTRIES_<NAME>_<SUFFIX>` with cargo's mapping: `-` → `_`, then upper case.
pub fn env_var_name(registry: &str, suffix: &str) -> String {
    let mut name =
        String::with_capacity(REGISTRIES_PREFIX.len() + registry.len() + suffix.len() + 1);
    name.push_str(REGISTRIES_PREFIX);
    push_env_key(&mut name, registry);
    name.push('_');
    name.push_str(suffix);
    name
}

/// A config key as cargo spells it inside a variable name: `-` → `_`, then upper case.
pub fn env_key(key: &str) -> String {
    let mut spelled = String::with_capacity(key.len());
    push_env_key(&mut spelled, key);
    spelled
}

/// [`env_key`] appended to `out`, in one pass for the usual ASCII key (a config may name
/// thousands of registries, each spelled several times).
fn push_env_key(out: &mut String, key: &str) {
    if key.is_ascii() {
        out.extend(key.bytes().map(|b| match b {
            b'-' => '_',
            _ => char::from(b.to_ascii_uppercase()),
        }));
    } else {
        out.push_str(&key.replace('-', "_").to_uppercase());
    }
}

/// Registry names that read the same `CARGO_REGISTRIES_<NAME>_TOKEN` (cargo maps `-` to `_`,
/// so `my-feed` and `my_feed` collide): each shared variable with the names.
pub fn shared_token_vars<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, Vec<&'a str>)> {
    let mut by_var: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        by_var
            .entry(env_var_name(name, "TOKEN"))
            .or_default()
            .push(name);
    }
    by_var
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_cargo() {
        assert_eq!(
            env_var_name("my-feed", "TOKEN"),
            "CARGO_REGISTRIES_MY_FEED_TOKEN"
        );
        assert_eq!(
            env_var_name("My-Feed_x", "TOKEN"),
            "CARGO_REGISTRIES_MY_FEED_X_TOKEN"
        );
        assert_eq!(
            env_var_name("my_feed", "TOKEN"),
            env_var_name("my-feed", "TOKEN")
        );
        // Beyond ASCII, upper case as Rust's (and so cargo's) `to_uppercase` spells it.
        assert_eq!(
            env_var_name("straße-é", "INDEX"),
            "CARGO_REGISTRIES_STRASSE_É_INDEX"
        );
        assert_eq!(env_key("my-alias"), "MY_ALIAS");
    }
}
