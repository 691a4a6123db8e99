//! The REST client for Azure DevOps' feed management API: requests described before they
//! are sent ([`client`]), the typed calls and tolerant models ([`feeds`]), what a refusal means
//! for the identity ([`error`]), which token a call sends ([`credential`]), and a session with
//! one organization plus what a feed's answers mean (upstream state, role) ([`session`]). Where each route
//! lives is [`crate::azure::endpoints`]' business. What makes a private crate open to
//! dependency confusion is decided once, in [`upstreaming`]. Minting and revoking PATs is
//! [`pats`].

pub mod client;
pub mod credential;
pub mod error;
pub mod feeds;
pub mod pats;
pub mod session;
pub mod upstreaming;
