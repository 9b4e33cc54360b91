//! The small static diagram on each landing card, as inline SVG markup.
//!
//! They are fixed strings inserted with `inner_html`: the browser's HTML parser then puts `<title>`
//! in the SVG namespace (the `view!` macro would create an HTML `<title>`), and a string costs the
//! wasm far less than the element-by-element code `view!` generates. Colours come from CSS classes,
//! so the diagrams follow the theme. Each has a small loop of its playground's motion (`d-loop`
//! elements, animated by CSS: transform and opacity only).

mod pictures;

pub use pictures::card_diagram;

#[cfg(test)]
mod tests;
