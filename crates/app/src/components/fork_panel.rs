//! "Compare two futures": fork the run at the instant the page shows, with one setting changed;
//! the fork plays beside the run (same seed, same instant), the charts draw it dashed and this
//! panel counts the difference. One fork at a time.

use leptos::prelude::*;

use super::unique_id;
use crate::view_model::format_sim_time;

/// A setting a fork may change: its link key, its label and its value now.
#[derive(Clone, Debug, PartialEq)]
pub struct ForkChoice {
    /// The setting's link key (`visibility`).
    pub key: &'static str,
    /// Its label (`Visibility timeout (s)`).
    pub label: &'static str,
    /// Its value in the run, as typed.
    pub value: String,
}

/// The fork panel: a form while there is no fork, the comparison while there is one.
#[component]
pub fn ForkPanel(
    /// When the fork was taken, what it changed, and whether the page shows an instant before
    /// it, while there is one.
    forked: Signal<Option<(f64, String, bool)>>,
    /// The settings a fork may change, with their values now.
    choices: Signal<Vec<ForkChoice>>,
    /// The run's counters and the fork's, by name.
    counters: Signal<Vec<(&'static str, u64)>>,
    fork_counters: Signal<Vec<(&'static str, u64)>>,
    /// Forks with a setting (key, value); `Err` says what is wrong.
    on_fork: Callback<(String, String), Result<(), String>>,
    /// Closes the fork.
    on_close: Callback<()>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let (key_id, value_id, error_id) = (unique_id("fork-key"), unique_id("fork-value"), unique_id("fork-error"));
    // The value field starts from the chosen setting's value in the run.
    let pick = move |k: String| {
        let now = choices.with_untracked(|c| c.iter().find(|c| c.key == k).map(|c| c.value.clone()));
        value.set(now.unwrap_or_default());
        key.set(k);
        error.set(None);
    };
    Effect::new(move || {
        let first = choices.with(|c| c.first().map(|c| c.key.to_string()));
        if let (true, Some(first)) = (key.with_untracked(String::is_empty), first) {
            pick(first);
        }
    });
    let fork = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(on_fork.run((key.get_untracked(), value.get_untracked())).err());
    };
    let rows = move || {
        let (main, other) = (counters.get(), fork_counters.get());
        main.into_iter()
            .filter_map(|(name, a)| {
                let b = other.iter().find(|(n, _)| *n == name)?.1;
                // Unsigned both ways: no signed formatting code for one column.
                let delta = match b.cmp(&a) {
                    std::cmp::Ordering::Equal => "=".to_string(),
                    std::cmp::Ordering::Greater => format!("+{}", b - a),
                    std::cmp::Ordering::Less => format!("−{}", a - b),
                };
                Some(view! {
                    <tr data-counter=name><th scope="row">{name}</th><td>{a}</td><td>{b}</td><td>{delta}</td></tr>
                })
            })
            .collect_view()
    };
    let options = move || {
        choices.with(|c| {
            c.iter()
                .map(|c| {
                    let k = c.key;
                    view! { <option value=k prop:selected=move || key.with(|key| key == k)>{c.label}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="fork-panel panel" aria-label="Compare two futures" data-testid="fork-panel">
            <h3 class="panel-title">"Compare two futures"</h3>
            <Show when=move || forked.with(Option::is_some) fallback=move || view! {
                <p class="muted">"Fork the run here with one setting changed: the fork plays beside it from this instant with the same seed, the charts draw it dashed, and the counters below show the difference."</p>
                <form class="fork-form" on:submit=fork>
                    <label for=key_id.clone()>"Setting"</label>
                    <select id=key_id.clone() data-testid="fork-key" on:change=move |ev| pick(event_target_value(&ev))>{options}</select>
                    <label for=value_id.clone()>"Value"</label>
                    <input type="text" id=value_id.clone() data-testid="fork-value" inputmode="decimal" prop:value=move || value.get()
                        aria-invalid=move || error.with(|e| e.is_some().to_string()) aria-describedby=error_id.clone()
                        on:input=move |ev| value.set(event_target_value(&ev))/>
                    <button type="submit" class="button" data-testid="fork-here">"Fork here"</button>
                </form>
                <p class="field-message" id=error_id.clone() role="alert" data-testid="fork-error">{move || error.get()}</p>
            }>
                <p data-testid="fork-summary">
                    {move || forked.get().map(|(at, change, waiting)| match waiting {
                        false => format!("Fork at {} with {change}: dashed in the charts.", format_sim_time(at)),
                        true => format!("Fork at {} with {change}: it goes on when the run gets there.", format_sim_time(at)),
                    })}
                    " "
                    <button type="button" class="button small" data-testid="fork-close" on:click=move |_| on_close.run(())>"Close fork"</button>
                </p>
                <table class="fork-table" data-testid="fork-table" hidden=move || forked.with(|f| f.as_ref().is_none_or(|f| f.2))>
                    <thead><tr><th scope="col">"Counter"</th><th scope="col">"This run"</th><th scope="col">"Fork"</th><th scope="col">"Difference"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="muted fork-note">"Both futures start from the same state and seed; the fork's random draws part from the run's once it acts differently, so even its arrivals vary a little."</p>
            </Show>
        </section>
    }
}
