//! The `paperseed` binary: parse arguments, run, map errors to exit codes.

mod accounts;
mod cli;
mod locks;
mod read;
mod typing;

use clap::Parser;

fn main() {
    quiet_dependency_panics();
    let cli = cli::Cli::parse();
    if let Err(failure) = cli::run(cli) {
        eprintln!("paperseed: {:#}", failure.error);
        std::process::exit(failure.code);
    }
}

/// The QR decoder and PDF renderer can panic on hostile input; the library
/// catches those panics and reports the file as unreadable. Keep their panic
/// messages off the terminal; panics in paperseed's own code still print.
fn quiet_dependency_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_dependency = info.location().is_some_and(|l| l.file().contains("/.cargo/registry/"));
        if !in_dependency {
            default(info);
        }
    }));
}
