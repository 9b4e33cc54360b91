//! Scenes: one per simulation, each driving an engine run and drawing it with the shared components.

mod reference;

pub use reference::ReferenceScene;
