//! The pages the router shows: the landing page, one page per playground, and not-found.

mod card_diagrams;
mod landing;
mod not_found;
mod playground;

pub use landing::LandingPage;
pub use not_found::NotFoundPage;
pub use playground::PlaygroundPage;
