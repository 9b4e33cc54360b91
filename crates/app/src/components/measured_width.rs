//! The width an element gets on screen, measured and kept up to date.
//!
//! Every diagram is laid out for the width it gets, with one SVG unit per CSS pixel: its text
//! keeps the size the stylesheet gives it (never below 11 px) and a narrow frame gets a narrow
//! layout, not a shrunken wide one. A `ResizeObserver` follows the element itself, so a column
//! that changes (a phone rotated, an embed resized, the sidebar folding) re-lays the diagram.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The narrowest width a diagram is laid out for: a 320 px phone's column. A narrower frame
/// shows that layout scaled down.
pub const NARROWEST: f64 = 240.0;

/// The measured content width of the element behind `node`, in CSS pixels, starting at
/// `initial` until the element is in the document. A hidden element (width 0) keeps the last
/// real width, and changes under a pixel are ignored so a layout never oscillates.
pub fn measured_width<E>(node: NodeRef<E>, initial: f64) -> ReadSignal<f64>
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let (width, set_width) = signal(initial);
    let measure = move || {
        if let Some(el) = node.get_untracked() {
            let measured = f64::from(el.unchecked_ref::<web_sys::Element>().client_width());
            if measured > 0.0 && (measured - width.get_untracked()).abs() >= 1.0 {
                set_width.set(measured);
            }
        }
    };
    let keep = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        measure();
        if keep.with_value(Option::is_some) {
            return;
        }
        let callback = Closure::<dyn FnMut()>::new(measure);
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(el.unchecked_ref());
            keep.set_value(Some((observer, callback)));
        }
    });
    on_cleanup(move || {
        if let Some(Some((observer, _))) = keep.try_update_value(Option::take) {
            observer.disconnect();
        }
    });
    width
}

/// Where a scene draws its diagram, and the width it gets there. A scene wraps its SVG in
/// `<div class="stage" node_ref=stage.node>`, lays the SVG out for `stage.width` (one unit per
/// CSS pixel) and republishes its snapshot with [`Stage::relayout_with`] when the width changes.
#[derive(Clone, Copy)]
pub struct Stage {
    /// The wrapper whose width is measured.
    pub node: NodeRef<leptos::html::Div>,
    /// Its width in CSS pixels.
    pub width: ReadSignal<f64>,
}

impl Stage {
    /// A stage whose first guess (before it is in the document) is the window's width less the
    /// page's margins, at most `max` — so the first frame is already close to the final layout.
    pub fn new(max: f64) -> Stage {
        let window_w = window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(max);
        let node = NodeRef::new();
        Stage { node, width: measured_width(node, (window_w - 32.0).clamp(NARROWEST, max)) }
    }

    /// Calls `publish` whenever the width changes, so tokens placed for the old width move
    /// even while the run is paused. It also runs once at the start: the first measurement can
    /// come before the watch has seen the first guess, and would then not count as a change.
    pub fn relayout_with(self, publish: impl Fn() + 'static) {
        Effect::watch(move || self.width.get(), move |_, _, _| publish(), true);
    }
}
