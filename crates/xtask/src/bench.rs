//! `cargo xtask bench`: engine throughput (native, optimised, then the same SQS scenario in
//! wasm in headless Chromium), frame intervals of the SQS playground, and what a reader
//! downloads. Ratios are taken within one run, so a noisy machine moves both sides alike.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::pages;
use crate::site::{build_release, build_with_names, site_dir};
use crate::tools::{ensure_browser_test_tools, ensure_build_tools, ensure_twiggy};
use crate::{cargo, output, root, run};

/// The most a first visit of the landing page may download, gzip-compressed (250 KB).
pub const LANDING_BUDGET_GZIP: u64 = 250_000;
/// The most a first visit of a playground's page (`sqs.html`, …) may download, gzip-compressed
/// (issue 17).
pub const PLAYGROUND_BUDGET_GZIP: u64 = 400_000;
/// Pages over the playground goal for now, with the limit that stops them growing while they are
/// cut down. Each is a MISSED goal (`cargo xtask bench` says so), not a new budget:
/// - `flow`: its bundle holds every service model (SQS, SNS, Kinesis, API Gateway, Lambda) and
///   their scenario formats (the largest parts: serde's buffered decoding of the internally
///   tagged node kinds, and every service's validation texts); issue 21 asks for 400 KB.
/// - `sns`: 395.6 KB before the timeline (issue 22) added the checkpoints' `Clone` of the whole
///   model and the timeline's component (419.8 KB), and "Why?" chains (the trace's lineage, the
///   replay of a chain, the panel: 428.1 KB, measured 2026-12-06); to win back.
/// - `sqs`: 395.6 KB with the timeline; "Why?" chains and forks ("Compare two futures": the fork
///   panel, the second run kept in step, `SetQueueAttributes` on a running model) took it to
///   413.5–415.9 KB (measured 2026-12-06, after cutting 10 KB of what they first pulled in; a
///   build in another folder differs by a few hundred bytes: panic locations name the path).
/// - `flow` grew by the same "Why?" machinery (559.5 KB).
pub const OVER_GOAL_GZIP: [(&str, u64); 3] = [("flow", 563_000), ("sns", 431_000), ("sqs", 418_000)];

/// Issue 3: one simulated hour of the SQS benchmark scenario at least this many times faster
/// than real time, natively.
const SQS_NATIVE_GOAL: f64 = 5_000.0;
/// Issue 20: one simulated hour of the 10-node flow yardstick at 1,000 messages/s at least this
/// many times faster than real time, natively.
const FLOW_NATIVE_GOAL: f64 = 1_000.0;
/// Issue 5: SNS filter-policy evaluations per second natively, in millions (5-key policy).
const SNS_FILTER_GOAL_M: f64 = 2.0;
/// Issue 8: packet traces per second (millions) on a 50-VPC full mesh.
const VPC_TRACE_GOAL_M: f64 = 1.0;
/// Issue 6: 1,000 shards at full write rate for one simulated minute, natively.
const KINESIS_NATIVE_GOAL: f64 = 100.0;
/// Issue 7: one simulated hour at 5,000 requests/s from 50 clients, natively.
const APIGW_NATIVE_GOAL: f64 = 100.0;
/// Issue 18: Kinesis at its heaviest accepted setting, natively; the other models' worst cases
/// are printed beside it.
const KINESIS_WORST_GOAL: f64 = 100.0;

/// Sizes of a set of files: raw, gzip (level 9) and brotli (quality 11), in bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl Sizes {
    /// Raw and gzip sizes; brotli too when `brotli` (quality 11 takes seconds per wasm file).
    fn of(bytes: &[u8], brotli: bool) -> Result<Sizes> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes)?;
        let gzip = gz.finish()?.len() as u64;
        if !brotli {
            return Ok(Sizes { raw: bytes.len() as u64, gzip, brotli: 0 });
        }
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

/// Every page of the site with the most its first visit may download (gzip).
pub fn budgets() -> Vec<(String, Budget)> {
    let budget = |p: &pages::Page| match p.playground {
        Some(p) => Budget(
            OVER_GOAL_GZIP.iter().find(|(slug, _)| *slug == p.slug).map_or(PLAYGROUND_BUDGET_GZIP, |&(_, limit)| limit),
        ),
        None => Budget(LANDING_BUDGET_GZIP),
    };
    pages::pages().iter().map(|p| (p.file.clone(), budget(p))).collect()
}

/// A page's first-visit limit, gzip bytes (enforced by `cargo xtask test`).
#[derive(Debug, Clone, Copy)]
pub struct Budget(pub u64);

impl Budget {
    /// `budget 250000 B gzip, 90% used`.
    pub fn describe(&self, gzip: u64) -> String {
        format!("budget {} B gzip, {:.0}% used", self.0, gzip as f64 * 100.0 / self.0 as f64)
    }
}

/// What a first visit of the page `page` (`index.html`, `sqs.html`) downloads: the page and every
/// file it names (the JS glue, the wasm it preloads, the stylesheet, the icon).
pub fn first_visit(site: &Path, page: &str, brotli: bool) -> Result<Sizes> {
    Ok(first_visit_files(site, page, brotli)?.into_iter().fold(Sizes::default(), |acc, (_, s)| acc.add(s)))
}

fn first_visit_files(site: &Path, page: &str, brotli: bool) -> Result<Vec<(String, Sizes)>> {
    let html = std::fs::read_to_string(site.join(page)).with_context(|| format!("reading the built {page}"))?;
    site_files(site, brotli, |name| name == page || html.contains(name))
}

/// The site's files that `wanted` names (404.html aside), with their sizes.
fn site_files(site: &Path, brotli: bool, wanted: impl Fn(&str) -> bool) -> Result<Vec<(String, Sizes)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(site).with_context(|| format!("reading {}", site.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || name == "404.html" || !wanted(&name) {
            continue;
        }
        files.push((name, Sizes::of(&std::fs::read(entry.path())?, brotli)?));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

pub fn bench(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`cargo xtask bench` takes no arguments (got `{extra}`)");
    }
    println!("== engine (native, optimised)");
    let native = output(cargo().args(["run", "-q", "--profile", "bench-native", "-p", "cli", "--", "bench"]))
        .context("`nimbus bench` failed")?;
    println!("{native}");
    let native_speedup = leading_number(&native, "sqs scenario")?;
    let native_met = native_speedup >= SQS_NATIVE_GOAL;
    println!(
        "sqs goal (issue 3): ≥ {SQS_NATIVE_GOAL}× real time natively — {}",
        if native_met { "met" } else { "MISSED" }
    );
    let kinesis_speedup = leading_number(&native, "kinesis scenario")?;
    let kinesis_met = kinesis_speedup >= KINESIS_NATIVE_GOAL;
    println!(
        "kinesis goal (issue 6): 1,000 shards at full write rate ≥ {KINESIS_NATIVE_GOAL}× real time natively — {}",
        if kinesis_met { "met" } else { "MISSED" }
    );
    let apigw_speedup = leading_number(&native, "apigw scenario")?;
    let apigw_met = apigw_speedup >= APIGW_NATIVE_GOAL;
    println!(
        "apigw goal (issue 7): 1 hour at 5,000 requests/s ≥ {APIGW_NATIVE_GOAL}× real time natively — {}",
        if apigw_met { "met" } else { "MISSED" }
    );
    let worst =
        leading_number(&native, "worst case kinesis (")?.min(leading_number(&native, "worst case kinesis polling")?);
    println!(
        "kinesis goal (issue 18): its heaviest accepted setting ≥ {KINESIS_WORST_GOAL}× real time natively — {}",
        if worst >= KINESIS_WORST_GOAL { "met" } else { "MISSED" }
    );
    let vpc_rate = leading_number(&native, "vpc traces")?;
    let vpc_met = vpc_rate >= VPC_TRACE_GOAL_M;
    println!(
        "vpc goal (issue 8): ≥ {VPC_TRACE_GOAL_M} M packet traces/s on a 50-VPC mesh natively — {}",
        if vpc_met { "met" } else { "MISSED" }
    );
    let flow_speedup = leading_number(&native, "flow scenario")?;
    let flow_met = flow_speedup >= FLOW_NATIVE_GOAL;
    println!(
        "flow goal (issue 20): a 10-node flow at 1,000 messages/s ≥ {FLOW_NATIVE_GOAL}× real time natively — {}",
        if flow_met { "met" } else { "MISSED" }
    );
    let filter_rate = leading_number(&native, "sns filter")?;
    let filter_met = filter_rate >= SNS_FILTER_GOAL_M;
    println!(
        "sns filter goal (issue 5): ≥ {SNS_FILTER_GOAL_M} M evaluations/s natively — {}",
        if filter_met { "met" } else { "MISSED" }
    );

    println!("\n== web bundle (release build)");
    let tools = ensure_build_tools()?;
    build_release(&tools, "/", None)?;
    let site = site_dir();
    let files = site_files(&site, true, |_| true)?;
    let mut loaded_by: Vec<(String, Vec<String>)> = Vec::new();
    for (page, _) in budgets() {
        let names: Vec<String> = first_visit_files(&site, &page, false)?.into_iter().map(|(n, _)| n).collect();
        loaded_by.push((page, names));
    }
    println!("{:<40} {:>10} {:>10} {:>10}  loaded by", "file", "raw", "gzip", "brotli");
    for (name, s) in &files {
        let by: Vec<&str> =
            loaded_by.iter().filter(|(_, names)| names.contains(name)).map(|(p, _)| p.as_str()).collect();
        println!("{name:<40} {:>10} {:>10} {:>10}  {}", s.raw, s.gzip, s.brotli, by.join(", "));
    }
    for (page, budget) in budgets() {
        let visit = first_visit(&site, &page, true)?;
        println!(
            "first visit of {page}: {} B raw, {} B gzip, {} B brotli ({})",
            visit.raw,
            visit.gzip,
            visit.brotli,
            budget.describe(visit.gzip)
        );
        if visit.gzip > PLAYGROUND_BUDGET_GZIP && page != "index.html" {
            println!("  GOAL MISSED: a playground's first visit is at most {PLAYGROUND_BUDGET_GZIP} B gzip (issue 21)");
        }
    }

    println!("\n== what the bundles are made of (twiggy, on builds with names kept and before wasm-opt)");
    let twiggy = ensure_twiggy()?;
    // The shell every page carries (the landing bundle), and the largest playgrounds' bundles.
    for page in ["index.html", "sns.html", "flow.html"] {
        let wasm = build_with_names(&tools, page)?;
        let csv = output(Command::new(&twiggy).args(["top", "-n", "1000000", "-f", "csv"]).arg(&wasm))
            .context("twiggy top failed")?;
        println!("{page}: code and data by crate (function names aside)");
        for (krate, bytes, share) in by_crate(&csv).into_iter().take(10) {
            println!("  {krate:<20} {bytes:>9} B  {share:>5.1}%");
        }
        let top = output(Command::new(&twiggy).args(["top", "-n", "8"]).arg(&wasm)).context("twiggy top failed")?;
        println!("{page}: largest items\n{top}");
    }

    println!("\n== in the browser (release build, headless Chromium)");
    let chromium = ensure_browser_test_tools()?;
    run(Command::new("node")
        .current_dir(root())
        .arg("web/tests/bench.mjs")
        .arg("--site")
        .arg(site_dir())
        .args(["--base", "/", "--native-speedup", &native_speedup.to_string()])
        .args(["--native-flow-speedup", &flow_speedup.to_string()])
        .arg("--chromium")
        .arg(chromium))?;
    if !native_met {
        bail!("the native SQS speed-up {native_speedup}× is under the {SQS_NATIVE_GOAL}× goal");
    }
    if !apigw_met {
        bail!("the native API Gateway speed-up {apigw_speedup}× is under the {APIGW_NATIVE_GOAL}× goal");
    }
    if !vpc_met {
        bail!("{vpc_rate} M packet traces/s is under the {VPC_TRACE_GOAL_M} M goal");
    }
    if !kinesis_met {
        bail!("the native Kinesis speed-up {kinesis_speedup}× is under the {KINESIS_NATIVE_GOAL}× goal");
    }
    if !flow_met {
        bail!("the native flow speed-up {flow_speedup}× is under the {FLOW_NATIVE_GOAL}× goal");
    }
    if !filter_met {
        bail!("{filter_rate} M filter evaluations/s is under the {SNS_FILTER_GOAL_M} M goal");
    }
    Ok(())
}

/// twiggy's `top` rows (CSV) summed by crate, largest first, with each one's share of the total;
/// the function-names section is left out (the published bundle has none).
fn by_crate(csv: &str) -> Vec<(String, u64, f64)> {
    let mut sums: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for line in csv.lines().skip(1) {
        // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent: the name may hold commas.
        let mut fields = line.rsplitn(5, ',');
        let (_, _, _, Some(size), Some(name)) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(size) = size.parse::<u64>() else { continue };
        let name = name.trim_matches('"').replace("\"\"", "\"");
        if name.contains("function names") {
            continue;
        }
        let path = name.trim_start_matches(['<', '&']);
        // `<T as tachys::view::Render>::build` is code of the trait's crate, generated for some T.
        let path = match path.split_once(" as ") {
            Some((head, rest)) if !head.contains("::") => rest,
            _ => path,
        };
        let krate = match path.split_once("::") {
            Some((head, _)) if !head.contains(' ') => head.split('[').next().unwrap_or(head).to_owned(),
            _ if name.starts_with("data segment") => "(data)".to_owned(),
            _ => "(other)".to_owned(),
        };
        *sums.entry(krate).or_default() += size;
    }
    let total: u64 = sums.values().sum::<u64>().max(1);
    let mut rows: Vec<(String, u64, f64)> =
        sums.into_iter().map(|(k, v)| (k, v, v as f64 * 100.0 / total as f64)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// The first number after `: ` on the line of `nimbus bench`'s output that starts with `prefix`.
fn leading_number(native: &str, prefix: &str) -> Result<f64> {
    let line = native
        .lines()
        .find(|l| l.starts_with(prefix))
        .with_context(|| format!("`nimbus bench` printed no `{prefix}` line"))?;
    let number = line.split(": ").nth(1).and_then(|rest| rest.split([' ', '×']).next());
    number.and_then(|n| n.trim().parse().ok()).with_context(|| format!("no number in `{line}`"))
}

#[cfg(test)]
mod tests {
    use super::by_crate;

    #[test]
    fn twiggy_rows_are_summed_by_crate() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent
\"\"\"function names\"\" subsection\",500,50.0,,
\"data segment \"\".rodata\"\"\",100,10.0,,
reactive_graph::graph::untrack::h1,200,20.0,,
<tachys::view::Render for F>::build,150,15.0,,
\"core[c59]::fmt::float::<f64>, x\",50,5.0,,
<T as tachys::view::any_view::IntoAny>::into_any,30,3.0,,
";
        let rows = by_crate(csv);
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["reactive_graph", "tachys", "(data)", "core"]);
        assert_eq!(rows.iter().map(|r| r.1).sum::<u64>(), 530, "the names section is left out");
        assert_eq!(rows[1], ("tachys".to_owned(), 180, 180.0 * 100.0 / 530.0));
    }
}
