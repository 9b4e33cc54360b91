//! The "Why?" panel: an event's causal chain as the engine recorded it — the event, then the
//! earlier event of the same message, copy or call that led to it, and so on back to where its
//! story starts (see `engine::rewind::Tape::why`). Each link's time goes to that moment.

use leptos::prelude::*;

use super::event_log::event_line;
use super::LogEntry;
use crate::view_model::format_sim_time;

/// A chain to show: the asked-about event first, then its causes, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WhyView {
    /// The events, newest first.
    pub links: Vec<LogEntry>,
    /// `true` when the chain goes on beyond the links shown.
    pub more: bool,
}

/// The panel, shown while `why` holds a chain.
#[component]
pub fn WhyPanel(
    /// The chain, if one was asked for.
    why: RwSignal<Option<WhyView>>,
    /// Shows the run at a simulated second (a link's time).
    on_seek: Callback<f64>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H3>::new();
    let panel = NodeRef::<leptos::html::Section>::new();
    // Asked from the event log or a marker: the panel comes into view and takes the focus, so a
    // keyboard or screen-reader user lands on the answer.
    // (The heading mounts with the panel, after this effect's first run: it runs again then.)
    Effect::new(move || {
        why.track();
        if let (Some(h), Some(panel)) = (heading.get(), panel.get()) {
            // The whole chain in view where it fits, not just its heading.
            let focus = web_sys::FocusOptions::new();
            focus.set_prevent_scroll(true);
            let _ = h.focus_with_options(&focus);
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            panel.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    let links = move || {
        why.with(|w| {
            let Some(w) = w else { return Vec::new() };
            let last = w.links.len().saturating_sub(1);
            w.links
                .iter()
                .enumerate()
                .map(|(i, link)| {
                    let at = link.at_secs;
                    let time = view! {
                        <button type="button" class="log-time why-time" title="Show this moment"
                            on:click=move |_| on_seek.run(at)>{format_sim_time(at)}</button>
                    };
                    view! {
                        <li>
                            {event_line(time.into_any(), &link.reason, link.message.clone())}
                            {(i < last).then(|| view! { <span class="why-because muted">"because"</span> })}
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let ending = move || {
        why.with(|w| match w {
            Some(w) if w.more => "…and earlier events of the same story, not shown.",
            Some(w) if w.links.len() == 1 => {
                "Nothing earlier led to it: it is where its message, copy or call starts (or this service's events are not linked to earlier ones)."
            }
            Some(_) => "That is where its story starts.",
            None => "",
        })
    };
    view! {
        <Show when=move || why.with(Option::is_some)>
            <section class="why-panel" aria-label="Why did this happen?" data-testid="why-panel" node_ref=panel>
                <h3 class="panel-title" tabindex="-1" node_ref=heading>"Why?"</h3>
                <ol class="why-chain" data-testid="why-chain">{links}</ol>
                <p class="muted why-ending">{ending}</p>
                <button type="button" class="button small" data-testid="why-close" on:click=move |_| why.set(None)>
                    "Close"
                </button>
            </section>
        </Show>
    }
}
