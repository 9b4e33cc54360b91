//! The friendly not-found page for any address that names no page (`routing::Route`).

use leptos::prelude::*;

use crate::playgrounds::{page_title, PLAYGROUNDS};
use crate::routing::{current_path, go_to_playground, misspelt_playground, use_document_title, use_site_base};

/// "Page not found", the path that was asked for (as text), and links to every playground.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let base = use_site_base();
    let path = current_path();
    // `/sqs/` or `/sqs.html`: the playground's page is at `/sqs` (404.html is the landing bundle,
    // which has no scene, so the reader is sent on rather than shown it here).
    if let Some(slug) = misspelt_playground(&base.strip(&path)) {
        go_to_playground(slug);
    }
    use_document_title(page_title("Page not found"));
    // Show the path as typed (`<b>` rather than `%3Cb%3E`); it is still inserted as text.
    let asked_for = js_sys::decode_uri(&path).map(String::from).unwrap_or(path);
    let links = PLAYGROUNDS
        .iter()
        .map(|playground| {
            view! {
                <li>
                    <a href=base.href(&format!("/{}", playground.slug))>{playground.name}</a>
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
                <a href=base.href("/")>"Go to the home page"</a>
            </p>
        </article>
    }
}
