//! Pure layout maths for `TimeSeriesChart`: domains, "nice" ticks, scaling and SVG path strings.
//!
//! Kept free of web-sys and Leptos so it runs (and is tested) natively.

use super::escape_markup;

/// One line of a time-series chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The name shown in the legend and the accessible summary, e.g. `queue depth`.
    pub name: String,
    /// Extra CSS class for the line, e.g. `rejected`, on top of the chart's own `series-N` class.
    pub class: String,
    /// Points as `(x in simulated seconds, y)`, ordered by x.
    pub points: Vec<(f64, f64)>,
}

/// The size of the chart in SVG user units (the `viewBox`), and the margins kept for axis labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartDims {
    /// Total width of the `viewBox`.
    pub width: f64,
    /// Total height of the `viewBox`.
    pub height: f64,
    /// Room on the left for y tick labels.
    pub margin_left: f64,
    /// Room on the right so the last x label is not clipped.
    pub margin_right: f64,
    /// Room on top for the y unit label.
    pub margin_top: f64,
    /// Room at the bottom for x tick labels.
    pub margin_bottom: f64,
}

impl Default for ChartDims {
    fn default() -> Self {
        Self {
            width: 480.0,
            height: 240.0,
            margin_left: 44.0,
            margin_right: 16.0,
            margin_top: 22.0,
            margin_bottom: 26.0,
        }
    }
}

/// One tick on an axis: where it goes (in SVG units) and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Position along the axis in SVG user units (x for the time axis, y for the value axis).
    pub pos: f64,
    /// The label, with its unit on the time axis (`10 s`).
    pub label: String,
}

/// A series laid out in SVG coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct LaidOutSeries {
    /// The series name.
    pub name: String,
    /// The full class list: `series series-N` plus the caller's class.
    pub class: String,
    /// SVG path data (`M…L…`), empty when the series has no finite points.
    pub path: String,
    /// The last finite point in data units, for the legend and the summary.
    pub latest: Option<(f64, f64)>,
    /// The last finite point in SVG units, where the end marker goes.
    pub latest_pos: Option<(f64, f64)>,
}

/// Everything the chart component needs to draw one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartLayout {
    /// The dimensions the layout was computed for.
    pub dims: ChartDims,
    /// Ticks on the time axis.
    pub x_ticks: Vec<Tick>,
    /// Ticks on the value axis.
    pub y_ticks: Vec<Tick>,
    /// The laid out series, in input order.
    pub series: Vec<LaidOutSeries>,
}

/// How many line styles the stylesheet defines (`series-0` … `series-3`); more series reuse them in turn.
pub const SERIES_STYLES: usize = 4;

impl ChartDims {
    /// Left edge of the plot area.
    pub fn plot_left(&self) -> f64 {
        self.margin_left
    }
    /// Right edge of the plot area.
    pub fn plot_right(&self) -> f64 {
        self.width - self.margin_right
    }
    /// Top edge of the plot area.
    pub fn plot_top(&self) -> f64 {
        self.margin_top
    }
    /// Bottom edge of the plot area (the time axis).
    pub fn plot_bottom(&self) -> f64 {
        self.height - self.margin_bottom
    }
}

/// Lays out `series` in `dims`: the value axis starts at zero; the time axis spans the data, but at
/// least `min_x_span` seconds, so a young run draws from the left instead of stretching two points wide.
pub fn layout_chart(series: &[Series], dims: ChartDims, min_x_span: f64) -> ChartLayout {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let all_points = || series.iter().flat_map(|s| s.points.iter().filter(finite));

    let (x_min, x_max) = extent(all_points().map(|p| p.0)).unwrap_or((0.0, 1.0));
    let x_max = if min_x_span.is_finite() { x_max.max(x_min + min_x_span) } else { x_max };
    let (x_min, x_max) = widen(x_min, x_max);
    // Values start at zero: every metric here (depth, rate, latency) is non-negative and a
    // floating baseline would exaggerate small wiggles.
    let (y_min, y_max) = extent(all_points().map(|p| p.1)).unwrap_or((0.0, 1.0));
    let y_min = y_min.min(0.0);
    let y_step = nice_step(y_max - y_min, 4);
    let y_min = (y_min / y_step).floor() * y_step;
    let y_max = ((y_max / y_step).ceil() * y_step).max(y_min + y_step);

    let scale_x = |x: f64| dims.plot_left() + (x - x_min) / (x_max - x_min) * (dims.plot_right() - dims.plot_left());
    let scale_y = |y: f64| dims.plot_bottom() - (y - y_min) / (y_max - y_min) * (dims.plot_bottom() - dims.plot_top());

    let x_step = nice_step(x_max - x_min, 5);
    let x_ticks = ticks_within(x_min, x_max, x_step)
        .into_iter()
        .map(|x| Tick { pos: round1(scale_x(x)), label: format!("{} s", format_tick(x, x_step)) })
        .collect();
    let y_ticks = ticks_within(y_min, y_max, y_step)
        .into_iter()
        .map(|y| Tick { pos: round1(scale_y(y)), label: format_tick(y, y_step) })
        .collect();

    let series = series
        .iter()
        .enumerate()
        .map(|(idx, s)| {
            let mut path = String::new();
            let mut latest = None;
            for &(x, y) in s.points.iter().filter(finite) {
                let command = if path.is_empty() { 'M' } else { 'L' };
                path.push_str(&format!("{command}{} {}", round1(scale_x(x)), round1(scale_y(y))));
                latest = Some((x, y));
            }
            let class = match s.class.is_empty() {
                true => format!("series series-{}", idx % SERIES_STYLES),
                false => format!("series series-{} {}", idx % SERIES_STYLES, s.class),
            };
            LaidOutSeries {
                name: s.name.clone(),
                class,
                path,
                latest,
                latest_pos: latest.map(|(x, y)| (round1(scale_x(x)), round1(scale_y(y)))),
            }
        })
        .collect();

    ChartLayout { dims, x_ticks, y_ticks, series }
}

/// A step of 1, 2 or 5 × 10ⁿ that cuts `span` into at most `max_ticks` intervals (at least one).
pub fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let max_ticks = max_ticks.max(1) as f64;
    if !span.is_finite() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / max_ticks;
    // `powi`, not `powf`: an integer power is a short loop, where `powf` links libm's `pow`
    // (~1 KB gzip on every page with a chart).
    let magnitude = 10f64.powi(raw.log10().floor() as i32);
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if factor * magnitude >= raw {
            return factor * magnitude;
        }
    }
    10.0 * magnitude
}

/// The multiples of `step` inside `min..=max` (with a little slack for rounding).
pub fn ticks_within(min: f64, max: f64, step: f64) -> Vec<f64> {
    if !(step.is_finite() && step > 0.0 && min.is_finite() && max.is_finite()) {
        return Vec::new();
    }
    let epsilon = step * 1e-9;
    let first = ((min - epsilon) / step).ceil() as i64;
    let last = ((max + epsilon) / step).floor() as i64;
    // A pathological domain must not allocate millions of ticks.
    if last < first || last - first > 50 {
        return Vec::new();
    }
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Formats a tick value with as many decimals as the step needs (`0.5`, `10`, `0.25`), never `-0`.
pub fn format_tick(value: f64, step: f64) -> String {
    // Steps are 1, 2 or 5 × 10ⁿ, so a step below one needs exactly -n decimals.
    let decimals = if step >= 1.0 || !step.is_finite() { 0 } else { ((-step.log10().floor()) as usize).min(6) };
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// Formats a value for the legend and the summary: integers stay integers, others get up to two decimals.
pub fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The colour class of a line by what its name says, the same in every playground: served,
/// admitted or delivered (`good`, green), refused, throttled, lost or dead-lettered (`bad`,
/// red), retried or duplicated (`warn`, amber); other lines keep the chart's palette. Dash
/// patterns still tell lines apart, so colour is never the only signal.
pub fn meaning_class(name: &str) -> &'static str {
    let name = name.to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if says(&["throttled", "refused", "too many", "limit exceeded", "quota", "lost", "gave up", "dlq", "timed out"]) {
        "bad"
    } else if says(&["retr", "duplicate"]) {
        "warn"
    } else if says(&["admitted", "delivered", "deleted", "written", "served"]) {
        "good"
    } else {
        ""
    }
}

/// One engine series as a chart line called `name` (a flow node's own series, kept outside the
/// run's metrics), coloured by [`meaning_class`] of that name.
pub fn line_of(series: &engine::metrics::Series, name: String) -> Series {
    Series {
        class: meaning_class(&name).to_owned(),
        points: series.points().into_iter().map(|(at, v)| (at.as_secs_f64(), v)).collect(),
        name,
    }
}

/// The chart lines of a run's metrics: every series `keep` names (it returns the legend's name),
/// in the metrics' order, coloured by [`meaning_class`] of that name.
pub fn series_from(metrics: &engine::Metrics, keep: impl Fn(&str) -> Option<String>) -> Vec<Series> {
    metrics
        .series()
        .filter_map(|series| {
            let name = keep(series.name())?;
            Some(Series {
                class: meaning_class(&name).to_owned(),
                points: series.points().into_iter().map(|(at, v)| (at.as_secs_f64(), v)).collect(),
                name,
            })
        })
        .collect()
}

/// `main`'s series followed by the same series of a fork of the run: named "… (fork)", drawn
/// dashed in the colour of the series they fork (CSS `fork`, `fork-N`).
pub fn with_fork(mut main: Vec<Series>, fork: Vec<Series>) -> Vec<Series> {
    let forked: Vec<Series> = fork
        .into_iter()
        .map(|s| {
            let twin = main.iter().position(|m| m.name == s.name).unwrap_or(0).min(3);
            Series {
                name: format!("{} (fork)", s.name),
                class: format!("{} fork fork-{twin}", s.class),
                points: s.points,
            }
        })
        .collect();
    main.extend(forked);
    main
}

/// A one-sentence text alternative for the chart: the latest value of each series.
pub fn summarize(series: &[LaidOutSeries], y_unit: &str) -> String {
    let parts: Vec<String> = series
        .iter()
        .map(|s| match s.latest {
            Some((x, y)) => format!("{} {}{} at {} s", s.name, format_value(y), unit_suffix(y_unit), format_value(x)),
            None => format!("{} has no data yet", s.name),
        })
        .collect();
    match parts.is_empty() {
        true => "No data yet.".to_string(),
        false => format!("Latest: {}.", parts.join("; ")),
    }
}

/// The plot's SVG content for one layout: grid, axes, tick labels, each line with its end marker.
///
/// The chart sets it as the `<svg>`'s markup instead of building a reactive node per line and
/// tick: a chart changes about once a second, and markup written by one function is a small part
/// of the bundle, where a reactive tree (keyed lines, a binding per attribute) costs every
/// playground page ~12 KB gzip.
pub fn plot_markup(layout: &ChartLayout, y_unit: &str) -> String {
    let d = layout.dims;
    let (left, right, bottom) = (d.plot_left(), d.plot_right(), d.plot_bottom());
    let mut svg = format!(
        "<text class=\"axis-unit\" x=\"{left}\" y=\"{}\" text-anchor=\"middle\">{}</text><g aria-hidden=\"true\">",
        d.plot_top() - 9.0,
        escape_markup(y_unit)
    );
    for tick in &layout.y_ticks {
        svg += &format!(
            "<line class=\"grid\" x1=\"{left}\" x2=\"{right}\" y1=\"{y}\" y2=\"{y}\"></line><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            tick.pos + 4.0,
            escape_markup(&tick.label),
            y = tick.pos,
        );
    }
    svg += &format!("<line class=\"axis\" x1=\"{left}\" x2=\"{right}\" y1=\"{bottom}\" y2=\"{bottom}\"></line>");
    for tick in &layout.x_ticks {
        svg += &format!(
            "<line class=\"tick-mark\" x1=\"{x}\" x2=\"{x}\" y1=\"{bottom}\" y2=\"{}\"></line><text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            bottom + 4.0,
            bottom + 17.0,
            escape_markup(&tick.label),
            x = tick.pos,
        );
    }
    svg += "</g>";
    for s in &layout.series {
        let class = escape_markup(&s.class);
        svg += &format!("<g aria-hidden=\"true\"><path class=\"{class}\" d=\"{}\"></path>", s.path);
        // A series without points has no marker rather than one at the origin.
        if let Some((x, y)) = s.latest_pos {
            svg += &format!("<circle class=\"{class}\" cx=\"{x}\" cy=\"{y}\" r=\"3.5\"></circle>");
        }
        svg += "</g>";
    }
    svg
}

/// The legend's items: each line's swatch (its class draws colour and dash), name and latest value.
pub fn legend_markup(layout: &ChartLayout, y_unit: &str) -> String {
    let unit = unit_suffix(y_unit);
    let mut html = String::new();
    for s in &layout.series {
        let latest = match s.latest {
            Some((_, y)) => format!("{}{unit}", format_value(y)),
            None => "no data".to_string(),
        };
        html += &format!(
            "<li><svg class=\"legend-swatch\" viewBox=\"0 0 28 8\" aria-hidden=\"true\"><line class=\"{}\" x1=\"1\" y1=\"4\" x2=\"27\" y2=\"4\"></line></svg><span>{}: <span class=\"legend-value\">{}</span></span></li>",
            escape_markup(&s.class),
            escape_markup(&s.name),
            escape_markup(&latest)
        );
    }
    html
}

/// ` messages` for a non-empty unit, nothing otherwise.
pub fn unit_suffix(unit: &str) -> String {
    match unit.is_empty() {
        true => String::new(),
        false => format!(" {unit}"),
    }
}

fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Makes an empty domain (a single point) one unit wide so scaling never divides by zero.
fn widen(min: f64, max: f64) -> (f64, f64) {
    match max > min {
        true => (min, max),
        false => (min, min + 1.0),
    }
}

/// Rounds to one decimal: SVG units are pixels here, and shorter path strings are cheaper to diff and set.
fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests;
