//! The flow playground's presets: the engine's example flows (`crates/engine/flows/`, the files
//! `nimbus run` reads and the engine's tests check), each with what to watch, why it happens
//! and what to change to fix it.

use engine::flow::FlowScenario;

use crate::scenes::preset::Preset;

/// One of the engine's example flows; they are ours and the tests read every one, so a broken
/// file shows as an empty flow (explained by the page) rather than a panic.
fn example(name: &str) -> FlowScenario {
    engine::flow::example(name).unwrap_or_default()
}

/// The presets, the default first.
pub const PRESETS: [Preset<FlowScenario>; 8] = [
    Preset {
        key: "buffer-a-spike",
        name: "Buffer a spike with a queue",
        explanation: "3,000 orders arrive in 5 seconds at an API that sends each to an SQS queue. The function behind the queue may run only 10 batches at once (reserved concurrency 10), so the queue takes the burst in: every client gets 200 at once, the backlog rises, and the function drains it at its own pace. Nothing is lost; the price is latency. The queue is the fix for bursts: without it (connect the API straight to the function) the same burst is throttled and the clients get 500s.",
        lesson: "A queue absorbs a burst the function cannot run at once: every client gets 200 and nothing is lost.",
        proof: &["sent", "processed", "lost"],
        scenario: || example("buffer-a-spike"),
    },
    Preset {
        key: "fan-out-with-filters",
        name: "Fan-out with filter policies",
        explanation: "One topic, three queues. Each subscription's filter policy picks its share: EU orders to fulfilment, refunds to the refund service, everything to analytics. Filtered copies end at the topic (they are not losses). The analytics workers fail one message in ten; a message that fails three receives moves to the dead-letter queue. To fix it: lower the workers' failure rate, or raise maxReceiveCount on the redrive connection.",
        lesson: "Each subscription's filter picks its share; what keeps failing moves to the dead-letter queue.",
        proof: &["filtered", "dead-lettered", "processed"],
        scenario: || example("fan-out-with-filters"),
    },
    Preset {
        key: "sqs-poison-message",
        name: "Poison message in an SQS batch",
        explanation: "The same orders reach two queues. A poison message fails its whole batch: without a partial batch response (left) the nine good messages of the batch return with it, are processed again and again, and reach the dead-letter queue together. With ReportBatchItemFailures (right) only the poison message returns. To fix it: turn on report_batch_item_failures in the left mapping's settings.",
        lesson: "One poison message fails its whole batch unless the function reports batch item failures.",
        proof: &["dead-lettered", "processed twice", "processed"],
        scenario: || example("sqs-poison-message"),
    },
    Preset {
        key: "kinesis-poison-record",
        name: "Poison record in a Kinesis shard",
        explanation: "Two streams get the same clicks. With the mapping's defaults a record the function cannot process is retried until it expires: its shard stops advancing and the iterator age grows for as long as the retention (a day here, up to a year). The second mapping bisects the failing batch, retries twice and sends the record to an on-failure queue, and its shard moves on. To fix the first: set maximum_retry_attempts, bisect_batch_on_function_error and an on_failure destination.",
        lesson: "A poison record blocks its shard until it expires unless the mapping bisects and sets it aside.",
        proof: &["iterator age (s)", "processed"],
        scenario: || example("kinesis-poison-record"),
    },
    Preset {
        key: "reserved-concurrency-too-low",
        name: "Reserved concurrency too low",
        explanation: "Ten messages a second, batches that take 2 seconds, and a reserved concurrency of 1. The event source mapping keeps receiving (it scales on its own, ignoring the function's limit), its invokes are throttled, the messages wait out their visibility timeout and come back, and every receive counts towards maxReceiveCount: perfectly good messages end in the dead-letter queue. To fix it: raise the reserved concurrency, or set the mapping's maximum_concurrency to it, and make the visibility timeout at least six times the function's timeout.",
        lesson: "Throttled invokes still count as receives: good messages end in the dead-letter queue.",
        proof: &["throttled", "dead-lettered"],
        scenario: || example("reserved-concurrency-too-low"),
    },
    Preset {
        key: "retry-storm",
        name: "A retry storm",
        explanation: "Two APIs in front of two functions that sometimes run past the API's 3-second timeout. Each 504 leaves the function running while its client tries again, so retries fill the concurrency and bring throttles (500s) that bring more retries. The naive clients (top) retry at once, five times; the SDK clients (bottom) back off and stop when their retry quota runs out — far fewer retries, but neither saves the orders the function has no room for. To fix it: make the function faster than the timeout, or put a queue between the API and the function.",
        lesson: "Each 504 leaves the function running while clients retry: retries fill the concurrency.",
        proof: &["retries", "504s", "throttled"],
        scenario: || example("retry-storm"),
    },
    Preset {
        key: "fifo-pipeline",
        name: "A FIFO pipeline",
        explanation: "Orders of 5 customers (message groups) go through a FIFO topic and a FIFO queue to a function. Each customer's orders are processed in order, one batch per group at a time, so the function never runs more than 5 at once however large the backlog: order costs throughput. To go faster: more message groups (customers), not more concurrency.",
        lesson: "Each message group is processed in order, one batch at a time: groups cap the concurrency.",
        proof: &["processed", "out of order"],
        scenario: || example("fifo-pipeline"),
    },
    Preset {
        key: "webhook-403",
        name: "A webhook answering 403",
        explanation: "A partner's firewall answers SNS with 403. SNS counts any 4xx as delivered: it neither retries nor uses the subscription's dead-letter queue, and every copy is silently lost. A webhook answering 500 is retried by the delivery policy, then moved to the dead-letter queue. To fix it: have the endpoint answer 5xx while it cannot take messages, or subscribe a queue instead of the endpoint.",
        lesson: "SNS counts a 4xx as delivered: the copy is silently lost, never retried or dead-lettered.",
        proof: &["lost to 4xx", "dead-lettered"],
        scenario: || example("webhook-403"),
    },
];

#[cfg(test)]
mod tests {
    use super::PRESETS;

    #[test]
    fn every_preset_is_its_example_file_and_runs() {
        for p in &PRESETS {
            let flow = (p.scenario)();
            assert!(!flow.nodes.is_empty(), "{}: the example file did not read", p.key);
            assert!(flow.validate().is_ok(), "{}", p.key);
            assert!(p.explanation.contains("fix") || p.explanation.contains("faster"), "{}: no fix", p.key);
        }
    }
}
