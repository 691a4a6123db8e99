//! Which registries the edits of a config file may have changed, so that checking an edit
//! against cargo's view looks again only at those, not at the thousands a config may list.

/// The registries whose `[registries]` entries the edits of one file may have changed; any
/// of them once an edit could have changed any (the whole text replaced, `[registries]`
/// itself set).
#[derive(Debug, Clone)]
pub struct Touched(Option<Vec<String>>);

impl Touched {
    /// Before any edit.
    pub fn nothing() -> Touched {
        Touched(Some(Vec::new()))
    }

    /// Notes an edit of the dotted key `path`.
    pub fn note(&mut self, path: &[&str]) {
        match path {
            ["registries", name, ..] => {
                if let Some(names) = &mut self.0
                    && !names.iter().any(|n| n == name)
                {
                    names.push(name.to_string());
                }
            }
            ["registries"] | [] => self.anything(),
            _ => {}
        }
    }

    /// Notes an edit that may have changed anything.
    pub fn anything(&mut self) {
        self.0 = None;
    }

    /// The registries touched; `None` when any may have been.
    pub fn names(&self) -> Option<&[String]> {
        self.0.as_deref()
    }
}
