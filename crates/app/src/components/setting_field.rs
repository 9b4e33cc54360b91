//! A scenario setting typed as text (a number, a JSON filter policy), validated as it is typed:
//! a valid value is applied at once; an invalid one is explained under the field, stays in the
//! field for fixing, and the previous value keeps running.

use leptos::prelude::*;

/// One labelled text setting.
#[component]
pub fn SettingField(
    /// The setting's key: the field is `knob-<key>` (its id and test id).
    key: &'static str,
    /// The label.
    label: &'static str,
    /// The allowed range as shown (`AWS range 0–43,200`), or empty.
    #[prop(into)]
    range: String,
    /// The value the scenario has now.
    #[prop(into)]
    value: Signal<String>,
    /// Applies typed text: `Err` explains what is wrong and what is allowed.
    #[prop(into)]
    apply: Callback<String, Result<(), String>>,
    /// Bumped when the scenario is replaced wholesale: drops what was typed.
    generation: RwSignal<u32>,
    /// A multi-line field (JSON) instead of a one-line input.
    #[prop(optional)]
    multiline: bool,
) -> impl IntoView {
    let id = format!("knob-{key}");
    let message_id = format!("{id}-message");
    let range_id = format!("{id}-range");
    // What is in the field while it differs from the scenario (say, while something invalid is typed).
    let draft = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    Effect::watch(
        move || generation.get(),
        move |_, _, _| {
            draft.set(None);
            error.set(None);
        },
        false,
    );
    let shown = move || draft.get().unwrap_or_else(|| value.get());
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        error.set(apply.run(text.clone()).err());
        draft.set(Some(text));
    };
    let described_by = format!("{range_id} {message_id}");
    let invalid = move || error.with(Option::is_some).to_string();
    let field = if multiline {
        view! {
            <textarea id=id.clone() rows="3" spellcheck="false" data-testid=id.clone() aria-describedby=described_by
                aria-invalid=invalid prop:value=shown on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() type="text" inputmode="decimal" autocomplete="off" spellcheck="false" data-testid=id.clone()
                aria-describedby=described_by aria-invalid=invalid
                prop:value=shown on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="knob">
            <label for=id>{label}</label>
            <span class="knob-range" id=range_id>{range}</span>
            {field}
            <p id=message_id.clone() class="field-message" data-testid=message_id>{move || error.get()}</p>
        </div>
    }
}
