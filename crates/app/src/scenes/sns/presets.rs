//! The SNS presets: named scenarios (plain data) with what to watch and why it happens.

use crate::scenes::preset::Preset;
use engine::sns::filter::FilterScope;
use engine::sns::{
    Attribute, EndpointKind, FilterEdit, Health, MessageTemplate, Publisher, SnsScenario, SubscriptionSettings,
    TopicSettings,
};
use engine::Workload;

/// All presets, in picker order; the first is what the page opens with.
pub const PRESETS: [Preset<SnsScenario>; 8] = [
    Preset {
        key: "orders-by-type",
        name: "Orders fanned out by type",
        explanation: "Every order is published once. The topic copies it to each subscription: the books queue's filter policy takes only order_type \"books\", the electronics queue only \"electronics\", the big-orders Lambda only amounts over 100, and the audit endpoint (no policy) gets everything. Copies a filter stops end at their subscription with a ✕; click one to see which key decided.",
        lesson: "Each subscription's filter policy decides which published messages it receives.",
        proof: &["published", "delivered", "filtered"],
        scenario: orders_by_type,
    },
    Preset {
        key: "body-filter",
        name: "Filter on message body",
        explanation: "These subscriptions filter on the JSON body (FilterPolicyScope MessageBody) instead of attributes, with nested keys: the gold queue wants customer.tier \"gold\", the EU queue a region starting with \"eu-\", the refunds Lambda any order whose status is not \"paid\" (anything-but). Edit a policy and watch the counts change; a broken policy is explained and the old one keeps running.",
        lesson: "With the MessageBody scope, a filter policy matches the message's JSON body instead of its attributes.",
        proof: &["published", "delivered", "filtered"],
        scenario: body_filter,
    },
    Preset {
        key: "filter-change",
        name: "A filter policy change takes a while",
        explanation: "At 30 s the media queue's filter policy changes from books only to books and electronics. AWS says a change takes up to 15 minutes to take full effect (eventual consistency); here it takes 60 s (the propagation setting). Meanwhile some electronics orders are still stopped by the previous policy (amber ✕), fewer and fewer until 90 s: click one to see which policy decided. Change a policy yourself while the run plays: the change is made at that moment.",
        lesson: "A filter policy change is not instant: for a while the previous policy still decides some messages.",
        proof: &["filtered", "by old policy"],
        scenario: filter_change,
    },
    Preset {
        key: "http-down-dlq",
        name: "HTTP endpoint down: retries then DLQ",
        explanation: "The webhook answers 503. HTTP/S subscriptions retry 3 times, 20 s apart (the default delivery policy); then the copy goes to the subscription's dead-letter queue. Watch copies wait under the webhook with their next retry time, then drop into its DLQ. The queue subscription is unaffected: each subscription is delivered on its own.",
        lesson: "SNS retries a failing HTTP endpoint by its delivery policy, then sends the message to the subscription's DLQ.",
        proof: &["retries", "dead-lettered"],
        scenario: http_down_dlq,
    },
    Preset {
        key: "no-dlq-lost",
        name: "No DLQ: messages lost",
        explanation: "The same failing webhook, without a dead-letter queue: after the last retry the copy is gone, because SNS keeps no messages. The second queue's policy denies SNS (a client error, 4xx): client errors are not retried at all, so its copies are lost at once. The lost counter and chart climb while the healthy queue gets everything.",
        lesson: "Without a dead-letter queue, a delivery that runs out of retries is lost.",
        proof: &["retries", "lost"],
        scenario: no_dlq_lost,
    },
    Preset {
        key: "webhook-403",
        name: "Webhook answers 403: lost, not retried",
        explanation: "The firewalled webhook sits behind a firewall that answers 403 Forbidden. SNS counts an HTTP/S 4xx as delivered: no retry, no dead-letter queue (it has one, and it stays empty), and NumberOfNotificationsFailed does not count it — the copy is silently gone. Only a 5xx, or no answer within 15 s, is a failure SNS retries: the slow webhook takes 10–30 s, so most attempts time out and are retried while the endpoint may still be processing them.",
        lesson: "SNS treats an HTTP 4xx answer as delivered: never retried, never dead-lettered — the message is lost.",
        proof: &["delivered", "lost", "retries"],
        scenario: webhook_403,
    },
    Preset {
        key: "fifo-order",
        name: "FIFO topic to FIFO queues keeps order",
        explanation: "A FIFO topic with three message groups delivers to a FIFO queue one copy at a time per group, so order holds within a group. The ledger (FIFO) and analytics (standard) queues both fail for their first 20 s: the ledger's copies wait in line behind the one being retried and arrive in order; analytics gets best-effort order, and copies published after the recovery overtake the ones still backing off. Compare their out-of-order counters.",
        lesson: "A FIFO topic delivers to FIFO queues in order within each message group.",
        proof: &["published", "delivered", "out of order"],
        scenario: fifo_order,
    },
    Preset {
        key: "sns-vs-sqs",
        name: "SNS vs SQS: push vs poll",
        explanation: "SNS pushes: the moment a message is published it goes to every subscriber, and a subscriber that is down misses it (this webhook recovers after 60 s, but messages whose retries ran out are gone). SQS holds: the queue here has no consumers for now, so messages pile up and wait, kept for days, until someone polls. Set its consumers to 2 and watch the backlog drain.",
        lesson: "SNS pushes each message to every subscriber; a queue holds it until a consumer polls.",
        proof: &["published", "delivered"],
        scenario: sns_vs_sqs,
    },
];

fn attr(name: &str, kind: &str, value: &str) -> Attribute {
    Attribute { name: name.into(), kind: kind.into(), value: value.into() }
}

fn message(label: &str, weight: u32, body: &str, attributes: Vec<Attribute>) -> MessageTemplate {
    MessageTemplate { label: label.into(), weight, body: body.into(), attributes }
}

fn sub(name: &str, endpoint: EndpointKind, filter: Option<&str>) -> SubscriptionSettings {
    let (latency_ms, consumers) = match endpoint {
        EndpointKind::Http => (120.0, 0),
        EndpointKind::Lambda => (60.0, 0),
        EndpointKind::Sqs => (40.0, 1),
    };
    SubscriptionSettings {
        name: name.into(),
        endpoint,
        latency_ms,
        consumers,
        processing_ms: 400.0,
        filter_policy: filter.map(str::to_owned),
        ..SubscriptionSettings::default()
    }
}

fn publisher(rate_per_s: f64) -> Vec<Publisher> {
    vec![Publisher { workload: Workload::Poisson { rate_per_s }, groups: 3 }]
}

fn order_messages() -> Vec<MessageTemplate> {
    let order = |label: &str, kind: &str, amount: &str| {
        message(
            label,
            1,
            &format!(r#"{{"order_type": "{kind}", "amount": {amount}}}"#),
            vec![attr("order_type", "String", kind), attr("amount", "Number", amount)],
        )
    };
    vec![
        order("book", "books", "42"),
        order("tv", "electronics", "899"),
        order("cam", "electronics", "75"),
        order("food", "grocery", "130"),
    ]
}

fn orders_by_type() -> SnsScenario {
    SnsScenario {
        publishers: publisher(1.5),
        messages: order_messages(),
        subscriptions: vec![
            sub("books-queue", EndpointKind::Sqs, Some(r#"{"order_type": ["books"]}"#)),
            sub("electronics-queue", EndpointKind::Sqs, Some(r#"{"order_type": ["electronics"]}"#)),
            sub("big-orders", EndpointKind::Lambda, Some(r#"{"amount": [{"numeric": [">", 100]}]}"#)),
            sub("audit-webhook", EndpointKind::Http, None),
        ],
        ..SnsScenario::default()
    }
}

fn body_filter() -> SnsScenario {
    let body = |label: &str, tier: &str, region: &str, status: &str| {
        message(
            label,
            1,
            &format!(
                r#"{{"customer": {{"tier": "{tier}", "region": "{region}"}}, "order": {{"status": "{status}"}}}}"#
            ),
            Vec::new(),
        )
    };
    let body_sub = |name: &str, endpoint: EndpointKind, filter: &str| SubscriptionSettings {
        filter_scope: FilterScope::MessageBody,
        ..sub(name, endpoint, Some(filter))
    };
    SnsScenario {
        publishers: publisher(1.5),
        messages: vec![
            body("g-eu", "gold", "eu-west-1", "paid"),
            body("s-us", "standard", "us-east-1", "paid"),
            body("g-us", "gold", "us-west-2", "refunded"),
            body("s-eu", "standard", "eu-central-1", "cancelled"),
        ],
        subscriptions: vec![
            body_sub("gold-queue", EndpointKind::Sqs, r#"{"customer": {"tier": ["gold"]}}"#),
            body_sub("eu-queue", EndpointKind::Sqs, r#"{"customer": {"region": [{"prefix": "eu-"}]}}"#),
            body_sub("refunds", EndpointKind::Lambda, r#"{"order": {"status": [{"anything-but": ["paid"]}]}}"#),
        ],
        ..SnsScenario::default()
    }
}

fn filter_change() -> SnsScenario {
    let media = sub("media-queue", EndpointKind::Sqs, Some(r#"{"order_type": ["books", "electronics"]}"#));
    let before = Some(r#"{"order_type": ["books"]}"#.to_owned());
    SnsScenario {
        publishers: publisher(2.0),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings {
                filter_edits: vec![FilterEdit { at_s: 30.0, before, ..FilterEdit::default() }],
                ..media
            },
            sub("audit-webhook", EndpointKind::Http, None),
        ],
        ..SnsScenario::default()
    }
}

fn http_down_dlq() -> SnsScenario {
    SnsScenario {
        publishers: publisher(0.5),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings {
                health: Health::ServerErrors,
                dlq: true,
                ..sub("webhook", EndpointKind::Http, None)
            },
            sub("orders-queue", EndpointKind::Sqs, None),
        ],
        ..SnsScenario::default()
    }
}

fn no_dlq_lost() -> SnsScenario {
    SnsScenario {
        publishers: publisher(0.5),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings { health: Health::ServerErrors, ..sub("webhook", EndpointKind::Http, None) },
            SubscriptionSettings { health: Health::ClientErrors, ..sub("locked-queue", EndpointKind::Sqs, None) },
            sub("orders-queue", EndpointKind::Sqs, None),
        ],
        ..SnsScenario::default()
    }
}

fn webhook_403() -> SnsScenario {
    SnsScenario {
        publishers: publisher(0.5),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings {
                health: Health::ClientErrors,
                dlq: true,
                ..sub("firewalled-hook", EndpointKind::Http, None)
            },
            SubscriptionSettings { latency_ms: 20_000.0, dlq: true, ..sub("slow-hook", EndpointKind::Http, None) },
            sub("orders-queue", EndpointKind::Sqs, None),
        ],
        ..SnsScenario::default()
    }
}

fn fifo_order() -> SnsScenario {
    let fifo_sub = |name: &str| SubscriptionSettings { fifo_queue: true, ..sub(name, EndpointKind::Sqs, None) };
    SnsScenario {
        topic: TopicSettings { fifo: true, ..TopicSettings::default() },
        publishers: publisher(6.0),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings { consumers: 2, processing_ms: 150.0, ..fifo_sub("shipping") },
            SubscriptionSettings {
                health: Health::ServerErrors,
                recovers_after_s: 20,
                consumers: 2,
                processing_ms: 150.0,
                ..fifo_sub("ledger")
            },
            SubscriptionSettings {
                health: Health::ServerErrors,
                recovers_after_s: 20,
                consumers: 2,
                processing_ms: 150.0,
                ..sub("analytics", EndpointKind::Sqs, None)
            },
        ],
        ..SnsScenario::default()
    }
}

fn sns_vs_sqs() -> SnsScenario {
    SnsScenario {
        publishers: publisher(1.0),
        messages: order_messages(),
        subscriptions: vec![
            SubscriptionSettings {
                health: Health::ServerErrors,
                recovers_after_s: 60,
                ..sub("webhook", EndpointKind::Http, None)
            },
            SubscriptionSettings { consumers: 0, ..sub("orders-queue", EndpointKind::Sqs, None) },
        ],
        ..SnsScenario::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::sns::SnsSim;
    use engine::{SimDuration, SimTime};

    fn run(key: &str, secs: u64) -> SnsSim {
        let scenario = crate::scenes::preset::scenario_of(&PRESETS, key);
        let mut sim = SnsSim::try_new(&scenario, 42).unwrap_or_else(|e| panic!("{key}: {e}"));
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
        sim
    }

    #[test]
    fn every_preset_is_valid_and_shows_its_effect() {
        let t = run("orders-by-type", 60).model().totals().clone();
        assert!(t.subscriptions[0].filtered > 0 && t.subscriptions[0].delivered > 0);
        assert_eq!(t.subscriptions[3].filtered, 0, "the audit endpoint has no policy");
        let t = run("body-filter", 60).model().totals().clone();
        assert!(t.subscriptions.iter().all(|s| s.filtered > 0 && s.delivered > 0));
        let t = run("filter-change", 120).model().totals().clone();
        let media = &t.subscriptions[0];
        assert!(media.by_previous_policy > 0 && media.filtered > media.by_previous_policy, "{media:?}");
        let t = run("http-down-dlq", 120).model().totals().clone();
        assert!(
            t.subscriptions[0].dead_lettered > 0 && t.subscriptions[0].lost == 0 && t.subscriptions[0].delivered == 0
        );
        let t = run("no-dlq-lost", 120).model().totals().clone();
        assert!(t.subscriptions[0].lost > 0 && t.subscriptions[1].lost > 0 && t.subscriptions[1].retries == 0);
        let t = run("webhook-403", 120).model().totals().clone();
        let firewalled = &t.subscriptions[0];
        assert!(firewalled.delivered > 0 && firewalled.lost == firewalled.delivered, "every 403 is a lost delivery");
        assert_eq!((firewalled.retries, firewalled.dead_lettered), (0, 0));
        assert!(t.subscriptions[1].retries > 0, "the slow webhook times out and is retried");
        let t = run("fifo-order", 60).model().totals().clone();
        assert_eq!(t.subscriptions[0].out_of_order + t.subscriptions[1].out_of_order, 0);
        assert!(t.subscriptions[1].retries > 0 && t.subscriptions[2].out_of_order > 0);
        let sim = run("sns-vs-sqs", 120);
        assert!(sim.model().totals().subscriptions[0].lost > 0);
        assert!(sim.model().queue(1).is_some_and(|q| q.visible_count() > 60), "the queue keeps what nobody polled");
    }
}
