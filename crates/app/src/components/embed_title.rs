//! The title bar of an embed: which service and preset this is, and a link to the full
//! playground, for a reader who meets the diagram in someone else's post.

use leptos::prelude::*;

/// `SQS · Poison message → DLQ (changed)   Open in Nimbus ↗`.
#[component]
pub fn EmbedTitle(
    /// `SQS`.
    service: &'static str,
    /// The preset's name, marked when the settings differ from it.
    #[prop(into)]
    preset: Signal<String>,
    /// The full playground with the same run.
    #[prop(into)]
    href: Signal<String>,
) -> impl IntoView {
    view! {
        <header class="embed-title" data-testid="embed-title">
            <span class="embed-title-text"><strong>{service}</strong>" · "{preset}</span>
            <a href=href target="_blank" rel="noopener" data-testid="open-full">"Open in Nimbus ↗"</a>
        </header>
    }
}
