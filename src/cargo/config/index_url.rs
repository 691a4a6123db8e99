//! Index URLs compared as cargo compares them when it looks a registry up by its index (its
//! `CanonicalUrl`): cargo refuses two registry names for one index, so feedctl must know when
//! two spellings are one index, and tell thousands of them apart quickly.

/// An index URL as cargo compares two of them (its `CanonicalUrl`): parsed by the `url` crate
/// (so the scheme is lower-cased and `.` segments go; a `sparse+` URL keeps its host's case),
/// one trailing `/` dropped, github.com URLs lower-cased with an `https` scheme, and a
/// trailing `.git` dropped. `None` for what cargo cannot parse (it skips such an entry).
pub fn canonical_index(index: &str) -> Option<String> {
    let mut url = url::Url::parse(index).ok()?;
    if url.cannot_be_a_base() {
        return None;
    }
    if url.path().ends_with('/') {
        url.path_segments_mut().ok()?.pop_if_empty();
    }
    if url.host_str() == Some("github.com") {
        url = format!("https{}", &url[url::Position::AfterScheme..])
            .parse()
            .ok()?;
        let path = url.path().to_lowercase();
        url.set_path(&path);
    }
    if let Some(last) = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .and_then(|last| last.strip_suffix(".git"))
        .map(str::to_string)
    {
        url.path_segments_mut().ok()?.pop().push(&last);
    }
    Some(url.into())
}

/// An index URL ready to be compared with many others as cargo compares them, without parsing
/// each: see [`IndexKey::matches`].
pub struct IndexKey {
    canonical: String,
    loose: Option<String>,
}

impl IndexKey {
    /// `None` for what cargo cannot parse.
    pub fn new(index: &str) -> Option<IndexKey> {
        Some(IndexKey {
            canonical: canonical_index(index)?,
            loose: loose_key(index),
        })
    }

    /// Whether `other` is the same index for cargo. A config may list thousands of registries:
    /// those written plainly are told apart by a cheap key that any two equal URLs share,
    /// and only the rest are parsed.
    pub fn matches(&self, other: &str) -> bool {
        if let Some(mine) = &self.loose
            && loose_equals(mine, other) == Some(false)
        {
            return false;
        }
        canonical_index(other).is_some_and(|c| c == self.canonical)
    }
}

/// For a URL written plainly (URL-safe ASCII, no `..`, no port, user, query or fragment), a
/// key that [`canonical_index`]'s rewrites cannot change: lower case, no `sparse+`, no `/` or
/// `.`, no final `git`. Two URLs with different keys are different indexes; `None` when the
/// URL is not plain enough to tell.
fn loose_key(url: &str) -> Option<String> {
    let bytes: Vec<u8> = loose_bytes(url)?.collect();
    let key = bytes.strip_suffix(b"git").unwrap_or(&bytes);
    Some(key.iter().map(|&b| char::from(b)).collect())
}

/// Whether `url`'s [`loose_key`] is `key`, without building it and stopping at the first
/// difference: this runs once per registry of the config.
fn loose_equals(key: &str, url: &str) -> Option<bool> {
    let mut bytes = loose_bytes(url)?;
    let key = key.as_bytes();
    for &expected in key {
        if bytes.next() != Some(expected) {
            return Some(false);
        }
    }
    // What is left may only be the final `git` that the key went without.
    let rest = [bytes.next(), bytes.next(), bytes.next(), bytes.next()];
    Some(match rest {
        [None, ..] => !key.ends_with(b"git"),
        [Some(b'g'), Some(b'i'), Some(b't'), None] => true,
        _ => false,
    })
}

/// The bytes of [`loose_key`] before its final `git` goes.
fn loose_bytes(url: &str) -> Option<impl Iterator<Item = u8> + '_> {
    let plain = url
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/+:".contains(&b));
    let (_, rest) = url.split_once("://")?;
    if !plain || url.contains("/..") || rest.contains(':') {
        return None;
    }
    // Plain means ASCII, so byte 7 is a character boundary.
    let body = match url.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sparse+") => &url[7..],
        _ => url,
    };
    Some(
        body.bytes()
            .filter(|b| !matches!(b, b'/' | b'.'))
            .map(|b| b.to_ascii_lowercase()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `loose_equals` is `loose_key` compared, without the allocation.
    #[test]
    fn loose_equals_agrees_with_loose_key() {
        let urls = [
            "sparse+https://pkgs.dev.azure.com/o/_packaging/f/Cargo/index/",
            "SPARSE+HTTPS://pkgs.dev.azure.com/o/_packaging/f/Cargo/index",
            "https://pkgs.dev.azure.com/o/_packaging/f/Cargo/index.git",
            "sparse+https://pkgs.dev.azure.com/o/_packaging/g/Cargo/index/",
            "sparse+https://host/git",
            "sparse+https://host/",
            "sparse+https://host:8080/x/",
            "sparse+https://host/a/../b/",
            "sparse+https://hôst/x/",
            "git",
        ];
        for a in urls {
            for b in urls {
                let expected = match (loose_key(a), loose_key(b)) {
                    (Some(ka), Some(kb)) => Some(ka == kb),
                    (Some(_), None) => None,
                    (None, _) => continue,
                };
                assert_eq!(
                    loose_equals(&loose_key(a).unwrap(), b),
                    expected,
                    "{a} vs {b}"
                );
            }
        }
    }

    /// The spellings real cargo 1.95 took for one index (and those it told apart) when two
    /// registries named it.
    #[test]
    fn index_urls_compare_as_cargo_compares_them() {
        let base = "sparse+http://127.0.0.1:9/x/";
        let same = [
            "sparse+http://127.0.0.1:9/x",
            "sparse+HTTP://127.0.0.1:9/x/",
            "sparse+http://127.0.0.1:9/./x/",
            "sparse+http://127.0.0.1:9/x.git/",
            "sparse+http://127.0.0.1:9/x.git",
        ];
        let different = [
            "sparse+http://127.0.0.1:9/X/",
            "http://127.0.0.1:9/x/",
            "sparse+http://127.0.0.1:9/x//",
            "sparse+http://127.0.0.1:9/x/?",
            "sparse+http://127.0.0.1:9/x/#frag",
            "sparse+http://127.0.0.1:9/%78/",
            "sparse+http://localhost:9/x/",
        ];
        let key = canonical_index(base).unwrap();
        let quick = IndexKey::new(base).unwrap();
        for url in same {
            assert_eq!(canonical_index(url).as_deref(), Some(key.as_str()), "{url}");
            assert!(quick.matches(url), "{url}");
        }
        for url in different {
            assert_ne!(canonical_index(url).as_deref(), Some(key.as_str()), "{url}");
            assert!(!quick.matches(url), "{url}");
        }
        // Only a prefilter: URLs the cheap key cannot tell apart are parsed.
        assert_eq!(loose_key("https://h/x.git"), loose_key("https://h/xgit"));
        assert!(
            !IndexKey::new("https://h/x.git")
                .unwrap()
                .matches("https://h/xgit")
        );
        assert_eq!(loose_key("https://h:443/x/"), None);
        let github = IndexKey::new("https://github.com/Org/Index").unwrap();
        assert!(github.matches("sparse+https://github.com/org/index/"));
        assert_eq!(canonical_index("not a url"), None);
    }
}
