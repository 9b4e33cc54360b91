//! The timeline under the player: the run so far as a track, a row of markers for the moments
//! that matter (dead-letter moves, throttles, losses …, one colour each, with a legend), and a
//! thumb to drag back to any earlier instant. The page then shows the run exactly as it was
//! there (the live run replays it from a checkpoint, see `engine::rewind`); play goes on from
//! there.

use engine::{Marker, Marks, SimTime};
use leptos::prelude::*;

use crate::view_model::format_sim_time;

/// What the timeline shows, published by the live run at a reading pace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineView {
    /// Where the page is, in simulated seconds.
    pub now_s: f64,
    /// How far the run has been.
    pub frontier_s: f64,
    /// The markers up to the frontier, in time order.
    pub marks: Vec<MarkView>,
    /// About how much memory the checkpoints behind the timeline hold (shown to benchmarks).
    pub checkpoint_bytes: u64,
}

/// One marker: `count` events of `kind` in the bucket starting at `from_s`, the first at `first_s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarkView {
    /// What happened.
    pub kind: Marker,
    /// When the first of them happened (where a jump to the marker goes).
    pub first_s: f64,
    /// The bucket's start and end.
    pub from_s: f64,
    pub to_s: f64,
    /// How many.
    pub count: u32,
}

/// Markers closer than this to the position count as "here" when looking for the previous one.
const HERE_S: f64 = 1e-6;

impl TimelineView {
    /// The view of a run at `now` that has been as far as `frontier`, with its markers.
    pub fn new(now: SimTime, frontier: SimTime, marks: &Marks, checkpoint_bytes: u64) -> TimelineView {
        TimelineView {
            checkpoint_bytes,
            now_s: now.as_secs_f64(),
            frontier_s: frontier.max(now).as_secs_f64(),
            marks: marks
                .iter()
                .map(|m| MarkView {
                    kind: m.kind,
                    first_s: m.first.as_secs_f64(),
                    from_s: m.from.as_secs_f64(),
                    to_s: m.to.as_secs_f64(),
                    count: m.count,
                })
                .collect(),
        }
    }

    /// The marker before the position (Shift+←).
    pub fn previous_mark(&self) -> Option<MarkView> {
        self.marks.iter().rev().find(|m| m.first_s < self.now_s - HERE_S).copied()
    }

    /// The marker after the position (Shift+→), up to the frontier.
    pub fn next_mark(&self) -> Option<MarkView> {
        self.marks.iter().find(|m| m.first_s > self.now_s + HERE_S && m.first_s <= self.frontier_s).copied()
    }

    /// The next marker of `kind` after the position, or its first one if none is after.
    pub fn next_mark_of(&self, kind: Marker) -> Option<MarkView> {
        let of_kind = || self.marks.iter().filter(move |m| m.kind == kind);
        of_kind().find(|m| m.first_s > self.now_s + HERE_S).or_else(|| of_kind().next()).copied()
    }

    /// The kinds of marker the run has, with how many events each, in legend order.
    pub fn legend(&self) -> Vec<(Marker, u64)> {
        Marker::ALL
            .iter()
            .filter_map(|&kind| {
                let n: u64 = self.marks.iter().filter(|m| m.kind == kind).map(|m| u64::from(m.count)).sum();
                (n > 0).then_some((kind, n))
            })
            .collect()
    }

    /// `true` while the page shows an earlier instant than the run has been to.
    pub fn looking_back(&self) -> bool {
        self.now_s + HERE_S < self.frontier_s
    }
}

/// The CSS class of a marker kind (its colour).
fn kind_class(kind: Marker) -> &'static str {
    match kind {
        Marker::DeadLetter => "mark-dlq",
        Marker::Throttle => "mark-throttle",
        Marker::Loss => "mark-loss",
        Marker::Failure => "mark-failure",
        Marker::Redelivery => "mark-redelivery",
        Marker::Change => "mark-change",
    }
}

/// Height of one kind's row of markers, and of the strip.
const ROW_H: f64 = 5.0;
const STRIP_H: f64 = ROW_H * Marker::ALL.len() as f64;

/// The timeline (see the module docs). With `shortcuts`, ← steps back one event and
/// Shift+← / Shift+→ jump to the previous / next marker, from anywhere on the page.
#[component]
pub fn Timeline(
    /// What it shows.
    view: RwSignal<TimelineView>,
    /// Shows the run at a simulated second.
    on_seek: Callback<f64>,
    /// Shows the run one event earlier.
    on_back: Callback<()>,
    /// Goes to a marker: shows the run at its first event, and why that happened.
    on_mark: Callback<(f64, Marker)>,
    /// Paused by stepping back, as Step pauses.
    playing: RwSignal<bool>,
    /// Page-wide keys.
    #[prop(optional)]
    shortcuts: bool,
) -> impl IntoView {
    let back = move || {
        playing.set(false);
        on_back.run(());
    };
    let jump = move |forward: bool| {
        let to = view.with_untracked(|v| if forward { v.next_mark() } else { v.previous_mark() });
        if let Some(m) = to {
            on_mark.run((m.first_s, m.kind));
        }
    };
    if shortcuts {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
                return;
            }
            if super::player_controls::in_form_control(&ev) {
                return;
            }
            match (ev.key().as_str(), ev.shift_key()) {
                ("ArrowLeft", false) => back(),
                ("ArrowLeft", true) => jump(false),
                ("ArrowRight", true) => jump(true),
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
    let on_input = move |ev: leptos::ev::Event| {
        // A value the range input wrote itself; anything unparsable is ignored.
        if let Ok(secs) = event_target_value(&ev).parse::<f64>() {
            on_seek.run(secs);
        }
    };
    // Rects in simulated seconds: a longer run only changes the viewBox, and each marker is drawn
    // once (a run adds a few a second); the stroke keeps a one-event marker visible at any zoom.
    let marks = Memo::new(move |_| view.with(|v| v.marks.clone()));
    let strip_box = move || view.with(|v| format!("0 0 {:.6} {STRIP_H}", v.frontier_s.max(1e-3)));
    let rect = |m: MarkView| {
        let row = Marker::ALL.iter().position(|&k| k == m.kind).unwrap_or(0) as f64;
        view! {
            <rect class=kind_class(m.kind) x=format!("{:.6}", m.from_s) y=format!("{:.0}", row * ROW_H + 1.0)
                width=format!("{:.6}", m.to_s - m.from_s) height=format!("{:.0}", ROW_H - 2.0)></rect>
        }
    };
    let legend = move || {
        let kinds = view.with(|v| v.legend());
        let none = kinds.is_empty().then(|| {
            view! { <li class="muted">"No dead-letter moves, throttles, losses, failures or redeliveries so far."</li> }
        });
        let entries = kinds
            .into_iter()
            .map(|(kind, n)| {
                let go = move |_| {
                    if let Some(m) = view.with_untracked(|v| v.next_mark_of(kind)) {
                        on_mark.run((m.first_s, m.kind));
                    }
                };
                view! {
                    <li><button type="button" data-testid=format!("jump-{}", kind_class(kind))
                        title="Go to the next one" on:click=go>
                        <span class=format!("swatch {}", kind_class(kind)) aria-hidden="true"></span>
                        {format!("{} {n}", kind.label())}
                    </button></li>
                }
            })
            .collect_view();
        view! { {none} {entries} }
    };
    let position = move || {
        view.with(|v| match v.looking_back() {
            true => format!("{} of {} (looking back)", format_sim_time(v.now_s), format_sim_time(v.frontier_s)),
            false => format!("{} (now)", format_sim_time(v.now_s)),
        })
    };
    view! {
        <div class="timeline" role="group" aria-label="Timeline" data-testid="timeline"
            data-checkpoint-bytes=move || view.with(|v| v.checkpoint_bytes)>
            <div class="timeline-track">
                <svg class="timeline-marks" viewBox=strip_box preserveAspectRatio="none"
                    aria-hidden="true" data-testid="timeline-marks">
                    <For each=move || marks.get() key=|m| (m.kind, m.from_s.to_bits(), m.count) children=rect/>
                </svg>
                <input type="range" min="0" step="any" data-testid="timeline-range" aria-label="Simulated time"
                    prop:max=move || view.with(|v| v.frontier_s)
                    prop:value=move || view.with(|v| v.now_s)
                    aria-valuetext=position
                    on:input=on_input/>
            </div>
            <div class="control-row timeline-row">
                <button type="button" class="button" data-testid="step-back" title="One event back (←)" on:click=move |_| back()
                    disabled=move || view.with(|v| v.now_s <= 0.0)>"◀ Back"</button>
                <button type="button" class="button" data-testid="previous-mark" on:click=move |_| jump(false)
                    disabled=move || view.with(|v| v.previous_mark().is_none())
                    aria-label="Previous marker" title="Previous marker (Shift+←)">"⇤ Prev"</button>
                <button type="button" class="button" data-testid="next-mark" on:click=move |_| jump(true)
                    disabled=move || view.with(|v| v.next_mark().is_none())
                    aria-label="Next marker" title="Next marker (Shift+→)">"Next ⇥"</button>
                <span class="muted timeline-position" data-testid="timeline-position">{position}</span>
            </div>
            <ul class="timeline-legend" data-testid="timeline-legend">{legend}</ul>
            {shortcuts.then(|| view! {
                <p class="shortcut-hint muted">
                    "Keys: " <kbd>"←"</kbd> " one event back · " <kbd>"Shift"</kbd> "+" <kbd>"←"</kbd> " / "
                    <kbd>"→"</kbd> " previous / next marker"
                </p>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_with(now_s: f64, marks: &[(Marker, f64)]) -> TimelineView {
        TimelineView {
            now_s,
            frontier_s: 100.0,
            marks: marks
                .iter()
                .map(|&(kind, t)| MarkView { kind, first_s: t, from_s: t.floor(), to_s: t.floor() + 1.0, count: 2 })
                .collect(),
            checkpoint_bytes: 0,
        }
    }

    #[test]
    fn markers_before_and_after_the_position() {
        let v = view_with(30.0, &[(Marker::Throttle, 10.5), (Marker::DeadLetter, 30.0), (Marker::Loss, 42.25)]);
        // The marker the page is on is not "previous": Shift+← goes to the one before.
        assert_eq!(v.previous_mark().map(|m| (m.first_s, m.kind)), Some((10.5, Marker::Throttle)));
        assert_eq!(v.next_mark().map(|m| m.first_s), Some(42.25));
        assert_eq!(view_with(5.0, &[(Marker::Loss, 42.25)]).previous_mark(), None);
        assert_eq!(view_with(50.0, &[(Marker::Loss, 42.25)]).next_mark(), None);
    }

    #[test]
    fn the_legend_lists_the_kinds_present_in_legend_order() {
        let v = view_with(0.0, &[(Marker::Loss, 1.0), (Marker::DeadLetter, 2.0), (Marker::Loss, 3.0)]);
        assert_eq!(v.legend(), vec![(Marker::DeadLetter, 2), (Marker::Loss, 4)]);
        // A legend entry goes to the next marker of its kind, and round to the first.
        let at = |m: Option<MarkView>| m.map(|m| m.first_s);
        assert_eq!(at(v.next_mark_of(Marker::Loss)), Some(1.0));
        let later = TimelineView { now_s: 2.0, ..v.clone() };
        assert_eq!(at(later.next_mark_of(Marker::Loss)), Some(3.0));
        assert_eq!(at(later.next_mark_of(Marker::DeadLetter)), Some(2.0));
        assert!(v.looking_back());
    }
}
