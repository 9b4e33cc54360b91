//! Where the site lives: the base path read from `<base href>` and the link helper every internal link uses.
//!
//! GitHub Pages serves the site under `/<repo>/` while `trunk serve` serves it at `/`; Trunk writes the
//! public URL into `<base href>`, so the app reads it back at start-up instead of hard-coding either.

use leptos::prelude::*;

use crate::view_model::{base_path_from_uri, join_base};

/// The site's base path (`""` at the root, `/nimbus` under a sub-path), provided as context by `App`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteBase(String);

impl SiteBase {
    /// Reads the base path from the document's base URI; falls back to the root when there is no document.
    pub fn from_document() -> Self {
        let base_uri = document().base_uri().ok().flatten().unwrap_or_default();
        Self(base_path_from_uri(&base_uri))
    }

    /// The base path as `leptos_router`'s `<Router base>` wants it: no trailing slash, empty at the root.
    pub fn router_base(&self) -> String {
        self.0.clone()
    }

    /// The URL of an app path under the base: `href("/sqs")` is `/nimbus/sqs` on GitHub Pages.
    ///
    /// `<A href>` passes absolute paths through untouched, so every internal link goes through here.
    pub fn href(&self, path: &str) -> String {
        join_base(&self.0, path)
    }
}

/// `rel` for links to a playground. The landing page's bundle has no playground scenes (it is
/// built without the `playgrounds` feature), so from there a playground link is a full page load,
/// which the host answers with the full app (404.html); inside the full app links stay in the router.
pub fn playground_link_rel() -> Option<&'static str> {
    (!cfg!(feature = "playgrounds")).then_some("external")
}

/// The `SiteBase` provided by `App`; the root when called outside it.
pub fn use_site_base() -> SiteBase {
    use_context::<SiteBase>().unwrap_or_default()
}

/// Sets `document.title` to `title` once the page has mounted.
pub fn use_document_title(title: String) {
    Effect::new(move |_| document().set_title(&title));
}
