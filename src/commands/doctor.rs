//! `feedctl doctor`: the flags become [`doctor::Options`], the report is printed, and any
//! failed check makes the exit code. The checks themselves live in [`crate::doctor`].

use anyhow::Result;

use crate::cli::DoctorArgs;
use crate::doctor::{self, render, report::Level};
use crate::environment::Environment;
use crate::exit::{Code, Failure};

pub fn run(args: &DoctorArgs, env: &Environment) -> Result<()> {
    let options = doctor::Options {
        offline: args.offline,
    };
    let report = doctor::run(env, options);
    render::print(&report, args.json)?;
    let failed = report.count(Level::Fail);
    if failed > 0 {
        let plural = if failed == 1 { "" } else { "s" };
        return Err(
            Failure::new(Code::CheckFailed, format!("{failed} check{plural} failed")).into(),
        );
    }
    Ok(())
}
