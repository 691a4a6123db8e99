//! Property tests of the config editor, run through the real binary.
//!
//! `feedctl connect` on generated cargo config documents — nested, dotted, inline tables and
//! arrays of tables, comments everywhere, unicode and other quoted keys, `[registries]` and
//! `[source.*]` in every shape cargo accepts, LF / CRLF / mixed line endings, with and
//! without a final newline or a BOM — must exit 0 (or refuse a conflicting crates.io
//! replacement with 3, touching nothing), write a file that parses, keep every key/value
//! and every comment line it does not own, and change nothing when run again. A file that
//! already says what connect would write is not touched at all, however it spells it.
//!
//! On arbitrary bytes (random, TOML token soup, mutated or truncated documents) `connect`
//! and `providers` must never panic or die from a signal: they either make a clean edit or
//! fail with a message naming the file and leave it byte for byte as it was.
//!
//! The RNG seed is fixed so that the suite is deterministic. To explore further:
//! `PROPTEST_RNG_SEED=<n> PROPTEST_CASES=<n> cargo test --test feedctl properties`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use toml_edit::{DocumentMut, Item, Value};

use crate::support::Sandbox;
use crate::support::config::{contoso_index, edit_args, leaves};
use crate::support::output::Streams;

const SEED: u64 = 0x0066_6565_6463_746c; // "feedctl"
const BOM: &str = "\u{feff}";

/// A deterministic runner: fixed seed and `cases` cases unless the environment says
/// otherwise, no regression files written into the source tree.
fn runner(cases: u32) -> TestRunner {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config.failure_persistence = None;
    config.max_shrink_iters = 256;
    TestRunner::new(config)
}

// ---------------------------------------------------------------------------------------
// Generating documents

/// A key as a person would write it: bare when it can be, quoted otherwise.
fn key(raw: &str) -> String {
    toml_edit::Key::new(raw).display_repr().into_owned()
}

/// The variable part of a key. Callers prefix it with a letter and a number (`k3_…`) so
/// that keys are unique by construction.
fn stem() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9_-]{0,6}",
        1 => "[ключзначение]{1,5}",
        1 => "[日本語鍵ü]{1,3}",
        1 => prop::sample::select(vec![
            "emoji 🦀", "a.b", "with space", "quote\"d", "it's", "#hash", "=eq", "tab\t",
            "back\\slash", "", "ÅÄÖ", "\u{1F600}",
        ])
        .prop_map(str::to_string),
    ]
}

/// Comment text: any printable text, `#` included (TOML forbids control characters there).
fn comment() -> impl Strategy<Value = String> {
    "[ -~éü日本🦀\t]{0,24}".prop_map(|text| format!("#{text}"))
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        prop::collection::vec(any::<char>(), 0..10)
            .prop_map(|chars| Value::from(String::from_iter(chars)).to_string()),
        "[a-zA-Z0-9 ,.:/#=é日]{0,10}".prop_map(|s| format!("'{s}'")),
        prop::num::f64::NORMAL.prop_map(|f| Value::from(f).to_string()),
        prop::sample::select(vec![
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "-0.0",
            "inf",
            "-inf",
            "nan",
            "6.02e23",
            "1979-05-27T07:32:00Z",
            "1979-05-27",
            "07:32:00",
            "\"\"\"\nmulti # not a comment\nline\"\"\"",
            "'''\nraw\\n'''",
            "\"esc \\\" \\\\ \\u00e9 \\t\"",
        ])
        .prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| {
                format!(
                    "[\n    # leading comment\n    {},  # trailing\n]",
                    v.join(",\n    ")
                )
            }),
            prop::collection::vec((stem(), inner), 0..3).prop_map(|pairs| {
                let pairs: Vec<String> = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, (s, v))| format!("{} = {v}", key(&format!("i{i}_{s}"))))
                    .collect();
                format!("{{ {} }}", pairs.join(", "))
            }),
        ]
    })
}

/// One line (or a few) inside a table or at the root.
#[derive(Debug, Clone)]
enum Entry {
    Plain(String, String, Option<String>, &'static str),
    Dotted(String, String, String),
    Comment(String),
    Blank,
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        4 => (stem(), value(), prop::option::of(comment()), prop::sample::select(vec![" = ", "=", "  =   "]))
            .prop_map(|(k, v, c, eq)| Entry::Plain(k, v, c, eq)),
        1 => (stem(), stem(), value()).prop_map(|(a, b, v)| Entry::Dotted(a, b, v)),
        2 => comment().prop_map(Entry::Comment),
        1 => Just(Entry::Blank),
    ]
}

fn render_entries(entries: &[Entry], out: &mut Vec<String>) {
    for (i, entry) in entries.iter().enumerate() {
        out.push(match entry {
            Entry::Plain(k, v, c, eq) => {
                let tail = c.as_ref().map(|c| format!(" {c}")).unwrap_or_default();
                format!("{}{eq}{v}{tail}", key(&format!("k{i}_{k}")))
            }
            Entry::Dotted(a, b, v) => format!("{}.{} = {v}", key(&format!("d{i}_{a}")), key(b)),
            Entry::Comment(c) => format!("  {c}"),
            Entry::Blank => String::new(),
        });
    }
}

/// A table block of the user's own: `[t3_x]` (maybe with sub-tables) or `[[t3_x]]`.
#[derive(Debug, Clone)]
struct TableBlock {
    stem: String,
    array: bool,
    leading: Option<String>,
    header_comment: Option<String>,
    body: Vec<Entry>,
    sub: Option<(String, Vec<Entry>)>,
}

fn table_block() -> impl Strategy<Value = TableBlock> {
    (
        stem(),
        prop::bool::weighted(0.2),
        prop::option::of(comment()),
        prop::option::of(comment()),
        prop::collection::vec(entry(), 0..5),
        prop::option::of((stem(), prop::collection::vec(entry(), 0..3))),
    )
        .prop_map(
            |(stem, array, leading, header_comment, body, sub)| TableBlock {
                stem,
                array,
                leading,
                header_comment,
                body,
                sub,
            },
        )
}

fn render_table(i: usize, t: &TableBlock, out: &mut Vec<String>) {
    let name = key(&format!("t{i}_{}", t.stem));
    let tail = t
        .header_comment
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    out.extend(t.leading.clone());
    let copies = if t.array { 2 } else { 1 };
    for _ in 0..copies {
        if t.array {
            out.push(format!("[[{name}]]{tail}"));
        } else {
            out.push(format!("[{name}]{tail}"));
        }
        render_entries(&t.body, out);
        if let Some((sub, entries)) = &t.sub {
            out.push(format!("[ {name} . {} ]", key(&format!("s_{sub}"))));
            render_entries(entries, out);
        }
    }
}

/// Sections people really have in `.cargo/config.toml`.
const CARGO_SECTIONS: &[&str] = &[
    "[build]\njobs = 4 # CI box\ntarget-dir = \"target\"",
    "[target.'cfg(unix)']\nrustflags = [\"-C\", \"link-arg=-fuse-ld=lld\"]",
    "[target.x86_64-unknown-linux-gnu]\nlinker = \"clang\"",
    "# networking\n[net]\nretry = 3\ngit-fetch-with-cli = true",
    "[registry]\ndefault = \"r0\"\nglobal-credential-providers = [\"cargo:token\"]",
    "[alias]\nb = \"build\"\nxtask = [\"run\", \"-p\", \"xtask\", \"--\"]",
    "[env]\nRUST_LOG = { value = \"debug\", force = true }",
    "[http]\ntimeout = 30\n\n[http.ssl]\n# nothing",
];

#[derive(Debug, Clone, Copy)]
enum RegistryStyle {
    /// `[registries]` with `name = { index = … }`, as the Azure docs write it.
    HeaderInline,
    /// `[registries]` with `name.index = …`.
    HeaderDotted,
    /// `[registries.name]` tables.
    Standard,
    /// `registries.name.index = …` at the root.
    RootDotted,
}

#[derive(Debug, Clone, Copy)]
enum SourceStyle {
    Header,
    RootDotted,
    InlineInSource,
}

/// What `[source.crates-io] replace-with` says, if anything.
#[derive(Debug, Clone, Copy)]
enum Replacement {
    None,
    /// The feed being connected (no conflict).
    Same(Quote),
    /// Another source (a conflict unless `--no-replace-crates-io`).
    Other,
}

/// How a string value the user wrote is spelled: the same value either way.
#[derive(Debug, Clone, Copy)]
enum Quote {
    Basic,
    Literal,
    /// A basic string whose first character is a `\uXXXX` escape.
    Escaped,
}

impl Quote {
    fn quote(self, s: &str) -> String {
        match self {
            Quote::Basic => format!("\"{s}\""),
            Quote::Literal => format!("'{s}'"),
            Quote::Escaped => {
                let mut chars = s.chars();
                let first = chars.next().map(|c| format!("\\u{:04X}", c as u32));
                format!("\"{}{}\"", first.unwrap_or_default(), chars.as_str())
            }
        }
    }
}

fn quote() -> impl Strategy<Value = Quote> {
    prop::sample::select(vec![Quote::Basic, Quote::Literal, Quote::Escaped])
}

/// The user's registries: in which style, the other ones (name, with a second key), and
/// whether the feed being connected is already there (its index spelled how).
#[derive(Debug, Clone)]
struct Registries {
    style: RegistryStyle,
    others: Vec<(String, bool)>,
    feed: Option<Quote>,
}

/// The user's `[source.*]` tables.
#[derive(Debug, Clone)]
struct Sources {
    style: SourceStyle,
    mirror: bool,
    vendored: bool,
    replacement: Replacement,
}

#[derive(Debug, Clone, Copy)]
enum Eol {
    Lf,
    Crlf,
    Mixed,
}

/// One generated document and the feed to connect.
#[derive(Debug, Clone)]
struct Case {
    feed: String,
    root: Vec<Entry>,
    preamble: Vec<String>,
    tables: Vec<TableBlock>,
    cargo_sections: Vec<&'static str>,
    registries: Option<Registries>,
    sources: Option<Sources>,
    /// Where the registries and sources blocks go among the tables.
    order: Vec<usize>,
    eol: Eol,
    mixed: Vec<bool>,
    trailing_newline: bool,
    bom: bool,
}

fn case() -> impl Strategy<Value = Case> {
    let registries = prop::option::weighted(
        0.7,
        (
            prop::sample::select(vec![
                RegistryStyle::HeaderInline,
                RegistryStyle::HeaderDotted,
                RegistryStyle::Standard,
                RegistryStyle::RootDotted,
            ]),
            prop::collection::vec((stem(), any::<bool>()), 0..4),
            prop::option::weighted(0.3, quote()),
        )
            .prop_map(|(style, others, feed)| Registries {
                style,
                others,
                feed,
            }),
    );
    let sources = prop::option::weighted(
        0.6,
        (
            prop::sample::select(vec![
                SourceStyle::Header,
                SourceStyle::RootDotted,
                SourceStyle::InlineInSource,
            ]),
            any::<bool>(),
            any::<bool>(),
            prop_oneof![
                Just(Replacement::None),
                quote().prop_map(Replacement::Same),
                Just(Replacement::Other),
            ],
        )
            .prop_map(|(style, mirror, vendored, replacement)| Sources {
                style,
                mirror,
                vendored,
                replacement,
            }),
    );
    (
        (
            0u16..1000,
            prop::collection::vec(entry(), 0..6),
            prop::collection::vec(comment(), 0..3),
            prop::collection::vec(table_block(), 0..4),
            prop::sample::subsequence(CARGO_SECTIONS.to_vec(), 0..=3),
        ),
        (registries, sources),
        (
            prop::sample::select(vec![Eol::Lf, Eol::Crlf, Eol::Mixed]),
            prop::collection::vec(any::<bool>(), 64),
            any::<bool>(),
            prop::bool::weighted(0.1),
            Just((0..16).collect::<Vec<usize>>()).prop_shuffle(),
        ),
    )
        .prop_map(
            |(
                (feed, root, preamble, tables, cargo_sections),
                (registries, sources),
                (eol, mixed, trailing_newline, bom, order),
            )| Case {
                feed: format!("crates-{feed}"),
                root,
                preamble,
                tables,
                cargo_sections,
                registries,
                sources,
                order,
                eol,
                mixed,
                trailing_newline,
                bom,
            },
        )
}

impl Case {
    fn text(&self) -> String {
        let index = contoso_index(&self.feed);
        let mut root = self.preamble.clone();
        render_entries(&self.root, &mut root);
        // Blocks that start with a header, in an order picked by `self.order`.
        let mut blocks: Vec<Vec<String>> = Vec::new();
        for (i, table) in self.tables.iter().enumerate() {
            let mut lines = Vec::new();
            render_table(i, table, &mut lines);
            blocks.push(lines);
        }
        for section in &self.cargo_sections {
            blocks.push(section.lines().map(str::to_string).collect());
        }
        if let Some(registries) = &self.registries {
            let mut entries: Vec<(String, String, bool)> = registries
                .others
                .iter()
                .enumerate()
                .map(|(i, (s, extra))| {
                    let url = format!("\"sparse+https://r{i}.example/index/\"");
                    (key(&format!("r{i}_{s}")), url, *extra)
                })
                .collect();
            if let Some(quote) = registries.feed {
                entries.push((self.feed.clone(), quote.quote(&index), false));
            }
            let mut lines = Vec::new();
            match registries.style {
                RegistryStyle::HeaderInline => {
                    lines.push("[registries] # feeds".to_string());
                    for (name, url, extra) in &entries {
                        let extra = if *extra {
                            ", credential-provider = \"cargo:token\""
                        } else {
                            ""
                        };
                        lines.push(format!("{name} = {{ index = {url}{extra} }} # {name}"));
                    }
                }
                RegistryStyle::HeaderDotted => {
                    lines.push("[registries]".to_string());
                    for (name, url, extra) in &entries {
                        lines.push(format!("{name}.index = {url}"));
                        if *extra {
                            lines.push(format!("{name}.credential-provider = \"cargo:token\""));
                        }
                    }
                }
                RegistryStyle::Standard => {
                    for (name, url, extra) in &entries {
                        lines.push(format!("# the {name} feed"));
                        lines.push(format!("[registries.{name}]"));
                        lines.push(format!("index = {url}"));
                        if *extra {
                            lines.push("credential-provider = \"cargo:token\"".to_string());
                        }
                    }
                }
                RegistryStyle::RootDotted => {
                    for (name, url, _) in &entries {
                        root.push(format!("registries.{name}.index = {url}"));
                    }
                }
            }
            if !lines.is_empty() {
                blocks.push(lines);
            }
        }
        if let Some(Sources {
            style,
            mirror,
            vendored,
            replacement,
        }) = &self.sources
        {
            let mut sources: Vec<(&str, &str, String)> = Vec::new();
            if *mirror {
                sources.push((
                    "mirror",
                    "registry",
                    "\"sparse+https://mirror.example/\"".into(),
                ));
            }
            if *vendored {
                sources.push(("vendored-sources", "directory", "\"vendor\"".into()));
            }
            match replacement {
                Replacement::None => {}
                Replacement::Same(quote) => {
                    sources.push(("crates-io", "replace-with", quote.quote(&self.feed)))
                }
                Replacement::Other => {
                    sources.push(("crates-io", "replace-with", "'mirror' # ours".into()))
                }
            }
            let mut lines = Vec::new();
            match style {
                SourceStyle::Header => {
                    for (name, k, v) in &sources {
                        lines.push(format!("[source.{name}]"));
                        lines.push(format!("{k} = {v}"));
                    }
                }
                SourceStyle::RootDotted => {
                    for (name, k, v) in &sources {
                        root.push(format!("source.{name}.{k} = {v}"));
                    }
                }
                SourceStyle::InlineInSource if !sources.is_empty() => {
                    lines.push("[source]".to_string());
                    for (name, k, v) in &sources {
                        let v = v.split(" #").next().unwrap();
                        lines.push(format!("{name} = {{ {k} = {v} }}"));
                    }
                }
                SourceStyle::InlineInSource => {}
            }
            if !lines.is_empty() {
                blocks.push(lines);
            }
        }
        let mut ordered: Vec<(usize, Vec<String>)> = blocks
            .into_iter()
            .enumerate()
            .map(|(i, b)| (self.order.get(i).copied().unwrap_or(i), b))
            .collect();
        ordered.sort_by_key(|(rank, _)| *rank);
        let mut lines = root;
        for (_, block) in ordered {
            lines.push(String::new());
            lines.extend(block);
        }
        let text = lines.join("\n");
        let mut out = String::new();
        if self.bom {
            out.push_str(BOM);
        }
        let mut pieces = text.split('\n').peekable();
        let mut n = 0;
        while let Some(piece) = pieces.next() {
            out.push_str(piece);
            if pieces.peek().is_some() || self.trailing_newline {
                let crlf = match self.eol {
                    Eol::Lf => false,
                    Eol::Crlf => true,
                    Eol::Mixed => self.mixed[n % self.mixed.len()],
                };
                out.push_str(if crlf { "\r\n" } else { "\n" });
                n += 1;
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Oracles

/// Parses a config the way feedctl reads it (a leading BOM is not part of the TOML).
fn parse(text: &str) -> Result<DocumentMut, toml_edit::TomlError> {
    text.strip_prefix(BOM).unwrap_or(text).parse()
}

fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// `after` is a correct connect of `feed` onto `before`: it parses, has the registry (and
/// the replacement when `replace`), keeps every other value and table, every comment line,
/// the BOM and the line-ending style.
fn check_connected(
    before: &str,
    after: &str,
    feed: &str,
    replace: bool,
) -> Result<(), TestCaseError> {
    let new = parse(after)
        .map_err(|e| TestCaseError::fail(format!("the result does not parse: {e}\n{after}")))?;
    let mut new_leaves = leaves(&new);
    let mut old_leaves = parse(before).map(|d| leaves(&d)).unwrap_or_default();
    let index = format!("{:?}", contoso_index(feed));
    let owned_index = path(&["registries", feed, "index"]);
    prop_assert_eq!(
        new_leaves.get(&owned_index),
        Some(&index),
        "registry missing"
    );
    let owned_replace = path(&["source", "crates-io", "replace-with"]);
    if replace {
        prop_assert_eq!(
            new_leaves.get(&owned_replace),
            Some(&format!("{feed:?}")),
            "replacement missing"
        );
    }
    // What connect owns, or may create to hold what it owns.
    let mut owned = vec![
        owned_index,
        path(&["registries", feed]),
        path(&["registries"]),
        path(&["source"]),
        path(&["source", "crates-io"]),
    ];
    if replace {
        owned.push(owned_replace);
    }
    for key in &owned {
        new_leaves.remove(key);
        old_leaves.remove(key);
    }
    prop_assert_eq!(old_leaves, new_leaves, "values changed:\n{}", after);
    let after_lines: Vec<&str> = after.lines().collect();
    for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
        let line = line.strip_prefix(BOM).unwrap_or(line);
        prop_assert!(
            after_lines
                .iter()
                .any(|l| l.strip_prefix(BOM).unwrap_or(l) == line),
            "comment line {:?} lost:\n{}",
            line,
            after
        );
    }
    prop_assert_eq!(before.starts_with(BOM), after.starts_with(BOM), "BOM");
    let bare_lf = |t: &str| t.replace("\r\n", "").contains('\n');
    if before.contains("\r\n") && !bare_lf(before) {
        prop_assert!(!bare_lf(after), "CRLF file got LF lines:\n{:?}", after);
    }
    if !before.contains('\r') {
        prop_assert!(!after.contains('\r'), "LF file got CR:\n{:?}", after);
    }
    Ok(())
}

/// Status checks every run must pass: it ended with one of feedctl's documented codes for
/// these commands (a panic is 101, a signal has no code).
fn code_of(out: &Output) -> Result<i32, TestCaseError> {
    let code = out.status.code();
    prop_assert!(
        matches!(code, Some(0..=3)),
        "feedctl ended with {:?}\nstderr:\n{}",
        out.status,
        out.stderr_text()
    );
    Ok(code.unwrap())
}

fn connect(sandbox: &Sandbox, config: &Path, feed: &str, replace: bool) -> Output {
    let mut cmd = sandbox.feedctl();
    cmd.args(edit_args(feed, config));
    if !replace {
        cmd.arg("--no-replace-crates-io");
    }
    cmd.output().expect("run feedctl")
}

/// Runs connect twice on `before` and checks both runs.
fn check_connect_run(
    sandbox: &Sandbox,
    config: &Path,
    before: &str,
    feed: &str,
    replace: bool,
) -> Result<(), TestCaseError> {
    fs::write(config, before).unwrap();
    let out = connect(sandbox, config, feed, replace);
    let stderr = out.stderr_text();
    let after = fs::read(config).unwrap();
    let conflict = replace
        && parse(before).ok().is_some_and(|doc| {
            doc.get("source")
                .and_then(|s| s.get("crates-io"))
                .and_then(|c| c.get("replace-with"))
                .and_then(Item::as_str)
                .is_some_and(|r| r != feed)
        });
    if conflict {
        prop_assert_eq!(code_of(&out)?, 3, "a conflict must be refused:\n{}", stderr);
        prop_assert!(stderr.contains(&config.display().to_string()), "{}", stderr);
        prop_assert!(after == before.as_bytes(), "a refusal changed the file");
        return Ok(());
    }
    prop_assert_eq!(
        code_of(&out)?,
        0,
        "replace={}:\n{}\n{}",
        replace,
        stderr,
        before
    );
    if already_connected(before, feed, replace) {
        // However the values are spelled, and whatever toml_edit would re-render.
        prop_assert!(
            after == before.as_bytes(),
            "an already connected file was rewritten:\n{}",
            String::from_utf8_lossy(&after)
        );
        prop_assert!(stderr.contains("Unchanged"), "{}", stderr);
    }
    let after = String::from_utf8(after).expect("feedctl wrote UTF-8");
    check_connected(before, &after, feed, replace)?;
    let again = connect(sandbox, config, feed, replace);
    prop_assert_eq!(code_of(&again)?, 0, "{}", again.stderr_text());
    prop_assert_eq!(
        fs::read_to_string(config).unwrap(),
        after,
        "the second connect changed the file"
    );
    Ok(())
}

/// Whether `before` already has the registry (and the replacement, if asked for).
fn already_connected(before: &str, feed: &str, replace: bool) -> bool {
    let Ok(doc) = parse(before) else {
        return false;
    };
    let leaves = leaves(&doc);
    let has = |p: &[&str], v: &str| leaves.get(&path(p)) == Some(&format!("{v:?}"));
    has(&["registries", feed, "index"], &contoso_index(feed))
        && (!replace || has(&["source", "crates-io", "replace-with"], feed))
}

fn case_path(sandbox: &Sandbox, name: &str) -> PathBuf {
    let dir = sandbox.project().join(name).join(".cargo");
    fs::create_dir_all(&dir).unwrap();
    dir.join("config.toml")
}

#[test]
fn connect_keeps_what_it_does_not_own() {
    let sandbox = Sandbox::new();
    let keep = case_path(&sandbox, "keep");
    let replace = case_path(&sandbox, "replace");
    runner(64)
        .run(&case(), |case| {
            let before = case.text();
            prop_assert!(
                parse(&before).is_ok(),
                "generator bug, invalid TOML: {:?}\n{}",
                parse(&before).err(),
                before
            );
            check_connect_run(&sandbox, &keep, &before, &case.feed, false)?;
            check_connect_run(&sandbox, &replace, &before, &case.feed, true)
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------
// Arbitrary bytes

const TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"=",
    b" = ",
    b"\"",
    b"'",
    b"\"\"\"",
    b"{",
    b"}",
    b",",
    b".",
    b"#",
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    b"\t",
    b"registries",
    b"registry",
    b"source",
    b"crates-io",
    b"replace-with",
    b"index",
    b"crates-7",
    b"global-credential-providers",
    b"\"cargo:token\"",
    b"\"cargo:libsecret\"",
    b"\xef\xbb\xbf",
    b"\\",
    b"\\u00e9",
    b"1",
    b"true",
    b"\xc3\xa9",
    b"\0",
    b"\x7f",
    b"\xff",
    b"\xc3",
    b"1979-05-27T07:32:00Z",
];

fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let document = || case().prop_map(|c| c.text().into_bytes());
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.concat()),
        (
            document(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
        )
            .prop_map(|(mut doc, edits)| {
                for (at, byte) in edits {
                    if doc.is_empty() {
                        doc.push(byte);
                    } else {
                        let at = at.index(doc.len());
                        doc[at] = byte;
                    }
                }
                doc
            }),
        (document(), any::<prop::sample::Index>()).prop_map(|(mut doc, at)| {
            doc.truncate(at.index(doc.len() + 1));
            doc
        }),
    ]
}

/// A run on hostile input: a documented exit code; on success a clean edit `check` accepts,
/// on failure the file untouched and named in the message.
fn check_hostile(
    out: &Output,
    path: &Path,
    before: &[u8],
    check: impl Fn(&str, &str) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    let code = code_of(out)?;
    let after = fs::read(path).unwrap();
    let stderr = out.stderr_text();
    if code == 0 {
        let before = std::str::from_utf8(before).map_err(|_| {
            TestCaseError::fail(format!("accepted non-UTF-8 input {before:?}:\n{stderr}"))
        })?;
        let after = String::from_utf8(after).expect("feedctl wrote UTF-8");
        check(before, &after)
    } else {
        prop_assert!(
            after == before,
            "a failed run changed the file:\n{}",
            stderr
        );
        prop_assert!(
            stderr.contains(&path.display().to_string()),
            "the message does not name the file:\n{}",
            stderr
        );
        Ok(())
    }
}

#[test]
fn arbitrary_bytes_never_panic_or_damage_the_file() {
    let sandbox = Sandbox::new();
    let project_config = case_path(&sandbox, "hostile");
    let home_config = sandbox.cargo_home().join("config.toml");
    runner(96)
        .run(&hostile_bytes(), |bytes| {
            fs::write(&project_config, &bytes).unwrap();
            // connect reads every config cargo reads here: the previous case's broken home
            // config would (rightly) stop it.
            let _ = fs::remove_file(&home_config);
            let out = connect(&sandbox, &project_config, "crates-7", true);
            check_hostile(&out, &project_config, &bytes, |before, after| {
                check_connected(before, after, "crates-7", true)
            })?;

            fs::write(&home_config, &bytes).unwrap();
            let out = sandbox
                .feedctl()
                .args(["providers", "--store", "file"])
                .output()
                .unwrap();
            check_hostile(&out, &home_config, &bytes, |_, after| {
                let doc = parse(after).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let providers = doc
                    .get("registry")
                    .and_then(|r| r.get("global-credential-providers"))
                    .and_then(Item::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>());
                prop_assert!(
                    providers.is_some_and(|p| p.contains(&"cargo:token")),
                    "{}",
                    after
                );
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
