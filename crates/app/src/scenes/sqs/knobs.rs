//! The scenario knobs of the SQS controls panel: what each edits, its AWS range, and how typed text becomes a scenario.
//!
//! Pure functions over `SqsScenario`, so the parsing and validation rules are tested natively.

use engine::sqs::{DlqSettings, SqsScenario};
use engine::{Distribution, Workload};

/// One numeric knob: a label, the AWS range shown next to it, and how to read and write it.
pub struct Knob {
    /// Stable id, used for element ids and `data-testid="knob-<key>"`.
    pub key: &'static str,
    /// The label shown to people.
    pub label: &'static str,
    /// The allowed range as shown next to the field, e.g. `0–43,200 s`.
    pub range: &'static str,
    /// Whole numbers only (the engine field is an integer).
    pub integer: bool,
    /// Reads the knob's value from a scenario, `None` when the knob does not apply (DLQ off).
    pub get: fn(&SqsScenario) -> Option<f64>,
    /// Writes a value into a scenario (validation happens afterwards, on the whole scenario).
    pub set: fn(&mut SqsScenario, f64),
}

/// The knobs, in the order the panel shows them.
pub const KNOBS: [Knob; 10] = [
    Knob {
        key: "visibility",
        label: "Visibility timeout (s)",
        range: "0–43,200",
        integer: true,
        get: |s| Some(s.queue.visibility_timeout_s as f64),
        set: |s, v| s.queue.visibility_timeout_s = v as u64,
    },
    Knob {
        key: "delay",
        label: "Delivery delay (s)",
        range: "0–900",
        integer: true,
        get: |s| Some(s.queue.delay_s as f64),
        set: |s, v| s.queue.delay_s = v as u64,
    },
    Knob {
        key: "wait",
        label: "Receive wait, long polling (s)",
        range: "0–20; 0 = short polling",
        integer: true,
        get: |s| Some(s.consumers.wait_s as f64),
        set: |s, v| s.consumers.wait_s = v as u64,
    },
    Knob {
        key: "batch",
        label: "Batch size (MaxNumberOfMessages)",
        range: "1–10",
        integer: true,
        get: |s| Some(f64::from(s.consumers.batch_size)),
        set: |s, v| s.consumers.batch_size = v as u32,
    },
    Knob {
        key: "consumers",
        label: "Consumers",
        range: "0–1,000",
        integer: true,
        get: |s| Some(f64::from(s.consumers.count)),
        set: |s, v| s.consumers.count = v as u32,
    },
    Knob {
        key: "rate",
        label: "Producer rate (msg/s)",
        range: "0–1,000,000",
        integer: false,
        get: |s| s.producers.first().map(|p| p.workload.mean_rate_per_s()),
        set: set_rate,
    },
    Knob {
        key: "processing",
        label: "Processing time, median (s)",
        range: "0.001–86,400",
        integer: false,
        get: |s| Some(median_ms(&s.consumers.processing) / 1000.0),
        set: |s, v| s.consumers.processing = with_median(&s.consumers.processing, v * 1000.0),
    },
    Knob {
        key: "failure",
        label: "Failure probability",
        range: "0–1",
        integer: false,
        get: |s| Some(s.consumers.failure_probability),
        set: |s, v| s.consumers.failure_probability = v,
    },
    Knob {
        key: "poison",
        label: "Poison fraction",
        range: "0–1",
        integer: false,
        get: |s| Some(s.consumers.poison_fraction),
        set: |s, v| s.consumers.poison_fraction = v,
    },
    Knob {
        key: "max-receive",
        label: "DLQ maxReceiveCount",
        range: "1–1,000",
        integer: true,
        get: |s| s.dlq.as_ref().map(|d| f64::from(d.max_receive_count)),
        set: |s, v| {
            // Saturating: 5e9 stays out of range instead of wrapping into it.
            let count = if v > f64::from(u32::MAX) { u32::MAX } else { v as u32 };
            s.dlq.get_or_insert_with(DlqSettings::default).max_receive_count = count;
        },
    },
];

/// The knob with this key.
#[cfg(test)]
pub fn knob(key: &str) -> Option<&'static Knob> {
    KNOBS.iter().find(|k| k.key == key)
}

/// Formats a knob value for its field: integers without decimals, fractions in their shortest form.
pub fn format_value(value: f64) -> String {
    if value.is_finite() && value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        // Three significant decimals is plenty for a knob; trims the float noise of `p99 / median`.
        let rounded = (value * 1000.0).round() / 1000.0;
        format!("{rounded}")
    }
}

/// Applies `text` typed into `knob` to a copy of `scenario`; the new scenario if it validates,
/// otherwise the message to show next to the field (naming the field, the value and the range).
pub fn apply(scenario: &SqsScenario, knob: &Knob, text: &str) -> Result<SqsScenario, String> {
    let text = text.trim();
    let value: f64 =
        text.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| format!("Enter a number ({}).", knob.range))?;
    if knob.integer && (value < 0.0 || value != value.trunc()) {
        return Err(format!("{text} is not allowed: a whole number in {}.", knob.range));
    }
    let mut next = scenario.clone();
    (knob.set)(&mut next, value);
    next.validate().map_err(|err| format!("{err}."))?;
    Ok(next)
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
            Distribution::LogNormal { median_ms: median, p99_ms: median * ratio }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_names_the_field_and_range() {
        let s = SqsScenario::default();
        let err = apply(&s, knob("visibility").unwrap(), "50000").unwrap_err();
        assert!(err.contains("queue.visibility_timeout_s = 50000"), "{err}");
        assert!(err.contains("0–43200"), "{err}");
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
        let next = apply(&next, knob("max-receive").unwrap(), "4").unwrap();
        assert_eq!(next.dlq.as_ref().map(|d| d.max_receive_count), Some(4));
    }

    #[test]
    fn every_knob_reads_back_what_it_wrote() {
        let s = SqsScenario { dlq: Some(DlqSettings::default()), ..SqsScenario::default() };
        for k in &KNOBS {
            let value = (k.get)(&s).unwrap();
            let next = apply(&s, k, &format_value(value)).unwrap();
            assert_eq!((k.get)(&next), Some(value), "{}", k.key);
        }
    }
}
