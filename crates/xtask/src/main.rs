//! `cargo xtask`: the project's one entry point for set-up, building, serving, testing and
//! measuring. It installs whatever is missing (wasm target, Trunk, wasm-bindgen-cli, wasm-opt,
//! Chromium, playwright-core) and reuses tools that are already there in the right version.

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod pages;
mod site;
mod test;
mod tools;

#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
cargo xtask — build, serve, test and measure Nimbus

USAGE:
    cargo xtask serve [--port N] [--dev]   install what is missing, build, serve on 127.0.0.1 (default port 8080)
    cargo xtask test                       everything CI checks: fmt, clippy, Rust tests, release build, browser tests
    cargo xtask bench                      engine events/s, wasm size raw/gzip/brotli, first-visit bytes
    cargo xtask dist [--public-url /p/] [--site-url https://owner.github.io/p/]
                                           build the release site into target/site (what GitHub Pages serves);
                                           the site URL makes canonical links and social cards absolute
";

fn main() {
    // Errors are reports for people, not crashes: print the chain, no backtrace.
    if let Err(e) = try_main() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn try_main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Ok(());
    };
    match command.as_str() {
        "serve" => site::serve(rest),
        "test" => test::test(rest),
        "bench" => bench::bench(rest),
        "dist" => {
            let public_url = flag_value(rest, "--public-url")?.unwrap_or_else(|| "/".to_owned());
            let site_url = flag_value(rest, "--site-url")?;
            let tools = tools::ensure_build_tools()?;
            site::build_release(&tools, &public_url, site_url.as_deref())?;
            println!("site built in {} for {public_url}", site::site_dir().display());
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// The workspace root (two levels above this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask sits two levels below the root")
        .to_path_buf()
}

/// `cargo` as invoked by the user (rustup's proxy or a pinned toolchain).
fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs `cmd`, echoing it first, and fails with its exit status.
fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", show(cmd));
    let status = cmd.status().with_context(|| format!("could not start `{}`", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(())
}

/// Runs `cmd` quietly and returns its stdout, or `None` if it cannot start or fails.
fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// The time since `start`, for people: `42 s` or `7 min 05 s`.
fn elapsed(start: std::time::Instant) -> String {
    let secs = start.elapsed().as_secs();
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

/// The value after `flag` (`--flag v` or `--flag=v`), refusing unknown flags is left to callers.
fn flag_value(args: &[String], flag: &str) -> Result<Option<String>> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == flag {
            return it.next().cloned().map(Some).with_context(|| format!("`{flag}` needs a value"));
        }
        if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return Ok(Some(v.to_owned()));
        }
    }
    Ok(None)
}
