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

    /// The part of a browser path below the base: `/nimbus/sqs/` is `/sqs/`; a path outside the
    /// base is returned whole.
    pub fn strip(&self, path: &str) -> String {
        match path.strip_prefix(&self.0) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
            _ => path.to_owned(),
        }
    }
}

/// Whether this bundle has the scene of the playground `slug` (its cargo feature).
pub fn has_scene(slug: &str) -> bool {
    const SCENES: [(&str, bool); 5] = [
        ("sqs", cfg!(feature = "sqs")),
        ("sns", cfg!(feature = "sns")),
        ("kinesis", cfg!(feature = "kinesis")),
        ("apigw", cfg!(feature = "apigw")),
        ("vpc", cfg!(feature = "vpc")),
    ];
    SCENES.iter().any(|&(name, built)| built && name == slug)
}

/// Whether this bundle has the landing page: the landing bundle and the full app do; a
/// playground's own bundle does not (it would carry the landing page's engine demo to every reader
/// of the playground), so its links home are full page loads.
pub const HAS_LANDING: bool = !cfg!(feature = "scene") || cfg!(feature = "playgrounds");

/// `rel` for a link to the home page (see [`HAS_LANDING`]).
pub fn home_link_rel() -> Option<&'static str> {
    (!HAS_LANDING).then_some("external")
}

/// `rel` for a link to the playground `slug`. Each page of the release site has a bundle of its
/// own (`sqs.html` holds only the SQS scene), so a link to a playground this bundle lacks is a
/// full page load, which the host answers with that playground's page; a link to one it has
/// (always, in the full app `cargo xtask serve` runs) stays in the router.
pub fn playground_link_rel(slug: &str) -> Option<&'static str> {
    (!has_scene(slug)).then_some("external")
}

/// The playground another spelling of whose address `path` (below the site base) is: `/sqs/`
/// and `/sqs.html` are `sqs`, which lives at `/sqs`. `None` for `/sqs` itself and for anything
/// that names no playground. GitHub Pages answers `/sqs/` with 404.html (the landing bundle),
/// which uses this to send the reader on to the playground's page.
pub fn misspelt_playground(path: &str) -> Option<&'static str> {
    let name = path.strip_prefix('/')?;
    let slug = name.strip_suffix('/').or_else(|| name.strip_suffix(".html"))?;
    crate::playgrounds::find(slug).map(|p| p.slug)
}

/// Replaces the current page with the playground `slug`'s own address, query and fragment kept,
/// unless the browser is already there.
pub fn go_to_playground(slug: &str) {
    let location = window().location();
    let target = use_site_base().href(&format!("/{slug}"));
    if location.pathname().is_ok_and(|path| path == target) {
        return;
    }
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let _ = location.replace(&format!("{target}{search}{hash}"));
}

/// The `SiteBase` provided by `App`; the root when called outside it.
pub fn use_site_base() -> SiteBase {
    use_context::<SiteBase>().unwrap_or_default()
}

/// Sets `document.title` to `title` once the page has mounted.
pub fn use_document_title(title: String) {
    Effect::new(move |_| document().set_title(&title));
}

#[cfg(test)]
mod tests {
    use super::misspelt_playground;

    #[test]
    fn other_spellings_of_a_playground_address_lead_to_it() {
        assert_eq!(misspelt_playground("/sqs/"), Some("sqs"));
        assert_eq!(misspelt_playground("/apigw.html"), Some("apigw"));
        assert_eq!(misspelt_playground("/sqs"), None, "the address itself is not a misspelling");
        assert_eq!(misspelt_playground("/nope/"), None);
        assert_eq!(misspelt_playground("/sqs/x"), None);
        assert_eq!(misspelt_playground("/"), None);
        assert_eq!(misspelt_playground(""), None);
    }
}
