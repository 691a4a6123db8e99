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

/// Whether `url`'s [`loose_key`] is `key`, without building it: this runs once per registry
/// of the config, so `url` is read once, telling whether it is plain (as [`plain_body`] does)
/// while comparing it up to the first difference.
fn loose_equals(key: &str, url: &str) -> Option<bool> {
    let bytes = url.as_bytes();
    let key = key.as_bytes();
    // `sparse+` is plain and holds none of the bytes checked below.
    let start = match bytes.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case(b"sparse+") => 7,
        _ => 0,
    };
    let mut scheme_ended = false;
    // A byte other than a letter, digit, `-`, `_`, `~` or `+`: `None` when the URL is not
    // plain, else whether the key keeps it (`:` yes, `/` and `.` no).
    let mut special = |at: usize| -> Option<bool> {
        match bytes[at] {
            b'/' => Some(false),
            b'.' if at >= 2 && &bytes[at - 2..at] == b"/." => None,
            b'.' => Some(false),
            // No `:` after the first `://` (a port, a user).
            b':' if scheme_ended => None,
            b':' => {
                scheme_ended = bytes[at + 1..].starts_with(b"//");
                Some(true)
            }
            _ => None,
        }
    };
    // Compared up to the first difference…
    let mut seen: usize = 0;
    let mut differs = false;
    let mut at = start;
    while at < bytes.len() {
        let b = bytes[at];
        at += 1;
        if !ORDINARY[usize::from(b)] && !special(at - 1)? {
            continue;
        }
        // Past the key, only the final `git` that the key went without may follow.
        let expected = if seen < key.len() {
            key[seen]
        } else if seen < key.len() + 3 {
            b"git"[seen - key.len()]
        } else {
            // Nothing more may follow; a NUL is not plain, so it never gets here.
            0
        };
        if b.to_ascii_lowercase() != expected {
            differs = true;
            break;
        }
        seen += 1;
    }
    // …and only checked to be plain after it, in a loop that does little per byte.
    for at in at..bytes.len() {
        if !ORDINARY[usize::from(bytes[at])] {
            special(at)?;
        }
    }
    if !scheme_ended {
        return None;
    }
    Some(if differs {
        false
    } else if seen == key.len() {
        !key.ends_with(b"git")
    } else {
        seen == key.len() + 3
    })
}

/// The bytes a plain URL is made of (see [`loose_key`]).
static PLAIN: [bool; 256] = byte_table(b"-._~/+:");
/// The same without the three that [`loose_equals`] looks at twice.
static ORDINARY: [bool; 256] = byte_table(b"-_~+");

/// ASCII letters and digits, and `others`.
const fn byte_table(others: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < others.len() {
        table[others[i] as usize] = true;
        i += 1;
    }
    table
}

/// The bytes of [`loose_key`] before its final `git` goes.
fn loose_bytes(url: &str) -> Option<impl Iterator<Item = u8> + '_> {
    Some(
        plain_body(url)?
            .iter()
            .filter(|b| !matches!(b, b'/' | b'.'))
            .map(|b| b.to_ascii_lowercase()),
    )
}

/// A plain `url` (see [`loose_key`]) without a `sparse+` prefix; `None` when it is not plain.
fn plain_body(url: &str) -> Option<&[u8]> {
    let bytes = url.as_bytes();
    let plain = bytes.iter().all(|&b| PLAIN[usize::from(b)]);
    let (_, rest) = url.split_once("://")?;
    if !plain || url.contains("/..") || rest.contains(':') {
        return None;
    }
    Some(match bytes.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case(b"sparse+") => &bytes[7..],
        _ => bytes,
    })
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
            "sparse+https://host/xgit",
            "sparse+https://host/x.git/",
            "sparse+https://host/xgitgit",
            "sparse+https://host/xgi",
            "sparse+https://host/",
            "sparse+https://host:8080/x/",
            "sparse+https://host/a/../b/",
            "/..://host/x/",
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// The same over URLs made of the pieces the two functions treat specially, from
        /// an alphabet small enough that equal keys are common.
        #[test]
        fn loose_equals_agrees_with_loose_key_on_generated_urls(
            a in URL_PIECES,
            b in URL_PIECES,
        ) {
            if let Some(key) = loose_key(&a) {
                let expected = loose_key(&b).map(|other| other == key);
                proptest::prop_assert_eq!(loose_equals(&key, &b), expected);
            }
        }

        /// Respellings of one URL (case, `/`, `.`, a final `git`), which share a key or
        /// differ only at the end.
        #[test]
        fn loose_equals_agrees_with_loose_key_on_respellings(
            a in URL_PIECES,
            ending in "(/|\\.|git|\\.git|g|gi|/git|x){0,3}",
            upper: bool,
        ) {
            let b = format!("{a}{ending}");
            let b = if upper { b.to_ascii_uppercase() } else { b };
            for (one, other) in [(&a, &b), (&b, &a)] {
                if let Some(key) = loose_key(one) {
                    let expected = loose_key(other).map(|k| k == key);
                    proptest::prop_assert_eq!(loose_equals(&key, other), expected);
                }
            }
        }
    }

    const URL_PIECES: &str = "(sparse\\+|SPARSE\\+|sPaRsE\\+)?(https|HTTP|x)?(://|:|:/)?(h|H|ô|%|:9|@|\\?)?\
         (/|\\.|x|X|g|i|t|git|\\.git|\\.\\.|:|/\\.\\.){0,8}";

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
