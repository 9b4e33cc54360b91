//! `EventLog`: the bounded, scrollable list of recent simulation events with their reason codes.

use engine::{Trace, TraceRecord};
use leptos::prelude::*;

use crate::view_model::format_sim_time;

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// A key that stays the same for the same event across updates (the scene's running event number).
    pub key: u64,
    /// When it happened, in simulated seconds.
    pub at_secs: f64,
    /// The engine's reason code, e.g. `VISIBILITY_EXPIRED`; shown as a text badge.
    pub reason: String,
    /// What happened, in words.
    pub message: String,
    /// Whether the engine links it to earlier events (it is about a message, copy or call), so
    /// "Why?" has a chain to show.
    pub linked: bool,
}

impl LogEntry {
    /// The line of the event at `key` (its position in the run), worded by `describe`.
    pub fn of<E: TraceRecord>(key: u64, event: &E, describe: impl Fn(&E) -> String) -> LogEntry {
        LogEntry {
            key,
            at_secs: event.at().as_secs_f64(),
            reason: event.reason().code().to_string(),
            message: describe(event),
            linked: event.subject().is_some(),
        }
    }
}

/// The newest `lines` events of a trace, oldest first, keyed by their position in the whole run
/// (so a line keeps its key while newer events push in): what every scene feeds its `EventLog`.
pub fn log_entries<E: TraceRecord>(trace: &Trace<E>, lines: usize) -> Vec<LogEntry> {
    log_entries_by(trace, lines, E::describe)
}

/// [`log_entries`], each event worded by `describe` (a model that knows more than its events,
/// such as a flow's node names).
pub fn log_entries_by<E: TraceRecord>(
    trace: &Trace<E>,
    lines: usize,
    describe: impl Fn(&E) -> String,
) -> Vec<LogEntry> {
    let total = trace.count();
    let mut entries: Vec<LogEntry> = trace
        .recent()
        .rev()
        .take(lines)
        .enumerate()
        .map(|(back, event)| LogEntry::of(total.saturating_sub(1 + back as u64), event, &describe))
        .collect();
    entries.reverse();
    entries
}

/// One event as every list of events shows it: its time, its reason code as a badge, and what
/// happened (the event log, the message inspector's history, a "Why?" chain). `time` is the
/// time's own element: plain text, or a button that goes to that moment.
pub fn event_line(time: AnyView, reason: &str, message: String) -> impl IntoView + use<> {
    // The view macro evaluates children before attributes: the badge text gets its own copy.
    let (code, reason) = (reason.to_string(), reason.to_string());
    view! {
        {time}
        " "
        <span class="badge" data-reason=reason>{code}</span>
        " "
        <span class="log-message">{message}</span>
    }
}

/// The time of an event in a list.
pub fn event_time(at_secs: f64) -> AnyView {
    view! { <span class="log-time">{format_sim_time(at_secs)}</span> }.into_any()
}

/// A scrollable log of recent events, newest first, keeping at most `max_entries` lines.
///
/// The list has `role="log"` with live announcements switched off: at simulation speed it would
/// drown a screen reader. Scenes announce the notable events through `Announcer` instead.
#[component]
pub fn EventLog(
    /// The entries, oldest first, as the engine reports them.
    #[prop(into)]
    entries: Signal<Vec<LogEntry>>,
    /// The accessible name of the log, e.g. `Recent engine events`.
    #[prop(into)]
    label: String,
    /// How many of the most recent entries to show.
    #[prop(default = 50)]
    max_entries: usize,
    /// Asks why the event at this position in the run happened: linked lines get a "Why?" button.
    #[prop(optional)]
    on_why: Option<Callback<u64>>,
) -> impl IntoView {
    let newest_first =
        move || entries.with(|entries| entries.iter().rev().take(max_entries).cloned().collect::<Vec<_>>());
    view! {
        <div class="event-log">
            // Focusable so keyboard users can scroll it.
            <ol role="log" aria-live="off" aria-label=label tabindex="0" data-testid="event-log">
                <For each=newest_first key=|entry| entry.key let:entry>
                    // The view macro evaluates children before attributes, so the badge text gets its own copy.
                    {
                        let key = entry.key;
                        let why = on_why.filter(|_| entry.linked).map(|why| {
                            view! {
                                " "
                                <button type="button" class="why-button" data-testid="why-button"
                                    aria-label="Why did this happen?" on:click=move |_| why.run(key)>"Why?"</button>
                            }
                        });
                        view! {
                            <li>{event_line(event_time(entry.at_secs), &entry.reason, entry.message)} {why}</li>
                        }
                    }
                </For>
            </ol>
            <Show when=move || entries.with(Vec::is_empty)>
                <p class="empty-note">"No events yet. Press Play or Step."</p>
            </Show>
        </div>
    }
}
