//! Scenes: one per simulation, each driving an engine run and drawing it with the shared components.

#[cfg_attr(not(feature = "scene"), allow(dead_code))]
mod knob;
#[cfg_attr(not(feature = "scene"), allow(dead_code))]
mod live;
#[cfg_attr(not(feature = "scene"), allow(dead_code))]
pub(crate) mod preset;
#[cfg_attr(not(feature = "scene"), allow(dead_code))]
mod work_budget;
// The landing page's engine demo: left out of a playground's own bundle with the landing page.
#[cfg_attr(all(feature = "scene", not(feature = "playgrounds")), allow(dead_code))]
mod reference;
// Always compiled (the native tests cover them all); routed only in a build with their feature, so the
// linker leaves the others out of that page's bundle.
#[cfg_attr(not(feature = "apigw"), allow(dead_code))]
mod apigw;
#[cfg_attr(not(feature = "flow"), allow(dead_code))]
mod flow;
#[cfg_attr(not(feature = "kinesis"), allow(dead_code))]
mod kinesis;
#[cfg_attr(not(feature = "sns"), allow(dead_code))]
mod sns;
#[cfg_attr(not(feature = "sqs"), allow(dead_code))]
mod sqs;
#[cfg_attr(not(feature = "vpc"), allow(dead_code))]
mod vpc;

#[cfg(test)]
mod day_long;
#[cfg(test)]
mod link_fuzz;

#[cfg(feature = "apigw")]
pub use apigw::ApigwScene;
#[cfg(feature = "flow")]
pub use flow::FlowScene;
#[cfg(feature = "kinesis")]
pub use kinesis::KinesisScene;
pub use reference::ReferenceScene;
#[cfg(feature = "sns")]
pub use sns::SnsScene;
#[cfg(feature = "sqs")]
pub use sqs::SqsScene;
#[cfg(feature = "vpc")]
pub use vpc::VpcScene;
