//! Native tests of the chart layout maths.

use super::*;

fn series(name: &str, points: &[(f64, f64)]) -> Series {
    Series { name: name.to_string(), class: String::new(), points: points.to_vec() }
}

#[test]
fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
    assert_eq!(nice_step(10.0, 5), 2.0);
    assert_eq!(nice_step(100.0, 4), 50.0);
    assert_eq!(nice_step(7.0, 4), 2.0);
    assert_eq!(nice_step(1.0, 5), 0.2);
    assert_eq!(nice_step(0.0, 5), 1.0);
    assert_eq!(nice_step(f64::NAN, 5), 1.0);
    assert_eq!(nice_step(3.0, 0), 5.0);
}

#[test]
fn ticks_cover_the_domain_without_overflowing() {
    assert_eq!(ticks_within(0.0, 10.0, 2.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    assert_eq!(ticks_within(0.3, 1.0, 0.2), [0.4, 0.6000000000000001, 0.8, 1.0]);
    assert!(ticks_within(0.0, 1e12, 1.0).is_empty());
    assert!(ticks_within(0.0, 1.0, 0.0).is_empty());
}

#[test]
fn tick_labels_use_the_decimals_the_step_needs() {
    assert_eq!(format_tick(10.0, 5.0), "10");
    assert_eq!(format_tick(0.5, 0.5), "0.5");
    assert_eq!(format_tick(0.6000000000000001, 0.2), "0.6");
    assert_eq!(format_tick(0.3, 0.1), "0.3");
    assert_eq!(format_tick(0.05, 0.01), "0.05");
    assert_eq!(format_tick(-0.0, 1.0), "0");
    assert_eq!(format_tick(-0.00001, 0.1), "0.0");
}

#[test]
fn values_are_compact() {
    assert_eq!(format_value(12.0), "12");
    assert_eq!(format_value(12.5), "12.5");
    assert_eq!(format_value(0.3333), "0.33");
    assert_eq!(format_value(2.001), "2");
}

#[test]
fn a_simple_series_maps_onto_the_plot_area() {
    let dims = ChartDims::default();
    let layout = layout_chart(&[series("depth", &[(0.0, 0.0), (10.0, 4.0)])], dims, 0.0);
    let line = &layout.series[0];
    assert_eq!(line.class, "series series-0");
    // The first point sits on the origin of the plot area, the last on its right edge.
    assert_eq!(
        line.path,
        format!("M{} {}L{} {}", dims.plot_left(), dims.plot_bottom(), dims.plot_right(), dims.plot_top())
    );
    assert_eq!(line.latest, Some((10.0, 4.0)));
    assert_eq!(line.latest_pos, Some((dims.plot_right(), dims.plot_top())));
    let x_labels: Vec<&str> = layout.x_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(x_labels, ["0 s", "2 s", "4 s", "6 s", "8 s", "10 s"]);
    let y_labels: Vec<&str> = layout.y_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(y_labels, ["0", "1", "2", "3", "4"]);
    assert_eq!(layout.y_ticks[0].pos, dims.plot_bottom());
}

#[test]
fn the_value_axis_is_rounded_up_to_a_tick() {
    let layout = layout_chart(&[series("depth", &[(0.0, 1.0), (1.0, 7.0)])], ChartDims::default(), 0.0);
    let y_labels: Vec<&str> = layout.y_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(y_labels, ["0", "2", "4", "6", "8"]);
}

#[test]
fn empty_and_degenerate_input_still_lays_out() {
    let layout = layout_chart(&[], ChartDims::default(), 0.0);
    assert!(layout.series.is_empty());
    assert!(!layout.x_ticks.is_empty());

    let layout = layout_chart(&[series("flat", &[(5.0, 0.0)])], ChartDims::default(), 0.0);
    assert!(layout.series[0].path.starts_with('M'));
    assert!(!layout.series[0].path.contains("NaN"));

    let layout = layout_chart(&[series("broken", &[(f64::NAN, 1.0), (1.0, f64::INFINITY)])], ChartDims::default(), 0.0);
    assert_eq!(layout.series[0].path, "");
    assert_eq!(layout.series[0].latest, None);
}

#[test]
fn series_get_distinct_styles_and_keep_their_class() {
    let mut list: Vec<Series> = (0..5).map(|i| series(&format!("s{i}"), &[(0.0, 1.0)])).collect();
    list[4].class = "rejected".to_string();
    let layout = layout_chart(&list, ChartDims::default(), 0.0);
    assert_eq!(layout.series[1].class, "series series-1");
    assert_eq!(layout.series[4].class, "series series-0 rejected");
}

#[test]
fn the_summary_names_every_series_and_its_unit() {
    let layout = layout_chart(
        &[series("queue depth", &[(0.0, 1.0), (2.5, 3.0)]), series("in flight", &[])],
        ChartDims::default(),
        0.0,
    );
    assert_eq!(
        summarize(&layout.series, "messages"),
        "Latest: queue depth 3 messages at 2.5 s; in flight has no data yet."
    );
    assert_eq!(summarize(&[], ""), "No data yet.");
}

#[test]
fn a_minimum_span_keeps_a_young_run_on_the_left() {
    let dims = ChartDims::default();
    let layout = layout_chart(&[series("depth", &[(0.0, 1.0), (1.0, 1.0)])], dims, 10.0);
    let x_labels: Vec<&str> = layout.x_ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(x_labels, ["0 s", "2 s", "4 s", "6 s", "8 s", "10 s"]);
    let (end_x, _) = layout.series[0].latest_pos.unwrap_or_default();
    assert!(end_x < dims.plot_left() + (dims.plot_right() - dims.plot_left()) / 5.0, "{end_x}");
    // A run longer than the minimum uses its own span.
    let layout = layout_chart(&[series("depth", &[(0.0, 1.0), (20.0, 1.0)])], dims, 10.0);
    assert_eq!(layout.x_ticks.last().map(|t| t.label.as_str()), Some("20 s"));
}

#[test]
fn lines_are_coloured_by_what_they_mean() {
    for (name, class) in [
        ("admitted", "good"),
        ("delivered", "good"),
        ("throttled", "bad"),
        ("Too Many Requests", "bad"),
        ("refused", "bad"),
        ("DLQ depth", "bad"),
        ("retries", "warn"),
        ("duplicates processed", "warn"),
        ("offered", ""),
        ("shard 3", ""),
    ] {
        assert_eq!(meaning_class(name), class, "{name}");
    }
}

#[test]
fn the_plot_markup_draws_every_tick_line_and_end_marker() {
    let layout = layout_chart(
        &[series("depth", &[(0.0, 0.0), (10.0, 4.0)]), series("in flight", &[])],
        ChartDims::default(),
        0.0,
    );
    let svg = plot_markup(&layout, "messages");
    assert!(svg.starts_with("<text class=\"axis-unit\""), "{svg}");
    assert!(svg.contains(">messages</text>"), "{svg}");
    assert_eq!(svg.matches("class=\"tick\"").count(), layout.x_ticks.len() + layout.y_ticks.len());
    assert_eq!(svg.matches("class=\"grid\"").count(), layout.y_ticks.len());
    assert!(svg.contains(&format!("d=\"{}\"", layout.series[0].path)), "{svg}");
    // One marker: the empty series has none (rather than one at the origin).
    assert_eq!(svg.matches("<circle").count(), 1);
    let (x, y) = layout.series[0].latest_pos.unwrap_or_default();
    assert!(svg.contains(&format!("cx=\"{x}\" cy=\"{y}\"")), "{svg}");
}

#[test]
fn the_legend_names_each_line_with_its_latest_value_and_escapes_names() {
    let layout = layout_chart(
        &[series("<b>\"orders\" & co</b>", &[(0.0, 2.5)]), series("in flight", &[])],
        ChartDims::default(),
        0.0,
    );
    let html = legend_markup(&layout, "per s");
    assert_eq!(html.matches("<li>").count(), 2);
    assert!(
        html.contains("&lt;b&gt;&quot;orders&quot; &amp; co&lt;/b&gt;: <span class=\"legend-value\">2.5 per s</span>"),
        "{html}"
    );
    assert!(html.contains("in flight: <span class=\"legend-value\">no data</span>"), "{html}");
    assert!(html.contains("<line class=\"series series-1\""), "{html}");
}
