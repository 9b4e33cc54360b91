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

/// When a diagram's numbers are rewritten: a signal that changes each time the run's readouts
/// (counters, charts) are published — ten times a second while playing, and at every pause, step,
/// reset or new run.
pub type Pace = Signal<()>;

/// The pace of a readouts signal (any signal the scene sets with its counters).
pub fn pace_of<T: Send + Sync + 'static>(readouts: RwSignal<T>) -> Pace {
    Signal::derive(move || readouts.track())
}

/// Diagram text that changes with the run every frame (a count, a load, a lag), rewritten at the
/// readouts' `pace` instead: nobody reads a number that changes sixty times a second, and laying
/// out each changed SVG text cost a slow phone a good part of its frame.
pub fn paced<T: 'static>(pace: Pace, text: impl Fn() -> T + 'static) -> impl Fn() -> T {
    move || {
        pace.track();
        untrack(&text)
    }
}
