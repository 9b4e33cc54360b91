//! `cargo xtask bench`: engine throughput (native, optimised) and what a reader downloads.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::site::{build_release, site_dir};
use crate::tools::ensure_build_tools;
use crate::{cargo, run};

/// The most a first visit of the landing page may download, gzip-compressed (250 KB).
pub const FIRST_VISIT_BUDGET_GZIP: u64 = 250_000;

/// Sizes of a set of files: raw, gzip (level 9) and brotli (quality 11), in bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Sizes {
    fn of(bytes: &[u8]) -> Result<Sizes> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes)?;
        let gzip = gz.finish()?.len() as u64;
        let mut br = Vec::new();
        brotli::BrotliCompress(
            &mut &bytes[..],
            &mut br,
            &brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() },
        )?;
        Ok(Sizes { raw: bytes.len() as u64, gzip, brotli: br.len() as u64 })
    }

    fn add(self, o: Sizes) -> Sizes {
        Sizes { raw: self.raw + o.raw, gzip: self.gzip + o.gzip, brotli: self.brotli + o.brotli }
    }
}

/// What a first visit of the landing page downloads: every file of the built site except the
/// `404.html` copy (index.html, the JS glue, the wasm, the stylesheet, the icon).
pub fn first_visit(site: &Path) -> Result<Sizes> {
    let mut total = Sizes::default();
    for (_, sizes) in site_files(site)? {
        total = total.add(sizes);
    }
    Ok(total)
}

fn site_files(site: &Path) -> Result<Vec<(String, Sizes)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(site).with_context(|| format!("reading {}", site.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || name == "404.html" {
            continue;
        }
        files.push((name, Sizes::of(&std::fs::read(entry.path())?)?));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

pub fn bench(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`cargo xtask bench` takes no arguments (got `{extra}`)");
    }
    println!("== engine (native, optimised)");
    run(cargo().args(["run", "-q", "--profile", "bench-native", "-p", "cli", "--", "bench"]))?;

    println!("\n== web bundle (release build)");
    let tools = ensure_build_tools()?;
    build_release(&tools, "/")?;
    let files = site_files(&site_dir())?;
    println!("{:<40} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    let mut total = Sizes::default();
    for (name, s) in &files {
        println!("{name:<40} {:>10} {:>10} {:>10}", s.raw, s.gzip, s.brotli);
        total = total.add(*s);
    }
    let wasm = files.iter().filter(|(n, _)| n.ends_with(".wasm")).fold(Sizes::default(), |acc, (_, s)| acc.add(*s));
    println!("wasm: {} B raw, {} B gzip, {} B brotli", wasm.raw, wasm.gzip, wasm.brotli);
    println!(
        "first visit (landing page): {} B raw, {} B gzip, {} B brotli — budget {} B gzip ({:.0}% used)",
        total.raw,
        total.gzip,
        total.brotli,
        FIRST_VISIT_BUDGET_GZIP,
        total.gzip as f64 * 100.0 / FIRST_VISIT_BUDGET_GZIP as f64
    );
    Ok(())
}
