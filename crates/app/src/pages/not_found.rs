//! The friendly not-found page for any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::playgrounds::{page_title, PLAYGROUNDS};
use crate::routing::{
    go_to_playground, home_link_rel, misspelt_playground, playground_link_rel, use_document_title, use_site_base,
};

/// "Page not found", the path that was asked for (as text), and links to every playground.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let base = use_site_base();
    let location = use_location();
    // `/sqs/` or `/sqs.html`: the playground's page is at `/sqs` (404.html is the landing bundle,
    // which has no scene, so the reader is sent on rather than shown it here).
    if let Some(slug) = misspelt_playground(&base.strip(&location.pathname.get_untracked())) {
        go_to_playground(slug);
    }
    use_document_title(page_title("Page not found"));
    // Show the path as typed (`<b>` rather than `%3Cb%3E`); it is still inserted as text.
    let asked_for = move || {
        let raw = location.pathname.get();
        js_sys::decode_uri(&raw).map(String::from).unwrap_or(raw)
    };
    let links = PLAYGROUNDS
        .iter()
        .map(|playground| {
            view! {
                <li>
                    <A href=base.href(&format!("/{}", playground.slug)) attr:rel=playground_link_rel(playground.slug)>{playground.name}</A>
                    " — " {playground.promise}
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="page not-found">
            <h1>"Page not found"</h1>
            // A text node, never markup: whatever was typed in the address bar is shown inert.
            <p>"There is no page at " <code class="bad-path">{asked_for}</code> "."</p>
            <p>"Try one of the playgrounds:"</p>
            <ul class="link-list">{links}</ul>
            <p>
                <A href=base.href("/") attr:rel=home_link_rel()>"Go to the home page"</A>
            </p>
        </article>
    }
}
