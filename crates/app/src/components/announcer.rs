//! `Announcer`: a polite live region for the few events worth saying out loud.

use leptos::prelude::*;

/// A visually hidden `role="status"` region; screen readers read each new `message` when idle.
///
/// Scenes put notable events here (a message moved to the dead-letter queue, a run finished),
/// never the whole event stream.
#[component]
pub fn Announcer(
    /// The latest announcement; an empty string says nothing.
    #[prop(into)]
    message: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || message.get()}
        </div>
    }
}
