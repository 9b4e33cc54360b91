//! The message inspector every playground shows beside its diagram: the selected message's
//! place now, anything the scene adds (a filter's decision, a payload), and its history from the
//! recent trace window, each step with its reason code.

use engine::TraceRecord;
use leptos::prelude::*;

use super::event_log::{event_line, event_time};

/// One step of a message's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryStep {
    /// Simulated seconds.
    pub at_secs: f64,
    /// The reason code.
    pub reason: &'static str,
    /// What happened, in words.
    pub text: String,
}

impl HistoryStep {
    /// The step a trace event records.
    pub fn of<E: TraceRecord>(e: &E) -> HistoryStep {
        HistoryStep { at_secs: e.at().as_secs_f64(), reason: e.reason().code(), text: e.describe() }
    }
}

/// The inspector panel: a hint until a token is selected, then the message.
#[component]
pub fn MessageInspector(
    /// Whether a message is selected.
    #[prop(into)]
    open: Signal<bool>,
    /// The first line: the message and where it is.
    #[prop(into)]
    title: Signal<String>,
    /// Its history, oldest first.
    #[prop(into)]
    steps: Signal<Vec<HistoryStep>>,
    /// Whether older steps have left the recent-events window.
    #[prop(into)]
    truncated: Signal<bool>,
    /// What to do to open it (shown while nothing is selected).
    hint: &'static str,
    /// Closes it.
    #[prop(into)]
    on_close: Callback<()>,
    /// What the scene adds between the title and the history.
    #[prop(optional)]
    children: Option<ChildrenFn>,
    /// The hint is shown elsewhere (an [`InspectorHint`] under the diagram): closed, the panel is
    /// not drawn; opened, it scrolls into view. A playground page opens it at the top of the
    /// column beside the diagram, so the diagram stays in view.
    #[prop(optional)]
    hint_elsewhere: bool,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Section>::new();
    Effect::watch(
        move || open.get(),
        move |&open, _, _| {
            if let (true, true, Some(panel)) = (open, hint_elsewhere, panel.get_untracked()) {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                panel.scroll_into_view_with_scroll_into_view_options(&options);
            }
        },
        false,
    );
    let items = move || {
        steps.with(|steps| {
            steps
                .iter()
                .map(|s| {
                    view! { <li>{event_line(event_time(s.at_secs), s.reason, s.text.clone())}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="sqs-inspector" aria-label="Message inspector" data-testid="inspector" node_ref=panel
            hidden=move || hint_elsewhere && !open.get()>
            <h3 class="panel-title">"Message inspector"</h3>
            <Show when=move || open.get() fallback=move || view! { <p class="muted">{hint}</p> }>
                <p>
                    <strong>{move || title.get()}</strong>
                    " "
                    <button type="button" class="button small" on:click=move |_| on_close.run(())>"Close"</button>
                </p>
                {children.clone().map(|c| c())}
                <p class="muted">
                    {move || truncated.get().then_some("Older history has scrolled out of the recent-events window (the last 512 events); these are the steps still in it.")}
                </p>
                <div class="event-log">
                    <ol aria-label="Message history" tabindex="0">{items}</ol>
                </div>
            </Show>
        </section>
    }
}

/// How to open the inspector, shown under the diagram while it is closed (when the inspector
/// itself opens elsewhere: `hint_elsewhere`).
#[component]
pub fn InspectorHint(
    /// Whether the inspector is open.
    #[prop(into)]
    open: Signal<bool>,
    /// What to do to open it.
    hint: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || !open.get()>
            <p class="muted inspector-hint">{hint}</p>
        </Show>
    }
}
