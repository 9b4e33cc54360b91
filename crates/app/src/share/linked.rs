//! `LinkedRun`: the state a playground shares — its scenario, preset, seed and speed — opened
//! from the page's link, written back to the address bar, patched by a host page or a file.
//!
//! Every playground builds one; only the scenario type and the preset list differ.

use leptos::prelude::*;

use super::{
    apply_params, capped, current_query, page_url, parse, quote, replace_query, Link, LinkParams, ViewOptions,
};
use crate::components::PlayerState;
use crate::scenes::preset::{find, Preset};

/// A playground's presets, as the link code needs them: the list its picker shows (the first
/// is what a page opens with).
pub struct Presets<S: 'static>(pub &'static [Preset<S>]);

// By hand: the derives would ask `S: Copy`, but only the reference is copied.
impl<S> Clone for Presets<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Presets<S> {}

impl<S> Presets<S> {
    /// The key of the preset a page opens with.
    fn first(self) -> &'static str {
        self.0.first().map_or("", |p| p.key)
    }

    /// The name of a preset, by key.
    pub fn name(self, key: &str) -> Option<&'static str> {
        find(self.0, key).map(|p| p.name)
    }

    /// The scenario of a preset, by key.
    fn build(self, key: &str) -> Option<S> {
        find(self.0, key).map(|p| (p.scenario)())
    }
}

/// What a page opens with when its link says nothing.
#[derive(Clone, Copy)]
pub struct Defaults {
    /// The seed.
    pub seed: u32,
    /// The speed.
    pub speed: f64,
    /// Whether to play (usually: unless the reader prefers reduced motion).
    pub playing: bool,
}

/// The shared state of one playground page. `Copy`: every field is a signal or plain data.
pub struct LinkedRun<S: Send + Sync + 'static> {
    /// The scenario being run.
    pub scenario: RwSignal<S>,
    /// The preset the settings started from.
    pub preset_key: RwSignal<String>,
    /// Whether settings changed since the preset was loaded.
    pub modified: RwSignal<bool>,
    /// Bumped when the scenario is replaced wholesale, so controls drop what was typed in them.
    pub generation: RwSignal<u32>,
    /// What the opening link (or a later patch or file) could not use.
    pub notices: RwSignal<Vec<String>>,
    /// Playing, speed and seed.
    pub state: PlayerState,
    /// How the page is shown (embed mode).
    pub view: ViewOptions,
    /// Simulated seconds the link asked to start at.
    pub start_secs: Option<f64>,
    /// The fork the page compares with (see `LiveRun::fork_here`), as the link writes it.
    pub fork: RwSignal<Option<(f64, String)>>,
    presets: Presets<S>,
    defaults: Defaults,
}

impl<S: Send + Sync + 'static> Clone for LinkedRun<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Send + Sync + 'static> Copy for LinkedRun<S> {}

impl<S: LinkParams + PartialEq + Default + Send + Sync + 'static> LinkedRun<S> {
    /// Opens the page's link: the preset, then the settings that differ from it, the seed and
    /// the speed. What the link cannot restore becomes a notice; the rest opens as shared.
    pub fn open(presets: Presets<S>, defaults: Defaults) -> Self {
        let (link, mut notices) = parse(&current_query());
        let key = match link.preset.as_deref() {
            Some(key) if presets.build(key).is_some() => key.to_owned(),
            Some(key) => {
                let first = presets.name(presets.first()).unwrap_or(presets.first());
                notices.push(format!("Unknown preset {}; opened \u{201c}{first}\u{201d}.", quote(key)));
                presets.first().to_owned()
            }
            None => presets.first().to_owned(),
        };
        let base = presets.build(&key).unwrap_or_default();
        let scenario = apply_params(base, &link.params, &mut notices);
        let modified = presets.build(&key).is_none_or(|base| base != scenario);
        LinkedRun {
            scenario: RwSignal::new(scenario),
            preset_key: RwSignal::new(key),
            modified: RwSignal::new(modified),
            generation: RwSignal::new(0),
            notices: RwSignal::new(capped(notices)),
            state: PlayerState::new(
                link.view.autoplay.unwrap_or(defaults.playing),
                link.speed.unwrap_or(defaults.speed),
                link.seed.unwrap_or(defaults.seed),
            ),
            view: link.view,
            start_secs: link.start_secs,
            fork: RwSignal::new(link.fork),
            presets,
            defaults,
        }
    }

    /// The scenario of the current preset.
    fn base(&self) -> S {
        self.preset_key.with_untracked(|k| self.presets.build(k)).unwrap_or_default()
    }

    /// The name of a preset of this playground, by key.
    pub fn preset_name(&self, key: &str) -> Option<&'static str> {
        self.presets.name(key)
    }

    /// The preset's lesson and the names of the counters that prove it (tracked).
    pub fn caption(&self) -> (&'static str, &'static [&'static str]) {
        self.preset_key.with(|k| crate::scenes::preset::caption_of(self.presets.0, k))
    }

    /// The preset's name, marked `(changed)` when the settings differ from it (tracked).
    pub fn preset_label(&self) -> String {
        let name = self.preset_key.with(|k| self.preset_name(k).unwrap_or("").to_owned());
        if self.modified.get() {
            format!("{name} (changed)")
        } else {
            name
        }
    }

    /// "Nimbus SQS playground: Poison message → DLQ" for `service` "SQS" (tracked), the title of
    /// an embed and of a shared page.
    pub fn title(&self, service: &str) -> String {
        let name = self.preset_key.with(|k| self.preset_name(k).unwrap_or(""));
        format!("Nimbus {service} playground: {name}")
    }

    /// The link query for the current state (tracked: an effect reading it follows every change).
    pub fn query(&self, start_secs: Option<f64>, view: ViewOptions) -> String {
        let key = self.preset_key.get();
        let base = self.presets.build(&key).unwrap_or_default();
        let params = self.scenario.with(|s| s.link_params(&base));
        let (seed, speed) = (self.state.seed.get(), self.state.speed.get());
        super::to_query(&Link {
            preset: (key != self.presets.first()).then_some(key),
            seed: (seed != self.defaults.seed).then_some(seed),
            speed: (speed != self.defaults.speed).then_some(speed),
            start_secs,
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            fork: self.fork.get(),
            view,
        })
    }

    /// The full URL of the current state (untracked), e.g. for a Copy button.
    pub fn url(&self, start_secs: Option<f64>, view: ViewOptions) -> String {
        untrack(|| page_url(&self.query(start_secs, view)))
    }

    /// Keeps the address bar on the current state, without a history entry per change; an embed
    /// keeps its view options there.
    pub fn follow_in_address_bar(self) {
        Effect::new(move |_| replace_query(&self.query(None, self.view)));
    }

    /// Replaces the settings with a preset's.
    pub fn load_preset(&self, key: &str) -> bool {
        let Some(scenario) = self.presets.build(key) else { return false };
        self.preset_key.set(key.to_owned());
        self.modified.set(false);
        self.generation.update(|g| *g += 1);
        self.scenario.set(scenario);
        true
    }

    /// Applies a patch read like a link (from a host page): a preset resets the settings to it,
    /// every other key changes one setting, and what cannot apply is listed in the notices.
    pub fn apply_patch(&self, query: &str) {
        let (patch, mut notes) = parse(query);
        let mut next = self.scenario.get_untracked();
        let mut new_preset = false;
        if let Some(key) = patch.preset.as_deref() {
            match self.presets.build(key) {
                Some(scenario) => {
                    self.preset_key.set(key.to_owned());
                    next = scenario;
                    new_preset = true;
                }
                None => notes.push(format!("Unknown preset {}; kept the current one.", quote(key))),
            }
        }
        let next = apply_params(next, &patch.params, &mut notes);
        if let Some(seed) = patch.seed {
            self.state.seed.set(seed);
        }
        if let Some(speed) = patch.speed {
            self.state.speed.set(speed);
        }
        // A patch that changes nothing (every setting in it refused, say) leaves the run alone.
        if new_preset || self.scenario.with_untracked(|s| *s != next) {
            self.replace(next);
        }
        self.notices.set(capped(notes));
    }

    /// Replaces the scenario (an imported file); `false` when a link cannot carry all of it
    /// (settings without a control), so the reader should share the file instead.
    pub fn import(&self, scenario: S) -> bool {
        let base = self.base();
        let params: Vec<(String, String)> =
            scenario.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let linkable = apply_params(base, &params, &mut Vec::new()) == scenario;
        self.replace(scenario);
        linkable
    }

    fn replace(&self, scenario: S) {
        self.modified.set(self.base() != scenario);
        self.generation.update(|g| *g += 1);
        self.scenario.set(scenario);
    }
}
