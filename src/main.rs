use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    sigil::cli::run(sigil::cli::Cli::parse())
}
