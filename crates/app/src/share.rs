//! Links that replay a run: a playground's whole state in the URL query.
//!
//! `?v=1&p=poison&seed=7&speed=2&t=30.5&visibility=5` — the version, the preset, the seed, the
//! speed, optionally the simulated time to start at, then every scenario setting that differs
//! from the preset (defaults are omitted, so a link stays short and readable). Opening the link
//! rebuilds the same scenario and seed, so the run is the same run, event for event.
//!
//! A link is input from anywhere: [`parse`] never fails. Unknown keys are ignored and bad values
//! fall back to the defaults, each with a short notice saying what was ignored; the notices quote
//! at most a few characters of what they refuse, and the page shows them as text, never markup.
//!
//! Each playground plugs in its scenario through [`LinkParams`]; the rest is shared.

use std::fmt::Write as _;

use leptos::prelude::window;

use crate::view_model::{format_speed, parse_seed, SPEED_LADDER};

/// The link format's version, written as `v=1`.
pub const LINK_VERSION: u32 = 1;
/// Longest query read; the rest of a longer one is ignored (a link is a few hundred bytes).
pub const MAX_QUERY_BYTES: usize = 2_048;
/// Latest start time a link may ask for, in simulated seconds: the page must get there quickly.
pub const MAX_START_SECS: f64 = 3_600.0;
/// Characters of a refused key or value quoted in a notice.
const QUOTE_CHARS: usize = 24;
/// Notices shown at most; more are summarised.
const MAX_NOTICES: usize = 5;

/// What a link says, before the playground reads its scenario settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    /// `p`: the preset the settings start from (the playground's first when absent).
    pub preset: Option<String>,
    /// `seed`.
    pub seed: Option<u32>,
    /// `speed`: one of [`SPEED_LADDER`].
    pub speed: Option<f64>,
    /// `t`: simulated seconds to run before showing the page.
    pub start_secs: Option<f64>,
    /// A fork of the run: its instant (simulated seconds) and the settings it changes, as link
    /// pairs joined by `;` (`fork=20:visibility=30`).
    pub fork: Option<(f64, String)>,
    /// Every other `key=value`, in order: the playground's scenario settings.
    pub params: Vec<(String, String)>,
    /// How the page is shown (embed mode and its options).
    pub view: ViewOptions,
}

/// How a playground page is shown: `embed=1`, `controls=`, `autoplay=`, `theme=`, `bg=`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewOptions {
    /// Only the diagram and its controls, for an `<iframe>` in someone's page.
    pub embed: bool,
    /// Which controls an embed shows.
    pub controls: Controls,
    /// Start playing (`None`: yes, unless the reader prefers reduced motion).
    pub autoplay: Option<bool>,
    /// Colour scheme.
    pub theme: Theme,
    /// The page background: `bg=transparent` lets a host page show through an embed.
    pub transparent: bool,
}

/// The controls an embed shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// Player, preset and every knob.
    Full,
    /// Play/pause, step, reset and speed.
    #[default]
    Min,
    /// None: the diagram alone.
    None,
}

/// The colour scheme a link asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// The reader's preference.
    #[default]
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Controls {
    const ALL: [(Controls, &'static str); 3] =
        [(Controls::Full, "full"), (Controls::Min, "min"), (Controls::None, "none")];
}

impl Theme {
    const ALL: [(Theme, &'static str); 3] = [(Theme::Auto, "auto"), (Theme::Light, "light"), (Theme::Dark, "dark")];
    /// The CSS `color-scheme` that forces it (`None` for auto).
    pub fn color_scheme(self) -> Option<&'static str> {
        match self {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// One of `options` by its name, or a notice listing the names.
fn pick<T: Copy>(key: &str, value: &str, options: &[(T, &'static str)], notices: &mut Vec<String>) -> Option<T> {
    let found = options.iter().find(|(_, name)| *name == value).map(|(v, _)| *v);
    if found.is_none() {
        let names: Vec<&str> = options.iter().map(|(_, name)| *name).collect();
        notices.push(format!("Ignored {key}={}: use {}.", quote(value), names.join(", ")));
    }
    found
}

fn name_of<T: PartialEq>(value: T, options: &[(T, &'static str)]) -> &'static str {
    options.iter().find(|(v, _)| *v == value).map_or("", |(_, name)| *name)
}

/// A playground's scenario as link parameters: the settings that differ from a base (the preset)
/// and how to apply one back.
pub trait LinkParams: Clone {
    /// `(key, value)` for each setting of `self` that differs from `base`, in a fixed order.
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)>;
    /// Where `key` goes in the order settings are applied (dependent ones last), or `None` for a
    /// key this playground does not know.
    fn param_rank(key: &str) -> Option<usize>;
    /// Applies one setting; `Err` explains a bad value, with the allowed range.
    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String>;
}

/// Reads a query string (with or without its `?`). Never fails: see the module docs.
pub fn parse(query: &str) -> (Link, Vec<String>) {
    let mut notices = Vec::new();
    let query = query.strip_prefix('?').unwrap_or(query);
    let query = if query.len() > MAX_QUERY_BYTES {
        notices
            .push(format!("The link is {} characters long; only the settings within its first {MAX_QUERY_BYTES} were read (share the scenario file to carry all of it).", query.len()));
        // Cut before the setting that crosses the limit, never inside it: a cut value could read
        // as a different valid one (`split:112@112` as `split:112@1`).
        let mut end = MAX_QUERY_BYTES;
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        let end = query[..end].rfind('&').unwrap_or(0);
        &query[..end]
    } else {
        query
    };
    let mut link = Link::default();
    let mut seen: Vec<String> = Vec::new();
    // `form_urlencoded` decodes `+` and `%XX`, replacing invalid UTF-8 with U+FFFD.
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let (key, value) = (key.trim(), value.trim());
        // A setting given twice: the first counts, and the reader is told which was dropped.
        if !key.is_empty() {
            if seen.iter().any(|k| k == key) {
                notices.push(format!(
                    "Ignored {}={}: {} is given more than once; the first one counts.",
                    quote(key),
                    quote(value),
                    quote(key)
                ));
                continue;
            }
            seen.push(key.to_owned());
        }
        match key {
            "" => {}
            "v" => {
                if value != LINK_VERSION.to_string() {
                    notices.push(format!(
                        "This link is version {}; this page reads version {LINK_VERSION} links, so some settings may be ignored.",
                        quote(value)
                    ));
                }
            }
            "p" => link.preset = Some(value.to_owned()),
            "seed" => match parse_seed(value) {
                Ok(seed) => link.seed = Some(seed),
                Err(_) => notices.push(format!(
                    "Ignored seed={}: a seed is a whole number from 0 to {}.",
                    quote(value),
                    u32::MAX
                )),
            },
            "speed" => match parse_speed(value) {
                Some(speed) => link.speed = Some(speed),
                None => notices.push(format!(
                    "Ignored speed={}: use one of {}.",
                    quote(value),
                    SPEED_LADDER.iter().map(|s| format_speed(*s)).collect::<Vec<_>>().join(", ")
                )),
            },
            "t" => match value.parse::<f64>() {
                Ok(t) if (0.0..=MAX_START_SECS).contains(&t) => link.start_secs = Some(t),
                _ => notices.push(format!(
                    "Ignored t={}: the start time is a number of seconds from 0 to {MAX_START_SECS}.",
                    quote(value)
                )),
            },
            "fork" => match value.split_once(':').map(|(t, change)| (t.parse::<f64>(), change)) {
                Some((Ok(t), change)) if (0.0..=MAX_START_SECS).contains(&t) && change.contains('=') => {
                    link.fork = Some((t, change.to_owned()))
                }
                _ => notices.push(format!(
                    "Ignored fork={}: a fork is written <seconds>:<setting>=<value>, such as fork=20:visibility=30.",
                    quote(value)
                )),
            },
            "embed" => link.view.embed = pick(key, value, &[(false, "0"), (true, "1")], &mut notices).unwrap_or(false),
            "controls" => link.view.controls = pick(key, value, &Controls::ALL, &mut notices).unwrap_or_default(),
            "autoplay" => link.view.autoplay = pick(key, value, &[(false, "0"), (true, "1")], &mut notices),
            "theme" => link.view.theme = pick(key, value, &Theme::ALL, &mut notices).unwrap_or_default(),
            "bg" => {
                link.view.transparent =
                    pick(key, value, &[(false, "page"), (true, "transparent")], &mut notices).unwrap_or(false)
            }
            _ => link.params.push((key.to_owned(), value.to_owned())),
        }
    }
    (link, notices)
}

/// Applies `params` onto `base` in the playground's order; unknown keys and bad values are
/// skipped, each with a notice appended to `notices`.
pub fn apply_params<S: LinkParams>(base: S, params: &[(String, String)], notices: &mut Vec<String>) -> S {
    let mut known: Vec<(usize, &str, &str)> = Vec::new();
    for (key, value) in params {
        match S::param_rank(key) {
            Some(rank) => known.push((rank, key, value)),
            None => notices.push(format!("Ignored {}: not a setting of this playground.", quote(key))),
        }
    }
    // Stable: a key given twice keeps its order, so the last one wins.
    known.sort_by_key(|(rank, _, _)| *rank);
    let mut scenario = base;
    for (_, key, value) in known {
        match scenario.apply_param(key, value) {
            Ok(next) => scenario = next,
            Err(why) => notices.push(format!("Ignored {key}={}: {why}", quote(value))),
        }
    }
    scenario
}

/// The query for `link` (without `?`): empty when everything is a default.
pub fn to_query(link: &Link) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    let mut pair = |k: &str, v: &str| {
        if !any {
            out.append_pair("v", &LINK_VERSION.to_string());
            any = true;
        }
        out.append_pair(k, v);
    };
    if let Some(p) = &link.preset {
        pair("p", p);
    }
    if let Some(seed) = link.seed {
        pair("seed", &seed.to_string());
    }
    if let Some(speed) = link.speed {
        pair("speed", &trim_number(speed, 2));
    }
    if let Some(t) = link.start_secs {
        pair("t", &trim_number(t, 6));
    }
    for (k, v) in &link.params {
        pair(k, v);
    }
    if let Some((t, change)) = &link.fork {
        pair("fork", &format!("{}:{change}", trim_number(*t, 6)));
    }
    let view = link.view;
    if view.embed {
        pair("embed", "1");
    }
    if view.controls != Controls::default() {
        pair("controls", name_of(view.controls, &Controls::ALL));
    }
    if let Some(autoplay) = view.autoplay {
        pair("autoplay", if autoplay { "1" } else { "0" });
    }
    if view.theme != Theme::default() {
        pair("theme", name_of(view.theme, &Theme::ALL));
    }
    if view.transparent {
        pair("bg", "transparent");
    }
    out.finish()
}

/// A speed from a link: a number on the ladder (`2`, `0.25`, `2x` and `2×` are all fine).
fn parse_speed(text: &str) -> Option<f64> {
    let number = text.trim_end_matches(['x', '×']);
    let speed: f64 = number.parse().ok()?;
    SPEED_LADDER.iter().copied().find(|s| (s - speed).abs() < 1e-9)
}

/// `value` with at most `decimals` decimals and no trailing zeros: `30`, `12.5`, `0.000001`.
pub fn trim_number(value: f64, decimals: usize) -> String {
    let mut text = String::new();
    let _ = write!(text, "{value:.decimals$}");
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(trimmed);
    }
    text
}

/// A refused key or value as a notice quotes it: short, and visibly cut when it was long.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    let cut = if chars.next().is_some() { "…" } else { "" };
    format!("\u{201c}{head}{cut}\u{201d}")
}

/// Caps a list of notices at [`MAX_NOTICES`], summarising the rest, so a hostile link cannot
/// flood the page.
pub fn capped(mut notices: Vec<String>) -> Vec<String> {
    if notices.len() > MAX_NOTICES {
        let more = notices.len() - (MAX_NOTICES - 1);
        notices.truncate(MAX_NOTICES - 1);
        notices.push(format!("…and {more} more ignored settings."));
    }
    notices
}

mod linked;
#[cfg(test)]
mod tests;

pub use linked::{Defaults, LinkedRun, Presets};

// ---- the browser side -----------------------------------------------------------------------

/// The page's query string, `?` included (empty when there is none or no window).
pub fn current_query() -> String {
    window().location().search().unwrap_or_default()
}

/// This page's address with `query` (without `?`) as its query, keeping the path and the hash.
pub fn page_url(query: &str) -> String {
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    match query.is_empty() {
        true => format!("{origin}{path}{hash}"),
        false => format!("{origin}{path}?{query}{hash}"),
    }
}

/// Puts `query` in the address bar without a history entry (a slider tick is not a page).
pub fn replace_query(query: &str) {
    let url = page_url(query);
    if window().location().href().ok().as_deref() == Some(url.as_str()) {
        return;
    }
    if let Ok(history) = window().history() {
        // A refusal (say, a sandboxed frame) leaves the address as it was; the page still works.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Copies `text` to the clipboard; `false` when the browser refuses (no permission, an insecure
/// page), so the caller can show the text for copying by hand.
pub async fn copy_text(text: String) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await.is_ok()
}

/// Largest scenario file read (a scenario is a few kilobytes).
pub const MAX_FILE_BYTES: f64 = 256.0 * 1024.0;

/// Saves `text` as a file named `name` (the browser's download).
pub fn download_text(name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |_| "The browser did not allow the download.".to_string();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let link = leptos::prelude::document()
        .create_element("a")
        .map_err(fail)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "The browser did not allow the download.".to_string())?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The text of the first file chosen in `input`, or why it cannot be read.
pub async fn read_chosen_file(input: web_sys::HtmlInputElement) -> Result<String, String> {
    let file = input.files().and_then(|files| files.get(0)).ok_or("No file was chosen.")?;
    if file.size() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is {:.0} KB; a scenario file is at most {:.0} KB.",
            quote(&file.name()),
            file.size() / 1024.0,
            MAX_FILE_BYTES / 1024.0
        ));
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| format!("{} could not be read.", quote(&file.name())))?;
    text.as_string().ok_or_else(|| format!("{} is not a text file.", quote(&file.name())))
}
