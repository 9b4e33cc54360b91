//! `cargo xtask test`: everything CI checks, in order, with a `N passed, N failed` summary.
//!
//! Every step runs even when an earlier one failed (except those that need the release build),
//! so one run shows every problem.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::bench::{budgets, first_visit};
use crate::pages;
use crate::site::{build_release, site_dir};
use crate::tools::{ensure_browser_test_tools, ensure_build_tools, ensure_wasm_target};
use crate::{cargo, elapsed, output, root, run};

/// The sub-path the browser tests serve the site under, as GitHub Pages does for project sites.
const TEST_PUBLIC_URL: &str = "/nimbus/";
/// The seed of the cross-target determinism check.
const DETERMINISM_SEED: &str = "42";

pub fn test(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`cargo xtask test` takes no arguments (got `{extra}`)");
    }
    let start = Instant::now();
    // (step, result, how long it took, installs included)
    let mut results: Vec<(&str, Result<()>, String)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<()>| {
        eprintln!("\n=== {name}");
        let step_start = Instant::now();
        let res = f();
        if let Err(e) = &res {
            eprintln!("--- {name} FAILED: {e:#}");
        }
        results.push((name, res, elapsed(step_start)));
    };

    step("rustfmt", &mut || run(cargo().args(["fmt", "--all", "--", "--check"])));
    step("clippy (native)", &mut || {
        run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    });
    step("clippy (wasm32: the full app, the landing bundle and each playground's bundle)", &mut || {
        ensure_wasm_target()?;
        let wasm = ["clippy", "-p", "app", "-p", "engine", "--target", "wasm32-unknown-unknown"];
        run(cargo().args(wasm).args(["--", "-D", "warnings"]))?;
        run(cargo().args(wasm).args(["--no-default-features", "--", "-D", "warnings"]))?;
        // The features each page of the release site is built with (crates/xtask/src/pages.rs).
        for page in pages::pages() {
            if let Some(p) = page.playground {
                run(cargo().args(wasm).args(["--no-default-features", "--features", p.slug, "--", "-D", "warnings"]))?;
            }
        }
        Ok(())
    });
    step("Rust tests", &mut || run(cargo().args(["test", "--workspace"])));
    let mut built = false;
    step("release build (under /nimbus/)", &mut || {
        let tools = ensure_build_tools()?;
        build_release(&tools, TEST_PUBLIC_URL, None)?;
        built = true;
        Ok(())
    });
    if built {
        step("first-visit size budgets (each page)", &mut check_budget);
        step("browser tests (headless Chromium)", &mut browser_tests);
    }

    let failed: Vec<&str> = results.iter().filter(|(_, r, _)| r.is_err()).map(|(n, _, _)| *n).collect();
    let passed = results.len() - failed.len();
    eprintln!();
    for (name, res, took) in &results {
        eprintln!("{} {name} ({took})", if res.is_ok() { "ok  " } else { "FAIL" });
    }
    if !built {
        eprintln!("skip first-visit size budgets, browser tests (no release build)");
    }
    println!("xtask test: {passed} passed, {} failed in {}", failed.len() + usize::from(!built) * 2, elapsed(start));
    if !failed.is_empty() || !built {
        bail!("failed: {}", failed.join(", "));
    }
    Ok(())
}

fn check_budget() -> Result<()> {
    let mut over = Vec::new();
    for (page, budget) in budgets() {
        let visit = first_visit(&site_dir(), &page, false)?;
        eprintln!(
            "first visit of {page}: {} B raw, {} B gzip ({})",
            visit.raw,
            visit.gzip,
            budget.describe(visit.gzip)
        );
        if visit.gzip > budget.0 {
            over.push(format!("{page} is {} B gzip, over its {} B limit", visit.gzip, budget.0));
        }
    }
    if !over.is_empty() {
        bail!("first visits over budget: {}", over.join("; "));
    }
    Ok(())
}

fn browser_tests() -> Result<()> {
    let chromium = ensure_browser_test_tools()?;
    // The native side of the cross-target determinism check: the browser test compares the
    // wasm build's hash with this one.
    let native_hash = output(cargo().args(["run", "-q", "-p", "cli", "--", "hash", "--seed", DETERMINISM_SEED]))
        .context("computing the native reference trace hash with `nimbus hash`")?;
    let native_flow_hash =
        output(cargo().args(["run", "-q", "-p", "cli", "--", "hash", "flow", "--seed", DETERMINISM_SEED]))
            .context("computing the native flow trace hash with `nimbus hash flow`")?;
    run(Command::new("node")
        .current_dir(root())
        .arg("web/tests/run.mjs")
        .arg("--site")
        .arg(site_dir())
        .args(["--base", TEST_PUBLIC_URL, "--seed", DETERMINISM_SEED, "--native-hash", &native_hash])
        .args(["--native-flow-hash", &native_flow_hash])
        .arg("--chromium")
        .arg(chromium))
}
