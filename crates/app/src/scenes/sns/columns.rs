//! The subscription columns of the SNS diagram — subscription, retry area, endpoint and
//! dead-letter queue, with their text — as SVG markup written from one frame's view.
//!
//! The columns show text only (tokens are drawn over them by the token layer), and their text
//! changes at the readouts' pace; one function writing them as markup is ~10 KB gzip smaller in
//! the page's bundle than a reactive node per line.

use std::fmt::Write;

use super::snapshot::{ColumnView, DiagramView, Layout, SUB_H};
use crate::components::escape_markup as esc;

/// Every column of `d`, laid out by `l`.
pub fn columns_markup(d: &DiagramView, l: &Layout) -> String {
    let mut svg = String::new();
    for (i, c) in d.columns.iter().enumerate() {
        column(&mut svg, i, c, l);
    }
    svg
}

fn column(svg: &mut String, i: usize, c: &ColumnView, l: &Layout) {
    let (x, y0, w) = l.cell(i);
    let (n, tx, mid, box_w) = (i + 1, x + 12.0, x + w / 2.0, w - 8.0);
    let (endpoint_y, dlq_y, endpoint_h, dlq_h) = (y0 + l.endpoint_dy(), y0 + l.dlq_dy(), l.endpoint_h(), l.dlq_h());
    let failing = if c.failing { " failing" } else { "" };
    let line = |k: usize| c.filter_lines.get(k).map_or_else(String::new, |t| esc(t));
    let waiting = match (c.retrying, c.hidden[0]) {
        (0, _) => String::new(),
        (r, 0) => format!("waiting: {r}"),
        (r, h) => format!("waiting: {r} (+{h})"),
    };
    let more = if c.hidden[1] > 0 { format!("+{} more", c.hidden[1]) } else { String::new() };
    let (dlq_class, dlq_text) = match c.dlq {
        Some(depth) => ("sqs-dlq", format!("DLQ: {depth}")),
        None => ("sqs-dlq off", format!("No DLQ · lost: {}", c.lost)),
    };
    // Writing into a String cannot fail.
    let _ = write!(
        svg,
        concat!(
            r#"<g class="sns-column{failing}" data-testid="sub-{n}">"#,
            r#"<path class="sqs-arrow sns-fan-out" d="{fan}"></path>"#,
            r#"<rect class="sns-sub" x="{bx}" y="{y0}" width="{box_w}" height="{sub_h}" rx="8"></rect>"#,
            r#"<text class="sqs-box-title" x="{tx}" y="{name_y}">{name}</text>"#,
            r#"<text class="sqs-consumer-line sns-filter" x="{tx}" y="{filter_y}"><title>{filter}</title>"#,
            r#"<tspan x="{tx}">{l0}</tspan><tspan x="{tx}" dy="14">{l1}</tspan><tspan x="{tx}" dy="14">{l2}</tspan></text>"#,
            r#"<text class="sqs-consumer-line sns-propagating" x="{tx}" y="{propagating_y}" data-testid="sub-{n}-propagating">{propagating}</text>"#,
            r#"<text class="sqs-consumer-line sns-counts" x="{tx}" y="{counts_y}" data-testid="sub-{n}-counts">{counts}</text>"#,
            r#"<text class="sqs-overflow" x="{tx}" y="{waiting_y}">{waiting}</text>"#,
            r#"<line class="sqs-arrow" x1="{mid}" y1="{sub_bottom}" x2="{mid}" y2="{wire_end}"></line>"#,
            r#"<rect class="sns-endpoint" x="{bx}" y="{endpoint_y}" width="{box_w}" height="{endpoint_h}" rx="8"></rect>"#,
            r#"<text class="sqs-box-title" x="{tx}" y="{e1}">{endpoint_title}</text>"#,
            r#"<text class="sqs-consumer-line sns-health" x="{tx}" y="{e2}" data-testid="sub-{n}-health">{health}</text>"#,
            r#"<text class="sqs-consumer-line" x="{tx}" y="{e3}">{endpoint_line}</text>"#,
            r#"<text class="sqs-consumer-line" x="{tx}" y="{e4}">{endpoint_line2}</text>"#,
            r#"<text class="sqs-overflow" x="{tx}" y="{more_y}">{more}</text>"#,
            r#"<rect class="{dlq_class}" x="{bx}" y="{dlq_y}" width="{box_w}" height="{dlq_h}" rx="8"></rect>"#,
            r#"<text class="sqs-box-title" x="{tx}" y="{d1}" data-testid="sub-{n}-dlq">{dlq_text}</text>"#,
            "</g>"
        ),
        failing = failing,
        n = n,
        tx = tx,
        mid = mid,
        y0 = y0,
        box_w = box_w,
        endpoint_y = endpoint_y,
        endpoint_h = endpoint_h,
        dlq_y = dlq_y,
        dlq_h = dlq_h,
        dlq_class = dlq_class,
        dlq_text = dlq_text,
        waiting = waiting,
        more = more,
        fan = l.fan_out_path(i),
        bx = x + 4.0,
        sub_h = SUB_H,
        name_y = y0 + 17.0,
        name = esc(&c.name),
        filter_y = y0 + 32.0,
        filter = esc(&c.filter),
        l0 = line(0),
        l1 = line(1),
        l2 = line(2),
        propagating_y = y0 + 60.0,
        propagating = c.propagating,
        counts_y = y0 + SUB_H - 8.0,
        counts = esc(&c.counts),
        waiting_y = y0 + SUB_H + 18.0,
        sub_bottom = y0 + SUB_H,
        wire_end = endpoint_y - 2.0,
        e1 = endpoint_y + 17.0,
        endpoint_title = esc(&c.endpoint_title),
        e2 = endpoint_y + 32.0,
        health = c.health,
        e3 = endpoint_y + 46.0,
        endpoint_line = esc(&c.endpoint_line),
        e4 = endpoint_y + 60.0,
        endpoint_line2 = esc(&c.endpoint_line2),
        more_y = endpoint_y + endpoint_h - 6.0,
        d1 = dlq_y + 17.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_view(name: &str) -> ColumnView {
        ColumnView {
            name: name.to_string(),
            kind: "SQS queue",
            endpoint_title: "SQS queue".to_string(),
            filter: "{\"type\": [\"order\"]}".to_string(),
            filter_lines: vec!["{\"type\":".to_string(), "[\"order\"]}".to_string()],
            propagating: String::new(),
            health: "healthy",
            failing: false,
            counts: "matched 3 · filtered 1".to_string(),
            endpoint_line: "received 3".to_string(),
            endpoint_line2: "2 consumers".to_string(),
            retrying: 0,
            dlq: None,
            lost: 0,
            hidden: [0; 3],
        }
    }

    #[test]
    fn each_column_has_its_boxes_text_and_test_ids() {
        let mut d =
            DiagramView { columns: vec![column_view("orders"), column_view("<audit & co>")], ..Default::default() };
        d.columns[1].failing = true;
        d.columns[1].retrying = 4;
        d.columns[1].hidden = [2, 7, 0];
        d.columns[1].dlq = Some(5);
        d.columns[1].propagating = "propagating: 34 s left".to_string();
        let l = Layout::new(900.0, 2);
        let svg = columns_markup(&d, &l);
        assert_eq!(svg.matches("<g class=\"sns-column").count(), 2);
        for id in ["sub-1", "sub-2", "sub-2-counts", "sub-2-health", "sub-2-dlq"] {
            assert!(svg.contains(&format!("data-testid=\"{id}\"")), "{id}");
        }
        assert!(svg.contains("<g class=\"sns-column failing\" data-testid=\"sub-2\">"), "{svg}");
        assert!(svg.contains(">&lt;audit &amp; co&gt;</text>"), "names are escaped: {svg}");
        assert!(svg.contains("<title>{&quot;type&quot;: [&quot;order&quot;]}</title>"), "{svg}");
        assert!(svg.contains("data-testid=\"sub-2-propagating\">propagating: 34 s left</text>"), "{svg}");
        assert!(svg.contains(">waiting: 4 (+2)</text>") && svg.contains(">+7 more</text>"), "{svg}");
        assert!(svg.contains("data-testid=\"sub-1-dlq\">No DLQ · lost: 0</text>"), "{svg}");
        assert!(svg.contains("class=\"sqs-dlq\"") && svg.contains("data-testid=\"sub-2-dlq\">DLQ: 5</text>"), "{svg}");
        // Every element is closed: the markup parses to the same tree the view drew.
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
        let (x, y0, _) = l.cell(1);
        assert!(svg.contains(&format!("<rect class=\"sns-sub\" x=\"{}\" y=\"{y0}\"", x + 4.0)), "{svg}");
    }
}
