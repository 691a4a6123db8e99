//! Azure Artifacts as cargo meets it: the feed model and its one index-URL builder
//! ([`feed`]), and the HTTP probe of a feed's `config.json` with what each answer means
//! ([`probe`]).

pub mod feed;
pub mod probe;
