//! `SharePanel`: copy a link that replays this run (optionally from the current simulated time).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::unique_id;
use crate::share::copy_text;
use crate::view_model::format_sim_time;

/// "Copy link", with a choice to start the link at the current simulated time.
///
/// After a copy the link is also shown in a read-only field, selected, so it can be copied by
/// hand where the browser refuses clipboard access.
#[component]
pub fn SharePanel(
    /// The link for the current state; `true` asks for the current simulated time in it.
    #[prop(into)]
    link: Callback<bool, String>,
    /// Simulated seconds now, for the label.
    #[prop(into)]
    now_secs: Signal<f64>,
) -> impl IntoView {
    let with_time = RwSignal::new(false);
    let shown = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let time_id = unique_id("share-time");
    let field = NodeRef::<leptos::html::Input>::new();

    let copy = move |_| {
        let url = link.run(with_time.get_untracked());
        shown.set(Some(url.clone()));
        status.set("Copying…".to_string());
        spawn_local(async move {
            let copied = copy_text(url).await;
            status.set(
                if copied { "Link copied." } else { "Copy the link below (the browser did not allow copying)." }.into(),
            );
        });
    };
    // Select the shown link so Ctrl+C copies it.
    Effect::new(move |_| {
        if shown.with(Option::is_some) {
            if let Some(input) = field.get() {
                input.select();
            }
        }
    });

    view! {
        <div class="share-panel" role="group" aria-label="Share this run">
            <div class="control-row">
                <button type="button" class="button" data-testid="copy-link" on:click=copy>"Copy link"</button>
                <span class="muted" role="status" data-testid="share-status">{move || status.get()}</span>
            </div>
            <div class="knob knob-check">
                <input id=time_id.clone() type="checkbox" data-testid="share-with-time"
                    prop:checked=move || with_time.get()
                    on:change=move |ev| with_time.set(event_target_checked(&ev))/>
                <label for=time_id>{move || format!("Start the link at {}", format_sim_time(now_secs.get()))}</label>
            </div>
            <Show when=move || shown.with(Option::is_some)>
                <input class="share-link" type="text" readonly aria-label="Link to this run" data-testid="share-link"
                    node_ref=field prop:value=move || shown.get().unwrap_or_default()/>
            </Show>
        </div>
    }
}

/// What a link asked for that the page could not do, as a dismissible note.
#[component]
pub fn LinkNotices(
    /// The notices; empty shows nothing.
    notices: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || notices.with(|n| !n.is_empty())>
            <div class="link-notice" role="status" data-testid="link-notice">
                <p><strong>"Parts of this link were ignored; the rest opened as shared."</strong></p>
                <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button type="button" class="button small" on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}
