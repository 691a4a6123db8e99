//! `feedctl env`: print the environment variables that make cargo authenticate in CI. The
//! use case is [`crate::ops::ci_env`]; this only converts the flags and prints its text.

use anyhow::Result;

use crate::cli::{EnvArgs, EnvAuth, EnvFormat};
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::ci_env::{self, Format};
use crate::ui;

pub fn run(args: &EnvArgs, env: &Environment) -> Result<()> {
    let emitted = ci_env::run(&options(args), env)?;
    ui::stdout(emitted.text)?;
    ui::debug(format!(
        "emitted variables for {}",
        emitted.registries.join(", ")
    ));
    Ok(())
}

fn options(args: &EnvArgs) -> ci_env::Options<'_> {
    ci_env::Options {
        names: &args.names,
        format: match args.format {
            EnvFormat::Sh => Format::Sh,
            EnvFormat::Powershell => Format::Powershell,
            EnvFormat::Cmd => Format::Cmd,
            EnvFormat::Dotenv => Format::Dotenv,
            EnvFormat::Github => Format::Github,
            EnvFormat::AzurePipelines => Format::AzurePipelines,
        },
        verify: args.verify,
        token: args::source_flags(&args.token),
        entra: args.auth == Some(EnvAuth::Entra),
    }
}
