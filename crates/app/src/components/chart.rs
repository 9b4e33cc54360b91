//! `TimeSeriesChart`: an SVG line chart of metric series over simulated time, with a text legend.

use leptos::prelude::*;

pub use crate::components::chart_model::Series;
use crate::components::chart_model::{
    format_value, layout_chart, summarize, unit_suffix, ChartDims, LaidOutSeries, Tick,
};

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
    // Ticks move far less often than lines; a separate memo keeps the axes' nodes between frames.
    let axes_model = Memo::new(move |_| layout.with(|l| (l.dims, l.x_ticks.clone(), l.y_ticks.clone())));
    // Lines and legend entries are keyed by series index, so each frame only updates attributes and text.
    let series_indices = move || layout.with(|l| (0..l.series.len()).collect::<Vec<_>>());
    let field = move |idx: usize, read: fn(&LaidOutSeries) -> String| {
        layout.with(|l| l.series.get(idx).map(read).unwrap_or_default())
    };
    let label = {
        let title = title.clone();
        let y_unit = y_unit.clone();
        move || format!("{title}. {}", layout.with(|l| summarize(&l.series, &y_unit)))
    };
    let view_box = move || layout.with(|l| format!("0 0 {} {}", l.dims.width, l.dims.height));
    let dims = ChartDims::default();
    // A StoredValue keeps the closures below `Copy`, which the keyed rows need.
    let legend_unit = StoredValue::new(unit_suffix(&y_unit));
    let latest_text = move |idx: usize| {
        layout.with(|l| match l.series.get(idx).and_then(|s| s.latest) {
            Some((_, y)) => format!("{}{}", format_value(y), legend_unit.get_value()),
            None => "no data".to_string(),
        })
    };
    let marker = move |idx: usize| layout.with(|l| l.series.get(idx).and_then(|s| s.latest_pos));

    view! {
        <figure class="chart" node_ref=figure>
            <figcaption class="chart-title">{title}</figcaption>
            <svg class="chart-plot" data-testid="chart" role="img" aria-label=label viewBox=view_box>
                <text class="axis-unit" x=dims.plot_left() y=dims.plot_top() - 9.0 text-anchor="middle">
                    {y_unit}
                </text>
                {move || axes_model.with(|(dims, x_ticks, y_ticks)| axes(*dims, x_ticks, y_ticks))}
                <For each=series_indices key=|idx| *idx let:idx>
                    <g aria-hidden="true">
                        <path class=move || field(idx, |s| s.class.clone()) d=move || field(idx, |s| s.path.clone())></path>
                        // A series without points hides its marker (r = 0) rather than drawing it at the origin.
                        <circle
                            class=move || field(idx, |s| s.class.clone())
                            cx=move || marker(idx).map_or(0.0, |p| p.0)
                            cy=move || marker(idx).map_or(0.0, |p| p.1)
                            r=move || if marker(idx).is_some() { 3.5 } else { 0.0 }
                        ></circle>
                    </g>
                </For>
            </svg>
            <ul class="chart-legend">
                <For each=series_indices key=|idx| *idx let:idx>
                    <li>
                        <svg class="legend-swatch" viewBox="0 0 28 8" aria-hidden="true">
                            <line class=move || field(idx, |s| s.class.clone()) x1="1" y1="4" x2="27" y2="4"></line>
                        </svg>
                        <span>
                            {move || field(idx, |s| s.name.clone())} ": "
                            <span class="legend-value">{move || latest_text(idx)}</span>
                        </span>
                    </li>
                </For>
            </ul>
        </figure>
    }
}

/// Grid lines and tick labels.
fn axes(dims: ChartDims, x_ticks: &[Tick], y_ticks: &[Tick]) -> impl IntoView {
    let y_lines = y_ticks
        .iter()
        .map(|tick| {
            view! {
                <line class="grid" x1=dims.plot_left() x2=dims.plot_right() y1=tick.pos y2=tick.pos></line>
                <text class="tick" x=dims.plot_left() - 6.0 y=tick.pos + 4.0 text-anchor="end">
                    {tick.label.clone()}
                </text>
            }
        })
        .collect_view();
    let x_labels = x_ticks
        .iter()
        .map(|tick| {
            view! {
                <line class="tick-mark" x1=tick.pos x2=tick.pos y1=dims.plot_bottom() y2=dims.plot_bottom() + 4.0></line>
                <text class="tick" x=tick.pos y=dims.plot_bottom() + 17.0 text-anchor="middle">
                    {tick.label.clone()}
                </text>
            }
        })
        .collect_view();
    view! {
        <g aria-hidden="true">
            {y_lines}
            <line class="axis" x1=dims.plot_left() x2=dims.plot_right() y1=dims.plot_bottom() y2=dims.plot_bottom()></line>
            {x_labels}
        </g>
    }
}
