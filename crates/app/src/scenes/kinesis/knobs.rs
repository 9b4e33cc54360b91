//! The Kinesis settings a reader changes — knobs, choices and the resharding actions — and the
//! scenario as a link.

use engine::kinesis::limits::{EFO_MAX_CONSUMERS, GET_RECORDS_MAX_RECORDS, RETENTION_DEFAULT_H, RETENTION_MAX_H};
use engine::kinesis::scenario::{MAX_KEYS, MAX_POLLING};
use engine::kinesis::{KinesisScenario, Reshard, ScheduledReshard, Skew, StartAt};

use crate::scenes::knob::{apply_setting, changed_params, link_rank, Choice, Knob};
use crate::share::LinkParams;

/// The most shards the playground draws and offers (the engine runs up to 1,000).
pub const MAX_PLAYGROUND_SHARDS: f64 = 16.0;

/// The numeric knobs, in panel order.
pub const KNOBS: [Knob<KinesisScenario>; 10] = [
    Knob {
        key: "shards",
        label: "Shards at creation",
        min: 1.0,
        max: MAX_PLAYGROUND_SHARDS,
        aws: false,
        note: "split evenly",
        integer: true,
        get: |s| Some(f64::from(s.shards)),
        set: |s, v| s.shards = v as u32,
    },
    Knob {
        key: "rate",
        label: "Producer rate (records/s)",
        min: 0.0,
        max: 20_000.0,
        aws: false,
        note: "0 writes nothing",
        integer: false,
        get: |s| Some(s.producer.rate_per_s),
        set: |s, v| s.producer.rate_per_s = v,
    },
    Knob {
        key: "size",
        label: "Record size (bytes)",
        min: 1.0,
        max: 1_048_320.0,
        aws: true,
        note: "plus the key",
        integer: true,
        get: |s| Some(s.producer.record_bytes as f64),
        set: |s, v| s.producer.record_bytes = v as u64,
    },
    Knob {
        key: "keys",
        label: "Distinct partition keys",
        min: 1.0,
        max: MAX_KEYS as f64,
        aws: false,
        note: "",
        integer: true,
        get: |s| Some(f64::from(s.producer.keys)),
        set: |s, v| s.producer.keys = v.min(f64::from(u32::MAX)) as u32,
    },
    Knob {
        key: "skew-value",
        label: "Skew: Zipf exponent, or the hot key's share",
        min: 0.0,
        max: 4.0,
        aws: false,
        note: "share 0–1",
        integer: false,
        get: |s| match s.producer.skew {
            Skew::Uniform => None,
            Skew::Zipf { exponent } => Some(exponent),
            Skew::HotKey { share } => Some(share),
        },
        set: |s, v| {
            s.producer.skew = match s.producer.skew {
                Skew::Zipf { .. } => Skew::Zipf { exponent: v },
                Skew::HotKey { .. } => Skew::HotKey { share: v },
                Skew::Uniform => Skew::Uniform,
            }
        },
    },
    Knob {
        key: "polling",
        label: "Polling consumers (GetRecords)",
        min: 0.0,
        max: MAX_POLLING as f64,
        aws: false,
        note: "share 5 calls/s per shard",
        integer: true,
        get: |s| Some(f64::from(s.consumers.polling)),
        set: |s, v| s.consumers.polling = v.min(f64::from(u32::MAX)) as u32,
    },
    Knob {
        key: "efo",
        label: "Enhanced fan-out consumers",
        min: 0.0,
        max: EFO_MAX_CONSUMERS as f64,
        aws: true,
        note: "each 2 MiB/s per shard",
        integer: true,
        get: |s| Some(f64::from(s.consumers.enhanced)),
        set: |s, v| s.consumers.enhanced = v.min(f64::from(u32::MAX)) as u32,
    },
    Knob {
        key: "poll-ms",
        label: "Poll interval (ms)",
        min: 50.0,
        max: 60_000.0,
        aws: false,
        note: "KCL default 1,000",
        integer: false,
        get: |s| Some(s.consumers.poll_interval_ms),
        set: |s, v| s.consumers.poll_interval_ms = v,
    },
    Knob {
        key: "limit",
        label: "GetRecords Limit",
        min: 1.0,
        max: GET_RECORDS_MAX_RECORDS as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(f64::from(s.consumers.limit)),
        set: |s, v| s.consumers.limit = v.min(f64::from(u32::MAX)) as u32,
    },
    Knob {
        key: "retention",
        label: "Retention (hours)",
        min: RETENTION_DEFAULT_H as f64,
        max: RETENTION_MAX_H as f64,
        aws: true,
        note: "",
        integer: true,
        get: |s| Some(s.retention_h as f64),
        set: |s, v| s.retention_h = v as u64,
    },
];

/// The choices, in panel order.
pub const CHOICES: [Choice<KinesisScenario>; 4] = [
    Choice {
        key: "skew",
        label: "Key popularity",
        options: &[("uniform", "Uniform"), ("zipf", "Zipf (a few keys popular)"), ("hot", "One hot key")],
        get: |s| {
            Some(match s.producer.skew {
                Skew::Uniform => "uniform",
                Skew::Zipf { .. } => "zipf",
                Skew::HotKey { .. } => "hot",
            })
        },
        set: |s, v| {
            s.producer.skew = match v {
                "zipf" => Skew::Zipf { exponent: 1.0 },
                "hot" => Skew::HotKey { share: 0.5 },
                _ => Skew::Uniform,
            }
        },
    },
    Choice {
        key: "hashing",
        label: "Routing",
        options: &[("md5", "MD5 of the partition key"), ("explicit", "ExplicitHashKey, keys spread evenly")],
        get: |s| Some(if s.producer.explicit_hash_keys { "explicit" } else { "md5" }),
        set: |s, v| s.producer.explicit_hash_keys = v == "explicit",
    },
    Choice {
        key: "lineage",
        label: "After a reshard, consumers read",
        options: &[("parents-first", "Parents to their end, then children (KCL)"), ("at-once", "Children at once")],
        get: |s| Some(if s.consumers.respect_lineage { "parents-first" } else { "at-once" }),
        set: |s, v| s.consumers.respect_lineage = v != "at-once",
    },
    Choice {
        key: "start",
        label: "Consumers start at",
        options: &[("latest", "LATEST"), ("trim-horizon", "TRIM_HORIZON")],
        get: |s| {
            Some(match s.consumers.start_at {
                StartAt::Latest => "latest",
                StartAt::TrimHorizon => "trim-horizon",
            })
        },
        set: |s, v| s.consumers.start_at = if v == "trim-horizon" { StartAt::TrimHorizon } else { StartAt::Latest },
    },
];

/// The resharding actions as one link value: `split:2@20;split:2:1234@30;merge:0+1@15;count:8@40`.
pub const RESHARDS_KEY: &str = "reshards";

/// One action as text.
pub fn format_reshard(r: &ScheduledReshard) -> String {
    // Exactly (the shortest text that reads back as the same number): a link replays the action
    // at the very instant it was taken.
    let at = r.at_s;
    match &r.action {
        Reshard::Split { shard, at_key: None } => format!("split:{shard}@{at}"),
        Reshard::Split { shard, at_key: Some(k) } => format!("split:{shard}:{k}@{at}"),
        Reshard::Merge { shard, adjacent } => format!("merge:{shard}+{adjacent}@{at}"),
        Reshard::UpdateShardCount { target } => format!("count:{target}@{at}"),
    }
}

/// Reads the actions of a link value; `Err` names the part that is wrong.
pub fn parse_reshards(text: &str) -> Result<Vec<ScheduledReshard>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(';')
        .map(|part| {
            let bad = || {
                format!("{part:?} is not an action like split:2@20, split:2:<hash key>@20, merge:0+1@15 or count:8@40.")
            };
            let (action, at) = part.trim().split_once('@').ok_or_else(bad)?;
            let at_s: f64 = at.parse().ok().filter(|t: &f64| t.is_finite() && *t >= 0.0).ok_or_else(bad)?;
            let n = |t: &str| t.parse::<u32>().map_err(|_| bad());
            let action = match action.split_once(':').ok_or_else(bad)? {
                ("split", rest) => match rest.split_once(':') {
                    Some((shard, key)) => Reshard::Split { shard: n(shard)?, at_key: Some(key.to_owned()) },
                    None => Reshard::Split { shard: n(rest)?, at_key: None },
                },
                ("merge", rest) => {
                    let (a, b) = rest.split_once('+').ok_or_else(bad)?;
                    Reshard::Merge { shard: n(a)?, adjacent: n(b)? }
                }
                ("count", target) => Reshard::UpdateShardCount { target: n(target)? },
                _ => return Err(bad()),
            };
            Ok(ScheduledReshard { at_s, action })
        })
        .collect()
}

/// Resharding may not open more shards than the playground draws, whichever way it comes (a
/// button, a link, a file): `Err` says which action would, and how many.
pub fn check_shard_bound(s: &KinesisScenario) -> Result<(), String> {
    let bound = MAX_PLAYGROUND_SHARDS as u32;
    match s.reshard_plan().into_iter().find(|p| p.outcome.as_ref().is_ok_and(|open| *open > bound)) {
        Some(p) => Err(format!(
            "{} would leave {} open shards; the playground draws at most {bound}.",
            format_reshard(&s.reshards[p.index]),
            p.outcome.unwrap_or_default()
        )),
        None => Ok(()),
    }
}

/// The scheduled reshardings AWS would refuse, each as its link form and AWS's error
/// (`merge:1+1@5 — InvalidArgumentException: …`).
pub fn refused_reshards(s: &KinesisScenario) -> Vec<String> {
    s.reshard_plan()
        .into_iter()
        .filter_map(|p| Some(format!("{} — {}", format_reshard(s.reshards.get(p.index)?), p.outcome.err()?)))
        .collect()
}

impl LinkParams for KinesisScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        let (mut out, knobs) = changed_params(&CHOICES, &KNOBS, self, base);
        out.extend(knobs);
        if self.reshards != base.reshards {
            out.push((RESHARDS_KEY, self.reshards.iter().map(format_reshard).collect::<Vec<_>>().join(";")));
        }
        out
    }

    fn param_rank(key: &str) -> Option<usize> {
        let reshards = (key == RESHARDS_KEY).then_some(CHOICES.len() + KNOBS.len());
        link_rank(key, &CHOICES, &KNOBS).or(reshards)
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        if key == RESHARDS_KEY {
            let mut next = self.clone();
            next.reshards = parse_reshards(value)?;
            next.validate().map_err(|err| crate::scenes::knob::in_words(&err))?;
            check_shard_bound(&next)?;
            return Ok(next);
        }
        apply_setting(self, key, value, &CHOICES, &KNOBS)
            .unwrap_or_else(|| Err("not a setting of this playground.".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::kinesis::presets::PRESETS;

    #[test]
    fn links_obey_the_playgrounds_shard_bound_and_keep_refused_actions_as_warnings() {
        let base = KinesisScenario::default();
        // Each call waits until the stream is ACTIVE again (a doubling takes 30 s and 0.1 s a shard).
        let err = base.apply_param(RESHARDS_KEY, "count:8@0;count:16@40;count:32@80").expect_err("32 open shards");
        assert!(err.contains("count:32@80 would leave 32 open shards") && err.contains("at most 16"), "{err}");
        // A second call while the stream is UPDATING is refused, not counted.
        let updating = base.apply_param(RESHARDS_KEY, "count:8@0;count:16@10").expect("a refusal is a warning");
        let refused = refused_reshards(&updating);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(refused[0].starts_with("count:16@10 — ResourceInUseException: Stream nimbus-stream"), "{}", refused[0]);
        let next = base.apply_param(RESHARDS_KEY, "merge:1+1@5;split:0:abc@6").expect("refusals are warnings");
        let refused = refused_reshards(&next);
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(refused[0].starts_with("merge:1+1@5 — InvalidArgumentException"), "{}", refused[0]);
    }

    #[test]
    fn reshards_round_trip_as_text_and_bad_text_is_explained() {
        for p in &PRESETS {
            let s = (p.scenario)();
            let text = s.reshards.iter().map(format_reshard).collect::<Vec<_>>().join(";");
            assert_eq!(parse_reshards(&text), Ok(s.reshards.clone()), "{}", p.key);
        }
        assert!(parse_reshards("split:x@1").is_err());
        assert!(parse_reshards("merge:1@1").is_err());
        assert!(parse_reshards("count:4@-1").is_err());
        assert_eq!(parse_reshards("count:4@12.5").map(|r| r.len()), Ok(1));
    }

    #[test]
    fn every_setting_round_trips_through_a_link() {
        let base = (PRESETS[0].scenario)();
        let mut changed = base.apply_param("skew", "zipf").expect("choice");
        changed = changed.apply_param("skew-value", "1.5").expect("exponent");
        changed = changed.apply_param("efo", "3").expect("efo");
        changed = changed.apply_param(RESHARDS_KEY, "split:1@10;merge:0+1@50").expect("reshards");
        let mut params = changed.link_params(&base);
        params.sort_by_key(|(k, _)| KinesisScenario::param_rank(k));
        let mut rebuilt = base.clone();
        for (k, v) in params {
            rebuilt = rebuilt.apply_param(k, &v).expect("applies");
        }
        assert_eq!(rebuilt, changed);
        assert!(base.apply_param("shards", "17").expect_err("over 16").contains("1–16"));
        assert!(base.apply_param("efo", "21").is_err());
    }
}
