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
    nodes: BTreeMap<u64, TokenNodes>,
    /// The token with `tabindex="0"`.
    tab_stop: Option<u64>,
    /// Token width in `viewBox` units.
    width: f64,
}

impl TokenLayer {
    /// Draws tokens `width` wide (and [`TOKEN_H`] high) into `root`, which must be empty.
    pub fn new(root: Element, width: f64) -> Option<TokenLayer> {
        let document = root.owner_document()?;
        Some(TokenLayer { document, root, nodes: BTreeMap::new(), tab_stop: None, width })
    }

    /// Makes the layer show `tokens`, with `selected` marked.
    pub fn render(&mut self, tokens: &BTreeMap<u64, Token>, selected: Option<u64>) {
        let gone: Vec<u64> = self.nodes.keys().filter(|id| !tokens.contains_key(id)).copied().collect();
        for id in gone {
            if let Some(nodes) = self.nodes.remove(&id) {
                nodes.g.remove();
            }
        }
        for (&id, token) in tokens {
            if !self.nodes.contains_key(&id) {
                let Some(nodes) = self.create(id) else { continue };
                self.nodes.insert(id, nodes);
            }
            if let Some(nodes) = self.nodes.get_mut(&id) {
                update(nodes, token, selected == Some(id));
            }
        }
        let keep = |id: Option<u64>| id.filter(|id| self.nodes.contains_key(id));
        let stop = keep(selected).or(keep(self.tab_stop)).or(self.nodes.keys().next().copied());
        self.set_tab_stop(stop);
    }

    /// Moves keyboard focus `step` tokens on from token `from`, in message order (clamped to
    /// the first and last token).
    pub fn move_focus(&mut self, from: u64, step: isize) {
        let ids: Vec<u64> = self.nodes.keys().copied().collect();
        let Some(pos) = ids.iter().position(|&id| id == from) else { return };
        let to = ids[pos.saturating_add_signed(step).min(ids.len() - 1)];
        self.set_tab_stop(Some(to));
        if let Some(g) = self.nodes.get(&to).and_then(|n| n.g.dyn_ref::<web_sys::SvgElement>()) {
            let _ = g.focus();
        }
    }

    fn set_tab_stop(&mut self, id: Option<u64>) {
        if self.tab_stop == id {
            return;
        }
        if let Some(old) = self.tab_stop.and_then(|old| self.nodes.get(&old)) {
            let _ = old.g.set_attribute("tabindex", "-1");
        }
        if let Some(new) = id.and_then(|new| self.nodes.get(&new)) {
            let _ = new.g.set_attribute("tabindex", "0");
        }
        self.tab_stop = id;
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
    Effect::new(move |_| {
        let Some(g) = root.get() else { return };
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
            on:click=move |ev| {
                if let Some(id) = token_id_of(ev.target()) {
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
                layer.update_value(|layer| {
                    if let Some(layer) = layer.as_mut() {
                        layer.move_focus(id, step);
                    }
                });
            }
        ></g>
    }
}
