//! `nimbus`: runs Nimbus scenarios headless and measures the engine.
//!
//! A thin shell over the engine: it parses flags, builds a scenario, runs it and prints the
//! result. It adds no simulation logic, so anything it prints can be reproduced in the app with
//! the same scenario and seed.

// A command-line tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// Prints a line to stdout. A closed pipe (`nimbus run … | head`) ends the program quietly, as
/// command-line tools do, instead of panicking as `println!` would.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_line(format_args!($($arg)*))
    };
}

mod args;
mod bench;
mod conformance;
mod input;
mod run;

use anyhow::{bail, Result};

const USAGE: &str = "\
nimbus — run Nimbus scenarios headless

USAGE:
    nimbus run SCENARIO.json [--seed N] [--until DURATION] [--strict]
        Runs a scenario file (\"kind\": \"sqs\", \"sns\", \"kinesis\", \"apigw\", \"vpc\" or \"flow\"; none: the
        reference scenario) and prints its final metrics as JSON (a flow: per node, end to end, and
        the cost at list prices; examples in crates/engine/flows/).
        DURATION is a number with a unit: 500ms, 90s, 15m, 1h, 2d (default 10m).
        Operations AWS would refuse (a Kinesis merge of a shard with itself, a split key out of
        range, ...) are skipped by the run and printed as warnings on stderr; --strict makes
        them an error (exit status 2) instead.
    nimbus conformance FILE...
        Runs conformance files (the formats of crates/engine/conformance/sqs_timeline_cases.json,
        sns_filter_cases.json, sns_api_cases.json, kinesis_hash_cases.json and vpc_peering_cases.json,
        described in crates/engine/conformance/README.md) against the models: one line per failure, then
        `N passed, N failed, N skipped` (skipped = flagged cases where the engine differs).
        Exit status 1 on any failure. Every case of the project's copy:
            nimbus conformance crates/engine/conformance/*.json
    nimbus hash [flow] [--seed N]
        Prints the trace hash of the reference scenario (10 simulated minutes), or with `flow`
        of the benchmark flow (20 simulated seconds), as the wasm build computes it too: the
        cross-target determinism check.
    nimbus bench [scheduler|reference|sqs|sns|kinesis|apigw|vpc|flow|worst]...
        Measures the engine: scheduler events per second, simulated/wall time of the
        reference scenario and of the SQS yardstick (1,000 msg/s, 20 consumers, 1 hour),
        SNS filter-policy evaluations per second, the Kinesis yardstick (1,000 shards
        at full write rate, 1 minute), the API Gateway one (5,000 requests/s, 1 hour) and the
        flow one (API Gateway → SNS → 3 SQS queues → Lambda and consumers, 1,000 messages/s, 1 hour).
        Naming parts runs only those.
    nimbus help
";

fn main() {
    // Errors are reports for people, not crashes: print the chain, no backtrace.
    if let Err(e) = try_main() {
        eprintln!("error: {}", input::printable(&format!("{e:#}")));
        std::process::exit(2);
    }
}

fn try_main() -> Result<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        out!("{}", USAGE.trim_end());
        return Ok(());
    };
    match command.as_str() {
        "run" => run::run(rest),
        "hash" => run::hash(rest),
        "conformance" => conformance::conformance(rest),
        "bench" => bench::bench(rest),
        "help" | "--help" | "-h" => {
            out!("{}", USAGE.trim_end());
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// The body of `out!`.
fn write_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{args}").and_then(|()| stdout.flush()).is_err() {
        std::process::exit(0);
    }
}
