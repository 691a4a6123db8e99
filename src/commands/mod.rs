//! One module per subcommand: each turns its arguments into a plan, then carries it out.

pub mod connect;
pub mod login;
pub mod logout;
pub mod providers;

use anyhow::Result;

use crate::cli::Command;
use crate::environment::Environment;

pub fn run(command: &Command, env: &Environment) -> Result<()> {
    match command {
        Command::Connect(args) => connect::run(args, env),
        Command::Providers(args) => providers::run(args, env),
        Command::Login(args) => login::run(args, env),
        Command::Logout(args) => logout::run(args, env),
    }
}
