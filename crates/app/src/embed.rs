//! Embed mode: a playground inside someone else's page (`?embed=1`, in an `<iframe>`).
//!
//! The page options (theme, no site chrome) are applied once at start-up. An embed animates
//! only while it is on screen, and talks to its host page with `postMessage`:
//!
//! - it posts `{type: "nimbus:ready"}` once, and `{type: "nimbus:resize", height}` whenever its
//!   content height changes (so the host can size the frame);
//! - it accepts `{type: "nimbus:play"}`, `{type: "nimbus:pause"}` and
//!   `{type: "nimbus:set", patch}` where `patch` is a link query (`"visibility=5&seed=3"`) or an
//!   object of the same keys (`{visibility: 5, seed: 3}`), validated exactly like a link.
//!   Messages of any other shape are ignored.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::share::ViewOptions;

/// Applies what a link says about the whole page: the forced colour scheme and, for an embed,
/// the `embed` class (the stylesheet drops the page margins) and `bg-transparent` (no page
/// background, so the host page shows through around the panels).
pub fn apply_page_options(view: ViewOptions) {
    let Some(root) = document().document_element() else { return };
    if let Some(scheme) = view.theme.color_scheme() {
        let _ = root.set_attribute("data-theme", scheme);
    }
    if view.embed {
        let _ = root.class_list().add_1("embed");
        if view.transparent {
            let _ = root.class_list().add_1("bg-transparent");
        }
    }
}

/// `true` while `target` is at least partly inside the viewport (of the top-level page, for an
/// embed in a frame). Starts `true`; stays `true` where IntersectionObserver is missing.
pub fn use_in_view<E>(target: NodeRef<E>) -> Signal<bool>
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let in_view = RwSignal::new(true);
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The last entry is the newest state of the one observed element.
        if let Some(entry) = entries.iter().last().and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            in_view.set(entry.is_intersecting());
        }
    });
    let observer = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok();
    // The closure must live as long as the observer; both go at cleanup.
    let keep = StoredValue::new_local(Some(callback));
    if let Some(observer) = observer.clone() {
        Effect::new(move |_| {
            if let Some(el) = target.get() {
                observer.observe(el.unchecked_ref());
            }
        });
    }
    on_cleanup(move || {
        if let Some(observer) = observer {
            observer.disconnect();
        }
        keep.try_set_value(None);
    });
    in_view.into()
}

/// What the host page asked for.
pub enum HostRequest {
    /// `nimbus:play`.
    Play,
    /// `nimbus:pause`.
    Pause,
    /// `nimbus:set`: a link query to apply.
    Set(String),
}

/// Talks to the host page: posts ready and resizes, and hands valid requests to `on_request`.
/// Does nothing when the page is not in a frame.
pub fn use_host_bridge(on_request: impl Fn(HostRequest) + 'static) {
    let Some(parent) = host_window() else { return };
    let listener = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        if let Some(request) = read_request(&ev.data()) {
            on_request(request);
        }
    });
    let resize = {
        let parent = parent.clone();
        Closure::<dyn FnMut()>::new(move || post(&parent, "nimbus:resize", Some(content_height())))
    };
    let observer = web_sys::ResizeObserver::new(resize.as_ref().unchecked_ref()).ok();
    if let (Some(observer), Some(body)) = (&observer, document().body()) {
        observer.observe(&body);
    }
    let keep = StoredValue::new_local(Some(resize));
    post(&parent, "nimbus:ready", None);
    post(&parent, "nimbus:resize", Some(content_height()));
    on_cleanup(move || {
        listener.remove();
        if let Some(observer) = observer {
            observer.disconnect();
        }
        keep.try_set_value(None);
    });
}

/// The window hosting this frame, if this page is in one.
fn host_window() -> Option<web_sys::Window> {
    let parent = window().parent().ok().flatten()?;
    // A top-level page is its own parent.
    (!js_sys::Object::is(&parent, &window())).then_some(parent)
}

/// The height of the content itself: the body's box (an embed's body has no minimum height).
/// Not the root's scroll height, which is never less than the frame and so could only grow.
fn content_height() -> f64 {
    document().body().map_or(0.0, |body| body.get_bounding_client_rect().height().ceil())
}

fn post(parent: &web_sys::Window, kind: &str, height: Option<f64>) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &kind.into());
    if let Some(height) = height {
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    }
    // Only sizes and readiness go out, nothing private: any host may read them.
    let _ = parent.post_message(&message, "*");
}

/// A host message, if it has one of the accepted shapes.
fn read_request(data: &JsValue) -> Option<HostRequest> {
    if !data.is_object() {
        return None;
    }
    let kind = js_sys::Reflect::get(data, &"type".into()).ok()?.as_string()?;
    match kind.as_str() {
        "nimbus:play" => Some(HostRequest::Play),
        "nimbus:pause" => Some(HostRequest::Pause),
        "nimbus:set" => {
            let patch = js_sys::Reflect::get(data, &"patch".into()).ok()?;
            patch_query(&patch).map(HostRequest::Set)
        }
        _ => None,
    }
}

/// A patch as a link query: a string is one already; an object's own string and number
/// properties become `key=value` pairs. Anything else is not a patch.
fn patch_query(patch: &JsValue) -> Option<String> {
    if let Some(text) = patch.as_string() {
        return Some(text);
    }
    let object = patch.dyn_ref::<js_sys::Object>()?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for entry in js_sys::Object::entries(object).iter() {
        let pair = js_sys::Array::from(&entry);
        let Some(key) = pair.get(0).as_string() else { continue };
        let value = pair.get(1);
        let text = match (value.as_string(), value.as_f64(), value.as_bool()) {
            (Some(s), _, _) => s,
            (_, Some(n), _) => n.to_string(),
            (_, _, Some(b)) => if b { "1" } else { "0" }.to_owned(),
            _ => continue,
        };
        query.append_pair(&key, &text);
    }
    Some(query.finish())
}
