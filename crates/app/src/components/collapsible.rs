//! A titled section that starts open on wide screens and folded on phones, where a long list of
//! settings would push the diagram and its effects out of sight.

use leptos::prelude::*;

/// Phones and narrow embeds: below this width long sections start folded.
const NARROW: &str = "(max-width: 40rem)";

/// `<details>` open on wide screens, closed on narrow ones (the reader can open it).
#[component]
pub fn Collapsible(
    /// The summary line.
    title: &'static str,
    /// `data-testid` of the section.
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    let narrow = window().match_media(NARROW).ok().flatten().is_some_and(|query| query.matches());
    view! {
        <details class="collapsible" open=!narrow data-testid=testid>
            <summary class="collapsible-title">{title}</summary>
            {children()}
        </details>
    }
}
