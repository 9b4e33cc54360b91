//! Where the site lives and which page an address shows.
//!
//! GitHub Pages serves the site under `/<repo>/` while `trunk serve` serves it at `/`; Trunk writes the
//! public URL into `<base href>`, so the app reads it back at start-up instead of hard-coding either.
//!
//! There is no client-side router: every page of the site is its own HTML file with its own bundle
//! (`sqs.html` holds only the SQS scene), so every link is a full page load and the app decides
//! once, at start, what the address shows ([`Route::of`]). A router (leptos_router) cost every
//! playground page ~55 KB gzip for navigation nothing used.

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

    /// The URL of an app path under the base: `href("/sqs")` is `/nimbus/sqs` on GitHub Pages.
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

/// What an address (its path below the site base) shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/` (and `/index.html`): the landing page.
    Home,
    /// `/sqs`, …: the playground with this slug.
    Playground(&'static str),
    /// Anything else, including `/sqs/` and `/sqs.html` (see [`misspelt_playground`]).
    NotFound,
}

impl Route {
    /// The route of `path`, a browser path below the site base.
    pub fn of(path: &str) -> Route {
        match path {
            "" | "/" | "/index.html" => Route::Home,
            _ => match path.strip_prefix('/').and_then(crate::playgrounds::find) {
                Some(p) => Route::Playground(p.slug),
                None => Route::NotFound,
            },
        }
    }

    /// The route of the page the browser is showing.
    pub fn current(base: &SiteBase) -> Route {
        Route::of(&base.strip(&current_path()))
    }
}

/// The browser's path, e.g. `/nimbus/sqs`.
pub fn current_path() -> String {
    window().location().pathname().unwrap_or_default()
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
    use super::{misspelt_playground, Route};

    #[test]
    fn an_address_shows_home_a_playground_or_not_found() {
        assert_eq!(Route::of(""), Route::Home);
        assert_eq!(Route::of("/"), Route::Home);
        assert_eq!(Route::of("/index.html"), Route::Home);
        assert_eq!(Route::of("/sqs"), Route::Playground("sqs"));
        assert_eq!(Route::of("/apigw"), Route::Playground("apigw"));
        assert_eq!(Route::of("/sqs/"), Route::NotFound, "404.html sends it on to /sqs");
        assert_eq!(Route::of("/sqs.html"), Route::NotFound);
        assert_eq!(Route::of("/SQS"), Route::NotFound);
        assert_eq!(Route::of("/sqs/x"), Route::NotFound);
        assert_eq!(Route::of("/nope"), Route::NotFound);
        assert_eq!(Route::of("//sqs"), Route::NotFound);
    }

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
