//! The shape of `src/`, checked like any other behaviour: no import circles between modules,
//! layers that only call down (commands never call each other, nothing below them knows clap),
//! no module over ~600 lines of code and no command over ~250, and every module says what it
//! owns. A rule broken here is a design question, so each failure names the files involved.
//!
//! The source is read as text: comments and string contents are blanked first (a doc link
//! or a message is not an import), `#[cfg(test)]` items are cut out (tests may reach
//! anywhere), and `use` groups (`crate::ops::{login, transaction}`) are expanded. A module and
//! its own parent are exempt from the circle rule: `super::` is how Rust children share their
//! parent's types.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Lines of code a module may have (blank lines, comments and test code not counted).
const MODULE_LIMIT: usize = 600;
/// The same for a command, which only turns arguments into a plan and renders the outcome.
const COMMAND_LIMIT: usize = 250;

struct Module {
    file: PathBuf,
    /// The module's text without its `#[cfg(test)]` items, comments kept (for counting).
    code: String,
    /// The same with comments and string contents blanked (for reading paths).
    bare: String,
}

/// Every module of the crate by its path (`cargo::config::edit`; `""` for `main.rs`).
fn modules() -> BTreeMap<String, Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "main") {
                parts.pop();
            }
            let text = fs::read_to_string(&path).unwrap();
            let code = without_test_items(&text);
            let bare = blank_comments_and_strings(&code);
            out.insert(
                parts.join("::"),
                Module {
                    file: path,
                    code,
                    bare,
                },
            );
        }
    }
    out
}

/// `text` with comments replaced by spaces and string and char literals emptied, keeping every
/// line break and every byte's position otherwise.
fn blank_comments_and_strings(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                blank(&mut out, i, end);
                i = end;
            }
            b'r' if b.get(i + 1).is_some_and(|c| *c == b'"' || *c == b'#')
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let end = text[open + 1..]
                    .find(&close)
                    .map_or(b.len(), |n| open + 1 + n + close.len());
                blank(&mut out, open + 1, end.saturating_sub(close.len()));
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j.min(b.len()));
                i = j + 1;
            }
            // A char literal ('x', '\n', '\'', '{'), not a lifetime ('a).
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                let end = text[i + 2..].find('\'').map_or(b.len(), |n| i + 2 + n + 1);
                blank(&mut out, i + 1, end - 1);
                i = end;
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => {
                blank(&mut out, i + 1, i + 2);
                i += 3;
            }
            _ => i += 1,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` without the items under a test-only attribute (`cfg(test)`, `cfg(all(test, …))`):
/// the item ends at its `;` or at the brace matching its first `{`.
fn without_test_items(text: &str) -> String {
    let bare = blank_comments_and_strings(text);
    let b = bare.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(at) = bare[search..].find("#[cfg(").map(|n| search + n) {
        let attr_end = bare[at..].find(']').map_or(b.len(), |n| at + n + 1);
        let attr = &bare[at..attr_end];
        // `cfg(test)` and `cfg(all(test, …))` are test-only; `cfg(any(test, …))` is not.
        let words: String = attr.chars().filter(|c| !c.is_whitespace()).collect();
        let is_test = words.starts_with("#[cfg(test)")
            || (words.starts_with("#[cfg(all(")
                && (words.contains("(test,")
                    || words.contains(",test,")
                    || words.contains(",test)")));
        if !is_test {
            search = attr_end;
            continue;
        }
        let mut i = attr_end;
        let end = loop {
            match b.get(i) {
                None => break b.len(),
                Some(b';') => break i + 1,
                Some(b'{') => {
                    let mut depth = 0;
                    let mut j = i;
                    while j < b.len() {
                        match b[j] {
                            b'{' => depth += 1,
                            b'}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    break (j + 1).min(b.len());
                }
                _ => i += 1,
            }
        };
        out.push_str(&text[copied..at]);
        copied = end;
        search = end;
    }
    out.push_str(&text[copied..]);
    out
}

fn lines_of_code(code: &str) -> usize {
    code.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

/// Every path written after `prefix` in `code`, with `use` groups expanded:
/// `crate::a::{b, c::{d, e}}` gives `a::b`, `a::c::d` and `a::c::e`.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    fn expand(rest: &str, base: &str, out: &mut Vec<String>) -> usize {
        // Reads one path (and its group, if any) from `rest`; returns the bytes consumed.
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut used = word.len();
        let path = match word.as_str() {
            "self" => base.trim_end_matches(':').to_string(),
            _ => format!("{base}{}", word.trim_end_matches(':')),
        };
        // A group after a path, or right after the prefix (`crate::{a, b}`).
        if (word.is_empty() || word.ends_with("::")) && rest[used..].starts_with('{') {
            used += 1;
            loop {
                let skipped = rest[used..]
                    .find(|c: char| !c.is_whitespace() && c != ',')
                    .unwrap_or(rest.len() - used);
                used += skipped;
                if used >= rest.len() || rest[used..].starts_with('}') {
                    return used + 1;
                }
                let before = out.len();
                used += expand(&rest[used..], &format!("{path}::"), out);
                if out.len() == before {
                    // Not a path (`self`, `*`, an alias): move on to the next comma.
                    used += rest[used..].find([',', '}']).unwrap_or(rest.len() - used);
                }
            }
        }
        if !word.is_empty() {
            out.push(path);
        }
        used
    }
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find(prefix) {
        let start = at + i;
        at = start + prefix.len();
        let before = start.checked_sub(1).map(|p| code.as_bytes()[p]);
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b':') {
            continue;
        }
        at += expand(&code[at..], "", &mut out);
    }
    out
}

/// The modules `name` refers to through `crate::…` or `super::…` paths (its parent excluded).
fn imports(name: &str, module: &Module, all: &BTreeMap<String, Module>) -> BTreeSet<String> {
    let own: Vec<&str> = if name.is_empty() {
        vec![]
    } else {
        name.split("::").collect()
    };
    // `super` of `a::b` is `a`, whether it lives in a/b.rs or a/b/mod.rs.
    let parent = own[..own.len().saturating_sub(1)].join("::");
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent.clone())] {
        for path in paths_after(&module.bare, prefix) {
            let mut parts: Vec<&str> = base.split("::").filter(|p| !p.is_empty()).collect();
            parts.extend(path.split("::").filter(|p| !p.is_empty()));
            while !parts.is_empty() && !all.contains_key(&parts.join("::")) {
                parts.pop();
            }
            let target = parts.join("::");
            if !target.is_empty() && target != name && target != parent {
                found.insert(target);
            }
        }
    }
    found
}

fn graph(all: &BTreeMap<String, Module>) -> BTreeMap<&str, BTreeSet<String>> {
    all.iter()
        .map(|(name, module)| (name.as_str(), imports(name, module, all)))
        .collect()
}

#[test]
fn modules_import_each_other_without_circles() {
    let circles = circles(&modules());
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn layers_only_call_down() {
    let wrong = layer_violations(&modules());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every import circle, as `a -> b -> a`.
fn circles(all: &BTreeMap<String, Module>) -> Vec<String> {
    let graph = graph(all);
    // Depth-first search; a back edge is a circle, reported with its path.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<&str, BTreeSet<String>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        circles: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let mut circle: Vec<&str> = stack[at..].to_vec();
            circle.push(node);
            circles.push(circle.join(" -> "));
            return;
        }
        stack.push(node);
        for next in &graph[node] {
            visit(next, graph, stack, done, circles);
        }
        stack.pop();
        done.insert(node);
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    circles
}

/// Every import that goes sideways between commands or up, and every use of clap below the
/// commands.
fn layer_violations(all: &BTreeMap<String, Module>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (name, targets) in graph(all) {
        let is_command = name.starts_with("commands::");
        for target in targets {
            let reason =
                if is_command && target.starts_with("commands::") && target != "commands::args" {
                    "a command calls another command (share the step in ops/ instead)"
                } else if !name.is_empty()
                    && !name.starts_with("commands")
                    && target.starts_with("commands")
                {
                    "a lower layer calls up into the commands"
                } else if !name.is_empty()
                    && name != "cli"
                    && !name.starts_with("commands")
                    && target == "cli"
                {
                    "clap's arguments below the commands (convert them in the command)"
                } else {
                    continue;
                };
            wrong.push(format!("{name} -> {target}: {reason}"));
        }
    }
    for (name, module) in all {
        let knows_clap = module.bare.contains("clap::") || module.bare.contains("clap_complete::");
        if knows_clap && !name.is_empty() && name != "cli" && !name.starts_with("commands") {
            wrong.push(format!(
                "{name} uses clap: only cli.rs and the commands may"
            ));
        }
    }
    wrong
}

#[test]
fn modules_and_commands_stay_small() {
    let mut over = Vec::new();
    for (name, module) in modules() {
        let limit = if name.starts_with("commands::") {
            COMMAND_LIMIT
        } else {
            MODULE_LIMIT
        };
        let lines = lines_of_code(&module.code);
        if lines > limit {
            over.push(format!(
                "{} has {lines} lines of code (limit {limit})",
                module.file.display()
            ));
        }
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}

#[test]
fn every_module_says_what_it_owns() {
    let undocumented: Vec<String> = modules()
        .into_values()
        .filter(|m| !m.code.trim_start().starts_with("//!"))
        .map(|m| m.file.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules without a `//!` doc:\n{}",
        undocumented.join("\n")
    );
}

/// The reader itself, on the shapes that once slipped past it.
#[test]
fn the_reader_sees_groups_and_skips_comments_strings_and_tests() {
    let code = "use crate::ops::{login, transaction::{self, Transaction}};\n\
                // crate::doc::link\n\
                let s = \"crate::in::a::string {\";\n\
                let c = '{';\n\
                #[cfg(test)]\nmod tests { fn f() { crate::tested(); } }\n\
                fn g<'a>(x: &'a str) { crate::util::which::on_path(x); }\n";
    let bare = blank_comments_and_strings(&without_test_items(code));
    assert_eq!(
        paths_after(&bare, "crate::"),
        [
            "ops::login",
            "ops::transaction",
            "ops::transaction::Transaction",
            "util::which::on_path"
        ]
    );
    let with_attr = "fn a() {}\n#[cfg(all(test, unix))]\nmod t { fn b() { x(); } }\nfn c() {}\n";
    assert_eq!(without_test_items(with_attr), "fn a() {}\n\nfn c() {}\n");
    assert_eq!(
        without_test_items("#[cfg(test)]\nmod tests;\nfn d() {}"),
        "\nfn d() {}"
    );
    assert_eq!(
        without_test_items("#[cfg(not(test))]\nfn e() {}"),
        "#[cfg(not(test))]\nfn e() {}"
    );
}

/// The rules on a made-up crate that breaks each of them once.
#[test]
fn the_rules_catch_what_they_are_for() {
    let module = |name: &str, code: &str| {
        let code = without_test_items(code);
        let bare = blank_comments_and_strings(&code);
        let file = PathBuf::from(format!("{name}.rs"));
        (name.to_string(), Module { file, code, bare })
    };
    let all: BTreeMap<String, Module> = [
        module("", "mod cli;"),
        module("cli", "use clap::Parser;"),
        module("auth", "//! auth"),
        module("auth::token", "use crate::auth::{azure_cli::{self}};"),
        module("auth::azure_cli", "fn f() { crate::auth::token::read(); }"),
        module("ops", "//! ops"),
        module("ops::status", "use crate::{cli::StatusArgs};"),
        module("ops::login", "use crate::commands::login;"),
        module("commands", "//! commands"),
        module("commands::login", "use crate::commands::{logout, args};"),
        module("commands::logout", "//! logout"),
        module("commands::args", "//! args"),
        module("util", "fn g() -> clap::Command { todo!() }"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        circles(&all),
        ["auth::azure_cli -> auth::token -> auth::azure_cli"]
    );
    let wrong = layer_violations(&all);
    for expected in [
        "commands::login -> commands::logout: a command calls another command",
        "ops::status -> cli: clap's arguments below the commands",
        "ops::login -> commands::login: a lower layer calls up",
        "util uses clap",
    ] {
        assert!(
            wrong.iter().any(|w| w.starts_with(expected)),
            "{expected}: {wrong:#?}"
        );
    }
    assert!(
        !wrong.iter().any(|w| w.contains("-> commands::args")),
        "{wrong:#?}"
    );
}
