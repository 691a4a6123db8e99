//! Azure Artifacts as cargo meets it: the feed model and its one index-URL builder
//! ([`feed`]), the HTTP probe of a feed's `config.json` ([`probe`]), and what each answer
//! means for the credential that was sent ([`verdict`]).

pub mod feed;
pub mod probe;
pub mod verdict;
