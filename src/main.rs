//! feedctl: connect cargo to a private Azure Artifacts feed. `main` parses, runs, and turns
//! an error into one message and an exit code (see [`exit`]).
//!
//! Printing is `ui`'s alone and reading the environment `environment`'s alone: the lints
//! below and `clippy.toml` hold every other module to that.
#![warn(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod auth;
mod azure;
mod cargo;
mod cli;
mod commands;
mod doctor;
mod environment;
mod exit;
mod ops;
mod ui;
mod util;

use std::io;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    ui::set_verbose(cli.verbose);
    let result = environment::Environment::capture().and_then(|env| {
        azure::endpoints::install(&env)?;
        run(&cli, &env)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            ui::error(format!("{err:#}"));
            ExitCode::from(exit::code_of(&err) as u8)
        }
    }
}

fn run(cli: &cli::Cli, env: &environment::Environment) -> anyhow::Result<()> {
    match &cli.command {
        _ if cli.cargo_plugin => {
            cargo_credential::main(auth::provider::AzureCliProvider::new(env.clone()));
            Ok(())
        }
        Some(command) => commands::run(command, env),
        None => Err(exit::Failure::new(
            exit::Code::Usage,
            "no command given: see `feedctl --help`",
        )
        .into()),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
