//! The one place where clap's argument structs become the plain options the use cases in
//! [`crate::ops`] take, for the flags several commands share.

use crate::auth::token::SourceFlags;
use crate::azure::feed::FeedParts;
use crate::cli::{Auth, FeedArgs, TokenArgs};
use crate::ops::AuthMode;

/// The token flags as [`crate::auth::token::select_source`] takes them.
pub fn source_flags(args: &TokenArgs) -> SourceFlags {
    SourceFlags {
        pat_stdin: args.pat_stdin,
        pat_env: args.pat_env.clone(),
        azure_cli: args.azure_cli,
    }
}

/// The feed's URL, if given, and the flags that build a feed otherwise.
pub fn feed(args: &FeedArgs) -> (Option<&str>, FeedParts<'_>) {
    let parts = FeedParts {
        organization: args.organization.as_deref(),
        server_url: args.server_url.as_deref(),
        collection: args.collection.as_deref(),
        project: args.project.as_deref(),
        feed: args.feed.as_deref(),
        force_auth: args.force_auth,
    };
    (args.url.as_deref(), parts)
}

pub fn auth(auth: Auth) -> AuthMode {
    match auth {
        Auth::Pat => AuthMode::Pat,
        Auth::AzureCli => AuthMode::AzureCli,
        Auth::Entra => AuthMode::Entra,
    }
}
