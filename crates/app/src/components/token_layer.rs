//! The message tokens of a diagram (SQS lanes, SNS fan-out), kept in the SVG by hand.
//!
//! Hundreds of tokens enter, move and leave every frame. Leptos's keyed `<For>` removes keys
//! from an ordered index one at a time (O(n) each), which with 500 tokens took longer than a
//! frame. Here a map from message id to its SVG nodes is diffed against the new view in one
//! pass, and only attributes that changed are written. Clicks and keys are handled once, on the
//! layer, by the `data-id` of the token they hit.
//!
//! Keyboard: the tokens are one tab stop (the selected token, else the oldest), and the arrow
//! keys move between them in message order, so hundreds of tokens do not mean hundreds of Tabs.

use std::collections::BTreeMap;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The most detached token nodes kept for reuse.
const MAX_SPARE: usize = 64;

/// Token width in CSS pixels (the SQS lanes' size; a scene may draw wider tokens): room for three
/// characters of 11 px text.
pub const TOKEN_W: f64 = 26.0;
/// Token height: 11 px text with a little air.
pub const TOKEN_H: f64 = 18.0;

/// What one token shows; a scene's snapshot makes one per token.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Its id (`data-id`; the order the arrow keys follow).
    pub id: u64,
    /// Top-left corner in `viewBox` units.
    pub x: f64,
    /// Top-left corner in `viewBox` units.
    pub y: f64,
    /// Drawing scale (1 = full size).
    pub scale: f64,
    /// The short text inside it.
    pub label: String,
    /// CSS classes.
    pub class: String,
    /// A count drawn as a badge when above one (receive count, delivery attempts).
    pub badge: u32,
    /// Width of the bar under it (a countdown), 0 for none.
    pub bar_w: f64,
    /// The accessible name: everything it shows, in words.
    pub aria: String,
}

impl Token {
    /// A half-size token of a crowded lane (class `dense`): drawn without text, in a batch.
    pub fn is_dense(&self) -> bool {
        self.class.split(' ').any(|c| c == "dense")
    }
}

/// The SVG nodes of one token and what they show now.
struct TokenNodes {
    g: Element,
    label: Element,
    countdown: Element,
    badge: Element,
    count: Element,
    shown: Option<Token>,
    selected: bool,
}

/// The tokens drawn inside one `<g>` of the diagram.
pub struct TokenLayer {
    document: Document,
    root: Element,
    /// Tokens drawn one by one: full-size ones, and the selected and tab-stop ones.
    nodes: BTreeMap<u64, TokenNodes>,
    /// Nodes of tokens that left, detached, for the next tokens to arrive: copies travel for a
    /// fraction of a second, and building six SVG nodes for each new one took a third of a frame.
    spare: Vec<TokenNodes>,
    /// Half-size tokens drawn as one path per look.
    batches: Vec<Batch>,
    /// Every token of the last render, in message order (what the arrow keys walk).
    ids: Vec<u64>,
    /// Where the batched tokens are (id, x, y, scale), for clicks on a batch.
    batched: Vec<(u64, f64, f64, f64)>,
    /// The token in the tab order: the last one selected or moved to with the arrow keys.
    tab_stop: Option<u64>,
    /// The token whose node has `tabindex="0"`.
    tab_node: Option<u64>,
    /// The selection of the last render (a new selection becomes the tab stop).
    last_selected: Option<u64>,
    /// The tab stop should take keyboard focus once it is drawn (after the arrow keys moved it).
    focus_pending: bool,
    /// The total drawn, as `data-count` on the root.
    count: Option<usize>,
    /// Token width in `viewBox` units.
    width: f64,
    /// The rounded rectangle of a token at scale 1 after its starting point, as path text.
    outline: String,
}

/// The half-size tokens of one look (class and scale): a group with that class, scaled, holding
/// one path for their bodies and one for their countdown bars.
struct Batch {
    class: String,
    scale: f64,
    g: Element,
    body: Element,
    bars: Element,
    /// What the paths and count show now.
    shown: (String, String, usize),
    /// Filled during a render.
    next: (String, String, usize),
}

impl TokenLayer {
    /// Draws tokens `width` wide (and [`TOKEN_H`] high) into `root`, which must be empty.
    pub fn new(root: Element, width: f64) -> Option<TokenLayer> {
        let document = root.owner_document()?;
        let (r, w, h) = (4.0, width - 8.0, TOKEN_H - 8.0);
        let outline = format!("h{w}a{r} {r} 0 0 1 {r} {r}v{h}a{r} {r} 0 0 1 -{r} {r}h-{w}a{r} {r} 0 0 1 -{r} -{r}v-{h}a{r} {r} 0 0 1 {r} -{r}z");
        Some(TokenLayer {
            document,
            root,
            nodes: BTreeMap::new(),
            spare: Vec::new(),
            batches: Vec::new(),
            ids: Vec::new(),
            batched: Vec::new(),
            tab_stop: None,
            tab_node: None,
            last_selected: None,
            focus_pending: false,
            count: None,
            width,
            outline,
        })
    }

    /// Makes the layer show `tokens`, with `selected` marked.
    ///
    /// Half-size tokens (class `dense`: a crowded lane, hundreds at once) are drawn as one path per
    /// look instead of six SVG nodes each: every node costs style, layout and paint work each frame,
    /// which on a slow phone took several frames. The selected token and the tab stop are always
    /// drawn on their own, so they can be focused, outlined and named.
    pub fn render(&mut self, tokens: &BTreeMap<u64, Token>, selected: Option<u64>) {
        let present = |id: Option<u64>| id.filter(|id| tokens.contains_key(id));
        let newly_selected = selected != self.last_selected && present(selected).is_some();
        self.last_selected = selected;
        let stop = match newly_selected {
            true => selected,
            false => present(self.tab_stop).or(present(selected)),
        }
        .or(tokens.keys().next().copied());
        self.ids.clear();
        self.ids.extend(tokens.keys().copied());
        self.batched.clear();
        for batch in &mut self.batches {
            batch.next.0.clear();
            batch.next.1.clear();
            batch.next.2 = 0;
        }
        for (&id, token) in tokens {
            if token.is_dense() && Some(id) != stop && Some(id) != selected {
                self.batch(id, token);
                continue;
            }
            if !self.nodes.contains_key(&id) {
                let Some(nodes) = self.reuse(id).or_else(|| self.create(id)) else { continue };
                self.nodes.insert(id, nodes);
            }
            if let Some(nodes) = self.nodes.get_mut(&id) {
                update(nodes, token, selected == Some(id));
            }
        }
        self.set_tab_stop(stop);
        if std::mem::take(&mut self.focus_pending) {
            if let Some(g) = stop.and_then(|id| self.nodes.get(&id)).and_then(|n| n.g.dyn_ref::<web_sys::SvgElement>())
            {
                let _ = g.focus();
            }
        }
        // Removed after the new tab stop took focus, so focus never falls back to the page.
        let gone: Vec<u64> = self
            .nodes
            .keys()
            .filter(|&&id| tokens.get(&id).is_none_or(|t| t.is_dense() && Some(id) != stop && Some(id) != selected))
            .copied()
            .collect();
        for id in gone {
            if let Some(nodes) = self.nodes.remove(&id) {
                nodes.g.remove();
                if self.tab_node == Some(id) {
                    let _ = nodes.g.set_attribute("tabindex", "-1");
                }
                if self.spare.len() < MAX_SPARE {
                    self.spare.push(nodes);
                }
            }
            if self.tab_node == Some(id) {
                self.tab_node = None;
            }
        }
        self.flush_batches();
        if self.count != Some(tokens.len()) {
            self.count = Some(tokens.len());
            let _ = self.root.set_attribute("data-count", &tokens.len().to_string());
        }
    }

    /// Adds a half-size token to the path of its look.
    fn batch(&mut self, id: u64, token: &Token) {
        use std::fmt::Write;
        self.batched.push((id, token.x, token.y, token.scale));
        let at = self.batches.iter().position(|b| b.class == token.class && b.scale == token.scale);
        let at = match at {
            Some(at) => at,
            None => {
                let Some(batch) = self.new_batch(&token.class, token.scale) else { return };
                self.batches.push(batch);
                self.batches.len() - 1
            }
        };
        let batch = &mut self.batches[at];
        // In the group's scaled space, so strokes and corners shrink as a scaled token's do; whole
        // units (under a pixel on screen), because formatting integers is much cheaper than floats.
        let unit = |v: f64| v.round() as i64;
        let (x, y) = (unit(token.x / token.scale), unit(token.y / token.scale));
        let _ = write!(batch.next.0, "M{} {y}{}", x + 4, self.outline);
        if token.bar_w > 0.0 {
            let bar = unit(token.bar_w).max(1);
            let _ = write!(batch.next.1, "M{x} {}h{bar}v2.5h-{bar}z", y + TOKEN_H as i64 + 1);
        }
        batch.next.2 += 1;
    }

    fn new_batch(&self, class: &str, scale: f64) -> Option<Batch> {
        let el = |tag: &str, class: &str| -> Option<Element> {
            let e = self.document.create_element_ns(Some(SVG_NS), tag).ok()?;
            e.set_attribute("class", class).ok()?;
            Some(e)
        };
        let g = el("g", &format!("{class} token-batch"))?;
        g.set_attribute("aria-hidden", "true").ok()?;
        g.set_attribute("style", &format!("transform:scale({scale})")).ok()?;
        let body = el("path", "sqs-token-body")?;
        let bars = el("path", "sqs-countdown")?;
        g.append_child(&body).ok()?;
        g.append_child(&bars).ok()?;
        // Under the tokens drawn one by one.
        self.root.insert_before(&g, self.root.first_child().as_ref()).ok()?;
        let shown = (String::new(), String::new(), 0);
        Some(Batch { class: class.to_string(), scale, g, body, bars, next: shown.clone(), shown })
    }

    /// Writes the batches' paths that changed and drops the empty ones.
    fn flush_batches(&mut self) {
        self.batches.retain_mut(|batch| {
            if batch.next.2 == 0 {
                batch.g.remove();
                return false;
            }
            if batch.next.0 != batch.shown.0 {
                let _ = batch.body.set_attribute("d", &batch.next.0);
            }
            if batch.next.1 != batch.shown.1 {
                let _ = batch.bars.set_attribute("d", &batch.next.1);
            }
            if batch.next.2 != batch.shown.2 {
                let _ = batch.g.set_attribute("data-count", &batch.next.2.to_string());
            }
            std::mem::swap(&mut batch.shown, &mut batch.next);
            true
        });
    }

    /// The batched token at `(x, y)` in `viewBox` units, if any.
    fn batched_at(&self, x: f64, y: f64) -> Option<u64> {
        self.batched
            .iter()
            .rev()
            .find(|&&(_, tx, ty, s)| x >= tx && x <= tx + self.width * s && y >= ty && y <= ty + TOKEN_H * s)
            .map(|&(id, ..)| id)
    }

    /// Moves keyboard focus `step` tokens on from token `from`, in message order (clamped to
    /// the first and last token). Returns whether the target still has to be drawn (a batched
    /// token): the next render draws it on its own and focuses it.
    pub fn move_focus(&mut self, from: u64, step: isize) -> bool {
        let Some(pos) = self.ids.iter().position(|&id| id == from) else { return false };
        let to = self.ids[pos.saturating_add_signed(step).min(self.ids.len() - 1)];
        self.set_tab_stop(Some(to));
        match self.nodes.get(&to).and_then(|n| n.g.dyn_ref::<web_sys::SvgElement>()) {
            Some(g) => {
                let _ = g.focus();
                false
            }
            None => {
                self.focus_pending = true;
                true
            }
        }
    }

    /// Makes token `id` the tab stop; its node (when drawn) gets `tabindex="0"`.
    fn set_tab_stop(&mut self, id: Option<u64>) {
        if self.tab_node != id {
            if let Some(old) = self.tab_node.and_then(|old| self.nodes.get(&old)) {
                let _ = old.g.set_attribute("tabindex", "-1");
            }
            self.tab_node = None;
        }
        if self.tab_node.is_none() {
            if let Some(new) = id.and_then(|new| self.nodes.get(&new)) {
                let _ = new.g.set_attribute("tabindex", "0");
                self.tab_node = id;
            }
        }
        self.tab_stop = id;
    }

    /// Spare nodes, attached again for token `id` (their attributes are rewritten where the new
    /// token differs from the one they showed).
    fn reuse(&mut self, id: u64) -> Option<TokenNodes> {
        let nodes = self.spare.pop()?;
        nodes.g.set_attribute("data-id", &id.to_string()).ok()?;
        self.root.append_child(&nodes.g).ok()?;
        Some(nodes)
    }

    fn create(&self, id: u64) -> Option<TokenNodes> {
        let el = |tag: &str, attrs: &[(&str, &str)]| -> Option<Element> {
            let e = self.document.create_element_ns(Some(SVG_NS), tag).ok()?;
            for (k, v) in attrs {
                e.set_attribute(k, v).ok()?;
            }
            Some(e)
        };
        let (w, h) = (self.width.to_string(), TOKEN_H.to_string());
        let g = el("g", &[("role", "button"), ("tabindex", "-1"), ("data-id", &id.to_string())])?;
        let body = el("rect", &[("class", "sqs-token-body"), ("width", &w), ("height", &h), ("rx", "4")])?;
        let label = el(
            "text",
            &[
                ("class", "sqs-token-label"),
                ("x", &(self.width / 2.0).to_string()),
                ("y", &(TOKEN_H - 4.0).to_string()),
                ("text-anchor", "middle"),
            ],
        )?;
        let countdown = el(
            "rect",
            &[("class", "sqs-countdown"), ("x", "0"), ("y", &(TOKEN_H + 1.0).to_string()), ("height", "2.5")],
        )?;
        let badge = el("circle", &[("class", "sqs-count-badge"), ("cx", &w), ("cy", "0"), ("r", "0")])?;
        let count = el("text", &[("class", "sqs-count-text"), ("x", &w), ("y", "2.5"), ("text-anchor", "middle")])?;
        for child in [&body, &label, &countdown, &badge, &count] {
            g.append_child(child).ok()?;
        }
        self.root.append_child(&g).ok()?;
        Some(TokenNodes { g, label, countdown, badge, count, shown: None, selected: false })
    }
}

/// Writes the attributes of `token` that differ from what `nodes` shows.
fn update(nodes: &mut TokenNodes, token: &Token, selected: bool) {
    let old = nodes.shown.as_ref();
    if old.is_none_or(|o| o.class != token.class) || nodes.selected != selected {
        let class = if selected { format!("{} selected", token.class) } else { token.class.clone() };
        let _ = nodes.g.set_attribute("class", &class);
        let _ = nodes.g.set_attribute("aria-pressed", if selected { "true" } else { "false" });
    }
    if old.is_none_or(|o| (o.x, o.y, o.scale) != (token.x, token.y, token.scale)) {
        let style = format!("transform:translate({}px,{}px) scale({})", token.x, token.y, token.scale);
        let _ = nodes.g.set_attribute("style", &style);
    }
    if old.is_none_or(|o| o.aria != token.aria) {
        let _ = nodes.g.set_attribute("aria-label", &token.aria);
    }
    if old.is_none_or(|o| o.label != token.label) {
        nodes.label.set_text_content(Some(&token.label));
    }
    if old.is_none_or(|o| o.bar_w != token.bar_w) {
        let _ = nodes.countdown.set_attribute("width", &token.bar_w.to_string());
    }
    if old.is_none_or(|o| o.badge != token.badge) {
        let badge = token.badge > 1;
        let _ = nodes.badge.set_attribute("r", if badge { "7.5" } else { "0" });
        nodes.count.set_text_content(Some(&if badge { token.badge.to_string() } else { String::new() }));
    }
    nodes.selected = selected;
    nodes.shown = Some(token.clone());
}

/// The message id of the token an event hit, if it hit one.
pub fn token_id_of(target: Option<web_sys::EventTarget>) -> Option<u64> {
    let element: Element = target?.dyn_into().ok()?;
    element.closest("[data-id]").ok()??.get_attribute("data-id")?.parse().ok()
}

/// The tokens of a diagram as one SVG group: drawn by a [`TokenLayer`] in step with the view,
/// one tab stop, arrow keys to move between tokens, Enter or a click to select one.
/// `with_tokens` calls its argument with the current tokens (tracked: the group redraws when
/// they change); `width` is the token width in `viewBox` units; `class` the group's classes.
pub fn token_group(
    with_tokens: impl Fn(&mut dyn FnMut(&BTreeMap<u64, Token>)) + 'static,
    selected: RwSignal<Option<u64>>,
    on_select: Callback<u64>,
    width: f64,
    class: &'static str,
) -> impl IntoView {
    let root = NodeRef::<leptos::svg::G>::new();
    let layer = StoredValue::new_local(None::<TokenLayer>);
    // Redraws without new tokens: the arrow keys moved focus to a token drawn in a batch.
    let redraw = Trigger::new();
    Effect::new(move |_| {
        let Some(g) = root.get() else { return };
        redraw.track();
        let selected = selected.get();
        with_tokens(&mut |tokens| {
            layer.update_value(|layer| {
                if layer.is_none() {
                    *layer = TokenLayer::new(g.clone().into(), width);
                }
                if let Some(layer) = layer.as_mut() {
                    layer.render(tokens, selected);
                }
            })
        });
    });
    view! {
        <g
            class=class
            node_ref=root
            on:click=move |ev: leptos::ev::MouseEvent| {
                let hit = token_id_of(ev.target()).or_else(|| {
                    // A click on a batch: find the token under the pointer.
                    let g = root.get_untracked()?;
                    let g: &web_sys::SvgGraphicsElement = g.unchecked_ref();
                    let m = g.get_screen_ctm()?.inverse().ok()?;
                    let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                    let x = f64::from(m.a()) * cx + f64::from(m.c()) * cy + f64::from(m.e());
                    let y = f64::from(m.b()) * cx + f64::from(m.d()) * cy + f64::from(m.f());
                    layer.with_value(|layer| layer.as_ref()?.batched_at(x, y))
                });
                if let Some(id) = hit {
                    on_select.run(id);
                }
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let Some(id) = token_id_of(ev.target()) else { return };
                let step = match ev.key().as_str() {
                    "Enter" | " " => {
                        ev.prevent_default();
                        on_select.run(id);
                        return;
                    }
                    "ArrowRight" | "ArrowDown" => 1,
                    "ArrowLeft" | "ArrowUp" => -1,
                    "Home" => isize::MIN,
                    "End" => isize::MAX,
                    _ => return,
                };
                ev.prevent_default();
                let pending = layer.try_update_value(|layer| layer.as_mut().is_some_and(|l| l.move_focus(id, step)));
                if pending == Some(true) {
                    redraw.notify();
                }
            }
        ></g>
    }
}
