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

/// One labelled choice among fixed options (`(value, label)` pairs), applied when it changes; a
/// refused choice is explained under the field and the previous setting keeps running.
#[component]
pub fn SelectField(
    /// The setting's key: the field is `knob-<key>` (its id and test id).
    key: &'static str,
    /// The label.
    label: &'static str,
    /// `(value, label)` of each option.
    options: &'static [(&'static str, &'static str)],
    /// The value the scenario has now (`""` or any other text when it is none of the options).
    #[prop(into)]
    value: Signal<String>,
    /// Applies an option's value: `Err` explains why it is refused.
    #[prop(into)]
    apply: Callback<String, Result<(), String>>,
    /// A disabled option shown when the value is none of the options (a burst pattern from a
    /// scenario file), so the field does not claim a setting the scenario lacks.
    #[prop(optional)]
    other: Option<&'static str>,
) -> impl IntoView {
    let id = format!("knob-{key}");
    let message_id = format!("{id}-message");
    let error = RwSignal::new(None::<String>);
    let other = other.map(|text| {
        let none = move || value.with(|v| options.iter().all(|(option, _)| option != v));
        view! { <option value="" disabled=true prop:selected=none>{text}</option> }
    });
    let options = options
        .iter()
        .map(|&(option, text)| view! { <option value=option prop:selected=move || value.with(|v| v == option)>{text}</option> })
        .collect_view();
    view! {
        <div class="knob">
            <label for=id.clone()>{label}</label>
            <select id=id.clone() data-testid=id aria-describedby=message_id.clone()
                on:change=move |ev| error.set(apply.run(event_target_value(&ev)).err())>
                {options}
                {other}
            </select>
            <p id=message_id.clone() class="field-message" data-testid=message_id>{move || error.get()}</p>
        </div>
    }
}

/// One labelled on/off setting, applied when it changes; a refused change is explained under it.
#[component]
pub fn CheckField(
    /// The setting's key: the box is `knob-<key>` (its id and test id).
    key: &'static str,
    /// The label.
    label: &'static str,
    /// Whether the scenario has it on now.
    #[prop(into)]
    checked: Signal<bool>,
    /// Applies the new state: `Err` explains why it is refused.
    #[prop(into)]
    apply: Callback<bool, Result<(), String>>,
) -> impl IntoView {
    let id = format!("knob-{key}");
    let message_id = format!("{id}-message");
    let error = RwSignal::new(None::<String>);
    view! {
        <div class="knob knob-check">
            <input id=id.clone() type="checkbox" data-testid=id.clone() aria-describedby=message_id.clone()
                prop:checked=checked on:change=move |ev| error.set(apply.run(event_target_checked(&ev)).err())/>
            <label for=id>{label}</label>
            <p id=message_id.clone() class="field-message" data-testid=message_id>{move || error.get()}</p>
        </div>
    }
}
