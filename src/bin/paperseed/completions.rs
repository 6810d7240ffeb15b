//! `paperseed completions SHELL` and `paperseed man`: shell completion
//! scripts and manual pages, made from the same clap definitions as the
//! command line itself (clap_complete, clap_mangen), so they cannot drift.

use std::path::PathBuf;

use anyhow::Context;
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ManArgs};
use crate::exit::Failure;
use crate::output::{note, print_stdout, write_all_atomic};

/// `paperseed completions SHELL`: the script on stdout.
pub fn completions(args: CompletionsArgs) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "paperseed", &mut out);
    print_stdout(out)
}

/// The manual page of `cmd` (roff).
fn render(cmd: clap::Command) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out).context("cannot render the manual page")?;
    Ok(out)
}

/// `paperseed man`: paperseed.1 on stdout, or with `--dir` one page per
/// command (paperseed.1, paperseed-encode.1, …) written into a folder.
pub fn man(args: ManArgs, quiet: bool) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    cmd.build();
    let Some(dir) = &args.dir else {
        return print_stdout(render(cmd)?);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut pages = vec![("paperseed.1".to_string(), render(cmd.clone())?)];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // clap names are 'static; this runs once per command, then the program ends.
        let name: &'static str = Box::leak(format!("paperseed-{}", sub.get_name()).into_boxed_str());
        pages.push((
            format!("{name}.1"),
            render(sub.clone().name(name).display_name(name).version(env!("CARGO_PKG_VERSION")))?,
        ));
    }
    // All pages or none: a page that exists (without --force) stops them all.
    let files: Vec<(PathBuf, &[u8])> = pages.iter().map(|(f, roff)| (dir.join(f), roff.as_slice())).collect();
    write_all_atomic(&files, args.force)?;
    for (path, _) in &files {
        note(quiet, format!("Wrote {}.", path.display()));
    }
    Ok(())
}
