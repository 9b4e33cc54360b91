//! Scenes: one per simulation, each driving an engine run and drawing it with the shared components.

mod reference;
// Always compiled; routed only in the full app (the `playgrounds` feature), not in the landing bundle.
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod sqs;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod sns;

pub use reference::ReferenceScene;
#[cfg(feature = "playgrounds")]
pub use sqs::SqsScene;
#[cfg(feature = "playgrounds")]
pub use sns::SnsScene;
