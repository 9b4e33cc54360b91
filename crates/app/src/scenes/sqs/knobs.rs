//! The scenario knobs of the SQS controls panel: what each edits, its AWS range, and how typed text becomes a scenario.
//!
//! Pure functions over `SqsScenario`, so the parsing and validation rules are tested natively.

use engine::dist::MAX_DURATION_MS;
use engine::sqs::limits::{
    BATCH_MAX_ENTRIES, DELAY_MAX_S, MAX_RECEIVE_COUNT_MAX, MESSAGE_SIZE_MAX, RECEIVE_MAX_MESSAGES, RETENTION_MAX_S,
    RETENTION_MIN_S, VISIBILITY_TIMEOUT_MAX_S, WAIT_TIME_MAX_S,
};
use engine::sqs::{
    Autoscale, DlqSettings, Heartbeat, SqsScenario, MAX_BACKLOG_TARGET, MAX_CONSUMERS, MAX_GROUPS,
    MAX_REQUEST_LATENCY_MS, MAX_SCALE_DELAY_S,
};
use engine::{Distribution, Workload};

#[cfg(test)]
use crate::scenes::knob::format_value;
use crate::scenes::knob::{apply, apply_choice, changed_params, Choice, Knob};
use crate::share::LinkParams;

/// The knobs, in the order the panel shows them.
pub const KNOBS: [Knob<SqsScenario>; 27] = [
    Knob {
        key: "visibility",
        label: "Visibility timeout (s)",
        min: 0.0,
        max: VISIBILITY_TIMEOUT_MAX_S as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(s.queue.visibility_timeout_s as f64),
        set: |s, v| s.queue.visibility_timeout_s = v as u64,
    },
    Knob {
        key: "delay",
        label: "Delivery delay (s)",
        min: 0.0,
        max: DELAY_MAX_S as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(s.queue.delay_s as f64),
        set: |s, v| s.queue.delay_s = v as u64,
    },
    Knob {
        key: "retention",
        label: "Retention period (s)",
        min: RETENTION_MIN_S as f64,
        max: RETENTION_MAX_S as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(s.queue.retention_s as f64),
        set: |s, v| s.queue.retention_s = v as u64,
    },
    Knob {
        key: "rate",
        label: "Producer rate (msg/s)",
        min: 0.0,
        // Each message is sent, received and deleted: three operations of the engine's bound.
        max: 30_000.0,
        aws: false,
        note: "0 sends nothing",
        integer: false,
        get: |s| s.producers.first().map(|p| p.workload.mean_rate_per_s()),
        set: set_rate,
    },
    Knob {
        key: "size",
        label: "Message size (bytes)",
        min: 1.0,
        max: MESSAGE_SIZE_MAX as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| s.producers.first().map(|p| p.message_size as f64),
        set: |s, v| s.producers.iter_mut().for_each(|p| p.message_size = v as u64),
    },
    Knob {
        key: "groups",
        label: "FIFO message groups",
        min: 1.0,
        max: MAX_GROUPS as f64,
        aws: false,
        note: "FIFO only",
        integer: true,
        get: |s| s.queue.fifo.then(|| s.producers.first().map(|p| f64::from(p.groups))).flatten(),
        set: |s, v| s.producers.iter_mut().for_each(|p| p.groups = v as u32),
    },
    Knob {
        key: "resend",
        label: "Producer resends (same dedup id)",
        min: 0.0,
        max: 1.0,
        aws: false,
        note: "FIFO only; deduplicated within 5 min",
        integer: false,
        get: |s| s.queue.fifo.then(|| s.producers.first().map(|p| p.resend_fraction)).flatten(),
        set: |s, v| s.producers.iter_mut().for_each(|p| p.resend_fraction = v),
    },
    Knob {
        key: "consumers",
        label: "Consumers",
        min: 0.0,
        max: MAX_CONSUMERS as f64,
        aws: false,
        note: "",
        integer: true,
        get: |s| Some(f64::from(s.consumers.count)),
        set: |s, v| s.consumers.count = v as u32,
    },
    Knob {
        key: "wait",
        label: "Receive wait, long polling (s)",
        min: 0.0,
        max: WAIT_TIME_MAX_S as f64,
        aws: true,
        note: "0 = short polling",
        integer: true,
        get: |s| s.consumers.wait_s.map(|w| w as f64),
        set: |s, v| s.consumers.wait_s = Some(v as u64),
    },
    Knob {
        key: "queue-wait",
        label: "Queue receive wait, ReceiveMessageWaitTimeSeconds (s)",
        min: 0.0,
        max: WAIT_TIME_MAX_S as f64,
        aws: true,
        note: "for receives that pass no wait; 0 = short polling",
        integer: true,
        // Shown while the consumers pass no wait of their own: only then does it apply to them.
        get: |s| s.consumers.wait_s.is_none().then_some(s.queue.receive_wait_s as f64),
        set: |s, v| s.queue.receive_wait_s = v as u64,
    },
    Knob {
        key: "batch",
        label: "Batch size (MaxNumberOfMessages)",
        min: 1.0,
        max: RECEIVE_MAX_MESSAGES as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(f64::from(s.consumers.batch_size)),
        set: |s, v| s.consumers.batch_size = v as u32,
    },
    Knob {
        key: "processing",
        label: "Processing time, median (s)",
        min: 0.001,
        max: MAX_DURATION_MS / 1000.0,
        aws: false,
        note: "",
        integer: false,
        get: |s| Some(median_ms(&s.consumers.processing) / 1000.0),
        set: |s, v| s.consumers.processing = with_median(&s.consumers.processing, v * 1000.0),
    },
    Knob {
        key: "latency",
        label: "API round trip (ms)",
        min: 0.0,
        max: MAX_REQUEST_LATENCY_MS,
        aws: false,
        note: "",
        integer: false,
        get: |s| Some(s.consumers.request_latency_ms),
        set: |s, v| s.consumers.request_latency_ms = v,
    },
    Knob {
        key: "failure",
        label: "Failure probability",
        min: 0.0,
        max: 1.0,
        aws: false,
        note: "",
        integer: false,
        get: |s| Some(s.consumers.failure_probability),
        set: |s, v| s.consumers.failure_probability = v,
    },
    Knob {
        key: "crash",
        label: "Crash before delete (probability)",
        min: 0.0,
        max: 1.0,
        aws: false,
        note: "",
        integer: false,
        get: |s| Some(s.consumers.crash_probability),
        set: |s, v| s.consumers.crash_probability = v,
    },
    Knob {
        key: "poison",
        label: "Poison fraction",
        min: 0.0,
        max: 1.0,
        aws: false,
        note: "",
        integer: false,
        get: |s| Some(s.consumers.poison_fraction),
        set: |s, v| s.consumers.poison_fraction = v,
    },
    Knob {
        key: "max-receive",
        label: "DLQ maxReceiveCount",
        min: 1.0,
        max: MAX_RECEIVE_COUNT_MAX as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| s.dlq.as_ref().map(|d| f64::from(d.max_receive_count)),
        set: |s, v| {
            // Saturating: 5e9 stays out of range instead of wrapping into it.
            let count = if v > f64::from(u32::MAX) { u32::MAX } else { v as u32 };
            s.dlq.get_or_insert_with(DlqSettings::default).max_receive_count = count;
        },
    },
    Knob {
        key: "duplicates",
        label: "Duplicate delivery chance",
        min: 0.0,
        max: 1.0,
        aws: false,
        note: "standard queues: a delete misses a stored copy",
        integer: false,
        get: |s| (!s.queue.fifo).then_some(s.duplicate_probability),
        set: |s, v| s.duplicate_probability = v,
    },
    Knob {
        key: "send-batch",
        label: "Send batch (SendMessageBatch entries)",
        min: 1.0,
        max: BATCH_MAX_ENTRIES as f64,
        aws: true,
        note: "1 = SendMessage each",
        integer: true,
        get: |s| s.producers.first().map(|p| f64::from(p.batch_size)),
        set: |s, v| s.producers.iter_mut().for_each(|p| p.batch_size = v as u32),
    },
    Knob {
        key: "message-delay",
        label: "Per-message delay (s)",
        min: 0.0,
        max: DELAY_MAX_S as f64,
        aws: true,
        note: "standard queues only: FIFO refuses it; 0 = the queue's delay",
        integer: true,
        get: |s| (!s.queue.fifo).then(|| s.producers.first().map(|p| p.delay_s as f64)).flatten(),
        set: |s, v| s.producers.iter_mut().for_each(|p| p.delay_s = v as u64),
    },
    Knob {
        key: "heartbeat",
        label: "Heartbeat: ChangeMessageVisibility every (s)",
        min: 0.0,
        max: VISIBILITY_TIMEOUT_MAX_S as f64,
        aws: false,
        note: "0 = off",
        integer: true,
        get: |s| Some(s.consumers.heartbeat.map_or(0.0, |h| h.every_s as f64)),
        set: set_heartbeat,
    },
    Knob {
        key: "heartbeat-extend",
        label: "Heartbeat sets visibility to (s)",
        min: 0.0,
        max: VISIBILITY_TIMEOUT_MAX_S as f64,
        aws: true,
        note: "at most 12 h from the receive",
        integer: true,
        get: |s| s.consumers.heartbeat.map(|h| h.extend_to_s as f64),
        set: |s, v| {
            if let Some(h) = &mut s.consumers.heartbeat {
                h.extend_to_s = v as u64;
            }
        },
    },
    Knob {
        key: "autoscale",
        label: "Autoscale: target backlog per consumer",
        min: 0.0,
        max: MAX_BACKLOG_TARGET as f64,
        aws: false,
        note: "0 = off",
        integer: true,
        get: |s| Some(s.consumers.autoscale.map_or(0.0, |a| f64::from(a.target_backlog_per_instance))),
        set: set_autoscale,
    },
    Knob {
        key: "autoscale-min",
        label: "Autoscale: fewest consumers",
        min: 0.0,
        max: MAX_CONSUMERS as f64,
        aws: false,
        note: "",
        integer: true,
        get: |s| s.consumers.autoscale.map(|a| f64::from(a.min)),
        set: |s, v| with_autoscale(s, |a| a.min = v as u32),
    },
    Knob {
        key: "autoscale-max",
        label: "Autoscale: most consumers",
        min: 1.0,
        max: MAX_CONSUMERS as f64,
        aws: false,
        note: "",
        integer: true,
        get: |s| s.consumers.autoscale.map(|a| f64::from(a.max)),
        set: |s, v| with_autoscale(s, |a| a.max = v as u32),
    },
    Knob {
        key: "scale-out-delay",
        label: "Autoscale: scale-out delay (s)",
        min: 0.0,
        max: MAX_SCALE_DELAY_S as f64,
        aws: false,
        note: "launch and warm-up",
        integer: true,
        get: |s| s.consumers.autoscale.map(|a| a.scale_out_delay_s as f64),
        set: |s, v| with_autoscale(s, |a| a.scale_out_delay_s = v as u64),
    },
    Knob {
        key: "scale-in-delay",
        label: "Autoscale: scale-in delay (s)",
        min: 0.0,
        max: MAX_SCALE_DELAY_S as f64,
        aws: false,
        note: "",
        integer: true,
        get: |s| s.consumers.autoscale.map(|a| a.scale_in_delay_s as f64),
        set: |s, v| with_autoscale(s, |a| a.scale_in_delay_s = v as u64),
    },
];

/// Turns the heartbeat on (every `v` seconds) or off (0). A new heartbeat sets the visibility
/// to twice its interval, and never below the queue's own timeout.
fn set_heartbeat(s: &mut SqsScenario, v: f64) {
    let every_s = v as u64;
    if every_s == 0 {
        s.consumers.heartbeat = None;
        return;
    }
    let extend_to_s = (every_s * 2).max(s.queue.visibility_timeout_s).min(VISIBILITY_TIMEOUT_MAX_S);
    s.consumers.heartbeat.get_or_insert(Heartbeat { every_s, extend_to_s }).every_s = every_s;
}

/// Turns autoscaling on (target `v` messages per consumer) or off (0). A new autoscaler keeps
/// the current count between its fewest (at most 1) and most (at least 10).
fn set_autoscale(s: &mut SqsScenario, v: f64) {
    let target = if v > f64::from(u32::MAX) { u32::MAX } else { v as u32 };
    if target == 0 {
        s.consumers.autoscale = None;
        return;
    }
    let count = s.consumers.count;
    let fresh = Autoscale { min: count.min(1), max: count.clamp(10, MAX_CONSUMERS), ..Autoscale::default() };
    s.consumers.autoscale.get_or_insert(fresh).target_backlog_per_instance = target;
}

fn with_autoscale(s: &mut SqsScenario, edit: impl FnOnce(&mut Autoscale)) {
    if let Some(a) = &mut s.consumers.autoscale {
        edit(a);
    }
}

/// The choices, in the order the panel shows them (after the queue type; the last one just
/// before the receive wait).
pub const CHOICES: [Choice<SqsScenario>; 4] = [
    Choice {
        key: "type",
        label: "Queue type",
        options: &[("standard", "Standard"), ("fifo", "FIFO")],
        get: |s| Some(if s.queue.fifo { "fifo" } else { "standard" }),
        set: |s, v| s.queue.fifo = v == "fifo",
    },
    Choice {
        key: "pattern",
        label: "Arrivals",
        options: &[("poisson", "Random (Poisson)"), ("constant", "Steady")],
        get: |s| match s.producers.first().map(|p| &p.workload) {
            Some(Workload::Poisson { .. }) => Some("poisson"),
            Some(Workload::Constant { .. }) => Some("constant"),
            _ => None,
        },
        set: |s, v| {
            for p in &mut s.producers {
                let rate = p.workload.mean_rate_per_s();
                p.workload = if v == "constant" {
                    Workload::Constant { rate_per_s: rate }
                } else {
                    Workload::Poisson { rate_per_s: rate }
                };
            }
        },
    },
    Choice {
        key: "shape",
        label: "Processing time spread",
        options: &[
            ("log_normal", "Long tail (log-normal)"),
            ("exponential", "Exponential"),
            ("uniform", "Uniform, ±50%"),
            ("fixed", "Fixed"),
        ],
        get: |s| {
            Some(match s.consumers.processing {
                Distribution::LogNormal { .. } => "log_normal",
                Distribution::Exponential { .. } => "exponential",
                Distribution::Uniform { .. } => "uniform",
                Distribution::Fixed { .. } => "fixed",
            })
        },
        set: |s, v| {
            // The median stays; only the spread around it changes.
            let m = median_ms(&s.consumers.processing);
            s.consumers.processing = match v {
                "exponential" => Distribution::Exponential { mean_ms: m / std::f64::consts::LN_2 },
                "uniform" => Distribution::Uniform { min_ms: m / 2.0, max_ms: m * 1.5 },
                "fixed" => Distribution::Fixed { ms: m },
                _ => Distribution::LogNormal { median_ms: m, p99_ms: (m * 5.0).min(MAX_DURATION_MS) },
            };
        },
    },
    Choice {
        key: "wait-from",
        label: "Consumers' receive wait",
        options: &[("own", "Their own WaitTimeSeconds"), ("queue", "None: the queue's default")],
        get: |s| Some(if s.consumers.wait_s.is_some() { "own" } else { "queue" }),
        // Either way the consumers keep polling as they did until the reader changes a wait.
        set: |s, v| {
            s.consumers.wait_s = match v {
                "queue" => {
                    s.queue.receive_wait_s = s.consumer_wait_s();
                    None
                }
                _ => Some(s.consumer_wait_s()),
            }
        },
    },
];

/// The knob with this key.
#[cfg(test)]
pub fn knob(key: &str) -> Option<&'static Knob<SqsScenario>> {
    KNOBS.iter().find(|k| k.key == key)
}

/// The dead-letter queue switch as a link parameter (`dlq=1` / `dlq=0`).
const DLQ_KEY: &str = "dlq";

/// The SQS scenario in a link: the choices first (they decide which knobs apply), then the DLQ
/// switch, then the knobs, each as its control shows it.
impl LinkParams for SqsScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        let (mut out, knobs) = changed_params(&CHOICES, &KNOBS, self, base);
        if self.dlq.is_some() != base.dlq.is_some() {
            out.push((DLQ_KEY, if self.dlq.is_some() { "1" } else { "0" }.to_owned()));
        }
        out.extend(knobs);
        out
    }

    fn param_rank(key: &str) -> Option<usize> {
        let choice = CHOICES.iter().position(|c| c.key == key);
        let knob = KNOBS.iter().position(|k| k.key == key).map(|i| CHOICES.len() + 1 + i);
        choice.or((key == DLQ_KEY).then_some(CHOICES.len())).or(knob)
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        if let Some(c) = CHOICES.iter().find(|c| c.key == key) {
            return apply_choice(self, c, value);
        }
        if key == DLQ_KEY {
            let mut next = self.clone();
            next.dlq = match value {
                "1" => Some(self.dlq.clone().unwrap_or_default()),
                "0" => None,
                _ => return Err("use 1 (on) or 0 (off).".to_owned()),
            };
            return Ok(next);
        }
        match KNOBS.iter().find(|k| k.key == key) {
            Some(knob) => apply(self, knob, value),
            None => Err("not a setting of this playground.".to_owned()),
        }
    }
}

fn set_rate(s: &mut SqsScenario, rate: f64) {
    for p in &mut s.producers {
        p.workload = match p.workload {
            Workload::Constant { .. } => Workload::Constant { rate_per_s: rate },
            _ => Workload::Poisson { rate_per_s: rate },
        };
    }
}

fn median_ms(d: &Distribution) -> f64 {
    match *d {
        Distribution::Fixed { ms } => ms,
        Distribution::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
        Distribution::Exponential { mean_ms } => mean_ms * std::f64::consts::LN_2,
        Distribution::LogNormal { median_ms, .. } => median_ms,
    }
}

/// The same kind of distribution, moved so that its median is `median_ms` (its shape kept).
fn with_median(d: &Distribution, median: f64) -> Distribution {
    match *d {
        Distribution::Fixed { .. } => Distribution::Fixed { ms: median },
        Distribution::Uniform { min_ms, max_ms } => {
            let half = ((max_ms - min_ms) / 2.0).min(median);
            Distribution::Uniform { min_ms: median - half, max_ms: median + half }
        }
        Distribution::Exponential { .. } => Distribution::Exponential { mean_ms: median / std::f64::consts::LN_2 },
        Distribution::LogNormal { median_ms, p99_ms } => {
            let ratio = if median_ms > 0.0 { (p99_ms / median_ms).max(1.0) } else { 1.0 };
            // The tail keeps its shape, up to the longest duration the engine allows.
            Distribution::LogNormal { median_ms: median, p99_ms: (median * ratio).min(MAX_DURATION_MS).max(median) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::presets::PRESETS;
    use crate::share::{apply_params, LinkParams};

    /// A preset with some settings changed, as a link, rebuilds exactly the same scenario.
    #[test]
    fn every_preset_round_trips_through_a_link() {
        let edits: [(&str, &str); 11] = [
            ("type", "fifo"),
            ("visibility", "7"),
            ("groups", "4"),
            ("dlq", "1"),
            ("max-receive", "2"),
            ("shape", "fixed"),
            ("send-batch", "10"),
            ("heartbeat", "3"),
            ("heartbeat-extend", "20"),
            ("autoscale", "15"),
            ("scale-out-delay", "45"),
        ];
        for preset in &PRESETS {
            let base = (preset.scenario)();
            let mut changed = base.clone();
            for (key, value) in edits {
                changed =
                    changed.apply_param(key, value).unwrap_or_else(|e| panic!("{}: {key}={value}: {e}", preset.key));
            }
            let params: Vec<(String, String)> =
                changed.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            assert!(!params.is_empty());
            let mut notices = Vec::new();
            // Reversed: the order in the link does not matter.
            let reversed: Vec<_> = params.iter().rev().cloned().collect();
            assert_eq!(apply_params(base.clone(), &reversed, &mut notices), changed, "{}", preset.key);
            assert!(notices.is_empty(), "{notices:?}");
            assert!(base.link_params(&base).is_empty(), "an unchanged preset needs no parameters");
        }
    }

    /// Issue 19, item 11: the new consumer and producer settings travel in links and files, and
    /// FIFO's refusal of a per-message delay is AWS's.
    #[test]
    fn consumer_and_producer_settings_round_trip_through_links_and_files() {
        let base = SqsScenario::default();
        let mut changed = base.clone();
        for (key, value) in [
            ("message-delay", "30"),
            ("send-batch", "4"),
            ("heartbeat", "5"),
            ("heartbeat-extend", "60"),
            ("autoscale", "25"),
            ("autoscale-min", "0"),
            ("autoscale-max", "12"),
            ("scale-out-delay", "90"),
            ("scale-in-delay", "600"),
        ] {
            changed = changed.apply_param(key, value).unwrap_or_else(|e| panic!("{key}={value}: {e}"));
        }
        assert_eq!(changed.producers[0].delay_s, 30);
        assert_eq!(changed.consumers.heartbeat, Some(Heartbeat { every_s: 5, extend_to_s: 60 }));
        let a = changed.consumers.autoscale.expect("on");
        assert_eq!(
            (a.target_backlog_per_instance, a.min, a.max, a.scale_out_delay_s, a.scale_in_delay_s),
            (25, 0, 12, 90, 600)
        );
        let params: Vec<(String, String)> =
            changed.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let mut notices = Vec::new();
        assert_eq!(apply_params(base.clone(), &params, &mut notices), changed);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(SqsScenario::from_file_json(&changed.to_file_json()), Ok(changed.clone()));
        // Off again: 0 removes the heartbeat and the autoscaler.
        let off = changed.apply_param("heartbeat", "0").and_then(|s| s.apply_param("autoscale", "0")).unwrap();
        assert_eq!((off.consumers.heartbeat, off.consumers.autoscale), (None, None));
        // A FIFO queue refuses a per-message delay with AWS's words.
        let err = changed.apply_param("type", "fifo").unwrap_err();
        assert!(err.contains("The request include parameter that is not valid for this queue type."), "{err}");
        let fifo = base.apply_param("type", "fifo").unwrap();
        assert!(fifo.apply_param("message-delay", "5").unwrap_err().contains("does not apply"));
        // Autoscaling bounds the starting count.
        let err = changed.apply_param("autoscale-max", "1").unwrap_err();
        assert!(err.contains("0–1"), "{err}");
    }

    #[test]
    fn bad_link_settings_are_skipped_with_the_rule() {
        let base = SqsScenario::default();
        let params: Vec<(String, String)> =
            [("visibility", "99999"), ("type", "lifo"), ("dlq", "yes"), ("colour", "red"), ("wait", "5")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let mut notices = Vec::new();
        let got = apply_params(base.clone(), &params, &mut notices);
        assert_eq!(got.consumers.wait_s, Some(5), "the good setting still applies");
        assert_eq!(got.queue.visibility_timeout_s, base.queue.visibility_timeout_s);
        assert_eq!(notices.len(), 4, "{notices:?}");
        assert!(notices.iter().any(|n| n.contains("visibility=“99999”") && n.contains("0–43,200 s")), "{notices:?}");
        assert!(notices.iter().any(|n| n.contains("use one of standard, fifo")), "{notices:?}");
        assert!(notices.iter().any(|n| n.contains("not a setting")), "{notices:?}");
    }

    #[test]
    fn choices_keep_what_they_do_not_change() {
        let s = SqsScenario::default();
        let shape = &CHOICES[2];
        for (value, _) in shape.options {
            let mut next = s.clone();
            (shape.set)(&mut next, value);
            assert_eq!((shape.get)(&next), Some(*value));
            assert!(
                (median_ms(&next.consumers.processing) - median_ms(&s.consumers.processing)).abs() < 1e-9,
                "{value}"
            );
            next.validate().unwrap_or_else(|e| panic!("{value}: {e}"));
        }
        let pattern = &CHOICES[1];
        let mut next = s.clone();
        (pattern.set)(&mut next, "constant");
        assert_eq!((pattern.get)(&next), Some("constant"));
        assert_eq!(next.producers[0].workload.mean_rate_per_s(), s.producers[0].workload.mean_rate_per_s());
    }

    #[test]
    fn ranges_come_from_the_engine_limits() {
        assert_eq!(knob("visibility").unwrap().range(), "0–43,200");
        assert_eq!(knob("wait").unwrap().range(), "0–20; 0 = short polling");
        assert_eq!(knob("rate").unwrap().range(), "0–30,000; 0 sends nothing");
        assert_eq!(knob("max-receive").unwrap().range(), "1–1,000");
        assert_eq!(knob("processing").unwrap().range(), "0.001–86,400");
        // Every knob's bounds pass validation and one step outside fails.
        for k in &KNOBS {
            let base = crate::scenes::sqs::presets::PRESETS[1].scenario;
            let s = base();
            if (k.get)(&s).is_none() {
                // Not a setting of this scenario (groups on a standard queue): refused.
                assert!(apply(&s, k, &format_value(k.min)).is_err(), "{} does not apply", k.key);
                continue;
            }
            for ok in [k.min, k.max] {
                assert!(apply(&s, k, &format_value(ok)).is_ok(), "{} {ok}", k.key);
            }
            let step = if k.integer { 1.0 } else { k.max * 1e-6 };
            assert!(apply(&s, k, &format_value(k.max + step.max(0.01))).is_err(), "{} above max", k.key);
        }
    }

    use super::*;

    #[test]
    fn out_of_range_names_the_setting_and_range_in_words() {
        let s = SqsScenario::default();
        let err = apply(&s, knob("visibility").unwrap(), "50000").unwrap_err();
        assert_eq!(err, "Visibility timeout must be 0–43,200 s (12 h): 50000 is above AWS's limit.");
        let err = apply(&s, knob("batch").unwrap(), "2.5").unwrap_err();
        assert!(err.starts_with("Batch size must be a whole number, 1–10"), "{err}");
        let invalid = engine::ConfigError::Invalid {
            field: "stages[0].burst_limit".into(),
            value: "900".into(),
            rule: "it cannot exceed the account burst of 500 requests".into(),
        };
        assert_eq!(
            crate::scenes::knob::in_words(&invalid),
            "Burst limit 900 is not allowed: it cannot exceed the account burst of 500 requests."
        );
    }

    #[test]
    fn garbage_and_fractions_are_refused_without_panicking() {
        let s = SqsScenario::default();
        for text in ["", "abc", "NaN", "inf", "-1", "2.5", "1e30"] {
            assert!(apply(&s, knob("batch").unwrap(), text).is_err(), "{text}");
        }
        assert!(apply(&s, knob("max-receive").unwrap(), "99999999999").is_err());
    }

    #[test]
    fn valid_values_land_in_the_scenario() {
        let s = SqsScenario::default();
        let next = apply(&s, knob("visibility").unwrap(), " 12 ").unwrap();
        assert_eq!(next.queue.visibility_timeout_s, 12);
        let next = apply(&next, knob("processing").unwrap(), "2").unwrap();
        assert_eq!((knob("processing").unwrap().get)(&next), Some(2.0));
        let next = apply(&next, knob("rate").unwrap(), "7.5").unwrap();
        assert_eq!((knob("rate").unwrap().get)(&next), Some(7.5));
        let mut next = next;
        next.dlq = Some(Default::default());
        let next = apply(&next, knob("max-receive").unwrap(), "4").unwrap();
        assert_eq!(next.dlq.as_ref().map(|d| d.max_receive_count), Some(4));
    }

    /// "Queue default" is a setting of the panel and of links: consumers then pass no wait and
    /// the queue's ReceiveMessageWaitTimeSeconds knob appears; switching keeps the wait in use.
    #[test]
    fn consumers_can_use_the_queue_default_wait() {
        let base = SqsScenario::default();
        let from_queue = base.apply_param("wait-from", "queue").unwrap();
        assert_eq!(from_queue.consumers.wait_s, None);
        assert_eq!(from_queue.consumer_wait_s(), base.consumer_wait_s(), "the wait in use stays");
        assert_eq!((knob("wait").unwrap().get)(&from_queue), None, "their own wait is hidden");
        let short = from_queue.apply_param("queue-wait", "0").unwrap();
        assert_eq!(short.consumer_wait_s(), 0);
        let params: Vec<(String, String)> =
            short.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(params, [("wait-from".to_owned(), "queue".to_owned()), ("queue-wait".to_owned(), "0".to_owned())]);
        let mut notices = Vec::new();
        assert_eq!(apply_params(base.clone(), &params, &mut notices), short);
        assert_eq!(short.apply_param("wait-from", "own").unwrap().consumers.wait_s, Some(0));
    }

    #[test]
    fn every_knob_reads_back_what_it_wrote() {
        let standard = SqsScenario { dlq: Some(DlqSettings::default()), ..SqsScenario::default() };
        let mut fifo = standard.clone();
        fifo.queue.fifo = true;
        let mut extras = standard.clone();
        extras.consumers.heartbeat = Some(Heartbeat { every_s: 2, extend_to_s: 9 });
        extras.consumers.autoscale = Some(Autoscale::default());
        let mut queue_wait = standard.clone();
        queue_wait.consumers.wait_s = None;
        for k in &KNOBS {
            // Each knob applies to at least one queue type (FIFO groups and resends; standard
            // duplicates), the heartbeat's and autoscaler's once they are on, the queue's receive
            // wait to consumers that pass none.
            let applies: Vec<&SqsScenario> =
                [&standard, &fifo, &extras, &queue_wait].into_iter().filter(|s| (k.get)(s).is_some()).collect();
            assert!(!applies.is_empty(), "{} applies to no queue type", k.key);
            for s in applies {
                let value = (k.get)(s).unwrap();
                let next = apply(s, k, &format_value(value)).unwrap();
                assert_eq!((k.get)(&next), Some(value), "{}", k.key);
            }
        }
    }
}
