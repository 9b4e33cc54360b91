//! Scenario knobs shared by the playgrounds: a numeric knob with its (AWS or playground) range,
//! a choice among named options, how typed text becomes a scenario, and the two fields that edit
//! them, validated as they are typed.

use engine::ConfigError;
use leptos::prelude::*;

use crate::components::{SelectField, SettingField};

/// A scenario the knobs can edit: checked as a whole after every change.
pub trait Checked: Clone + PartialEq + Send + Sync + 'static {
    /// The engine's validation of the whole scenario.
    fn check(&self) -> Result<(), ConfigError>;
}

impl Checked for engine::sqs::SqsScenario {
    fn check(&self) -> Result<(), ConfigError> {
        self.validate()
    }
}

impl Checked for engine::apigw::ApigwScenario {
    fn check(&self) -> Result<(), ConfigError> {
        self.validate()
    }
}

impl Checked for engine::kinesis::KinesisScenario {
    fn check(&self) -> Result<(), ConfigError> {
        self.validate()
    }
}

/// One numeric knob: a label, the AWS range shown next to it, and how to read and write it.
pub struct Knob<S: 'static> {
    /// Stable id, used for element ids and `data-testid="knob-<key>"`.
    pub key: &'static str,
    /// The label shown to people.
    pub label: &'static str,
    /// The smallest allowed value (the engine's limit, so the label and the check agree).
    pub min: f64,
    /// The largest allowed value.
    pub max: f64,
    /// `true` when the range is AWS's; otherwise it is the playground's own bound.
    pub aws: bool,
    /// What a special value means, shown after the range (e.g. `0 = short polling`).
    pub note: &'static str,
    /// Whole numbers only (the engine field is an integer).
    pub integer: bool,
    /// Reads the knob's value from a scenario, `None` when the knob does not apply (DLQ off).
    pub get: fn(&S) -> Option<f64>,
    /// Writes a value into a scenario (validation happens afterwards, on the whole scenario).
    pub set: fn(&mut S, f64),
}

impl<S> Knob<S> {
    /// The range as shown next to the field and in messages: `0–43,200`, `0–20; 0 = short polling`.
    pub fn range(&self) -> String {
        let range = format!("{}–{}", group_digits(self.min), group_digits(self.max));
        if self.note.is_empty() {
            range
        } else {
            format!("{range}; {}", self.note)
        }
    }
}

/// `43200` → `43,200`; fractions as they are.
fn group_digits(value: f64) -> String {
    let text = format_value(value);
    if value != value.trunc() || value.abs() < 1_000.0 {
        return text;
    }
    let digits: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    out
}

/// A choice among a few named options, shown as a select: `(value, label)` pairs, the current
/// value of a scenario, and how to apply a value.
pub struct Choice<S: 'static> {
    /// Stable id, used for element ids and `data-testid="knob-<key>"`.
    pub key: &'static str,
    /// The label shown to people.
    pub label: &'static str,
    /// `(value, label)` of each option.
    pub options: &'static [(&'static str, &'static str)],
    /// The current value (`None` when it is none of the options, e.g. a ramp from a scenario file).
    pub get: fn(&S) -> Option<&'static str>,
    /// Applies an option's value.
    pub set: fn(&mut S, &str),
}

/// Formats a knob value for its field: integers without decimals, fractions in their shortest form.
pub fn format_value(value: f64) -> String {
    if value.is_finite() && value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{}", shown(value))
    }
}

/// A knob's value to the three decimals it is shown and linked with: plenty for a knob, and it
/// trims the float noise of `p99 / median`.
fn shown(value: f64) -> f64 {
    if value.abs() >= 1e12 {
        return value;
    }
    (value * 1000.0).round() / 1000.0
}

/// Applies `text` typed into `knob` to a copy of `scenario`; the new scenario if it validates,
/// otherwise the message to show next to the field (naming the field, the value and the range).
pub fn apply<S: Checked>(scenario: &S, knob: &Knob<S>, text: &str) -> Result<S, String> {
    let text = text.trim();
    let value: f64 = text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("Enter a number ({}).", knob.range()))?;
    let (name, unit) = name_and_unit(knob.label);
    // A setting the scenario has no use for (message groups on a standard queue) would change
    // it out of sight, and its link would not carry it.
    if (knob.get)(scenario).is_none() {
        return Err(format!("{name} does not apply to this scenario ({}).", knob.range()));
    }
    if knob.integer && (value < 0.0 || value != value.trunc()) {
        return Err(format!("{name} must be a whole number, {}{unit}.", knob.range()));
    }
    if value < knob.min || value > knob.max {
        let side = if value < knob.min { "below" } else { "above" };
        let whose = if knob.aws { "AWS's limit" } else { "what this playground simulates" };
        let span = long_span(knob.max, &unit);
        return Err(format!("{name} must be {}{unit}{span}: {text} is {side} {whose}.", knob.range()));
    }
    let mut next = scenario.clone();
    // The knob holds what it shows, and so what a link carries: typed `0.37354` is `0.374`,
    // else the link (written with `format_value`) would replay a different run.
    (knob.set)(&mut next, shown(value));
    // Rules between settings (a stage limit under the account's) come from the engine.
    next.check().map_err(|err| in_words(&err))?;
    Ok(next)
}

/// `Visibility timeout (s)` → (`Visibility timeout`, ` s`): a label's name and its unit.
fn name_and_unit(label: &str) -> (&str, String) {
    match label.strip_suffix(')').and_then(|l| l.rsplit_once(" (")) {
        Some((name, unit)) => (name, format!(" {unit}")),
        None => (label, String::new()),
    }
}

/// ` (12 h)` after a range of seconds long enough to be easier read in hours or days.
fn long_span(max_secs: f64, unit: &str) -> String {
    if unit != " s" || max_secs < 3_600.0 {
        return String::new();
    }
    let (value, unit) = if max_secs >= 86_400.0 { (max_secs / 86_400.0, "days") } else { (max_secs / 3_600.0, "h") };
    format!(" ({} {unit})", format_value((value * 10.0).round() / 10.0))
}

/// A validation error of the engine in the reader's words: the setting's name instead of the
/// field's path, the allowed range, no internals.
pub fn in_words(err: &ConfigError) -> String {
    match err {
        ConfigError::OutOfRange { field, value, allowed } => {
            format!("{} must be {allowed}: {value} is outside it.", field_words(field))
        }
        // A rule about the scenario as a whole (a flow's wiring) names no field.
        ConfigError::Invalid { field, rule, .. } if field.is_empty() => format!("{rule}."),
        ConfigError::Invalid { field, value, rule } => {
            format!("{} {value} is not allowed: {rule}.", field_words(field))
        }
    }
}

/// `queue.visibility_timeout_s` → `Visibility timeout (s)`; `stages[0].burst` → `Burst`.
fn field_words(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    let (base, unit) = [("_ms", " (ms)"), ("_s", " (s)"), ("_bytes", " (bytes)")]
        .iter()
        .find_map(|(suffix, unit)| last.strip_suffix(suffix).map(|b| (b, *unit)))
        .unwrap_or((last, ""));
    let words = base.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => format!("{}{}{unit}", first.to_ascii_uppercase(), chars.as_str()),
        None => field.to_owned(),
    }
}

/// `(key, value)` pairs of a link.
pub type LinkPairs = Vec<(&'static str, String)>;

/// `(key, value)` of every choice and knob whose value differs from `base`, choices first: a
/// scenario's settings in a link.
pub fn changed_params<S>(
    choices: &'static [Choice<S>],
    knobs: &'static [Knob<S>],
    s: &S,
    base: &S,
) -> (LinkPairs, LinkPairs) {
    let choices = choices
        .iter()
        .filter_map(|c| {
            let value = (c.get)(s);
            value.filter(|_| value != (c.get)(base)).map(|v| (c.key, v.to_owned()))
        })
        .collect();
    let knobs = knobs
        .iter()
        .filter_map(|k| {
            let value = (k.get)(s);
            value.filter(|_| value != (k.get)(base)).map(|v| (k.key, format_value(v)))
        })
        .collect();
    (choices, knobs)
}

/// Applies option `value` of choice `c` to a copy of `s`; `Err` lists the options, or says
/// why the whole scenario is refused.
pub fn apply_choice<S: Checked>(s: &S, c: &Choice<S>, value: &str) -> Result<S, String> {
    let Some(&(option, _)) = c.options.iter().find(|(option, _)| *option == value) else {
        let allowed: Vec<&str> = c.options.iter().map(|(option, _)| *option).collect();
        return Err(format!("use one of {}.", allowed.join(", ")));
    };
    let mut next = s.clone();
    (c.set)(&mut next, option);
    next.check().map(|()| next).map_err(|err| in_words(&err))
}

/// Where `key` goes in the order a link's settings are applied: the choices first (they decide
/// which knobs apply), then the knobs; `None` for a key that is neither.
pub fn link_rank<S>(key: &str, choices: &'static [Choice<S>], knobs: &'static [Knob<S>]) -> Option<usize> {
    let choice = choices.iter().position(|c| c.key == key);
    choice.or(knobs.iter().position(|k| k.key == key).map(|i| choices.len() + i))
}

/// Applies one link setting that is a choice or a knob; `None` when `key` is neither.
pub fn apply_setting<S: Checked>(
    s: &S,
    key: &str,
    value: &str,
    choices: &'static [Choice<S>],
    knobs: &'static [Knob<S>],
) -> Option<Result<S, String>> {
    if let Some(c) = choices.iter().find(|c| c.key == key) {
        return Some(apply_choice(s, c, value));
    }
    knobs.iter().find(|k| k.key == key).map(|k| apply(s, k, value))
}

/// The scenario panel: the choices, then the knobs, each validated as it is changed.
#[component]
pub fn KnobPanel<S: Checked>(
    choices: &'static [Choice<S>],
    knobs: &'static [Knob<S>],
    scenario: RwSignal<S>,
    modified: RwSignal<bool>,
    generation: RwSignal<u32>,
    /// What a change does, under the fields.
    note: &'static str,
) -> impl IntoView {
    let set = move |next: S| {
        if scenario.with_untracked(|s| *s != next) {
            scenario.set(next);
            modified.set(true);
        }
    };
    let choices =
        choices.iter().map(|c| view! { <ChoiceField choice=c scenario=scenario on_change=set/> }).collect_view();
    let knobs = knobs
        .iter()
        .map(|k| view! { <KnobField knob=k scenario=scenario modified=modified generation=generation/> })
        .collect_view();
    view! {
        <fieldset class="sqs-knobs">
            <legend>"Scenario"</legend>
            {choices}
            {knobs}
            <p class="muted knob-note">{note}</p>
        </fieldset>
    }
}

/// A select for one of the scenario's [`Choice`]s; a choice the whole scenario refuses is
/// explained under it.
#[component]
pub fn ChoiceField<S: Checked>(
    choice: &'static Choice<S>,
    scenario: RwSignal<S>,
    #[prop(into)] on_change: Callback<S>,
) -> impl IntoView {
    let apply = move |value: String| -> Result<(), String> {
        let next = scenario.with_untracked(|s| apply_choice(s, choice, &value))?;
        on_change.run(next);
        Ok(())
    };
    view! {
        <SelectField key=choice.key label=choice.label options=choice.options
            value=Signal::derive(move || scenario.with(|s| (choice.get)(s).unwrap_or_default().to_owned()))
            apply=apply other="Other (from the scenario)"/>
    }
}

/// One labelled numeric knob, validated as it is typed.
#[component]
pub fn KnobField<S: Checked>(
    knob: &'static Knob<S>,
    scenario: RwSignal<S>,
    modified: RwSignal<bool>,
    generation: RwSignal<u32>,
) -> impl IntoView {
    let apply = move |text: String| -> Result<(), String> {
        let next = scenario.with_untracked(|s| apply(s, knob, &text))?;
        if scenario.with_untracked(|s| *s != next) {
            scenario.set(next);
            modified.set(true);
        }
        Ok(())
    };
    // A setting that does not apply to this scenario (FIFO groups on a standard queue) is not
    // shown at all: a greyed field would still suggest it matters.
    let applies = move || scenario.with(|s| (knob.get)(s).is_some());
    view! {
        <Show when=applies>
            <SettingField
                key=knob.key
                label=knob.label
                range=format!("{} {}", if knob.aws { "AWS range" } else { "range" }, knob.range())
                value=Signal::derive(move || scenario.with(|s| (knob.get)(s).map(format_value).unwrap_or_default()))
                apply=apply
                generation=generation
            />
        </Show>
    }
}
