//! `feedctl env`: print the environment variables that make cargo authenticate in CI. The
//! use case is [`crate::ops::ci_env`]; this only converts the flags and prints its text.

use anyhow::Result;

use crate::cli::EnvArgs;
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::ci_env;
use crate::ui;

pub fn run(args: &EnvArgs, env: &Environment) -> Result<()> {
    let emitted = ci_env::run(&args::ci_env(args), env)?;
    ui::stdout(emitted.text)?;
    ui::debug(format!(
        "emitted variables for {}",
        emitted.registries.join(", ")
    ));
    Ok(())
}
