//! One module per subcommand, each thin: it turns its flags into the options of a use case in
//! [`crate::ops`] (the conversions are in `args`), runs it, and renders the outcome as text
//! or `--json`. Commands never call each other.

mod args;
pub mod completions;
pub mod connect;
pub mod disconnect;
pub mod doctor;
pub mod env;
pub mod feed;
pub mod login;
pub mod logout;
pub mod pat;
pub mod providers;
pub mod save;
pub mod status;

use anyhow::Result;

use crate::cli::Command;
use crate::environment::Environment;

pub fn run(command: &Command, env: &Environment) -> Result<()> {
    match command {
        Command::Connect(args) => connect::run(args, env),
        Command::Providers(args) => providers::run(args, env),
        Command::Login(args) => login::run(args, env),
        Command::Logout(args) => logout::run(args, env),
        Command::Env(args) => env::run(args, env),
        Command::Status(args) => status::run(args, env),
        Command::Doctor(args) => doctor::run(args, env),
        Command::Pat(command) => pat::run(command, env),
        Command::Feed(command) => feed::run(command, env),
        Command::Save(args) => save::run(args, env),
        Command::Disconnect(args) => disconnect::run(args, env),
        Command::Completions(args) => completions::run(args),
    }
}
