//! A playground's presets: named scenarios with what to watch and why it happens.

/// One preset.
pub struct Preset<S: 'static> {
    /// Stable id: the picker's option value and the link's `p=`.
    pub key: &'static str,
    /// The name in the picker.
    pub name: &'static str,
    /// Two or three sentences: what to watch, and why it happens.
    pub explanation: &'static str,
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

/// The scenario of the preset with `key` among `all` (tests: a missing key is a test bug).
#[cfg(test)]
pub fn scenario_of<S>(all: &'static [Preset<S>], key: &str) -> S {
    (find(all, key).unwrap_or_else(|| panic!("no preset {key}")).scenario)()
}
