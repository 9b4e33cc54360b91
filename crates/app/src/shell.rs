//! The frame around every page: skip link, header with the wordmark and the playground nav, footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use crate::playgrounds::PLAYGROUNDS;
use crate::routing::{home_link_rel, playground_link_rel, use_site_base};

/// The site header: a skip link, the "Nimbus" wordmark linking home, and a wrapping nav of the five playgrounds.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let base = use_site_base();
    let location = use_location();
    // With `<base href>` set, a bare `#main` would resolve against the base (the home page), so the
    // skip link names the current path; rel="external" leaves the jump to the browser, not the router.
    let skip_href = move || {
        let search = location.search.get();
        let query = if search.is_empty() { String::new() } else { format!("?{search}") };
        format!("{}{query}#main", location.pathname.get())
    };
    let nav_links = PLAYGROUNDS
        .iter()
        .map(|playground| {
            view! {
                <li>
                    <A href=base.href(&format!("/{}", playground.slug)) attr:rel=playground_link_rel(playground.slug)>{playground.nav_label}</A>
                </li>
            }
        })
        .collect_view();
    view! {
        <a class="skip-link" href=skip_href rel="external">"Skip to content"</a>
        <header class="site-header">
            <A href=base.href("/") exact=true attr:class="wordmark" attr:rel=home_link_rel()>
                <svg class="wordmark-mark" viewBox="0 0 32 20" aria-hidden="true">
                    <path d="M8 18a6 6 0 0 1-.6-12A8 8 0 0 1 22.5 5 6.5 6.5 0 0 1 25 18z"></path>
                </svg>
                "Nimbus"
            </A>
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

/// Moves keyboard focus to `<main>` after each in-app navigation (not on the first load).
///
/// Without it, focus stays on the link that was clicked, which may no longer exist, and screen
/// readers do not notice that the page changed.
#[component]
pub fn FocusOnNavigate() -> impl IntoView {
    let location = use_location();
    Effect::watch(
        move || location.pathname.get(),
        |_, _, _| {
            let main = document().get_element_by_id("main").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(main) = main {
                let _ = main.focus();
            }
        },
        false,
    );
}
