//! Native checks of the card diagrams.

use super::*;
use crate::playgrounds::PLAYGROUNDS;

#[test]
fn every_playground_has_its_own_labelled_diagram() {
    for playground in &PLAYGROUNDS {
        let svg = card_diagram(playground.slug);
        assert!(svg.starts_with("<svg"), "{}", playground.slug);
        assert!(svg.contains("<title id=\"dg-"), "{}", playground.slug);
        assert!(svg.trim_end().ends_with("</svg>"), "{}", playground.slug);
        assert!(svg.contains("d-loop"), "{}: no looping preview", playground.slug);
    }
}
