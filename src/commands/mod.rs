//! One module per subcommand: each turns its arguments into a plan, then carries it out.

pub mod connect;

use anyhow::Result;

use crate::cli::Command;
use crate::environment::Environment;

pub fn run(command: &Command, env: &Environment) -> Result<()> {
    match command {
        Command::Connect(args) => connect::run(args, env),
    }
}
