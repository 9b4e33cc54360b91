//! `PlaygroundLayout`: the page frame every scene shares: header, diagram, controls and metrics.

use leptos::prelude::*;

/// The header slot: the title and a short explanation of what the reader is looking at.
#[slot]
pub struct LayoutHeader {
    /// Heading and explanation.
    children: Children,
}

/// The diagram slot: the wide, main area (the animated SVG).
#[slot]
pub struct LayoutDiagram {
    /// The diagram.
    children: Children,
}

/// The controls slot: player controls and scenario settings.
#[slot]
pub struct LayoutControls {
    /// The controls.
    children: Children,
}

/// The metrics slot: charts, counters and the event log.
#[slot]
pub struct LayoutMetrics {
    /// The metrics.
    children: Children,
}

/// A header, a wide diagram area and a side column with controls above metrics.
///
/// On a desktop the diagram sits left with the metrics below it, and the controls fill the right
/// column (they are long: one field per knob); below 960 px wide everything stacks (header,
/// diagram, controls, metrics) and nothing scrolls sideways.
#[component]
pub fn PlaygroundLayout(
    /// The `id` of the outer element, so pages can link to it.
    #[prop(into, optional)]
    id: Option<String>,
    /// Title and explanation.
    layout_header: LayoutHeader,
    /// The main diagram.
    layout_diagram: LayoutDiagram,
    /// The controls panel.
    layout_controls: LayoutControls,
    /// The metrics panel.
    layout_metrics: LayoutMetrics,
) -> impl IntoView {
    view! {
        <section class="playground-layout" id=id>
            <header class="layout-header">{(layout_header.children)()}</header>
            <div class="layout-diagram">{(layout_diagram.children)()}</div>
            <section class="panel layout-controls" aria-label="Controls">
                {(layout_controls.children)()}
            </section>
            <section class="panel layout-metrics" aria-label="Metrics">
                {(layout_metrics.children)()}
            </section>
        </section>
    }
}
