//! Player controls shared by every scene: play/pause, step, speed, reset and the seed.

use leptos::prelude::*;

use crate::components::unique_id;
use crate::view_model::{format_speed, parse_seed, shortcut, speed_index, step_speed, Shortcut, SPEED_LADDER};

// Button icons as SVG paths in a 16×16 box: font glyphs for these symbols vary too much between systems.
const PLAY_ICON: &str = "M4 2.5v11l9.5-5.5z";
const PAUSE_ICON: &str = "M3.5 2.5h3.25v11H3.5zm5.75 0h3.25v11H9.25z";
const STEP_ICON: &str = "M2.5 2.5v11l8-5.5zm8.75 0h2.75v11h-2.75z";
const RESET_ICON: &str =
    "M8 1.5a6.5 6.5 0 1 1-6.3 8.1l1.9-.5A4.5 4.5 0 1 0 4.8 4.8L7 7H1.5V1.5l1.9 1.9A6.5 6.5 0 0 1 8 1.5z";

/// The playback state a scene owns and the controls edit: whether it runs, how fast, from which seed.
#[derive(Clone, Copy, Debug)]
pub struct PlayerState {
    /// True while the animation loop advances the simulation.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second, one of `SPEED_LADDER`.
    pub speed: RwSignal<f64>,
    /// The seed of the current run; changing it rebuilds the simulation.
    pub seed: RwSignal<u32>,
}

impl PlayerState {
    /// Creates the state with the given initial values.
    pub fn new(playing: bool, speed: f64, seed: u32) -> Self {
        Self { playing: RwSignal::new(playing), speed: RwSignal::new(speed), seed: RwSignal::new(seed) }
    }
}

/// Play/pause, step, speed, reset and seed controls for one simulation.
///
/// Stepping pauses playback first, so a step is always one visible event. Typed seeds are
/// validated as they are typed: a valid one takes effect at once, an invalid one shows an inline
/// message and the last valid seed stays in use.
#[component]
pub fn PlayerControls(
    /// The state these controls read and write.
    state: PlayerState,
    /// Advances the simulation by one event.
    #[prop(into)]
    on_step: Callback<()>,
    /// Rebuilds the simulation from the current seed.
    #[prop(into)]
    on_reset: Callback<()>,
    /// Without the seed row (an embed's minimal controls).
    #[prop(optional)]
    compact: bool,
    /// Page-wide keys (Space, →, R, +, −) with a visible hint: for a playground that owns its
    /// page, not a demo inside a page that scrolls with Space.
    #[prop(optional)]
    shortcuts: bool,
) -> impl IntoView {
    let PlayerState { playing, speed, seed } = state;
    if shortcuts {
        use_shortcuts(state, on_step, on_reset);
    }
    let hint = shortcuts.then(|| {
        view! {
            <p class="shortcut-hint muted" data-testid="shortcut-hint">
                "Keys: " <kbd>"Space"</kbd> " play/pause · " <kbd>"→"</kbd> " step · " <kbd>"R"</kbd> " reset · "
                <kbd>"+"</kbd> " / " <kbd>"−"</kbd> " speed"
            </p>
        }
    });
    let speed_id = unique_id("speed");
    let seed_id = unique_id("seed");
    let seed_message_id = unique_id("seed-message");

    // What is in the seed field. It differs from `seed` while the user types something invalid.
    let draft = RwSignal::new(seed.get_untracked().to_string());
    let random_failed = RwSignal::new(false);
    let seed_message = move || match draft.with(|text| parse_seed(text)) {
        Ok(_) if random_failed.get() => {
            Some("The browser could not provide a random seed; type one instead.".to_string())
        }
        Ok(_) => None,
        Err(err) => Some(format!("{} (still using seed {}.)", err.message(), seed.get())),
    };

    let on_seed_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if let Ok(parsed) = parse_seed(&text) {
            if parsed != seed.get_untracked() {
                seed.set(parsed);
            }
        }
        draft.set(text);
    };
    // Shows the seed, but leaves the user's spelling alone (say `007`) while it means the same seed.
    let seed_value = move || {
        let current = seed.get();
        let text = draft.get_untracked();
        match parse_seed(&text) == Ok(current) {
            true => text,
            false => current.to_string(),
        }
    };
    let new_seed = move |_| match getrandom::u32() {
        Ok(drawn) => {
            random_failed.set(false);
            draft.set(drawn.to_string());
            seed.set(drawn);
        }
        Err(_) => random_failed.set(true),
    };
    let on_speed_change = move |ev: leptos::ev::Event| {
        // Option values are ladder indices we wrote ourselves; anything else is ignored.
        let chosen = event_target_value(&ev).parse::<usize>().ok().and_then(|idx| SPEED_LADDER.get(idx).copied());
        if let Some(chosen) = chosen {
            speed.set(chosen);
        }
    };

    let speed_options = SPEED_LADDER
        .iter()
        .enumerate()
        .map(|(idx, step)| {
            view! {
                <option value=idx.to_string() prop:selected=move || speed_index(speed.get()) == idx>
                    {format_speed(*step)}
                </option>
            }
        })
        .collect_view();

    // The seed row is left out of compact controls (an embed keeps the link's seed).
    let seed_row = (!compact).then(|| {
        view! {
            <div class="control-row seed-row">
                <label for=seed_id.clone()>"Seed"</label>
                <input
                    id=seed_id
                    data-testid="seed"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    spellcheck="false"
                    size="10"
                    aria-describedby=seed_message_id.clone()
                    aria-invalid=move || draft.with(|text| parse_seed(text).is_err()).to_string()
                    prop:value=seed_value
                    on:input=on_seed_input
                />
                <button type="button" class="button" data-testid="new-seed" on:click=new_seed>
                    "New seed"
                </button>
            </div>
            <p id=seed_message_id.clone() class="field-message" data-testid="seed-message">
                {seed_message}
            </p>
        }
    });
    view! {
        <div class="player-controls" role="group" aria-label="Playback controls">
            <div class="control-row">
                <button
                    type="button"
                    class="button primary"
                    data-testid="play"
                    data-playing=move || playing.get().to_string()
                    on:click=move |_| playing.update(|p| *p = !*p)
                >
                    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                        <path d=move || if playing.get() { PAUSE_ICON } else { PLAY_ICON }></path>
                    </svg>
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="step"
                    on:click=move |_| {
                        playing.set(false);
                        on_step.run(());
                    }
                >
                    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                        <path d=STEP_ICON></path>
                    </svg>
                    "Step"
                </button>
                <button type="button" class="button" data-testid="reset" on:click=move |_| on_reset.run(())>
                    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                        <path d=RESET_ICON></path>
                    </svg>
                    "Reset"
                </button>
            </div>
            <div class="control-row">
                <label for=speed_id.clone()>"Speed"</label>
                <select id=speed_id data-testid="speed" on:change=on_speed_change>
                    {speed_options}
                </select>
            </div>
            {seed_row}
            {hint}
        </div>
    }
}

/// Space, →, R, + and − act on the player from anywhere on the page except form fields and
/// buttons (where those keys already mean something).
fn use_shortcuts(state: PlayerState, on_step: Callback<()>, on_reset: Callback<()>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || in_form_control(&ev) {
            return;
        }
        // Shift+arrows belong to the timeline (markers).
        if ev.shift_key() && ev.key().starts_with("Arrow") {
            return;
        }
        let Some(action) = shortcut(&ev.key()) else { return };
        ev.prevent_default();
        match action {
            Shortcut::TogglePlay => state.playing.update(|p| *p = !*p),
            Shortcut::Step => {
                state.playing.set(false);
                on_step.run(());
            }
            Shortcut::Reset => on_reset.run(()),
            Shortcut::Faster => state.speed.update(|s| *s = step_speed(*s, 1)),
            Shortcut::Slower => state.speed.update(|s| *s = step_speed(*s, -1)),
        }
    });
    on_cleanup(move || handle.remove());
}

/// Whether a key event comes from an element that uses keys itself.
pub(super) fn in_form_control(ev: &leptos::ev::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(element) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(
        element.tag_name().to_ascii_lowercase().as_str(),
        "input" | "select" | "textarea" | "button" | "a" | "summary"
    ) || element.closest("[contenteditable]").ok().flatten().is_some()
}
