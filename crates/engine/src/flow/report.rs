//! What a flow run reports: per node (each service's own numbers), end to end (latency from
//! the first send to the end of processing, throughput, where every message ended), and the
//! cost at list prices.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::apigw::ApiKind;
use crate::lambda::Architecture;
use crate::time::SimTime;

use super::ledger::End;
use super::model::FlowModel;
use super::scenario::NodeKind;

/// Where the prices come from, as shown with every cost.
pub const PRICE_NOTE: &str = "list price, us-east-1, free tier left out (SQS, SNS, Kinesis, API Gateway and Lambda pricing pages; aws-facts PRICE-01..06)";
/// SQS standard, per million requests (PRICE-01, first 100 billion a month).
const SQS_STANDARD_PER_M: f64 = 0.40;
/// SQS FIFO, per million requests (PRICE-01).
const SQS_FIFO_PER_M: f64 = 0.50;
/// SNS publishes, per million (PRICE-02; each 64 KB chunk is one).
const SNS_PUBLISH_PER_M: f64 = 0.50;
/// SNS HTTP/S deliveries, per million (PRICE-02; SQS and Lambda deliveries are free).
const SNS_HTTP_PER_M: f64 = 0.60;
/// Kinesis provisioned shard-hour (PRICE-03).
const KINESIS_SHARD_HOUR: f64 = 0.015;
/// Kinesis PUT payload units (25 KB), per million (PRICE-03).
const KINESIS_PUT_UNITS_PER_M: f64 = 0.014;
/// Kinesis enhanced fan-out, per consumer-shard-hour (PRICE-03).
const EFO_SHARD_HOUR: f64 = 0.015;
/// Kinesis enhanced fan-out data, per GB (PRICE-03).
const EFO_PER_GB: f64 = 0.013;
/// API Gateway REST calls, per million (PRICE-05, first 333 million).
const REST_PER_M: f64 = 3.50;
/// API Gateway HTTP API calls, per million (PRICE-05, first 300 million).
const HTTP_API_PER_M: f64 = 1.00;
/// Lambda requests, per million (PRICE-06).
const LAMBDA_REQUESTS_PER_M: f64 = 0.20;
/// Lambda x86 GB-second (PRICE-06).
const LAMBDA_GB_S_X86: f64 = 0.000_016_666_7;
/// Lambda Arm GB-second (PRICE-06: 20 % lower).
const LAMBDA_GB_S_ARM: f64 = 0.000_013_333_4;
/// Hours in the month AWS's price examples use.
const HOURS_PER_MONTH: f64 = 730.0;

/// The cost of a run, scaled to an hour and a month at the same load.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// Where the prices come from.
    pub note: &'static str,
    /// Per node, USD per hour.
    pub per_hour_by_node: BTreeMap<String, f64>,
    /// All nodes, USD per hour.
    pub per_hour_usd: f64,
    /// All nodes, USD per month (730 hours).
    pub per_month_usd: f64,
}

/// End-to-end numbers.
#[derive(Clone, Debug, Serialize)]
pub struct EndToEnd {
    /// Messages sent by producers and clients.
    pub sent: u64,
    /// Copies processed at the end of their path.
    pub processed: u64,
    /// Processed per simulated second.
    pub processed_per_s: f64,
    /// Latency from the first send to the end of processing, ms.
    pub latency_p50_ms: Option<f64>,
    /// 90th percentile, ms.
    pub latency_p90_ms: Option<f64>,
    /// 99th percentile, ms.
    pub latency_p99_ms: Option<f64>,
    /// How messages and copies ended, by reason (losses and the rest).
    pub ended: BTreeMap<&'static str, u64>,
    /// Messages lost, all reasons together.
    pub lost: u64,
    /// Where the others are now, by node.
    pub still_at: BTreeMap<String, u64>,
    /// Between nodes now.
    pub in_transit: u64,
    /// Every message is accounted for: sent + copies made = at nodes + in transit + ended.
    pub balanced: bool,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct FlowReport {
    /// Per node, its service's numbers.
    pub nodes: BTreeMap<String, serde_json::Value>,
    /// End to end.
    pub end_to_end: EndToEnd,
    /// The cost.
    pub cost: Cost,
}

/// What a diagram shows on a node now: cheap to read every frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeNow {
    /// Messages and copies at the node now.
    pub at: u64,
    /// Queues: messages visible and in flight.
    pub visible: u64,
    /// Queues: messages in flight.
    pub in_flight: u64,
    /// Functions: executions running; endpoints: requests being served.
    pub busy: u32,
    /// Functions: the most that may run at once (the reserved concurrency, or the Region's
    /// unreserved pool); endpoints: their concurrency.
    pub limit: u32,
    /// Endpoints: requests waiting for a slot.
    pub waiting: u64,
}

impl FlowModel {
    /// Messages producer or client group `i` has sent (0 for other nodes).
    pub fn sent_by(&self, i: usize) -> u64 {
        self.senders.get(i).and_then(Option::as_ref).map_or(0, |s| s.sent)
    }

    /// Node `i` as a diagram shows it now (all zeros for an index out of range).
    pub fn node_now(&self, i: usize) -> NodeNow {
        let mut now = NodeNow { at: self.ledger.at.get(i).copied().unwrap_or(0), ..NodeNow::default() };
        if let Some(id) = self.queue.get(i).copied().flatten() {
            let q = self.sqs.get(id);
            now.visible = q.visible_count() as u64;
            now.in_flight = q.in_flight_count() as u64;
        }
        if let Some(f) = self.functions.get(i).and_then(Option::as_ref) {
            now.busy = f.busy();
            now.limit = f.settings().reserved_concurrency.unwrap_or_else(|| self.account.unreserved());
        }
        if let Some(e) = self.endpoints.get(i).and_then(Option::as_ref) {
            now.busy = e.busy;
            now.limit = e.settings.concurrency;
            now.waiting = e.line.len() as u64;
        }
        now
    }

    /// The report at `now` (the run's length scales the cost to an hour).
    pub fn report(&self, now: SimTime) -> FlowReport {
        let secs = now.as_secs_f64().max(1e-9);
        let mut nodes = BTreeMap::new();
        let mut per_hour_by_node = BTreeMap::new();
        let hours = secs / 3_600.0;
        for (i, node) in self.scenario.nodes.iter().enumerate() {
            let c = &self.counters[i];
            let mut v = serde_json::json!({ "type": node.kind.label(), "at_node_now": self.ledger.at[i] });
            let mut put = |k: &str, x: serde_json::Value| {
                if let Some(o) = v.as_object_mut() {
                    o.insert(k.into(), x);
                }
            };
            let usd = match &node.kind {
                NodeKind::Producer(_) | NodeKind::Clients(_) => {
                    let s = self.senders[i].as_ref();
                    put("sent", s.map_or(0, |s| s.sent).into());
                    put("retries", c.retries.into());
                    put("gave_up", c.ended[End::GaveUp as usize].into());
                    put("refused", c.ended[End::Refused as usize].into());
                    0.0
                }
                NodeKind::ApiGateway(a) => {
                    put("requests", c.received.into());
                    put("throttled_429", c.throttled.into());
                    put("failed_5xx", c.failed.into());
                    put("timed_out_504", c.timed_out.into());
                    let per_m = if a.gateway.kind == ApiKind::Http { HTTP_API_PER_M } else { REST_PER_M };
                    c.billed as f64 * per_m / 1e6
                }
                NodeKind::SnsTopic(_) => {
                    put("published", c.received.into());
                    put("http_deliveries", c.http_deliveries.into());
                    put("to_dead_letter_queues", c.dead_lettered.into());
                    (c.billed as f64 * SNS_PUBLISH_PER_M + c.http_deliveries as f64 * SNS_HTTP_PER_M) / 1e6
                }
                NodeKind::SqsQueue(q) => {
                    if let Some(id) = self.queue[i] {
                        let queue = self.sqs.get(id);
                        put("visible", (queue.visible_count() as u64).into());
                        put("in_flight", (queue.in_flight_count() as u64).into());
                        put("age_of_oldest_s", queue.age_of_oldest(now).as_secs_f64().into());
                    }
                    put("sent", c.received.saturating_sub(c.throttled).into());
                    put("send_throttled", c.throttled.into());
                    put("received_again", c.retries.into());
                    put("moved_to_dead_letter_queue", c.dead_lettered.into());
                    let billed = c.billed + self.pending_empty_polls(now, i as u16);
                    put("billed_requests", billed.into());
                    let per_m = if q.is_fifo() { SQS_FIFO_PER_M } else { SQS_STANDARD_PER_M };
                    billed as f64 * per_m / 1e6
                }
                NodeKind::KinesisStream(s) => {
                    put("records_written", c.received.saturating_sub(c.throttled).into());
                    put("write_throttled", c.throttled.into());
                    f64::from(s.shards) * KINESIS_SHARD_HOUR * hours + c.billed as f64 * KINESIS_PUT_UNITS_PER_M / 1e6
                }
                NodeKind::Lambda(l) => {
                    let Some(f) = self.functions[i].as_ref() else { continue };
                    let st = f.stats();
                    put("invocations", st.invocations.into());
                    put("cold_starts", st.cold_starts.into());
                    put("throttles", st.throttles.iter().sum::<u64>().into());
                    put("throttles_reserved", st.throttles[0].into());
                    put("throttles_account", st.throttles[1].into());
                    put("throttles_scaling_rate", st.throttles[2].into());
                    put("errors", st.errors.into());
                    put("timeouts", st.timeouts.into());
                    put("peak_concurrency", st.peak_concurrency.into());
                    put("messages_processed", c.processed.into());
                    put("processed_twice", c.duplicates.into());
                    put("processed_out_of_group_order", c.out_of_order.into());
                    put("finished_after_504", c.timed_out.into());
                    put("gave_up_batches", c.dead_lettered.into());
                    put("max_iterator_age_ms", c.max_iterator_age_ms.into());
                    if let Some(r) =
                        self.reader_of.iter().flatten().find(|&&r| self.readers[usize::from(r)].node == i as u16)
                    {
                        put("mapping_concurrency_now", self.readers[usize::from(*r)].target.into());
                    }
                    let gb_s = st.mb_ms as f64 / 1_024.0 / 1_000.0;
                    let rate =
                        if l.function.architecture == Architecture::Arm64 { LAMBDA_GB_S_ARM } else { LAMBDA_GB_S_X86 };
                    st.invocations as f64 * LAMBDA_REQUESTS_PER_M / 1e6 + gb_s * rate
                }
                NodeKind::KinesisConsumers(k) => {
                    put("processed", c.processed.into());
                    put("failed_batches", c.failed.into());
                    put("max_iterator_age_ms", c.max_iterator_age_ms.into());
                    // Enhanced fan-out is billed per consumer-shard-hour and per GB (PRICE-03).
                    let shards: u32 = self
                        .scenario
                        .connections
                        .iter()
                        .filter(|conn| conn.to == node.id)
                        .filter_map(|conn| self.scenario.node(&conn.from))
                        .map(|(_, n)| match &n.kind {
                            NodeKind::KinesisStream(s) => s.shards,
                            _ => 0,
                        })
                        .sum();
                    match k.enhanced_fan_out {
                        true => {
                            let gb = c.bytes_pushed as f64 / 1e9;
                            f64::from(shards) * EFO_SHARD_HOUR * hours + gb * EFO_PER_GB
                        }
                        false => 0.0,
                    }
                }
                NodeKind::Consumers(_) => {
                    put("processed", c.processed.into());
                    put("failed_batches", c.failed.into());
                    put("processed_twice", c.duplicates.into());
                    0.0
                }
                NodeKind::HttpEndpoint(_) => {
                    if let Some(e) = self.endpoints[i].as_ref() {
                        put("answered", e.served.into());
                        put("answered_4xx", e.status_4xx.into());
                        put("answered_5xx", e.status_5xx.into());
                        put("waiting_for_a_slot", (e.line.len() as u64).into());
                    }
                    put("processed", c.processed.into());
                    0.0
                }
            };
            per_hour_by_node.insert(node.id.clone(), round_cents(usd / hours.max(1e-9)));
            nodes.insert(node.id.clone(), v);
        }
        let per_hour: f64 = per_hour_by_node.values().sum();
        let ms = |q: f64| self.end_to_end.quantile(q).map(|d| d.as_micros() as f64 / 1_000.0);
        let ended: BTreeMap<&'static str, u64> = End::ALL
            .iter()
            .filter(|e| **e != End::Split)
            .map(|&e| (e.key(), self.ledger.ended(e)))
            .filter(|(_, n)| *n > 0)
            .collect();
        let lost = End::ALL.iter().filter(|e| e.is_loss()).map(|&e| self.ledger.ended(e)).sum();
        let still_at = self
            .scenario
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| self.ledger.at[*i] > 0)
            .map(|(i, n)| (n.id.clone(), self.ledger.at[i]))
            .collect();
        let sent = self.senders.iter().flatten().map(|s| s.sent).sum();
        FlowReport {
            nodes,
            end_to_end: EndToEnd {
                sent,
                processed: self.ledger.ended(End::Processed),
                processed_per_s: self.ledger.ended(End::Processed) as f64 / secs,
                latency_p50_ms: ms(0.5),
                latency_p90_ms: ms(0.9),
                latency_p99_ms: ms(0.99),
                ended,
                lost,
                still_at,
                in_transit: self.ledger.transit,
                balanced: self.ledger.balances(),
            },
            cost: Cost {
                note: PRICE_NOTE,
                per_hour_usd: round_cents(per_hour),
                per_month_usd: round_cents(per_hour * HOURS_PER_MONTH),
                per_hour_by_node,
            },
        }
    }
}

/// To a hundredth of a cent: enough for small flows, no false precision.
fn round_cents(usd: f64) -> f64 {
    (usd * 10_000.0).round() / 10_000.0
}
