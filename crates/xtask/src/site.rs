//! Building the release site with Trunk, and serving it for development.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Result};

use crate::tools::{self, Tools};
use crate::{flag_value, root, run};

/// Where release builds go (ignored by Trunk's watcher, unlike `dist/`, which `serve` uses).
pub fn site_dir() -> PathBuf {
    root().join("target").join("site")
}

/// Builds the optimised site into [`site_dir`] for hosting under `public_url` (e.g. `/nimbus/`),
/// and copies `index.html` to `404.html`, which GitHub Pages serves for deep links.
pub fn build_release(tools: &Tools, public_url: &str) -> Result<()> {
    let public_url = normalize_public_url(public_url)?;
    let dir = site_dir();
    run(Command::new(tools.trunk())
        .current_dir(root())
        .env("PATH", tools.path_env()?)
        .args(["build", "--release", "--offline", "--public-url", &public_url, "--dist"])
        .arg(&dir))?;
    std::fs::copy(dir.join("index.html"), dir.join("404.html"))?;
    Ok(())
}

/// `cargo xtask serve`: installs what is missing, builds and serves on 127.0.0.1, rebuilding on
/// changes. Release mode by default (what readers get); `--dev` for faster debug rebuilds.
pub fn serve(args: &[String]) -> Result<()> {
    let port = match flag_value(args, "--port")? {
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => bail!("--port {p}: expected a port number 1–65535"),
        },
        None => 8080,
    };
    let dev = args.iter().any(|a| a == "--dev");
    let tools = tools::ensure_build_tools()?;
    let url = format!("http://127.0.0.1:{port}/");
    println!(
        "Nimbus: building{} — the playground will be at {url} when Trunk says it is listening",
        if dev { " (debug)" } else { " (release)" }
    );
    let mut cmd = Command::new(tools.trunk());
    cmd.current_dir(root()).env("PATH", tools.path_env()?).args([
        "serve",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ]);
    if !dev {
        cmd.arg("--release");
    }
    run(&mut cmd)
}

fn normalize_public_url(url: &str) -> Result<String> {
    if !url.starts_with('/') || url.contains("..") || url.contains(char::is_whitespace) {
        bail!("--public-url {url}: expected an absolute path such as / or /nimbus/");
    }
    Ok(if url.ends_with('/') { url.to_owned() } else { format!("{url}/") })
}
