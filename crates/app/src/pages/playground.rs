//! A playground's page: its scene (SQS, SNS, Kinesis, VPC peering, API Gateway, flows), or a plain note of what it will show for one not built yet.

use leptos::prelude::*;

use crate::pages::card_diagrams::card_diagram;
use crate::pages::NotFoundPage;
use crate::playgrounds::{find, page_title};
use crate::routing::{go_to_playground, use_document_title, use_site_base};
#[cfg(feature = "apigw")]
use crate::scenes::ApigwScene;
#[cfg(feature = "flow")]
use crate::scenes::FlowScene;
#[cfg(feature = "kinesis")]
use crate::scenes::KinesisScene;
#[cfg(feature = "sns")]
use crate::scenes::SnsScene;
#[cfg(feature = "sqs")]
use crate::scenes::SqsScene;
#[cfg(feature = "vpc")]
use crate::scenes::VpcScene;
#[cfg(feature = "scene")]
use crate::share::ViewOptions;

/// The page of the playground with this slug (`/sqs` shows `slug = "sqs"`).
#[component]
pub fn PlaygroundPage(
    /// Which playground, as in `playgrounds::PLAYGROUNDS`.
    slug: &'static str,
) -> impl IntoView {
    let base = use_site_base();
    // Routes and the list are both written by us, so a miss is a bug; showing not-found beats a panic.
    let Some(playground) = find(slug) else {
        return view! { <NotFoundPage/> }.into_any();
    };
    use_document_title(page_title(playground.name));
    #[cfg(feature = "scene")]
    {
        let scene = match playground.slug {
            #[cfg(feature = "sqs")]
            "sqs" => Some(view! { <SqsScene/> }.into_any()),
            #[cfg(feature = "sns")]
            "sns" => Some(view! { <SnsScene/> }.into_any()),
            #[cfg(feature = "kinesis")]
            "kinesis" => Some(view! { <KinesisScene/> }.into_any()),
            #[cfg(feature = "apigw")]
            "apigw" => Some(view! { <ApigwScene/> }.into_any()),
            #[cfg(feature = "vpc")]
            "vpc" => Some(view! { <VpcScene/> }.into_any()),
            #[cfg(feature = "flow")]
            "flow" => Some(view! { <FlowScene/> }.into_any()),
            _ => None,
        };
        if let Some(scene) = scene {
            if use_context::<ViewOptions>().is_some_and(|v| v.embed) {
                // An embed is the scene alone: the host page has its own title and text.
                return view! {
                    <article class="embed-page" data-playground=playground.slug aria-label=playground.name>
                        {scene}
                    </article>
                }
                .into_any();
            }
            return view! {
                <article class="page playground-page" data-playground=playground.slug>
                    <h1>{playground.name}</h1>
                    <p class="lede">{playground.promise}</p>
                    {scene}
                </article>
            }
            .into_any();
        }
    }
    // This bundle lacks the scene (each page of the site has only its own): the playground's page
    // has it. Sent there unless the browser is already at its address — then the host does not
    // serve the site as built, and the reader gets what it shows and a link to the page's file.
    go_to_playground(playground.slug);
    let will_show = playground.will_show.iter().map(|item| view! { <li>{*item}</li> }).collect_view();
    view! {
        <article class="page playground-page" data-playground=playground.slug>
            <h1>{playground.name}</h1>
            <p class="lede">{playground.promise}</p>
            <div class="not-built" role="note">
                <p class="not-built-title">
                    <a href=base.href(&format!("/{}.html", playground.slug))>"Open the playground"</a>
                </p>
                <p>{playground.description}</p>
                <p>"It shows:"</p>
                <ul>{will_show}</ul>
            </div>
            <div class="card-diagram preview" inner_html=card_diagram(playground.slug)></div>
            <p>
                <a href=base.href("/")>
                    <span aria-hidden="true">"← "</span>
                    "All playgrounds"
                </a>
            </p>
        </article>
    }
    .into_any()
}
