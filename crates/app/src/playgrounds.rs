//! The playgrounds as data: the one list the landing cards, the nav, the playground pages and the not-found page read.

mod list;

pub use list::{Playground, LANDING_HEADING, LANDING_LEDE, PLAYGROUNDS, SITE_TITLE};

/// The playground with this navigation label (a scene's service name: `SQS`, `API Gateway`).
pub fn by_label(label: &str) -> Option<&'static Playground> {
    PLAYGROUNDS.iter().find(|p| p.nav_label == label)
}

/// The playground served at `/<slug>`, if there is one.
pub fn find(slug: &str) -> Option<&'static Playground> {
    PLAYGROUNDS.iter().find(|p| p.slug == slug)
}

/// The document title for a page: `SQS queues — Nimbus`.
pub fn page_title(page: &str) -> String {
    format!("{page} — Nimbus")
}

#[cfg(test)]
mod tests;
