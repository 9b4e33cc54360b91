//! A playground's presets: named scenarios with what to watch and why it happens.

/// One preset.
pub struct Preset<S: 'static> {
    /// Stable id: the picker's option value and the link's `p=`.
    pub key: &'static str,
    /// The name in the picker.
    pub name: &'static str,
    /// Two or three sentences: what to watch, and why it happens.
    pub explanation: &'static str,
    /// The lesson in one sentence, shown on the diagram's caption.
    pub lesson: &'static str,
    /// The counters that show the lesson happening (names of the scene's counters).
    pub proof: &'static [&'static str],
    /// Builds the scenario.
    pub scenario: fn() -> S,
}

/// The preset with `key` among `all`.
pub fn find<S>(all: &'static [Preset<S>], key: &str) -> Option<&'static Preset<S>> {
    all.iter().find(|p| p.key == key)
}

/// What the preset picker lists: `(key, name, explanation)` of each, in order.
pub fn picker_entries<S>(all: &'static [Preset<S>]) -> Vec<(&'static str, &'static str, &'static str)> {
    all.iter().map(|p| (p.key, p.name, p.explanation)).collect()
}

/// The caption of the preset with `key` among `all`: its lesson and the counters that prove it
/// (none for a key that is not a preset, say after an import).
pub fn caption_of<S>(all: &'static [Preset<S>], key: &str) -> (&'static str, &'static [&'static str]) {
    find(all, key).map_or(("", &[]), |p| (p.lesson, p.proof))
}

/// The scenario of the preset with `key` among `all` (tests: a missing key is a test bug).
#[cfg(test)]
pub fn scenario_of<S>(all: &'static [Preset<S>], key: &str) -> S {
    (find(all, key).unwrap_or_else(|| panic!("no preset {key}")).scenario)()
}

/// Every preset of `all` has a one-sentence lesson, and its proof names counters the scene has.
#[cfg(test)]
pub fn assert_captions<S>(all: &'static [Preset<S>], counters: &[&str]) {
    for p in all {
        let n = p.lesson.chars().count();
        assert!((20..=120).contains(&n) && p.lesson.ends_with('.'), "{}: lesson {:?}", p.key, p.lesson);
        assert!(p.proof.len() <= 3, "{}: at most three counters on the caption", p.key);
        for name in p.proof {
            assert!(counters.contains(name), "{}: no counter {name:?} among {counters:?}", p.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{assert_captions, scenario_of, Preset};
    use crate::scenes::{apigw, kinesis, sns, sqs};

    /// A run of the first of `presets`, built by `new_run`, and the counter names `names` reads from it.
    fn counter_names<S, R>(
        presets: &'static [Preset<S>],
        new_run: impl Fn(&S) -> R,
        names: impl Fn(&R) -> Vec<&'static str>,
    ) -> Vec<&'static str> {
        names(&new_run(&scenario_of(presets, presets[0].key)))
    }

    /// Every preset's caption names counters its playground really shows.
    #[test]
    fn every_caption_names_real_counters() {
        let of = |c: &[(&'static str, u64)]| c.iter().map(|c| c.0).collect::<Vec<_>>();
        let sqs_names = counter_names(
            &sqs::presets::PRESETS,
            |s| engine::sqs::SqsSim::try_new(s, 42).expect("valid"),
            |sim| of(&sqs::snapshot::counters(sim).counters),
        );
        assert_captions(&sqs::presets::PRESETS, &sqs_names);
        let sns_names = counter_names(
            &sns::presets::PRESETS,
            |s| engine::sns::SnsSim::try_new(s, 42).expect("valid"),
            |sim| of(&sns::snapshot::counters(sim).caption_counters()),
        );
        assert_captions(&sns::presets::PRESETS, &sns_names);
        let kinesis_names = counter_names(
            &kinesis::presets::PRESETS,
            |s| engine::kinesis::KinesisSim::try_new(s, 42).expect("valid"),
            |sim| of(&kinesis::snapshot::counters(sim).counters),
        );
        assert_captions(&kinesis::presets::PRESETS, &kinesis_names);
        let apigw_names = counter_names(
            &apigw::presets::PRESETS,
            |s| engine::apigw::ApigwSim::try_new(s, 42).expect("valid"),
            |sim| of(&apigw::snapshot::counters(sim).counters),
        );
        assert_captions(&apigw::presets::PRESETS, &apigw_names);
    }
}
