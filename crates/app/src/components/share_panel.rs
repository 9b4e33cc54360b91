//! `SharePanel`: copy a link that replays this run (optionally from the current simulated time).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{escape_markup, unique_id};
use crate::share::{copy_text, download_text, read_chosen_file};
use crate::view_model::format_sim_time;

/// The links a playground can share: the full playground and an embed, each optionally from
/// the current simulated time.
#[derive(Clone, Copy)]
pub struct ShareLinks {
    /// The full playground's URL; `true` asks for the current simulated time in it.
    pub page: Callback<bool, String>,
    /// The embed's URL (`embed=1`), the same way.
    pub embed: Callback<bool, String>,
    /// The embed frame's height in CSS px (see `Playground::embed_height`).
    pub embed_height: u32,
}

/// "Copy link" and "Copy embed code", with a choice to start at the current simulated time.
///
/// What was copied is also shown, selected, in a read-only field, so it can be copied by hand
/// where the browser refuses clipboard access.
#[component]
pub fn SharePanel(
    /// How to build the links.
    links: ShareLinks,
    /// What the embedded frame shows, for its `title` (e.g. "Nimbus SQS playground: Poison message").
    #[prop(into)]
    title: Signal<String>,
    /// Simulated seconds now, for the label.
    #[prop(into)]
    now_secs: Signal<f64>,
    /// No simulated time to start a link at (a playground without a clock of its own).
    #[prop(optional)]
    untimed: bool,
) -> impl IntoView {
    let with_time = RwSignal::new(false);
    let shown = RwSignal::new(None::<(&'static str, String)>);
    let status = RwSignal::new(String::new());
    let time_id = unique_id("share-time");
    let field = NodeRef::<leptos::html::Textarea>::new();

    let copy = move |what: &'static str, text: String| {
        shown.set(Some((what, text.clone())));
        status.set("Copying…".to_string());
        spawn_local(async move {
            let copied = copy_text(text).await;
            status.set(match copied {
                true => format!("{what} copied."),
                false => format!("Copy the {} below (the browser did not allow copying).", what.to_ascii_lowercase()),
            });
        });
    };
    let copy_link = move |_| copy("Link", links.page.run(with_time.get_untracked()));
    let copy_embed = move |_| {
        let at = with_time.get_untracked();
        copy(
            "Embed code",
            embed_snippet(&links.embed.run(at), &links.page.run(at), &title.get_untracked(), links.embed_height),
        );
    };
    // Select what was copied so Ctrl+C copies it again.
    Effect::new(move |_| {
        if shown.with(Option::is_some) {
            if let Some(area) = field.get() {
                area.select();
            }
        }
    });

    view! {
        <div class="share-panel" role="group" aria-label="Share this run">
            <div class="control-row">
                <button type="button" class="button" data-testid="copy-link" on:click=copy_link>"Copy link"</button>
                <button type="button" class="button" data-testid="copy-embed" on:click=copy_embed>"Copy embed code"</button>
            </div>
            <p class="muted share-status" role="status" data-testid="share-status">{move || status.get()}</p>
            {(!untimed).then(|| view! {
                <div class="knob knob-check">
                    <input id=time_id.clone() type="checkbox" data-testid="share-with-time"
                        prop:checked=move || with_time.get()
                        on:change=move |ev| with_time.set(event_target_checked(&ev))/>
                    <label for=time_id>{move || format!("Start the link at {}", format_sim_time(now_secs.get()))}</label>
                </div>
            })}
            <Show when=move || shown.with(Option::is_some)>
                <textarea class="share-link" readonly rows="3" data-testid="share-link" node_ref=field
                    aria-label=move || shown.with(|s| s.as_ref().map(|(what, _)| *what).unwrap_or_default())
                    prop:value=move || shown.with(|s| s.as_ref().map(|(_, text)| text.clone()).unwrap_or_default())></textarea>
            </Show>
        </div>
    }
}

/// Export and import of the scenario as a JSON file, in the format `nimbus run` reads.
///
/// A bad file changes nothing: the message says what is wrong with it.
#[component]
pub fn ScenarioFile(
    /// The current scenario's file name and text.
    #[prop(into)]
    export: Callback<(), (String, String)>,
    /// Applies a file's text: `Ok` carries a note for the reader, `Err` what is wrong.
    #[prop(into)]
    import: Callback<String, Result<String, String>>,
) -> impl IntoView {
    let message = RwSignal::new(None::<Result<String, String>>);
    let input_id = unique_id("scenario-file");
    let on_export = move |_| {
        let (name, text) = export.run(());
        message.set(download_text(&name, &text).err().map(Err));
    };
    let on_import = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        spawn_local(async move {
            let result = match read_chosen_file(input.clone()).await {
                Ok(text) => import.run(text),
                Err(why) => Err(why),
            };
            // Choosing the same file again must fire `change` again.
            input.set_value("");
            message.set(Some(result));
        });
    };
    view! {
        <div class="scenario-file" role="group" aria-label="Scenario file">
            <div class="control-row">
                <button type="button" class="button" data-testid="export-scenario" on:click=on_export>"Export JSON"</button>
                // The input is hidden behind its label (a file input cannot be styled); focus
                // shows on the label.
                <input id=input_id.clone() class="visually-hidden file-input" type="file" accept=".json,application/json"
                    data-testid="import-scenario" on:change=on_import/>
                <label class="button file-button" for=input_id>"Import JSON…"</label>
            </div>
            <p class="field-message" role="status" data-testid="file-message"
                class:ok=move || message.with(|m| matches!(m, Some(Ok(_))))>
                {move || message.get().map(|m| match m { Ok(note) => note, Err(why) => format!("Not imported: {why}") })}
            </p>
        </div>
    }
}

/// A ready `<iframe>` for a blog post: lazy, titled, `height` CSS px tall (what the playground
/// needs on a phone; the README shows how a host page can follow the embed's exact height),
/// plus a plain link.
pub fn embed_snippet(embed_url: &str, page_url: &str, title: &str, height: u32) -> String {
    let title = escape_markup(title);
    format!(
        "<iframe src=\"{}\" title=\"{title}\" loading=\"lazy\" style=\"width:100%;max-width:36rem;height:{height}px;border:0\"></iframe>\n<p><a href=\"{}\">Open this run in Nimbus</a></p>",
        escape_markup(embed_url),
        escape_markup(page_url)
    )
}

/// What a link asked for that the page could not do, as a dismissible note.
#[component]
pub fn LinkNotices(
    /// The notices; empty shows nothing.
    notices: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || notices.with(|n| !n.is_empty())>
            <div class="link-notice" role="status" data-testid="link-notice">
                <p><strong>"Parts of this link were ignored; the rest opened as shared."</strong></p>
                <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button type="button" class="button small" on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::embed_snippet;

    #[test]
    fn the_embed_snippet_is_a_lazy_titled_iframe_with_escaped_attributes() {
        let code =
            embed_snippet("https://x.test/sqs?v=1&embed=1", "https://x.test/sqs?v=1", "A \"quoted\" <title>", 1020);
        assert!(code.starts_with("<iframe src=\"https://x.test/sqs?v=1&amp;embed=1\""), "{code}");
        assert!(code.contains("title=\"A &quot;quoted&quot; &lt;title&gt;\""), "{code}");
        assert!(code.contains("loading=\"lazy\"") && code.contains("height:1020px"), "{code}");
        assert!(!code.contains("<script"), "{code}");
        assert!(code.contains("<a href=\"https://x.test/sqs?v=1\">"), "{code}");
    }
}
