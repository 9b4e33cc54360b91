//! The pages an address shows (`routing::Route`): the landing page, one page per playground, and not-found.

mod card_diagrams;
// Left out of a playground's own bundle: it would carry the landing page's engine demo to every reader of the playground.
#[cfg_attr(all(feature = "scene", not(feature = "playgrounds")), allow(dead_code))]
mod landing;
mod not_found;
mod playground;

#[cfg(any(not(feature = "scene"), feature = "playgrounds"))]
pub use landing::LandingPage;
pub use not_found::NotFoundPage;
pub use playground::PlaygroundPage;
