//! The numbers under a live diagram: simulated time, the scene's named counters (each a test
//! hook `count-<name>`), a few measured values, and the run's hash so far.

use leptos::prelude::*;

use crate::view_model::{format_sim_time, format_trace_hash};

/// A counter's test id: `count-` and its name with spaces and brackets as dashes
/// (`iterator age (s)` → `count-iterator-age--s-`).
pub fn counter_test_id(name: &str) -> String {
    format!("count-{}", name.replace([' ', '(', ')'], "-"))
}

/// The stats grid and the hash line.
#[component]
pub fn StatsGrid(
    /// Simulated seconds.
    #[prop(into)]
    now_secs: Signal<f64>,
    /// `(name, value)` of each counter, in a fixed order.
    #[prop(into)]
    counters: Signal<Vec<(&'static str, u64)>>,
    /// Further `(label, value)` readouts after the counters (latencies, in words).
    #[prop(into)]
    measured: Signal<Vec<(&'static str, String)>>,
    /// The run's trace hash so far.
    #[prop(into)]
    hash: Signal<u64>,
) -> impl IntoView {
    let ids = move || counters.with(|c| (0..c.len()).collect::<Vec<_>>());
    let measured_ids = move || measured.with(|m| (0..m.len()).collect::<Vec<_>>());
    view! {
        <dl class="stats">
            <div>
                <dt>"Simulated time"</dt>
                <dd data-testid="sim-time">{move || format_sim_time(now_secs.get())}</dd>
            </div>
            <For each=ids key=|i| *i let:i>
                {
                    let name = counters.with_untracked(|c| c.get(i).map(|c| c.0).unwrap_or_default());
                    view! {
                        <div>
                            <dt>{name}</dt>
                            <dd data-testid=counter_test_id(name)>{move || counters.with(|c| c.get(i).map_or(0, |c| c.1))}</dd>
                        </div>
                    }
                }
            </For>
            <For each=measured_ids key=|i| *i let:i>
                <div>
                    <dt>{measured.with_untracked(|m| m.get(i).map(|m| m.0).unwrap_or_default())}</dt>
                    <dd>{move || measured.with(|m| m.get(i).map(|m| m.1.clone()).unwrap_or_default())}</dd>
                </div>
            </For>
        </dl>
        <p class="hash-line muted">
            "Run hash so far: " <code data-testid="run-hash">{move || format_trace_hash(hash.get())}</code>
        </p>
    }
}
