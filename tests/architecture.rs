//! The shape of `src/`, checked like any other behaviour: no import circles between modules,
//! no module over ~600 lines of code and no command over ~250, nothing below the commands
//! sees clap's types, and every module says what it owns. A rule broken here is a design
//! question, so each failure names the files involved.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Lines of code a module may have (blank lines, comments and its `tests` module not counted).
const MODULE_LIMIT: usize = 600;
/// The same for a command, which only turns arguments into a plan and renders the outcome.
const COMMAND_LIMIT: usize = 250;
/// The folders below the command layer, which must not know clap.
const BELOW_COMMANDS: [&str; 6] = ["ops", "doctor", "cargo", "azure", "auth", "util"];

struct Module {
    file: PathBuf,
    /// The module's code without its `#[cfg(test)] mod tests`.
    code: String,
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
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            out.insert(parts.join("::"), Module { file: path, code });
        }
    }
    out
}

fn lines_of_code(code: &str) -> usize {
    code.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

/// The modules `name` refers to through `crate::…` or `super::…` paths.
fn imports(name: &str, module: &Module, all: &BTreeMap<String, Module>) -> BTreeSet<String> {
    let own: Vec<&str> = if name.is_empty() {
        vec![]
    } else {
        name.split("::").collect()
    };
    // `super` of `a::b` is `a`, whether it lives in a/b.rs or a/b/mod.rs.
    let parent = &own[..own.len().saturating_sub(1)];
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", &[][..]), ("super::", parent)] {
        let code = &module.code;
        let mut at = 0;
        while let Some(i) = code[at..].find(prefix) {
            let start = at + i;
            at = start + prefix.len();
            if start > 0 {
                let before = code.as_bytes()[start - 1];
                if before.is_ascii_alphanumeric() || before == b'_' || before == b':' {
                    continue;
                }
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts: Vec<&str> = base.to_vec();
            parts.extend(path.split("::").filter(|p| !p.is_empty()));
            while !parts.is_empty() && !all.contains_key(&parts.join("::")) {
                parts.pop();
            }
            let target = parts.join("::");
            if !target.is_empty() && target != name {
                found.insert(target);
            }
        }
    }
    found
}

#[test]
fn modules_import_each_other_without_circles() {
    let all = modules();
    let graph: BTreeMap<&str, BTreeSet<String>> = all
        .iter()
        .map(|(name, module)| (name.as_str(), imports(name, module, &all)))
        .collect();
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
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
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
fn nothing_below_the_commands_knows_clap() {
    let offenders: Vec<String> = modules()
        .into_iter()
        .filter(|(name, _)| BELOW_COMMANDS.contains(&name.split("::").next().unwrap_or("")))
        .filter(|(_, m)| m.code.contains("crate::cli") || m.code.contains("clap::"))
        .map(|(_, m)| m.file.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "these modules import clap or crate::cli; convert the arguments in the command:\n{}",
        offenders.join("\n")
    );
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
