//! The landing page: what Nimbus is, the five playground cards, and the engine running live.

use leptos::prelude::*;

use crate::pages::card_diagrams::card_diagram;
use crate::playgrounds::{Playground, LANDING_HEADING, LANDING_LEDE, PLAYGROUNDS, SITE_TITLE};
use crate::routing::{use_document_title, use_site_base};
use crate::scenes::ReferenceScene;

/// The home page.
#[component]
pub fn LandingPage() -> impl IntoView {
    use_document_title(SITE_TITLE.to_string());
    let cards = PLAYGROUNDS.iter().map(|playground| view! { <PlaygroundCard playground=playground/> }).collect_view();
    // The cards' looping previews run only while the cards are on screen.
    let grid = NodeRef::<leptos::html::Div>::new();
    let in_view = crate::embed::use_in_view(grid);
    view! {
        <div class="page landing">
            <section class="hero">
                <h1>{LANDING_HEADING}</h1>
                <p class="lede">{LANDING_LEDE}</p>
            </section>
            <section aria-labelledby="playgrounds-heading">
                <h2 id="playgrounds-heading" class="visually-hidden">"Playgrounds"</h2>
                <div class="card-grid" node_ref=grid class:previews-paused=move || !in_view.get() data-testid="card-grid">{cards}</div>
            </section>
            <ReferenceScene/>
        </div>
    }
}

/// One playground card: name, promise, a small diagram and a link to its page.
#[component]
fn PlaygroundCard(
    /// The playground this card presents.
    playground: &'static Playground,
) -> impl IntoView {
    let base = use_site_base();
    let heading_id = format!("card-{}", playground.slug);
    // Children are built before the parent's attributes, so each use needs its own copy.
    let labelled_by = heading_id.clone();
    view! {
        <article class="card" data-playground=playground.slug aria-labelledby=labelled_by>
            <h2 id=heading_id>{playground.name}</h2>
            <p class="promise">{playground.promise}</p>
            <div class="card-diagram" inner_html=card_diagram(playground.slug)></div>
            <a href=base.href(&format!("/{}", playground.slug)) class="card-link">
                "Open " {playground.name} <span aria-hidden="true">" →"</span>
            </a>
        </article>
    }
}
