//! The animation-frame hook: the one place where wall-clock time enters the app.
//!
//! Scenes turn the frame duration into simulated time (`dt × speed`); the engine never learns that
//! frames exist.

use leptos::ev;
use leptos::leptos_dom::helpers::AnimationFrameRequestHandle;
use leptos::prelude::*;

use crate::view_model::clamp_frame_dt;

/// Calls `on_frame(dt_ms)` once per animation frame while `active` is true and the page is visible.
///
/// `dt_ms` is the wall time since the previous frame, clamped to `0..=MAX_FRAME_DT_MS`; the first
/// frame after (re)starting reports 0 so a pause never turns into a jump. The request is re-armed
/// every frame, its handle lives in a `StoredValue`, and it is cancelled when the owner is cleaned up.
pub fn use_animation_frame(active: Signal<bool>, on_frame: impl FnMut(f64) + 'static) {
    let frame_loop = FrameLoop {
        on_frame: StoredValue::new_local(Box::new(on_frame) as Box<dyn FnMut(f64)>),
        handle: StoredValue::new_local(None),
        last_ms: StoredValue::new_local(None),
    };

    let visible = RwSignal::new(page_visible());
    // `visibilitychange` fires on the document and bubbles to the window.
    let visibility_listener = window_event_listener(ev::visibilitychange, move |_| visible.set(page_visible()));

    Effect::new(move |_| match active.get() && visible.get() {
        true => frame_loop.start(),
        false => frame_loop.stop(),
    });

    on_cleanup(move || {
        visibility_listener.remove();
        frame_loop.stop();
    });
}

/// The state of one running loop; `Copy` because every field is an arena handle.
#[derive(Clone, Copy)]
struct FrameLoop {
    on_frame: StoredValue<Box<dyn FnMut(f64)>, LocalStorage>,
    handle: StoredValue<Option<AnimationFrameRequestHandle>, LocalStorage>,
    last_ms: StoredValue<Option<f64>, LocalStorage>,
}

impl FrameLoop {
    fn start(self) {
        let already_running = self.handle.try_with_value(Option::is_some).unwrap_or(true);
        if already_running {
            return;
        }
        self.last_ms.set_value(None);
        self.arm();
    }

    fn stop(self) {
        // `try_` because cleanup may run after the arena slots are gone.
        if let Some(Some(handle)) = self.handle.try_update_value(Option::take) {
            handle.cancel();
        }
    }

    fn arm(self) {
        let request = request_animation_frame_with_handle(move || self.tick());
        // Without a handle there is nothing to cancel; the loop just does not run.
        let _ = self.handle.try_set_value(request.ok());
    }

    fn tick(self) {
        // A frame that fires after `stop` (or after disposal) must not re-arm.
        let still_running = self.handle.try_with_value(Option::is_some).unwrap_or(false);
        if !still_running {
            return;
        }
        let now_ms = now_ms();
        let dt_ms = match self.last_ms.try_with_value(|last| *last).flatten() {
            Some(last) => clamp_frame_dt(now_ms - last),
            None => 0.0,
        };
        let _ = self.last_ms.try_set_value(Some(now_ms));
        // Arm before running the callback so a callback that stops the loop cancels this new request.
        self.arm();
        self.on_frame.try_update_value(|on_frame| on_frame(dt_ms));
    }
}

/// Wall-clock milliseconds (the page's performance clock); only for pacing the UI, never the engine.
pub fn now_ms() -> f64 {
    window().performance().map(|performance| performance.now()).unwrap_or(0.0)
}

fn page_visible() -> bool {
    !document().hidden()
}

/// Whether the reader asked for reduced motion: scenes then start paused and skip travelling tokens.
pub fn prefers_reduced_motion() -> bool {
    window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|query| query.matches())
}
