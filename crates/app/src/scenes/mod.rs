//! Scenes: one per simulation, each driving an engine run and drawing it with the shared components.

#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod knob;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod live;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
pub(crate) mod preset;
mod reference;
// Always compiled; routed only in the full app (the `playgrounds` feature), not in the landing bundle.
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod apigw;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod kinesis;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod sns;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod sqs;
#[cfg_attr(not(feature = "playgrounds"), allow(dead_code))]
mod vpc;

#[cfg(feature = "playgrounds")]
pub use apigw::ApigwScene;
#[cfg(feature = "playgrounds")]
pub use kinesis::KinesisScene;
pub use reference::ReferenceScene;
#[cfg(feature = "playgrounds")]
pub use sns::SnsScene;
#[cfg(feature = "playgrounds")]
pub use sqs::SqsScene;
#[cfg(feature = "playgrounds")]
pub use vpc::VpcScene;
