//! Where an edit puts text in a config file, so that the user's bytes stay as they were:
//! new tables go after what ended the file (a trailing comment stays above them), the text
//! before a removed header stays where it was, and lines keep their own line endings in a
//! file that mixes CRLF and LF. Used by the one wrapper of every edit, `edit.rs`, only.

use toml_edit::{DocumentMut, Item, Table};

/// New tables render after the file's last table. The first one gets a blank line before
/// its header, as a person would write it, and takes over the text that ended the file (a
/// comment after the last table, or a file of comments only), so that the new tables come
/// after it, not above it; [`give_back`] returns that text when the table is removed.
pub fn place_new_tables(doc: &mut DocumentMut) {
    let trailing = doc.trailing().as_str().unwrap_or("").to_string();
    let Some(first) = first_new_header(doc.as_table_mut()) else {
        return;
    };
    if first.decor().prefix().is_some() {
        return;
    }
    let mut prefix = String::new();
    let moves = !trailing.trim().is_empty();
    if moves {
        prefix.push_str(&trailing);
        if !prefix.ends_with('\n') {
            prefix.push('\n');
        }
    }
    prefix.push('\n');
    first.decor_mut().set_prefix(prefix);
    if moves {
        doc.set_trailing("");
    }
}

/// Puts the user's text from before removed headers (their position, the text; see
/// [`kept_prefix`]) where it was: before the next header, or at the end of the file.
pub fn give_back(doc: &mut DocumentMut, gone: Vec<(Option<isize>, String)>) {
    for (position, text) in gone {
        match position.and_then(|at| next_header(doc.as_table_mut(), at)) {
            Some(next) => {
                let prefix = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
                let prefix = format!("{text}{prefix}");
                next.decor_mut().set_prefix(prefix);
            }
            None => {
                let trailing = doc.trailing().as_str().unwrap_or("");
                let trailing = format!("{text}{trailing}");
                doc.set_trailing(trailing);
            }
        }
    }
}

/// Whether a table renders a `[header]` line of its own.
pub fn has_header(table: &Table) -> bool {
    !table.is_dotted() && (!table.is_implicit() || table.iter().any(|(_, v)| !v.is_table()))
}

/// The first table below `table` that renders a header and is new (has no place in the file
/// yet), in the order they render.
fn first_new_header(table: &mut Table) -> Option<&mut Table> {
    for (_, item) in table.iter_mut() {
        if let Item::Table(child) = item {
            if child.position().is_none() && has_header(child) {
                return Some(child);
            }
            if let Some(found) = first_new_header(child) {
                return Some(found);
            }
        }
    }
    None
}

/// The table with a header that renders first after position `after`.
fn next_header(table: &mut Table, after: isize) -> Option<&mut Table> {
    fn first_after(table: &Table, after: isize) -> Option<isize> {
        table
            .iter()
            .filter_map(|(_, item)| item.as_table())
            .flat_map(|child| {
                let here = child.position().filter(|&p| p > after && has_header(child));
                [here, first_after(child, after)]
            })
            .flatten()
            .min()
    }
    fn at(table: &mut Table, position: isize) -> Option<&mut Table> {
        for (_, item) in table.iter_mut() {
            if let Item::Table(child) = item {
                if child.position() == Some(position) && has_header(child) {
                    return Some(child);
                }
                if let Some(found) = at(child, position) {
                    return Some(found);
                }
            }
        }
        None
    }
    let position = first_after(table, after)?;
    at(table, position)
}

/// The text before a removed header that is the user's (comments, blank lines beyond the
/// one blank line that separates tables).
pub fn kept_prefix(prefix: &str) -> &str {
    let kept = prefix
        .strip_suffix("\r\n")
        .or_else(|| prefix.strip_suffix('\n'))
        .filter(|rest| rest.is_empty() || rest.ends_with('\n'))
        .unwrap_or(prefix);
    if kept.trim().is_empty() { "" } else { kept }
}

/// `edited` (toml_edit's rendering of an edit of `original`) with the line endings of
/// `original` on the lines it kept: toml_edit writes `\n` after headers and values, so a file
/// that mixes `\r\n` and `\n` would otherwise change on lines feedctl never touched. The
/// unedited rendering of `original` maps its lines one to one; the diff from that to
/// `edited` says which lines are kept. Without such a mapping, `edited` as it is.
pub fn keep_line_endings(original: &str, edited: String) -> String {
    let Ok(doc) = original.parse::<DocumentMut>() else {
        return edited;
    };
    let base = doc.to_string();
    let originals: Vec<&str> = original.split_inclusive('\n').collect();
    let bases: Vec<&str> = base.split_inclusive('\n').collect();
    let same_lines = originals.len() == bases.len()
        && originals
            .iter()
            .zip(&bases)
            .all(|(o, b)| o.trim_end_matches(['\r', '\n']) == b.trim_end_matches(['\r', '\n']));
    if !same_lines {
        return edited;
    }
    let diff = similar::TextDiff::from_lines(base.as_str(), edited.as_str());
    let news: Vec<&str> = edited.split_inclusive('\n').collect();
    let mut out = String::with_capacity(edited.len());
    for op in diff.ops() {
        match op.tag() {
            similar::DiffTag::Equal => {
                for i in op.old_range() {
                    out.push_str(originals[i]);
                    // toml_edit ends the last line of a file that had no final line break.
                    if bases[i].ends_with('\n') && !originals[i].ends_with('\n') {
                        out.push('\n');
                    }
                }
            }
            similar::DiffTag::Delete => {}
            similar::DiffTag::Insert | similar::DiffTag::Replace => {
                for i in op.new_range() {
                    out.push_str(news[i]);
                }
            }
        }
    }
    out
}

/// Whether every line ending in `text` is CRLF (and there is at least one).
pub fn uses_crlf_only(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.contains(&b'\n')
        && bytes
            .iter()
            .enumerate()
            .all(|(i, &b)| b != b'\n' || (i > 0 && bytes[i - 1] == b'\r'))
}
