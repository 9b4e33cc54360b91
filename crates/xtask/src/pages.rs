//! The pages of the release site, written from `web/page.html` before Trunk builds each one.
//!
//! Every page is the same template with its own title, description, social card, cargo features
//! and static first paint. The names, promises and pictures come from the app's own data files
//! (read here with `#[path]`), so a page's first paint says what the app will say.

use std::fmt::Write as _;

use anyhow::{bail, Result};

#[allow(dead_code)] // the app reads more of the list than the pages need, and the reverse
#[path = "../../app/src/playgrounds/list.rs"]
mod list;
#[path = "../../app/src/pages/card_diagrams/pictures.rs"]
mod pictures;

use list::{Playground, LANDING_HEADING, LANDING_LEDE, PLAYGROUNDS, SITE_TITLE};
use pictures::card_diagram;

/// How the comment that describes web/page.html begins (left out of the pages).
const TEMPLATE_NOTE: &str = "<!-- The template of every page";

/// What the site is, in one sentence: the landing page's meta description (the app has no use for it).
const SITE_DESCRIPTION: &str = "Interactive, deterministic simulations of AWS SQS, SNS fan-out, Kinesis shards, VPC peering and API Gateway throttling, alone or wired together into event-driven flows, running entirely in your browser.";

/// The playgrounds whose engine Trunk builds for size (Cargo.toml's `release-small` profile,
/// engine `opt-level = "z"`) rather than speed: the SNS bundle holds the SNS model and real SQS
/// queues and would not fit the first-visit budget otherwise; the flow bundle holds every
/// service model (5 % smaller this way).
const SIZE_OPTIMISED: [&str; 2] = ["sns", "flow"];
const SMALL_PROFILE: &str = " data-cargo-profile-release=\"release-small\"";

/// One page of the site: the HTML file it is published as and the bundle it loads.
#[derive(Debug, Clone)]
pub struct Page {
    /// The published file: `index.html`, `sqs.html`, …
    pub file: String,
    /// The playground it shows (`None`: the landing bundle, no scene).
    pub playground: Option<&'static Playground>,
}

impl Page {
    /// The name of the page's social card image in `web/social/`.
    fn image(&self) -> String {
        format!("social/{}.png", self.playground.map_or("nimbus", |p| p.slug))
    }
}

/// Every page Trunk builds: the landing page (also published as 404.html) and one per playground.
pub fn pages() -> Vec<Page> {
    let landing = Page { file: "index.html".into(), playground: None };
    let playgrounds = PLAYGROUNDS.iter().map(|p| Page { file: format!("{}.html", p.slug), playground: Some(p) });
    std::iter::once(landing).chain(playgrounds).collect()
}

/// The first paint of 404.html (the landing bundle at an unknown address, or at `/sqs/`, which
/// it sends on to `/sqs`): the header and a line saying the page is on its way.
pub fn not_found_first_paint() -> String {
    format!("{}<main id=\"main\"><div class=\"page\"><p class=\"first-paint-note\" role=\"status\">Loading…</p></div></main>", header())
}

/// Where the site lives: its path (`/nimbus/`) and, when known, its absolute URL
/// (`https://owner.github.io/nimbus/`), which canonical links and social cards need.
#[derive(Debug, Clone)]
pub struct SiteUrl {
    pub path: String,
    pub absolute: Option<String>,
}

impl SiteUrl {
    fn of(&self, rest: &str) -> String {
        format!("{}{rest}", self.absolute.as_deref().unwrap_or(&self.path))
    }
}

/// Where a page's sources are, relative to where the page is written: `web/`, `crates/app` and
/// the stylesheet ([`minify_css`] of `web/style.css`).
pub struct Sources<'a> {
    pub web: &'a str,
    pub app: &'a str,
    pub style: &'a str,
}

/// The page's HTML from `template`.
pub fn render(template: &str, page: &Page, site: &SiteUrl, sources: &Sources) -> Result<String> {
    let (title, description, url, features, first_paint) = match page.playground {
        None => (SITE_TITLE.to_owned(), SITE_DESCRIPTION.to_owned(), site.of(""), String::new(), landing_first_paint()),
        Some(p) => (
            format!("{} — Nimbus", p.name),
            format!("{} {}", p.promise, p.description),
            site.of(p.slug),
            format!(
                " data-cargo-features=\"{}\"{}",
                p.slug,
                if SIZE_OPTIMISED.contains(&p.slug) { SMALL_PROFILE } else { "" }
            ),
            playground_first_paint(p),
        ),
    };
    let image_alt = match page.playground {
        None => "Nimbus: six AWS playgrounds, SQS, SNS, Kinesis, VPC peering, API Gateway and event-driven flows, as animated diagrams"
            .to_owned(),
        Some(p) => format!("The {} playground of Nimbus: {}", p.name, p.promise),
    };
    let slots = [
        ("title", escape(&title)),
        ("description", escape(&description)),
        ("url", escape(&url)),
        ("image", escape(&site.of(&page.image()))),
        ("image_alt", escape(&image_alt)),
        ("web", sources.web.to_owned()),
        ("app", sources.app.to_owned()),
        ("style", sources.style.to_owned()),
        ("features", features),
        ("first_paint", first_paint),
    ];
    let mut html = template.to_owned();
    for (name, value) in slots {
        let slot = format!("{{{{{name}}}}}");
        if !html.contains(&slot) {
            bail!("web/page.html has no {slot} slot");
        }
        html = html.replace(&slot, &value);
    }
    if let Some(at) = html.find("{{") {
        bail!("web/page.html has a slot nobody fills: {}", &html[at..html.len().min(at + 30)]);
    }
    // The template's note about itself is not for the published page.
    if let Some(start) = html.find(TEMPLATE_NOTE) {
        let end = html[start..].find("-->\n").map_or(start, |e| start + e + 4);
        html.replace_range(start..end, "");
    }
    Ok(html)
}

/// The stylesheet as published: without its comments (they say why a rule is there, for us) and
/// without the whitespace between tokens; strings are kept as written. About 3 KB gzip of every
/// page's first visit.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    // A space is written only between two tokens that need one (`a b`, `0 auto`), never next
    // to punctuation that ends or opens a block, a declaration or a selector list.
    let mut pending_space = false;
    let tight = |c: char| matches!(c, '{' | '}' | ';' | ',' | ':' | '>');
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                if pending_space && !out.is_empty() && !out.ends_with(tight) {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == c {
                        break;
                    }
                }
            }
            c => {
                // `a :hover` and `a:hover` differ, so only a space after `:` goes (`color: red`).
                let keep = pending_space
                    && !out.is_empty()
                    && !out.ends_with(tight)
                    && !matches!(c, '{' | '}' | ';' | ',' | '>');
                if keep {
                    out.push(' ');
                }
                pending_space = false;
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
            }
        }
    }
    out
}

/// The site header as `shell.rs` draws it (links relative to `<base href>`).
fn header() -> String {
    let mut nav = String::new();
    for p in &PLAYGROUNDS {
        let _ = write!(nav, "<li><a href=\"{}\">{}</a></li>", p.slug, escape(p.nav_label));
    }
    format!(
        "<header class=\"site-header\"><a class=\"wordmark\" href=\"./\"><svg class=\"wordmark-mark\" viewBox=\"0 0 32 20\" aria-hidden=\"true\"><path d=\"M8 18a6 6 0 0 1-.6-12A8 8 0 0 1 22.5 5 6.5 6.5 0 0 1 25 18z\"></path></svg>Nimbus</a><nav aria-label=\"Playgrounds\"><ul class=\"nav-list\">{nav}</ul></nav></header>"
    )
}

fn playground_first_paint(p: &Playground) -> String {
    format!(
        "{header}<main id=\"main\"><article class=\"page playground-page\"><h1>{name}</h1><p class=\"lede\">{promise}</p><div class=\"first-paint-diagram card-diagram\">{picture}<p class=\"first-paint-note\" role=\"status\">Loading the {name} playground…</p></div><p class=\"first-paint-text\">{description}</p></article></main>",
        header = header(),
        name = escape(p.name),
        promise = escape(p.promise),
        description = escape(p.description),
        picture = card_diagram(p.slug),
    )
}

/// The landing page's first paint, as [`render`] writes it (404.html swaps it for its own).
pub fn landing_first_paint() -> String {
    let mut cards = String::new();
    for p in &PLAYGROUNDS {
        let _ = write!(
            cards,
            "<article class=\"card\"><h2>{name}</h2><p class=\"promise\">{promise}</p><div class=\"card-diagram\">{picture}</div><a class=\"card-link\" href=\"{slug}\">Open {name} <span aria-hidden=\"true\">→</span></a></article>",
            name = escape(p.name),
            promise = escape(p.promise),
            picture = card_diagram(p.slug),
            slug = p.slug,
        );
    }
    format!(
        "{header}<main id=\"main\"><div class=\"page landing\"><section class=\"hero\"><h1>{heading}</h1><p class=\"lede\">{lede}</p></section><div class=\"card-grid\">{cards}</div></div></main>",
        header = header(),
        heading = escape(LANDING_HEADING),
        lede = escape(LANDING_LEDE),
    )
}

/// Text for HTML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/page.html"));

    const SOURCES: Sources = Sources { web: "../../web", app: "../../crates/app", style: "style.css" };

    fn site() -> SiteUrl {
        SiteUrl { path: "/nimbus/".into(), absolute: Some("https://example.github.io/nimbus/".into()) }
    }

    #[test]
    fn every_page_fills_every_slot_with_its_own_words() {
        for page in pages() {
            let html = render(TEMPLATE, &page, &site(), &SOURCES).expect("renders");
            assert!(!html.contains("{{") && !html.contains(TEMPLATE_NOTE), "{}", page.file);
            assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"), "{}", page.file);
            match page.playground {
                Some(p) => {
                    assert!(html.contains(&format!("<title>{} — Nimbus</title>", p.name)), "{}", page.file);
                    assert!(html.contains(&format!("data-cargo-features=\"{}\"", p.slug)), "{}", page.file);
                    // Only the pages that need it trade engine speed for size.
                    assert_eq!(html.contains("release-small"), SIZE_OPTIMISED.contains(&p.slug), "{}", page.file);
                    assert!(html.contains(&format!("https://example.github.io/nimbus/social/{}.png", p.slug)));
                    assert!(html.contains(&format!(
                        "<link rel=\"canonical\" href=\"https://example.github.io/nimbus/{}\"",
                        p.slug
                    )));
                    assert!(html.contains("<svg class=\"card-svg\""), "{}: no picture", page.file);
                }
                None => {
                    assert!(!html.contains("data-cargo-features"), "the landing page has no scene");
                    assert_eq!(html.matches("class=\"card\"").count(), PLAYGROUNDS.len());
                }
            }
            assert!(html.contains("data-cargo-no-default-features"));
        }
    }

    #[test]
    fn without_an_absolute_url_links_are_site_paths() {
        let site = SiteUrl { path: "/nimbus/".into(), absolute: None };
        let html =
            render(TEMPLATE, &pages()[1], &site, &Sources { web: "w", app: "a", style: "s.css" }).expect("renders");
        assert!(html.contains("content=\"/nimbus/social/sqs.png\""));
    }

    #[test]
    fn every_page_has_a_social_card_of_1200_by_630_under_120_kb() {
        let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
        for page in pages() {
            let bytes = std::fs::read(web.join(page.image())).unwrap_or_else(|e| panic!("{}: {e}", page.image()));
            assert!(bytes.len() <= 120 * 1024, "{}: {} bytes", page.image(), bytes.len());
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}: not a PNG", page.image());
            // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
            let size = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
            assert_eq!((size(16), size(20)), (1200, 630), "{}", page.image());
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a <b> & \"c\""), "a &lt;b&gt; &amp; &quot;c&quot;");
    }

    #[test]
    fn the_published_stylesheet_loses_comments_and_spaces_but_not_meaning() {
        let css = "/* why */\n.a :hover,\n.b > .c {\n  color: red;\n  margin: 0 auto;\n}\n\n@media (max-width: 600px) {\n  .d::after { content: \" · \\\" \"; width: calc(100% - 2rem) }\n}\n";
        assert_eq!(
            minify_css(css),
            ".a :hover,.b>.c{color:red;margin:0 auto}@media (max-width:600px){.d::after{content:\" · \\\" \";width:calc(100% - 2rem)}}"
        );
        let ours =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/style.css"))
                .expect("web/style.css");
        let small = minify_css(&ours);
        assert!(small.len() < ours.len() * 4 / 5, "{} of {}", small.len(), ours.len());
        // Every rule is still there (our comments hold no braces).
        assert_eq!(small.matches('{').count(), ours.matches('{').count());
        assert_eq!(small.matches('}').count(), ours.matches('}').count());
        assert!(!small.contains("/*"));
    }
}
