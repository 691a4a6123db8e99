//! Where Azure DevOps tokens come from without a stored secret.

pub mod entra;
