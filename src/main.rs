//! The `procmap` binary: parse the command line, then run a command (or, later, the editor).

use std::process::ExitCode;

use clap::Parser as _;
use procmap::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match &cli.command {
        Some(command) => run(command, &mut out, &mut err),
        None => procmap::cli::open_editor(cli.file.as_deref(), &mut err),
    }
}
