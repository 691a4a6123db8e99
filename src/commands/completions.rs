//! `feedctl completions`: print a shell completion script (the same files are checked in
//! under `completions/`).

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "feedctl", &mut script);
    crate::ui::stdout(String::from_utf8_lossy(&script))?;
    Ok(())
}
