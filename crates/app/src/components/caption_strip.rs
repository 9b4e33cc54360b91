//! The caption directly above a diagram: the preset's name, the one-sentence lesson it teaches,
//! and the live counters that prove it — the story on the picture, not in a column beside it.

use leptos::prelude::*;

/// `Poison message → DLQ — A message that always fails … · moved to DLQ 3 · failures 9`.
#[component]
pub fn CaptionStrip(
    /// The preset's name (marked when changed).
    #[prop(into)]
    name: Signal<String>,
    /// The lesson, one sentence.
    #[prop(into)]
    lesson: Signal<&'static str>,
    /// `(label, value)` of the counters that show the lesson happening.
    #[prop(into)]
    counters: Signal<Vec<(&'static str, u64)>>,
) -> impl IntoView {
    // The counters' labels change with the preset; their values are rewritten in place ten times
    // a second (rebuilding the items each time made the browser lay out the page again).
    let labels = Memo::new(move |_| counters.with(|c| c.iter().map(|(label, _)| *label).collect::<Vec<_>>()));
    let items = move || {
        labels
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                view! {
                    <div class="caption-counter">
                        <dt>{label}</dt>
                        <dd data-testid=format!("caption-{}", label.replace(' ', "-"))>
                            {move || counters.with(|c| c.get(i).map_or(0, |c| c.1))}
                        </dd>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div class="caption-strip" data-testid="caption">
            <p class="caption-text"><strong data-testid="caption-name">{name}</strong>" — "{lesson}</p>
            <dl class="caption-counters">{items}</dl>
        </div>
    }
}
