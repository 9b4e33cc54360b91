//! The rows of the per-subscription table as HTML markup, written from the counters each time
//! they are published (ten times a second while playing): display-only text, smaller in the
//! page's bundle as one function than as a reactive row of cells.

use std::fmt::Write;

use engine::sns::SubscriptionTotals;

use crate::components::escape_markup;

/// One row per subscription: its name, then each count in a cell the tests find by
/// `data-testid="s{n}-{count}"`.
pub fn rows_markup(rows: &[(String, SubscriptionTotals)]) -> String {
    let mut html = String::new();
    for (i, (name, t)) in rows.iter().enumerate() {
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", escape_markup(name));
        for (key, value) in [
            ("matched", t.matched),
            ("filtered", t.filtered),
            ("delivered", t.delivered),
            ("retries", t.retries),
            ("dlq", t.dead_lettered),
            ("lost", t.lost),
            ("out-of-order", t.out_of_order),
            ("processed", t.processed),
            ("old-policy", t.by_previous_policy),
        ] {
            // Writing into a String cannot fail.
            let _ = write!(html, "<td data-testid=\"s{}-{key}\">{value}</td>", i + 1);
        }
        html.push_str("</tr>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_subscription_is_a_row_of_its_counts() {
        let t = SubscriptionTotals { matched: 5, filtered: 2, dead_lettered: 1, ..SubscriptionTotals::default() };
        let html =
            rows_markup(&[("orders".to_string(), t), ("<b>audit</b>".to_string(), SubscriptionTotals::default())]);
        assert_eq!(html.matches("<tr>").count(), 2);
        assert_eq!(html.matches("<td ").count(), 18);
        assert!(html.starts_with("<tr><th scope=\"row\">orders</th><td data-testid=\"s1-matched\">5</td><td data-testid=\"s1-filtered\">2</td>"), "{html}");
        assert!(html.contains("<td data-testid=\"s1-dlq\">1</td>"), "{html}");
        assert!(
            html.contains("<th scope=\"row\">&lt;b&gt;audit&lt;/b&gt;</th><td data-testid=\"s2-matched\">0</td>"),
            "{html}"
        );
    }
}
