//! The preset picker every playground shows: a select of named scenarios and the chosen one's
//! explanation (what to watch, and why it happens).

use leptos::prelude::*;

/// A select of presets with the explanation of the one loaded.
#[component]
pub fn PresetPicker(
    /// `(key, name, explanation)` of every preset, in picker order.
    entries: Vec<(&'static str, &'static str, &'static str)>,
    /// The preset the settings started from.
    preset_key: RwSignal<String>,
    /// Whether settings changed since it was loaded.
    modified: RwSignal<bool>,
    /// Called with the key the reader picks.
    #[prop(into)]
    on_pick: Callback<String>,
) -> impl IntoView {
    let id = super::unique_id("preset");
    let options = entries
        .iter()
        .map(|&(key, name, _)| view! { <option value=key prop:selected=move || preset_key.with(|k| k == key)>{name}</option> })
        .collect_view();
    let explain = move |key: &str| entries.iter().find(|e| e.0 == key).map_or("", |e| e.2);
    view! {
        <div class="sqs-presets">
            <div class="control-row">
                <label for=id.clone()>"Preset"</label>
                <select id=id data-testid="preset" on:change=move |ev| on_pick.run(event_target_value(&ev))>
                    {options}
                </select>
            </div>
            <p class="preset-explanation" data-testid="preset-explanation">
                {move || preset_key.with(|k| explain(k))}
                {move || if modified.get() { " (You have changed settings since loading it.)" } else { "" }}
            </p>
        </div>
    }
}
