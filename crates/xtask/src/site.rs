//! Building the release site with Trunk, and serving it for development.

use std::path::{Path, PathBuf};
use std::process::Command;

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};

use crate::pages::{self, SiteUrl};
use crate::tools::{self, Tools};
use crate::{flag_value, root, run};

/// Where release builds go (ignored by Trunk's watcher, unlike `dist/`, which `serve` uses).
pub fn site_dir() -> PathBuf {
    root().join("target").join("site")
}

/// Builds the optimised site into [`site_dir`] for hosting under `public_url` (e.g. `/nimbus/`);
/// `site_url`, when given, is its absolute address (`https://owner.github.io/nimbus/`), which
/// canonical links and social cards need (without it they are site paths).
///
/// One Trunk build per page (`pages::pages`): the landing page, built without any scene, and each
/// playground's page (`sqs.html`, …) with only its own cargo feature, so a reader downloads only the
/// playground they open. GitHub Pages answers `/REPO/sqs` with `sqs.html`. The landing bundle is
/// also published as `404.html` (with a neutral first paint), which sends `/REPO/sqs/` on to
/// `/REPO/sqs` and shows the not-found page for anything else. The builds share one cargo target
/// folder and profile, so the dependencies compile once; their hashed asset names let them sit side
/// by side, and the merge fails if two builds write one file name with different content.
pub fn build_release(tools: &Tools, public_url: &str, site_url: Option<&str>) -> Result<()> {
    let site_url =
        SiteUrl { path: normalize_public_url(public_url)?, absolute: site_url.map(normalize_site_url).transpose()? };
    let template = std::fs::read_to_string(root().join("web").join("page.html")).context("reading web/page.html")?;
    let sources = root().join("target").join("pages");
    let builds = root().join("target").join("site-builds");
    std::fs::create_dir_all(&sources)?;
    let site = site_dir();
    if site.exists() {
        std::fs::remove_dir_all(&site)?;
    }
    std::fs::create_dir_all(&site)?;
    let css = std::fs::read_to_string(root().join("web").join("style.css")).context("reading web/style.css")?;
    std::fs::write(sources.join("style.css"), pages::minify_css(&css))?;
    // target/pages/sqs.html: web/ and crates/app are two folders up.
    let paths = pages::Sources { web: "../../web", app: "../../crates/app", style: "style.css" };
    let mut written = BTreeMap::new();
    for page in pages::pages() {
        let source = sources.join(&page.file);
        std::fs::write(&source, pages::render(&template, &page, &site_url, &paths)?)?;
        let dist = builds.join(page.file.trim_end_matches(".html"));
        if dist.exists() {
            std::fs::remove_dir_all(&dist)?;
        }
        eprintln!("xtask: building {} (Trunk, release)", page.file);
        run(Command::new(tools.trunk())
            .current_dir(root())
            .env("PATH", tools.path_env()?)
            .args(["build", "--release", "--offline", "--public-url", &site_url.path, "--dist"])
            .arg(&dist)
            .arg(&source))?;
        // Trunk names its output after the target, or index.html; accept either.
        let built = [page.file.as_str(), "index.html"].iter().map(|n| dist.join(n)).find(|p| p.exists());
        let built = built.with_context(|| format!("the build of {} produced no HTML page", page.file))?;
        minify_glue(tools, &dist, &built)?;
        add_content_security_policy(&built)?;
        merge(&dist, &site, &built, &page.file, &mut written)?;
    }
    let landing = std::fs::read_to_string(site.join("index.html"))?;
    let first_paint = pages::landing_first_paint();
    if !landing.contains(&first_paint) {
        bail!("the built index.html lost its first paint (did Trunk rewrite the body?)");
    }
    std::fs::write(site.join("404.html"), landing.replace(&first_paint, &pages::not_found_first_paint()))?;
    Ok(())
}

/// Minifies wasm-bindgen's JS glue in a page's build (`dist`), which Trunk publishes as written
/// (~2.3 KB gzip of every first visit), and puts the new subresource-integrity hash into the
/// page (`html`) in place of the old one, so the browser still checks what it loads.
fn minify_glue(tools: &Tools, dist: &Path, html: &Path) -> Result<()> {
    let mut page = std::fs::read_to_string(html)?;
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != "js") {
            continue;
        }
        let before = integrity(&std::fs::read(&path)?);
        if !page.contains(&before) {
            bail!(
                "{} names {} without its integrity hash: is this Trunk's usual page?",
                html.display(),
                path.display()
            );
        }
        run(Command::new(tools.terser())
            .arg(&path)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&path))?;
        page = page.replace(&before, &integrity(&std::fs::read(&path)?));
    }
    std::fs::write(html, page)?;
    Ok(())
}

/// What a page may load and run: only the site's own files, its two inline scripts (the early
/// theme/embed script and Trunk's loader, by hash) and WebAssembly. Styles may be inline: the
/// diagrams place tokens with `style` attributes. `frame-ancestors` cannot be set from a `<meta>`,
/// and embeds are meant to work on any blog, so framing stays open on purpose.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/// Puts the Content-Security-Policy `<meta>` into a built page, right after its charset, with
/// the hashes of the page's inline scripts as built.
fn add_content_security_policy(html: &Path) -> Result<()> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let page = std::fs::read_to_string(html)?;
    let mut hashes = Vec::new();
    let mut rest = page.as_str();
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map(|i| start + i + 1).context("an unclosed <script> tag")?;
        let close = rest[tag_end..].find("</script>").map(|i| tag_end + i).context("a <script> without </script>")?;
        if !rest[start..tag_end].contains(" src=") {
            let digest = Sha256::digest(&rest.as_bytes()[tag_end..close]);
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &rest[close..];
    }
    let charset = "<meta charset=\"utf-8\" />";
    if !page.contains(charset) {
        bail!("{} has no `{charset}` to put the Content-Security-Policy after", html.display());
    }
    let meta = format!(
        "{charset}\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{}\" />",
        CSP.replace("{hashes}", &hashes.join(" "))
    );
    std::fs::write(html, page.replacen(charset, &meta, 1))?;
    Ok(())
}

/// A subresource-integrity value, as Trunk writes it: `sha384-<base64>`.
fn integrity(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha384};
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// Builds the page `file` (as [`build_release`] last wrote it) again with the function names kept
/// and without wasm-opt, for a size profiler; returns its wasm file.
pub fn build_with_names(tools: &Tools, file: &str) -> Result<PathBuf> {
    let pages = root().join("target").join("pages");
    let html = std::fs::read_to_string(pages.join(file)).with_context(|| format!("reading target/pages/{file}"))?;
    let stem = format!("{}-names", file.trim_end_matches(".html"));
    let source = pages.join(format!("{stem}.html"));
    std::fs::write(&source, html.replace("data-wasm-opt=\"z\"", "data-wasm-opt=\"0\" data-keep-debug"))?;
    let dist = root().join("target").join("site-builds").join(&stem);
    run(Command::new(tools.trunk())
        .current_dir(root())
        .env("PATH", tools.path_env()?)
        .args(["build", "--release", "--offline", "--public-url", "/", "--dist"])
        .arg(&dist)
        .arg(&source))?;
    let wasm = std::fs::read_dir(&dist)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"));
    wasm.with_context(|| format!("the names-kept build of {file} produced no wasm"))
}

/// Copies the files of one page's build (`from`) into the site (`to`), its HTML page `page` as
/// `page_name`. Fails if a file name was already written with different content.
fn merge(from: &Path, to: &Path, page: &Path, page_name: &str, written: &mut BTreeMap<PathBuf, Vec<u8>>) -> Result<()> {
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = if path == page { PathBuf::from(page_name) } else { path.strip_prefix(from)?.to_path_buf() };
            let bytes = std::fs::read(&path)?;
            if let Some(before) = written.get(&rel) {
                if *before != bytes {
                    bail!(
                        "two page builds wrote {} with different content ({page_name} and an earlier one)",
                        rel.display()
                    );
                }
                continue;
            }
            let target = to.join(&rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &bytes)?;
            written.insert(rel, bytes);
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
    // The full app (every playground, index.html) on every path: Trunk's fallback answers deep
    // links such as /sqs with it. The per-page bundles are a release-size concern only.
    cmd.current_dir(root()).env("PATH", tools.path_env()?).args([
        "serve",
        "index.html",
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

/// `https://owner.github.io/nimbus` → `https://owner.github.io/nimbus/`.
fn normalize_site_url(url: &str) -> Result<String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
        bail!("--site-url {url}: expected the site's absolute address, such as https://owner.github.io/nimbus/");
    }
    Ok(if url.ends_with('/') { url.to_owned() } else { format!("{url}/") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_pages_inline_scripts() {
        let dir = std::env::temp_dir().join(format!("nimbus-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let html = dir.join("page.html");
        let page = "<head><meta charset=\"utf-8\" /><script>let a = 1;</script><script type=\"module\" src=\"/x.js\"></script><script type=\"module\">init();</script></head>";
        std::fs::write(&html, page).expect("written");
        add_content_security_policy(&html).expect("added");
        let out = std::fs::read_to_string(&html).expect("read");
        // sha256 of `let a = 1;`, base64 (`openssl dgst -sha256 -binary | base64`).
        assert!(out.contains("'sha256-xY6QKfH9PRsQnLz56nj6MBwiK5oHg+im1Jkpdp1x/Ck='"), "{out}");
        assert_eq!(out.matches("'sha256-").count(), 2, "{out}");
        assert!(out.find("Content-Security-Policy") < out.find("<script"), "the policy comes before the scripts");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
