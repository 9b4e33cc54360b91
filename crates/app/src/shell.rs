//! The frame around every page: skip link, header with the wordmark and the playground nav, footer.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::playgrounds::PLAYGROUNDS;
use crate::routing::{current_path, use_site_base, Route};

/// The site header: a skip link, the "Nimbus" wordmark linking home, and a wrapping nav of the
/// playgrounds; the link to the page the reader is on (`route`) is marked as the current page.
#[component]
pub fn SiteHeader(route: Route) -> impl IntoView {
    let base = use_site_base();
    let aria_current = move |here: bool| here.then_some("page");
    let nav_links = PLAYGROUNDS
        .iter()
        .map(|playground| {
            view! {
                <li>
                    <a href=base.href(&format!("/{}", playground.slug)) aria-current=aria_current(route == Route::Playground(playground.slug))>
                        {playground.nav_label}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        // With `<base href>` set, a bare `#main` would resolve against the base (the home page);
        // the link names the page's path, and the click moves focus without leaving the page
        // (its query may have changed since: the scenes keep the link's state in it).
        <a class="skip-link" href=format!("{}#main", current_path()) on:click=skip_to_main>"Skip to content"</a>
        <header class="site-header">
            <a href=base.href("/") class="wordmark" aria-current=aria_current(route == Route::Home)>
                <svg class="wordmark-mark" viewBox="0 0 32 20" aria-hidden="true">
                    <path d="M8 18a6 6 0 0 1-.6-12A8 8 0 0 1 22.5 5 6.5 6.5 0 0 1 25 18z"></path>
                </svg>
                "Nimbus"
            </a>
            <nav aria-label="Playgrounds">
                <ul class="nav-list">{nav_links}</ul>
            </nav>
        </header>
    }
}

/// The site footer: what Nimbus is, in one line.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Nimbus runs AWS messaging and networking mechanics as deterministic simulations, entirely in your browser. Not affiliated with AWS."
            </p>
        </footer>
    }
}

/// Moves keyboard focus to `<main>` and shows it, as following `#main` would.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    let main = document().get_element_by_id("main").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        ev.prevent_default();
        let _ = main.focus();
        main.scroll_into_view();
    }
}
