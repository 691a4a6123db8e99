//! Azure Artifacts as cargo meets it: the feed model and its one index-URL builder
//! ([`feed`]), where each REST surface of an organization lives ([`endpoints`]), the HTTP probe
//! of a feed's `config.json` ([`probe`]), what each answer means for the credential that was
//! sent ([`verdict`]), and the REST client for feeds, permissions and identities ([`rest`]).

pub mod endpoints;
pub mod feed;
pub mod probe;
pub mod rest;
pub mod verdict;
