//! `nimbus bench`: engine throughput, measured natively with the wall clock (which the engine
//! itself never reads).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Instant;

use anyhow::{bail, Result};
use engine::apigw::{ApigwScenario, ApigwSim};
use engine::flow::{FlowScenario, FlowSim};
use engine::kinesis::{KinesisScenario, KinesisSim};
use engine::reference::{ReferenceScenario, ReferenceSim};
use engine::sns::{FilterPolicy, FilterScope, Message, PolicyApi};
use engine::sqs::{SqsScenario, SqsSim};
use engine::vpc::{Network, Op, Packet, Protocol, Verdict};
use engine::{Scheduler, SimDuration, SimTime, Workload};

use crate::args;

/// Pending items kept in the scheduler while measuring: a busy simulation's typical backlog.
const PENDING: u64 = 1_024;
const EVENTS: u64 = 30_000_000;

/// The parts `nimbus bench` measures; naming some runs only those (handy under a profiler).
const PARTS: [&str; 9] = ["scheduler", "reference", "sqs", "sns", "kinesis", "apigw", "vpc", "flow", "worst"];

pub fn bench(rest: &[String]) -> Result<()> {
    let args = args::parse(rest, &[])?;
    if let Some(unknown) = args.positional.iter().find(|p| !PARTS.contains(&p.as_str())) {
        bail!("unknown benchmark `{unknown}` (choose from: {})", PARTS.join(", "));
    }
    let wanted = |part: &str| args.positional.is_empty() || args.positional.iter().any(|p| p == part);
    if wanted("scheduler") {
        bench_scheduler();
    }
    if wanted("reference") {
        bench_reference()?;
    }
    if wanted("sqs") {
        bench_sqs()?;
    }
    if wanted("sns") {
        bench_sns_filter()?;
    }
    if wanted("kinesis") {
        bench_kinesis()?;
    }
    if wanted("apigw") {
        bench_apigw()?;
    }
    if wanted("vpc") {
        bench_vpc()?;
    }
    if wanted("flow") {
        bench_flow()?;
    }
    if wanted("worst") {
        bench_worst_cases()?;
    }
    Ok(())
}

/// Each live model at its heaviest accepted setting: an offered load at the engine's bound
/// (`engine::scenario::MAX_OFFERED_PER_S`, operations per simulated second) for one simulated
/// minute — how much faster than real time the slowest run anyone can ask for goes, and what
/// it holds.
fn bench_worst_cases() -> Result<()> {
    let minute = SimTime::from_secs(60);
    fn row<M: engine::sim::Model>(name: &str, mut sim: engine::sim::Sim<M>, until: SimTime) {
        let start = Instant::now();
        let outcome = sim.run_until_done(until);
        let wall = start.elapsed().as_secs_f64();
        out!(
            "worst case {name}: {:.0}× real time ({} work items, holds {:.1} MB, {outcome:?}, {wall:.3} s)",
            sim.now().as_secs_f64() / wall,
            sim.handled(),
            sim.held_bytes() as f64 / f64::from(1 << 20),
        );
    }
    let bound = engine::scenario::MAX_OFFERED_PER_S;

    // SQS: a third of the bound in messages (each is sent, received and deleted), consumers
    // enough to keep up (batches of 10, 5 ms each).
    let mut sqs = SqsScenario::benchmark();
    sqs.producers[0].workload = Workload::Poisson { rate_per_s: bound / 3.0 };
    sqs.consumers.count = engine::sqs::MAX_CONSUMERS;
    row(
        "sqs (33,333 msg/s sent, received and deleted by 1,000 consumers)",
        SqsSim::try_new(&sqs, 1)?.without_recent_events(),
        minute,
    );

    // SNS: the most subscriptions, HTTP endpoints (an SQS subscription's consumers in the
    // playground cannot keep up with 16,667 messages/s: that run stops at the memory cap).
    let mut sns = engine::sns::SnsScenario::default();
    let subscription = |i: usize| engine::sns::SubscriptionSettings {
        name: format!("endpoint-{i}"),
        endpoint: engine::sns::EndpointKind::Http,
        ..engine::sns::SubscriptionSettings::default()
    };
    sns.subscriptions = (0..engine::sns::MAX_SUBSCRIPTIONS).map(subscription).collect();
    let copies = 1.0 + sns.subscriptions.len() as f64;
    sns.publishers[0].workload = Workload::Poisson { rate_per_s: bound / copies };
    let label = format!("sns ({:.0} publishes/s to {} HTTP subscriptions)", bound / copies, sns.subscriptions.len());
    row(&label, engine::sns::SnsSim::try_new(&sns, 1)?.without_recent_events(), minute);

    let mut kinesis = KinesisScenario { shards: 16, ..KinesisScenario::default() };
    kinesis.producer.rate_per_s = 19_000.0;
    kinesis.consumers.enhanced = 3;
    row(
        "kinesis (19,000 records/s on 16 shards, read by a polling and 3 enhanced fan-out consumers)",
        KinesisSim::try_new(&kinesis, 1)?.without_recent_events(),
        minute,
    );

    // Kinesis read-heavy: the bound in GetRecords calls alone (1,000 shards, 5 applications
    // polling each every 50 ms), on an idle stream.
    let mut polled = KinesisScenario { shards: 1_000, ..KinesisScenario::default() };
    polled.producer.rate_per_s = 0.0;
    polled.consumers.polling = 5;
    polled.consumers.poll_interval_ms = 50.0;
    row(
        "kinesis polling (1,000 shards, each polled by 5 consumers every 50 ms)",
        KinesisSim::try_new(&polled, 1)?.without_recent_events(),
        minute,
    );

    let mut apigw = ApigwScenario::default();
    if let Some(c) = apigw.clients.first_mut() {
        c.count = 1_000;
        c.workload = Workload::Poisson { rate_per_s: bound / 1_000.0 };
    }
    row("apigw (1,000 clients × 100 requests/s)", ApigwSim::try_new(&apigw, 1)?.without_recent_events(), minute);
    Ok(())
}

/// Issue 8's yardstick: packet traces on a full mesh of 50 VPCs (1,225 connections, 49 routes
/// per table), each packet from one VPC's instance to another's — the longest path the tracer
/// follows (route table, peering, return route, security group) — over every pair in turn.
fn bench_vpc() -> Result<()> {
    const VPCS: usize = 50;
    const TRACES: usize = 5_000_000;
    let mut lines = Vec::new();
    let names: Vec<String> = (0..VPCS).map(|i| format!("V{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        lines.push(format!("vpc {name} 10.{i}.0.0/16"));
        lines.push(format!("subnet {name} app 10.{i}.1.0/24"));
        lines.push(format!("group {name} web"));
        lines.push(format!("allow {name} web tcp 443 10.0.0.0/8"));
        lines.push(format!("instance {name} i1 10.{i}.1.10 web"));
    }
    lines.push(format!("mesh {}", names.join(" ")));
    let mut net = Network::new();
    for line in &lines {
        net.apply(&Op::parse(line).map_err(anyhow::Error::msg)?)?;
    }
    let packets: Vec<Packet> = (0..VPCS * VPCS)
        .filter(|k| k / VPCS != k % VPCS)
        .map(|k| Packet {
            vpc: k / VPCS,
            instance: 0,
            dst: net.vpcs[k % VPCS].instances[0].ip,
            protocol: Protocol::Tcp,
            port: 443,
        })
        .collect();
    let start = Instant::now();
    let mut arrived = 0usize;
    for i in 0..TRACES {
        let trace = net.trace(black_box(packets[i % packets.len()]));
        arrived += usize::from(trace.verdict == Verdict::Arrived);
    }
    let wall = start.elapsed().as_secs_f64();
    if arrived != TRACES {
        bail!("vpc bench: only {arrived} of {TRACES} traces arrived on the full mesh");
    }
    out!(
        "vpc traces on a full mesh of {VPCS} VPCs: {:.2} M/s ({} connections, {} routes per table; {TRACES} traces, all arrived, {wall:.3} s)",
        TRACES as f64 / wall / 1e6,
        net.peerings.len(),
        net.vpcs[0].routes.routes.len()
    );
    Ok(())
}

/// Issue 7's yardstick: one simulated hour at 5,000 requests/s from 50 clients.
fn bench_apigw() -> Result<()> {
    let simulated = SimDuration::from_secs(3_600);
    let mut sim = ApigwSim::try_new(&ApigwScenario::benchmark(), 1)?.without_recent_events();
    let start = Instant::now();
    sim.run_until_done(SimTime::ZERO + simulated);
    let wall = start.elapsed().as_secs_f64();
    let t = sim.model().totals();
    out!(
        "apigw scenario (5,000 requests/s from 50 clients, 1 simulated hour): {:.0}× real time ({} requests, {} admitted, {} throttled, {} work items, {wall:.3} s)",
        simulated.as_secs_f64() / wall,
        t.offered,
        t.admitted,
        t.throttled,
        sim.handled()
    );
    Ok(())
}

/// Issue 20's yardstick: a 10-node flow at 1,000 messages/s for one simulated hour (goal:
/// at least 1,000× real time).
fn bench_flow() -> Result<()> {
    let simulated = SimDuration::from_secs(3_600);
    let mut sim = FlowSim::try_new(&FlowScenario::benchmark(), 1)?.without_recent_events();
    let start = Instant::now();
    sim.run_until_done(SimTime::ZERO + simulated);
    let wall = start.elapsed().as_secs_f64();
    let ledger = sim.model().ledger();
    if let Some((bytes, at)) = sim.halted() {
        bail!(
            "the flow yardstick stopped at {:.0} s holding {bytes} bytes: it must not build a backlog",
            at.as_secs_f64()
        );
    }
    out!(
        "flow scenario (API Gateway → SNS → 3 SQS → Lambda + consumers + DLQs, 1,000 messages/s, 1 simulated hour): {:.0}× real time ({} messages and copies, {} processed, {} work items, {wall:.3} s)",
        simulated.as_secs_f64() / wall,
        ledger.born,
        ledger.ended(engine::flow::End::Processed),
        sim.handled()
    );
    Ok(())
}

/// Issue 6's yardstick: 1,000 shards at their full write rate for one simulated minute.
fn bench_kinesis() -> Result<()> {
    let simulated = SimDuration::from_secs(60);
    let mut sim = KinesisSim::try_new(&KinesisScenario::benchmark(), 1)?.without_recent_events();
    let start = Instant::now();
    sim.run_until_done(SimTime::ZERO + simulated);
    let wall = start.elapsed().as_secs_f64();
    let t = sim.model().totals();
    out!(
        "kinesis scenario (1,000 shards at 1,000 records/s each, 1 simulated minute): {:.0}× real time ({} records written, {} throttled, {} read, {} work items, {wall:.3} s)",
        simulated.as_secs_f64() / wall,
        t.written,
        t.throttled,
        sim.model().consumers().iter().map(|c| c.read).sum::<u64>(),
        sim.handled()
    );
    Ok(())
}

/// Filter-policy evaluations per second: a 5-key policy (exact strings, a numeric range, a
/// prefix, anything-but, exists) against messages that match and messages that fail at
/// different keys (issue 5's yardstick: at least 2 million per second).
fn bench_sns_filter() -> Result<()> {
    const EVALUATIONS: u64 = 4_000_000;
    let policy = FilterPolicy::parse(
        r#"{"store": ["example_corp", "other_corp"], "price": [{"numeric": [">=", 10, "<", 500]}],
            "region": [{"prefix": "eu-"}], "status": [{"anything-but": ["cancelled", "refunded"]}],
            "customer": [{"exists": true}]}"#,
        FilterScope::MessageAttributes,
        PolicyApi::Subscribe,
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    let message = |store: &str, price: &str, region: &str, status: &str| {
        Message::from_attributes([
            ("store", "String", store),
            ("price", "Number", price),
            ("region", "String", region),
            ("status", "String", status),
            ("customer", "String", "c-17"),
            ("channel", "String", "web"),
        ])
    };
    let messages = [
        message("example_corp", "42.5", "eu-west-1", "paid"),
        message("example_corp", "900", "eu-west-1", "paid"),
        message("other_corp", "12", "us-east-1", "paid"),
        message("example_corp", "99", "eu-central-1", "refunded"),
    ];
    let start = Instant::now();
    let mut matched = 0u64;
    for i in 0..EVALUATIONS {
        matched += u64::from(policy.matches(black_box(&messages[(i % 4) as usize])));
    }
    let wall = start.elapsed().as_secs_f64();
    out!(
        "sns filter (5-key policy, 6 attributes): {:.2} M evaluations/s ({EVALUATIONS} evaluations, {matched} matched, {wall:.3} s)",
        EVALUATIONS as f64 / wall / 1e6
    );
    Ok(())
}

fn bench_scheduler() {
    let engine = scheduler_bench(&mut EngineQueue(Scheduler::with_capacity(0)));
    let binary = scheduler_bench(&mut BinaryQueue(BinaryHeap::new(), 0));
    out!(
        "scheduler: {:.1} M events/s ({EVENTS} schedule+pop pairs with {PENDING} pending at random delays \
         up to 1 s, the worst case for its sorted lanes, {engine:.3} s); a plain std BinaryHeap: {:.1} M events/s \
         ({:.2}× the scheduler's speed)",
        EVENTS as f64 / engine / 1e6,
        EVENTS as f64 / binary / 1e6,
        engine / binary
    );
}

fn bench_reference() -> Result<()> {
    let scenario = ReferenceScenario {
        workload: Workload::Poisson { rate_per_s: 1_000.0 },
        workers: 400,
        ..ReferenceScenario::default()
    };
    let mut sim = ReferenceSim::try_new(&scenario, 1)?;
    let simulated = SimDuration::from_secs(3_600);
    let start = Instant::now();
    sim.run_until_done(SimTime::ZERO + simulated);
    let wall = start.elapsed().as_secs_f64();
    let n = sim.trace().count();
    out!(
        "reference scenario (1,000 jobs/s, 400 workers, 1 simulated hour): {:.0}× real time, {:.1} M trace events/s ({n} events, {wall:.3} s)",
        simulated.as_secs_f64() / wall,
        n as f64 / wall / 1e6
    );
    Ok(())
}

fn bench_sqs() -> Result<()> {
    let simulated = SimDuration::from_secs(3_600);
    // The SQS yardstick of issue 3: 1,000 messages/s, 20 consumers, one simulated hour.
    // As `nimbus run` does: a headless run keeps no window of recent events.
    let mut sim = SqsSim::try_new(&SqsScenario::benchmark(), 1)?.without_recent_events();
    let start = Instant::now();
    sim.run_until_done(SimTime::ZERO + simulated);
    let wall = start.elapsed().as_secs_f64();
    let t = sim.model().totals();
    out!(
        "sqs scenario (1,000 msg/s, 20 consumers, batch 10, 1 simulated hour): {:.0}× real time ({} sent, {} deleted, {} work items, {} trace events, {wall:.3} s)",
        simulated.as_secs_f64() / wall,
        t.sent,
        t.deleted,
        sim.handled(),
        sim.trace().count()
    );
    Ok(())
}

/// The two queues compared: the engine's scheduler and a plain binary heap.
trait EventQueue {
    fn push(&mut self, at: SimTime, item: u32);
    fn pop(&mut self) -> Option<(SimTime, u32)>;
}

struct EngineQueue(Scheduler<u32>);

impl EventQueue for EngineQueue {
    fn push(&mut self, at: SimTime, item: u32) {
        self.0.schedule(at, item);
    }
    fn pop(&mut self) -> Option<(SimTime, u32)> {
        self.0.pop()
    }
}

/// `BinaryHeap` keyed by `(time, sequence)`, the textbook discrete-event queue.
struct BinaryQueue(BinaryHeap<Reverse<(SimTime, u64, u32)>>, u64);

impl EventQueue for BinaryQueue {
    fn push(&mut self, at: SimTime, item: u32) {
        self.1 += 1;
        self.0.push(Reverse((at, self.1, item)));
    }
    fn pop(&mut self) -> Option<(SimTime, u32)> {
        self.0.pop().map(|Reverse((at, _, item))| (at, item))
    }
}

/// Schedules and pops `EVENTS` items against a steady backlog, with pseudo-random delays;
/// returns the seconds taken.
fn scheduler_bench(sched: &mut impl EventQueue) -> f64 {
    // A fixed LCG, not the engine RNG: this measures the queue, not the generator.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut delay = move || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        SimDuration::from_micros((x >> 33) % 1_000_000)
    };
    for i in 0..PENDING {
        sched.push(SimTime::ZERO + delay(), i as u32);
    }
    let start = Instant::now();
    for _ in 0..EVENTS {
        let (at, item) = sched.pop().expect("the backlog never empties");
        sched.push(at + delay(), black_box(item));
    }
    start.elapsed().as_secs_f64()
}
