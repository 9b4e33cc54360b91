//! `nimbus run` and `nimbus hash`: run a scenario file, or the reference scenario, headless.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use engine::apigw::{ApigwScenario, ApigwSim};
use engine::flow::{FlowScenario, FlowSim};
use engine::kinesis::{KinesisScenario, KinesisSim};
use engine::reference::{reference_trace_hash, ReferenceScenario, ReferenceSim};
use engine::sns::{SnsScenario, SnsSim};
use engine::sqs::{SqsScenario, SqsSim};
use engine::vpc::{resolve_packet, VpcScenario};
use engine::StableHasher;
use engine::{SimDuration, SimTime};
use serde::Serialize;

use crate::args;

/// The seed used when none is given, so two runs of the same command agree.
const DEFAULT_SEED: u64 = 1;

#[derive(Serialize)]
struct RunReport {
    /// Why the run stopped before `--until`, if it did (see `engine::HELD_BYTES_CAP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<String>,
    kind: &'static str,
    /// What the run holds at its end by the engine's own accounting of live entities (messages,
    /// records, requests, scheduled work), bytes: what the memory cap counts.
    #[serde(skip_serializing_if = "is_zero")]
    held_bytes: u64,
    seed: u64,
    simulated_s: f64,
    trace_hash: String,
    events: u64,
    metrics: serde_json::Value,
}

/// A scenario that offers no traffic is allowed (a rate of 0 is a valid setting) but said, as
/// a note that `--strict` does not turn into an error: it is easy to set by mistake.
fn note_if_idle(path: &str, offered: f64) {
    if let Some(note) = idle_note(path, offered) {
        eprintln!("note: {}", crate::input::printable(&note));
    }
}

fn idle_note(path: &str, offered: f64) -> Option<String> {
    (offered == 0.0).then(|| format!("{path}: every rate is 0, so nothing is sent: the run has no traffic"))
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

pub fn run(rest: &[String]) -> Result<()> {
    let report = report(rest)?;
    out!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// Runs the scenario file `rest` names and reports on it (what `run` prints).
fn report(rest: &[String]) -> Result<RunReport> {
    let args = args::parse(rest, &["--seed", "--until", "--strict"])?;
    let [path] = args.positional.as_slice() else {
        bail!("usage: nimbus run SCENARIO.json [--seed N] [--until DURATION] [--strict]");
    };
    // What the run will skip because AWS would refuse it: said before the run, an error with --strict.
    let warn = |warnings: Vec<String>| -> Result<()> {
        if args.strict && !warnings.is_empty() {
            bail!("{path}: {} (--strict)", warnings.join("; "));
        }
        for w in warnings {
            eprintln!("warning: {}", crate::input::printable(&format!("{path}: {w}")));
        }
        Ok(())
    };
    let text = crate::input::read_file(path)?;
    crate::input::check_unique_keys(&text).with_context(|| format!("{path} is not a scenario file"))?;
    let mut doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{path} is not valid JSON"))?;
    // Scenario files name their playground in `kind`; files without one are reference scenarios.
    let kind = match doc.as_object_mut().and_then(|o| o.remove("kind")) {
        None => "reference".to_owned(),
        Some(serde_json::Value::String(k)) => k,
        Some(other) => bail!("{path}: `kind` must be a string, found {other}"),
    };
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    let until = SimTime::ZERO + args.until.unwrap_or(SimDuration::from_secs(600));
    let report = match kind.as_str() {
        "reference" => {
            let scenario: ReferenceScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not a reference scenario"))?;
            let mut sim =
                ReferenceSim::try_new(&scenario, seed).with_context(|| format!("{path}: invalid scenario"))?;
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let m = sim.model();
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "reference",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::json!({
                    "arrived": m.arrived(),
                    "completed": m.completed(),
                    "rejected": m.rejected(),
                    "waiting": m.waiting(),
                    "busy_workers": m.busy(),
                }),
            }
        }
        "sqs" => {
            let scenario: SqsScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not an SQS scenario"))?;
            note_if_idle(path, scenario.offered_per_s());
            let mut sim = SqsSim::try_new(&scenario, seed)
                .with_context(|| format!("{path}: invalid scenario"))?
                .without_recent_events();
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let model = sim.model();
            let t = model.totals();
            let main = model.main_queue();
            // Quantiles are bucket edges (within 6 %); means are exact.
            let ms_of = |h: &engine::Histogram| {
                let q = |q: f64| h.quantile(q).map(|d| d.as_secs_f64() * 1000.0);
                serde_json::json!({
                    "mean": h.mean_secs().map(|s| s * 1000.0),
                    "p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "max": q(1.0),
                })
            };
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "sqs",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::json!({
                    "sent": t.sent,
                    "deduplicated": t.deduplicated,
                    "received": t.received,
                    "deleted": t.deleted,
                    "throughput_per_s": t.deleted as f64 / sim.now().as_secs_f64().max(1e-9),
                    "queue_wait_send_to_first_receive_ms": ms_of(&t.queue_wait),
                    "latency_send_to_delete_ms": ms_of(&t.latency),
                    "duplicates_processed": t.duplicates_processed,
                    "out_of_order": t.out_of_order,
                    "processing_failures": t.failures,
                    "consumer_crashes": t.crashes,
                    "moved_to_dlq": t.moved_to_dlq,
                    "dlq_depth": model.dead_letter_queue().map_or(0, |q| q.visible_count()),
                    "expired": t.expired,
                    "empty_receives": t.empty_receives,
                    "visible": main.visible_count(),
                    "in_flight": main.in_flight_count(),
                    "delayed": main.delayed_count(),
                    "api_calls": t.api_calls.iter().collect::<BTreeMap<_, _>>(),
                    "billed_requests": t.billed_requests,
                    "estimated_cost_usd": model.estimated_cost_usd(),
                }),
            }
        }
        "sns" => {
            let scenario: SnsScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not an SNS scenario"))?;
            note_if_idle(path, scenario.offered_per_s());
            let mut sim = SnsSim::try_new(&scenario, seed)
                .with_context(|| format!("{path}: invalid scenario"))?
                .without_recent_events();
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let model = sim.model();
            let t = model.totals();
            let subscriptions: Vec<_> = scenario
                .subscriptions
                .iter()
                .zip(&t.subscriptions)
                .enumerate()
                .map(|(i, (s, c))| {
                    serde_json::json!({
                        "name": s.name,
                        "endpoint": s.endpoint,
                        "matched": c.matched,
                        "filtered": c.filtered,
                        "by_previous_policy": c.by_previous_policy,
                        "delivered": c.delivered,
                        "retries": c.retries,
                        "rejected": c.rejected,
                        "dead_lettered": c.dead_lettered,
                        "lost": c.lost,
                        "out_of_order": c.out_of_order,
                        "processed": c.processed,
                        "queue_depth": model.queue(i).map(|q| q.visible_count() + q.in_flight_count()),
                        "dlq_depth": model.dead_letter_queue(i).map(|q| q.visible_count()),
                    })
                })
                .collect();
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "sns",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::json!({
                    "published": t.published,
                    "deduplicated": t.deduplicated,
                    "deliveries_in_progress": model.deliveries().count(),
                    "subscriptions": subscriptions,
                }),
            }
        }
        "kinesis" => {
            let scenario: KinesisScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not a Kinesis scenario"))?;
            note_if_idle(path, scenario.offered_per_s());
            let mut sim = KinesisSim::try_new(&scenario, seed)
                .with_context(|| format!("{path}: invalid scenario"))?
                .without_recent_events();
            warn(scenario.reshard_warnings())?;
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let model = sim.model();
            let t = model.totals();
            let ms =
                |c: &engine::kinesis::ConsumerState, q: f64| c.latency.quantile(q).map(|d| d.as_secs_f64() * 1000.0);
            let shards: Vec<_> = model
                .stream()
                .shards()
                .map(|s| {
                    let (written, throttled) = t.per_shard.get(&s.id).copied().unwrap_or_default();
                    serde_json::json!({
                        "id": s.id.to_string(),
                        "open": s.is_open(),
                        "parent": s.parent.map(|p| p.to_string()),
                        "adjacent_parent": s.adjacent_parent.map(|p| p.to_string()),
                        "hash_key_range": [s.start.to_string(), s.end.to_string()],
                        "written": written,
                        "throttled": throttled,
                    })
                })
                .collect();
            let consumers: Vec<_> = model
                .consumers()
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "kind": format!("{:?}", c.kind).to_lowercase(),
                        "read": c.read,
                        "throttled_calls": c.throttled,
                        "out_of_order": c.out_of_order,
                        "duplicates": c.duplicates,
                        "millis_behind_latest": c.millis_behind,
                        "latency_ms": { "p50": ms(c, 0.5), "p99": ms(c, 0.99) },
                    })
                })
                .collect();
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "kinesis",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::json!({
                    "written": t.written,
                    "throttled": t.throttled,
                    "retries": t.retries,
                    "gave_up": t.gave_up,
                    "duplicates_written": t.duplicates_written,
                    "reshards_refused": t.reshards_refused,
                    // A resharding still under way when the run stopped: when it completes.
                    "stream_status": if model.stream().updating().is_some() { "UPDATING" } else { "ACTIVE" },
                    "updating_until_s": model.stream().updating().map(|u| u.until.as_secs_f64()),
                    "shards": shards,
                    "consumers": consumers,
                }),
            }
        }
        "apigw" => {
            let scenario: ApigwScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not an API Gateway scenario"))?;
            note_if_idle(path, scenario.offered_per_s());
            let mut sim = ApigwSim::try_new(&scenario, seed)
                .with_context(|| format!("{path}: invalid scenario"))?
                .without_recent_events();
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let t = sim.model().totals();
            let ms = |q: f64| t.latency.quantile(q).map(|d| d.as_secs_f64() * 1000.0);
            let [plan, method, account, regional] = t.throttled_by_level;
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "apigw",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::json!({
                    "calls": t.calls,
                    "offered": t.offered,
                    "admitted": t.admitted,
                    "throttled": t.throttled,
                    "throttled_by_level": { "usage_plan": plan, "method": method, "account": account, "regional": regional },
                    "quota_exceeded": t.quota_exceeded,
                    "forbidden": t.forbidden,
                    "timed_out": t.timed_out,
                    "finished_after_timeout": t.finished_after_timeout,
                    "retries": t.retries,
                    "succeeded": t.succeeded,
                    "gave_up": t.gave_up,
                    "latency_ms_including_retries": { "p50": ms(0.5), "p90": ms(0.9), "p99": ms(0.99) },
                }),
            }
        }
        "vpc" => {
            let scenario: VpcScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not a VPC scenario"))?;
            scenario.validate().with_context(|| format!("{path}: invalid scenario"))?;
            let (net, _) = scenario.build();
            let packet = resolve_packet(&net, &scenario.packet)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("{path}: invalid packet"))?;
            let trace = net.trace(packet);
            let explanation = net.explain(&trace);
            let hops: Vec<String> = trace.hops.iter().map(|h| net.hop_label(h)).collect();
            // The network has no randomness: the hash covers the path and the verdict.
            let mut hasher = StableHasher::new();
            for hop in &hops {
                hasher.write(hop.as_bytes());
            }
            hasher.write(explanation.code.as_bytes());
            let peerings: Vec<_> = net
                .peerings
                .iter()
                .map(|p| serde_json::json!({ "id": p.id, "state": p.state.code(), "message": p.message }))
                .collect();
            RunReport {
                stopped: None,
                kind: "vpc",
                // A VPC scenario traces one packet: nothing runs on in time.
                held_bytes: 0,
                seed,
                simulated_s: net.now().as_secs_f64(),
                trace_hash: format!("{:016x}", hasher.finish()),
                events: hops.len() as u64,
                metrics: serde_json::json!({
                    "verdict": explanation.code,
                    "why": explanation.why,
                    "fix": explanation.fix,
                    "hops": hops,
                    "peerings": peerings,
                }),
            }
        }
        "flow" => {
            let scenario: FlowScenario =
                serde_json::from_value(doc).with_context(|| format!("{path}: not a flow scenario"))?;
            let mut sim = FlowSim::try_new(&scenario, seed)
                .with_context(|| format!("{path}: invalid flow"))?
                .without_recent_events();
            sim.run_until_done(until);
            warn(stopped(&sim).into_iter().collect())?;
            let report = sim.model().report(sim.now());
            RunReport {
                stopped: stopped(&sim),
                held_bytes: sim.held_bytes(),
                kind: "flow",
                seed,
                simulated_s: sim.now().as_secs_f64(),
                trace_hash: format!("{:016x}", sim.trace_hash()),
                events: sim.trace().count(),
                metrics: serde_json::to_value(report)?,
            }
        }
        other => {
            bail!("{path}: unknown scenario kind `{other}` (known: reference, sqs, sns, kinesis, apigw, vpc, flow)")
        }
    };
    Ok(report)
}

pub fn hash(rest: &[String]) -> Result<()> {
    let args = args::parse(rest, &["--seed"])?;
    let seed = args.seed.unwrap_or(DEFAULT_SEED);
    match args.positional.first().map(String::as_str) {
        None => out!("{:016x}", reference_trace_hash(seed)),
        Some("flow") => out!("{:016x}", engine::flow::flow_trace_hash(seed)),
        Some(other) => anyhow::bail!("`nimbus hash {other}`: hash the reference run (no argument) or `flow`"),
    }
    Ok(())
}

/// Why a run stopped before its end: it would have held more than the memory cap.
fn stopped<M: engine::Model>(sim: &engine::Sim<M>) -> Option<String> {
    let (held, at) = sim.halted()?;
    Some(format!(
        "the run stopped at {:.3} s: it would hold more than {} MB of messages, records or requests ({} MB), a bound of Nimbus, not of AWS",
        at.as_secs_f64(),
        engine::HELD_BYTES_CAP >> 20,
        held >> 20
    ))
}

#[cfg(test)]
mod tests {
    /// A throttled FIFO receive used to leave its consumer waiting, to be woken within the same
    /// work item and refused again, for ever: 300 consumers on a FIFO queue with 1,000 groups never
    /// got past 35 simulated seconds. The run must reach 45 s, with the throttles in its trace. The
    /// loop was inside one work item, so a step count cannot see it: the run goes on a thread and a
    /// generous wall-clock bound (the run takes ~20 s in a debug build) turns a hang into a
    /// failure. (Here, not in the engine's own tests, which may not use threads: the engine is
    /// sans-IO, as `cargo xtask test`'s tidy check enforces.)
    #[test]
    fn throttled_fifo_receives_back_off_instead_of_spinning_at_one_instant() {
        let file = r#"{"kind":"sqs","queue":{"fifo":true},"producers":[{"groups":1000,"workload":{"kind":"poisson","rate_per_s":300}}],"consumers":{"count":300}}"#;
        let s = engine::sqs::SqsScenario::from_file_json(file).expect("a valid scenario");
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sim = engine::sqs::SqsSim::try_new(&s, 1).expect("valid");
            let mut throttled = false;
            while sim.now() < engine::SimTime::from_secs(45) && sim.step().is_some() {
                throttled |= sim.trace().recent().next_back().is_some_and(|e| e.reason == engine::Reason::Throttled);
            }
            let _ = done.send((sim.now(), throttled));
        });
        let (reached, throttled) = finished
            .recv_timeout(std::time::Duration::from_secs(300))
            .expect("the run hung: a consumer is refused and woken again at one instant, for ever");
        assert!(reached >= engine::SimTime::from_secs(45), "the run stopped at {reached:?}");
        assert!(throttled, "no receive was throttled, so this test tests nothing");
    }

    /// An SQS run reports the time messages wait in the queue (send → first receive: mean and
    /// percentiles) beside send → delete, and the messages received out of order.
    #[test]
    fn a_flow_run_reports_each_node_end_to_end_and_the_cost() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/flows/webhook-403.json");
        let args: Vec<String> = [path, "--until", "2m"].iter().map(|s| s.to_string()).collect();
        let report = super::report(&args).expect("runs");
        assert_eq!(report.kind, "flow");
        let m = &report.metrics;
        assert_eq!(m["end_to_end"]["balanced"], true);
        let lost = m["end_to_end"]["ended"]["lost_sns_http_4xx"].as_u64();
        assert!(lost.is_some_and(|n| n > 0), "the 403 webhook's copies: {}", m["end_to_end"]);
        assert!(m["nodes"]["partner-webhook"]["answered_4xx"].as_u64() == lost);
        assert!(m["cost"]["per_month_usd"].as_f64().is_some_and(|usd| usd > 0.0), "{}", m["cost"]);
        assert!(m["cost"]["note"].as_str().is_some_and(|n| n.contains("list price, us-east-1")));
        // A flow AWS refuses is an error naming the connection.
        let bad = r#"{"kind":"flow","nodes":[{"id":"p","type":"producer"},{"id":"t.fifo","type":"sns_topic","fifo":true},
            {"id":"f","type":"lambda"}],"connections":[{"from":"p","to":"t.fifo"},{"from":"t.fifo","to":"f"}]}"#;
        let bad_path = std::env::temp_dir().join(format!("nimbus-flow-{}.json", std::process::id()));
        std::fs::write(&bad_path, bad).expect("a temporary file");
        let err = super::report(&[bad_path.to_string_lossy().into_owned()]).map(|_| ()).expect_err("refused");
        let _ = std::fs::remove_file(&bad_path);
        let text = format!("{err:#}");
        assert!(text.contains("t.fifo (FIFO topic) → f (Lambda function)"), "{text}");
    }

    #[test]
    fn an_sqs_run_reports_the_queue_wait_and_out_of_order_receives() {
        // A backlog (20 a second for one consumer that handles about 5) lets receives choose
        // among visible messages: some come back out of order, and every message waits.
        let file = r#"{"kind":"sqs","producers":[{"workload":{"kind":"poisson","rate_per_s":20}}],"consumers":{"count":1,"batch_size":10}}"#;
        let path = std::env::temp_dir().join(format!("nimbus-wait-{}.json", std::process::id()));
        std::fs::write(&path, file).expect("a temporary file");
        let args: Vec<String> =
            [path.to_string_lossy().as_ref(), "--until", "60s"].iter().map(|s| s.to_string()).collect();
        let report = super::report(&args).expect("runs");
        let _ = std::fs::remove_file(&path);
        let m = &report.metrics;
        let wait = &m["queue_wait_send_to_first_receive_ms"];
        let (mean, p50, p99) = (wait["mean"].as_f64(), wait["p50"].as_f64(), wait["p99"].as_f64());
        assert!(mean.is_some_and(|ms| ms > 0.0) && p50.is_some() && p99 >= p50, "{wait}");
        let delete = &m["latency_send_to_delete_ms"];
        assert!(delete["mean"].as_f64() > mean, "deletes come after first receives: {delete} vs {wait}");
        assert!(m["out_of_order"].as_u64().is_some_and(|n| n > 0), "{}", m["out_of_order"]);
    }

    /// A rate of 0 is allowed, even with `--strict`, and noted; over the engine's bound is an
    /// error naming it.
    #[test]
    fn an_idle_scenario_is_noted_and_an_overloaded_one_refused() {
        let run = |file: &str, extra: &[&str]| {
            let path = std::env::temp_dir().join(format!("nimbus-idle-{}-{}.json", std::process::id(), file.len()));
            std::fs::write(&path, file).expect("a temporary file");
            let path = path.to_string_lossy().into_owned();
            let args: Vec<String> =
                [path.as_str(), "--until", "5s"].iter().chain(extra).map(|s| s.to_string()).collect();
            let result = super::run(&args).map_err(|e| format!("{e:#}"));
            let _ = std::fs::remove_file(&path);
            result
        };
        let idle = r#"{"kind":"apigw","clients":[{"count":10,"workload":{"kind":"constant","rate_per_s":0}}]}"#;
        run(idle, &["--strict"]).expect("an idle scenario runs");
        let s = engine::apigw::ApigwScenario::from_file_json(idle).expect("valid");
        assert!(super::idle_note("f.json", s.offered_per_s()).is_some_and(|n| n.contains("every rate is 0")));
        assert_eq!(super::idle_note("f.json", engine::sqs::SqsScenario::default().offered_per_s()), None);
        let flood = r#"{"kind":"apigw","clients":[{"count":1000,"workload":{"kind":"constant","rate_per_s":10000}}]}"#;
        let err = run(flood, &[]).expect_err("over the bound");
        assert!(err.contains("10000000 operations/s") && err.contains("at most 100,000"), "{err}");
    }

    /// An operation AWS would refuse is a warning the run skips, or an error with `--strict`.
    #[test]
    fn refused_reshards_are_warnings_and_strict_makes_them_errors() {
        let file =
            r#"{"kind":"kinesis","shards":2,"reshards":[{"at_s":1,"action":{"kind":"merge","shard":1,"adjacent":1}}]}"#;
        let path = std::env::temp_dir().join(format!("nimbus-strict-{}.json", std::process::id()));
        std::fs::write(&path, file).expect("a temporary file");
        let path = path.to_string_lossy().into_owned();
        let args = |extra: &[&str]| -> Vec<String> {
            [path.as_str(), "--until", "5s"].iter().chain(extra).map(|s| s.to_string()).collect()
        };
        super::run(&args(&[])).expect("runs, with a warning");
        let err = super::run(&args(&["--strict"])).expect_err("refused with --strict").to_string();
        assert!(err.contains("reshards[0] at 1 s is refused: InvalidArgumentException"), "{err}");
        let _ = std::fs::remove_file(&path);
    }
}
