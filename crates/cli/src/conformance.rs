//! `nimbus conformance FILE...`: replays real-AWS expectation files against the engine's models.

use anyhow::{bail, Context, Result};
use engine::conformance::{run_file, CaseOutcome};

pub fn conformance(files: &[String]) -> Result<()> {
    if files.is_empty() {
        bail!("usage: nimbus conformance FILE...");
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for file in files {
        let text = crate::input::read_file(file)?;
        let report = run_file(&text).with_context(|| file.clone())?;
        for (label, outcome) in &report.cases {
            match outcome {
                CaseOutcome::Passed => {}
                CaseOutcome::Failed(why) => out!("FAIL {file}: {label}: {why}"),
                CaseOutcome::Skipped(why) => out!("skip {file}: {label} (flagged; engine differs: {why})"),
            }
        }
        let (p, f, s) = report.counts();
        passed += p;
        failed += f;
        skipped += s;
    }
    out!("{passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
