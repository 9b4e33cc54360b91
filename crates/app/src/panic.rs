//! The panic hook: a dead wasm instance leaves an error panel with plain links instead of a blank page.
//!
//! After a panic the wasm instance must not run again (its memory may be mid-update), so the panel
//! is built with raw DOM calls and its actions are ordinary links that reload the page; no Rust
//! event handler is attached to it.

use std::panic::PanicHookInfo;

use wasm_bindgen::JsValue;

use crate::view_model::{base_path_from_uri, join_base};

/// The id of the panel, for styles and browser tests.
pub const PANEL_ID: &str = "nimbus-panic";

/// Installs the hook that logs a panic to the console and shows the error panel; call it before mounting.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = describe(info);
        web_sys::console::error_1(&JsValue::from_str(&format!("Nimbus stopped after a panic: {message}")));
        // The panel is best effort: if the DOM is unavailable the console message above is all we can do.
        let _ = show_panel(&message);
    }));
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    // `Display` gives "panicked at <file>:<line>:<col>:\n<message>", which is what a bug report needs.
    info.to_string()
}

fn show_panel(message: &str) -> Result<(), JsValue> {
    let Some(window) = web_sys::window() else { return Ok(()) };
    let Some(document) = window.document() else { return Ok(()) };

    // A second panic (say, in a callback still queued) only updates the message of the first panel.
    if let Some(existing) = document.get_element_by_id(PANEL_ID) {
        if let Some(pre) = existing.query_selector("pre")? {
            pre.set_text_content(Some(message));
        }
        return Ok(());
    }

    let location = window.location();
    let current_path = location.pathname().unwrap_or_else(|_| "/".to_string());
    let base_uri = document.base_uri()?.unwrap_or_default();
    let home = join_base(&base_path_from_uri(&base_uri), "/");

    let panel = document.create_element("div")?;
    panel.set_id(PANEL_ID);
    panel.set_attribute("role", "alert")?;
    panel.set_attribute("tabindex", "-1")?;
    panel.set_attribute("aria-labelledby", "nimbus-panic-title")?;

    let title = document.create_element("h2")?;
    title.set_id("nimbus-panic-title");
    title.set_text_content(Some("Something went wrong"));
    panel.append_child(&title)?;

    let explanation = document.create_element("p")?;
    explanation.set_text_content(Some(
        "Nimbus hit an internal error and stopped. Reloading starts this page afresh; the details below help a bug report.",
    ));
    panel.append_child(&explanation)?;

    let details = document.create_element("pre")?;
    details.set_text_content(Some(message));
    panel.append_child(&details)?;

    let actions = document.create_element("p")?;
    actions.set_class_name("panic-actions");
    for (label, href, class) in
        [("Reset", current_path.as_str(), "button primary"), ("Back to all playgrounds", home.as_str(), "button")]
    {
        let link = document.create_element("a")?;
        link.set_attribute("href", href)?;
        link.set_class_name(class);
        link.set_text_content(Some(label));
        actions.append_child(&link)?;
    }
    panel.append_child(&actions)?;

    match document.body() {
        Some(body) => body.append_child(&panel)?,
        None => document.document_element().ok_or(JsValue::NULL)?.append_child(&panel)?,
    };
    // Move keyboard focus to the panel so the actions are one Tab away.
    if let Ok(html_panel) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(panel) {
        let _ = html_panel.focus();
    }
    Ok(())
}
