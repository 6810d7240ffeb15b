//! The `paperseed` binary: parse arguments, run, map errors to exit codes.

mod cli;
mod read;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(failure) = cli::run(cli) {
        eprintln!("paperseed: {:#}", failure.error);
        std::process::exit(failure.code);
    }
}
