//! Nimbus app: the Leptos single-page shell that presents the playgrounds and drives the engine in the browser.
//!
//! `main.rs` installs the panic hook and mounts [`App`]; everything else lives in these modules.
//! The `#[wasm_bindgen]` exports exist for the browser tests and the browser benchmark.

mod anim;
pub mod components;
mod embed;
mod pages;
mod panic;
mod playgrounds;
mod routing;
mod scenes;
mod share;
mod shell;
pub mod view_model;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

pub use panic::install_panic_hook;

#[cfg(any(not(feature = "scene"), feature = "playgrounds"))]
use pages::LandingPage;
use pages::{NotFoundPage, PlaygroundPage};
use routing::{Route, SiteBase};
use shell::{SiteFooter, SiteHeader};

/// The whole app: header, the routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    let base = SiteBase::from_document();
    provide_context(base.clone());
    // What the opening link says about the page as a whole (embed mode, theme); the scene reads
    // the rest of the link itself.
    // The landing bundle (no scene) has nothing to embed and skips the link parser.
    #[cfg(feature = "scene")]
    let page = share::parse(&share::current_query()).0.view;
    #[cfg(not(feature = "scene"))]
    let page = share::ViewOptions::default();
    embed::apply_page_options(page);
    provide_context(page);
    let chrome = !page.embed;
    let route = Route::current(&base);
    let page = match route {
        Route::Home => view! { <HomePage/> }.into_any(),
        Route::Playground(slug) => view! { <PlaygroundPage slug=slug/> }.into_any(),
        Route::NotFound => view! { <NotFoundPage/> }.into_any(),
    };
    view! {
        {chrome.then(|| view! { <SiteHeader route=route/> })}
        <main id="main" tabindex="-1">{page}</main>
        {chrome.then(|| view! { <SiteFooter/> })}
    }
}

/// The home page: the landing page, in the bundles that have it. Should a playground's own bundle
/// be opened at `/` (a host that does not serve the site as built), it loads the page from the
/// host again, which answers with the landing bundle.
#[component]
fn HomePage() -> impl IntoView {
    #[cfg(any(not(feature = "scene"), feature = "playgrounds"))]
    {
        view! { <LandingPage/> }
    }
    #[cfg(all(feature = "scene", not(feature = "playgrounds")))]
    {
        let _ = window().location().reload();
        view! { <p class="page first-paint-note" role="status">"Loading…"</p> }
    }
}

/// Panics on purpose, so the browser tests can check that the error panel replaces a blank page.
#[wasm_bindgen]
pub fn nimbus_test_panic() {
    panic!("test panic requested");
}

/// The reference scenario's full-run trace hash for `seed`, as 16 hex digits; the browser test
/// compares it with the native value to prove cross-target determinism. In the bundles with the
/// landing page, which runs the reference scenario.
#[cfg(any(not(feature = "scene"), feature = "playgrounds"))]
#[wasm_bindgen]
pub fn reference_trace_hash(seed: u32) -> String {
    format!("{:016x}", engine::reference::reference_trace_hash(u64::from(seed)))
}

/// Runs the SQS benchmark scenario (`SqsScenario::benchmark`, seed 1) for `simulated_secs` and
/// returns the number of trace events. The browser benchmark times this call to compare the
/// wasm engine with the native one on the same work.
#[cfg(feature = "sqs")]
#[wasm_bindgen]
pub fn sqs_benchmark(simulated_secs: u32) -> f64 {
    use engine::sqs::{SqsScenario, SqsSim};
    // The same run as `nimbus bench`: headless, no window of recent events.
    let Ok(sim) = SqsSim::try_new(&SqsScenario::benchmark(), 1) else { return -1.0 };
    let mut sim = sim.without_recent_events();
    sim.run_until_done(engine::SimTime::from_secs(u64::from(simulated_secs)));
    sim.trace().count() as f64
}

/// The benchmark flow's trace hash after 20 simulated seconds for `seed`, as 16 hex digits
/// (`nimbus hash flow` natively): the browser test's cross-target check of flows.
#[cfg(feature = "flow")]
#[wasm_bindgen]
pub fn flow_trace_hash(seed: u32) -> String {
    format!("{:016x}", engine::flow::flow_trace_hash(u64::from(seed)))
}

/// Runs the benchmark flow (`FlowScenario::benchmark`, seed 1) for `simulated_secs` and
/// returns the number of trace events, for the browser benchmark's wasm-vs-native ratio of flows.
#[cfg(feature = "flow")]
#[wasm_bindgen]
pub fn flow_benchmark(simulated_secs: u32) -> f64 {
    use engine::flow::{FlowScenario, FlowSim};
    let Ok(sim) = FlowSim::try_new(&FlowScenario::benchmark(), 1) else { return -1.0 };
    let mut sim = sim.without_recent_events();
    sim.run_until_done(engine::SimTime::from_secs(u64::from(simulated_secs)));
    sim.trace().count() as f64
}
