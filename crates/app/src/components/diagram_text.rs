//! Text helpers shared by the diagrams.

use leptos::prelude::*;

/// A line made of `parts`: joined with ` · ` on a wide diagram, or one part per line when
/// `stacked` (a narrow one), the later lines in the smaller body style. Goes inside a `<text>`
/// whose `x` is `x`.
pub fn parts_line(parts: &[String], x: f64, stacked: bool) -> AnyView {
    match stacked {
        true => parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let (dy, class) = if i == 0 { (0.0, "") } else { (16.0, "diagram-subline") };
                view! { <tspan x=x dy=dy class=class>{part.clone()}</tspan> }
            })
            .collect_view()
            .into_any(),
        false => parts.join(" · ").into_any(),
    }
}
