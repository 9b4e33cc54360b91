//! Building the release site with Trunk, and serving it for development.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::tools::{self, Tools};
use crate::{flag_value, root, run};

/// Where release builds go (ignored by Trunk's watcher, unlike `dist/`, which `serve` uses).
pub fn site_dir() -> PathBuf {
    root().join("target").join("site")
}

/// Builds the optimised site into [`site_dir`] for hosting under `public_url` (e.g. `/nimbus/`).
///
/// Two Trunk builds: `index.html`, the landing page with the app built without its playground
/// scenes (small first visit), and `web/app.html`, the full app, published as `404.html`, which
/// GitHub Pages serves for every other path (deep links such as `/nimbus/sqs`). Their hashed asset
/// names differ, so both sets of files live side by side.
pub fn build_release(tools: &Tools, public_url: &str) -> Result<()> {
    let public_url = normalize_public_url(public_url)?;
    let landing = root().join("target").join("site-landing");
    let full = root().join("target").join("site-full");
    for (target, dist) in [("index.html", &landing), ("web/app.html", &full)] {
        run(Command::new(tools.trunk())
            .current_dir(root())
            .env("PATH", tools.path_env()?)
            .args(["build", target, "--release", "--offline", "--public-url", &public_url, "--dist"])
            .arg(dist))?;
    }
    let site = site_dir();
    if site.exists() {
        std::fs::remove_dir_all(&site)?;
    }
    std::fs::create_dir_all(&site)?;
    // Trunk names its output after the target, or index.html; accept either.
    let full_page = ["app.html", "index.html"].iter().map(|n| full.join(n)).find(|p| p.exists());
    let full_page = full_page.context("the full-app build produced no HTML page")?;
    copy_files(&full, &site, &full_page)?;
    std::fs::copy(&full_page, site.join("404.html"))?;
    copy_files(&landing, &site, Path::new(""))?;
    Ok(())
}

/// Copies the files and folders of `from` into `to`, except `skip`.
fn copy_files(from: &Path, to: &Path, skip: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let sub = to.join(entry.file_name());
            std::fs::create_dir_all(&sub)?;
            copy_files(&entry.path(), &sub, skip)?;
        } else if kind.is_file() && entry.path() != skip {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
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
    // The full app (every playground) on every path: Trunk's fallback answers deep links such as
    // /sqs with it. The light landing bundle is a release-size concern only.
    cmd.current_dir(root()).env("PATH", tools.path_env()?).args([
        "serve",
        "web/app.html",
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
