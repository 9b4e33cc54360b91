//! `TimeSeriesChart`: an SVG line chart of metric series over simulated time, with a text legend.

use leptos::prelude::*;

pub use crate::components::chart_model::Series;
use crate::components::chart_model::{layout_chart, legend_markup, plot_markup, summarize, ChartDims};

/// Narrowest layout width, in pixels; below it the chart scales down instead of squeezing its labels.
const MIN_WIDTH: f64 = 240.0;

/// A line chart of one or more series against simulated seconds.
///
/// The `viewBox` follows the chart's rendered width, so one SVG unit is one CSS pixel and the
/// labels keep their size from phone to desktop. Colour is never the only cue: each series also
/// has its own dash pattern, the legend names it in text with its latest value, and the SVG's
/// accessible name summarises the latest values.
#[component]
pub fn TimeSeriesChart(
    /// The series to draw; the chart lays itself out again whenever this changes.
    #[prop(into)]
    series: Signal<Vec<Series>>,
    /// The chart's visible caption, e.g. `Queue depth over time`.
    #[prop(into)]
    title: String,
    /// The unit of the values, e.g. `jobs`; shown above the value axis, in the legend and in the summary.
    #[prop(into, optional)]
    y_unit: String,
    /// The shortest time axis, in simulated seconds, so a young run grows from the left.
    #[prop(default = 0.0)]
    min_span_secs: f64,
) -> impl IntoView {
    let figure = NodeRef::<leptos::html::Figure>::new();
    // One SVG unit per CSS pixel, down to the narrowest layout (see `measured_width`).
    let measured = crate::components::measured_width(figure, ChartDims::default().width);
    let width = move || measured.get().max(MIN_WIDTH);
    let layout = Memo::new(move |_| {
        let dims = ChartDims { width: width(), ..ChartDims::default() };
        series.with(|series| layout_chart(series, dims, min_span_secs))
    });
    let label = {
        let title = title.clone();
        let y_unit = y_unit.clone();
        move || format!("{title}. {}", layout.with(|l| summarize(&l.series, &y_unit)))
    };
    let view_box = move || layout.with(|l| format!("0 0 {} {}", l.dims.width, l.dims.height));
    // The plot and the legend are markup written from the layout (see `plot_markup`).
    let plot = {
        let y_unit = y_unit.clone();
        move || layout.with(|l| plot_markup(l, &y_unit))
    };
    let legend = move || layout.with(|l| legend_markup(l, &y_unit));

    view! {
        <figure class="chart" node_ref=figure>
            <figcaption class="chart-title">{title}</figcaption>
            <svg class="chart-plot" data-testid="chart" role="img" aria-label=label viewBox=view_box inner_html=plot></svg>
            <ul class="chart-legend" inner_html=legend></ul>
        </figure>
    }
}
