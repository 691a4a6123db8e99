//! Cargo config files: finding them, reading them, and the one wrapper through which every
//! edit goes.
//!
//! Edits keep everything feedctl does not own byte for byte: comments, key order, spacing,
//! unrelated keys, a UTF-8 byte-order mark and CRLF (or mixed) line endings. Parent tables feedctl has to
//! create are implicit (no empty `[source]` header), an overwritten value keeps the old value's
//! comments, and tables left empty by a removal disappear. [`plan`] then [`commit`] is the only
//! writer: the plan touches nothing; the commit takes the file's lock, re-reads (and re-applies
//! the edit if the file changed meanwhile) and replaces the file atomically.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::layout;
use super::touched::Touched;
use crate::exit::{Code, Failure};
use crate::util::atomic_file;
use crate::util::paths::{self, same_file};

const BOM: &str = "\u{feff}";

/// A cargo config file held in memory with its original text.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    /// Shared by clones, like `doc` and `rendered`: a config may be hundreds of kilobytes,
    /// and the config model holds a clone of the file `connect` edits.
    original: Option<Arc<str>>,
    /// Leaked on purpose: freeing it was 17% of `connect --dry-run`'s work on 2,000 registries.
    /// Shared by clones (the config model takes one of the file `connect` edits) and copied
    /// only when a clone is edited: a deep copy was 13% of that work.
    doc: ManuallyDrop<Arc<DocumentMut>>,
    bom: bool,
    crlf: bool,
    /// Whether `set` or `remove` changed anything. toml_edit does not render every file
    /// back byte for byte (mixed line endings, `[a]` then `[a . b]`), so an unedited file
    /// must not count as changed just because its rendering differs.
    edited: bool,
    /// The rendering of `doc`, computed once per state (a large file renders in
    /// milliseconds, and an edit needs it several times).
    rendered: OnceCell<Arc<str>>,
    /// The registries whose `[registries]` entries `set` and `remove` may have changed, so
    /// that a check after the edit need not look at thousands of others again; `None` once
    /// any registry may have changed (the whole text replaced, `[registries]` itself set).
    registries_touched: Touched,
}

/// How a parent table that has to be created should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewParent {
    /// `[a.b]` header (the default for config sections such as `[source.crates-io]`).
    Header,
    /// `b = { … }` inside `[a]`, as the Azure docs write registries.
    Inline,
}

impl Drop for ConfigFile {
    /// Only the last share of the document is leaked (see `doc`): a copy going away gives its
    /// share back, so the copy left can be edited without being copied first.
    fn drop(&mut self) {
        if Arc::strong_count(&self.doc) > 1 {
            // SAFETY: `self.doc` is never used again; this is its only drop.
            unsafe { ManuallyDrop::drop(&mut self.doc) }
        }
    }
}

impl ConfigFile {
    /// Puts `doc` in place of the document, giving back a share of the old one as
    /// [`Drop`] does.
    fn replace_doc(&mut self, doc: DocumentMut) {
        let old = std::mem::replace(&mut self.doc, ManuallyDrop::new(Arc::new(doc)));
        if Arc::strong_count(&old) > 1 {
            drop(ManuallyDrop::into_inner(old));
        }
    }

    /// `path` as a missing file: an empty config.
    pub fn missing(path: &Path) -> ConfigFile {
        ConfigFile {
            path: path.to_path_buf(),
            original: None,
            doc: ManuallyDrop::new(Arc::new(DocumentMut::new())),
            bom: false,
            crlf: false,
            edited: false,
            rendered: OnceCell::new(),
            registries_touched: Touched::nothing(),
        }
    }

    /// Reads `path`; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let bytes = match fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) if path.is_dir() => {
                return Err(e).with_context(|| {
                    format!("`{}` is a directory, not a config file", path.display())
                });
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to read `{}`", path.display()));
            }
        };
        let original = bytes
            .map(|b| {
                String::from_utf8(b).map_err(|e| {
                    let at = e.utf8_error().valid_up_to();
                    anyhow::anyhow!(
                        "`{}` is not valid UTF-8 (invalid byte at offset {at}); cargo cannot read \
                         it either — fix or re-save it as UTF-8",
                        path.display()
                    )
                })
            })
            .transpose()?
            .map(Arc::<str>::from);
        let text = original.as_deref().unwrap_or("");
        let bom = text.starts_with(BOM);
        let body = text.strip_prefix(BOM).unwrap_or(text);
        let crlf = layout::uses_crlf_only(body);
        let doc: DocumentMut = body
            .parse()
            .map_err(|e: toml_edit::TomlError| parse_error(path, body, &e))?;
        Ok(ConfigFile {
            path: path.to_path_buf(),
            original,
            doc: ManuallyDrop::new(Arc::new(doc)),
            bom,
            crlf,
            edited: false,
            rendered: OnceCell::new(),
            registries_touched: Touched::nothing(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file existed when it was read.
    pub fn exists(&self) -> bool {
        self.original.is_some()
    }

    /// The text the file had when read (empty for a missing file).
    pub fn original_text(&self) -> &str {
        self.original.as_deref().unwrap_or("")
    }

    /// The text the file would have now.
    pub fn render(&self) -> &str {
        self.rendered.get_or_init(|| {
            // Sized for the file as read, plus a little: a big file is not copied over and
            // over while it grows.
            let mut text = String::with_capacity(self.original_text().len() + 256);
            write!(text, "{}", **self.doc).expect("writing to a String cannot fail");
            if self.crlf {
                text = text.replace("\r\n", "\n").replace('\n', "\r\n");
            } else if self.edited
                && let Some(body) = self
                    .original_text()
                    .strip_prefix(BOM)
                    .or(self.original.as_deref())
                && body.contains('\r')
            {
                text = layout::keep_line_endings(body, text);
            }
            if self.bom {
                text.insert_str(0, BOM);
            }
            text.into()
        })
    }

    /// The registries whose entries the edits so far may have changed (see the field);
    /// `None` when any may have.
    pub fn registries_touched(&self) -> Option<&[String]> {
        self.registries_touched.names()
    }

    /// Whether the edits so far change the file.
    pub fn is_changed(&self) -> bool {
        self.edited && self.render() != self.original_text()
    }

    /// The document to edit, copied first if a clone shares it.
    fn doc_mut(&mut self) -> &mut DocumentMut {
        Arc::make_mut(&mut self.doc)
    }

    /// The item at a dotted path, through standard, inline and dotted tables alike.
    pub fn get(&self, path: &[&str]) -> Option<&Item> {
        let (last, parents) = path.split_last()?;
        let mut table: &dyn TableLike = self.doc.as_table();
        for key in parents {
            table = table.get(key)?.as_table_like()?;
        }
        table.get(last)
    }

    /// The string at a dotted path, if it is one.
    pub fn get_str(&self, path: &[&str]) -> Option<&str> {
        self.get(path)?.as_str()
    }

    /// Each `[registries]` entry, its name and item, read in place: a config may list
    /// thousands, and copying each name to look it up again costs more than the reading.
    pub fn registries(&self) -> impl Iterator<Item = (&str, &Item)> {
        self.get(&["registries"])
            .and_then(Item::as_table_like)
            .into_iter()
            .flat_map(|table| table.iter())
    }

    /// The keys of the table at a dotted path (empty when there is no such table).
    pub fn keys(&self, path: &[&str]) -> Vec<String> {
        let table = if path.is_empty() {
            Some(self.doc.as_table() as &dyn TableLike)
        } else {
            self.get(path).and_then(Item::as_table_like)
        };
        table
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    /// Sets the value at a dotted path, creating missing parents (the outermost as an implicit
    /// `[header]` table, the one holding the value as `new_parent` says). An existing value
    /// keeps its surrounding comments and spacing.
    pub fn set(
        &mut self,
        path: &[&str],
        value: impl Into<Value>,
        new_parent: NewParent,
    ) -> Result<()> {
        let (last, parents) = path.split_last().expect("a non-empty path");
        self.registries_touched.note(path);
        let file = self.path.display().to_string();
        let mut created = false;
        // Whether `table` is a table the file names only in dotted headers (`[registries.x]`).
        let mut headers_only = false;
        let mut table: &mut dyn TableLike = self.doc_mut().as_table_mut();
        for (depth, key) in parents.iter().enumerate() {
            let holds_value = depth + 1 == parents.len();
            let existed = table.contains_key(key);
            let item = table.entry(key).or_insert_with(|| {
                created = true;
                if holds_value && depth > 0 && new_parent == NewParent::Inline {
                    if headers_only {
                        // `[registries.NAME]` like the file's others: an inline entry would
                        // give the implicit `[registries]` a header of its own.
                        Item::Table(Table::new())
                    } else {
                        Item::Value(Value::InlineTable(InlineTable::new()))
                    }
                } else {
                    let mut t = Table::new();
                    t.set_implicit(true);
                    Item::Table(t)
                }
            });
            headers_only =
                existed && matches!(item, Item::Table(t) if t.is_implicit() && !t.is_dotted());
            let dotted = path[..=depth].join(".");
            table = item.as_table_like_mut().with_context(|| {
                format!("`{dotted}` in `{file}` is not a table; feedctl will not overwrite it")
            })?;
        }
        let mut value = value.into();
        match table.get_mut(last) {
            // The same string, maybe spelled differently (`'…'`, escapes): keep the user's.
            Some(Item::Value(old)) if old.as_str().is_some_and(|s| Some(s) == value.as_str()) => {
                return Ok(());
            }
            Some(Item::Value(old)) => {
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            Some(_) => {
                bail!(
                    "`{}` in `{file}` is a table, not a value; feedctl will not overwrite it",
                    path.join(".")
                )
            }
            None => {
                table.insert(last, Item::Value(value));
            }
        }
        self.edited = true;
        if created {
            self.place_new_tables();
        }
        self.rendered = OnceCell::new();
        Ok(())
    }

    /// Removes the value at a dotted path, then every parent table the removal left empty.
    /// Returns whether anything was removed.
    pub fn remove(&mut self, path: &[&str]) -> bool {
        self.remove_keeping(path, &|_| false)
    }

    /// [`ConfigFile::remove`], except that an emptied parent table for which `keep` (given
    /// its dotted path) says so stays, as the user had it.
    pub fn remove_keeping(&mut self, path: &[&str], keep: &dyn Fn(&str) -> bool) -> bool {
        self.registries_touched.note(path);
        /// A removed table that had a header: where it was, and the user's text before it.
        type Gone = (Option<isize>, String);
        fn note(item: Option<Item>, gone: &mut Vec<Gone>) -> bool {
            if let Some(Item::Table(table)) = &item
                && layout::has_header(table)
            {
                let prefix = table
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("");
                let kept = layout::kept_prefix(prefix);
                if !kept.is_empty() {
                    gone.push((table.position(), kept.to_string()));
                }
            }
            item.is_some()
        }
        fn remove_in(
            table: &mut dyn TableLike,
            path: &[&str],
            depth: usize,
            full: &[&str],
            keep: &dyn Fn(&str) -> bool,
            gone: &mut Vec<Gone>,
        ) -> bool {
            match path {
                [] => false,
                [last] => note(table.remove(last), gone),
                [first, rest @ ..] => {
                    let Some(child) = table.get_mut(first).and_then(Item::as_table_like_mut) else {
                        return false;
                    };
                    let removed = remove_in(child, rest, depth + 1, full, keep, gone);
                    if removed && child.is_empty() && !keep(&full[..=depth].join(".")) {
                        note(table.remove(first), gone);
                    }
                    removed
                }
            }
        }
        let mut gone = Vec::new();
        let removed = remove_in(
            self.doc_mut().as_table_mut(),
            path,
            0,
            path,
            keep,
            &mut gone,
        );
        self.edited |= removed;
        if removed {
            layout::give_back(self.doc_mut(), gone);
            self.rendered = OnceCell::new();
            self.trim_new_leading_blank_lines();
            self.rendered = OnceCell::new();
        }
        removed
    }

    /// Removing the first table leaves the next one's blank separator line at the top of the
    /// file; drop it unless the original started that way too.
    fn trim_new_leading_blank_lines(&mut self) {
        let starts_blank = |t: &str| t.trim_start_matches(BOM).starts_with(['\n', '\r']);
        if !starts_blank(self.render()) || starts_blank(self.original_text()) {
            return;
        }
        fn first_header(table: &mut Table) -> Option<&mut Table> {
            let mut best: Option<&mut Table> = None;
            for (_, item) in table.iter_mut() {
                if let Item::Table(child) = item {
                    let candidate =
                        if child.is_implicit() && child.iter().all(|(_, v)| v.is_table()) {
                            first_header(child)
                        } else {
                            Some(child)
                        };
                    if let Some(c) = candidate
                        && best.as_ref().is_none_or(|b| c.position() < b.position())
                    {
                        best = Some(c);
                    }
                }
            }
            best
        }
        if let Some(table) = first_header(self.doc_mut().as_table_mut()) {
            let prefix = table
                .decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("");
            let trimmed = prefix.trim_start_matches(['\n', '\r']).to_string();
            table.decor_mut().set_prefix(trimmed);
        }
    }

    /// New tables are rendered after the file's last table. The first gets a blank line
    /// before its header, as a person would write it, and takes over the text that ended the
    /// file (a comment after the last table, or a file of comments only), so that the new
    /// tables come after it, not above it; [`ConfigFile::remove_keeping`] gives that text
    /// back when it removes the table.
    fn place_new_tables(&mut self) {
        if !self
            .original_text()
            .trim_start_matches(BOM)
            .trim()
            .is_empty()
        {
            layout::place_new_tables(self.doc_mut());
        }
    }

    /// Replaces the whole document with `text` (without a byte-order mark; the file's own
    /// BOM and line endings are kept when rendered). For edits toml_edit cannot express, such
    /// as comment lines that record what `connect` replaced.
    pub fn replace_text(&mut self, text: &str) -> Result<()> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            anyhow::anyhow!(
                "failed to re-read the edited `{}`: {}",
                self.path.display(),
                e.to_string().trim_end()
            )
        })?;
        self.replace_doc(doc);
        self.registries_touched.anything();
        self.edited = true;
        self.rendered = OnceCell::new();
        Ok(())
    }

    /// Ends the rendered text without its final line break, which toml_edit always writes
    /// (`disconnect` gives back a file that had none). Holds until the next edit.
    pub fn drop_final_newline(&mut self) {
        let text = self.render();
        let trimmed = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .map(str::to_string);
        if let Some(trimmed) = trimmed {
            self.edited = true;
            self.rendered = OnceCell::from(Arc::from(trimmed));
        }
    }

    /// Writes the edited text, replacing the file atomically. Use [`plan`] and [`commit`] for the
    /// locked read-modify-write cycle.
    fn save(&self) -> Result<()> {
        atomic_file::write(&self.path, self.render().as_bytes())
    }
}

/// `registries.NAME.index` as a string, given the entry `registries.NAME` (see
/// [`ConfigFile::registries`]).
pub fn registry_index(entry: &Item) -> Option<&str> {
    entry.get("index").and_then(Item::as_str)
}

/// What [`plan`] or [`commit`] did.
#[derive(Debug)]
pub struct Updated {
    /// The file as it was planned (resolved through symlinks), before and after.
    pub file: ConfigFile,
    /// Whether the file was (or, in a dry run, would be) changed.
    pub changed: bool,
}

/// Applies `edit` to the config at `path` in memory; [`commit`] then writes it.
///
/// `edit` runs first on a private copy with nothing locked, so bad input and conflicts fail
/// before anything is created or touched (and a dry run shows the plan). If there is
/// something to write, [`commit`] locks the file, re-reads it and edits again when another
/// feedctl wrote meanwhile, then replaces it atomically. An unchanged file is never
/// rewritten.
pub fn plan(path: &Path, edit: impl Fn(&mut ConfigFile) -> Result<()>) -> Result<Updated> {
    plan_loaded(load_target(path)?, edit)
}

/// The file a [`plan`] of `path` edits (a symlink followed), as it is now.
pub fn load_target(path: &Path) -> Result<ConfigFile> {
    ConfigFile::load(&atomic_file::resolve(path)?)
}

/// [`plan`] on a file [`load_target`] read already, so a big file is parsed once.
pub fn plan_loaded(
    mut planned: ConfigFile,
    edit: impl Fn(&mut ConfigFile) -> Result<()>,
) -> Result<Updated> {
    edit(&mut planned)?;
    let changed = planned.is_changed();
    Ok(Updated {
        file: planned,
        changed,
    })
}

/// Writes a [`plan`]ned edit under the file's lock. When the file changed since it was
/// planned, `edit` runs again on what is there now. A file emptied by the edit is removed
/// (with a `.cargo` directory left empty) when `remove_if_empty`, else kept empty:
/// `disconnect` keeps a file the user had before `connect`, even an empty one.
pub fn commit(
    planned: Updated,
    remove_if_empty: bool,
    edit: impl Fn(&mut ConfigFile) -> Result<()>,
) -> Result<Updated> {
    if !planned.changed {
        return Ok(planned);
    }
    let planned = planned.file;
    let target = planned.path.clone();
    let _lock = atomic_file::lock(&target)?;
    // Usually nobody wrote in between: then the plan stands and the file need not be parsed
    // again.
    let unchanged_since = match fs::read(&target) {
        Ok(bytes) => planned.original.as_deref().map(str::as_bytes) == Some(&bytes[..]),
        Err(e) => e.kind() == io::ErrorKind::NotFound && planned.original.is_none(),
    };
    let current = if unchanged_since {
        planned
    } else {
        let mut current = ConfigFile::load(&target)?;
        edit(&mut current)?;
        current
    };
    let changed = current.is_changed();
    if changed && remove_if_empty && current.render().is_empty() {
        // Removing the last setting (`disconnect` after a first `connect`) removes the file,
        // and a `.cargo` directory left empty, so the project is as it was.
        fs::remove_file(&target)
            .with_context(|| format!("failed to remove `{}`", target.display()))?;
        if let Some(dir) = target.parent().filter(|d| d.ends_with(".cargo")) {
            let _ = fs::remove_dir(dir);
        }
    } else if changed {
        current.save()?;
    }
    Ok(Updated {
        file: current,
        changed,
    })
}

/// The project config feedctl edits: `explicit` (from `--config`, relative to `cwd`), which
/// must be a file cargo reads as config; else `.cargo/config.toml` (or the legacy `config`)
/// at the workspace root — or at the package when its `package.workspace` root is not above
/// `cwd`, because cargo run here never reads that root's `.cargo/`. Outside any cargo project
/// there is no project config: writing one in `$HOME` or elsewhere would act machine-wide, so
/// this refuses and points at `--user`. A warning about a legacy file shadowing
/// `config.toml` is shown here.
pub fn project_config(cwd: &Path, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return checked_explicit(cwd, path);
    }
    let Some(package_dir) = cwd.ancestors().find(|dir| dir.join("Cargo.toml").is_file()) else {
        return Err(Failure::new(
            Code::Usage,
            format!(
                "`{}` is not inside a cargo project (no `Cargo.toml` here or above), so there is \
                 no project config to write, and one here would apply to every project below \
                 it; run feedctl in your project, pass `--config PATH/.cargo/config.toml`, or \
                 pass `--user` to configure `$CARGO_HOME/config.toml` for all your projects (what \
                 `cargo install --registry NAME` needs)",
                cwd.display()
            ),
        )
        .into());
    };
    let root = workspace_root(package_dir)?;
    let dir = if cwd.starts_with(&root) {
        root
    } else {
        crate::ui::note(format!(
            "the workspace root `{}` (`package.workspace`) is not above `{}`, so cargo run here \
             never reads its `.cargo/`; using the package's own `.cargo/` instead (run \
             feedctl in `{}` too for builds started there)",
            root.display(),
            package_dir.display(),
            root.display()
        ));
        package_dir.to_path_buf()
    };
    let (path, warning) = config_in(&dir.join(".cargo"));
    if let Some(warning) = warning {
        crate::ui::warn(warning);
    }
    Ok(path)
}

/// `$CARGO_HOME/config.toml` (or the legacy `config`), for `--user`: read by cargo in every
/// directory, and the only config `cargo install` reads.
pub fn user_config(cargo_home: &Path) -> PathBuf {
    let (path, warning) = config_in(cargo_home);
    if let Some(warning) = warning {
        crate::ui::warn(warning);
    }
    path
}

/// A `--config` path cargo reads as config: `…/.cargo/config.toml` or the legacy
/// `…/.cargo/config`, and not a `config.toml` that a legacy `config` beside it shadows.
fn checked_explicit(cwd: &Path, path: &Path) -> Result<PathBuf> {
    let shown = path.display();
    let refuse = |why: String| -> Result<PathBuf> {
        Err(Failure::new(Code::Usage, format!("`--config {shown}`: {why}")).into())
    };
    let text = path.to_string_lossy();
    let drive =
        text.len() >= 2 && text.as_bytes()[1] == b':' && text.as_bytes()[0].is_ascii_alphabetic();
    if cfg!(not(windows)) && (text.contains('\\') || drive) {
        return refuse(
            "looks like a Windows path; on this system paths use `/`, e.g. \
             `--config ../.cargo/config.toml`"
                .to_string(),
        );
    }
    let name = path.file_name().and_then(|n| n.to_str());
    let in_cargo_dir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == ".cargo");
    match name {
        Some("config.toml" | "config") if in_cargo_dir => {}
        Some("Cargo.toml") => {
            return refuse(
                "cargo does not read registries or source replacements from a manifest; pass \
                 the project's `.cargo/config.toml`"
                    .to_string(),
            );
        }
        _ => {
            return refuse(
                "cargo does not read that file as config; pass a `.cargo/config.toml` (or the \
                 legacy `.cargo/config`)"
                    .to_string(),
            );
        }
    }
    let full = cwd.join(path);
    if name == Some("config.toml")
        && let Some(legacy) = full.parent().map(|dir| dir.join("config"))
        && legacy.is_file()
        && !same_file(&legacy, &full)
    {
        return refuse(format!(
            "cargo reads `{}` instead when both exist; pass that file (or merge the two)",
            legacy.display()
        ));
    }
    Ok(full)
}

/// The config file cargo reads in `dir` (a `.cargo` directory or `$CARGO_HOME`): the legacy
/// extension-less `config` when it exists (cargo prefers it when both exist), else
/// `config.toml`. The second value is a warning to show when both exist.
pub fn config_in(dir: &Path) -> (PathBuf, Option<String>) {
    let legacy = dir.join("config");
    let modern = dir.join("config.toml");
    match (legacy.is_file(), modern.exists()) {
        // cargo's compatibility trick: `config` a link to `config.toml` is one file, no warning.
        (true, true) if same_file(&legacy, &modern) => (legacy, None),
        (true, true) => {
            let warning = format!(
                "both `{}` and `{}` exist; cargo reads `config`, so feedctl edits that one",
                legacy.display(),
                modern.display()
            );
            (legacy, Some(warning))
        }
        (true, false) => (legacy, None),
        _ => (modern, None),
    }
}

/// The workspace root of the package in `package_dir`, as `cargo locate-project --workspace`
/// would find it (the package itself when it is no workspace's member).
fn workspace_root(package_dir: &Path) -> Result<PathBuf> {
    let package_manifest = read_manifest(&package_dir.join("Cargo.toml"))?;
    // An explicit `package.workspace = "../.."` names the root outright.
    if let Some(explicit) = package_manifest
        .get("package")
        .and_then(|p| p.get("workspace"))
        .and_then(Item::as_str)
    {
        return Ok(paths::normalize(&package_dir.join(explicit)));
    }
    for dir in package_dir.ancestors() {
        let manifest_path = dir.join("Cargo.toml");
        if !manifest_path.is_file() {
            continue;
        }
        let manifest = if dir == package_dir {
            package_manifest.clone()
        } else {
            read_manifest(&manifest_path)?
        };
        let Some(workspace) = manifest.get("workspace") else {
            continue;
        };
        let excluded = workspace
            .get("exclude")
            .and_then(Item::as_array)
            .is_some_and(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .any(|ex| package_dir.starts_with(dir.join(ex)))
            });
        if !excluded {
            return Ok(dir.to_path_buf());
        }
    }
    Ok(package_dir.to_path_buf())
}

fn read_manifest(path: &Path) -> Result<DocumentMut> {
    let text =
        fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    text.parse()
        .map_err(|e: toml_edit::TomlError| parse_error(path, &text, &e))
}

/// A TOML error without toml_edit's snippet of the offending line: config files and
/// `credentials.toml` may hold tokens, and an error message must never show one.
fn parse_error(path: &Path, text: &str, err: &toml_edit::TomlError) -> anyhow::Error {
    let at = err.span().map_or(0, |span| span.start).min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = err.message().trim_end().replace('\n', "; ");
    anyhow::anyhow!(
        "failed to parse `{}`: line {line}, column {column}: {message}",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(before: &str, f: impl Fn(&mut ConfigFile) -> Result<()>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, before).unwrap();
        let mut file = ConfigFile::load(&path).unwrap();
        f(&mut file).unwrap();
        file.render().to_string()
    }

    fn add_registry(file: &mut ConfigFile) -> Result<()> {
        file.set(
            &["registries", "feed", "index"],
            "sparse+https://x/",
            NewParent::Inline,
        )?;
        file.set(
            &["source", "crates-io", "replace-with"],
            "feed",
            NewParent::Header,
        )
    }

    #[test]
    fn new_tables_look_like_the_docs() {
        assert_eq!(
            edit("", add_registry),
            "[registries]\nfeed = { index = \"sparse+https://x/\" }\n\n[source.crates-io]\nreplace-with = \"feed\"\n"
        );
        assert_eq!(
            edit("# mine\n[build]\njobs = 2\n", add_registry),
            "# mine\n[build]\njobs = 2\n\n[registries]\nfeed = { index = \"sparse+https://x/\" }\n\n[source.crates-io]\nreplace-with = \"feed\"\n"
        );
    }

    #[test]
    fn existing_tables_are_extended_in_place() {
        let before = "[registries]\n# keep\nother = { index = \"sparse+https://o/\" } # tail\n\n[source.crates-io]\nreplace-with = \"old\" # why\n";
        let after = edit(before, add_registry);
        assert_eq!(
            after,
            "[registries]\n# keep\nother = { index = \"sparse+https://o/\" } # tail\nfeed = { index = \"sparse+https://x/\" }\n\n[source.crates-io]\nreplace-with = \"feed\" # why\n"
        );
        let dotted = "registries.feed.index = \"sparse+https://old/\"\n";
        assert_eq!(
            edit(dotted, add_registry).lines().next(),
            Some("registries.feed.index = \"sparse+https://x/\"")
        );
        let standard = "[registries.feed]\nindex = \"a\" # c\n";
        assert!(
            edit(standard, add_registry)
                .starts_with("[registries.feed]\nindex = \"sparse+https://x/\" # c\n")
        );
    }

    #[test]
    fn crlf_and_bom_survive() {
        let after = edit("\u{feff}[build]\r\njobs = 2\r\n", add_registry);
        assert!(
            after.starts_with("\u{feff}[build]\r\njobs = 2\r\n\r\n[registries]\r\n"),
            "{after:?}"
        );
        assert!(!after.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn removal_restores_the_original() {
        // A file without a final newline gains one: the appended tables needed it.
        let cases = [
            ("", ""),
            ("[build]\njobs = 2\n", "[build]\njobs = 2\n"),
            (
                "# c\n[registries]\nother = { index = \"o\" }\n",
                "# c\n[registries]\nother = { index = \"o\" }\n",
            ),
            ("a = 1", "a = 1\n"),
        ];
        for (before, expected) in cases {
            let after = edit(before, |f| {
                add_registry(f)?;
                let text = f.render();
                f.replace_doc(text.parse().unwrap());
                assert!(f.remove(&["registries", "feed"]));
                assert!(f.remove(&["source", "crates-io", "replace-with"]));
                Ok(())
            });
            assert_eq!(after, expected);
        }
    }

    #[test]
    fn clones_share_the_document_until_one_is_edited() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "[build]\njobs = 2\n").unwrap();
        let file = ConfigFile::load(&path).unwrap();
        // The config model holds a clone of the file `connect` edits: a big file is not copied.
        let mut clone = file.clone();
        assert!(Arc::ptr_eq(&file.doc, &clone.doc));
        add_registry(&mut clone).unwrap();
        assert!(!Arc::ptr_eq(&file.doc, &clone.doc));
        assert_eq!(file.render(), "[build]\njobs = 2\n");
        assert!(!file.is_changed());
        assert!(clone.render().contains("[registries]") && clone.is_changed());
    }

    #[test]
    fn values_where_tables_belong_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "registries = \"oops\"\n").unwrap();
        let mut file = ConfigFile::load(&path).unwrap();
        let err = file
            .set(&["registries", "x", "index"], "i", NewParent::Inline)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`registries`") && err.contains("not a table"),
            "{err}"
        );
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "[build]\njobs = = 2\n").unwrap();
        let err = ConfigFile::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("config.toml") && err.contains("line 2, column"),
            "{err}"
        );
        fs::write(&path, b"a = \"\xff\"\n").unwrap();
        let err = ConfigFile::load(&path).unwrap_err().to_string();
        assert!(err.contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn workspace_roots_are_found_like_cargo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("crates/a/src")).unwrap();
        fs::create_dir_all(root.join("tools/x/src")).unwrap();
        fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"tools\"]\n",
        )
        .unwrap();
        fs::write(
            root.join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\n",
        )
        .unwrap();
        fs::write(root.join("tools/x/Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(workspace_root(&root.join("crates/a")).unwrap(), root);
        assert_eq!(
            workspace_root(&root.join("tools/x")).unwrap(),
            root.join("tools/x")
        );
        assert_eq!(
            project_config(&root.join("crates/a/src"), None).unwrap(),
            root.join(".cargo/config.toml")
        );
        let outside = tempfile::tempdir().unwrap();
        let err = project_config(outside.path(), None).unwrap_err();
        assert!(err.to_string().contains("--user"), "{err}");
    }

    #[test]
    fn a_member_whose_root_is_not_above_it_gets_its_own_config() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("ws")).unwrap();
        fs::create_dir_all(root.join("member/src")).unwrap();
        fs::write(
            root.join("ws/Cargo.toml"),
            "[workspace]\nmembers = [\"../member\"]\n",
        )
        .unwrap();
        fs::write(
            root.join("member/Cargo.toml"),
            "[package]\nname = \"m\"\nworkspace = \"../ws\"\n",
        )
        .unwrap();
        assert_eq!(
            workspace_root(&root.join("member")).unwrap(),
            root.join("ws")
        );
        assert_eq!(
            project_config(&root.join("member/src"), None).unwrap(),
            root.join("member/.cargo/config.toml")
        );
    }

    #[test]
    fn config_flags_must_name_a_file_cargo_reads() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        for bad in [
            "Cargo.toml",
            "config.toml",
            "x/.cargo/settings.toml",
            // A Windows path is refused on other systems; on Windows it is just a path.
            if cfg!(windows) {
                "x/config"
            } else {
                "C:\\p\\.cargo\\config.toml"
            },
        ] {
            let err = project_config(cwd, Some(Path::new(bad))).unwrap_err();
            assert!(
                err.to_string().contains(&format!("`--config {bad}`")),
                "{err}"
            );
            assert_eq!(crate::exit::code_of(&err), 2);
        }
        for good in [".cargo/config.toml", "../p/.cargo/config"] {
            assert_eq!(
                project_config(cwd, Some(Path::new(good))).unwrap(),
                cwd.join(good)
            );
        }
        fs::create_dir(cwd.join(".cargo")).unwrap();
        fs::write(cwd.join(".cargo/config"), "").unwrap();
        let err = project_config(cwd, Some(Path::new(".cargo/config.toml"))).unwrap_err();
        assert!(err.to_string().contains("reads"), "{err}");
    }

    #[test]
    fn legacy_config_wins_like_in_cargo() {
        let dir = tempfile::tempdir().unwrap();
        let cargo_dir = dir.path().join(".cargo");
        fs::create_dir(&cargo_dir).unwrap();
        assert!(config_in(&cargo_dir).0.ends_with("config.toml"));
        fs::write(cargo_dir.join("config"), "").unwrap();
        assert!(config_in(&cargo_dir).0.ends_with(".cargo/config"));
        fs::write(cargo_dir.join("config.toml"), "").unwrap();
        let (path, warning) = config_in(&cargo_dir);
        assert!(path.ends_with(".cargo/config") && warning.is_some());
    }

    /// cargo's documented trick for old cargos, `config` linked to `config.toml`, is one file:
    /// no "both exist" warning, and `--config .cargo/config.toml` is accepted.
    #[test]
    fn a_legacy_config_linked_to_config_toml_is_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let cargo_dir = dir.path().join(".cargo");
        fs::create_dir(&cargo_dir).unwrap();
        fs::write(cargo_dir.join("config.toml"), "").unwrap();
        fs::hard_link(cargo_dir.join("config.toml"), cargo_dir.join("config")).unwrap();
        assert_eq!(config_in(&cargo_dir).1, None);
        let arg = Path::new(".cargo/config.toml");
        assert!(project_config(dir.path(), Some(arg)).is_ok());
        #[cfg(unix)]
        {
            fs::remove_file(cargo_dir.join("config")).unwrap();
            std::os::unix::fs::symlink("config.toml", cargo_dir.join("config")).unwrap();
            assert_eq!(config_in(&cargo_dir).1, None);
            assert!(project_config(dir.path(), Some(arg)).is_ok());
        }
    }
}
